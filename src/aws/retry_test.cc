// The signed-request path under failure: a loopback server that throttles,
// returns 500/503 or resets connections. The client must succeed within its
// attempt budget, and give one clear AwsError-style message when the budget
// or the retry quota is spent. Also the error-body parsing (XML and JSON).
#include <gtest/gtest.h>

#include <future>
#include <set>

#include "aws/aws_client.h"
#include "aws/test_client_util.h"
#include "aws/test_server_util.h"

namespace ferry::aws {
namespace {

std::shared_ptr<AwsClient> MakeClient(const std::string& endpoint, int max_attempts = 3, int max_connections = 64) {
  AwsClient::Options o = testing::LoopbackClientOptions(endpoint, "us-east-1");
  o.retry.max_attempts = max_attempts;
  o.transport = std::make_shared<HttpTransport>(TransportOptions{max_connections});
  o.retry.base_delay = std::chrono::milliseconds(5);
  return std::make_shared<AwsClient>(std::move(o));
}

ServiceRequest Get(const std::string& service = "s3") {
  ServiceRequest r;
  r.service = service;
  r.operation = "GetObject";
  r.path = "/bucket/key";
  r.target = "s3://bucket/key";
  return r;
}

TEST(Retry, ThrottlingThenSuccessWithinBudget) {
  testing::LoopbackServer srv;
  std::atomic<int> calls{0};
  srv.server().Get("/bucket/key", [&](const httplib::Request&, httplib::Response& res) {
    if (++calls <= 2) {
      res.status = 503;
      res.set_content("<Error><Code>SlowDown</Code><Message>Please reduce your request rate.</Message></Error>",
                      "application/xml");
      return;
    }
    res.set_content("hello", "text/plain");
  });
  srv.Start();
  auto client = MakeClient(srv.url());
  ServiceResponse r = client->Call(Get());
  ASSERT_TRUE(r.status.ok()) << r.status.message();
  EXPECT_EQ(r.http.body, "hello");
  EXPECT_EQ(r.attempts, 3);
  EXPECT_EQ(calls.load(), 3);
}

TEST(Retry, Json429ThrottleAnd500AreRetried) {
  testing::LoopbackServer srv;
  std::atomic<int> calls{0};
  srv.server().Post("/v1/submitjob", [&](const httplib::Request&, httplib::Response& res) {
    int n = ++calls;
    if (n == 1) {
      res.status = 429;
      res.set_content("{\"__type\":\"TooManyRequestsException\",\"message\":\"Too Many Requests\"}",
                      "application/json");
    } else if (n == 2) {
      res.status = 500;
    } else {
      res.set_content("{\"jobId\":\"1\"}", "application/json");
    }
  });
  srv.Start();
  auto client = MakeClient(srv.url());
  ServiceRequest r;
  r.service = "batch";
  r.operation = "SubmitJob";
  r.method = "POST";
  r.path = "/v1/submitjob";
  r.body = std::make_shared<StringBody>("{}");
  ServiceResponse resp = client->Call(r);
  ASSERT_TRUE(resp.status.ok()) << resp.status.message();
  EXPECT_EQ(resp.attempts, 3);
}

TEST(Retry, BudgetSpentGivesClearError) {
  testing::LoopbackServer srv;
  std::atomic<int> calls{0};
  srv.server().Get("/bucket/key", [&](const httplib::Request&, httplib::Response& res) {
    ++calls;
    res.status = 503;
    res.set_header("x-amz-request-id", "REQ123");
    res.set_content("<Error><Code>ServiceUnavailable</Code><Message>Reduce your request rate.</Message></Error>",
                    "application/xml");
  });
  srv.Start();
  auto client = MakeClient(srv.url(), 4);
  ServiceResponse r = client->Call(Get());
  ASSERT_FALSE(r.status.ok());
  EXPECT_EQ(calls.load(), 4);
  EXPECT_EQ(r.error.http_status, 503);
  EXPECT_EQ(r.error.code, "ServiceUnavailable");
  EXPECT_EQ(r.error.request_id, "REQ123");
  EXPECT_EQ(r.status.message(),
            "s3 GetObject s3://bucket/key: HTTP 503 ServiceUnavailable: Reduce your request rate. "
            "(request id REQ123) after 4 attempts");
}

TEST(Retry, ClientErrorsAreNotRetried) {
  testing::LoopbackServer srv;
  std::atomic<int> calls{0};
  srv.server().Get("/bucket/key", [&](const httplib::Request&, httplib::Response& res) {
    ++calls;
    res.status = 404;
    res.set_content(
        "<Error><Code>NoSuchKey</Code><Message>The specified key does not exist.</Message>"
        "<RequestId>R1</RequestId></Error>",
        "application/xml");
  });
  srv.Start();
  ServiceResponse r = MakeClient(srv.url())->Call(Get());
  EXPECT_EQ(calls.load(), 1);
  EXPECT_EQ(r.status.kind(), Status::Kind::kNotFound);
  EXPECT_EQ(r.error.code, "NoSuchKey");
  EXPECT_EQ(r.error.request_id, "R1");
}

TEST(Retry, ConnectionResetsAreRetried) {
  testing::ResettingServer srv(2, "HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok");
  ServiceResponse r = MakeClient(srv.url())->Call(Get());
  ASSERT_TRUE(r.status.ok()) << r.status.message();
  EXPECT_EQ(r.http.body, "ok");
  EXPECT_EQ(srv.connections(), 3);
}

TEST(Retry, ResetsBeyondBudgetReportNoResponse) {
  testing::ResettingServer srv(100, "");
  ServiceResponse r = MakeClient(srv.url(), 2)->Call(Get());
  ASSERT_FALSE(r.status.ok());
  EXPECT_EQ(srv.connections(), 2);
  EXPECT_NE(r.status.message().find("s3 GetObject s3://bucket/key: no response"), std::string::npos)
      << r.status.message();
  EXPECT_NE(r.status.message().find("after 2 attempts"), std::string::npos);
}

TEST(Retry, ConnectionRefusedIsRetriedThenReported) {
  ServiceResponse r = MakeClient("http://127.0.0.1:1", 2)->Call(Get());
  ASSERT_FALSE(r.status.ok());
  EXPECT_EQ(r.attempts, 2);
  EXPECT_NE(r.status.message().find("no response"), std::string::npos);
}

TEST(Retry, QuotaStopsRetryStorms) {
  RetryQuota q(12);
  int cost = 0;
  EXPECT_TRUE(q.Acquire(RetryKind::kTransient, &cost));
  EXPECT_TRUE(q.Acquire(RetryKind::kThrottle, &cost));
  EXPECT_FALSE(q.Acquire(RetryKind::kTimeout, &cost));  // needs 10, 2 left
  EXPECT_EQ(cost, 10);
  q.Release(cost);
  EXPECT_EQ(q.tokens(), 12);
}

TEST(Retry, QuotaExhaustionIsExplained) {
  testing::LoopbackServer srv;
  srv.server().Get("/bucket/key", [&](const httplib::Request&, httplib::Response& res) { res.status = 500; });
  srv.Start();
  auto client = MakeClient(srv.url(), 100);
  while (client->retry_quota().tokens() >= 5) {
    int c = 0;
    client->retry_quota().Acquire(RetryKind::kTransient, &c);
  }
  ServiceResponse r = client->Call(Get());
  ASSERT_FALSE(r.status.ok());
  EXPECT_EQ(r.attempts, 1);
  EXPECT_NE(r.status.message().find("retry quota exhausted"), std::string::npos) << r.status.message();
}

TEST(Retry, BackoffIsCappedAndJittered) {
  RetryPolicy p;
  EXPECT_EQ(BackoffDelay(p, 2, 0.5).count(), 500);
  EXPECT_EQ(BackoffDelay(p, 3, 0.5).count(), 1000);
  EXPECT_EQ(BackoffDelay(p, 30, 0.99).count(), 19800);
  EXPECT_EQ(BackoffDelay(p, 5, 0.0).count(), 0);
}

TEST(Retry, Classification) {
  EXPECT_EQ(ClassifyFailure(400, "ThrottlingException", 0), RetryKind::kThrottle);
  EXPECT_EQ(ClassifyFailure(503, "SlowDown", 0), RetryKind::kThrottle);
  EXPECT_EQ(ClassifyFailure(502, "", 0), RetryKind::kTransient);
  EXPECT_EQ(ClassifyFailure(0, "", 28), RetryKind::kTimeout);
  EXPECT_EQ(ClassifyFailure(0, "", 56), RetryKind::kTransient);
  EXPECT_EQ(ClassifyFailure(403, "AccessDenied", 0), RetryKind::kNone);
  EXPECT_EQ(ClassifyFailure(0, "", 23), RetryKind::kNone);  // local write error
}

TEST(AwsErrorParse, JsonQueryAndHeaderForms) {
  HttpResponse r;
  r.status = 400;
  r.headers = {{"x-amzn-RequestId", "abc"}};
  r.body = "{\"__type\":\"com.amazonaws.batch#ClientException\",\"message\":\"bad queue\"}";
  AwsError e = ParseAwsError("batch", "SubmitJob", r);
  EXPECT_EQ(e.code, "ClientException");
  EXPECT_EQ(e.message, "bad queue");
  EXPECT_EQ(e.request_id, "abc");
  EXPECT_EQ(e.ToString(), "batch SubmitJob: HTTP 400 ClientException: bad queue (request id abc)");

  r.body =
      "<ErrorResponse><Error><Code>ExpiredToken</Code><Message>expired</Message></Error>"
      "<RequestId>q1</RequestId></ErrorResponse>";
  r.headers.clear();
  e = ParseAwsError("sts", "GetCallerIdentity", r);
  EXPECT_EQ(e.code, "ExpiredToken");
  EXPECT_EQ(e.request_id, "q1");
  EXPECT_NE(e.ToStatus().message().find("expired"), std::string::npos);

  HttpResponse head;  // HEAD errors have no body
  head.status = 404;
  e = ParseAwsError("s3", "HeadObject", head);
  EXPECT_EQ(e.code, "NotFound");
  EXPECT_EQ(e.ToStatus().kind(), Status::Kind::kNotFound);
}

// Many concurrent requests over the multi interface reuse a few connections.
TEST(Transport, ConcurrentRequestsShareConnections) {
  testing::LoopbackServer srv;
  std::mutex mu;
  std::set<std::string> peers;
  srv.server().Get(R"(/bucket/k(\d+))", [&](const httplib::Request& req, httplib::Response& res) {
    {
      std::lock_guard<std::mutex> l(mu);
      peers.insert(req.remote_addr + ":" + std::to_string(req.remote_port));
    }
    res.set_content(req.matches[1].str(), "text/plain");
  });
  srv.Start();
  // cpp-httplib serves 8 connections at a time; stay within that.
  auto client = MakeClient(srv.url(), 3, 6);
  std::atomic<int> ok{0};
  std::promise<void> all;
  std::atomic<int> left{200};
  for (int i = 0; i < 200; ++i) {
    ServiceRequest r = Get();
    r.path = "/bucket/k" + std::to_string(i);
    client->Send(r, [&, i](ServiceResponse resp) {
      if (resp.status.ok() && resp.http.body == std::to_string(i)) ok++;
      if (--left == 0) all.set_value();
    });
  }
  all.get_future().wait();
  EXPECT_EQ(ok.load(), 200);
  EXPECT_LE(peers.size(), 6u);  // connections were reused
}

}  // namespace
}  // namespace ferry::aws
