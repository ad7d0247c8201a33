#include "awsbatch/job_diagnosis.h"

#include "executor/usage_report.h"
#include "util/text.h"
#include "util/units.h"

namespace ferry {

namespace {
std::string Str(const nlohmann::json& j, const char* key) {
  if (!j.is_object()) return "";
  auto it = j.find(key);
  return it != j.end() && it->is_string() ? it->get<std::string>() : "";
}

// Where the user sets the job's image: a `ferry run` task's `container`, a
// `ferry build` job's definition (and the setting that named it).
std::string ImageSetting(const JobSource& source) {
  if (source.build_definition.empty()) return "the task's `container` (or the job definition)";
  const std::string& origin = source.definition_origin;
  std::string m = "the `image` of job definition '" + source.build_definition + "'";
  if (origin == "default") return m + " (ferry build's default)";
  return origin.empty() ? m : m + " (named by " + origin + ")";
}
}  // namespace

bool IsTerminalStatus(const std::string& status) { return status == "SUCCEEDED" || status == "FAILED"; }

int CountSpotRetries(const nlohmann::json& job) {
  int n = 0;
  auto it = job.find("attempts");
  if (it == job.end() || !it->is_array()) return 0;
  for (const auto& a : *it)
    if (Str(a, "statusReason").rfind("Host EC2", 0) == 0) n++;
  return n;
}

std::string LogStreamOf(const nlohmann::json& job) {
  if (job.contains("container")) {
    std::string s = Str(job["container"], "logStreamName");
    if (!s.empty()) return s;
  }
  if (job.contains("attempts") && job["attempts"].is_array() && !job["attempts"].empty()) {
    const auto& last = job["attempts"].back();
    if (last.contains("container")) return Str(last["container"], "logStreamName");
  }
  return "";
}

std::string StartFailureCause(const nlohmann::json& job, const std::vector<std::string>& log_lines,
                              const JobSource& source) {
  const nlohmann::json container = job.contains("container") ? job["container"] : nlohmann::json::object();
  const std::string& cli = source.cli;
  const bool build = !source.build_definition.empty();
  std::string reason = Str(container, "reason");
  std::string status_reason = Str(job, "statusReason");
  if (StartsWith(status_reason, "CannotPullContainerError") || StartsWith(reason, "CannotPullContainerError")) {
    std::string image = Str(container, "image");
    std::string named = image.empty() ? std::string("the job's container image") : "the image '" + image + "'";
    std::string m =
        named + " could not be pulled (CannotPullContainerError): check that it exists with that name and tag (" +
        (image.empty() ? std::string("docker manifest inspect IMAGE") : "docker manifest inspect " + image) +
        ", or aws ecr describe-images for an ECR repository), that the compute environment can reach its "
        "registry and, for a private registry, that the instance role may pull from it; then fix " +
        ImageSetting(source);
    if (build)
      m += ": register a revision of the definition with an image that exists (docs/build.md, Job definition), or "
           "name another definition with --aws-batch-job or build.jobDefinition";
    return m;
  }
  // Docker's and podman's words for a container whose first program is not
  // in the image: exec: "PROGRAM": executable file not found / no such file.
  size_t exec = reason.find("exec: \"");
  if (StartsWith(reason, "CannotStartContainerError") && exec != std::string::npos) {
    size_t start = exec + 7, end = reason.find('"', start);
    std::string program = reason.substr(start, end == std::string::npos ? std::string::npos : end - start);
    if (program == "sh")
      return "the image has no sh: ferry's job command runs `sh -c ...`, so the image must have a POSIX shell on "
             "its PATH (busybox's is enough); use an image with /bin/sh or add it to the image" +
             (build ? " (" + ImageSetting(source) + ")" : std::string());
    return "the image has no program '" + program +
           "' (or cannot run it): it is the first thing the container runs, most likely the image's entrypoint "
           "(check it with `docker image inspect`); the entrypoint must exist in the image and run the command it "
           "is given";
  }
  // The shell's words (dash's, busybox's, bash's) when the CLI is missing, or cannot run (a dynamic binary
  // without its libraries also ends in "No such file or directory").
  for (const std::string& line : log_lines) {
    if (line.find(cli) == std::string::npos) continue;
    if (line.find("No such file or directory") == std::string::npos && line.find("not found") == std::string::npos &&
        line.find("cannot execute") == std::string::npos)
      continue;
    if (cli.empty() || cli[0] != '/')
      return "the AWS CLI '" + cli +
             "' does not run in the container: the image has no working `aws` on its PATH; install it in the "
             "image, or " +
             (build
                  ? "name ferry-job on a volume of job definition '" + source.build_definition +
                        "' with --aws-batch-cli (docs/build.md)"
                  : std::string("set aws.batch.cliPath to ferry-job installed on the job's host (docs/aws-batch.md)"));
    if (build)
      return "the CLI '" + cli +
             "' (--aws-batch-cli) does not run in the container: it must be in the image, or on a host volume that "
             "job definition '" +
             source.build_definition +
             "' mounts at that path; use the static ferry-job binary, which needs nothing from the image (a "
             "dynamically linked CLI fails like this in an image without its libraries)";
    return "the CLI '" + cli +
           "' (aws.batch.cliPath) does not run in the container: ferry mounts its install dir, two levels up, from "
           "the job's host, so it must be installed there on the compute environment's AMI; use the static "
           "ferry-job binary, which needs nothing from the image (a dynamically linked CLI fails like this in an "
           "image without its libraries)";
  }
  return "";
}

std::string UnknownFailureMessage(const nlohmann::json& job, const std::string& log_group,
                                  const std::vector<std::string>& log_lines, const std::string& log_note,
                                  const JobSource& source) {
  std::string cause = StartFailureCause(job, log_lines, source);
  std::string m = "AWS Batch job " + Str(job, "jobId") +
                  (cause.empty() ? " terminated for an unknown reason (the task left no .exitcode)"
                                 : " failed before its task ran: " + cause);
  std::string reason = Str(job, "statusReason");
  m += "\n  Batch status reason: " + (reason.empty() ? std::string("(none)") : reason);
  std::string container_reason = job.contains("container") ? Str(job["container"], "reason") : "";
  if (!container_reason.empty()) m += "\n  container reason: " + container_reason;
  if (job.contains("container") && job["container"].contains("exitCode") &&
      job["container"]["exitCode"].is_number_integer())
    m += "\n  container exit code: " + std::to_string(job["container"]["exitCode"].get<int>());
  std::string stream = LogStreamOf(job);
  if (!log_lines.empty()) {
    m += "\n  last lines of its log (" + log_group + " / " + stream + "):";
    for (const auto& l : log_lines) m += "\n    " + l;
  } else {
    m += "\n  log (" + log_group + (stream.empty() ? "" : " / " + stream) +
         "): " + (log_note.empty() ? std::string("empty") : log_note);
  }
  if (reason.rfind("Host EC2", 0) == 0) {
    int lost = CountSpotRetries(job);
    m += "\n  the job's host was terminated (e.g. a spot instance reclaimed) on " + std::to_string(lost) + " attempt" +
         (lost == 1 ? "" : "s") + ": raise aws.batch.maxSpotAttempts so Batch retries it more often, or let the " +
         "process's errorStrategy retry it";
    return m;
  }
  // Nothing ran: neither the entrypoint nor the CLI is a suspect.
  if (StartsWith(reason, "CannotPullContainerError") || StartsWith(container_reason, "CannotPullContainerError"))
    return m;
  m += std::string(cause.empty() ? "\n  usual causes" : "\n  other usual causes") +
       ": the container image's entrypoint does not run the command it is given (it must run"
       " `sh -c ...` as passed), or the AWS CLI '" +
       source.cli +
       "' does not run in the container (install it in the image, or set aws.batch.cliPath to a CLI"
       " mounted from the host)";
  return m;
}

std::string RanNothingMessage(const nlohmann::json& job, const JobSource& source, const std::string& evidence) {
  std::string image = job.contains("container") ? Str(job["container"], "image") : "";
  std::string named = image.empty() ? std::string("the job's image") : "the image '" + image + "'";
  const bool build = !source.build_definition.empty();
  return "AWS Batch job " + Str(job, "jobId") + " SUCCEEDED but ran nothing: " + evidence +
         ".\n  Likely cause: the entrypoint of " + named +
         " runs a program of its own and drops the command it is given (ferry's `sh -c ...`), so the container "
         "exited 0 having done nothing. Nextflow reports this case as \"terminated for an unknown reason\"."
         "\n  Fix: set " +
         ImageSetting(source) +
         " to an image whose entrypoint runs the command it is given (a script ending in `exec \"$@\"`) or that "
         "has none (rebuild it with `ENTRYPOINT []`); `docker image inspect --format '{{json .Config.Entrypoint}}' " +
         (image.empty() ? std::string("IMAGE") : image) +
         "` shows the entrypoint."
         "\n  If the entrypoint is not it: check the job definition's command and environment (a PATH whose `sh` is "
         "not a shell does the same) and that the S3 CLI '" +
         source.cli + "' runs in the container (" + (build ? "--aws-batch-cli" : "aws.batch.cliPath") + ")";
}

bool IsWaitingStatus(const std::string& status) {
  return status == "SUBMITTED" || status == "PENDING" || status == "RUNNABLE";
}

std::string RunnableWarning(const std::string& task, const nlohmann::json& job, const std::string& queue, int cpus,
                            int64_t memory_bytes, int64_t waited_ms) {
  std::string status = Str(job, "status");
  if (status.empty()) status = "RUNNABLE";
  std::string m = "task " + task + " (AWS Batch job " + Str(job, "jobId") + ") has been " + status + " for " +
                  FormatDuration(waited_ms) + " in queue '" + queue + "', asking for " + std::to_string(cpus) +
                  " vCPU" + (cpus == 1 ? "" : "s");
  if (memory_bytes > 0) m += " and " + std::to_string(memory_bytes >> 20) + " MiB of memory";
  std::string reason = Str(job, "statusReason");
  m += reason.empty() ? std::string("; Batch gives no reason") : "; Batch says: " + reason;
  if (status == "RUNNABLE")
    m += ". Check that a compute environment of the queue can run it: its maximum vCPUs and instance types must"
         " fit the request, and it must be ENABLED and VALID";
  else
    m += ". Batch has not even queued it for a compute environment: check that the queue is ENABLED and VALID,"
         " that it has a compute environment attached, and that the job does not depend on a job that never ends";
  return m;
}

TaskUsage JobUsage(const nlohmann::json& job, const std::string& report) {
  TaskUsage u;
  std::string measured_by;
  if (ParseUsageReport(report, &u, &measured_by) && measured_by != Str(job, "jobId")) u = TaskUsage{};
  auto millis = [&](const char* key) {
    auto it = job.find(key);
    return it != job.end() && it->is_number_integer() ? it->get<int64_t>() : 0;
  };
  int64_t created = millis("createdAt"), started = millis("startedAt");
  if (created > 0 && started >= created) u.queue_ms = started - created;
  if (u.instance_type.empty() && job.contains("container")) u.instance_type = Str(job["container"], "instanceType");
  return u;
}

}  // namespace ferry
