#include "remote_build/build_settings.h"

#include <gtest/gtest.h>

namespace ferry::remote_build {
namespace {

// `text` as ~/.ferry/config.
Config UserConfig(const std::string& text) {
  Config c;
  ConfigLoadOptions o;
  o.variables = Value::EmptyMap();
  Status s = Config::LoadText(
      text, "/h/.ferry/config", o, [](const std::string&, std::string*) { return Status::NotFound("no includes"); },
      &c);
  EXPECT_TRUE(s.ok()) << s.message();
  return c;
}

TEST(BuildSettings, OptionBeatsEnvironmentBeatsConfigBeatsDefault) {
  Config ini = UserConfig(
      "process { cpus = 2 }\nbuild {\n  queue = 'from-config'\n  jobDefinition = 'job-config'\n  bucket = "
      "'b-config'\n}\n");
  aws::MapEnv env(std::map<std::string, std::string>{{"FERRY_AWS_BATCH_QUEUE", "from-env"},
                                                     {"FERRY_AWS_BATCH_S3_BUCKET", "b-env"}});
  BuildFlags flags;
  flags.queue = "from-option";
  BuildSettings s;
  ASSERT_TRUE(ResolveBuildSettings(flags, env, &ini, "/h/.ferry/config", &s).ok());
  EXPECT_EQ(s.queue.value, "from-option");
  EXPECT_EQ(s.queue.origin, "--aws-batch-queue");
  EXPECT_EQ(s.s3_bucket.value, "b-env");
  EXPECT_EQ(s.job.value, "job-config");
  EXPECT_EQ(s.job.origin, "/h/.ferry/config: build.jobDefinition");
  EXPECT_EQ(s.cli.value, "aws");

  BuildSettings d;
  ASSERT_TRUE(ResolveBuildSettings(BuildFlags{}, aws::MapEnv{}, nullptr, "", &d).ok());
  EXPECT_EQ(d.job.value, "ferry-job");
  EXPECT_EQ(d.queue.value, "ferry-job-queue");
  EXPECT_EQ(d.s3_bucket.value, "");
  EXPECT_EQ(d.batch_cpus, 0);
}

TEST(BuildSettings, CpusAndMemorySizeTheJobAndTheWorkflow) {
  BuildFlags flags;
  flags.cpus = "8";
  flags.memory = "14gib";
  BuildSettings s;
  ASSERT_TRUE(ResolveBuildSettings(flags, aws::MapEnv{}, nullptr, "", &s).ok());
  EXPECT_EQ(s.batch_cpus, 8);
  EXPECT_EQ(s.batch_memory_mib, 14336);
  EXPECT_EQ(s.workflow_cpus, 8);
  EXPECT_EQ(s.workflow_memory_mib, 14336);

  // The aws-batch defaults size the job only; their bare numbers are MiB.
  aws::MapEnv env(
      std::map<std::string, std::string>{{"FERRY_AWS_BATCH_CPUS", "4"}, {"FERRY_AWS_BATCH_MEMORY", "7000"}});
  BuildSettings e;
  ASSERT_TRUE(ResolveBuildSettings(BuildFlags{}, env, nullptr, "", &e).ok());
  EXPECT_EQ(e.batch_cpus, 4);
  EXPECT_EQ(e.batch_memory_mib, 7000);
  EXPECT_EQ(e.workflow_cpus, 0);
  EXPECT_EQ(e.workflow_memory_mib, 0);
}

TEST(BuildSettings, TheConfigSizesTheJobInTheConfigLanguagesUnitsAndNamesTheCli) {
  Config c = UserConfig("build {\n  cpus = 6\n  memory = '14 GB'\n}\naws.batch.cliPath = '/opt/ferry'\n");
  BuildSettings s;
  ASSERT_TRUE(ResolveBuildSettings(BuildFlags{}, aws::MapEnv{}, &c, "/h/.ferry/config", &s).ok());
  EXPECT_EQ(s.batch_cpus, 6);
  EXPECT_EQ(s.batch_memory_mib, 14336);  // binary, as process.memory counts it
  EXPECT_EQ(s.cli.value, "/opt/ferry");
  EXPECT_EQ(s.cli.origin, "/h/.ferry/config: aws.batch.cliPath");
  EXPECT_EQ(s.workflow_cpus, 0);  // only --cpus tells the workflow
}

TEST(BuildSettings, BadValuesNameTheirSource) {
  Config ini = UserConfig("build.cpus = 5000\n");
  BuildSettings s;
  Status st = ResolveBuildSettings(BuildFlags{}, aws::MapEnv{}, &ini, "/h/.ferry/config", &s);
  EXPECT_EQ(st.exit_code(), 2);
  EXPECT_NE(st.message().find("/h/.ferry/config: build.cpus"), std::string::npos) << st.message();
  BuildFlags flags;
  flags.memory = "14 parsecs";
  st = ResolveBuildSettings(flags, aws::MapEnv{}, nullptr, "", &s);
  EXPECT_EQ(st.exit_code(), 2);
  EXPECT_NE(st.message().find("--memory"), std::string::npos);
}

TEST(BuildSettings, ByteQuantities) {
  int64_t b = 0;
  EXPECT_TRUE(ParseByteQuantity("14gib", &b));
  EXPECT_EQ(b, 14LL << 30);
  EXPECT_TRUE(ParseByteQuantity("14GiB", &b));
  EXPECT_EQ(b, 14LL << 30);
  EXPECT_TRUE(ParseByteQuantity("2GB", &b));
  EXPECT_EQ(b, 2000000000LL);
  EXPECT_TRUE(ParseByteQuantity("512 MiB", &b));
  EXPECT_EQ(b, 512LL << 20);
  EXPECT_TRUE(ParseByteQuantity("1.5kib", &b));
  EXPECT_EQ(b, 1536);
  EXPECT_TRUE(ParseByteQuantity("100b", &b));
  EXPECT_EQ(b, 100);
  EXPECT_FALSE(ParseByteQuantity("gib", &b));
  EXPECT_FALSE(ParseByteQuantity("3 tb", &b));
  EXPECT_FALSE(ParseByteQuantity("-1gb", &b));
}

TEST(BuildSettings, ConfigPath) {
  using Vars = std::map<std::string, std::string>;
  EXPECT_EQ(ConfigFilePath(aws::MapEnv(Vars{{"HOME", "/home/u"}})), "/home/u/.ferry/config");
  EXPECT_EQ(ConfigFilePath(aws::MapEnv(Vars{{"HOME", "/home/u"}, {"FERRY_CONFIG", "/etc/f"}})), "/etc/f");
}

}  // namespace
}  // namespace ferry::remote_build
