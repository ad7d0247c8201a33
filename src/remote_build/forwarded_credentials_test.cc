// The forwarded credentials file and how often the job looks for refreshed
// ones. The round trip through a job runs in remote_dir_test.cc (JobScriptRun)
// and, with credentials that expire during the build, in
// tests/remote_build/test_forwarded_refresh.py.
#include "remote_build/forwarded_credentials.h"

#include <gtest/gtest.h>

#include "aws/ini.h"

namespace ferry::remote_build {
namespace {

using std::chrono::minutes;
using std::chrono::seconds;

TEST(ForwardedCredentials, FileHoldsOneProfileTheAwsToolsRead) {
  aws::Credentials c{"AKIA'X", "se$cret 'q' =x", "tok/en+=", std::nullopt};
  aws::IniFile ini;
  ASSERT_TRUE(aws::ParseIni(ForwardedCredentialsFile(c), "creds", &ini).ok());
  const auto* p = ini.Section(kForwardedProfile);
  ASSERT_NE(p, nullptr);
  EXPECT_EQ(p->at("aws_access_key_id"), "AKIA'X");
  EXPECT_EQ(p->at("aws_secret_access_key"), "se$cret 'q' =x");
  EXPECT_EQ(p->at("aws_session_token"), "tok/en+=");
  EXPECT_EQ(ini.sections.size(), 1u);
}

TEST(ForwardedCredentials, LongLivedKeysHaveNoToken) {
  aws::IniFile ini;
  ASSERT_TRUE(aws::ParseIni(ForwardedCredentialsFile({"AK", "SK", "", std::nullopt}), "c", &ini).ok());
  EXPECT_EQ(ini.Section(kForwardedProfile)->count("aws_session_token"), 0u);
}

TEST(ForwardedCredentials, TheJobLooksOftenEnoughToBeatExpiry) {
  EXPECT_EQ(RefreshSeconds(std::nullopt), 0) << "keys that never expire are never refreshed";
  EXPECT_EQ(RefreshSeconds(minutes(60)), 60);
  EXPECT_EQ(RefreshSeconds(minutes(15)), 60);
  EXPECT_EQ(RefreshSeconds(seconds(120)), 20);
  EXPECT_EQ(RefreshSeconds(seconds(3)), 1);
  EXPECT_EQ(RefreshSeconds(seconds(0)), 1);
}

TEST(ForwardedCredentials, ALineBreakIsRefusedBeforeAnythingIsWritten) {
  // A secret with a line break would let its tail be read as another key.
  aws::StaticCredentials bad(aws::Credentials{"AK", "SK\naws_session_token = x", "", std::nullopt});
  CredentialForwarder f(/*s3=*/nullptr, &bad);
  std::optional<std::chrono::system_clock::duration> lifetime;
  Status s = f.Start("s3://b/k/credentials-1", &lifetime);
  EXPECT_EQ(s.kind(), Status::Kind::kInvalidInput);
  EXPECT_EQ(s.message().find("SK"), std::string::npos) << "the message never holds a secret";
}

}  // namespace
}  // namespace ferry::remote_build
