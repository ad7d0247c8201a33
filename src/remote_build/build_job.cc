#include "remote_build/build_job.h"

#include <cctype>
#include <cstdio>

namespace ferry::remote_build {

using nlohmann::json;

json SubmitJobRequest(const SubmitSpec& spec) {
  json command = json::array({"sh", "-c", spec.script, "sh"});
  for (const auto& a : spec.workflow) command.push_back(a);
  json env = json::array();
  for (const auto& [k, v] : spec.environment) env.push_back({{"name", k}, {"value", v}});
  json overrides = {{"command", command}, {"environment", env}};
  json resources = json::array();
  if (spec.cpus > 0) resources.push_back({{"type", "VCPU"}, {"value", std::to_string(spec.cpus)}});
  if (spec.memory_mib > 0) resources.push_back({{"type", "MEMORY"}, {"value", std::to_string(spec.memory_mib)}});
  if (!resources.empty()) overrides["resourceRequirements"] = resources;
  return {{"jobName", spec.job_name},
          {"jobQueue", spec.queue},
          {"jobDefinition", spec.job_definition},
          {"containerOverrides", overrides}};
}

std::string JobNameFor(const std::string& abs_dir) {
  std::string base = abs_dir;
  while (base.size() > 1 && base.back() == '/') base.pop_back();
  auto slash = base.rfind('/');
  if (slash != std::string::npos) base = base.substr(slash + 1);
  std::string name = "ferry-build-";
  for (char c : base) {
    bool ok = std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_';
    name += ok ? c : '-';
  }
  if (name.size() > 128) name.resize(128);  // Batch's limit
  return name;
}

JobState ParseJobState(const json& j) {
  JobState s;
  if (!j.is_object()) return s;
  s.described = j;
  auto str = [](const json& o, const char* k) {
    auto it = o.find(k);
    return it != o.end() && it->is_string() ? it->get<std::string>() : std::string();
  };
  auto num = [](const json& o, const char* k) -> int64_t {
    auto it = o.find(k);
    return it != o.end() && it->is_number() ? it->get<int64_t>() : 0;
  };
  s.job_id = str(j, "jobId");
  s.status = str(j, "status");
  s.status_reason = str(j, "statusReason");
  s.queue = str(j, "jobQueue");
  s.created_ms = num(j, "createdAt");
  s.started_ms = num(j, "startedAt");
  s.stopped_ms = num(j, "stoppedAt");
  auto c = j.find("container");
  if (c != j.end() && c->is_object()) {
    s.log_stream = str(*c, "logStreamName");
    s.container_reason = str(*c, "reason");
    auto ec = c->find("exitCode");
    if (ec != c->end() && ec->is_number_integer()) s.exit_code = ec->get<int>();
    auto env = c->find("environment");
    if (env != c->end() && env->is_array())
      for (const auto& e : *env) {
        if (!e.is_object()) continue;
        if (str(e, "name") == kTreeUrlVariable) s.tree_url = str(e, "value");
        if (str(e, "name") == kCredentialsUrlVariable) s.credentials_url = str(e, "value");
      }
    auto rr = c->find("resourceRequirements");
    if (rr != c->end() && rr->is_array())
      for (const auto& r : *rr) {
        if (!r.is_object()) continue;
        if (str(r, "type") == "VCPU") s.vcpus = str(r, "value");
        if (str(r, "type") == "MEMORY") s.memory_mib = str(r, "value");
      }
  }
  return s;
}

bool IsTerminal(const std::string& status) { return status == "SUCCEEDED" || status == "FAILED"; }

std::vector<std::string> StatusChangeLines(const std::string& last_status, const JobState& job) {
  std::vector<std::string> lines;
  if (job.status == last_status) return lines;
  std::string last = last_status;
  if (!last.empty() && last != "RUNNING" && IsTerminal(job.status) && job.started_ms > 0) {
    lines.push_back("Job now RUNNING");
    last = "RUNNING";
  }
  lines.push_back((last.empty() ? "Job is " : "Job now ") + job.status);
  return lines;
}

std::string EndReport(const JobState& job) {
  int64_t from = job.started_ms ? job.started_ms : job.created_ms;
  double minutes = (job.stopped_ms > from && from > 0) ? (job.stopped_ms - from) / 60000.0 : 0.0;
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.1f", minutes);
  std::string out = "Job " + job.status + " after " + buf + " minutes";
  std::string reason = job.status_reason;
  // Batch's generic wording says nothing; the exit code does.
  if (reason == "Essential container in task exited" && job.exit_code)
    reason = "exited " + std::to_string(*job.exit_code);
  // A failed pull is both reasons, word for word: say it once.
  if (!job.container_reason.empty() && job.container_reason != reason)
    reason = job.container_reason + (reason.empty() ? "" : ", " + reason);
  if (!reason.empty() && job.status != "SUCCEEDED") out += " (" + reason + ")";
  return out;
}

int ExitCodeFor(const JobState& job) {
  if (job.exit_code) return *job.exit_code;
  return job.status == "FAILED" ? 1 : 0;
}

bool LocationFromTreeUrl(const std::string& url, RemoteLocation* out) {
  const std::string scheme = "s3://", tree = "/tree/", marker = "ferry-build/";
  if (url.compare(0, scheme.size(), scheme) != 0) return false;
  std::string rest = url.substr(scheme.size());
  auto slash = rest.find('/');
  if (slash == std::string::npos || slash == 0) return false;
  std::string key = rest.substr(slash + 1);
  if (key.size() < tree.size() || key.compare(key.size() - tree.size(), tree.size(), tree) != 0) return false;
  key.resize(key.size() - tree.size());  // PREFIX/ferry-build/ID
  auto m = key.rfind(marker);
  if (m == std::string::npos || (m > 0 && key[m - 1] != '/')) return false;
  out->bucket = rest.substr(0, slash);
  out->prefix = key.substr(0, m);
  out->dir_id = key.substr(m + marker.size());
  return !out->dir_id.empty() && out->dir_id.find('/') == std::string::npos;
}

}  // namespace ferry::remote_build
