#include "aws/batch_client.h"

#include <algorithm>
#include <future>

#include "aws/retry.h"

namespace ferry::aws {

namespace {
// DescribeJobs takes at most 100 ids a call.
constexpr size_t kDescribeBatch = 100;

std::string Lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}
}  // namespace

BatchClient::BatchClient(std::shared_ptr<AwsClient> client, std::shared_ptr<RateLimiter> limiter)
    : client_(std::move(client)), limiter_(std::move(limiter)) {
  if (!limiter_) limiter_ = std::make_shared<RateLimiter>(0);
}

ServiceRequest BatchClient::Build(const std::string& operation, const nlohmann::json& request) const {
  ServiceRequest r;
  r.service = "batch";
  r.operation = operation;
  r.method = "POST";
  r.path = "/v1/" + Lower(operation);
  r.headers.emplace_back("Content-Type", "application/json");
  r.body = std::make_shared<StringBody>(request.is_null() ? std::string("{}") : request.dump());
  r.target = "AWS Batch in " + client_->region();
  return r;
}

void BatchClient::Count(const std::string& operation) {
  std::lock_guard<std::mutex> l(mu_);
  calls_[operation]++;
}

void BatchClient::Send(const std::string& operation, const nlohmann::json& request,
                       std::function<void(Status, nlohmann::json, AwsError)> done) {
  limiter_->Acquire();
  Count(operation);
  ServiceRequest r = Build(operation, request);
  // One throttled call counts once however many of its attempts were refused.
  auto throttled = std::make_shared<std::atomic<bool>>(false);
  auto note_throttle = [this, throttled] {
    limiter_->OnThrottled();
    if (!throttled->exchange(true)) throttled_++;
  };
  r.on_retry = [note_throttle](RetryKind kind) {
    if (kind == RetryKind::kThrottle) note_throttle();
  };
  client_->Send(std::move(r), [this, note_throttle, operation, done = std::move(done)](ServiceResponse resp) {
    if (!resp.status.ok()) {
      if (ClassifyFailure(resp.error.http_status, resp.error.code, 0) == RetryKind::kThrottle) note_throttle();
      done(resp.status, nlohmann::json(), resp.error);
      return;
    }
    limiter_->OnSuccess();
    nlohmann::json body = nlohmann::json::object();
    if (!resp.http.body.empty()) {
      body = nlohmann::json::parse(resp.http.body, nullptr, /*allow_exceptions=*/false);
      if (body.is_discarded()) {
        done(Status::Failed("AWS Batch " + operation + ": the response is not valid JSON"), nlohmann::json(),
             AwsError());
        return;
      }
    }
    done(Status::Ok(), std::move(body), AwsError());
  });
}

void BatchClient::CallAsync(const std::string& operation, const nlohmann::json& request, Done done) {
  Send(operation, request,
       [done = std::move(done)](Status s, nlohmann::json body, AwsError) { done(s, std::move(body)); });
}

Status BatchClient::Call(const std::string& operation, const nlohmann::json& request, nlohmann::json* response,
                         AwsError* error) {
  struct Result {
    Status status;
    nlohmann::json body;
    AwsError error;
  };
  std::promise<Result> p;
  auto f = p.get_future();
  Send(operation, request, [&p](Status s, nlohmann::json body, AwsError e) {
    p.set_value(Result{s, std::move(body), std::move(e)});
  });
  Result r = f.get();
  if (!r.status.ok()) {
    if (error) *error = std::move(r.error);
    return r.status;
  }
  if (response) *response = std::move(r.body);
  return Status::Ok();
}

Status BatchClient::CallAllPages(const std::string& operation, nlohmann::json request, const char* list_key,
                                 std::vector<nlohmann::json>* out) {
  std::string token;
  do {
    if (!token.empty()) request["nextToken"] = token;
    nlohmann::json resp;
    FERRY_RETURN_IF_ERROR(Call(operation, request, &resp));
    if (out && resp.contains(list_key) && resp[list_key].is_array())
      for (auto& item : resp[list_key]) out->push_back(item);
    token = resp.value("nextToken", std::string());
  } while (!token.empty());
  return Status::Ok();
}

Status BatchClient::SubmitJob(const nlohmann::json& request, std::string* job_id, AwsError* error) {
  nlohmann::json resp;
  FERRY_RETURN_IF_ERROR(Call("SubmitJob", request, &resp, error));
  if (!resp.contains("jobId") || !resp["jobId"].is_string())
    return Status::Failed("AWS Batch SubmitJob: the response has no jobId");
  if (job_id) *job_id = resp["jobId"].get<std::string>();
  return Status::Ok();
}

Status BatchClient::DescribeJobs(const std::vector<std::string>& job_ids, std::vector<nlohmann::json>* jobs) {
  for (size_t i = 0; i < job_ids.size(); i += kDescribeBatch) {
    nlohmann::json req;
    req["jobs"] = nlohmann::json::array();
    for (size_t j = i; j < std::min(job_ids.size(), i + kDescribeBatch); j++) req["jobs"].push_back(job_ids[j]);
    nlohmann::json resp;
    FERRY_RETURN_IF_ERROR(Call("DescribeJobs", req, &resp));
    if (jobs && resp.contains("jobs") && resp["jobs"].is_array())
      for (auto& j : resp["jobs"]) jobs->push_back(j);
  }
  return Status::Ok();
}

