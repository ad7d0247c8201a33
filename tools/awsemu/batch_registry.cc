// BatchEngine's control-plane half: compute environments, job queues and
// job definitions (create, update, describe, delete/deregister).
#include <algorithm>
#include <cctype>

#include "awsemu/batch_engine.h"
#include "awsemu/batch_fields.h"
#include "awsemu/batch_ids.h"
#include "awsemu/batch_platform.h"
#include "awsemu/batch_views.h"
#include "awsemu/iam_store.h"
#include "awsemu/logs_service.h"

namespace awsemu {
namespace {

using json = nlohmann::json;

// Names of compute environments, queues and job definitions: up to 128
// letters, digits, hyphens and underscores.
void CheckName(const std::string& name, const char* what) {
  bool ok = !name.empty() && name.size() <= 128 && std::all_of(name.begin(), name.end(), [](unsigned char c) {
    return std::isalnum(c) || c == '-' || c == '_';
  });
  if (!ok)
    ThrowClient(std::string(what) +
                " name should be up to 128 characters long and may contain only letters, numbers, hyphens and "
                "underscores");
}

// "arn:...:kind/name[:rev]" -> "name[:rev]"; other strings unchanged.
std::string NameFromArn(const std::string& s) {
  if (s.rfind("arn:", 0) != 0) return s;
  size_t slash = s.find('/');
  return slash == std::string::npos ? s : s.substr(slash + 1);
}

// Whether a Describe* call that names `wanted` (by name or ARN; none means
// all) asks for the resource `name` with ARN `arn`.
bool Wanted(const std::vector<std::string>& wanted, const std::string& name, const std::string& arn) {
  return wanted.empty() ||
         std::any_of(wanted.begin(), wanted.end(), [&](const std::string& w) { return w == name || w == arn; });
}

std::map<std::string, std::string> TagMap(const json& tags) {
  std::map<std::string, std::string> out;
  if (tags.is_object())
    for (const auto& [k, v] : tags.items())
      if (v.is_string()) out[k] = v.get<std::string>();
  return out;
}

Resources CapacityOf(const ComputeEnv& ce) {
  std::map<std::string, std::string> tags = TagMap(ce.tags);
  if (ce.type == "UNMANAGED") return ComputeEnvCapacity(ce.unmanaged_vcpus, "EC2", {"m"}, tags);
  const json& cr = ce.compute_resources;
  double max_vcpus = cr.value("maxvCpus", 0);
  std::vector<std::string> types;
  if (cr.contains("instanceTypes") && cr["instanceTypes"].is_array())
    for (const auto& t : cr["instanceTypes"])
      if (t.is_string()) types.push_back(t.get<std::string>());
  if (cr.contains("tags"))
    for (const auto& [k, v] : TagMap(cr["tags"])) tags.emplace(k, v);
  return ComputeEnvCapacity(max_vcpus, cr.value("type", "EC2"), types, tags);
}

void CheckRetryStrategy(const json& rs) {
  if (rs.is_null()) return;
  if (!rs.is_object()) ThrowClient("retryStrategy must be an object");
  if (auto a = OptInt(rs, "attempts"); a && (*a < 1 || *a > 10))
    ThrowClient("Error executing request, Exception : Retry attempts should be between 1 and 10.");
  if (rs.contains("evaluateOnExit")) {
    if (!rs["evaluateOnExit"].is_array()) ThrowClient("retryStrategy.evaluateOnExit must be a list");
    if (rs["evaluateOnExit"].size() > 5)
      ThrowClient("Error executing request, Exception : evaluateOnExit may contain up to 5 entries.");
    for (const auto& e : rs["evaluateOnExit"]) {
      std::string action = OptStr(e, "action");
      std::string up;
      for (char c : action) up += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
      if (up != "RETRY" && up != "EXIT")
        ThrowClient("Error executing request, Exception : evaluateOnExit action should be RETRY or EXIT.");
    }
  }
}

}  // namespace

ComputeEnv* BatchEngine::FindCe(const std::string& name_or_arn) {
  auto it = ces_.find(NameFromArn(name_or_arn));
  return it == ces_.end() ? nullptr : it->second.get();
}

JobQueue* BatchEngine::FindQueue(const std::string& name_or_arn) {
  auto it = queues_.find(NameFromArn(name_or_arn));
  return it == queues_.end() ? nullptr : it->second.get();
}

const JobDefinition* BatchEngine::ResolveJobDefinition(const std::string& ref) const {
  std::string s = NameFromArn(ref);
  size_t colon = s.find(':');
  std::string name = s.substr(0, colon);
  auto it = job_defs_.find(name);
  if (it == job_defs_.end()) return nullptr;
  if (colon == std::string::npos) {
    // A bare name means its latest ACTIVE revision.
    for (auto r = it->second.rbegin(); r != it->second.rend(); ++r)
      if (r->status == "ACTIVE") return &*r;
    return nullptr;
  }
  std::string rev = s.substr(colon + 1);
  for (const auto& d : it->second)
    if (std::to_string(d.revision) == rev) return &d;
  return nullptr;
}

void BatchEngine::SettleControlPlane() {
  const int64_t now = SteadyMs();
  const int64_t step = timing_.step_ms;
  for (auto it = ces_.begin(); it != ces_.end();) {
    it->second->control = SettledStatus(it->second->control, now, step);
    it = Forgotten(it->second->control, now, step) ? ces_.erase(it) : std::next(it);
  }
  for (auto it = queues_.begin(); it != queues_.end();) {
    it->second->control = SettledStatus(it->second->control, now, step);
    it = Forgotten(it->second->control, now, step) ? queues_.erase(it) : std::next(it);
  }
}

void BatchEngine::CheckRoles(const json& cr, std::string* service_role) {
  if (!ctx_.iam) return;
  if (!service_role->empty()) {
    if (!ctx_.iam->FindRole(*service_role))
      ThrowClient("Error executing request, Exception : Role " + *service_role +
                  " does not exist or is not assumable by Batch (serviceRole)");
  } else {
    // Batch creates its service-linked role on first use; "taken" means it exists.
    IamRole linked;
    ctx_.iam->CreateServiceLinkedRole("batch.amazonaws.com", "", &linked);
    if (auto r = ctx_.iam->FindRole("AWSServiceRoleForBatch")) *service_role = r->arn;
  }
  if (!cr.is_object() || !cr.contains("instanceRole")) return;
  std::string profile = OptStr(cr, "instanceRole");
  if (!ctx_.iam->FindInstanceProfile(profile))
    ThrowClient("Error executing request, Exception : Instance profile " + profile +
                " does not exist (computeResources.instanceRole names an IAM instance profile)");
}

json BatchEngine::CreateComputeEnvironment(const json& in) {
  std::string name = ReqStr(in, "computeEnvironmentName");
  CheckName(name, "Compute environment");
  std::string type = ReqStr(in, "type");
  if (type != "MANAGED" && type != "UNMANAGED") ThrowClient("type must be MANAGED or UNMANAGED");
  std::string state = OptStr(in, "state", "ENABLED");
  if (state != "ENABLED" && state != "DISABLED") ThrowClient("state must be ENABLED or DISABLED");
  auto ce = std::make_unique<ComputeEnv>();
  ce->name = name;
  ce->arn = BatchArn(ctx_.region, "compute-environment", name);
  ce->uuid = NewUuid();
  ce->type = type;
  ce->state = state;
  ce->service_role = OptStr(in, "serviceRole");
  if (in.contains("tags") && in["tags"].is_object()) ce->tags = in["tags"];
  if (type == "MANAGED") {
    if (!in.contains("computeResources") || !in["computeResources"].is_object())
      ThrowClient("computeResources must be provided for a MANAGED compute environment");
    json cr = in["computeResources"];
    auto max = OptInt(cr, "maxvCpus");
    if (!max || *max < 0) ThrowClient("computeResources.maxvCpus is required and must not be negative");
    std::string crtype = OptStr(cr, "type");
    if (crtype != "EC2" && crtype != "SPOT" && crtype != "FARGATE" && crtype != "FARGATE_SPOT")
      ThrowClient("computeResources.type must be one of EC2, SPOT, FARGATE, FARGATE_SPOT");
    if (crtype.rfind("FARGATE", 0) != 0 && !cr.contains("instanceRole"))
      ThrowClient("computeResources.instanceRole is required for a compute environment of type " + crtype);
    if (!cr.contains("minvCpus") && crtype.rfind("FARGATE", 0) != 0) cr["minvCpus"] = 0;
    if (!cr.contains("desiredvCpus") && crtype.rfind("FARGATE", 0) != 0) cr["desiredvCpus"] = cr.value("minvCpus", 0);
    ce->compute_resources = cr;
  } else {
    ce->unmanaged_vcpus = static_cast<int>(OptInt(in, "unmanagedvCpus").value_or(0));
  }
  ce->capacity = CapacityOf(*ce);
  CheckRoles(ce->compute_resources, &ce->service_role);
  json out = {{"computeEnvironmentName", name}, {"computeEnvironmentArn", ce->arn}};
  std::lock_guard<std::mutex> lock(mu_);
  SettleControlPlane();
  if (ces_.count(name)) ThrowClient("Object already exists");
  ce->control = {"CREATING", SteadyMs()};
  ces_[name] = std::move(ce);
  schedule_dirty_ = true;
  return out;
}

json BatchEngine::UpdateComputeEnvironment(const json& in) {
  std::string ref = ReqStr(in, "computeEnvironment");
  std::lock_guard<std::mutex> lock(mu_);
  SettleControlPlane();
  ComputeEnv* ce = FindCe(ref);
  if (!ce || !Usable(ce->control)) ThrowClient("ComputeEnvironment " + ref + " does not exist");
  if (in.contains("serviceRole") || (in.contains("computeResources") && in["computeResources"].is_object())) {
    std::string role = OptStr(in, "serviceRole", ce->service_role);
    CheckRoles(in.contains("computeResources") ? in["computeResources"] : json(), &role);
  }
  if (in.contains("state")) {
    std::string state = OptStr(in, "state");
    if (state != "ENABLED" && state != "DISABLED") ThrowClient("state must be ENABLED or DISABLED");
    ce->state = state;
  }
  if (auto u = OptInt(in, "unmanagedvCpus")) ce->unmanaged_vcpus = static_cast<int>(*u);
  if (in.contains("serviceRole")) ce->service_role = OptStr(in, "serviceRole");
  if (in.contains("computeResources") && in["computeResources"].is_object()) {
    if (ce->type != "MANAGED") ThrowClient("computeResources can only be updated on a MANAGED compute environment");
    for (const auto& [k, v] : in["computeResources"].items()) {
      if (k == "maxvCpus" && (!v.is_number_integer() || v.get<int64_t>() < 0))
        ThrowClient("computeResources.maxvCpus must not be negative");
      ce->compute_resources[k] = v;
    }
  }
  ce->capacity = CapacityOf(*ce);
  ce->control = {"UPDATING", SteadyMs()};
  // Jobs that could never fit may fit now.
  for (auto& [_, q] : runnable_)
    for (Job* j : q) j->misconfigured = false;
  schedule_dirty_ = true;
  runner_.Wake();
  return {{"computeEnvironmentName", ce->name}, {"computeEnvironmentArn", ce->arn}};
}

json BatchEngine::DeleteComputeEnvironment(const json& in) {
  std::string ref = ReqStr(in, "computeEnvironment");
  std::lock_guard<std::mutex> lock(mu_);
  SettleControlPlane();
  ComputeEnv* ce = FindCe(ref);
  if (!ce || !Usable(ce->control)) ThrowClient("ComputeEnvironment " + ref + " does not exist");
  if (ce->state != "DISABLED") ThrowClient("Cannot delete, compute environment " + ce->name + " is not DISABLED");
  for (const auto& [_, q] : queues_)
    for (const auto& [o, name] : q->compute_envs)
      if (name == ce->name && q->control.status != "DELETED")
        ThrowClient("Cannot delete, found existing JobQueue relationship");
  ce->control = {"DELETING", SteadyMs()};
  return json::object();
}

json BatchEngine::DescribeComputeEnvironments(const json& in) {
  std::vector<std::string> wanted = OptStrList(in, "computeEnvironments");
  std::lock_guard<std::mutex> lock(mu_);
  SettleControlPlane();
  std::vector<const ComputeEnv*> list;
  for (const auto& [name, ce] : ces_)
    if (Wanted(wanted, ce->name, ce->arn)) list.push_back(ce.get());
  return PagedList(in, list, 100, 100, "computeEnvironments",
                   [&](const ComputeEnv& ce) { return ComputeEnvView(ce, ctx_.region); });
}

json BatchEngine::CreateJobQueue(const json& in) {
  std::string name = ReqStr(in, "jobQueueName");
  CheckName(name, "Job queue");
  auto priority = OptInt(in, "priority");
  if (!priority) ThrowClient("priority is required");
  std::string state = OptStr(in, "state", "ENABLED");
  if (state != "ENABLED" && state != "DISABLED") ThrowClient("state must be ENABLED or DISABLED");
  auto order = in.find("computeEnvironmentOrder");
  if (order == in.end() || !order->is_array() || order->empty())
    ThrowClient("computeEnvironmentOrder must name at least one compute environment");
  if (order->size() > 3) ThrowClient("A job queue can have at most 3 compute environments");
  std::lock_guard<std::mutex> lock(mu_);
  SettleControlPlane();
  if (queues_.count(name)) ThrowClient("Object already exists");
  auto q = std::make_unique<JobQueue>();
  q->name = name;
  q->arn = BatchArn(ctx_.region, "job-queue", name);
  q->priority = static_cast<int>(*priority);
  q->state = state;
  q->control = {"CREATING", SteadyMs()};
  q->scheduling_policy_arn = OptStr(in, "schedulingPolicyArn");
  if (!q->scheduling_policy_arn.empty() && !policies_.count(q->scheduling_policy_arn))
    ThrowClient("Error executing request, Exception : Scheduling policy " + q->scheduling_policy_arn +
                " does not exist.");
  if (in.contains("tags") && in["tags"].is_object()) q->tags = in["tags"];
  for (const auto& o : *order) {
    std::string ref = ReqStr(o, "computeEnvironment");
    ComputeEnv* ce = FindCe(ref);
    if (!ce || !Usable(ce->control))
      ThrowClient("computeEnvironmentOrder: compute environment " + ref + " does not exist");
    q->compute_envs.push_back({static_cast<int>(OptInt(o, "order").value_or(0)), ce->name});
  }
  std::stable_sort(q->compute_envs.begin(), q->compute_envs.end(),
                   [](const auto& a, const auto& b) { return a.first < b.first; });
  json out = {{"jobQueueName", name}, {"jobQueueArn", q->arn}};
  queues_[name] = std::move(q);
  return out;
}

json BatchEngine::UpdateJobQueue(const json& in) {
  std::string ref = ReqStr(in, "jobQueue");
  std::lock_guard<std::mutex> lock(mu_);
  SettleControlPlane();
  JobQueue* q = FindQueue(ref);
  if (!q || !Usable(q->control)) ThrowClient("JobQueue " + ref + " not found.");
  if (in.contains("state")) {
    std::string state = OptStr(in, "state");
    if (state != "ENABLED" && state != "DISABLED") ThrowClient("state must be ENABLED or DISABLED");
    q->state = state;
  }
  if (auto p = OptInt(in, "priority")) q->priority = static_cast<int>(*p);
  if (in.contains("computeEnvironmentOrder") && in["computeEnvironmentOrder"].is_array()) {
    std::vector<std::pair<int, std::string>> envs;
    for (const auto& o : in["computeEnvironmentOrder"]) {
      std::string ce_ref = ReqStr(o, "computeEnvironment");
      ComputeEnv* ce = FindCe(ce_ref);
      if (!ce || !Usable(ce->control))
        ThrowClient("computeEnvironmentOrder: compute environment " + ce_ref + " does not exist");
      envs.push_back({static_cast<int>(OptInt(o, "order").value_or(0)), ce->name});
    }
    std::stable_sort(envs.begin(), envs.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
    q->compute_envs = envs;
    for (Job* j : runnable_[q->name]) j->misconfigured = false;
  }
  q->control = {"UPDATING", SteadyMs()};
  schedule_dirty_ = true;
  runner_.Wake();
  return {{"jobQueueName", q->name}, {"jobQueueArn", q->arn}};
}

json BatchEngine::DeleteJobQueue(const json& in) {
  std::string ref = ReqStr(in, "jobQueue");
  std::lock_guard<std::mutex> lock(mu_);
  SettleControlPlane();
  JobQueue* q = FindQueue(ref);
  if (!q || !Usable(q->control)) ThrowClient("JobQueue " + ref + " not found.");
  if (q->state != "DISABLED") ThrowClient("Cannot delete, job queue " + q->name + " is not DISABLED");
  std::string name = q->name;
  // Jobs still waiting in the queue end with it.
  for (Job* j : top_jobs_)
    if (j->spec->queue == name && !j->terminal()) CancelOrTerminate(j, "Job queue deleted", true);
  q->control = {"DELETING", SteadyMs()};
  runnable_.erase(name);
  return json::object();
}

json BatchEngine::DescribeJobQueues(const json& in) {
  std::vector<std::string> wanted = OptStrList(in, "jobQueues");
  std::lock_guard<std::mutex> lock(mu_);
  SettleControlPlane();
  std::vector<const JobQueue*> list;
  for (const auto& [name, q] : queues_)
    if (Wanted(wanted, q->name, q->arn)) list.push_back(q.get());
  return PagedList(in, list, 100, 100, "jobQueues", [&](const JobQueue& q) { return QueueView(q, ctx_.region); });
}

json BatchEngine::RegisterJobDefinition(const json& in) {
  std::string name = ReqStr(in, "jobDefinitionName");
  CheckName(name, "Job definition");
  std::string type = ReqStr(in, "type");
  if (type != "container" && type != "multinode") ThrowClient("type must be container or multinode");
  if (type == "container" && (!in.contains("containerProperties") || !in["containerProperties"].is_object()) &&
      !in.contains("eksProperties"))
    ThrowClient("containerProperties must be provided for a job definition of type container");
  if (in.contains("retryStrategy")) CheckRetryStrategy(in["retryStrategy"]);
  if (in.contains("timeout") && in["timeout"].is_object())
    if (auto t = OptInt(in["timeout"], "attemptDurationSeconds"); t && *t < 1)
      ThrowClient("timeout.attemptDurationSeconds must be a positive number of seconds");
  OptStrMap(in, "parameters");
  OptStrMap(in, "tags");
  if (in.contains("tags")) CheckTags(in["tags"]);
  CheckPlatformDefinition(in);

  std::lock_guard<std::mutex> lock(mu_);
  auto& revisions = job_defs_[name];
  JobDefinition d;
  d.name = name;
  d.revision = revisions.empty() ? 1 : revisions.back().revision + 1;
  d.arn = BatchArn(ctx_.region, "job-definition", name + ":" + std::to_string(d.revision));
  d.body = in;
  d.body["jobDefinitionName"] = name;
  d.body["jobDefinitionArn"] = d.arn;
  d.body["revision"] = d.revision;
  d.body["containerOrchestrationType"] = "ECS";
  if (!d.body.contains("parameters")) d.body["parameters"] = json::object();
  revisions.push_back(d);
  return {{"jobDefinitionName", name}, {"jobDefinitionArn", d.arn}, {"revision", d.revision}};
}

json BatchEngine::DeregisterJobDefinition(const json& in) {
  std::string ref = ReqStr(in, "jobDefinition");
  std::lock_guard<std::mutex> lock(mu_);
  std::string s = NameFromArn(ref);
  size_t colon = s.find(':');
  if (colon == std::string::npos) ThrowClient("jobDefinition must be an ARN or name:revision, e.g. " + s + ":1");
  auto it = job_defs_.find(s.substr(0, colon));
  if (it != job_defs_.end())
    for (auto& d : it->second)
      if (std::to_string(d.revision) == s.substr(colon + 1)) {
        d.status = "INACTIVE";
        return json::object();
      }
  ThrowClient("JobDefinition " + ref + " does not exist");
}

json BatchEngine::DescribeJobDefinitions(const json& in) {
  std::vector<std::string> wanted = OptStrList(in, "jobDefinitions");
  if (wanted.size() > 100) ThrowClient("Maximum number of job definitions supported is 100");
  std::string name_filter = OptStr(in, "jobDefinitionName");
  std::string status = OptStr(in, "status");
  std::lock_guard<std::mutex> lock(mu_);
  std::vector<const JobDefinition*> list;
  for (const auto& [name, revs] : job_defs_) {
    if (!name_filter.empty() && name != name_filter) continue;
    for (const auto& d : revs) {
      if (!status.empty() && d.status != status) continue;
      if (!wanted.empty() && std::none_of(wanted.begin(), wanted.end(), [&](const std::string& w) {
            std::string s = NameFromArn(w);
            return s == d.name || s == d.name + ":" + std::to_string(d.revision);
          }))
        continue;
      list.push_back(&d);
    }
  }
  return PagedList(in, list, 100, 1000, "jobDefinitions", [](const JobDefinition& d) { return JobDefinitionView(d); });
}

// ---------------------------------------------------------------- scheduling policies

json BatchEngine::CreateSchedulingPolicy(const json& in) {
  std::string name = ReqStr(in, "name");
  CheckName(name, "Scheduling policy");
  json fairshare = in.value("fairsharePolicy", json::object());
  if (!fairshare.is_object()) ThrowClient("fairsharePolicy must be an object");
  if (auto d = OptInt(fairshare, "shareDecaySeconds"); d && (*d < 0 || *d > 604800))
    ThrowClient("fairsharePolicy.shareDecaySeconds must be between 0 and 604800");
  if (fairshare.contains("shareDistribution")) {
    if (!fairshare["shareDistribution"].is_array()) ThrowClient("fairsharePolicy.shareDistribution must be a list");
    for (const auto& d : fairshare["shareDistribution"]) ReqStr(d, "shareIdentifier");
  }
  if (in.contains("tags")) CheckTags(in["tags"]);
  SchedulingPolicy p;
  p.name = name;
  p.arn = BatchArn(ctx_.region, "scheduling-policy", name);
  p.fairshare_policy = fairshare;
  if (in.contains("tags") && in["tags"].is_object()) p.tags = in["tags"];
  std::lock_guard<std::mutex> lock(mu_);
  if (policies_.count(p.arn)) ThrowClient("Object already exists");
  json out = {{"name", name}, {"arn", p.arn}};
  policies_[p.arn] = std::move(p);
  return out;
}

json BatchEngine::DescribeSchedulingPolicies(const json& in) {
  std::vector<std::string> arns = OptStrList(in, "arns");
  if (arns.empty()) ThrowClient("arns is required");
  std::lock_guard<std::mutex> lock(mu_);
  json list = json::array();
  for (const auto& a : arns)
    if (auto it = policies_.find(a); it != policies_.end())
      list.push_back({{"name", it->second.name},
                      {"arn", it->second.arn},
                      {"fairsharePolicy", it->second.fairshare_policy},
                      {"tags", it->second.tags}});
  return {{"schedulingPolicies", list}};
}

json BatchEngine::ListSchedulingPolicies(const json& in) {
  std::lock_guard<std::mutex> lock(mu_);
  std::vector<const SchedulingPolicy*> list;
  for (const auto& [arn, p] : policies_) list.push_back(&p);
  return PagedList(in, list, 100, 100, "schedulingPolicies", [](const SchedulingPolicy& p) {
    return json{{"arn", p.arn}};
  });
}

json BatchEngine::DeleteSchedulingPolicy(const json& in) {
  std::string arn = ReqStr(in, "arn");
  std::lock_guard<std::mutex> lock(mu_);
  if (!policies_.count(arn)) ThrowClient("Scheduling policy " + arn + " does not exist");
  for (const auto& [_, q] : queues_)
    if (q->scheduling_policy_arn == arn && q->control.status != "DELETED")
      ThrowClient("Cannot delete, scheduling policy " + arn + " is used by job queue " + q->name);
  policies_.erase(arn);
  return json::object();
}

}  // namespace awsemu

namespace awsemu {

nlohmann::json* BatchEngine::TagsOf(const std::string& arn) {
  // arn:aws:batch:REGION:ACCOUNT:KIND/NAME
  size_t slash = arn.find('/');
  size_t colon = arn.rfind(':', slash);
  if (arn.rfind("arn:aws:batch:", 0) != 0 || slash == std::string::npos || colon == std::string::npos)
    ThrowClient("Invalid resource ARN: " + arn);
  std::string kind = arn.substr(colon + 1, slash - colon - 1);
  std::string name = arn.substr(slash + 1);
  json* tags = nullptr;
  if (kind == "compute-environment") {
    if (ComputeEnv* ce = FindCe(name)) tags = &ce->tags;
  } else if (kind == "job-queue") {
    if (JobQueue* q = FindQueue(name)) tags = &q->tags;
  } else if (kind == "job-definition") {
    size_t c = name.find(':');
    auto it = job_defs_.find(name.substr(0, c));
    if (it != job_defs_.end() && c != std::string::npos)
      for (auto& d : it->second)
        if (std::to_string(d.revision) == name.substr(c + 1)) tags = &d.body["tags"];
  } else if (kind == "job") {
    if (Job* j = FindJob(name)) tags = &j->tags;
  } else if (kind == "scheduling-policy") {
    if (auto it = policies_.find(arn); it != policies_.end()) tags = &it->second.tags;
  }
  if (!tags) ThrowClient("Resource " + arn + " does not exist");
  if (!tags->is_object()) *tags = json::object();
  return tags;
}

nlohmann::json BatchEngine::TagResource(const std::string& arn, const json& in) {
  std::map<std::string, std::string> add = OptStrMap(in, "tags");
  if (add.empty()) ThrowClient("tags is required");
  std::lock_guard<std::mutex> lock(mu_);
  json* tags = TagsOf(arn);
  json merged = *tags;
  for (const auto& [k, v] : add) merged[k] = v;
  CheckTags(merged);
  *tags = merged;
  return json::object();
}

nlohmann::json BatchEngine::UntagResource(const std::string& arn, const std::vector<std::string>& keys) {
  if (keys.empty()) ThrowClient("tagKeys is required");
  std::lock_guard<std::mutex> lock(mu_);
  json* tags = TagsOf(arn);
  for (const auto& k : keys) tags->erase(k);
  return json::object();
}

nlohmann::json BatchEngine::ListTagsForResource(const std::string& arn) {
  std::lock_guard<std::mutex> lock(mu_);
  return {{"tags", *TagsOf(arn)}};
}

}  // namespace awsemu
