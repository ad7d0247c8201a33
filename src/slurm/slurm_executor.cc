#include "slurm/slurm_executor.h"

#include <poll.h>
#include <sys/statfs.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <set>

#include "slurm/job_files.h"
#include "util/interrupt.h"
#include "util/text.h"

namespace ferry::slurm {

namespace fs = std::filesystem;

namespace {

int64_t NowMs() {
  using namespace std::chrono;
  return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
}

// The last `max` bytes of a file ("" when it cannot be read).
std::string Tail(const std::string& path, size_t max) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return "";
  in.seekg(0, std::ios::end);
  std::streamoff size = in.tellg();
  std::streamoff from = size > static_cast<std::streamoff>(max) ? size - static_cast<std::streamoff>(max) : 0;
  in.seekg(from);
  std::string s(static_cast<size_t>(size - from), '\0');
  in.read(s.data(), static_cast<std::streamsize>(s.size()));
  return s;
}

// Waits on the interrupt pipe for up to ms; true when it fired.
bool WaitInterrupt(int ms) {
  if (ms <= 0) return false;
  pollfd p{InterruptFd(), POLLIN, 0};
  return ::poll(&p, InterruptFd() >= 0 ? 1 : 0, ms) > 0;
}

std::string ThisHost() {
  char name[256] = {0};
  if (::gethostname(name, sizeof name - 1) != 0) return "";
  return name;
}

// The nearest directory of `path` that exists (work dirs are made later).
std::string ExistingAncestor(fs::path p) {
  std::error_code ec;
  while (!p.empty() && !fs::exists(p, ec)) p = p.parent_path();
  return p.empty() ? "/" : p.string();
}

}  // namespace

SlurmExecutor::SlurmExecutor(SlurmOptions options, std::shared_ptr<CommandRunner> runner)
    : options_(std::move(options)), runner_(std::move(runner)) {
  seen_interrupts_ = InterruptCount();
  options_.poll_interval_ms = std::max<int64_t>(options_.poll_interval_ms, 1);
  if (options_.squeue_max_interval_ms <= 0) options_.squeue_max_interval_ms = 12 * options_.poll_interval_ms;
  options_.squeue_max_interval_ms = std::max(options_.squeue_max_interval_ms, options_.poll_interval_ms);
  options_.file_check_interval_ms = std::clamp<int64_t>(options_.file_check_interval_ms, 1, options_.poll_interval_ms);
  squeue_interval_ms_ = options_.poll_interval_ms;
}

int64_t SlurmExecutor::Now() const { return options_.clock ? options_.clock() : NowMs(); }

bool SlurmExecutor::Watching() const {
  for (const auto& [id, t] : tasks_)
    if (!t.job_id.empty()) return true;
  return false;
}

void SlurmExecutor::JournalWarning(const Status& st) {
  if (journal_warned_) return;
  journal_warned_ = true;
  Say("warning: cannot journal Slurm jobs (" + st.message() +
      "); if ferry is killed, -resume will not find the jobs it submitted");
}

void SlurmExecutor::Say(const std::string& text) const {
  if (options_.on_message) options_.on_message(text);
}

Status SlurmExecutor::RunSlurm(const std::vector<std::string>& argv, const std::string& input, CommandOutput* out) {
  Status st = runner_->Run(argv, input, out);
  if (st.kind() == Status::Kind::kNotFound)
    return Status::Invalid("the slurm executor runs " + argv[0] +
                           ", which is not on PATH: run ferry on a machine with Slurm's client commands "
                           "(a login node; Debian package slurm-client) or set executor to another one");
  return st;
}

