// How profiles become credentials (profile_chain.h), the SSO token cache
// (sso_credentials.h) and the STS role answers (sts_roles.h): pure, from
// INI text, JSON and XML.
#include <gtest/gtest.h>

#include "aws/crypto.h"
#include "aws/profile_chain.h"

namespace ferry::aws {
namespace {

ProfileFiles Files(const std::string& credentials, const std::string& config) {
  ProfileFiles f;
  f.credentials_path = "/h/.aws/credentials";
  f.config_path = "/h/.aws/config";
  EXPECT_TRUE(ParseIni(credentials, f.credentials_path, &f.credentials).ok());
  EXPECT_TRUE(ParseIni(config, f.config_path, &f.config).ok());
  return f;
}

Status Plan(const ProfileFiles& f, const std::string& profile, ProfilePlan* p) {
  return PlanProfile(f, profile, "ferry-default", p);
}

ProfilePlan PlanOk(const ProfileFiles& f, const std::string& profile) {
  ProfilePlan p;
  Status s = Plan(f, profile, &p);
  EXPECT_TRUE(s.ok()) << profile << ": " << s.message();
  return p;
}

TEST(ProfileChain, RoleChainAssumesInnermostFirst) {
  auto f = Files("[base]\naws_access_key_id = AKIDBASE\naws_secret_access_key = s\n",
                 "[profile mid]\nrole_arn = arn:aws:iam::1:role/mid\nsource_profile = base\nexternal_id = ext-1\n"
                 "[profile top]\nrole_arn = arn:aws:iam::1:role/top\nsource_profile = mid\n"
                 "role_session_name = me\nduration_seconds = 1200\n");
  ProfilePlan p = PlanOk(f, "top");
  EXPECT_EQ(p.base, ProfilePlan::Base::kStaticKeys);
  EXPECT_EQ(p.base_profile, "base");
  EXPECT_EQ(p.base_file, "/h/.aws/credentials");
  EXPECT_EQ(p.static_keys.access_key_id, "AKIDBASE");
  ASSERT_EQ(p.roles.size(), 2u);
  EXPECT_EQ(p.roles[0].request.role_arn, "arn:aws:iam::1:role/mid");
  EXPECT_EQ(p.roles[0].request.external_id, "ext-1");
  EXPECT_EQ(p.roles[0].request.session_name, "ferry-default");
  EXPECT_EQ(p.roles[1].request.role_arn, "arn:aws:iam::1:role/top");
  EXPECT_EQ(p.roles[1].request.session_name, "me");
  EXPECT_EQ(p.roles[1].request.duration_seconds, 1200);
}

TEST(ProfileChain, LoopNamesEveryProfile) {
  auto f = Files("",
                 "[profile a]\nrole_arn = arn:aws:iam::1:role/a\nsource_profile = b\n"
                 "[profile b]\nrole_arn = arn:aws:iam::1:role/b\nsource_profile = a\n");
  ProfilePlan p;
  Status s = Plan(f, "a", &p);
  EXPECT_EQ(s.kind(), Status::Kind::kInvalidInput);
  EXPECT_NE(s.message().find("a -> b -> a"), std::string::npos) << s.message();
}

TEST(ProfileChain, SelfSourceUsesOwnKeys) {
  auto f = Files(
      "[me]\naws_access_key_id = AKIDME\naws_secret_access_key = s\n"
      "role_arn = arn:aws:iam::1:role/r\nsource_profile = me\n",
      "");
  ProfilePlan p = PlanOk(f, "me");
  EXPECT_EQ(p.base, ProfilePlan::Base::kStaticKeys);
  ASSERT_EQ(p.roles.size(), 1u);
}

TEST(ProfileChain, CredentialSourceAndItsErrors) {
  auto f = Files("",
                 "[profile ec2]\nrole_arn = arn:aws:iam::1:role/r\ncredential_source = Ec2InstanceMetadata\n"
                 "[profile bad]\nrole_arn = arn:aws:iam::1:role/r\ncredential_source = Laptop\n"
                 "[profile both]\nrole_arn = arn:aws:iam::1:role/r\ncredential_source = Environment\n"
                 "source_profile = ec2\n"
                 "[profile none]\nrole_arn = arn:aws:iam::1:role/r\n"
                 "[profile mfa]\nrole_arn = arn:aws:iam::1:role/r\ncredential_source = Environment\n"
                 "mfa_serial = arn:aws:iam::1:mfa/me\n"
                 "[profile dur]\nrole_arn = arn:aws:iam::1:role/r\ncredential_source = Environment\n"
                 "duration_seconds = 1h\n"
                 "[profile empty-src]\nrole_arn = arn:aws:iam::1:role/r\nsource_profile = nokeys\n"
                 "[profile nokeys]\nregion = eu-west-1\n"
                 "[profile gone]\nrole_arn = arn:aws:iam::1:role/r\nsource_profile = missing\n");
  ProfilePlan p = PlanOk(f, "ec2");
  EXPECT_EQ(p.base, ProfilePlan::Base::kCredentialSource);
  EXPECT_EQ(p.credential_source, "Ec2InstanceMetadata");
  ASSERT_EQ(p.roles.size(), 1u);
  struct Case {
    const char* profile;
    const char* says;
  } cases[] = {
      {"bad", "not one of Environment, Ec2InstanceMetadata, EcsContainer"},
      {"both", "more than one of source_profile, credential_source"},
      {"none", "add source_profile, credential_source or web_identity_token_file"},
      {"mfa", "mfa_serial"},
      {"dur", "duration_seconds = 1h is not a whole number"},
      {"empty-src", "profile 'nokeys' has no credentials"},
      {"gone", "no profile 'missing' exists"},
  };
  for (const Case& c : cases) {
    Status s = Plan(f, c.profile, &p);
    EXPECT_EQ(s.kind(), Status::Kind::kInvalidInput) << c.profile;
    EXPECT_NE(s.message().find(c.says), std::string::npos) << c.profile << ": " << s.message();
  }
}

TEST(ProfileChain, WebIdentityProfileThenAnotherRole) {
  auto f = Files("",
                 "[profile ci]\nrole_arn = arn:aws:iam::1:role/ci\nweb_identity_token_file = /run/token\n"
                 "[profile deploy]\nrole_arn = arn:aws:iam::1:role/deploy\nsource_profile = ci\n");
  ProfilePlan p = PlanOk(f, "deploy");
  EXPECT_EQ(p.base, ProfilePlan::Base::kWebIdentity);
  EXPECT_EQ(p.web_identity_token_file, "/run/token");
  EXPECT_EQ(p.web_identity_role.role_arn, "arn:aws:iam::1:role/ci");
  ASSERT_EQ(p.roles.size(), 1u);
  EXPECT_EQ(p.roles[0].request.role_arn, "arn:aws:iam::1:role/deploy");
}

TEST(ProfileChain, SsoSessionAndLegacyProfiles) {
  auto f = Files("",
                 "[profile dev]\nsso_session = corp\nsso_account_id = 111122223333\nsso_role_name = Dev\n"
                 "[sso-session corp]\nsso_start_url = https://corp.awsapps.com/start\nsso_region = eu-west-1\n"
                 "[profile old]\nsso_start_url = https://old.awsapps.com/start\nsso_region = us-east-2\n"
                 "sso_account_id = 1\nsso_role_name = R\n"
                 "[profile half]\nsso_session = corp\n"
                 "[profile nosession]\nsso_session = other\nsso_account_id = 1\nsso_role_name = R\n");
  ProfilePlan p = PlanOk(f, "dev");
  EXPECT_EQ(p.base, ProfilePlan::Base::kSso);
  EXPECT_EQ(p.sso.session, "corp");
  EXPECT_EQ(p.sso.start_url, "https://corp.awsapps.com/start");
  EXPECT_EQ(p.sso.region, "eu-west-1");
  MapEnv env;
  env.Set("HOME", "/h");
  // botocore names the cache file after the session name, or the start URL.
  EXPECT_EQ(SsoTokenCachePath(p.sso, env), "/h/.aws/sso/cache/" + Sha1Hex("corp") + ".json");
  p = PlanOk(f, "old");
  EXPECT_EQ(SsoTokenCachePath(p.sso, env), "/h/.aws/sso/cache/" + Sha1Hex("https://old.awsapps.com/start") + ".json");
  Status s = Plan(f, "half", &p);
  EXPECT_NE(s.message().find("lacks sso_account_id, sso_role_name"), std::string::npos) << s.message();
  s = Plan(f, "nosession", &p);
  EXPECT_NE(s.message().find("no [sso-session other] section"), std::string::npos) << s.message();
}

TEST(SsoToken, MissingExpiredAndGood) {
  SsoProfile p;
  p.profile = "dev";
  p.session = "corp";
  auto now = std::chrono::system_clock::from_time_t(1800000000);  // 2027-01-15
  std::string token;
  Status s = LoadSsoToken(p, "", false, now, &token);
  EXPECT_EQ(s.kind(), Status::Kind::kInvalidInput);
  EXPECT_NE(s.message().find("aws sso login --profile dev"), std::string::npos) << s.message();
  s = LoadSsoToken(p, R"({"accessToken": "tok-SECRET", "expiresAt": "2020-01-01T00:00:00Z"})", true, now, &token);
  EXPECT_NE(s.message().find("expired at 2020-01-01T00:00:00Z"), std::string::npos) << s.message();
  EXPECT_NE(s.message().find("aws sso login --profile dev"), std::string::npos);
  EXPECT_EQ(s.message().find("tok-SECRET"), std::string::npos);
  s = LoadSsoToken(p, "not json", true, now, &token);
  EXPECT_NE(s.message().find("unreadable"), std::string::npos);
  ASSERT_TRUE(
      LoadSsoToken(p, R"({"accessToken": "tok-SECRET", "expiresAt": "2030-01-01T00:00:00Z"})", true, now, &token).ok());
  EXPECT_EQ(token, "tok-SECRET");
}

TEST(SsoToken, RoleCredentialsAnswer) {
  Credentials c;
  ASSERT_TRUE(ParseSsoRoleCredentials(R"({"roleCredentials": {"accessKeyId": "ASIA1", "secretAccessKey": "s",
      "sessionToken": "t", "expiration": 1800000000000}})",
                                      &c)
                  .ok());
  EXPECT_EQ(c.access_key_id, "ASIA1");
  ASSERT_TRUE(c.expiration);
  EXPECT_EQ(std::chrono::system_clock::to_time_t(*c.expiration), 1800000000);
  EXPECT_FALSE(ParseSsoRoleCredentials("{}", &c).ok());
}

