#include "awsemu/query_protocol.h"

#include <gtest/gtest.h>

namespace awsemu {
namespace {

using nlohmann::json;

TEST(QueryProtocolTest, TreeTurnsNumberedSegmentsIntoArraysInNumberOrder) {
  json t = QueryTree({{"Action", "CreateRole"},
                      {"Tags.member.1.Key", "a"},
                      {"Tags.member.1.Value", "1"},
                      {"Tags.member.10.Key", "c"},
                      {"Tags.member.2.Key", "b"},
                      {"Filter.1.Name", "vpc-id"},
                      {"Filter.1.Value.1", "vpc-1"},
                      {"Filter.1.Value.2", "vpc-2"}});
  EXPECT_EQ(t["Action"], "CreateRole");
  json tags = QueryMembers(t, "Tags");
  ASSERT_EQ(tags.size(), 3u);
  EXPECT_EQ(tags[0], (json{{"Key", "a"}, {"Value", "1"}}));
  EXPECT_EQ(tags[1]["Key"], "b");  // 2 before 10, not string order
  EXPECT_EQ(tags[2]["Key"], "c");
  json filters = QueryMembers(t, "Filter");
  ASSERT_EQ(filters.size(), 1u);
  EXPECT_EQ(filters[0]["Value"], (json{"vpc-1", "vpc-2"}));
  EXPECT_TRUE(QueryMembers(t, "Missing").empty());
  EXPECT_TRUE(QueryMembers(t, "Action").empty());  // a string is no list
}

TEST(QueryProtocolTest, ParamsDecodeFormBodiesWithPlusAsSpace) {
  EmuRequest req;
  req.query = {{"Action", "FromQuery"}, {"Version", "2010-05-08"}};
  req.body = "Action=GetRole&RoleName=a+b%2Bc";
  auto p = QueryParams(req);
  EXPECT_EQ(p["Action"], "GetRole");  // the body wins
  EXPECT_EQ(p["RoleName"], "a b+c");
  EXPECT_EQ(p["Version"], "2010-05-08");
}

TEST(QueryProtocolTest, XmlWrapsResultsAndListsAsEachFlavourDoes) {
  std::string iam =
      QueryXml("ListRolePolicies", "ns", "rid", json{{"PolicyNames", {"a", "b"}}, {"IsTruncated", false}});
  // (nlohmann's objects keep their keys sorted; botocore reads fields in any order.)
  EXPECT_NE(iam.find("<ListRolePoliciesResponse xmlns=\"ns\"><ListRolePoliciesResult><IsTruncated>false</IsTruncated>"
                     "<PolicyNames><member>a</member><member>b</member></PolicyNames></ListRolePoliciesResult>"
                     "<ResponseMetadata><RequestId>rid</RequestId></ResponseMetadata>"),
            std::string::npos)
      << iam;
  std::string ec2 = Ec2Xml("DescribeVpcs", "rid", json{{"vpcSet", {{{"vpcId", "vpc-1"}, {"isDefault", true}}}}});
  EXPECT_NE(ec2.find("<requestId>rid</requestId><vpcSet><item><isDefault>true</isDefault><vpcId>vpc-1</vpcId></item>"
                     "</vpcSet>"),
            std::string::npos)
      << ec2;
}

}  // namespace
}  // namespace awsemu
