#include "awsbatch/job_request.h"

#include <algorithm>
#include <cctype>
#include <map>

#include "awsbatch/fargate.h"
#include "awsbatch/job_tags.h"

namespace ferry {

std::string BatchJobName(const std::string& process) {
  std::string out;
  for (unsigned char c : process) {
    if (std::isalnum(c) || c == '-' || c == '_') out += static_cast<char>(c);
    else if (!out.empty() && out.back() != '_') out += '_';
  }
  while (!out.empty() && !std::isalnum(static_cast<unsigned char>(out[0]))) out.erase(0, 1);
  if (out.empty()) out = "ferry-task";
  if (out.size() > 128) out.resize(128);
  return out;
}

std::string TaskJobName(const std::string& process, const std::string& run_name, const std::string& hash, int attempt) {
  std::string base = BatchJobName(process);
  if (run_name.empty()) return base;
  // The run name goes through the same character rule (the hash is hex);
  // only the process part and the front of a very long run name are cut,
  // so the hash and attempt that identify the task attempt are never lost.
  std::string run = BatchJobName(run_name);
  if (run.size() > 80) run.erase(0, run.size() - 80);
  std::string suffix = run + "-" + hash.substr(0, 12) + "-" + std::to_string(attempt);
  if (base.size() + 1 + suffix.size() > 128) base.resize(128 - 1 - suffix.size());
  return base + "-" + suffix;
}

nlohmann::json SubmitJobRequest(const TaskRun& run, const std::string& job_definition,
                                const std::vector<std::string>& command, const SubmitSettings& s, int array_size) {
  nlohmann::json resources = nlohmann::json::array();
  FargateSize size;
  if (s.fargate && FargateSizeFor(std::max(1, run.cpus), run.memory_bytes, &size).ok()) {
    // (A size Fargate lacks was refused before submitting: CheckFargateTask.)
    resources.push_back({{"type", "VCPU"}, {"value", std::to_string(size.vcpus)}});
    resources.push_back({{"type", "MEMORY"}, {"value", std::to_string(size.memory_mib)}});
  } else {
    resources.push_back({{"type", "VCPU"}, {"value", std::to_string(std::max(1, run.cpus))}});
    if (run.memory_bytes > 0) {
      int64_t mib = std::max<int64_t>(4, (run.memory_bytes + (1 << 20) - 1) >> 20);
      resources.push_back({{"type", "MEMORY"}, {"value", std::to_string(mib)}});
    }
  }
  if (run.accelerators > 0) resources.push_back({{"type", "GPU"}, {"value", std::to_string(run.accelerators)}});
  nlohmann::json env = nlohmann::json::array();
  if (!s.retry_mode.empty() && s.retry_mode != "built-in")
    env.push_back({{"name", "AWS_RETRY_MODE"}, {"value", s.retry_mode}});
  // The CLI's own retries absorb S3 throttling and errors inside the job;
  // the wrapper's transfer attempts come on top.
  env.push_back({{"name", "AWS_MAX_ATTEMPTS"}, {"value", std::to_string(std::max(8, s.max_transfer_attempts))}});
  env.push_back({{"name", "AWS_METADATA_SERVICE_NUM_ATTEMPTS"}, {"value", "5"}});
  nlohmann::json req = {
      {"jobName", TaskJobName(run.process.empty() ? run.name : run.process, s.run_name, run.hash, run.attempt)},
      {"jobQueue", run.queue},
      {"jobDefinition", job_definition},
      {"containerOverrides", {{"command", command}, {"resourceRequirements", resources}, {"environment", env}}}};
  if (run.time_limit_ms > 0)
    req["timeout"] = {{"attemptDurationSeconds", std::max<int64_t>(60, (run.time_limit_ms + 999) / 1000)}};
  if (s.max_spot_attempts > 0)
    req["retryStrategy"] = {
        {"attempts", s.max_spot_attempts},
        {"evaluateOnExit",
         {{{"onStatusReason", "Host EC2*"}, {"action", "RETRY"}}, {{"onReason", "*"}, {"action", "EXIT"}}}}};
  if (array_size > 1) req["arrayProperties"] = {{"size", array_size}};
  if (!s.share_identifier.empty()) req["shareIdentifier"] = s.share_identifier;
  if (s.scheduling_priority >= 0) req["schedulingPriorityOverride"] = s.scheduling_priority;
  req["tags"] = JobTags(s.run_name, run.process.empty() ? run.name : run.process, s.pipeline, run.resource_labels);
  req["propagateTags"] = true;
  return req;
}

std::vector<std::vector<size_t>> GroupJobs(const std::vector<const TaskRun*>& runs) {
  std::vector<std::vector<size_t>> jobs;
  std::map<std::string, size_t> open;  // array key -> index of its group being filled
  for (size_t i = 0; i < runs.size(); i++) {
    const TaskRun& r = *runs[i];
    if (r.array_key.empty() || r.array_size < 2) {
      jobs.push_back({i});
      continue;
    }
    // Children of one array job share every setting of the parent.
    std::string key = r.array_key + '\n' + r.queue + '\n' + r.container + '\n' + std::to_string(r.cpus) + '\n' +
                      std::to_string(r.memory_bytes) + '\n' + std::to_string(r.time_limit_ms) + '\n' +
                      std::to_string(r.accelerators) + '\n' + std::to_string(r.disk_bytes);
    for (const auto& [k, v] : r.resource_labels) key += '\n' + k + '=' + v;
    auto it = open.find(key);
    if (it == open.end() || jobs[it->second].size() >= static_cast<size_t>(std::min(r.array_size, 10000))) {
      open[key] = jobs.size();
      jobs.push_back({i});
    } else {
      jobs[it->second].push_back(i);
    }
  }
  return jobs;
}

}  // namespace ferry
