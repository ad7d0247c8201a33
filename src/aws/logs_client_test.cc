// LogsClient against a loopback server that speaks GetLogEvents the way
// CloudWatch does: position tokens, pages of `limit` events, the forward
// token repeated at the end, ResourceNotFoundException for missing streams.
#include "aws/logs_client.h"

#include <gtest/gtest.h>

#include <mutex>
#include <nlohmann/json.hpp>

#include "aws/test_client_util.h"
#include "aws/test_server_util.h"

namespace ferry::aws {
namespace {

using nlohmann::json;

// One stream "g"/"s" whose events tests append; tokens are "f<pos>".
class FakeLogs {
 public:
  explicit FakeLogs(size_t page_size) : page_size_(page_size) {
    srv_.server().Post("/", [this](const httplib::Request& req, httplib::Response& res) { Handle(req, res); });
    srv_.Start();
  }
  void Append(const std::string& msg) {
    std::lock_guard<std::mutex> l(mu_);
    events_.push_back(msg);
  }
  std::vector<json> requests() {
    std::lock_guard<std::mutex> l(mu_);
    return requests_;
  }
  std::vector<httplib::Headers> headers() {
    std::lock_guard<std::mutex> l(mu_);
    return headers_;
  }
  std::string url() const { return srv_.url(); }
  std::string error_code;  // when set, every call fails with it (HTTP 400)

 private:
  void Handle(const httplib::Request& req, httplib::Response& res) {
    std::lock_guard<std::mutex> l(mu_);
    json in = json::parse(req.body);
    requests_.push_back(in);
    headers_.push_back(req.headers);
    if (!error_code.empty() || in["logStreamName"] != "s") {
      res.status = 400;
      std::string code = error_code.empty() ? "ResourceNotFoundException" : error_code;
      res.set_content(json{{"__type", code}, {"message", "The specified log stream does not exist."}}.dump(),
                      "application/x-amz-json-1.1");
      return;
    }
    json out = {{"events", json::array()}};
    if (!in.value("startFromHead", false) && !in.contains("nextToken")) {
      size_t n = in.value("limit", size_t{10000});
      size_t from = events_.size() > n ? events_.size() - n : 0;
      for (size_t i = from; i < events_.size(); ++i) out["events"].push_back(Event(i));
      out["nextForwardToken"] = "f" + std::to_string(events_.size());
    } else {
      size_t pos = in.contains("nextToken") ? std::stoul(in["nextToken"].get<std::string>().substr(1)) : 0;
      size_t to = std::min(events_.size(), pos + page_size_);
      for (size_t i = pos; i < to; ++i) out["events"].push_back(Event(i));
      out["nextForwardToken"] = "f" + std::to_string(to);
    }
    out["nextBackwardToken"] = "b0";
    res.set_content(out.dump(), "application/x-amz-json-1.1");
  }
  json Event(size_t i) const {
    return json{{"timestamp", 1000 + static_cast<int64_t>(i)}, {"ingestionTime", 2000}, {"message", events_[i]}};
  }