Status SlurmExecutor::Preflight(const std::vector<TaskRun>& planned) {
  if (planned.empty()) return Status::Ok();
  CommandOutput out;
  FERRY_RETURN_IF_ERROR(RunSlurm({"sbatch", "--version"}, "", &out));
  FERRY_RETURN_IF_ERROR(RunSlurm({"sinfo", "-h", "-N", "-o", kSinfoFormat}, "", &out));
  if (out.exit_code != 0)
    return Status::Invalid("sinfo failed (exit " + std::to_string(out.exit_code) + "): " + std::string(Trim(out.err)) +
                           " (is slurmctld running and SLURM_CONF pointing at its slurm.conf?)");
  std::string default_partition;
  std::vector<NodeInfo> nodes = ParseSinfoNodes(out.out, &default_partition);
  std::set<std::string> checked;  // one check per distinct request
  for (const auto& t : planned) {
    std::string key =
        t.queue + "|" + std::to_string(t.cpus) + "|" + std::to_string(t.memory_bytes) + "|" + t.cluster_options;
    if (!checked.insert(key).second) continue;
    std::string problem = CheckRequestFits(nodes, default_partition, t.queue, t.cpus, t.memory_bytes);
    if (!problem.empty()) return Status::Invalid("task '" + t.name + "' " + problem);
    std::vector<std::string> words;
    FERRY_RETURN_IF_ERROR(SplitClusterOptions(t.cluster_options, &words).WithPrefix("task '" + t.name + "'"));
  }
  // Nodes other than this host see the work dirs only on a shared file system.
  std::string host = ThisHost();
  bool remote_nodes = false;
  for (const auto& n : nodes)
    remote_nodes = remote_nodes || (n.hostname != host && n.hostname != "localhost" && n.node != host);
  if (remote_nodes && !planned.front().work_dir.empty()) {
    std::string dir = ExistingAncestor(planned.front().work_dir);
    struct statfs sfs {};
    if (::statfs(dir.c_str(), &sfs) == 0 && !IsSharedFilesystemType(static_cast<int64_t>(sfs.f_type)))
      Say("warning: the work dir " + planned.front().work_dir +
          " is on a file system local to this machine; Slurm nodes other than " + host +
          " will not find the tasks' files there (set -work-dir to a directory on the cluster's shared file system)");
  }
  return Status::Ok();
}

Status SlurmExecutor::Submit(const TaskRun& run) {
  if (run.work_dir.empty() || run.work_dir[0] != '/')
    return Status::Failed("task '" + run.name + "' has no absolute work dir for Slurm");
  if (tasks_.count(run.id)) return Status::Failed("task '" + run.name + "' is already running");
  Tracked t;
  t.run = run;
  t.submit_ms = Now();
  auto adopted = run.attempt == 1 ? adoptable_.find(run.hash) : adoptable_.end();
  if (adopted != adoptable_.end() && adopted->second.origin.work_dir == run.work_dir) {
    // Queued or running since a ferry that was killed: watched, not submitted.
    const AdoptedSlurmJob& a = adopted->second;
    bool was_watching = Watching();
    t.job_id = a.job_id;
    t.log = a.job_id.find('_') == std::string::npos ? run.work_dir + "/.command.log"
                                                    : options_.array_log_dir + "/" + a.job_id + ".log";
    if (a.origin.created_ms) t.submit_ms = a.origin.created_ms;
    t.journal_key = JobKey{a.origin.run_id, a.origin.hash, a.origin.attempt};
    adoptable_.erase(adopted);
    if (!was_watching) next_squeue_ms_ = Now() + squeue_interval_ms_;
    tasks_[run.id] = std::move(t);
    return Status::Ok();
  }
  tasks_[run.id] = std::move(t);
  queued_.push_back(run.id);
  return Status::Ok();
}

bool SlurmExecutor::WillAdopt(const std::string& hash, const std::string& work_dir) const {
  auto it = adoptable_.find(hash);
  return it != adoptable_.end() && it->second.origin.work_dir == work_dir;
}

void SlurmExecutor::UseJournal(std::shared_ptr<JobJournal> journal, int64_t run_id) {
  journal_ = std::move(journal);
  run_id_ = run_id;
}

void SlurmExecutor::Adopt(std::vector<AdoptedSlurmJob> jobs) {
  for (auto& j : jobs) {
    std::string hash = j.origin.hash;
    adoptable_.emplace(std::move(hash), std::move(j));
  }
}

Status SlurmExecutor::JournalEnds() {
  std::vector<JobKey> keys;
  keys.swap(ended_);
  return journal_ ? journal_->RecordEnded(keys) : Status::Ok();
}

