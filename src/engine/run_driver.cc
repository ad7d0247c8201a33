#include "engine/run_driver.h"

#include <algorithm>
#include <filesystem>

#include "engine/publisher.h"
#include "engine/work_dir.h"
#include "engine/wrapper.h"
#include "util/clock_text.h"
#include "util/interrupt.h"
#include "util/text.h"
#include "util/units.h"

namespace ferry {

namespace fs = std::filesystem;

namespace {
std::string Indent(const std::string& text, const std::string& pad) {
  std::string out;
  size_t start = 0;
  while (start < text.size()) {
    size_t nl = text.find('\n', start);
    std::string line = text.substr(start, nl == std::string::npos ? std::string::npos : nl - start);
    out += pad + line + "\n";
    if (nl == std::string::npos) break;
    start = nl + 1;
  }
  return out;
}
}  // namespace

RunDriver::RunDriver(TaskGraph* graph, Expander* expander, std::map<std::string, ExecutorSlot> executors,
                     History* history, RunObserver* observer, RunOptions opts)
    : graph_(graph),
      expander_(expander),
      executors_(std::move(executors)),
      history_(history),
      observer_(observer ? observer : &quiet_),
      opts_(std::move(opts)) {
  local_store_.set_containers(opts_.containers);
  local_store_.set_bin_dir(opts_.bin_dir);
}

RunState RunEndState(const Status& result) {
  if (result.ok()) return RunState::kOk;
  return result.kind() == Status::Kind::kInterrupted ? RunState::kAborted : RunState::kFailed;
}

Status RunDriver::Validate() const {
  for (const auto& t : graph_->tasks) FERRY_RETURN_IF_ERROR(ValidateTask(t));
  return Status::Ok();
}

Status RunDriver::ValidateTask(const Task& t) const {
  const Directives& d = t.directives;
  auto it = executors_.find(d.executor);
  if (it == executors_.end()) {
    std::vector<std::string> names;
    for (const auto& [n, s] : executors_) names.push_back(n);
    return Status::Invalid(t.spec->loc.ToString() + ": task '" + t.display + "' uses executor '" + d.executor +
                           "', which this ferry cannot run" + DidYouMean(d.executor, names) +
                           " (available: " + Join(names, ", ") + ")");
  }
  if (it->second.max_running > 0) return Status::Ok();  // the remote service's capacity decides
  if (d.cpus > it->second.cpus)
    return Status::Invalid(t.spec->loc.ToString() + ": task '" + t.display + "' asks for " + std::to_string(d.cpus) +
                           " cpus but the " + d.executor + " executor has " + std::to_string(it->second.cpus) +
                           " (lower the task's cpus, or raise executor.cpus in ferry.config)");
  if (it->second.memory_bytes && d.memory_bytes > it->second.memory_bytes)
    return Status::Invalid(t.spec->loc.ToString() + ": task '" + t.display + "' asks for " +
                           FormatMemory(d.memory_bytes) + " of memory but the " + d.executor + " executor has " +
                           FormatMemory(it->second.memory_bytes) +
                           " (lower the task's memory, or raise executor.memory in ferry.config)");
  if (opts_.publish_guard && !d.publish.empty() && !IsS3Path(d.publish)) {
    const std::string dir = LocalPublishDir(d.publish);
    // (A late output's files are checked when they are published.)
    for (const auto& rel : t.OutputPaths()) {
      Status st = opts_.publish_guard->Check((fs::path(dir) / rel).string());
      if (!st.ok()) return Status::Invalid(t.spec->loc.ToString() + ": task '" + t.display + "': " + st.message());
    }
  }
  return Status::Ok();
}

void RunDriver::ApplyFound(Task* t, ValueMap* found) {
  for (auto& [name, v] : *found) t->outputs.Set(name, std::move(v));
}

std::string RunDriver::LocalPublishDir(const std::string& publish) const {
  return (fs::path(opts_.launch_dir) / publish).lexically_normal().string();
}

TaskRun RunDriver::MakeRun(const Task& t, const Directives& d, const std::string& script, bool with_files) const {
  TaskRun run;
  run.id = t.id();
  run.name = t.display;
  run.work_dir = t.work_dir;
  run.cpus = d.cpus;
  run.memory_bytes = d.memory_bytes;
  run.time_limit_ms = d.time_ms;
  run.container = d.container;
  run.queue = d.queue;
  run.accelerators = d.accelerator;
  run.disk_bytes = d.disk_bytes;
  run.resource_labels = d.resource_labels;
  run.cluster_options = d.cluster_options;
  run.env = opts_.env;
  run.process = t.spec->name;
  run.hash = t.hash;
  if (with_files) {
    run.script = TaskScriptFile(script);
    run.inputs.reserve(t.staged.size());
    for (const auto& in : t.staged) run.inputs.emplace_back(in.source, in.name);
    if (!t.spec->late_outputs) {
      run.outputs = t.OutputPaths();
    } else {
      for (const auto& [name, v] : t.outputs) {
        const OutputDecl& decl = t.spec->FindOutputDecl(name);
        if (!decl.late()) {
          for (const auto& rel : OutputPaths(v)) run.outputs.push_back(rel);
        } else if (v.is_list()) {
          for (const auto& e : v.as_list()) run.late_outputs.push_back({name, e.ToString(), false});
        } else if (v.is_string()) {
          run.late_outputs.push_back({name, v.as_string(), decl.pattern});
        }
      }
    }
  }
  if (d.array > 0 && t.item_index >= 0) {
    run.array_key = t.spec->name;
    run.array_size = d.array;
  }
  return run;
}

Status RunDriver::Preflight() {
  std::map<std::string, std::vector<TaskRun>> planned;
  for (const auto& t : graph_->tasks)
    planned[t.directives.executor].push_back(MakeRun(t, t.directives, t.script, false));
  // Steps made later are checked by what their directives are expected to be.
  for (const auto& t : graph_->later)
    planned[t.directives.executor].push_back(MakeRun(t, t.directives, t.script, false));
  for (auto& [name, runs] : planned) {
    auto it = executors_.find(name);
    if (it == executors_.end() || !it->second.executor) continue;  // Validate() reports it
    FERRY_RETURN_IF_ERROR(it->second.executor->Preflight(runs));
  }
  return Status::Ok();
}

WorkStore* RunDriver::StoreFor(const Task& t) {
  if (IsS3Path(t.work_dir) && opts_.s3_store) return opts_.s3_store;
  return &local_store_;
}

Status RunDriver::PrepareTask(const Task& t, const Directives& d, const std::string& script) {
  // A job of a killed run still writes this dir; emptying it would lose its work.
  if (const Executor* ex = executors_.at(d.executor).executor; ex && ex->WillAdopt(t.hash, t.work_dir))
    return Status::Ok();
  WorkStore* store = StoreFor(t);
  FERRY_RETURN_IF_ERROR(store->Prepare(t, d, script));
  // A local task reading outputs of tasks that ran on S3: download them.
  if (store == &local_store_ && HasS3Inputs(t)) {
    if (!opts_.s3_store)
      return Status::Failed("task '" + t.display + "' has inputs on S3 but this run has no S3 access");
    FERRY_RETURN_IF_ERROR(opts_.s3_store->FetchInputs(t));
  }
  return Status::Ok();
}

Status RunDriver::PublishTask(const Task& t, const std::string& publish) {
  std::string dest = IsS3Path(publish) ? publish : LocalPublishDir(publish);
  if (opts_.publish_guard && !IsS3Path(dest)) {
    // Checked again here: a retry may render another publish dir, and a
    // symlink may have appeared since the run started.
    for (const auto& rel : t.OutputPaths())
      FERRY_RETURN_IF_ERROR(opts_.publish_guard->Check((fs::path(dest) / rel).string()));
  }
  if (IsS3Path(dest) || IsS3Path(t.work_dir)) {
    if (!opts_.s3_store)
      return Status::Failed("cannot publish task '" + t.display + "' to " + dest + ": this run has no S3 access");
    return opts_.s3_store->Publish(t, dest);
  }
  return local_store_.Publish(t, dest);
}

void RunDriver::Emit(uint32_t idx, TaskState state, const TaskResult* r, const std::string& reason,
                     const std::string* work_dir) {
  const Task& t = graph_->tasks[idx];
  const Attempt& s = state_[idx];
  TaskEvent e;
  e.state = state;
  e.index = idx;
  e.task_id = t.id();
  e.process = t.spec->name;
  e.name = t.display;
  e.hash = t.hash;
  e.hash_prefix = t.hash_prefix();
  e.executor = s.directives.executor;
  e.work_dir = work_dir ? *work_dir : t.work_dir;
  e.attempt = s.attempt;
  e.cpus = s.directives.cpus;
  e.memory_bytes = s.directives.memory_bytes;
  e.submit_ms = s.submit_ms;
  e.reason = reason;
  if (state == TaskState::kCached) e.exit_code = 0;
  if (r) {
    e.native_id = r->native_id;
    e.exit_code = r->exit_code;
    if (r->submit_ms) e.submit_ms = r->submit_ms;
    e.start_ms = r->start_ms;
    e.end_ms = r->end_ms ? r->end_ms : NowMs();
    e.spot_retries = r->spot_retries;
    e.usage = r->usage;
  }
  Dispatch(observer_, e);
}

bool RunDriver::TryCached(uint32_t idx) {
  if (state_[idx].cache_checked) return false;
  state_[idx].cache_checked = true;
  if (!opts_.resume || !history_) return false;
  const Task& t = graph_->tasks[idx];
  TaskRecord prev;
  bool found = false;
  if (!history_->FindSuccess(t.hash, &prev, &found).ok() || !found) return false;
  ValueMap left;  // what it left of its late outputs
  if (!StoreFor(t)->CompletedOutputsPresent(t, &left)) return false;
  ApplyFound(&graph_->tasks[idx], &left);
  state_[idx].directives = t.directives;
  state_[idx].produced = true;
  if (!t.directives.publish.empty()) {
    Status st = PublishTask(t, t.directives.publish);
    if (!st.ok()) observer_->Notice(Severity::kWarning, st.message());
  }
  state_[idx].done = true;
  stats_.cached++;
  Emit(idx, TaskState::kCached, nullptr);
  Release(idx);
  return true;
}

bool RunDriver::Fits(uint32_t idx) const {
  const Task& t = graph_->tasks[idx];
  const Directives& d = state_[idx].directives;
  const ExecutorSlot& slot = executors_.at(d.executor);
  if (d.max_forks && running_per_spec_[t.spec_index] >= d.max_forks) return false;
  if (slot.max_running > 0) {
    auto r = tasks_running_.find(d.executor);
    return (r == tasks_running_.end() ? 0 : r->second) < slot.max_running;
  }
  auto cu = cpus_used_.find(d.executor);
  int used = cu == cpus_used_.end() ? 0 : cu->second;
  if (used + d.cpus > slot.cpus) return false;
  if (slot.memory_bytes) {
    auto mu = memory_used_.find(d.executor);
    int64_t mused = mu == memory_used_.end() ? 0 : mu->second;
    if (mused + d.memory_bytes > slot.memory_bytes) return false;
  }
  return true;
}

bool RunDriver::HasRoom(const std::string& executor) const {
  const ExecutorSlot& slot = executors_.at(executor);
  if (slot.max_running > 0) {
    auto r = tasks_running_.find(executor);
    return (r == tasks_running_.end() ? 0 : r->second) < slot.max_running;
  }
  auto cu = cpus_used_.find(executor);
  return (cu == cpus_used_.end() ? 0 : cu->second) < slot.cpus;
}

Status RunDriver::Start(uint32_t idx) {
  Task& t = graph_->tasks[idx];
  Attempt& s = state_[idx];
  if (s.prepared_attempt != s.attempt) {
    if (s.attempt > 1) {
      FERRY_RETURN_IF_ERROR(expander_->RenderAttempt(*graph_, t, s.attempt, &s.directives, &s.script));
    }
    FERRY_RETURN_IF_ERROR(PrepareTask(t, s.directives, s.script.empty() ? t.script : s.script));
    s.prepared_attempt = s.attempt;
  }
  TaskRun run = MakeRun(t, s.directives, s.script.empty() ? t.script : s.script);
  run.attempt = s.attempt;
  s.submit_ms = NowMs();
  FERRY_RETURN_IF_ERROR(executors_.at(s.directives.executor).executor->Submit(run));
  cpus_used_[s.directives.executor] += s.directives.cpus;
  memory_used_[s.directives.executor] += s.directives.memory_bytes;
  tasks_running_[s.directives.executor]++;
  running_per_spec_[t.spec_index]++;
  running_++;
  Emit(idx, TaskState::kSubmitted, nullptr);
  return Status::Ok();
}

// Writes the work dirs of the next few ready first-attempt tasks while the
// running ones are busy, so that when a slot frees the next task only has to
// be spawned: preparing a dir is the longest step between one task ending and
// the next starting. Only tasks that -resume already ruled out are prepared
// (preparing empties the dir). A prepared task that never runs (Ctrl-C)
// leaves a dir with its scripts, which the next run prepares again.
void RunDriver::PrepareAhead() {
  int budget = 0;
  for (const auto& [name, slot] : executors_)
    if (slot.max_running == 0) budget += slot.cpus;
  for (uint32_t idx : ready_) {
    if (budget <= 0) break;
    Attempt& s = state_[idx];
    // Ready tasks are cache-checked in order, so the first unchecked one
    // ends the useful part of the set.
    if (!s.cache_checked) break;
    if (s.attempt != 1) continue;
    const Task& t = graph_->tasks[idx];
    if (IsS3Path(t.work_dir)) continue;  // nothing to write locally
    --budget;
    if (s.prepared_attempt == 1) continue;
    if (!PrepareTask(t, t.directives, t.script).ok()) return;  // Start() reports it
    s.prepared_attempt = 1;
  }
}

void RunDriver::Release(uint32_t idx) {
  for (uint32_t d : graph_->tasks[idx].dependents) {
    if (--state_[d].pending_deps == 0 && !state_[d].done) MakeReady(d);
  }
}

void RunDriver::MakeReady(uint32_t idx) {
  Attempt& s = state_[idx];
  if (!s.dropped.empty()) {
    Status st = expander_->Regather(*graph_, &graph_->tasks[idx], s.dropped);
    if (!st.ok()) {
      s.done = true;
      stats_.failed++;
      Emit(idx, TaskState::kFailed, nullptr, st.message());
      observer_->Notice(Severity::kError, "task '" + graph_->tasks[idx].display + "' could not start: " + st.message());
      if (failure_.ok()) failure_ = Status::Failed(st.message());
      stop_new_ = true;
      return;
    }
  }
  ready_.insert(idx);
}

void RunDriver::DropFromDependents(uint32_t idx) {
  std::vector<std::pair<uint32_t, uint32_t>> stack;
  for (uint32_t d : graph_->tasks[idx].dependents) stack.emplace_back(idx, d);
  DropEdges(std::move(stack));
}

void RunDriver::ExpandWaves() {
  const size_t n = graph_->per_process.size();
  if (made_.empty()) {
    made_.assign(n, true);
    for (const auto& later : graph_->deferred) made_[later.spec] = false;
    ended_upto_.assign(n, 0);
  }
  // Tasks end for good, so a cursor per spec passes each task once.
  auto ended = [&](uint32_t j) {
    if (!made_[j]) return false;
    auto [first, end] = graph_->spec_tasks[j];
    uint32_t& i = ended_upto_[j];
    if (i < first) i = first;
    while (i < end && state_[i].done) ++i;
    return i == end;
  };
  for (bool again = true; again && !stop_new_;) {
    again = false;
    for (const auto& later : graph_->deferred) {
      if (made_[later.spec]) continue;
      if (!std::all_of(later.reads.begin(), later.reads.end(), ended)) continue;
      std::vector<uint32_t> nothing;
      for (uint32_t k : later.reads) {
        auto [first, end] = graph_->spec_tasks[k];
        for (uint32_t i = first; i < end; ++i)
          if (!state_[i].produced) nothing.push_back(i);
      }
      const uint32_t first = static_cast<uint32_t>(graph_->tasks.size());
      made_[later.spec] = true;
      again = true;
      Status st = expander_->ExpandDeferred(graph_, later.spec, nothing);
      if (!st.ok()) {
        observer_->Notice(Severity::kError, "cannot make the tasks of '" + graph_->per_process[later.spec].first +
                                                "' from what the tasks before it left: " + st.message());
        if (failure_.ok()) failure_ = Status::Failed(st.message());
        stop_new_ = true;
        return;
      }
      AddTasks(first);
    }
  }
}

void RunDriver::AddTasks(uint32_t first) {
  state_.resize(graph_->tasks.size());
  for (uint32_t i = first; i < graph_->tasks.size(); ++i) {
    Task& t = graph_->tasks[i];
    Attempt& s = state_[i];
    s.directives = t.directives;
    Status v = ValidateTask(t);
    if (!v.ok()) {
      s.done = true;
      stats_.failed++;
      Emit(i, TaskState::kFailed, nullptr, v.message());
      observer_->Notice(Severity::kError, "task '" + t.display + "' cannot run: " + v.message());
      if (failure_.ok()) failure_ = Status::Failed(v.message());
      stop_new_ = true;
      continue;
    }
    if (t.when_false) {
      s.done = true;
      s.skipped = true;
      stats_.skipped++;
      Emit(i, TaskState::kSkipped, nullptr, "its when: condition is false");
      continue;  // nothing is made on it yet: its dependents see it produced nothing
    }
    int pending = 0;
    std::vector<std::pair<uint32_t, uint32_t>> nothing;
    for (uint32_t d : t.deps) {
      if (!state_[d].done) ++pending;
      else if (!state_[d].produced) nothing.emplace_back(d, i);
    }
    s.pending_deps = pending + static_cast<int>(nothing.size());
    if (nothing.empty()) {
      if (pending == 0) MakeReady(i);
    } else {
      DropEdges(std::move(nothing));
    }
  }
}

void RunDriver::DropEdges(std::vector<std::pair<uint32_t, uint32_t>> stack) {
  while (!stack.empty()) {
    auto [u, d] = stack.back();
    stack.pop_back();
    Attempt& s = state_[d];
    if (s.done) continue;
    const Task& up = graph_->tasks[u];
    const Task& t = graph_->tasks[d];
    // A task chained on u's output, or reading the one output of a task
    // without for_each, has nothing to run on. A gather runs on the rest,
    // as long as some task of that upstream step is left.
    bool chained = std::find(t.chain_deps.begin(), t.chain_deps.end(), u) != t.chain_deps.end();
    bool skip = chained || !up.spec->for_each;
    if (!skip) {
      s.dropped.push_back(u);
      size_t of_spec = 0, dropped_of_spec = 0;
      for (uint32_t dep : t.deps) of_spec += graph_->tasks[dep].spec_index == up.spec_index;
      for (uint32_t dep : s.dropped) dropped_of_spec += graph_->tasks[dep].spec_index == up.spec_index;
      skip = dropped_of_spec == of_spec;
    }
    if (!skip) {
      if (--s.pending_deps == 0) MakeReady(d);
      continue;
    }
    s.done = true;
    ready_.erase(d);
    stats_.skipped++;
    Emit(d, TaskState::kSkipped, nullptr,
         "no input: task '" + up.display + "' " + (state_[u].done && !state_[u].skipped ? "failed" : "was skipped"));
    s.skipped = true;
    for (uint32_t dd : t.dependents) stack.emplace_back(d, dd);
  }
}

void RunDriver::ReportFailure(uint32_t idx, const std::string& why, const std::string& details) {
  const Task& t = graph_->tasks[idx];
  WorkStore* store = StoreFor(t);
  std::string msg = "task '" + t.display + "' failed: " + why + "\n";
  if (!details.empty())
    msg += "  reported by the " + state_[idx].directives.executor + " executor:\n" + Indent(details, "    ");
  std::string script = state_[idx].script.empty() ? t.script : state_[idx].script;
  msg += "  command:\n" + Indent(TailText(script, 40), "    ");
  std::string err = store->Tail(t, ".command.err", 20);
  msg += "  last lines of stderr (.command.err):\n" + (err.empty() ? "    (empty)\n" : Indent(err, "    "));
  msg += "  work dir: " + t.work_dir + "\n";
  msg += "  " + store->InspectHint(t);
  observer_->Notice(Severity::kError, msg);
}

void RunDriver::AbortRunning() {
  // HandleResult() below may fail a task and ask to abort again: the
  // executors are being stopped already.
  if (aborting_) return;
  aborting_ = true;
  std::vector<TaskResult> aborted;
  for (auto& [name, slot] : executors_) slot.executor->AbortAll(opts_.abort_grace_ms, &aborted);
  for (const auto& r : aborted) {
    uint32_t idx = static_cast<uint32_t>(r.id - 1);
    if (state_[idx].done) continue;
    // A task that finished successfully before it could be stopped keeps
    // its result (and a later -resume reuses it).
    if (r.outcome == TaskResult::Outcome::kExited && r.exit_code == 0) {
      HandleResult(r);
      continue;
    }
    state_[idx].done = true;
    running_--;
    stats_.aborted++;
    Emit(idx, TaskState::kAborted, &r);
  }
}

void RunDriver::HandleResult(const TaskResult& reported) {
  TaskResult r = reported;
  uint32_t idx = static_cast<uint32_t>(r.id - 1);
  Task& t = graph_->tasks[idx];
  Attempt& s = state_[idx];
  running_--;
  cpus_used_[s.directives.executor] -= s.directives.cpus;
  memory_used_[s.directives.executor] -= s.directives.memory_bytes;
  tasks_running_[s.directives.executor]--;
  running_per_spec_[t.spec_index]--;

  std::string why, details;
  bool status_lost = false;
  if (r.outcome == TaskResult::Outcome::kExited) details = r.message;
  if (r.outcome == TaskResult::Outcome::kExited && r.exit_code == 0) {
    ValueMap found;
    Status out = StoreFor(t)->CheckOutputs(t, &found);
    if (!out.ok()) out = Status::Failed(StoreFor(t)->ExplainFailure(t, out.message(), &status_lost));
    // Patterns become the files they matched before anything reads them.
    if (out.ok()) ApplyFound(&t, &found);
    if (out.ok() && !s.directives.publish.empty()) out = PublishTask(t, s.directives.publish);
    if (out.ok()) {
      s.done = true;
      s.produced = true;
      stats_.completed++;
      Emit(idx, TaskState::kCompleted, &r);
      Release(idx);
      return;
    }
    why = out.message();
  } else if (r.outcome == TaskResult::Outcome::kExited) {
    // A vanished work dir or a full disk explains a status the script never chose.
    why = StoreFor(t)->ExplainFailure(t, "exit status " + std::to_string(r.exit_code), &status_lost);
  } else {
    why = r.message.empty() ? "it did not run to completion" : r.message;
    const char* killed = r.outcome == TaskResult::Outcome::kTimedOut ? "killed, " : "";
    if (r.exit_code >= 0) why += std::string(" (") + killed + "exit status " + std::to_string(r.exit_code) + ")";
  }

  // Events and history then show no exit status rather than one bash made up.
  if (status_lost) r.exit_code = -1;

  const Directives& d = s.directives;
  if (d.error_strategy == ErrorStrategy::kRetry && s.attempt <= d.retry && !stop_new_) {
    // The one line that says what this attempt died of; its work dir is
    // kept aside so its .command.err is still there after the retry.
    std::string last_err = StoreFor(t)->Tail(t, ".command.err", 1);
    while (!last_err.empty() && last_err.back() == '\n') last_err.pop_back();
    std::string kept;
    Status ks = StoreFor(t)->KeepAttempt(t, s.attempt, &kept);
    if (!ks.ok()) observer_->Notice(Severity::kWarning, ks.message());
    observer_->Notice(Severity::kInfo, "task '" + t.display + "' attempt " + std::to_string(s.attempt) + " of " +
                                           std::to_string(d.retry + 1) + " failed (" + why + ")" +
                                           (last_err.empty() ? "" : ": " + last_err) + "; its work dir: " + kept +
                                           "; retrying");
    stats_.retried++;
    Emit(idx, TaskState::kRetried, &r, why, &kept);
    s.attempt++;
    ready_.insert(idx);
    return;
  }
  s.done = true;
  if (d.error_strategy == ErrorStrategy::kIgnore) {
    // Ignored on purpose: one line saying so and where to look, not the
    // full report of a failure that stops the run.
    stats_.ignored++;
    Emit(idx, TaskState::kIgnored, &r, why);
    observer_->Notice(Severity::kWarning,
                      "task '" + t.display + "' failed (" + why +
                          "), ignored (errorStrategy 'ignore'); tasks chained on its "
                          "outputs are skipped, gathers run on the other tasks' outputs; work dir: " +
                          t.work_dir + " (see .command.err there)");
    DropFromDependents(idx);
    return;
  }
  Emit(idx, TaskState::kFailed, &r, why);
  ReportFailure(idx, why, details);
  switch (d.error_strategy) {
    case ErrorStrategy::kIgnore: return;  // handled above
    case ErrorStrategy::kFinish:
      stats_.failed++;
      if (!stop_new_)
        observer_->Notice(Severity::kInfo, "errorStrategy 'finish': waiting for the " + std::to_string(running_) +
                                               " running task(s) to end, starting no new ones");
      stop_new_ = true;
      if (failure_.ok()) failure_ = Status::Failed("task '" + t.display + "' failed: " + why);
      return;
    case ErrorStrategy::kTerminate:
    case ErrorStrategy::kRetry:
      stats_.failed++;
      stop_new_ = true;
      if (failure_.ok()) failure_ = Status::Failed("task '" + t.display + "' failed: " + why);
      AbortRunning();
      return;
  }
}

Status RunDriver::Run(RunStats* stats) {
  state_.assign(graph_->tasks.size(), Attempt());
  running_per_spec_.assign(graph_->per_process.size() + 1, 0);
  for (auto& t : graph_->tasks) {
    state_[t.index].pending_deps = static_cast<int>(t.deps.size());
    state_[t.index].directives = t.directives;
    if (t.deps.empty()) ready_.insert(t.index);
  }
  observer_->RunStarted(graph_->per_process);
  // Tasks whose `when:` is false end before anything runs, as skipped; what
  // is chained on them is skipped too, gathers run without them.
  for (auto& t : graph_->tasks) {
    if (!t.when_false || state_[t.index].done) continue;
    Attempt& s = state_[t.index];
    s.done = true;
    s.skipped = true;
    ready_.erase(t.index);
    stats_.skipped++;
    Emit(t.index, TaskState::kSkipped, nullptr, "its when: condition is false");
    DropFromDependents(t.index);
  }

  Status result;
  for (;;) {
    if (InterruptCount() > 0) {
      observer_->Notice(Severity::kInfo, "interrupted: stopping " + std::to_string(running_) + " running task(s)");
      AbortRunning();
      result = Status::Interrupted("interrupted by the user");
      break;
    }
    // Start what is ready and fits, in task order. With every executor's
    // cpus in use nothing can fit: skip the scan (10,000 ready tasks would
    // otherwise be probed after every completion).
    if (!graph_->deferred.empty()) ExpandWaves();
    bool any_free = false;
    for (const auto& [name, slot] : executors_)
      if (HasRoom(name)) any_free = true;
    if (!stop_new_ && any_free) {
      int misses = 0;
      for (auto it = ready_.begin(); it != ready_.end() && misses < 256;) {
        uint32_t idx = *it;
        if (state_[idx].attempt == 1 && TryCached(idx)) {
          ready_.erase(it);
          it = ready_.upper_bound(idx);  // Release() may have added ids after idx
          continue;
        }
        if (!Fits(idx)) {
          ++misses;
          ++it;
          continue;
        }
        it = ready_.erase(it);
        Status st = Start(idx);
        if (!st.ok()) {
          TaskResult r;
          r.id = graph_->tasks[idx].id();
          r.outcome = TaskResult::Outcome::kSubmitFailed;
          r.message = st.message();
          // Undo nothing: Start() failed before accounting.
          state_[idx].done = true;
          stats_.failed++;
          Emit(idx, TaskState::kFailed, &r, st.message());
          observer_->Notice(Severity::kError,
                            "task '" + graph_->tasks[idx].display + "' could not start: " + st.message());
          if (failure_.ok()) failure_ = Status::Failed(st.message());
          stop_new_ = true;
          AbortRunning();
          break;
        }
        it = ready_.upper_bound(idx);
      }
    }
    if (running_ == 0 && ready_.empty() && !stop_new_ && !graph_->deferred.empty()) {
      // Tasks reused with -resume may have ended the steps a deferred one reads.
      ExpandWaves();
      if (!ready_.empty()) continue;
    }
    if (running_ == 0 && (stop_new_ || ready_.empty())) break;
    if (running_ == 0) {
      // Ready tasks exist but none fits: capacity was validated, so this
      // only happens when maxForks/capacity accounting is wrong. Fail loudly
      // rather than spin.
      result = Status::Failed("internal error: tasks are ready but none can start");
      break;
    }
    if (!stop_new_) PrepareAhead();
    std::vector<TaskResult> finished;
    size_t busy = 0;
    for (auto& [name, slot] : executors_)
      if (slot.executor->running() > 0) ++busy;
    for (auto& [name, slot] : executors_) {
      if (slot.executor->running() == 0) continue;
      Status st = slot.executor->Poll(busy > 1 ? 50 : 1000, &finished);
      if (!st.ok()) observer_->Notice(Severity::kWarning, st.message());
    }
    for (const auto& r : finished) HandleResult(r);
    observer_->Tick();
  }
  // Work dirs prepared ahead for tasks that never started (the run stopped
  // first) hold only scripts, and no run records them, so `ferry clean`
  // could never find them: remove them now.
  for (auto& t : graph_->tasks) {
    const Attempt& s = state_[t.index];
    if (s.prepared_attempt > 0 && s.submit_ms == 0) StoreFor(t)->Discard(t);
  }
  if (result.ok() && !failure_.ok()) result = failure_;
  observer_->RunEnded(RunEndState(result), stats_);
  *stats = stats_;
  return result;
}

}  // namespace ferry