  size_t page_size_;
  std::mutex mu_;
  std::vector<std::string> events_;
  std::vector<json> requests_;
  std::vector<httplib::Headers> headers_;
  testing::LoopbackServer srv_;
};

LogsClient MakeClient(const std::string& endpoint) {
  AwsClient::Options o = testing::LoopbackClientOptions(endpoint);
  o.retry.max_attempts = 2;
  o.retry.base_delay = std::chrono::milliseconds(1);
  return LogsClient(std::make_shared<AwsClient>(std::move(o)));
}

std::vector<std::string> Messages(const std::vector<LogEvent>& events) {
  std::vector<std::string> out;
  for (const auto& e : events) out.push_back(e.message);
  return out;
}

TEST(LogsClient, ReadNewFollowsPagesThenReturnsOnlyNewerEvents) {
  FakeLogs fake(2);
  for (int i = 0; i < 5; ++i) fake.Append("line " + std::to_string(i));
  LogsClient logs = MakeClient(fake.url());
  LogCursor cursor;
  std::vector<LogEvent> events;
  ASSERT_TRUE(logs.ReadNew("g", "s", &cursor, &events).ok());
  EXPECT_EQ(Messages(events), (std::vector<std::string>{"line 0", "line 1", "line 2", "line 3", "line 4"}));
  EXPECT_EQ(events[0].timestamp_ms, 1000);
  EXPECT_EQ(events[0].ingestion_ms, 2000);
  // Pages of 2: tokens f2, f4, f5, then f5 again ends the read.
  EXPECT_EQ(fake.requests().size(), 4u);
  EXPECT_FALSE(fake.requests()[0].contains("nextToken"));
  EXPECT_EQ(fake.requests()[0]["startFromHead"], true);

  fake.Append("line 5");
  events.clear();
  ASSERT_TRUE(logs.ReadNew("g", "s", &cursor, &events).ok());
  EXPECT_EQ(Messages(events), std::vector<std::string>{"line 5"});

  events.clear();
  ASSERT_TRUE(logs.ReadNew("g", "s", &cursor, &events).ok());
  EXPECT_TRUE(events.empty());
}

TEST(LogsClient, RequestsAreSignedJson11CallsForTheLogsService) {
  FakeLogs fake(10);
  LogsClient logs = MakeClient(fake.url());
  LogCursor cursor;
  std::vector<LogEvent> events;
  ASSERT_TRUE(logs.ReadNew("/aws/batch/job", "s", &cursor, &events).ok());
  ASSERT_FALSE(fake.headers().empty());
  const httplib::Headers h = fake.headers()[0];
  auto get = [&](const char* k) {
    auto it = h.find(k);
    return it == h.end() ? std::string() : it->second;
  };
  EXPECT_EQ(get("X-Amz-Target"), "Logs_20140328.GetLogEvents");
  EXPECT_EQ(get("Content-Type"), "application/x-amz-json-1.1");
  EXPECT_NE(get("Authorization").find("/eu-west-1/logs/aws4_request"), std::string::npos) << get("Authorization");
  EXPECT_EQ(fake.requests()[0]["logGroupName"], "/aws/batch/job");
}

TEST(LogsClient, ReadNewOnAMissingStreamIsEmptyAndOk) {
  FakeLogs fake(10);
  LogsClient logs = MakeClient(fake.url());
  LogCursor cursor;
  std::vector<LogEvent> events;
  Status s = logs.ReadNew("g", "not-yet", &cursor, &events);
  EXPECT_TRUE(s.ok()) << s.message();
  EXPECT_TRUE(events.empty());
  EXPECT_TRUE(cursor.next_token.empty());
}

TEST(LogsClient, TailAsksForTheLastNFromTheEnd) {
  FakeLogs fake(2);
  for (int i = 0; i < 7; ++i) fake.Append("line " + std::to_string(i));
  LogsClient logs = MakeClient(fake.url());
  std::vector<LogEvent> events;
  ASSERT_TRUE(logs.Tail("g", "s", 3, &events).ok());
  EXPECT_EQ(Messages(events), (std::vector<std::string>{"line 4", "line 5", "line 6"}));
  ASSERT_EQ(fake.requests().size(), 1u);
  EXPECT_EQ(fake.requests()[0]["startFromHead"], false);
  EXPECT_EQ(fake.requests()[0]["limit"], 3);
}

TEST(LogsClient, TailOfAMissingStreamIsNotFoundNamingIt) {
  FakeLogs fake(10);
  LogsClient logs = MakeClient(fake.url());
  std::vector<LogEvent> events;
  Status s = logs.Tail("grp", "missing", 5, &events);
  EXPECT_EQ(s.kind(), Status::Kind::kNotFound) << s.message();
  EXPECT_NE(s.message().find("grp/missing"), std::string::npos) << s.message();
  EXPECT_TRUE(events.empty());
}

TEST(LogsClient, OtherErrorsAreReportedWithTheirCode) {
  FakeLogs fake(10);
  fake.error_code = "AccessDeniedException";
  LogsClient logs = MakeClient(fake.url());
  LogCursor cursor;
  std::vector<LogEvent> events;
  Status s = logs.ReadNew("g", "s", &cursor, &events);
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.message().find("AccessDeniedException"), std::string::npos) << s.message();
  EXPECT_NE(s.message().find("GetLogEvents"), std::string::npos) << s.message();
}

}  // namespace
}  // namespace ferry::aws