void SlurmExecutor::Done(uint64_t id, TaskResult r) {
  auto it = tasks_.find(id);
  if (it == tasks_.end()) return;
  if (it->second.journal_key.run_id) ended_.push_back(it->second.journal_key);
  done_.push_back(std::move(r));
  tasks_.erase(it);
}

void SlurmExecutor::Fail(uint64_t id, TaskResult::Outcome outcome, const std::string& message, int exit_code) {
  auto it = tasks_.find(id);
  if (it == tasks_.end()) return;
  TaskResult r;
  r.id = id;
  r.outcome = outcome;
  r.message = message;
  r.exit_code = exit_code;
  r.native_id = it->second.job_id;
  r.submit_ms = it->second.submit_ms;
  r.start_ms = it->second.start_ms ? it->second.start_ms : it->second.submit_ms;
  r.end_ms = Now();
  r.spot_retries = it->second.node_retries;
  Done(id, std::move(r));
}

void SlurmExecutor::SubmitGroup(const std::vector<uint64_t>& ids, int64_t now_ms) {
  std::vector<const TaskRun*> runs;
  for (uint64_t id : ids) runs.push_back(&tasks_[id].run);
  SbatchContext context{options_.run_name, options_.array_log_dir, runs.size() > 1 ? array_seq_++ : 0};
  SbatchRequest req;
  Status st = BuildSbatchRequest(runs, context, &req);
  if (st.ok() && runs.size() > 1) {
    std::error_code ec;
    fs::create_directories(options_.array_log_dir, ec);
  }
  // Files of an earlier attempt must not pass for this one's.
  for (uint64_t id : ids) RemoveJobFiles(tasks_[id].run.work_dir);
  if (st.ok() && journal_) {
    // The intent is committed before the job exists, so a ferry killed
    // during sbatch leaves a row a later run can find the job by.
    std::vector<JournalJob> intents;
    for (size_t i = 0; i < ids.size(); ++i) {
      const TaskRun& r = tasks_[ids[i]].run;
      JournalJob j;
      j.executor = "slurm";
      j.run_id = run_id_;
      j.hash = r.hash;
      j.attempt = r.attempt;
      j.task_id = r.id;
      j.name = r.name;
      j.process = r.process;
      j.work_dir = r.work_dir;
      j.queue = r.queue;
      j.job_name = req.job_name;
      j.array_index = ids.size() > 1 ? static_cast<int>(i) : -1;
      intents.push_back(std::move(j));
      tasks_[ids[i]].journal_key = JobKey{run_id_, r.hash, r.attempt};
    }
    if (Status js = journal_->RecordIntents(intents); !js.ok()) JournalWarning(js);
  }
  bool was_watching = Watching();
  CommandOutput out;
  if (st.ok()) st = RunSlurm(req.argv, req.script, &out);
  ++stats_.sbatch_calls;
  std::string job_id;
  if (st.ok() && out.exit_code != 0)
    st = Status::Failed("sbatch failed (exit " + std::to_string(out.exit_code) + "): " + std::string(Trim(out.err)));
  if (st.ok()) st = ParseSbatchJobId(out.out, &job_id);
  if (!st.ok()) {
    for (uint64_t id : ids) Fail(id, TaskResult::Outcome::kSubmitFailed, st.message());
    return;
  }
  if (journal_) {
    if (Status js = journal_->RecordSubmitted(run_id_, req.job_name, job_id); !js.ok()) JournalWarning(js);
  }
  // The first job to watch after none: squeue one interval from now.
  if (!was_watching) next_squeue_ms_ = now_ms + squeue_interval_ms_;
  stats_.tasks_submitted += static_cast<long>(ids.size());
  if (ids.size() > 1) ++stats_.array_jobs;
  for (size_t i = 0; i < ids.size(); ++i) {
    Tracked& t = tasks_[ids[i]];
    t.submit_ms = now_ms;
    t.ended = false;
    t.failed_seen_ms = 0;
    t.ended_unread_ms = 0;
    if (ids.size() == 1) {
      t.job_id = job_id;
      t.log = req.job_logs.front();
    } else {
      t.job_id = job_id + "_" + std::to_string(i);
      t.log = options_.array_log_dir + "/" + t.job_id + ".log";
    }
  }
}

