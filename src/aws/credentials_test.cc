// The credentials and region chains: each provider answers under the right
// condition, profiles come from both files, AWS_PROFILE beats
// AWS_DEFAULT_PROFILE, IMDSv2 and ECS are served by a loopback server,
// expiring credentials are refreshed, and the missing-credentials and
// missing-region errors say what was tried and how to fix it -- all without
// ever showing the secret.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "aws/credential_chain.h"
#include "aws/credential_providers.h"
#include "aws/region_chain.h"
#include "aws/test_server_util.h"
#include "aws/whoami.h"

namespace ferry::aws {
namespace {

namespace fs = std::filesystem;
constexpr char kSecret[] = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYSECRETKEY";

class CredsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("ferry_creds_" + std::to_string(::getpid()) + "_" +
                                        ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::create_directories(dir_ / ".aws");
    env_.Set("HOME", dir_.string());
    env_.Set("AWS_EC2_METADATA_DISABLED", "true");  // never reach for a real IMDS
  }
  void TearDown() override { fs::remove_all(dir_); }
  void Write(const std::string& rel, const std::string& text) { std::ofstream(dir_ / rel) << text; }
  Status Resolve(const AwsSettings& s, Credentials* c, std::string* provider = nullptr, std::string* source = nullptr) {
    CredentialChain chain(DefaultProviders(s, env_));
    Status st = chain.Get(c);
    if (provider) *provider = chain.provider_name();
    if (source) *source = chain.source();
    return st;
  }
  // The message of the chain's failure with default settings ("" and a
  // failed expectation when it finds credentials).
  std::string ResolveError() {
    Credentials c;
    Status st = Resolve({}, &c);
    EXPECT_FALSE(st.ok()) << "credentials resolved unexpectedly";
    return st.message();
  }
  fs::path dir_;
  MapEnv env_;
};

TEST_F(CredsTest, ConfigKeysComeFirst) {
  env_.Set("AWS_ACCESS_KEY_ID", "AKIAENV");
  env_.Set("AWS_SECRET_ACCESS_KEY", kSecret);
  AwsSettings s;
  s.access_key = "AKIACONFIG";
  s.secret_key = kSecret;
  Credentials c;
  std::string provider;
  ASSERT_TRUE(Resolve(s, &c, &provider).ok());
  EXPECT_EQ(c.access_key_id, "AKIACONFIG");
  EXPECT_EQ(provider, "config");
}

TEST_F(CredsTest, EnvironmentBeatsProfileAndCarriesSessionToken) {
  Write(".aws/credentials", "[default]\naws_access_key_id = AKIAFILE\naws_secret_access_key = x\n");
  env_.Set("AWS_ACCESS_KEY_ID", "AKIAENV");
  env_.Set("AWS_SECRET_ACCESS_KEY", kSecret);
  env_.Set("AWS_SESSION_TOKEN", "tok");
  Credentials c;
  std::string provider, source;
  ASSERT_TRUE(Resolve({}, &c, &provider, &source).ok());
  EXPECT_EQ(c.access_key_id, "AKIAENV");
  EXPECT_EQ(c.session_token, "tok");
  EXPECT_EQ(provider, "environment");
}

TEST_F(CredsTest, HalfSetEnvironmentIsAnError) {
  env_.Set("AWS_ACCESS_KEY_ID", "AKIAENV");
  std::string m = ResolveError();
  EXPECT_NE(m.find("AWS_SECRET_ACCESS_KEY is not"), std::string::npos);
}

TEST_F(CredsTest, DefaultProfileFromCredentialsFile) {
  Write(".aws/credentials",
        "# comment\n[default]\naws_access_key_id = AKIAFILE\naws_secret_access_key = " + std::string(kSecret) + "\n");
  Credentials c;
  std::string provider, source;
  ASSERT_TRUE(Resolve({}, &c, &provider, &source).ok());
  EXPECT_EQ(c.access_key_id, "AKIAFILE");
  EXPECT_EQ(provider, "profile");
  EXPECT_NE(source.find(".aws/credentials"), std::string::npos);
}

TEST_F(CredsTest, ProfileFromConfigFileAndOverriddenPaths) {
  Write("cfg", "[profile dev]\naws_access_key_id = AKIACFG\naws_secret_access_key = s\nregion = eu-north-1\n");
  env_.Set("AWS_CONFIG_FILE", (dir_ / "cfg").string());
  env_.Set("AWS_SHARED_CREDENTIALS_FILE", (dir_ / "nonexistent").string());
  env_.Set("AWS_PROFILE", "dev");
  Credentials c;
  std::string source;
  ASSERT_TRUE(Resolve({}, &c, nullptr, &source).ok());
  EXPECT_EQ(c.access_key_id, "AKIACFG");
  EXPECT_NE(source.find("cfg"), std::string::npos);
  RegionResult r;
  ASSERT_TRUE(ResolveRegion({}, env_, &r).ok());
  EXPECT_EQ(r.region, "eu-north-1");
  EXPECT_NE(r.source.find("profile 'dev'"), std::string::npos);
}

TEST_F(CredsTest, AwsProfileBeatsAwsDefaultProfile) {
  Write(".aws/credentials",
        "[a]\naws_access_key_id = AKIAA\naws_secret_access_key = s\n"
        "[b]\naws_access_key_id = AKIAB\naws_secret_access_key = s\n");
  env_.Set("AWS_DEFAULT_PROFILE", "b");
  Credentials c;
  ASSERT_TRUE(Resolve({}, &c).ok());
  EXPECT_EQ(c.access_key_id, "AKIAB");
  env_.Set("AWS_PROFILE", "a");
  ASSERT_TRUE(Resolve({}, &c).ok());
  EXPECT_EQ(c.access_key_id, "AKIAA");
  // --profile beats both, and beats environment keys too.
  env_.Set("AWS_ACCESS_KEY_ID", "AKIAENV");
  env_.Set("AWS_SECRET_ACCESS_KEY", kSecret);
  AwsSettings s;
  s.profile = "b";
  s.profile_origin = "--profile";
  s.profile_overrides_env = true;
  ASSERT_TRUE(Resolve(s, &c).ok());
  EXPECT_EQ(c.access_key_id, "AKIAB");
}

TEST_F(CredsTest, CredentialProcessInAProfile) {
  Write("creds.sh",
        "#!/bin/sh\necho '{\"Version\": 1, \"AccessKeyId\": \"ASIAPROC\", "
        "\"SecretAccessKey\": \"" +
            std::string(kSecret) +
            "\", \"SessionToken\": \"tok\", "
            "\"Expiration\": \"2099-01-01T00:00:00Z\"}'\n");
  Write(".aws/config", "[profile sso]\ncredential_process = sh " + (dir_ / "creds.sh").string() +
                           "\n"
                           "[profile broken]\ncredential_process = sh -c 'exit 3'\n");
  env_.Set("AWS_PROFILE", "sso");
  Credentials c;
  std::string source;
  ASSERT_TRUE(Resolve({}, &c, nullptr, &source).ok());
  EXPECT_EQ(c.access_key_id, "ASIAPROC");
  EXPECT_EQ(c.session_token, "tok");
  ASSERT_TRUE(c.expiration.has_value());
  EXPECT_EQ(source, "profile 'sso' credential_process");
  env_.Set("AWS_PROFILE", "broken");
  Status s = Resolve({}, &c);
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.message().find("exit status 3"), std::string::npos) << s.message();
}

