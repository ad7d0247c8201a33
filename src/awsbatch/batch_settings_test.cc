#include "awsbatch/batch_settings.h"

#include <gtest/gtest.h>

#include "config/config_testing.h"

namespace ferry {
namespace {

using config_testing::LoadFrom;

Config Load(const std::string& text) {
  Config c;
  Status st = LoadFrom(text, &c);
  EXPECT_TRUE(st.ok()) << st.message();
  return c;
}

Status Batch(const std::string& text, AwsBatchOptions* o, double* rate) {
  return BatchOptionsFromConfig(Load(text), o, rate);
}

TEST(BatchSettings, AwsKeysMapToSettings) {
  aws::AwsSettings s;
  ASSERT_TRUE(AwsSettingsFromConfig(Load("aws { accessKey = 'AK'; secretKey = 'SK'; region = 'eu-west-1'\n"
                                         "profile = 'dev'\n client { endpoint = 'http://127.0.0.1:9'\n"
                                         "s3PathStyleAccess = true; maxErrorRetry = 4 } }"),
                                    &s)
                  .ok());
  EXPECT_EQ(s.access_key, "AK");
  EXPECT_EQ(s.secret_key, "SK");
  EXPECT_EQ(s.region, "eu-west-1");
  EXPECT_EQ(s.profile, "dev");
  EXPECT_EQ(s.endpoint_url, "http://127.0.0.1:9");
  EXPECT_EQ(s.s3_addressing, "path");
  EXPECT_EQ(s.max_attempts, 5);
}

TEST(BatchSettings, AwsDefaultsWhenUnset) {
  aws::AwsSettings s;
  ASSERT_TRUE(AwsSettingsFromConfig(Load(""), &s).ok());
  EXPECT_EQ(s.access_key, "");
  EXPECT_EQ(s.region, "");
  EXPECT_EQ(s.s3_addressing, "auto");
  EXPECT_EQ(s.max_attempts, 0);
}

TEST(BatchSettings, HalfAKeyPairIsAnErrorWithoutTheSecret) {
  aws::AwsSettings s;
  Status st = AwsSettingsFromConfig(Load("aws.accessKey = 'AK'"), &s);
  ASSERT_EQ(st.exit_code(), 2);
  EXPECT_NE(st.message().find("aws.accessKey is set but aws.secretKey is not"), std::string::npos) << st.message();
  st = AwsSettingsFromConfig(Load("aws.secretKey = 'TOPSECRET'"), &s);
  ASSERT_EQ(st.exit_code(), 2);
  EXPECT_NE(st.message().find("aws.secretKey is set but aws.accessKey is not"), std::string::npos);
  EXPECT_EQ(st.message().find("TOPSECRET"), std::string::npos);
}

TEST(BatchSettings, EndpointMustBeAUrl) {
  aws::AwsSettings s;
  Status st = AwsSettingsFromConfig(Load("aws.client.endpoint = '127.0.0.1:9000'"), &s);
  ASSERT_EQ(st.exit_code(), 2);
  EXPECT_NE(st.message().find("aws.client.endpoint must be an http:// or https:// URL"), std::string::npos);
}

TEST(BatchSettings, BatchKeysMapToOptions) {
  AwsBatchOptions o;
  double rate = 0;
  ASSERT_TRUE(
      Batch("aws.batch { cliPath = '/home/ec2-user/miniconda/bin/aws'\n volumes = '/tmp, /host/path:/mnt/path:ro'\n"
            "jobRole = 'arn:aws:iam::1:role/r'\n logsGroup = '/my/logs'\n maxParallelTransfers = 8\n"
            "maxTransferAttempts = 3\n delayBetweenAttempts = '5s'\n maxSpotAttempts = 2\n retryMode = 'adaptive' }\n"
            "executor { queueSize = 20; pollInterval = '2s'; submitRateLimit = '100/1min' }",
            &o, &rate)
          .ok());
  EXPECT_EQ(o.cli_path, "/home/ec2-user/miniconda/bin/aws");
  EXPECT_EQ(o.volumes, (std::vector<std::string>{"/tmp", "/host/path:/mnt/path:ro"}));
  EXPECT_EQ(o.job_role, "arn:aws:iam::1:role/r");
  EXPECT_EQ(o.logs_group, "/my/logs");
  EXPECT_EQ(o.max_parallel_transfers, 8);
  EXPECT_EQ(o.max_transfer_attempts, 3);
  EXPECT_EQ(o.delay_between_attempts_ms, 5000);
  EXPECT_EQ(o.max_spot_attempts, 2);
  EXPECT_EQ(o.retry_mode, "adaptive");
  EXPECT_EQ(o.queue_size, 20);
  EXPECT_EQ(o.poll_interval_ms, 2000);
  EXPECT_NEAR(rate, 100.0 / 60, 1e-9);
}

TEST(BatchSettings, DefaultsWhenUnset) {
  AwsBatchOptions o;
  double rate = 0;
  ASSERT_TRUE(Batch("", &o, &rate).ok());
  EXPECT_EQ(o.cli_path, "");
  EXPECT_TRUE(o.volumes.empty());
  EXPECT_EQ(o.queue_size, 1000);
  EXPECT_EQ(o.poll_interval_ms, 10000);
  EXPECT_EQ(o.retry_mode, "standard");
  EXPECT_EQ(rate, 50);
}

TEST(BatchSettings, VolumesAsList) {
  AwsBatchOptions o;
  double rate;
  ASSERT_TRUE(Batch("aws.batch.volumes = ['/tmp', '/host/path:/mnt/path:ro']", &o, &rate).ok());
  EXPECT_EQ(o.volumes, (std::vector<std::string>{"/tmp", "/host/path:/mnt/path:ro"}));
}

TEST(BatchSettings, AwsbatchExecutorScopeWins) {
  AwsBatchOptions o;
  double rate;
  ASSERT_TRUE(
      Batch("executor { queueSize = 5\n $awsbatch { queueSize = 7; submitRateLimit = '10 sec' } }", &o, &rate).ok());
  EXPECT_EQ(o.queue_size, 7);
  EXPECT_EQ(rate, 10);
}

struct BadCase {
  const char* config;
  const char* expect;
};

TEST(BatchSettings, EveryBadValueNamesItsKeyAndTheFix) {
  const BadCase cases[] = {
      {"aws.batch.cliPath = 'bin/aws'", "config aws.batch.cliPath must be an absolute path, got 'bin/aws' (give"},
      {"aws.batch.volumes = 'tmp'", "config aws.batch.volumes entry 'tmp': paths must be absolute (use"},
      {"aws.batch.volumes = '/a:/b:rx'", "config aws.batch.volumes entry '/a:/b:rx': the mode must be ro or rw (use"},
      {"aws.batch.volumes = '/a:/b:ro:x'", "config aws.batch.volumes entry '/a:/b:ro:x': too many ':' (use"},
      {"aws.batch.volumes = '/a,,/b'", "config aws.batch.volumes entry '': paths must be absolute (use"},
      {"aws.batch.jobRole = 'my-role'", "config aws.batch.jobRole must be an IAM role ARN, got 'my-role' (write"},
      {"executor.submitRateLimit = '0/s'", "config executor.submitRateLimit must allow at least one call, got '0/s'"},
  };
  for (const auto& c : cases) {
    AwsBatchOptions o;
    double rate;
    Status st = Batch(c.config, &o, &rate);
    EXPECT_EQ(st.exit_code(), 2) << c.config;
    EXPECT_NE(st.message().find(c.expect), std::string::npos) << c.config << " -> " << st.message();
  }
}

TEST(BatchSettings, AMalformedVolumeSaysWhereItWasSet) {
  AwsBatchOptions o;
  double rate;
  Status st = Batch("\n\naws.batch.volumes = ['/tmp', 'data:/mnt']", &o, &rate);
  EXPECT_EQ(st.exit_code(), 2);
  EXPECT_NE(st.message().find("ferry.config:3:"), std::string::npos) << st.message();
  EXPECT_NE(st.message().find("entry 'data:/mnt': paths must be absolute"), std::string::npos) << st.message();
}

TEST(BatchSettings, MountsThatHideTheImagesSystemDirsAreRefusedWithWhere) {
  AwsBatchOptions o;
  double rate;
  // The well-known failure: the CLI's install dir would be the host's /usr
  // or /usr/local mounted over the image's.
  Status st = Batch("\naws.batch.cliPath = '/usr/local/bin/aws'", &o, &rate);
  EXPECT_EQ(st.exit_code(), 2);
  EXPECT_NE(st.message().find("ferry.config:2:"), std::string::npos) << st.message();
  EXPECT_NE(st.message().find("install dir /usr/local from the host over the image's own /usr/local"),
            std::string::npos)
      << st.message();
  EXPECT_NE(st.message().find("/opt/ferry-job/bin/aws"), std::string::npos) << st.message();
  st = Batch("aws.batch.cliPath = '/usr/bin/aws'", &o, &rate);
  EXPECT_NE(st.message().find("over the image's own /usr,"), std::string::npos) << st.message();
  st = Batch("aws.batch.cliPath = '/aws'", &o, &rate);
  EXPECT_NE(st.message().find("has no install dir to mount"), std::string::npos) << st.message();
  st = Batch("aws.batch.volumes = ['/data:/mnt/data', '/host/etc:/etc:ro']", &o, &rate);
  EXPECT_EQ(st.exit_code(), 2);
  EXPECT_NE(st.message().find("ferry.config:1:"), std::string::npos) << st.message();
  EXPECT_NE(st.message().find("'/host/etc:/etc:ro' would mount over the image's own /etc"), std::string::npos)
      << st.message();
  // An install dir of its own, and /tmp (the reference's volume), are fine.
  ASSERT_TRUE(Batch("aws.batch.cliPath = '/opt/ferry-job/bin/aws'\naws.batch.volumes = '/tmp'", &o, &rate).ok());
  EXPECT_EQ(o.cli_path, "/opt/ferry-job/bin/aws");
}

TEST(BatchSettings, SubmitRateForms) {
  double r = 0;
  ASSERT_TRUE(ParseSubmitRate("50/s", "k", &r).ok());
  EXPECT_EQ(r, 50);
  ASSERT_TRUE(ParseSubmitRate("50", "k", &r).ok());
  EXPECT_EQ(r, 50);
  ASSERT_TRUE(ParseSubmitRate("10 sec", "k", &r).ok());
  EXPECT_EQ(r, 10);
  ASSERT_TRUE(ParseSubmitRate("10/2min", "k", &r).ok());
  EXPECT_NEAR(r, 10.0 / 120, 1e-9);
  ASSERT_TRUE(ParseSubmitRate("100/1min", "k", &r).ok());
  EXPECT_NEAR(r, 100.0 / 60, 1e-9);
  for (const char* bad : {"", "fast", "10/xyz", "/s", "10/0s"}) {
    Status st = ParseSubmitRate(bad, "executor.submitRateLimit", &r);
    EXPECT_EQ(st.exit_code(), 2) << bad;
    EXPECT_NE(st.message().find("config executor.submitRateLimit must be a rate"), std::string::npos) << st.message();
    EXPECT_NE(st.message().find("'50/s'"), std::string::npos);
  }
}

TEST(BatchSettings, FargateNeedsAnExecutionRoleAndNoHostMounts) {
  AwsBatchOptions o;
  double rate = 0;
  const std::string role = "aws.batch.executionRole = 'arn:aws:iam::1:role/exec'\n";
  ASSERT_TRUE(Batch("aws.batch.platformType = 'fargate'\n" + role +
                        "aws.batch.assignPublicIp = false\naws.batch.fargatePlatformVersion = '1.4.0'",
                    &o, &rate)
                  .ok());
  EXPECT_TRUE(o.fargate);
  EXPECT_EQ(o.execution_role, "arn:aws:iam::1:role/exec");
  EXPECT_FALSE(o.assign_public_ip);
  EXPECT_EQ(o.fargate_platform_version, "1.4.0");
  o = AwsBatchOptions();
  Status st = Batch("\naws.batch.platformType = 'fargate'", &o, &rate);
  EXPECT_EQ(st.exit_code(), 2);
  EXPECT_NE(st.message().find("ferry.config:2:"), std::string::npos) << st.message();
  EXPECT_NE(st.message().find("needs aws.batch.executionRole"), std::string::npos) << st.message();
  st = Batch("aws.batch.platformType = 'fargate'\n" + role + "aws.batch.cliPath = '/opt/ferry-job/bin/aws'", &o, &rate);
  EXPECT_NE(st.message().find("ferry.config:3:"), std::string::npos) << st.message();
  EXPECT_NE(st.message().find("use an image with the aws CLI"), std::string::npos) << st.message();
  st = Batch("aws.batch.platformType = 'fargate'\n" + role + "aws.batch.volumes = '/data'", &o, &rate);
  EXPECT_NE(st.message().find("aws.batch.volumes mounts host directories"), std::string::npos) << st.message();
  st = Batch("aws.batch.assignPublicIp = true", &o, &rate);
  EXPECT_NE(st.message().find("applies to Fargate jobs only"), std::string::npos) << st.message();
  st = Batch("aws.batch.executionRole = 'ecsTaskExecutionRole'", &o, &rate);
  EXPECT_NE(st.message().find("must be an IAM role ARN"), std::string::npos) << st.message();
}

TEST(BatchSettings, ShareIdentifierAndPriority) {
  AwsBatchOptions o;
  double rate = 0;
  ASSERT_TRUE(Batch("aws.batch { shareIdentifier = 'genomics'; schedulingPriority = 10 }", &o, &rate).ok());
  EXPECT_EQ(o.share_identifier, "genomics");
  EXPECT_EQ(o.scheduling_priority, 10);
  o = AwsBatchOptions();
  ASSERT_TRUE(Batch("", &o, &rate).ok());
  EXPECT_EQ(o.scheduling_priority, -1);
  Status st = Batch("aws.batch.schedulingPriority = 3", &o, &rate);
  EXPECT_EQ(st.exit_code(), 2);
  EXPECT_NE(st.message().find("aws.batch.schedulingPriority is set but aws.batch.shareIdentifier is not"),
            std::string::npos)
      << st.message();
  st = Batch("aws.batch { shareIdentifier = 'a'; schedulingPriority = 10000 }", &o, &rate);
  EXPECT_NE(st.message().find("must be at most 9999"), std::string::npos) << st.message();
  st = Batch("aws.batch.shareIdentifier = 'team a'", &o, &rate);
  EXPECT_NE(st.message().find("must be up to 255 letters, digits and _"), std::string::npos) << st.message();
}

TEST(BatchSettings, JobRoleLogsGroupAndRetryModeAsDocumented) {
  AwsBatchOptions o;
  double rate = 0;
  ASSERT_TRUE(
      Batch("aws.batch { jobRole = 'arn:aws:iam::1:role/j'; logsGroup = '/ferry/jobs'; retryMode = 'adaptive' }", &o,
            &rate)
          .ok());
  EXPECT_EQ(o.job_role, "arn:aws:iam::1:role/j");
  EXPECT_EQ(o.logs_group, "/ferry/jobs");
  EXPECT_EQ(o.retry_mode, "adaptive");
  // A name CloudWatch would refuse fails every job's log set-up: refused first.
  Status st = Batch("aws.batch.logsGroup = 'my logs'", &o, &rate);
  EXPECT_EQ(st.exit_code(), 2);
  EXPECT_NE(st.message().find("aws.batch.logsGroup is not a CloudWatch log group name"), std::string::npos)
      << st.message();
}

}  // namespace
}  // namespace ferry