void SlurmExecutor::SubmitDue(int64_t now_ms) {
  double rate = options_.submit_per_second > 0 ? options_.submit_per_second : 1e9;
  int64_t spacing = static_cast<int64_t>(1000.0 / rate);
  while (!queued_.empty() && now_ms >= next_submit_ms_) {
    uint64_t first = queued_.front();
    queued_.pop_front();
    std::vector<uint64_t> group = {first};
    const TaskRun& run = tasks_[first].run;
    if (!run.array_key.empty() && run.array_size > 1) {
      // Queued tasks of the same array key join it, up to its size.
      for (auto it = queued_.begin(); it != queued_.end() && group.size() < static_cast<size_t>(run.array_size);) {
        if (tasks_[*it].run.array_key == run.array_key) {
          group.push_back(*it);
          it = queued_.erase(it);
        } else {
          ++it;
        }
      }
    }
    SubmitGroup(group, now_ms);
    next_submit_ms_ = now_ms + spacing;
    if (InterruptCount() != seen_interrupts_) break;
  }
}

void SlurmExecutor::Finish(uint64_t id, const JobState& state, int64_t now_ms) {
  Tracked& t = tasks_[id];
  JobEnd end = ClassifyEnd(state, Tail(t.log, 8192), t.run.memory_bytes, t.run.time_limit_ms);
  int code = -1;
  bool have_code = ReadExitCode(t.run.work_dir, &code);
  using K = JobEnd::Kind;
  if (end.kind == K::kRetry && t.node_retries < options_.max_node_retries) {
    ++t.node_retries;
    ++stats_.node_retries;
    Say("task '" + t.run.name + "': " + end.message + "; submitting it again (" + std::to_string(t.node_retries) +
        " of " + std::to_string(options_.max_node_retries) + ")");
    t.job_id.clear();
    t.start_ms = 0;
    queued_.push_front(id);
    return;
  }
  if (end.kind == K::kExited) {
    if (!have_code && !t.ended_unread_ms) t.ended_unread_ms = now_ms;
    if (!have_code && now_ms - t.ended_unread_ms < options_.exit_read_timeout_ms) return;  // look again next poll
    if (!have_code) {
      Fail(id, TaskResult::Outcome::kSubmitFailed,
           "Slurm job " + t.job_id + " ended " + state.state + " (" + state.reason +
               ") without the task recording an exit status within " +
               std::to_string(options_.exit_read_timeout_ms / 1000) + " s; see " + t.log);
      return;
    }
    TaskResult r;
    r.id = id;
    r.exit_code = code;
    r.native_id = t.job_id;
    r.submit_ms = t.submit_ms;
    r.start_ms = t.start_ms ? t.start_ms : t.submit_ms;
    r.end_ms = now_ms;
    r.spot_retries = t.node_retries;
    Done(id, std::move(r));
    return;
  }
  auto outcome = end.kind == K::kTimeout ? TaskResult::Outcome::kTimedOut : TaskResult::Outcome::kAborted;
  Fail(id, outcome, end.message + " (Slurm job " + t.job_id + ", log " + t.log + ")", have_code ? code : -1);
}

void SlurmExecutor::CheckFiles(int64_t now_ms) {
  std::vector<uint64_t> watched;
  for (const auto& [id, t] : tasks_)
    if (!t.job_id.empty()) watched.push_back(id);
  for (uint64_t id : watched) {
    Tracked& t = tasks_[id];
    if (t.ended) {
      // squeue said it ended: waiting for its .exitcode to show.
      Finish(id, t.final_state, now_ms);
      continue;
    }
    if (!t.start_ms) {
      JobMarker m;
      if (ReadJobMarker(t.run.work_dir, &m) && m.job_id == t.job_id) t.start_ms = m.written_ms;
    }
    if (EndedWithZero(t.run.work_dir)) {
      // The wrapper writes .exitcode last and the job script its end
      // marker after it: the task is done and its outputs are there,
      // whatever Slurm's bookkeeping still says.
      ++stats_.ended_by_files;
      Finish(id, JobState{"COMPLETED", "exit code 0 in the work dir"}, now_ms);
    } else if (!t.failed_seen_ms && LeftAnEnd(t.run.work_dir)) {
      // Failed, or killed (no end marker): only Slurm can say whether over
      // memory or time, cancelled, or simply failed. squeue is asked soon.
      t.failed_seen_ms = now_ms;
      ++stats_.ended_by_files;
    }
  }
}

