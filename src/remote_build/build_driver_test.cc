#include "remote_build/build_driver.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "aws/batch_client.h"
#include "aws/rate_limiter.h"
#include "remote_build/emulator_fixture.h"

namespace ferry::remote_build {
namespace {

namespace fs = std::filesystem;
using testing::Emulator;
using testing::MakeTempDir;

// Keeps what the driver says, to read it back.
class FakeOutput : public BuildOutput {
 public:
  FakeOutput() : human_(std::tmpfile()), errors_(std::tmpfile()) {}
  ~FakeOutput() override {
    std::fclose(human_);
    std::fclose(errors_);
  }
  std::FILE* human() override { return human_; }
  std::FILE* errors() override { return errors_; }
  void Record(const nlohmann::json& record) override { records.push_back(record); }
  bool terminal() override { return false; }
  bool interactive() override { return false; }

  std::string Human() { return Read(human_); }
  std::string Errors() { return Read(errors_); }
  std::vector<nlohmann::json> records;

 private:
  static std::string Read(std::FILE* f) {
    std::fflush(f);
    std::rewind(f);
    std::string s;
    char buf[4096];
    size_t n;
    while ((n = std::fread(buf, 1, sizeof buf, f)) > 0) s.append(buf, n);
    return s;
  }
  std::FILE* human_;
  std::FILE* errors_;
};

class BuildDriverTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string err = emu_.Start();
    ASSERT_EQ(err, "");
    home_ = MakeTempDir("driver-home");
    dir_ = MakeTempDir("driver-dir");
    std::ofstream(dir_ + "/Makefile") << "all:\n\techo ok > ok.txt\n";
    env_ = std::make_shared<aws::MapEnv>();
    env_->Set("HOME", home_);
    env_->Set("AWS_ACCESS_KEY_ID", emu_.access_key);
    env_->Set("AWS_SECRET_ACCESS_KEY", emu_.secret_key);
    env_->Set("AWS_ENDPOINT_URL", emu_.endpoint);
    env_->Set("AWS_EC2_METADATA_DISABLED", "true");
    env_->Set("FERRY_AWS_BATCH_S3_BUCKET", "builds");
    ASSERT_TRUE(emu_.S3()->CreateBucket("builds").ok());
    aws::AwsClient::Options o;
    o.credentials =
        std::make_shared<aws::StaticCredentials>(aws::Credentials{emu_.access_key, emu_.secret_key, "", std::nullopt});
    o.region = emu_.region;
    o.env = env_;
    batch_ = std::make_unique<aws::BatchClient>(std::make_shared<aws::AwsClient>(std::move(o)),
                                                std::make_shared<aws::RateLimiter>(50.0));
  }
  void TearDown() override {
    std::error_code ec;
    fs::remove_all(home_, ec);
    fs::remove_all(dir_, ec);
  }

  // The Batch set-up ferry build expects, with the queue in `queue_state`.
  void CreateBatchSetup(const std::string& queue_state) {
    nlohmann::json ce = {{"computeEnvironmentName", "ce"},
                         {"type", "MANAGED"},
                         {"state", "ENABLED"},
                         {"computeResources",
                          {{"type", "EC2"},
                           {"maxvCpus", 4},
                           {"minvCpus", 0},
                           {"instanceTypes", {"optimal"}},
                           {"subnets", {"subnet-1"}},
                           {"instanceRole", "ecsInstanceRole"}}}};
    ASSERT_TRUE(batch_->Call("CreateComputeEnvironment", ce, nullptr).ok());
    nlohmann::json q = {{"jobQueueName", "ferry-job-queue"},
                        {"priority", 1},
                        {"state", queue_state},
                        {"computeEnvironmentOrder", {{{"order", 1}, {"computeEnvironment", "ce"}}}}};
    ASSERT_TRUE(batch_->Call("CreateJobQueue", q, nullptr).ok());
    nlohmann::json jd = {{"jobDefinitionName", "ferry-job"},
                         {"type", "container"},
                         {"containerProperties", {{"image", "ferry/anything"}, {"command", nlohmann::json::array()}}}};
    ASSERT_TRUE(batch_->RegisterJobDefinition(jd, nullptr).ok());
  }

  BuildRequest Request() {
    BuildRequest r;
    r.aws_batch = true;
    r.dir = dir_;
    return r;
  }

  Emulator emu_;
  std::string home_, dir_;
  std::shared_ptr<aws::MapEnv> env_;
  std::unique_ptr<aws::BatchClient> batch_;
};

TEST_F(BuildDriverTest, DisabledQueueStopsTheBuildBeforeUploading) {
  CreateBatchSetup("DISABLED");
  size_t before = emu_.RequestCount();
  FakeOutput out;
  EXPECT_EQ(BuildDriver(Request(), env_, &out).Run(), 1);
  std::string err = out.Errors();
  EXPECT_NE(err.find("job queue 'ferry-job-queue'"), std::string::npos) << err;
  EXPECT_NE(err.find("DISABLED"), std::string::npos) << err;
  EXPECT_EQ(emu_.Count(before, "PutObject"), 0);
  EXPECT_EQ(emu_.Count(before, "SubmitJob"), 0);
  EXPECT_EQ(out.Human().find("Uploading"), std::string::npos) << out.Human();
}

TEST_F(BuildDriverTest, WrongQueueNamesTheQueuesThatExist) {
  CreateBatchSetup("ENABLED");
  BuildRequest r = Request();
  r.flags.queue = "ferry-queue";
  FakeOutput out;
  EXPECT_EQ(BuildDriver(r, env_, &out).Run(), 1);
  std::string err = out.Errors();
  EXPECT_NE(err.find("job queue 'ferry-queue' not found"), std::string::npos) << err;
  EXPECT_NE(err.find("the queues there: ferry-job-queue"), std::string::npos) << err;
  EXPECT_NE(err.find("--aws-batch-queue"), std::string::npos) << err;
}

TEST_F(BuildDriverTest, AttachingToAnUnknownJobSaysSo) {
  CreateBatchSetup("ENABLED");
  BuildRequest r = Request();
  r.attach = "no-such-job";
  r.no_download = true;
  FakeOutput out;
  EXPECT_EQ(BuildDriver(r, env_, &out).Run(), 1);
  EXPECT_NE(out.Errors().find("AWS Batch has no job no-such-job"), std::string::npos) << out.Errors();
  EXPECT_TRUE(out.records.empty());
}

TEST_F(BuildDriverTest, DetachedSubmitRecordsTheJob) {
  CreateBatchSetup("ENABLED");
  BuildRequest r = Request();
  r.detach = true;
  r.json = true;
  FakeOutput out;
  EXPECT_EQ(BuildDriver(r, env_, &out).Run(), 0) << out.Errors();
  std::string human = out.Human();
  EXPECT_NE(human.find("Submitted AWS Batch job"), std::string::npos) << human;
  EXPECT_NE(human.find("ferry build --aws-batch --attach"), std::string::npos) << human;
  ASSERT_EQ(out.records.size(), 1u);
  EXPECT_EQ(out.records[0].value("status", ""), "SUBMITTED");
  EXPECT_EQ(out.records[0].value("queue", ""), "ferry-job-queue");
}

}  // namespace
}  // namespace ferry::remote_build
