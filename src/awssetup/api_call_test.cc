// The wire form of ApiCalls: IAM's and EC2's two query flavours, S3's XML
// bodies with their integrity header, and XML answers read as JSON.
#include "aws/api_call.h"

#include <gtest/gtest.h>

#include "aws/s3_client.h"

namespace ferry::awssetup {
namespace {

using aws::ApiCall;
using aws::ServiceRequest;

std::string Body(const ServiceRequest& r) { return static_cast<aws::StringBody*>(r.body.get())->data(); }

TEST(ApiCall, IamListsAreMembersAndTheRequestIsSignedForUsEast1) {
  ServiceRequest r;
  ApiCall c{"iam", "CreateRole", {{"RoleName", "r"}, {"Tags", {{{"Key", "k"}, {"Value", "v"}}}}}};
  ASSERT_TRUE(aws::SerializeApiCall(c, nullptr, &r).ok());
  EXPECT_EQ(Body(r), "Action=CreateRole&Version=2010-05-08&RoleName=r&Tags.member.1.Key=k&Tags.member.1.Value=v");
  EXPECT_EQ(r.signing_region, "us-east-1");
}

TEST(ApiCall, Ec2ListsAreNumberedUnderTheirLocationName) {
  ServiceRequest r;
  ApiCall c{"ec2", "DescribeVpcs", {{"Filters", {{{"Name", "isDefault"}, {"Values", {"true"}}}}}}};
  ASSERT_TRUE(aws::SerializeApiCall(c, nullptr, &r).ok());
  EXPECT_EQ(Body(r), "Action=DescribeVpcs&Version=2016-11-15&Filter.1.Name=isDefault&Filter.1.Value.1=true");
}

TEST(ApiCall, S3LifecycleIsXmlWithRulesFlattenedAndAContentMd5) {
  auto client = std::make_shared<aws::AwsClient>(aws::AwsClient::Options{
      nullptr,
      "eu-west-1",
      {},
      std::make_shared<aws::MapEnv>(std::map<std::string, std::string>{{"AWS_ENDPOINT_URL", "http://127.0.0.1:1"}}),
      nullptr,
      {}});
  std::unique_ptr<aws::S3Client> s3;
  ASSERT_TRUE(aws::S3Client::Create(client, &s3).ok());
  ApiCall c{"s3",
            "PutBucketLifecycleConfiguration",
            {{"Bucket", "b"},
             {"LifecycleConfiguration",
              {{"Rules", {{{"ID", "x"}, {"Status", "Enabled"}, {"Expiration", {{"Days", 30}}}}}}}}}};
  ServiceRequest r;
  ASSERT_TRUE(aws::SerializeApiCall(c, s3.get(), &r).ok());
  EXPECT_EQ(r.method, "PUT");
  EXPECT_EQ(r.path, "/b");
  ASSERT_EQ(r.query.size(), 1u);
  EXPECT_EQ(r.query[0].first, "lifecycle");
  EXPECT_EQ(Body(r),
            "<LifecycleConfiguration xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\"><Rule><Expiration><Days>30"
            "</Days></Expiration><ID>x</ID><Status>Enabled</Status></Rule></LifecycleConfiguration>");
  bool md5 = false;
  for (const auto& h : r.headers) md5 = md5 || h.first == "Content-MD5";
  EXPECT_TRUE(md5);
}

TEST(ApiCall, UnknownOperationsAreRefusedNotGuessed) {
  ServiceRequest r;
  EXPECT_FALSE(aws::SerializeApiCall({"s3", "PutBucketAcl", {{"Bucket", "b"}}}, nullptr, &r).ok());
  EXPECT_FALSE(aws::SerializeApiCall({"sqs", "SendMessage", {}}, nullptr, &r).ok());
}

TEST(XmlToJson, ListsOfMembersAndRepeatedElementsBecomeArrays) {
  auto j = aws::XmlToJson(
      "<R><Roles><member><Arn>a</Arn></member><member><Arn>b</Arn></member></Roles>"
      "<Rule><ID>1</ID></Rule><Rule><ID>2</ID></Rule><One>x</One></R>");
  EXPECT_EQ(j["Roles"].size(), 2u);
  EXPECT_EQ(j["Roles"][1]["Arn"], "b");
  EXPECT_EQ(j["Rule"][1]["ID"], "2");
  EXPECT_EQ(j["One"], "x");
}

}  // namespace
}  // namespace ferry::awssetup