bool SlurmExecutor::SqueueDue(int64_t now_ms) const {
  if (next_squeue_ms_ && now_ms >= next_squeue_ms_) return true;
  // A job that failed waits for its final state no longer than one poll interval.
  for (const auto& [id, t] : tasks_)
    if (t.failed_seen_ms && !t.ended && now_ms >= last_squeue_ms_ + options_.poll_interval_ms) return true;
  return false;
}

void SlurmExecutor::CheckStates(int64_t now_ms) {
  std::vector<uint64_t> watched;
  for (const auto& [id, t] : tasks_)
    if (!t.job_id.empty() && !t.ended) watched.push_back(id);
  if (watched.empty()) {
    next_squeue_ms_ = 0;
    return;
  }
  last_squeue_ms_ = now_ms;
  CommandOutput out;
  Status st = RunSlurm({"squeue", "--me", "-h", "-r", "-t", "all", "-o", kSqueueFormat}, "", &out);
  ++stats_.squeue_calls;
  if (!st.ok() || out.exit_code != 0) {
    // slurmctld busy or restarting: ask again after the shortest interval.
    Say("warning: squeue failed (" + (st.ok() ? std::string(Trim(out.err)) : st.message()) + "); asking again");
    next_squeue_ms_ = now_ms + options_.poll_interval_ms;
    return;
  }
  std::map<std::string, JobState> states = ParseSqueue(out.out);
  bool surprise = false;
  for (uint64_t id : watched) {
    Tracked& t = tasks_[id];
    auto it = states.find(t.job_id);
    JobState state;
    if (it == states.end()) {
      // Gone from squeue (MinJobAge passed): the task's own status decides,
      // once it shows (Finish waits up to exit_read_timeout_ms for it).
      if (!t.failed_seen_ms && !LeftAnEnd(t.run.work_dir)) surprise = true;
      Finish(id, JobState{"COMPLETED", "not listed by squeue"}, now_ms);
      continue;
    }
    if (IsFinalState(it->second.state)) {
      state = it->second;
    } else {
      if (!t.start_ms && it->second.state != "PENDING") t.start_ms = now_ms;
      if (t.failed_seen_ms && now_ms - t.failed_seen_ms >= options_.exit_read_timeout_ms) {
        // Its wrapper said it failed long ago and Slurm still lists it:
        // the exit status is all there is to go by.
        state = JobState{"FAILED", "exit status written, job still listed as " + it->second.state};
      } else {
        t.ended_unread_ms = 0;  // listed again after a miss: still going
        continue;               // as the files said
      }
    }
    // Ended: news only when the files had not said so.
    if (!t.failed_seen_ms && !LeftAnEnd(t.run.work_dir)) surprise = true;
    t.ended = true;
    t.final_state = state;
    Finish(id, state, now_ms);
  }
  squeue_interval_ms_ =
      surprise ? options_.poll_interval_ms : std::min(squeue_interval_ms_ * 2, options_.squeue_max_interval_ms);
  next_squeue_ms_ = Watching() ? now_ms + squeue_interval_ms_ : 0;
}