TEST_F(CredsTest, CredentialsFileWinsOverConfigFilePerKey) {
  Write(".aws/credentials", "[p]\naws_access_key_id = AKIACREDS\naws_secret_access_key = s\n");
  Write(".aws/config", "[profile p]\naws_access_key_id = AKIACONF\naws_secret_access_key = s\n");
  env_.Set("AWS_PROFILE", "p");
  Credentials c;
  ASSERT_TRUE(Resolve({}, &c).ok());
  EXPECT_EQ(c.access_key_id, "AKIACREDS");
}

TEST_F(CredsTest, NamedProfileThatDoesNotExistIsAnError) {
  env_.Set("AWS_PROFILE", "nosuch");
  std::string m = ResolveError();
  EXPECT_NE(m.find("profile 'nosuch' (from AWS_PROFILE) not found"), std::string::npos);
}

TEST_F(CredsTest, MalformedFileNamesFileAndLine) {
  Write(".aws/credentials", "[default]\naws_access_key_id = A\nthis line is wrong\n");
  std::string m = ResolveError();
  EXPECT_NE(m.find("credentials:3:1"), std::string::npos) << m;
}

TEST_F(CredsTest, MissingCredentialsListsWhatWasTriedAndHowToFix) {
  std::string m = ResolveError();
  for (const char* want : {"no AWS credentials found", "aws.accessKey", "AWS_ACCESS_KEY_ID", "profile 'default'",
                           "ECS container", "EC2 instance role", "AWS_EC2_METADATA_DISABLED", "Fix:"})
    EXPECT_NE(m.find(want), std::string::npos) << want << " missing in:\n" << m;
}

