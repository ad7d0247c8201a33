#include "config/user_config.h"

#include <gtest/gtest.h>

#include "config/config_testing.h"

namespace ferry::config {
namespace {

using config_testing::LoadFrom;

TEST(UserConfigPath, FerryConfigThenHome) {
  EXPECT_EQ(UserConfigPath(nullptr, "/home/u"), "/home/u/.ferry/config");
  EXPECT_EQ(UserConfigPath("/etc/ferry.conf", "/home/u"), "/etc/ferry.conf");
  EXPECT_EQ(UserConfigPath("", "/home/u"), "/home/u/.ferry/config");
  EXPECT_EQ(UserConfigPath(nullptr, nullptr), "");
}

TEST(BuildScope, SettingsAreCheckedLikeEveryOtherKey) {
  Config c;
  Status s = LoadFrom(
      "process { cpus = 2 }\n"
      "build {\n  bucket = 's3://b/p'\n  queue = 'q'\n  jobDefinition = 'jd'\n  cpus = 8\n  memory = '14 GB'\n}\n"
      "aws.batch.cliPath = '/opt/aws'\n",
      &c);
  ASSERT_TRUE(s.ok()) << s.message();
  EXPECT_TRUE(c.warnings().empty()) << c.warnings()[0];
  EXPECT_EQ(*c.Get("build.queue"), Value("q"));
  EXPECT_EQ(*c.Get("build.cpus"), Value(int64_t{8}));
  EXPECT_EQ(*c.Get("process.cpus"), Value(int64_t{2}));

  s = LoadFrom("build {\n  cpus = 'lots'\n}\n", &c);
  EXPECT_EQ(s.kind(), Status::Kind::kInvalidInput);
  EXPECT_NE(s.message().find("ferry.config:2:"), std::string::npos) << s.message();
  EXPECT_NE(s.message().find("build.cpus must be a whole number"), std::string::npos) << s.message();

  ASSERT_TRUE(LoadFrom("build.quue = 'q'\n", &c).ok());
  ASSERT_EQ(c.warnings().size(), 1u);
  EXPECT_NE(c.warnings()[0].find("did you mean 'queue'"), std::string::npos) << c.warnings()[0];
}

TEST(IniBuildSection, IsAnErrorAtItsLineWithTheSettingsRewritten) {
  std::string ini =
      "// my settings\n"
      "\n"
      "[aws-batch]\n"
      "s3-bucket = s3://lab/builds\n"
      "# a comment\n"
      "queue = big-queue\n"
      "job = ferry-job-2\n"
      "cli = /usr/local/bin/aws\n"
      "cpus = 8\n"
      "memory = 3500\n";
  Config c;
  Status s = LoadFrom(ini, &c, {}, {}, "/home/u/.ferry/config");
  ASSERT_EQ(s.kind(), Status::Kind::kInvalidInput);
  const std::string& m = s.message();
  EXPECT_EQ(m.rfind("/home/u/.ferry/config:3: '[aws-batch]' is the old INI form", 0), 0u) << m;
  // What it suggests reads back to the same settings.
  std::string suggested = m.substr(m.find("\n\n") + 2);
  ASSERT_TRUE(LoadFrom(suggested, &c).ok()) << suggested;
  EXPECT_TRUE(c.warnings().empty()) << suggested;
  EXPECT_EQ(*c.Get("build.bucket"), Value("s3://lab/builds"));
  EXPECT_EQ(*c.Get("build.queue"), Value("big-queue"));
  EXPECT_EQ(*c.Get("build.jobDefinition"), Value("ferry-job-2"));
  EXPECT_EQ(*c.Get("build.cpus"), Value(int64_t{8}));
  EXPECT_EQ(*c.Get("build.memory"), Value("3500 MB"));
  EXPECT_EQ(*c.Get("aws.batch.cliPath"), Value("/usr/local/bin/aws"));
}

TEST(IniBuildSection, OtherTextIsLeftToTheParser) {
  EXPECT_TRUE(CheckNoIniBuildSection("params.x = '[aws-batch]'\n", "f").ok());
  EXPECT_TRUE(CheckNoIniBuildSection("", "f").ok());
}

}  // namespace
}  // namespace ferry::config
