// The emulator's trust policy check (trust_policy.h) and web identity token
// rule (web_identity.h): who may assume a role, and which tokens pass.
#include "awsemu/trust_policy.h"

#include <gtest/gtest.h>

#include "aws/crypto.h"
#include "awsemu/web_identity.h"

namespace awsemu {
namespace {

using nlohmann::json;

json Allow(json principal, json condition = nullptr) {
  json st = {{"Effect", "Allow"}, {"Principal", principal}, {"Action", "sts:AssumeRole"}};
  if (!condition.is_null()) st["Condition"] = condition;
  return {{"Statement", json::array({st})}};
}

TrustRequest Caller(const std::string& arn, const std::string& external_id = "") {
  TrustRequest r;
  r.action = "sts:AssumeRole";
  r.caller_arn = arn;
  r.external_id = external_id;
  return r;
}

TEST(TrustPolicy, PrincipalsByArnAccountAndAssumedRole) {
  const std::string user = "arn:aws:iam::123456789012:user/ferry-awsemu";
  EXPECT_TRUE(EvaluateTrust(Allow({{"AWS", user}}), Caller(user)).allowed);
  EXPECT_TRUE(EvaluateTrust(Allow({{"AWS", "123456789012"}}), Caller(user)).allowed);
  EXPECT_TRUE(EvaluateTrust(Allow({{"AWS", "arn:aws:iam::123456789012:root"}}), Caller(user)).allowed);
  EXPECT_FALSE(EvaluateTrust(Allow({{"AWS", "arn:aws:iam::123456789012:user/other"}}), Caller(user)).allowed);
  // An assumed-role session answers to its role's ARN.
  json by_role = Allow({{"AWS", json::array({"arn:aws:iam::123456789012:role/path/mid"})}});
  EXPECT_TRUE(EvaluateTrust(by_role, Caller("arn:aws:sts::123456789012:assumed-role/mid/s1")).allowed);
  EXPECT_FALSE(EvaluateTrust(by_role, Caller("arn:aws:sts::123456789012:assumed-role/top/s1")).allowed);
}

TEST(TrustPolicy, ExternalIdConditionDenyAndUnsupported) {
  const std::string user = "arn:aws:iam::123456789012:user/u";
  json p = Allow({{"AWS", "*"}}, {{"StringEquals", {{"sts:ExternalId", "t-7"}}}});
  EXPECT_TRUE(EvaluateTrust(p, Caller(user, "t-7")).allowed);
  EXPECT_FALSE(EvaluateTrust(p, Caller(user, "t-8")).allowed);
  EXPECT_FALSE(EvaluateTrust(p, Caller(user)).allowed);
  p["Statement"].push_back({{"Effect", "Deny"}, {"Principal", {{"AWS", user}}}, {"Action", "sts:*"}});
  TrustDecision d = EvaluateTrust(p, Caller(user, "t-7"));
  EXPECT_FALSE(d.allowed);
  EXPECT_NE(d.reason.find("Deny"), std::string::npos);
  d = EvaluateTrust(Allow("*", {{"IpAddress", {{"aws:SourceIp", "1.2.3.4"}}}}), Caller(user));
  EXPECT_FALSE(d.allowed);
  EXPECT_NE(d.reason.find("IpAddress is not emulated"), std::string::npos) << d.reason;
}

std::string B64Url(const std::string& bytes) {
  std::string s = ferry::aws::Base64Encode(bytes);
  while (!s.empty() && s.back() == '=') s.pop_back();
  for (char& c : s) c = c == '+' ? '-' : c == '/' ? '_' : c;
  return s;
}

std::string Token(const std::string& key, const json& claims) {
  std::string signed_part = B64Url(R"({"alg":"HS256"})") + "." + B64Url(claims.dump());
  return signed_part + "." + B64Url(ferry::aws::HmacSha256(key, signed_part));
}

TEST(WebIdentity, TokensSignedWithTheKeyPassOthersDoNot) {
  auto now = std::chrono::system_clock::from_time_t(1800000000);
  json claims = {{"iss", "https://idp.test"}, {"sub", "repo:x"}, {"aud", "sts.amazonaws.com"}};
  WebIdentityClaims c;
  std::string why;
  EXPECT_EQ(VerifyWebIdentityToken(Token("k", claims), "k", now, &c, &why), TokenVerdict::kOk);
  EXPECT_EQ(c.issuer, "https://idp.test");
  EXPECT_EQ(c.subject, "repo:x");
  EXPECT_EQ(VerifyWebIdentityToken(Token("other", claims), "k", now, &c, &why), TokenVerdict::kBadSignature);
  EXPECT_EQ(VerifyWebIdentityToken("abc", "k", now, &c, &why), TokenVerdict::kMalformed);
  json expired = claims;
  expired["exp"] = 1799999999;
  EXPECT_EQ(VerifyWebIdentityToken(Token("k", expired), "k", now, &c, &why), TokenVerdict::kExpired);
  json no_sub = claims;
  no_sub.erase("sub");
  EXPECT_EQ(VerifyWebIdentityToken(Token("k", no_sub), "k", now, &c, &why), TokenVerdict::kMalformed);

  TrustRequest r;
  r.action = "sts:AssumeRoleWithWebIdentity";
  r.issuer = c.issuer;
  r.audience = "sts.amazonaws.com";
  r.subject = "repo:x";
  json web = {{"Statement",
               {{{"Effect", "Allow"},
                 {"Principal", {{"Federated", "idp.test"}}},
                 {"Action", "sts:AssumeRoleWithWebIdentity"},
                 {"Condition", {{"StringLike", {{"idp.test:sub", "repo:*"}}}}}}}}};
  EXPECT_TRUE(EvaluateTrust(web, r).allowed);
  r.subject = "other";
  EXPECT_FALSE(EvaluateTrust(web, r).allowed);
}

}  // namespace
}  // namespace awsemu