TEST_F(CredsTest, MissingRegionListsWhatWasTriedAndHowToFix) {
  RegionResult r;
  Status s = ResolveRegion({}, env_, &r);
  ASSERT_FALSE(s.ok());
  for (const char* want :
       {"no AWS region", "--region", "AWS_REGION", "AWS_DEFAULT_REGION", ".aws/config", "instance metadata", "Fix:"})
    EXPECT_NE(s.message().find(want), std::string::npos) << want << " missing in:\n" << s.message();
}

TEST_F(CredsTest, RegionPrecedence) {
  Write(".aws/config", "[default]\nregion = ap-south-1\n");
  RegionResult r;
  ASSERT_TRUE(ResolveRegion({}, env_, &r).ok());
  EXPECT_EQ(r.region, "ap-south-1");
  env_.Set("AWS_DEFAULT_REGION", "us-west-1");
  ASSERT_TRUE(ResolveRegion({}, env_, &r).ok());
  EXPECT_EQ(r.region, "us-west-1");
  env_.Set("AWS_REGION", "us-west-2");
  ASSERT_TRUE(ResolveRegion({}, env_, &r).ok());
  EXPECT_EQ(r.source, "AWS_REGION");
  AwsSettings s;
  s.region = "eu-west-3";
  s.region_origin = "--region";
  ASSERT_TRUE(ResolveRegion(s, env_, &r).ok());
  EXPECT_EQ(r.region, "eu-west-3");
  EXPECT_EQ(r.source, "--region");
}

std::string CredsJson(const std::string& key, std::chrono::system_clock::time_point exp) {
  std::time_t t = std::chrono::system_clock::to_time_t(exp);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[64];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return std::string("{\"Code\":\"Success\",\"AccessKeyId\":\"") + key + "\",\"SecretAccessKey\":\"" + kSecret +
         "\",\"Token\":\"tok-" + key + "\",\"Expiration\":\"" + buf + "\"}";
}

// An IMDSv2 endpoint: tokens must be fetched with PUT and presented on GETs.
struct FakeImds {
  testing::LoopbackServer srv;
  std::atomic<int> token_puts{0}, cred_gets{0}, unauthorized{0};
  std::chrono::system_clock::time_point expiration = std::chrono::system_clock::now() + std::chrono::hours(6);
  FakeImds() {
    auto& s = srv.server();
    s.Put("/latest/api/token", [this](const httplib::Request& req, httplib::Response& res) {
      if (req.get_header_value("x-aws-ec2-metadata-token-ttl-seconds").empty()) {
        res.status = 400;
        return;
      }
      token_puts++;
      res.set_content("TOKEN123", "text/plain");
    });
    auto authed = [this](const httplib::Request& req, httplib::Response& res) {
      if (req.get_header_value("x-aws-ec2-metadata-token") != "TOKEN123") {
        unauthorized++;
        res.status = 401;
        return false;
      }
      return true;
    };
    s.Get("/latest/meta-data/iam/security-credentials/", [=](const httplib::Request& q, httplib::Response& r) {
      if (authed(q, r)) r.set_content("ferry-role\n", "text/plain");
    });
    s.Get("/latest/meta-data/iam/security-credentials/ferry-role",
          [=, this](const httplib::Request& q, httplib::Response& r) {
            if (!authed(q, r)) return;
            int n = ++cred_gets;
            r.set_content(CredsJson("ASIAIMDS" + std::to_string(n), expiration), "application/json");
          });
    s.Get("/latest/meta-data/placement/region", [=](const httplib::Request& q, httplib::Response& r) {
      if (authed(q, r)) r.set_content("ca-central-1", "text/plain");
    });
    srv.Start();
  }
};

