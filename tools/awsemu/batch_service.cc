#include "awsemu/batch_service.h"

#include <cstdlib>
#include <utility>

#include "awsemu/logs_service.h"

namespace awsemu {
namespace {

using json = nlohmann::json;

// Request path -> operation name, for every operation Batch has; the ones
// the emulator does not implement answer with a clear ClientException.
const std::pair<const char*, const char*> kOperations[] = {
    {"/v1/canceljob", "CancelJob"},
    {"/v1/createcomputeenvironment", "CreateComputeEnvironment"},
    {"/v1/createjobqueue", "CreateJobQueue"},
    {"/v1/createschedulingpolicy", "CreateSchedulingPolicy"},
    {"/v1/deletecomputeenvironment", "DeleteComputeEnvironment"},
    {"/v1/deletejobqueue", "DeleteJobQueue"},
    {"/v1/deleteschedulingpolicy", "DeleteSchedulingPolicy"},
    {"/v1/deregisterjobdefinition", "DeregisterJobDefinition"},
    {"/v1/describecomputeenvironments", "DescribeComputeEnvironments"},
    {"/v1/describejobdefinitions", "DescribeJobDefinitions"},
    {"/v1/describejobqueues", "DescribeJobQueues"},
    {"/v1/describejobs", "DescribeJobs"},
    {"/v1/describeschedulingpolicies", "DescribeSchedulingPolicies"},
    {"/v1/listjobs", "ListJobs"},
    {"/v1/listschedulingpolicies", "ListSchedulingPolicies"},
    {"/v1/registerjobdefinition", "RegisterJobDefinition"},
    {"/v1/submitjob", "SubmitJob"},
    {"/v1/terminatejob", "TerminateJob"},
    {"/v1/updatecomputeenvironment", "UpdateComputeEnvironment"},
    {"/v1/updatejobqueue", "UpdateJobQueue"},
    {"/v1/updateschedulingpolicy", "UpdateSchedulingPolicy"},
};

void SetError(EmuResponse* resp, int status, const std::string& code, const std::string& message) {
  resp->status = status;
  resp->content_type = "application/json";
  resp->headers.push_back({"x-amzn-ErrorType", code});
  resp->body = json{{"__type", code}, {"message", message}}.dump();
}

int EnvInt(const char* name, int dflt) {
  const char* v = std::getenv(name);
  if (!v || !*v) return dflt;
  char* end = nullptr;
  long n = std::strtol(v, &end, 10);
  return (*end == '\0' && n >= 0 && n < 600000) ? static_cast<int>(n) : dflt;
}

}  // namespace

BatchTiming BatchTimingFromEnv() {
  BatchTiming t;
  t.step_ms = EnvInt("FERRY_AWSEMU_BATCH_STEP_MS", t.step_ms);
  t.kill_grace_ms = EnvInt("FERRY_AWSEMU_BATCH_KILL_GRACE_MS", t.kill_grace_ms);
  return t;
}

BatchService::BatchService(const EmuContext& ctx, FaultSource* faults, LogsService* logs)
    : engine_(std::make_unique<BatchEngine>(ctx, faults, logs, BatchTimingFromEnv())) {}

std::string BatchService::OperationName(const EmuRequest& req) const {
  std::string path = req.path;
  while (path.size() > 1 && path.back() == '/') path.pop_back();
  for (const auto& [p, op] : kOperations)
    if (path == p) return op;
  if (path.rfind("/v1/tags/", 0) == 0) {
    if (req.method == "GET") return "ListTagsForResource";
    if (req.method == "POST") return "TagResource";
    if (req.method == "DELETE") return "UntagResource";
  }
  return "";
}

void BatchService::Handle(const EmuRequest& req, EmuResponse* resp) {
  const std::string op = OperationName(req);
  if (op.empty()) {
    SetError(resp, 404, "UnknownOperationException", "No Batch operation at " + req.method + " " + req.path);
    return;
  }
  json in;
  try {
    in = req.body.empty() ? json::object() : json::parse(req.body);
  } catch (const json::exception&) {
    SetError(resp, 400, "ClientException", "The request body is not valid JSON.");
    return;
  }
  if (!in.is_object()) {
    SetError(resp, 400, "ClientException", "The request body must be a JSON object.");
    return;
  }
  try {
    json out;
    BatchEngine& e = *engine_;
    if (op == "SubmitJob") out = e.SubmitJob(in);
    else if (op == "DescribeJobs") out = e.DescribeJobs(in);
    else if (op == "ListJobs") out = e.ListJobs(in);
    else if (op == "TerminateJob") out = e.TerminateJob(in);
    else if (op == "CancelJob") out = e.CancelJob(in);
    else if (op == "CreateComputeEnvironment") out = e.CreateComputeEnvironment(in);
    else if (op == "UpdateComputeEnvironment") out = e.UpdateComputeEnvironment(in);
    else if (op == "DeleteComputeEnvironment") out = e.DeleteComputeEnvironment(in);
    else if (op == "DescribeComputeEnvironments") out = e.DescribeComputeEnvironments(in);
    else if (op == "CreateJobQueue") out = e.CreateJobQueue(in);
    else if (op == "UpdateJobQueue") out = e.UpdateJobQueue(in);
    else if (op == "DeleteJobQueue") out = e.DeleteJobQueue(in);
    else if (op == "DescribeJobQueues") out = e.DescribeJobQueues(in);
    else if (op == "RegisterJobDefinition") out = e.RegisterJobDefinition(in);
    else if (op == "DeregisterJobDefinition") out = e.DeregisterJobDefinition(in);
    else if (op == "DescribeJobDefinitions") out = e.DescribeJobDefinitions(in);
    else if (op == "TagResource" || op == "UntagResource" || op == "ListTagsForResource") {
      std::string arn = req.path.substr(std::string("/v1/tags/").size());
      if (op == "TagResource") {
        out = e.TagResource(arn, in);
      } else if (op == "ListTagsForResource") {
        out = e.ListTagsForResource(arn);
      } else {
        std::vector<std::string> keys;
        for (const auto& [k, v] : req.query)
          if (k == "tagKeys") keys.push_back(v);
        out = e.UntagResource(arn, keys);
      }
    }
    else {
      SetError(resp, 400, "ClientException", op + " is not supported by ferry-awsemu");
      return;
    }
    resp->status = 200;
    resp->content_type = "application/json";
    resp->body = out.dump(-1, ' ', false, json::error_handler_t::replace);
  } catch (const BatchError& err) {
    SetError(resp, err.status, err.code, err.message);
  } catch (const json::exception& err) {
    SetError(resp, 400, "ClientException", std::string("Malformed request: ") + err.what());
  } catch (const std::exception& err) {
    SetError(resp, 500, "ServerException", std::string("Internal error: ") + err.what());
  }
}

std::unique_ptr<Service> MakeBatchService(const EmuContext& ctx, FaultSource* faults, Service* logs) {
  return std::make_unique<BatchService>(ctx, faults, dynamic_cast<LogsService*>(logs));
}

}  // namespace awsemu