Status SlurmExecutor::Poll(int timeout_ms, std::vector<TaskResult>* finished) {
  int64_t start = Now(), deadline = start + std::max(timeout_ms, 0);
  for (;;) {
    int64_t now = Now();
    SubmitDue(now);
    if (now >= next_files_ms_) {
      CheckFiles(now);
      next_files_ms_ = now + options_.file_check_interval_ms;
    }
    if (SqueueDue(now)) CheckStates(now);
    if (!done_.empty() || tasks_.empty()) break;
    if (InterruptCount() != seen_interrupts_) {
      seen_interrupts_ = InterruptCount();
      break;
    }
    now = Now();
    if (now >= deadline) break;
    int64_t wake = std::min(deadline, next_files_ms_);
    if (next_squeue_ms_) wake = std::min(wake, next_squeue_ms_);
    if (!queued_.empty()) wake = std::min(wake, next_submit_ms_);
    if (WaitInterrupt(static_cast<int>(std::max<int64_t>(wake - now, 1)))) {
      DrainInterruptFd();  // the count says what arrived; the driver reads it
      seen_interrupts_ = InterruptCount();
      break;
    }
  }
  for (auto& r : done_) finished->push_back(std::move(r));
  done_.clear();
  return Status::Ok();
}

void SlurmExecutor::AbortAll(int grace_ms, std::vector<TaskResult>* aborted) {
  int64_t now = NowMs();  // a real wait, whatever clock the schedule runs on
  for (auto& r : done_) aborted->push_back(std::move(r));
  done_.clear();
  std::vector<std::string> jobs;
  std::set<std::string> seen;
  for (const auto& [id, t] : tasks_) {
    if (t.job_id.empty()) continue;
    std::string parent = t.job_id.substr(0, t.job_id.find('_'));  // one id cancels a whole array
    if (seen.insert(parent).second) jobs.push_back(parent);
  }
  queued_.clear();
  std::string left;
  std::set<std::string> still_active;
  if (!jobs.empty()) {
    std::vector<std::string> argv = {"scancel"};
    argv.insert(argv.end(), jobs.begin(), jobs.end());
    CommandOutput out;
    Status st = RunSlurm(argv, "", &out);
    ++stats_.scancel_calls;
    if (!st.ok()) Say("warning: scancel failed: " + st.message());
    // Confirm: until squeue lists none of them as queued or running.
    int64_t deadline = now + std::max(grace_ms, 2000);
    int seen_here = InterruptCount();
    for (;;) {
      st = RunSlurm({"squeue", "--me", "-h", "-r", "-t", "all", "-o", kSqueueFormat}, "", &out);
      ++stats_.squeue_calls;
      std::map<std::string, JobState> states = ParseSqueue(out.out);
      std::vector<std::string> active;
      for (const auto& [id, t] : tasks_) {
        auto it = states.find(t.job_id);
        if (!t.job_id.empty() && it != states.end() && !IsFinalState(it->second.state)) active.push_back(t.job_id);
      }
      if (st.ok() && out.exit_code == 0 && active.empty()) break;
      if (NowMs() >= deadline || InterruptCount() > seen_here + 1) {
        left = Join(active, " ");
        still_active.insert(active.begin(), active.end());
        break;
      }
      ::usleep(200 * 1000);  // not the interrupt pipe: a pending Ctrl-C must not spin this loop
    }
  }
  if (!left.empty()) Say("warning: Slurm jobs still queued or running after scancel: " + left);
  for (auto& [id, t] : tasks_) {
    // A job confirmed ended needs nothing from a later run; one still
    // active stays open in the journal for -resume or `ferry kill`.
    if (t.journal_key.run_id && !still_active.count(t.job_id)) ended_.push_back(t.journal_key);
    TaskResult r;
    r.id = id;
    r.outcome = TaskResult::Outcome::kAborted;
    r.message =
        t.job_id.empty() ? "not submitted (run stopped)" : "cancelled with scancel (Slurm job " + t.job_id + ")";
    r.native_id = t.job_id;
    r.submit_ms = t.submit_ms;
    r.start_ms = t.start_ms ? t.start_ms : t.submit_ms;
    r.end_ms = Now();
    r.spot_retries = t.node_retries;
    aborted->push_back(r);
  }
  tasks_.clear();
}

SlurmStats SlurmExecutor::stats() const {
  SlurmStats s = stats_;
  s.commands = runner_->commands_run();
  return s;
}

}  // namespace ferry::slurm
