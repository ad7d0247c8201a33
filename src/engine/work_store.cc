#include "engine/work_store.h"

#include <filesystem>

#include "engine/container_command.h"
#include "engine/publisher.h"
#include "engine/work_dir.h"
#include "engine/wrapper.h"
#include "util/path.h"
#include "util/text.h"

namespace ferry {

bool IsS3Path(std::string_view p) { return p.size() >= 5 && ToLower(p.substr(0, 5)) == "s3://"; }

std::string WorkPath(std::string_view dir, std::string_view rel) {
  if (!IsS3Path(dir)) return AbsolutePath(dir, rel);
  std::string out(dir);
  while (!out.empty() && out.back() == '/') out.pop_back();
  return out + "/" + NormalizePath(rel);
}

bool HasS3Inputs(const Task& task) {
  for (const auto& in : task.staged)
    if (IsS3Path(in.source)) return true;
  return false;
}

Status LocalWorkStore::Prepare(const Task& task, const Directives& d, const std::string& script) {
  if (d.container.empty() || !containers_.enabled())
    return PrepareWorkDir(task, TaskScriptFile(script), LocalWrapperScript(task, bin_dir_));
  ContainerTask ct{d.container, task.work_dir, task.hash, InputMounts(task), bin_dir_};
  std::string lines;
  Status st = ContainerRunLines(containers_, ct, &lines);
  if (!st.ok()) return Status::Failed("task '" + task.display + "': " + st.message());
  return PrepareWorkDir(task, TaskScriptFile(script), ContainerWrapperScript(task, lines));
}

Status LocalWorkStore::FetchInputs(const Task& task) {
  if (HasS3Inputs(task))
    return Status::Failed("task '" + task.display + "' has inputs on S3 but this run has no S3 access");
  return Status::Ok();
}

Status LocalWorkStore::CheckOutputs(const Task& task, ValueMap* found) { return ::ferry::CheckOutputs(task, found); }

bool LocalWorkStore::CompletedOutputsPresent(const Task& task, ValueMap* found) {
  return ::ferry::CompletedOutputsPresent(task, found);
}

Status LocalWorkStore::Publish(const Task& task, const std::string& dest) { return PublishOutputs(task, dest); }

std::string LocalWorkStore::Tail(const Task& task, const std::string& file, int lines) {
  return TailFile(task.work_dir + "/" + file, lines);
}

void LocalWorkStore::Discard(const Task& task) {
  std::error_code ec;
  std::filesystem::remove_all(task.work_dir, ec);
}

std::string AttemptWorkDir(std::string_view dir, int attempt) {
  return std::string(dir) + "-attempt" + std::to_string(attempt);
}

Status LocalWorkStore::KeepAttempt(const Task& task, int attempt, std::string* kept) {
  const std::string target = AttemptWorkDir(task.work_dir, attempt);
  std::error_code ec;
  // A dir left by an earlier run's attempt of the same task goes first:
  // the newest failure is the one to read.
  std::filesystem::remove_all(target, ec);
  std::filesystem::rename(task.work_dir, target, ec);
  if (ec) {
    *kept = task.work_dir;
    return Status::Failed("cannot keep the work dir of attempt " + std::to_string(attempt) + " (" + task.work_dir +
                          " -> " + target + "): " + ec.message());
  }
  *kept = target;
  return Status::Ok();
}

std::string LocalWorkStore::ExplainFailure(const Task& task, const std::string& why, bool* status_lost) {
  return ExplainWorkDirFailure(task, why, status_lost);
}

std::string LocalWorkStore::InspectHint(const Task& task) {
  return "re-run it by hand: cd " + ShellQuote(task.work_dir) + " && bash .command.run";
}

}  // namespace ferry