TEST_F(CredsTest, ImdsV2TokenFlowGivesRoleCredentialsAndRegion) {
  FakeImds imds;
  env_.Set("AWS_EC2_METADATA_DISABLED", "false");
  env_.Set("AWS_EC2_METADATA_SERVICE_ENDPOINT", imds.srv.url());
  Credentials c;
  std::string provider, source;
  ASSERT_TRUE(Resolve({}, &c, &provider, &source).ok());
  EXPECT_EQ(provider, "imds");
  EXPECT_EQ(c.access_key_id, "ASIAIMDS1");
  EXPECT_EQ(c.session_token, "tok-ASIAIMDS1");
  ASSERT_TRUE(c.expiration.has_value());
  EXPECT_NE(source.find("ferry-role"), std::string::npos);
  EXPECT_GE(imds.token_puts.load(), 1);
  EXPECT_EQ(imds.unauthorized.load(), 0);
  RegionResult r;
  ASSERT_TRUE(ResolveRegion({}, env_, &r).ok());
  EXPECT_EQ(r.region, "ca-central-1");
  EXPECT_NE(r.source.find("instance metadata"), std::string::npos);
}

TEST_F(CredsTest, ImdsUnreachableFallsThroughQuickly) {
  env_.Set("AWS_EC2_METADATA_DISABLED", "false");
  env_.Set("AWS_EC2_METADATA_SERVICE_ENDPOINT", "http://127.0.0.1:1");  // nothing listens
  Credentials c;
  auto t0 = std::chrono::steady_clock::now();
  Status s = Resolve({}, &c);
  EXPECT_FALSE(s.ok());
  EXPECT_LT(std::chrono::steady_clock::now() - t0, std::chrono::seconds(5));
  EXPECT_NE(s.message().find("127.0.0.1:1"), std::string::npos);
}

TEST_F(CredsTest, ExpiringCredentialsAreRefreshedBeforeExpiry) {
  FakeImds imds;
  auto now = std::chrono::system_clock::now();
  imds.expiration = now + std::chrono::minutes(10);
  env_.Set("AWS_EC2_METADATA_DISABLED", "false");
  env_.Set("AWS_EC2_METADATA_SERVICE_ENDPOINT", imds.srv.url());
  auto fake_now = now;
  CredentialChain chain(DefaultProviders({}, env_), [&] { return fake_now; });
  Credentials c;
  ASSERT_TRUE(chain.Get(&c).ok());
  EXPECT_EQ(c.access_key_id, "ASIAIMDS1");
  fake_now = now + std::chrono::minutes(4);  // 6 min left: still good
  ASSERT_TRUE(chain.Get(&c).ok());
  EXPECT_EQ(c.access_key_id, "ASIAIMDS1");
  fake_now = now + std::chrono::minutes(6);  // 4 min left: inside the 5 min margin
  imds.expiration = now + std::chrono::hours(1);
  ASSERT_TRUE(chain.Get(&c).ok());
  EXPECT_EQ(c.access_key_id, "ASIAIMDS2");
  EXPECT_EQ(imds.cred_gets.load(), 2);
}

TEST_F(CredsTest, EcsFullUriWithAuthorizationToken) {
  testing::LoopbackServer srv;
  std::string seen_auth;
  srv.server().Get("/creds", [&](const httplib::Request& req, httplib::Response& res) {
    seen_auth = req.get_header_value("Authorization");
    res.set_content(CredsJson("ASIAECS", std::chrono::system_clock::now() + std::chrono::hours(1)), "application/json");
  });
  srv.Start();
  Write("token", "secret-auth-token\n");
  env_.Set("AWS_CONTAINER_CREDENTIALS_FULL_URI", srv.url() + "/creds");
  env_.Set("AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE", (dir_ / "token").string());
  Credentials c;
  std::string provider;
  ASSERT_TRUE(Resolve({}, &c, &provider).ok());
  EXPECT_EQ(provider, "ecs");
  EXPECT_EQ(c.access_key_id, "ASIAECS");
  EXPECT_EQ(seen_auth, "secret-auth-token");
}

