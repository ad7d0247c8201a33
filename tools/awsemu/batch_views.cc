#include "awsemu/batch_views.h"

#include "awsemu/batch_ids.h"

namespace awsemu {

using json = nlohmann::json;

namespace {

// The statusReason AWS gives with each control-plane status.
std::string StatusReason(const std::string& kind, const std::string& status) {
  if (status == "VALID") return kind + " Healthy";
  if (status == "CREATING") return kind + " is being created";
  if (status == "UPDATING") return kind + " is being updated";
  if (status == "DELETING") return kind + " is being deleted";
  return kind + " deleted";
}

}  // namespace

json ComputeEnvView(const ComputeEnv& ce, const std::string& region) {
  json j = {
      {"computeEnvironmentName", ce.name},
      {"computeEnvironmentArn", ce.arn},
      {"ecsClusterArn", "arn:aws:ecs:" + region + ":" + kAccountId + ":cluster/AWSBatch-" + ce.name + "-" + ce.uuid},
      {"tags", ce.tags},
      {"type", ce.type},
      {"state", ce.state},
      {"status", ce.control.status},
      {"statusReason", StatusReason("ComputeEnvironment", ce.control.status)},
      {"uuid", ce.uuid},
      {"containerOrchestrationType", "ECS"},
      {"updatePolicy", {{"terminateJobsOnUpdate", false}, {"jobExecutionTimeoutMinutes", 30}}}};
  if (!ce.compute_resources.is_null()) j["computeResources"] = ce.compute_resources;
  if (ce.type == "UNMANAGED") j["unmanagedvCpus"] = ce.unmanaged_vcpus;
  if (!ce.service_role.empty()) j["serviceRole"] = ce.service_role;
  return j;
}

json QueueView(const JobQueue& q, const std::string& region) {
  json order = json::array();
  for (const auto& [o, name] : q.compute_envs)
    order.push_back({{"order", o}, {"computeEnvironment", BatchArn(region, "compute-environment", name)}});
  json j = {{"jobQueueName", q.name},
            {"jobQueueArn", q.arn},
            {"state", q.state},
            {"status", q.control.status},
            {"statusReason", StatusReason("JobQueue", q.control.status)},
            {"priority", q.priority},
            {"computeEnvironmentOrder", order},
            {"tags", q.tags}};
  if (!q.scheduling_policy_arn.empty()) j["schedulingPolicyArn"] = q.scheduling_policy_arn;
  return j;
}

json JobDefinitionView(const JobDefinition& d) {
  json j = d.body;
  j["status"] = d.status;
  return j;
}

json JobView(const Job& job, const std::string& region) {
  const JobSpec& spec = *job.spec;
  json container = spec.container;
  const Attempt* last = job.attempts.empty() ? nullptr : &job.attempts.back();
  auto task_arn = [&](const Attempt& a) {
    return "arn:aws:ecs:" + region + ":" + kAccountId + ":task/AWSBatch-" + a.compute_env + "/" + a.task_id;
  };
  auto instance_arn = [&](const Attempt& a) {
    return "arn:aws:ecs:" + region + ":" + kAccountId + ":container-instance/" + a.instance_id;
  };
  if (last) {
    container["logStreamName"] = last->log_stream;
    container["taskArn"] = task_arn(*last);
    container["containerInstanceArn"] = instance_arn(*last);
    if (last->stopped_at) {
      if (last->exit_code) container["exitCode"] = *last->exit_code;
      if (!last->reason.empty()) container["reason"] = last->reason;
    }
  }
  json attempts = json::array();
  for (const Attempt& a : job.attempts) {
    if (!a.stopped_at) continue;  // only finished attempts are listed
    json c = {{"containerInstanceArn", instance_arn(a)},
              {"taskArn", task_arn(a)},
              {"logStreamName", a.log_stream},
              {"networkInterfaces", json::array()}};
    if (a.exit_code) c["exitCode"] = *a.exit_code;
    if (!a.reason.empty()) c["reason"] = a.reason;
    attempts.push_back({{"container", c},
                        {"startedAt", a.started_at},
                        {"stoppedAt", a.stopped_at},
                        {"statusReason", a.status_reason}});
  }
  json j = {{"jobArn", BatchArn(region, "job", job.id)},
            {"jobName", spec.name},
            {"jobId", job.id},
            {"jobQueue", spec.queue_arn},
            {"status", job.status},
            {"attempts", attempts},
            {"createdAt", job.created_at},
            {"dependsOn", spec.depends_on},
            {"jobDefinition", spec.job_definition_arn},
            {"parameters", spec.parameters},
            {"container", container},
            {"propagateTags", spec.propagate_tags},
            {"platformCapabilities", spec.platform_capabilities.is_null() ? json::array() : spec.platform_capabilities},
            {"eksAttempts", json::array()}};
  if (!job.status_reason.empty()) j["statusReason"] = job.status_reason;
  if (job.started_at) j["startedAt"] = job.started_at;
  if (job.stopped_at) j["stoppedAt"] = job.stopped_at;
  if (!spec.retry_json.is_null()) j["retryStrategy"] = spec.retry_json;
  if (spec.timeout_seconds) j["timeout"] = {{"attemptDurationSeconds", spec.timeout_seconds}};
  if (!job.tags.is_null()) j["tags"] = job.tags;
  if (!spec.share_identifier.empty()) j["shareIdentifier"] = spec.share_identifier;
  if (spec.scheduling_priority >= 0) j["schedulingPriority"] = spec.scheduling_priority;
  if (!job.children.empty()) {
    json summary = json::object();
    for (const char* s : kJobStatuses) summary[s] = 0;
    for (const Job* c : job.children) summary[c->status] = summary[c->status].get<int>() + 1;
    j["arrayProperties"] = {{"statusSummary", summary}, {"size", static_cast<int>(job.children.size())}};
  } else if (job.parent) {
    j["arrayProperties"] = {{"index", job.index}};
  }
  return j;
}

json JobSummaryView(const Job& job, const std::string& region) {
  json j = {{"jobArn", BatchArn(region, "job", job.id)},
            {"jobId", job.id},
            {"jobName", job.spec->name},
            {"createdAt", job.created_at},
            {"status", job.status},
            {"jobDefinition", job.spec->job_definition_arn}};
  if (!job.status_reason.empty()) j["statusReason"] = job.status_reason;
  if (job.started_at) j["startedAt"] = job.started_at;
  if (job.stopped_at) j["stoppedAt"] = job.stopped_at;
  if (!job.attempts.empty() && job.attempts.back().stopped_at) {
    json c = json::object();
    if (job.attempts.back().exit_code) c["exitCode"] = *job.attempts.back().exit_code;
    if (!job.attempts.back().reason.empty()) c["reason"] = job.attempts.back().reason;
    j["container"] = c;
  }
  if (!job.children.empty()) j["arrayProperties"] = {{"size", static_cast<int>(job.children.size())}};
  else if (job.parent) j["arrayProperties"] = {{"index", job.index}};
  return j;
}

}  // namespace awsemu
