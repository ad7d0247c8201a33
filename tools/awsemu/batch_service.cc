#include "awsemu/batch_service.h"

#include <cstdlib>
#include <string_view>
#include <utility>

#include "awsemu/emu_error.h"
#include "awsemu/logs_service.h"

namespace awsemu {
namespace {

using json = nlohmann::json;

// One row per Batch operation: how it is addressed (a path, or a path
// prefix ending in '/' plus a method), its name, and the engine call that
// answers it. Adding an operation is a BatchEngine method and a row here; a
// row without a handler is an operation Batch has and the emulator answers
// with a clear ClientException.
using BatchHandler = json (*)(BatchEngine&, const EmuRequest&, const json&);
struct BatchOperation {
  const char* path;
  const char* method;  // nullptr: any
  const char* name;
  BatchHandler handler;
};

// Adapts an engine operation that takes only the request body.
template <json (BatchEngine::*Op)(const json&)>
json BodyOnly(BatchEngine& e, const EmuRequest&, const json& in) {
  return (e.*Op)(in);
}

constexpr char kTagsPath[] = "/v1/tags/";

std::string TaggedArn(const EmuRequest& req) { return req.path.substr(sizeof kTagsPath - 1); }

json TagResource(BatchEngine& e, const EmuRequest& req, const json& in) { return e.TagResource(TaggedArn(req), in); }

json ListTagsForResource(BatchEngine& e, const EmuRequest& req, const json&) {
  return e.ListTagsForResource(TaggedArn(req));
}

json UntagResource(BatchEngine& e, const EmuRequest& req, const json&) {
  std::vector<std::string> keys;
  for (const auto& [k, v] : req.query)
    if (k == "tagKeys") keys.push_back(v);
  return e.UntagResource(TaggedArn(req), keys);
}

const BatchOperation kOperations[] = {
    {"/v1/canceljob", nullptr, "CancelJob", BodyOnly<&BatchEngine::CancelJob>},
    {"/v1/createcomputeenvironment", nullptr, "CreateComputeEnvironment",
     BodyOnly<&BatchEngine::CreateComputeEnvironment>},
    {"/v1/createjobqueue", nullptr, "CreateJobQueue", BodyOnly<&BatchEngine::CreateJobQueue>},
    {"/v1/createschedulingpolicy", nullptr, "CreateSchedulingPolicy", BodyOnly<&BatchEngine::CreateSchedulingPolicy>},
    {"/v1/deletecomputeenvironment", nullptr, "DeleteComputeEnvironment",
     BodyOnly<&BatchEngine::DeleteComputeEnvironment>},
    {"/v1/deletejobqueue", nullptr, "DeleteJobQueue", BodyOnly<&BatchEngine::DeleteJobQueue>},
    {"/v1/deleteschedulingpolicy", nullptr, "DeleteSchedulingPolicy", BodyOnly<&BatchEngine::DeleteSchedulingPolicy>},
    {"/v1/deregisterjobdefinition", nullptr, "DeregisterJobDefinition",
     BodyOnly<&BatchEngine::DeregisterJobDefinition>},
    {"/v1/describecomputeenvironments", nullptr, "DescribeComputeEnvironments",
     BodyOnly<&BatchEngine::DescribeComputeEnvironments>},
    {"/v1/describejobdefinitions", nullptr, "DescribeJobDefinitions", BodyOnly<&BatchEngine::DescribeJobDefinitions>},
    {"/v1/describejobqueues", nullptr, "DescribeJobQueues", BodyOnly<&BatchEngine::DescribeJobQueues>},
    {"/v1/describejobs", nullptr, "DescribeJobs", BodyOnly<&BatchEngine::DescribeJobs>},
    {"/v1/describeschedulingpolicies", nullptr, "DescribeSchedulingPolicies",
     BodyOnly<&BatchEngine::DescribeSchedulingPolicies>},
    {"/v1/listjobs", nullptr, "ListJobs", BodyOnly<&BatchEngine::ListJobs>},
    {"/v1/listschedulingpolicies", nullptr, "ListSchedulingPolicies", BodyOnly<&BatchEngine::ListSchedulingPolicies>},
    {"/v1/registerjobdefinition", nullptr, "RegisterJobDefinition", BodyOnly<&BatchEngine::RegisterJobDefinition>},
    {"/v1/submitjob", nullptr, "SubmitJob", BodyOnly<&BatchEngine::SubmitJob>},
    {"/v1/terminatejob", nullptr, "TerminateJob", BodyOnly<&BatchEngine::TerminateJob>},
    {"/v1/updatecomputeenvironment", nullptr, "UpdateComputeEnvironment",
     BodyOnly<&BatchEngine::UpdateComputeEnvironment>},
    {"/v1/updatejobqueue", nullptr, "UpdateJobQueue", BodyOnly<&BatchEngine::UpdateJobQueue>},
    {"/v1/updateschedulingpolicy", nullptr, "UpdateSchedulingPolicy", nullptr},
    {kTagsPath, "GET", "ListTagsForResource", ListTagsForResource},
    {kTagsPath, "POST", "TagResource", TagResource},
    {kTagsPath, "DELETE", "UntagResource", UntagResource},
};

const BatchOperation* FindOperation(const EmuRequest& req) {
  std::string path = req.path;
  while (path.size() > 1 && path.back() == '/') path.pop_back();
  for (const BatchOperation& op : kOperations) {
    std::string_view p = op.path;
    bool match = p.back() == '/' ? path.rfind(p, 0) == 0 : path == p;
    if (match && (!op.method || req.method == op.method)) return &op;
  }
  return nullptr;
}

// Runs one operation; every failure, thrown by a field reader or by JSON
// access deep in the engine, comes back as the EmuError Batch would send.
EmuError Run(const BatchOperation& op, BatchEngine& engine, const EmuRequest& req, json* out) {
  json in = req.body.empty() ? json::object() : json::parse(req.body, nullptr, false);
  if (in.is_discarded()) return EmuError::Client("ClientException", "The request body is not valid JSON.");
  if (!in.is_object()) return EmuError::Client("ClientException", "The request body must be a JSON object.");
  if (!op.handler)
    return EmuError::Client("ClientException", std::string(op.name) + " is not supported by ferry-awsemu");
  try {
    *out = op.handler(engine, req, in);
  } catch (const EmuError& err) {
    return err;
  } catch (const json::exception& err) {
    return EmuError::Client("ClientException", std::string("Malformed request: ") + err.what());
  } catch (const std::exception& err) {
    return {500, "ServerException", std::string("Internal error: ") + err.what()};
  }
  return EmuError::Ok();
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

BatchService::BatchService(const EmuContext& ctx, FaultSource* faults, LogsService* logs, const JobExecution& exec)
    : engine_(std::make_unique<BatchEngine>(ctx, faults, logs, BatchTimingFromEnv(), exec)) {}

std::string BatchService::OperationName(const EmuRequest& req) const {
  const BatchOperation* op = FindOperation(req);
  return op ? op->name : "";
}

void BatchService::Handle(const EmuRequest& req, EmuResponse* resp) {
  const BatchOperation* op = FindOperation(req);
  json out;
  EmuError err =
      op ? Run(*op, *engine_, req, &out)
         : EmuError{404, "UnknownOperationException", "No Batch operation at " + req.method + " " + req.path};
  if (!err.ok()) return RenderError(WireProtocol::kRestJson, err, "", resp);
  resp->status = 200;
  resp->content_type = "application/json";
  resp->body = out.dump(-1, ' ', false, json::error_handler_t::replace);
}

std::unique_ptr<Service> MakeBatchService(const EmuContext& ctx, FaultSource* faults, Service* logs,
                                          const JobExecution& exec) {
  return std::make_unique<BatchService>(ctx, faults, dynamic_cast<LogsService*>(logs), exec);
}

}  // namespace awsemu