TEST_F(CredsTest, EcsConfiguredButFailingStopsTheChain) {
  testing::LoopbackServer srv;
  srv.server().Get("/creds", [](const httplib::Request&, httplib::Response& res) { res.status = 403; });
  srv.Start();
  env_.Set("AWS_CONTAINER_CREDENTIALS_FULL_URI", srv.url() + "/creds");
  std::string m = ResolveError();
  EXPECT_NE(m.find("HTTP 403"), std::string::npos);
}

// whoami against a loopback STS: prints sources and masked key, never the secret.
TEST_F(CredsTest, WhoamiShowsSourcesMasksKeyAndNeverTheSecret) {
  testing::LoopbackServer srv;
  std::string auth;
  srv.server().Post("/", [&](const httplib::Request& req, httplib::Response& res) {
    auth = req.get_header_value("Authorization");
    res.set_content(
        "<GetCallerIdentityResponse><GetCallerIdentityResult><Arn>arn:aws:iam::123456789012:user/ferry</Arn>"
        "<UserId>AIDAFERRY</UserId><Account>123456789012</Account></GetCallerIdentityResult>"
        "</GetCallerIdentityResponse>",
        "text/xml");
  });
  srv.Start();
  env_.Set("AWS_ACCESS_KEY_ID", "AKIAIOSFODNN7EXAMPLE");
  env_.Set("AWS_SECRET_ACCESS_KEY", kSecret);
  env_.Set("AWS_REGION", "eu-west-1");
  env_.Set("AWS_ENDPOINT_URL_STS", srv.url());
  auto env = std::make_shared<MapEnv>(env_);
  std::string out;
  Status s = Whoami({}, env, &out);
  ASSERT_TRUE(s.ok()) << s.message();
  EXPECT_NE(out.find("environment (AWS_ACCESS_KEY_ID)"), std::string::npos) << out;
  EXPECT_NE(out.find("****************MPLE"), std::string::npos) << out;
  EXPECT_EQ(out.find("AKIAIOSFODNN7EXAMPLE"), std::string::npos) << out;
  EXPECT_NE(out.find("eu-west-1 (from AWS_REGION)"), std::string::npos) << out;
  EXPECT_NE(out.find("123456789012"), std::string::npos);
  EXPECT_NE(out.find("arn:aws:iam::123456789012:user/ferry"), std::string::npos);
  EXPECT_EQ(out.find(kSecret), std::string::npos);
  EXPECT_NE(auth.find("Credential=AKIAIOSFODNN7EXAMPLE/"), std::string::npos);
  EXPECT_NE(auth.find("/eu-west-1/sts/aws4_request"), std::string::npos);
}

TEST_F(CredsTest, WhoamiErrorsNeverContainTheSecret) {
  testing::LoopbackServer srv;
  srv.server().Post("/", [&](const httplib::Request&, httplib::Response& res) {
    res.status = 403;
    res.set_content(
        "<ErrorResponse><Error><Type>Sender</Type><Code>InvalidClientTokenId</Code>"
        "<Message>The security token included in the request is invalid.</Message></Error>"
        "<RequestId>req-42</RequestId></ErrorResponse>",
        "text/xml");
  });
  srv.Start();
  env_.Set("AWS_ACCESS_KEY_ID", "AKIAIOSFODNN7EXAMPLE");
  env_.Set("AWS_SECRET_ACCESS_KEY", kSecret);
  env_.Set("AWS_SESSION_TOKEN", "SESSIONTOKENSECRET");
  env_.Set("AWS_REGION", "eu-west-1");
  env_.Set("AWS_ENDPOINT_URL", srv.url());
  std::string out;
  Status s = Whoami({}, std::make_shared<MapEnv>(env_), &out);
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.message().find("InvalidClientTokenId"), std::string::npos) << s.message();
  EXPECT_NE(s.message().find("req-42"), std::string::npos) << s.message();
  EXPECT_NE(s.message().find("HTTP 403"), std::string::npos) << s.message();
  for (const std::string& text : {s.message(), out}) {
    EXPECT_EQ(text.find(kSecret), std::string::npos);
    EXPECT_EQ(text.find("SESSIONTOKENSECRET"), std::string::npos);
  }
}

}  // namespace
}  // namespace ferry::aws
