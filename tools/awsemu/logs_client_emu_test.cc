// ferry's LogsClient against the emulator's CloudWatch Logs, in process: the
// same wire format, signatures and token semantics ferry meets in the tests
// that run whole pipelines.
#include <gtest/gtest.h>

#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <nlohmann/json.hpp>

#include "aws/logs_client.h"
#include "awsemu/server.h"

namespace awsemu {
namespace {

using ferry::aws::LogCursor;
using ferry::aws::LogEvent;
using ferry::aws::LogsClient;
using nlohmann::json;

class EmulatedLogs : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() / ("ferry-logs-emu-test-" + std::to_string(::getpid()) + "-" +
                                                     ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::create_directories(dir_);
    ServerOptions o;
    o.data_dir = dir_.string();
    o.access_key = "AKIALOGSTEST";
    o.secret_key = "logs-test-secret";
    server_ = std::make_unique<Server>(o);
    ASSERT_TRUE(server_->Start().ok());

    auto env = std::make_shared<ferry::aws::MapEnv>();
    env->Set("AWS_ENDPOINT_URL", "http://127.0.0.1:" + std::to_string(server_->port()));
    ferry::aws::AwsClient::Options co;
    co.credentials = std::make_shared<ferry::aws::StaticCredentials>(
        ferry::aws::Credentials{o.access_key, o.secret_key, "", std::nullopt});
    co.region = "us-east-1";
    co.env = env;
    logs_ = std::make_unique<LogsClient>(std::make_shared<ferry::aws::AwsClient>(std::move(co)));
  }
  void TearDown() override {
    logs_.reset();
    server_->Stop();
    server_.reset();
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
  }
  void Put(const std::vector<std::string>& lines) {
    static int64_t ts = 0;
    if (ts == 0)
      ts = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
               .count();
    json events = json::array();
    for (const auto& l : lines) events.push_back({{"timestamp", ts++}, {"message", l}});
    json req = {{"logGroupName", "/aws/batch/job"}, {"logStreamName", "jd/default/abc"}, {"logEvents", events}};
    ASSERT_TRUE(logs_->Call("PutLogEvents", req.dump(), nullptr).ok());
  }
  static std::vector<std::string> Messages(const std::vector<LogEvent>& events) {
    std::vector<std::string> out;
    for (const auto& e : events) out.push_back(e.message);
    return out;
  }

  std::filesystem::path dir_;
  std::unique_ptr<Server> server_;
  std::unique_ptr<LogsClient> logs_;
};

TEST_F(EmulatedLogs, ReadNewThenOnlyNewerAndTail) {
  std::string out;
  ASSERT_TRUE(logs_->Call("CreateLogGroup", R"({"logGroupName": "/aws/batch/job"})", &out).ok());
  LogCursor cursor;
  std::vector<LogEvent> events;
  // Before the stream exists: nothing, no error.
  ASSERT_TRUE(logs_->ReadNew("/aws/batch/job", "jd/default/abc", &cursor, &events).ok());
  EXPECT_TRUE(events.empty());
  EXPECT_EQ(logs_->Tail("/aws/batch/job", "jd/default/abc", 3, &events).kind(), ferry::Status::Kind::kNotFound);

  ASSERT_TRUE(
      logs_->Call("CreateLogStream", R"({"logGroupName": "/aws/batch/job", "logStreamName": "jd/default/abc"})", &out)
          .ok());
  Put({"one", "two", "three", "four"});
  ASSERT_TRUE(logs_->ReadNew("/aws/batch/job", "jd/default/abc", &cursor, &events).ok());
  EXPECT_EQ(Messages(events), (std::vector<std::string>{"one", "two", "three", "four"}));
  EXPECT_GT(events[0].timestamp_ms, 0);
  EXPECT_GT(events[0].ingestion_ms, 0);

  Put({"five"});
  events.clear();
  ASSERT_TRUE(logs_->ReadNew("/aws/batch/job", "jd/default/abc", &cursor, &events).ok());
  EXPECT_EQ(Messages(events), std::vector<std::string>{"five"});
  events.clear();
  ASSERT_TRUE(logs_->ReadNew("/aws/batch/job", "jd/default/abc", &cursor, &events).ok());
  EXPECT_TRUE(events.empty());

  ASSERT_TRUE(logs_->Tail("/aws/batch/job", "jd/default/abc", 2, &events).ok());
  EXPECT_EQ(Messages(events), (std::vector<std::string>{"four", "five"}));
}

}  // namespace
}  // namespace awsemu
