#include "awsemu/batch_job_spec.h"

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <cstdlib>
#include <map>

#include "awsemu/batch_fields.h"
#include "awsemu/batch_params.h"
#include "awsemu/batch_platform.h"

namespace awsemu {
namespace {

using json = nlohmann::json;

void CheckJobName(const std::string& name) {
  bool ok =
      !name.empty() && name.size() <= 128 && std::isalnum(static_cast<unsigned char>(name[0])) &&
      std::all_of(name.begin(), name.end(), [](unsigned char c) { return std::isalnum(c) || c == '-' || c == '_'; });
  if (!ok)
    ThrowClient(
        "Error executing request, Exception : Job name should be up to 128 characters long; the first "
        "character must be alphanumeric and the rest letters, numbers, hyphens or underscores.");
}

// Reads resource values from a list of {type, value} and the legacy
// vcpus/memory fields of containerProperties or containerOverrides.

std::string FormatVcpus(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%g", v);
  return buf;
}

RetryPolicy ParseRetry(const json& rs) {
  RetryPolicy p;
  if (!rs.is_object()) return p;
  p.attempts = static_cast<int>(rs.value("attempts", 1));
  if (p.attempts < 1 || p.attempts > 10)
    ThrowClient("Error executing request, Exception : Retry attempts should be between 1 and 10.");
  if (rs.contains("evaluateOnExit") && rs["evaluateOnExit"].is_array()) {
    for (const auto& e : rs["evaluateOnExit"]) {
      EvaluateOnExit rule;
      rule.on_status_reason = OptStr(e, "onStatusReason");
      rule.on_reason = OptStr(e, "onReason");
      rule.on_exit_code = OptStr(e, "onExitCode");
      std::string action = OptStr(e, "action");
      for (char& c : action) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
      if (action != "RETRY" && action != "EXIT")
        ThrowClient("Error executing request, Exception : evaluateOnExit action should be RETRY or EXIT.");
      rule.retry = action == "RETRY";
      p.evaluate_on_exit.push_back(rule);
    }
  }
  return p;
}

// Environment: the definition's, then the overrides' (same name wins), as
// DescribeJobs lists it.
json MergedEnvironment(const json& cp, const json& overrides) {
  json env_list = json::array();
  auto add_env = [&](const json& list) {
    if (!list.is_array()) return;
    for (const auto& kv : list) {
      std::string k = OptStr(kv, "name"), v = OptStr(kv, "value");
      if (k.rfind("AWS_BATCH", 0) == 0)
        ThrowClient(
            "Error executing request, Exception : Environment variable names starting with AWS_BATCH are "
            "reserved.");
      auto existing = std::find_if(env_list.begin(), env_list.end(), [&](const json& e) { return e["name"] == k; });
      if (existing != env_list.end()) (*existing)["value"] = v;
      else env_list.push_back({{"name", k}, {"value", v}});
    }
  };
  add_env(cp.value("environment", json::array()));
  add_env(overrides.value("environment", json::array()));
  return env_list;
}

// Logs: awslogs (the default driver) writes to /aws/batch/job unless the
// definition names a group; streams are "<prefix>/default/<task id>".
void ApplyLogConfiguration(const json& cp, JobSpec* spec) {
  if (!cp.contains("logConfiguration") || !cp["logConfiguration"].is_object()) return;
  const json& lc = cp["logConfiguration"];
  if (lc.value("logDriver", "awslogs") == "awslogs" && lc.contains("options") && lc["options"].is_object()) {
    spec->log_group = lc["options"].value("awslogs-group", spec->log_group);
    spec->stream_prefix = lc["options"].value("awslogs-stream-prefix", spec->stream_prefix);
  }
}

// Volumes and mount points.
void ApplyMounts(const json& cp, JobSpec* spec) {
  std::map<std::string, std::string> volumes;  // name -> host path ("" = scratch)
  if (cp.contains("volumes") && cp["volumes"].is_array())
    for (const auto& v : cp["volumes"]) {
      std::string host;
      if (v.contains("host") && v["host"].is_object()) host = OptStr(v["host"], "sourcePath");
      volumes[OptStr(v, "name")] = host;
    }
  if (cp.contains("mountPoints") && cp["mountPoints"].is_array())
    for (const auto& m : cp["mountPoints"]) {
      std::string src = OptStr(m, "sourceVolume");
      auto vit = volumes.find(src);
      if (vit == volumes.end())
        ThrowClient("mountPoints: sourceVolume " + src + " is not one of the job definition's volumes");
      MountSpec ms{vit->second, OptStr(m, "containerPath"), m.value("readOnly", false)};
      if (ms.host_path.empty()) ms.host_path = "@scratch/" + src;  // resolved per attempt
      spec->mounts.push_back(ms);
    }
}

// The container as DescribeJobs shows it.
json ContainerView(const json& cp, const json& overrides, const json& env_list, const JobSpec& spec) {
  json container = cp;
  container.erase("vcpus");
  container.erase("memory");
  container["command"] = spec.command;
  container["environment"] = env_list;
  json rr = json::array({{{"value", FormatVcpus(spec.needs.vcpus)}, {"type", "VCPU"}},
                         {{"value", std::to_string(spec.needs.memory_mib)}, {"type", "MEMORY"}}});
  if (spec.needs.gpus > 0) rr.push_back({{"value", std::to_string(spec.needs.gpus)}, {"type", "GPU"}});
  container["resourceRequirements"] = rr;
  if (overrides.contains("instanceType")) container["instanceType"] = overrides["instanceType"];
  if (!container.contains("volumes")) container["volumes"] = json::array();
  if (!container.contains("mountPoints")) container["mountPoints"] = json::array();
  if (!container.contains("ulimits")) container["ulimits"] = json::array();
  container["networkInterfaces"] = json::array();
  container["secrets"] = container.value("secrets", json::array());
  return container;
}

int ArraySize(const json& in) {
  if (!in.contains("arrayProperties") || !in["arrayProperties"].is_object()) return 0;
  auto s = OptInt(in["arrayProperties"], "size");
  if (!s) return 0;
  if (*s < 2 || *s > 10000) ThrowClient("Array job size must be between 2 and 10000");
  return static_cast<int>(*s);
}

std::vector<JobDependency> Dependencies(const json& in, int size, const SubmitLookups& lookups) {
  std::vector<JobDependency> deps;
  if (!in.contains("dependsOn") || !in["dependsOn"].is_array()) return deps;
  if (in["dependsOn"].size() > 20) ThrowClient("A job can depend on at most 20 jobs");
  for (const auto& d : in["dependsOn"]) {
    std::string id = OptStr(d, "jobId"), type = OptStr(d, "type");
    if (type == "SEQUENTIAL") {
      if (size == 0) ThrowClient("SEQUENTIAL dependencies are only valid for array jobs");
      deps.push_back({"", type});
      continue;
    }
    std::optional<int> dep_size = lookups.job_array_size(id);
    if (!dep_size) ThrowClient("Dependent job ID " + id + " does not exist");
    if (type == "N_TO_N") {
      if (size == 0 || *dep_size != size) ThrowClient("N_TO_N dependencies need two array jobs of the same size");
    } else if (!type.empty()) {
      ThrowClient("dependsOn type must be N_TO_N or SEQUENTIAL");
    }
    deps.push_back({id, type});
  }
  return deps;
}

// The spec from the request and the definition it names; throws EmuError.
void BuildSpec(const json& in, const JobQueue& queue, const JobDefinition& def, const json& overrides, JobSpec* spec) {
  const json cp = def.body.value("containerProperties", json::object());
  spec->queue = queue.name;
  spec->queue_arn = queue.arn;
  spec->job_definition_arn = def.arn;
  spec->job_definition_name = def.name;

  // Parameters: submit-time values over the definition's defaults.
  json params = def.body.value("parameters", json::object());
  for (const auto& [k, v] : OptStrMap(in, "parameters")) params[k] = v;
  spec->parameters = params;
  std::map<std::string, std::string> param_map;
  for (const auto& [k, v] : params.items())
    if (v.is_string()) param_map[k] = v.get<std::string>();
  std::vector<std::string> command =
      overrides.contains("command") ? OptStrList(overrides, "command") : OptStrList(cp, "command");
  spec->command = SubstituteParameters(command, param_map);

  json env_list = MergedEnvironment(cp, overrides);
  for (const auto& e : env_list)
    spec->environment.emplace_back(e["name"].get<std::string>(), e["value"].get<std::string>());

  // Resources: the definition's, then the overrides'. Absent values get
  // 1 vCPU and 2048 MiB (AWS would refuse such a job at submission).
  Resources needs{1, 2048, 0};
  ApplyResources(cp, &needs);
  ApplyResources(overrides, &needs);
  if (needs.vcpus <= 0) ThrowClient("vCPUs must be greater than 0");
  if (needs.memory_mib < 4) ThrowClient("Container memory should be at least 4 MiB");
  if (IsFargateDefinition(def.body)) CheckFargateResources(needs.vcpus, needs.memory_mib, needs.gpus);
  spec->needs = needs;
  spec->share_identifier = OptStr(in, "shareIdentifier");
  spec->scheduling_priority = OptInt(in, "schedulingPriorityOverride").value_or(-1);

  json retry = in.contains("retryStrategy") ? in["retryStrategy"] : def.body.value("retryStrategy", json());
  spec->retry = ParseRetry(retry);
  spec->retry_json = retry;
  // AWS's minimum timeout is 60 s; any positive value is accepted here so
  // that tests of timeouts stay fast.
  json timeout = in.contains("timeout") ? in["timeout"] : def.body.value("timeout", json());
  if (timeout.is_object()) {
    auto secs = OptInt(timeout, "attemptDurationSeconds");
    if (secs && *secs < 1) ThrowClient("timeout.attemptDurationSeconds must be a positive number of seconds");
    spec->timeout_seconds = static_cast<int>(secs.value_or(0));
  }
  spec->propagate_tags = in.value("propagateTags", def.body.value("propagateTags", false));
  json tags = json::object();
  if (spec->propagate_tags && def.body.contains("tags")) tags = def.body["tags"];
  if (in.contains("tags")) CheckTags(in["tags"]);
  for (const auto& [k, v] : OptStrMap(in, "tags")) tags[k] = v;
  CheckTags(tags);
  if (!tags.empty()) spec->tags = tags;
  if (def.body.contains("platformCapabilities")) spec->platform_capabilities = def.body["platformCapabilities"];

  spec->stream_prefix = def.name;
  ApplyLogConfiguration(cp, spec);
  ApplyMounts(cp, spec);
  spec->container_options = ParseContainerOptions(cp);
  spec->container = ContainerView(cp, overrides, env_list, *spec);
  spec->array_size = ArraySize(in);
}

void Plan(const json& in, const SubmitLookups& lookups, SubmitPlan* out) {
  std::string name = ReqStr(in, "jobName");
  CheckJobName(name);
  std::string queue_ref = ReqStr(in, "jobQueue");
  std::string def_ref = ReqStr(in, "jobDefinition");
  json overrides = in.value("containerOverrides", json::object());
  if (!overrides.is_object()) ThrowClient("containerOverrides must be an object");
  if (in.contains("nodeOverrides") && !in["nodeOverrides"].is_null())
    ThrowClient("nodeOverrides apply only to multi-node parallel jobs, which the emulator does not run");

  const JobQueue* queue = lookups.queue(queue_ref);
  if (!queue) ThrowClient("JobQueue " + queue_ref + " not found.");
  if (queue->state != "ENABLED") ThrowClient("Job queue " + queue->name + " is DISABLED and does not accept new jobs.");
  const JobDefinition* def = lookups.job_definition(def_ref);
  if (!def || def->status != "ACTIVE")
    ThrowClient("JobDefinition " + def_ref + " does not exist or is not in ACTIVE status");
  if (def->body.value("type", "container") != "container")
    ThrowClient("Job definition " + def->name + " is of type multinode, which the emulator does not run");
  if (lookups.queue_ce_types)
    CheckQueuePlatform(IsFargateDefinition(def->body), queue->name, lookups.queue_ce_types(*queue));
  CheckFairShare(in, queue->name, queue->scheduling_policy_arn);

  out->spec.name = name;
  BuildSpec(in, *queue, *def, overrides, &out->spec);
  out->deps = Dependencies(in, out->spec.array_size, lookups);
  if (in.contains("dependsOn") && in["dependsOn"].is_array()) out->spec.depends_on = in["dependsOn"];
}

}  // namespace

void ApplyResources(const json& c, Resources* r) {
  if (!c.is_object()) return;
  if (auto v = c.find("vcpus"); v != c.end() && v->is_number()) r->vcpus = v->get<double>();
  if (auto m = c.find("memory"); m != c.end() && m->is_number_integer()) r->memory_mib = m->get<int64_t>();
  if (auto rr = c.find("resourceRequirements"); rr != c.end() && rr->is_array()) {
    for (const auto& e : *rr) {
      std::string type = OptStr(e, "type"), value = OptStr(e, "value");
      char* end = nullptr;
      double num = std::strtod(value.c_str(), &end);
      if (value.empty() || *end != '\0' || num < 0)
        ThrowClient("resourceRequirements: value '" + value + "' for " + type + " is not a number");
      if (type == "VCPU") r->vcpus = num;
      else if (type == "MEMORY") r->memory_mib = static_cast<int64_t>(num);
      else if (type == "GPU") r->gpus = static_cast<int>(num);
      else ThrowClient("resourceRequirements: type must be GPU, VCPU or MEMORY, not '" + type + "'");
    }
  }
}

EmuError PlanSubmitJob(const json& in, const SubmitLookups& lookups, SubmitPlan* out) {
  *out = SubmitPlan();
  try {
    Plan(in, lookups, out);
  } catch (const EmuError& e) {
    return e;
  }
  return EmuError::Ok();
}

}  // namespace awsemu