TEST(StsRoles, RequestBodiesAndAnswer) {
  RoleRequest r{"arn:aws:iam::1:role/a b", "sess", "ext", 900};
  EXPECT_EQ(AssumeRoleBody(r),
            "Action=AssumeRole&Version=2011-06-15&RoleArn=arn%3Aaws%3Aiam%3A%3A1%3Arole%2Fa%20b&RoleSessionName=sess"
            "&DurationSeconds=900&ExternalId=ext");
  r.external_id.clear();
  r.duration_seconds = 0;
  EXPECT_EQ(AssumeRoleWithWebIdentityBody(r, "a.b+c"),
            "Action=AssumeRoleWithWebIdentity&Version=2011-06-15&RoleArn=arn%3Aaws%3Aiam%3A%3A1%3Arole%2Fa%20b"
            "&RoleSessionName=sess&WebIdentityToken=a.b%2Bc");
  RoleCredentials rc;
  ASSERT_TRUE(ParseRoleCredentials("<AssumeRoleResponse><AssumeRoleResult><Credentials><AccessKeyId>ASIA2</AccessKeyId>"
                                   "<SecretAccessKey>s</SecretAccessKey><SessionToken>t</SessionToken>"
                                   "<Expiration>2027-01-15T08:00:00Z</Expiration></Credentials><AssumedRoleUser>"
                                   "<Arn>arn:aws:sts::1:assumed-role/a/sess</Arn></AssumedRoleUser></AssumeRoleResult>"
                                   "</AssumeRoleResponse>",
                                   "AssumeRole", &rc)
                  .ok());
  EXPECT_EQ(rc.credentials.access_key_id, "ASIA2");
  EXPECT_EQ(rc.assumed_role_arn, "arn:aws:sts::1:assumed-role/a/sess");
  EXPECT_FALSE(ParseRoleCredentials("<x/>", "AssumeRole", &rc).ok());
}

}  // namespace
}  // namespace ferry::aws
