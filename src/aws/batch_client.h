// BatchClient: the AWS Batch API (REST-JSON, `POST /v1/<operation in lower
// case>`) on the shared signed-request path. Requests and responses are the
// service model's JSON shapes (botocore batch service-2.json), so callers set
// exactly the fields AWS documents. Every call first takes a token from the
// shared RateLimiter; a throttling answer (429 / TooManyRequestsException)
// tells the limiter to slow down and is retried, as are 5xx and resets, by
// the AwsClient's standard retry mode. Counts calls per operation for
// benchmarks. Thread-safe.
#pragma once

#include <atomic>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "aws/aws_client.h"
#include "aws/rate_limiter.h"
#include "util/status.h"

namespace ferry::aws {

class BatchClient {
 public:
  BatchClient(std::shared_ptr<AwsClient> client, std::shared_ptr<RateLimiter> limiter);

  using Done = std::function<void(Status, nlohmann::json response)>;

  // Blocking. `operation` is the API name ("SubmitJob"). On failure the
  // Status message comes from AwsError (service, operation, code, message);
  // *error (when not null) gets the parsed error for callers that branch on
  // the code (e.g. "ClientException").
  Status Call(const std::string& operation, const nlohmann::json& request, nlohmann::json* response,
              AwsError* error = nullptr);
  // Non-blocking: waits for a rate-limiter token on the calling thread only
  // when none is available (use TryAcquire-style pacing via limiter() to
  // avoid even that), then sends; `done` runs on the transport thread.
  void CallAsync(const std::string& operation, const nlohmann::json& request, Done done);

  // Convenience wrappers.
  Status SubmitJob(const nlohmann::json& request, std::string* job_id, AwsError* error = nullptr);
  // Any number of ids; sent in calls of at most 100 ids. Jobs Batch no longer
  // knows are simply absent from *jobs.
  Status DescribeJobs(const std::vector<std::string>& job_ids, std::vector<nlohmann::json>* jobs);
  Status TerminateJob(const std::string& job_id, const std::string& reason);
  // Summaries of the jobs in `queue` named `job_name` (any status, newest
  // first); follows nextToken.
  Status ListJobsNamed(const std::string& queue, const std::string& job_name, std::vector<nlohmann::json>* out);
  // Queues by name or ARN; queues that do not exist are absent from *queues.
  Status DescribeJobQueues(const std::vector<std::string>& queues, std::vector<nlohmann::json>* out);
  // Definitions named `name` (all revisions) with `status` ("ACTIVE" or ""
  // for any); follows nextToken.
  Status DescribeJobDefinitions(const std::string& name, const std::string& status, std::vector<nlohmann::json>* out);
  // The definitions a job may be submitted with for `ref`: every ACTIVE
  // revision of a plain name, or the one revision that "name:revision" or an
  // ARN names unless it is INACTIVE. Empty when there is none.
  Status FindUsableJobDefinitions(const std::string& ref, std::vector<nlohmann::json>* out);
  // The pre-run check of a job queue that ferry build and the awsbatch
  // executor share: Ok when `queue` (name or ARN) exists and is ENABLED.
  // Otherwise NotFound naming the queues that do exist in `region`, Invalid
  // when the queue is DISABLED (jobs would wait in it for ever), or the
  // call's own error; the
  // caller adds how its own settings name the queue.
  // *described (when not null) gets the queue as DescribeJobQueues told it.
  Status CheckJobQueue(const std::string& queue, const std::string& region, nlohmann::json* described = nullptr);
  // Returns "name:revision".
  Status RegisterJobDefinition(const nlohmann::json& request, std::string* name_revision);

  // Calls made per operation (each HTTP attempt counts once per logical
  // call, retries not included) and how many were throttled.
  std::map<std::string, int64_t> calls_by_operation() const;
  int64_t throttled_calls() const;

  RateLimiter& limiter() { return *limiter_; }
  AwsClient& client() { return *client_; }

 private:
  ServiceRequest Build(const std::string& operation, const nlohmann::json& request) const;
  void Count(const std::string& operation);
  // Call, repeated with each reply's nextToken until there is none; the
  // items of every reply's `list_key` array go to *out (when not null).
  Status CallAllPages(const std::string& operation, nlohmann::json request, const char* list_key,
                      std::vector<nlohmann::json>* out);
  // Takes a token, counts, sends; tells the limiter about throttling and
  // success; `done` gets the parsed body or the error.
  void Send(const std::string& operation, const nlohmann::json& request,
            std::function<void(Status, nlohmann::json, AwsError)> done);
  std::shared_ptr<AwsClient> client_;
  std::shared_ptr<RateLimiter> limiter_;
  mutable std::mutex mu_;
  std::map<std::string, int64_t> calls_;
  std::atomic<int64_t> throttled_{0};
};

}  // namespace ferry::aws