Status BatchClient::TerminateJob(const std::string& job_id, const std::string& reason) {
  return Call("TerminateJob", {{"jobId", job_id}, {"reason", reason}}, nullptr);
}

Status BatchClient::DescribeJobQueues(const std::vector<std::string>& queues, std::vector<nlohmann::json>* out) {
  for (size_t i = 0; i < queues.size(); i += kDescribeBatch) {
    nlohmann::json names = nlohmann::json::array();
    for (size_t j = i; j < std::min(queues.size(), i + kDescribeBatch); j++) names.push_back(queues[j]);
    FERRY_RETURN_IF_ERROR(CallAllPages("DescribeJobQueues", {{"jobQueues", names}}, "jobQueues", out));
  }
  return Status::Ok();
}

Status BatchClient::ListJobsNamed(const std::string& queue, const std::string& job_name,
                                  std::vector<nlohmann::json>* out) {
  nlohmann::json req = {{"jobQueue", queue},
                        {"filters", nlohmann::json::array({{{"name", "JOB_NAME"}, {"values", {job_name}}}})}};
  return CallAllPages("ListJobs", std::move(req), "jobSummaryList", out);
}

Status BatchClient::DescribeJobDefinitions(const std::string& name, const std::string& status,
                                           std::vector<nlohmann::json>* out) {
  nlohmann::json req = {{"jobDefinitionName", name}};
  if (!status.empty()) req["status"] = status;
  return CallAllPages("DescribeJobDefinitions", std::move(req), "jobDefinitions", out);
}

Status BatchClient::FindUsableJobDefinitions(const std::string& ref, std::vector<nlohmann::json>* out) {
  // "name:revision" and ARNs name one revision, which DescribeJobDefinitions
  // only takes in its jobDefinitions list.
  if (ref.find(':') == std::string::npos) return DescribeJobDefinitions(ref, "ACTIVE", out);
  nlohmann::json resp;
  FERRY_RETURN_IF_ERROR(Call("DescribeJobDefinitions", {{"jobDefinitions", {ref}}}, &resp));
  if (resp.contains("jobDefinitions") && resp["jobDefinitions"].is_array())
    for (const auto& d : resp["jobDefinitions"])
      if (d.value("status", std::string()) != "INACTIVE") out->push_back(d);
  return Status::Ok();
}

Status BatchClient::CheckJobQueue(const std::string& queue, const std::string& region, nlohmann::json* described) {
  std::vector<nlohmann::json> found;
  FERRY_RETURN_IF_ERROR(DescribeJobQueues({queue}, &found));
  for (const auto& q : found) {
    if (q.value("jobQueueName", std::string()) != queue && q.value("jobQueueArn", std::string()) != queue) continue;
    if (q.value("state", std::string()) == "DISABLED")
      return Status::Invalid("AWS Batch job queue '" + queue + "' in region " + region +
                             " is DISABLED, so jobs would wait in it for ever: enable it (aws batch "
                             "update-job-queue --job-queue " +
                             queue + " --state ENABLED) or use another queue");
    if (described) *described = q;
    return Status::Ok();
  }
  // Not there: name the queues that are, the likeliest fix being a typo or
  // the wrong region. Listing all queues takes a request without names.
  std::vector<nlohmann::json> all;
  FERRY_RETURN_IF_ERROR(CallAllPages("DescribeJobQueues", nlohmann::json::object(), "jobQueues", &all));
  std::vector<std::string> names;
  for (const auto& q : all) names.push_back(q.value("jobQueueName", std::string()));
  std::string msg = "AWS Batch job queue '" + queue + "' not found in region " + region;
  if (names.empty()) {
    msg += " (there is no job queue in that region)";
  } else {
    std::sort(names.begin(), names.end());
    std::string list;
    for (const auto& n : names) list += (list.empty() ? "" : ", ") + n;
    msg += " (the queues there: " + list + ")";
  }
  return Status::NotFound(msg);
}

Status BatchClient::RegisterJobDefinition(const nlohmann::json& request, std::string* name_revision) {
  nlohmann::json resp;
  FERRY_RETURN_IF_ERROR(Call("RegisterJobDefinition", request, &resp));
  std::string name = resp.value("jobDefinitionName", std::string());
  if (name.empty() || !resp.contains("revision") || !resp["revision"].is_number_integer())
    return Status::Failed("AWS Batch RegisterJobDefinition: the response has no name and revision");
  if (name_revision) *name_revision = name + ":" + std::to_string(resp["revision"].get<int64_t>());
  return Status::Ok();
}

std::map<std::string, int64_t> BatchClient::calls_by_operation() const {
  std::lock_guard<std::mutex> l(mu_);
  return calls_;
}

int64_t BatchClient::throttled_calls() const { return throttled_.load(); }

}  // namespace ferry::aws
