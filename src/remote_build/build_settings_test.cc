#include "remote_build/build_settings.h"

#include <gtest/gtest.h>

namespace ferry::remote_build {
namespace {

aws::IniFile Config(const std::string& text) {
  aws::IniFile ini;
  EXPECT_TRUE(ParseIni(text, "/h/.ferry/config", &ini).ok());
  return ini;
}

TEST(BuildSettings, OptionBeatsEnvironmentBeatsConfigBeatsDefault) {
  aws::IniFile ini = Config("[aws-batch]\nqueue = from-config\njob = job-config\ns3-bucket = b-config\n");
  aws::MapEnv env(std::map<std::string, std::string>{{"FERRY_AWS_BATCH_QUEUE", "from-env"}, {"FERRY_AWS_BATCH_S3_BUCKET", "b-env"}});
  BuildFlags flags;
  flags.queue = "from-option";
  BuildSettings s;
  ASSERT_TRUE(ResolveBuildSettings(flags, env, &ini, "/h/.ferry/config", &s).ok());
  EXPECT_EQ(s.queue.value, "from-option");
  EXPECT_EQ(s.queue.origin, "--aws-batch-queue");
  EXPECT_EQ(s.s3_bucket.value, "b-env");
  EXPECT_EQ(s.job.value, "job-config");
  EXPECT_EQ(s.job.origin, "/h/.ferry/config [aws-batch] job");
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
  aws::MapEnv env(std::map<std::string, std::string>{{"FERRY_AWS_BATCH_CPUS", "4"}, {"FERRY_AWS_BATCH_MEMORY", "7000"}});
  BuildSettings e;
  ASSERT_TRUE(ResolveBuildSettings(BuildFlags{}, env, nullptr, "", &e).ok());
  EXPECT_EQ(e.batch_cpus, 4);
  EXPECT_EQ(e.batch_memory_mib, 7000);
  EXPECT_EQ(e.workflow_cpus, 0);
  EXPECT_EQ(e.workflow_memory_mib, 0);
}

TEST(BuildSettings, BadValuesNameTheirSource) {
  aws::IniFile ini = Config("[aws-batch]\ncpus = lots\n");
  BuildSettings s;
  Status st = ResolveBuildSettings(BuildFlags{}, aws::MapEnv{}, &ini, "/h/.ferry/config", &s);
  EXPECT_EQ(st.exit_code(), 2);
  EXPECT_NE(st.message().find("/h/.ferry/config [aws-batch] cpus"), std::string::npos) << st.message();
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
