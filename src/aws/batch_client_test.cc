// BatchClient against a loopback Batch: the REST-JSON paths and bodies AWS
// documents, DescribeJobs split into calls of 100 ids, pagination followed,
// throttling retried and reported to the shared rate limiter, errors carry
// the AWS code, and calls are counted per operation.
#include "aws/batch_client.h"

#include <gtest/gtest.h>

#include <future>
#include <set>

#include "aws/test_client_util.h"
#include "aws/test_server_util.h"

namespace ferry::aws {
namespace {

std::shared_ptr<AwsClient> MakeClient(const std::string& endpoint) {
  AwsClient::Options o = testing::LoopbackClientOptions(endpoint);
  o.retry.max_attempts = 4;
  o.retry.base_delay = std::chrono::milliseconds(5);
  return std::make_shared<AwsClient>(std::move(o));
}

nlohmann::json Body(const httplib::Request& req) { return nlohmann::json::parse(req.body); }

TEST(BatchClient, SubmitJobPostsTheDocumentedJson) {
  testing::LoopbackServer srv;
  nlohmann::json seen;
  std::string content_type, auth;
  srv.server().Post("/v1/submitjob", [&](const httplib::Request& req, httplib::Response& res) {
    seen = Body(req);
    content_type = req.get_header_value("Content-Type");
    auth = req.get_header_value("Authorization");
    res.set_content(R"({"jobId":"job-1","jobName":"x","jobArn":"arn"})", "application/json");
  });
  srv.Start();
  BatchClient c(MakeClient(srv.url()), std::make_shared<RateLimiter>(50));
  std::string id;
  nlohmann::json req = {{"jobName", "hello"}, {"jobQueue", "q"}, {"jobDefinition", "d"}};
  ASSERT_TRUE(c.SubmitJob(req, &id).ok());
  EXPECT_EQ(id, "job-1");
  EXPECT_EQ(seen, req);
  EXPECT_EQ(content_type, "application/json");
  EXPECT_NE(auth.find("/eu-west-1/batch/aws4_request"), std::string::npos) << auth;
  EXPECT_EQ(c.calls_by_operation().at("SubmitJob"), 1);
}

TEST(BatchClient, DescribeJobsSendsAtMostOneHundredIdsACall) {
  testing::LoopbackServer srv;
  std::vector<size_t> sizes;
  std::mutex mu;
  srv.server().Post("/v1/describejobs", [&](const httplib::Request& req, httplib::Response& res) {
    nlohmann::json b = Body(req);
    nlohmann::json out = {{"jobs", nlohmann::json::array()}};
    for (auto& id : b["jobs"]) {
      // Batch forgets old jobs: ids ending in 7 are unknown.
      std::string s = id.get<std::string>();
      if (s.back() != '7') out["jobs"].push_back({{"jobId", s}, {"status", "RUNNING"}});
    }
    std::lock_guard<std::mutex> l(mu);
    sizes.push_back(b["jobs"].size());
    res.set_content(out.dump(), "application/json");
  });
  srv.Start();
  BatchClient c(MakeClient(srv.url()), std::make_shared<RateLimiter>(0));
  std::vector<std::string> ids;
  for (int i = 0; i < 250; i++) ids.push_back("j" + std::to_string(i));
  std::vector<nlohmann::json> jobs;
  ASSERT_TRUE(c.DescribeJobs(ids, &jobs).ok());
  EXPECT_EQ(sizes, (std::vector<size_t>{100, 100, 50}));
  EXPECT_EQ(jobs.size(), 225u);
  EXPECT_EQ(c.calls_by_operation().at("DescribeJobs"), 3);
}

TEST(BatchClient, ThrottlingIsRetriedAndSlowsTheLimiter) {
  testing::LoopbackServer srv;
  std::atomic<int> calls{0};
  srv.server().Post("/v1/terminatejob", [&](const httplib::Request& req, httplib::Response& res) {
    if (++calls <= 2) {
      res.status = 429;
      res.set_content(R"({"__type":"TooManyRequestsException","message":"Too Many Requests."})", "application/json");
      return;
    }
    EXPECT_EQ(Body(req)["reason"], "ferry run interrupted");
    res.set_content("{}", "application/json");
  });
  srv.Start();
  auto limiter = std::make_shared<RateLimiter>(40);
  BatchClient c(MakeClient(srv.url()), limiter);
  ASSERT_TRUE(c.TerminateJob("job-9", "ferry run interrupted").ok());
  EXPECT_EQ(calls.load(), 3);
  EXPECT_EQ(c.throttled_calls(), 1);  // one call, however many attempts were refused
  EXPECT_EQ(limiter->throttled_count(), 2);
  EXPECT_DOUBLE_EQ(limiter->rate(), 20);                    // two throttles in a row: one halving
  EXPECT_EQ(c.calls_by_operation().at("TerminateJob"), 1);  // retries are not calls
}

TEST(BatchClient, ClientErrorsCarryTheAwsCode) {
  testing::LoopbackServer srv;
  srv.server().Post("/v1/submitjob", [&](const httplib::Request&, httplib::Response& res) {
    res.status = 400;
    res.set_content(R"({"__type":"ClientException","message":"Job queue nope does not exist"})", "application/json");
  });
  srv.Start();
  BatchClient c(MakeClient(srv.url()), nullptr);
  AwsError err;
  std::string id;
  Status s = c.SubmitJob({{"jobQueue", "nope"}}, &id, &err);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(err.code, "ClientException");
  EXPECT_NE(s.message().find("Job queue nope does not exist"), std::string::npos) << s.message();
  EXPECT_EQ(c.throttled_calls(), 0);
}

TEST(BatchClient, DefinitionsAndQueuesFollowNextToken) {
  testing::LoopbackServer srv;
  srv.server().Post("/v1/describejobdefinitions", [&](const httplib::Request& req, httplib::Response& res) {
    nlohmann::json b = Body(req);
    EXPECT_EQ(b["jobDefinitionName"], "ferry-ubuntu-22_04");
    EXPECT_EQ(b["status"], "ACTIVE");
    if (!b.contains("nextToken"))
      res.set_content(R"({"jobDefinitions":[{"revision":1}],"nextToken":"t2"})", "application/json");
    else res.set_content(R"({"jobDefinitions":[{"revision":2}]})", "application/json");
  });
  srv.server().Post("/v1/describejobqueues", [&](const httplib::Request& req, httplib::Response& res) {
    nlohmann::json out = {{"jobQueues", nlohmann::json::array()}};
    nlohmann::json b = Body(req);
    for (auto& q : b["jobQueues"])
      if (q != "missing") out["jobQueues"].push_back({{"jobQueueName", q}, {"state", "ENABLED"}});
    res.set_content(out.dump(), "application/json");
  });
  srv.server().Post("/v1/registerjobdefinition", [&](const httplib::Request& req, httplib::Response& res) {
    EXPECT_EQ(Body(req)["type"], "container");
    res.set_content(R"({"jobDefinitionName":"ferry-x","jobDefinitionArn":"arn:x:3","revision":3})", "application/json");
  });
  srv.Start();
  BatchClient c(MakeClient(srv.url()), std::make_shared<RateLimiter>(0));
  std::vector<nlohmann::json> defs;
  ASSERT_TRUE(c.DescribeJobDefinitions("ferry-ubuntu-22_04", "ACTIVE", &defs).ok());
  ASSERT_EQ(defs.size(), 2u);
  EXPECT_EQ(defs[1]["revision"], 2);
  std::vector<nlohmann::json> queues;
  ASSERT_TRUE(c.DescribeJobQueues({"a", "missing", "b"}, &queues).ok());
  ASSERT_EQ(queues.size(), 2u);
  EXPECT_EQ(queues[1]["jobQueueName"], "b");
  std::string nr;
  ASSERT_TRUE(c.RegisterJobDefinition({{"jobDefinitionName", "ferry-x"}, {"type", "container"}}, &nr).ok());
  EXPECT_EQ(nr, "ferry-x:3");
}

TEST(BatchClient, CallAsyncDeliversOnTheTransportThread) {
  testing::LoopbackServer srv;
  srv.server().Post("/v1/listjobs", [&](const httplib::Request&, httplib::Response& res) {
    res.set_content(R"({"jobSummaryList":[{"jobId":"a"}]})", "application/json");
  });
  srv.server().Post("/v1/describejobs", [&](const httplib::Request&, httplib::Response& res) {
    res.set_content("not json", "application/json");
  });
  srv.Start();
  BatchClient c(MakeClient(srv.url()), std::make_shared<RateLimiter>(0));
  std::promise<std::pair<Status, nlohmann::json>> p;
  c.CallAsync("ListJobs", {{"jobQueue", "q"}}, [&](Status s, nlohmann::json body) {
    p.set_value({s, std::move(body)});
  });
  auto r = p.get_future().get();
  ASSERT_TRUE(r.first.ok()) << r.first.message();
  EXPECT_EQ(r.second["jobSummaryList"][0]["jobId"], "a");
  // A garbled answer is an error, not a crash.
  std::vector<nlohmann::json> jobs;
  Status s = c.DescribeJobs({"x"}, &jobs);
  EXPECT_FALSE(s.ok());
  EXPECT_NE(s.message().find("not valid JSON"), std::string::npos);
}

}  // namespace
}  // namespace ferry::aws
