#include "awsbatch/awsbatch_executor.h"

#include <poll.h>
#include <sys/eventfd.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <filesystem>
#include <set>
#include <thread>

#include "aws/aws_error.h"
#include "aws/crypto.h"
#include "aws/etag.h"
#include "aws/s3_transfer.h"
#include "aws/s3_types.h"
#include "awsbatch/batch_wrapper.h"
#include "awsbatch/fair_share.h"
#include "awsbatch/fargate.h"
#include "awsbatch/job_definitions.h"
#include "awsbatch/job_diagnosis.h"
#include "awsbatch/job_request.h"
#include "awsbatch/work_pool.h"
#include "executor/usage_report.h"
#include "util/clock_text.h"
#include "util/interrupt.h"

namespace ferry {

namespace fs = std::filesystem;
using nlohmann::json;

namespace {

int64_t JsonInt(const json& j, const char* key) {
  auto it = j.find(key);
  return it != j.end() && it->is_number_integer() ? it->get<int64_t>() : 0;
}

std::string JsonStr(const json& j, const char* key) {
  auto it = j.find(key);
  return it != j.end() && it->is_string() ? it->get<std::string>() : "";
}

std::string TrimSlash(std::string s) {
  while (!s.empty() && s.back() == '/') s.pop_back();
  return s;
}

// Transient failures (network, 5xx, throttling beyond the client's own
// attempts) get a few more tries here; NotFound, bad input and AccessDenied
// (by its AWS error code) do not.
constexpr int kRetries = 5;
Status WithRetries(const std::atomic<bool>& stop, const std::function<Status()>& fn) {
  Status s;
  for (int attempt = 1; attempt <= kRetries; attempt++) {
    s = fn();
    if (s.ok() || s.kind() != Status::Kind::kFailed || stop) return s;
    if (aws::IsAccessDenied(s)) return s;
    std::this_thread::sleep_for(std::chrono::milliseconds(200 * attempt));
  }
  return s;
}

}  // namespace

struct AwsBatchExecutor::Impl {
  enum class State { kQueued, kStaging, kStaged, kSubmitted, kFinishing, kDone };
  struct Task {
    TaskRun run;
    State state = State::kQueued;
    std::string job_def;  // name:revision
    std::string job_id;   // plain id, or parent:index for array children
    std::string parent;   // array parent id ("" for plain jobs)
    std::string status;   // last Batch status seen
    int64_t submit_ms = 0, waiting_since = 0;
    bool warned = false;
    int submit_failures = 0;
    int64_t next_check_ms = 0;  // when a waiting job is described again
    int unchanged = 0;          // polls its status stayed the same
    // Set for a job adopted from an earlier run: its journal row, and the
    // id TerminateJob needs (an array child's parent).
    std::unique_ptr<JournalJob> origin;
    std::string terminate_id;
  };
  struct ArrayJob {
    std::vector<uint64_t> tasks;  // index = child index
    std::string status;
    int finished_seen = 0;  // SUCCEEDED+FAILED children already handled
    int64_t submit_ms = 0, last_children_ms = 0;
    bool warned = false;
  };
  struct JobDef {
    std::mutex mu;
    std::string name_revision;  // empty until resolved
  };
  struct Staged {
    std::mutex mu;
    bool done = false;
    Status status;
    std::string url;
    bool is_dir = false;
  };

  AwsBatchOptions opt;
  std::shared_ptr<aws::BatchClient> batch;
  std::shared_ptr<aws::S3Client> s3;
  std::shared_ptr<aws::LogsClient> logs;
  WrapperSettings wrapper;
  SubmitSettings submit_settings;
  JobDefinitionSettings jd_settings;
  std::string bucket, root;  // bucket_dir split; root has no trailing slash

  std::mutex mu;
  std::condition_variable cv;
  std::map<uint64_t, Task> tasks;
  std::deque<uint64_t> queued;
  std::vector<uint64_t> staged;
  std::map<std::string, ArrayJob> arrays;     // by parent id
  std::map<std::string, int> staging_by_key;  // array key -> tasks being staged
  size_t in_flight = 0;                       // staging .. finishing
  size_t outstanding = 0;                     // submitted, result not handed out
  std::vector<TaskResult> outbox;
  std::vector<std::string> messages;
  std::atomic<bool> stop{false};
  int64_t next_poll_ms = 0;
  int64_t tasks_submitted = 0, array_jobs = 0, spot_retries = 0;
  uint64_t array_seq = 0;

  std::shared_ptr<JobJournal> journal;
  int64_t run_id = 0;
  std::map<std::string, AdoptedJob> adoptable;  // by task hash
  bool journal_warned = false;
  std::vector<JobKey> ended;  // seen ended, not yet recorded (JournalEnds)

  std::mutex cache_mu;
  std::map<std::string, std::shared_ptr<JobDef>> job_defs;
  std::map<std::string, std::shared_ptr<Staged>> staged_inputs;  // local path or s3 url

  int wake_fd = -1;
  std::unique_ptr<WorkPool> pool;
  std::thread driver;

  // ---- helpers -------------------------------------------------------------
  void Wake() {
    uint64_t one = 1;
    ssize_t w = write(wake_fd, &one, sizeof one);
    (void)w;
  }
  void Emit(TaskResult r) {  // mu held
    outbox.push_back(std::move(r));
    Wake();
  }
  void Say(std::string m) {  // mu held
    messages.push_back(std::move(m));
    Wake();
  }
  // The journal row of task t's job: the adopted one, or this run's.
  void JournalEnded(const Task& t) {  // mu held
    if (!journal) return;
    ended.push_back(t.origin ? JobKey{t.origin->run_id, t.origin->hash, t.origin->attempt}
                             : JobKey{run_id, t.run.hash, t.run.attempt});
  }
  void JournalWarning(const Status& s) {  // mu held
    if (journal_warned) return;
    journal_warned = true;
    Say("warning: " + s.message() + " (if ferry dies now, -resume cannot find the jobs it started)");
  }
  void FinishLocked(Task& t, TaskResult r) {
    JournalEnded(t);
    t.state = State::kDone;
    if (in_flight > 0) in_flight--;
    r.id = t.run.id;
    if (r.native_id.empty()) r.native_id = t.job_id;
    if (!r.submit_ms) r.submit_ms = t.submit_ms;
    spot_retries += r.spot_retries;
    Emit(std::move(r));
    cv.notify_all();
  }
  TaskResult SubmitFailed(const std::string& why) {
    TaskResult r;
    r.outcome = TaskResult::Outcome::kSubmitFailed;
    r.message = why;
    r.end_ms = NowMs();
    return r;
  }
  std::string Url(const std::string& key) const { return "s3://" + bucket + "/" + key; }
  std::string Cli() const { return opt.cli_path.empty() ? "aws" : opt.cli_path; }

  // The entry for `key` in one of the per-run caches, created empty on first
  // use. cache_mu is held only for the lookup; callers then lock the entry
  // itself, so slow work for one key never holds up the others.
  template <class Entry>
  std::shared_ptr<Entry> CacheEntry(std::map<std::string, std::shared_ptr<Entry>>& cache, const std::string& key) {
    std::lock_guard<std::mutex> l(cache_mu);
    std::shared_ptr<Entry>& slot = cache[key];
    if (!slot) slot = std::make_shared<Entry>();
    return slot;
  }

  // ---- job definitions -----------------------------------------------------
  // A Fargate job's ephemeral storage is the definition's, so each size a
  // task's `disk` asks for has a definition of its own.
  Status ResolveJobDefinition(const TaskRun& run, std::string* out) {
    const std::string& container = run.container;
    std::string named = JobDefinitionUri(container);
    if (!named.empty()) {
      *out = named;
      return Status::Ok();
    }
    int storage_gib = 0;
    if (opt.fargate) FERRY_RETURN_IF_ERROR(FargateStorageGib(run.disk_bytes, &storage_gib));
    std::shared_ptr<JobDef> def = CacheEntry(job_defs, container + "\n" + std::to_string(storage_gib));
    std::lock_guard<std::mutex> l(def->mu);
    if (!def->name_revision.empty()) {
      *out = def->name_revision;
      return Status::Ok();
    }
    json req;
    FERRY_RETURN_IF_ERROR(JobDefinitionRequest(container, jd_settings, &req, storage_gib));
    std::vector<json> existing;
    Status s = WithRetries(stop, [&] {
      existing.clear();
      return batch->DescribeJobDefinitions(req["jobDefinitionName"].get<std::string>(), "ACTIVE", &existing);
    });
    if (!s.ok()) return s.WithPrefix("looking up the job definition for container " + container);
    std::string found = FindReusable(existing, req);
    if (found.empty()) {
      s = WithRetries(stop, [&] { return batch->RegisterJobDefinition(req, &found); });
      if (!s.ok()) return s.WithPrefix("registering a job definition for container " + container);
    }
    def->name_revision = found;
    *out = found;
    return Status::Ok();
  }

  // ---- inputs --------------------------------------------------------------
  // Each source is staged once per run; tasks needing it meanwhile wait.
  std::shared_ptr<Staged> StageInput(const std::string& source) {
    std::shared_ptr<Staged> st = CacheEntry(staged_inputs, source);
    std::lock_guard<std::mutex> l(st->mu);
    if (st->done) return st;
    st->status = aws::IsS3Uri(source) ? StageS3(source, st.get()) : StageLocal(source, st.get());
    st->done = true;
    return st;
  }

  Status StageS3(const std::string& source, Staged* st) {
    aws::S3Location loc;
    FERRY_RETURN_IF_ERROR(aws::ParseS3Uri(source, &loc));
    st->url = source;
    if (loc.key.empty() || loc.key.back() == '/') {
      st->is_dir = true;
      return Status::Ok();
    }
    aws::S3ObjectInfo info;
    Status s = WithRetries(stop, [&] { return s3->Head(loc.bucket, loc.key, &info); });
    if (s.kind() == Status::Kind::kNotFound) {
      st->is_dir = true;  // a prefix: fetched with --recursive
      st->url = source + "/";
      return Status::Ok();
    }
    return s;
  }

  // Skipped when the object is there with the same size and (when both are
  // known) the same MD5 ETag.
  Status UploadFile(const std::string& path, int64_t size, const std::string& key, const std::string& md5 = "") {
    aws::S3ObjectInfo info;
    Status h = s3->Head(bucket, key, &info);
    bool comparable = !md5.empty() && info.etag_is_md5 && info.etag.find('-') == std::string::npos;
    if (h.ok() && info.size == size && (!comparable || info.etag == md5)) return Status::Ok();
    return WithRetries(stop, [&] {
      aws::TransferManager tm(*s3, aws::TransferOptions{}, nullptr);
      Status result;
      std::mutex m;
      tm.Upload(path, size, aws::S3Location{bucket, key}, [&](Status s) {
        std::lock_guard<std::mutex> l(m);
        result = s;
      });
      tm.Wait();
      return result;
    });
  }

  Status StageLocal(const std::string& source, Staged* st) {
    std::error_code ec;
    fs::file_status fst = fs::status(source, ec);
    if (ec || !fs::exists(fst)) return Status::Failed("input " + source + " does not exist");
    std::string base = TrimSlash(fs::path(TrimSlash(source)).filename().string());
    if (fs::is_directory(fst)) {
      // Content id of a directory: its files' names, sizes and times.
      std::vector<std::pair<std::string, int64_t>> files;
      std::string manifest;
      for (auto it = fs::recursive_directory_iterator(source, ec); !ec && it != fs::recursive_directory_iterator();
           it.increment(ec)) {
        if (!it->is_regular_file(ec)) continue;
        std::string rel = fs::relative(it->path(), source, ec).string();
        int64_t size = static_cast<int64_t>(it->file_size(ec));
        auto mtime = it->last_write_time(ec).time_since_epoch().count();
        manifest += rel + "\n" + std::to_string(size) + "\n" + std::to_string(mtime) + "\n";
        files.emplace_back(rel, size);
      }
      if (ec) return Status::Failed("cannot read input directory " + source + ": " + ec.message());
      std::string prefix = root + "/.stage/" + aws::Sha256Hex(manifest).substr(0, 32) + "/" + base + "/";
      for (const auto& [rel, size] : files)
        FERRY_RETURN_IF_ERROR(
            UploadFile((fs::path(source) / rel).string(), size, prefix + rel).WithPrefix("staging input " + source));
      st->url = Url(prefix);
      st->is_dir = true;
      return Status::Ok();
    }
    int64_t size = static_cast<int64_t>(fs::file_size(source, ec));
    if (ec) return Status::Failed("cannot read input " + source + ": " + ec.message());
    std::string md5;
    FERRY_RETURN_IF_ERROR(aws::ContentEtag(source, size, aws::kSinglePartLayout, &md5).WithPrefix("staging input"));
    std::string key = root + "/.stage/" + md5 + "/" + base;
    FERRY_RETURN_IF_ERROR(UploadFile(source, size, key, md5).WithPrefix("staging input " + source));
    st->url = Url(key);
    return Status::Ok();
  }

  // ---- staging one task (pool thread) --------------------------------------
  void Stage(uint64_t id, TaskRun run) {
    std::string job_def;
    // A retry's directives may ask for more than Fargate has: checked first,
    // so the message naming the task and the fix is the one reported.
    Status s = opt.fargate ? CheckFargateTask(run) : Status::Ok();
    if (s.ok()) s = ResolveJobDefinition(run, &job_def);
    TaskScript script;
    script.work_url = TrimSlash(run.work_dir);
    script.outputs = run.outputs;
    for (const auto& late : run.late_outputs) script.late_outputs.push_back({late.name, late.path, late.pattern});
    script.env = run.env;
    for (const auto& [source, name] : run.inputs) {
      if (!s.ok()) break;
      auto st = StageInput(source);
      if (!st->status.ok()) {
        s = st->status;
        break;
      }
      script.inputs.push_back({st->url, name, st->is_dir});
    }
    if (s.ok() && !opt.bin_dir.empty()) {
      // Staged once per run, like an input every task shares.
      auto st = StageInput(opt.bin_dir);
      if (st->status.ok()) script.bin_url = st->url;
      else s = st->status.WithPrefix("staging the pipeline's bin/");
    }
    aws::S3Location work;
    if (s.ok()) s = aws::ParseS3Uri(script.work_url + "/", &work);
    // A .exitcode left from an earlier attempt in this dir would be taken
    // for this job's.
    if (s.ok()) WithRetries(stop, [&] { return s3->DeleteObject(work.bucket, work.key + ".exitcode"); });
    if (s.ok()) s = WithRetries(stop, [&] { return s3->PutSmall(work.bucket, work.key + ".command.sh", run.script); });
    if (s.ok()) {
      std::string text = CommandRun(wrapper, script);
      s = WithRetries(stop, [&] { return s3->PutSmall(work.bucket, work.key + ".command.run", text); });
    }
    std::lock_guard<std::mutex> l(mu);
    auto it = tasks.find(id);
    if (it == tasks.end() || it->second.state != State::kStaging) return;
    Task& t = it->second;
    if (!t.run.array_key.empty()) staging_by_key[t.run.array_key]--;
    if (!s.ok()) {
      FinishLocked(t, SubmitFailed("task " + t.run.name + ": " + s.message()));
      return;
    }
    t.job_def = job_def;
    t.state = State::kStaged;
    staged.push_back(id);
    cv.notify_all();
  }

  // ---- submission (driver thread) ------------------------------------------
  // Submits ready jobs for up to `budget_ms`; returns true if any was sent.
  void SubmitReady(int64_t budget_ms) {
    int64_t deadline = NowMs() + budget_ms;
    while (!stop && NowMs() < deadline) {
      std::vector<uint64_t> group;
      TaskRun first;
      std::string job_def;
      {
        std::lock_guard<std::mutex> l(mu);
        if (staged.empty()) return;
        std::vector<const TaskRun*> runs;
        std::vector<uint64_t> ids;
        for (uint64_t id : staged) {
          runs.push_back(&tasks[id].run);
          ids.push_back(id);
        }
        std::vector<std::vector<size_t>> jobs = GroupJobs(runs);
        // The first job whose array group is complete (no sibling still
        // staging, or the group is full).
        for (const auto& j : jobs) {
          const TaskRun& r = *runs[j[0]];
          bool ready = r.array_key.empty() || staging_by_key[r.array_key] <= 0 ||
                       static_cast<int>(j.size()) >= std::min(r.array_size, 10000);
          if (!ready) continue;
          for (size_t k : j) group.push_back(ids[k]);
          break;
        }
        if (group.empty()) return;
        std::set<uint64_t> taken(group.begin(), group.end());
        staged.erase(std::remove_if(staged.begin(), staged.end(), [&](uint64_t id) { return taken.count(id); }),
                     staged.end());
        first = tasks[group[0]].run;
        job_def = tasks[group[0]].job_def;
      }
      SubmitGroup(group, first, job_def);
    }
  }

  void SubmitGroup(const std::vector<uint64_t>& group, const TaskRun& first, const std::string& job_def) {
    json req;
    std::string index_key;
    if (group.size() == 1) {
      req = SubmitJobRequest(first, job_def, JobCommand(wrapper, TrimSlash(first.work_dir)), submit_settings);
    } else {
      std::vector<std::string> urls;
      {
        std::lock_guard<std::mutex> l(mu);
        for (uint64_t id : group) urls.push_back(TrimSlash(tasks[id].run.work_dir));
        index_key = root + "/.arrays/" + std::to_string(NowMs()) + "-" + std::to_string(++array_seq) + ".txt";
      }
      std::string text = ArrayIndex(urls);
      Status s = WithRetries(stop, [&] { return s3->PutSmall(bucket, index_key, text); });
      if (!s.ok()) {
        Requeue(group, s, false);
        return;
      }
      req = SubmitJobRequest(first, job_def, ArrayJobCommand(wrapper, Url(index_key)), submit_settings,
                             static_cast<int>(group.size()));
    }
    const std::string job_name = req["jobName"].get<std::string>();
    if (journal) {
      // The intent is committed before the job exists, so a ferry killed
      // during the call leaves a row a later run can look the name up by.
      std::vector<JournalJob> intents;
      {
        std::lock_guard<std::mutex> l(mu);
        for (size_t i = 0; i < group.size(); i++) {
          const TaskRun& r = tasks[group[i]].run;
          JournalJob j;
          j.run_id = run_id;
          j.hash = r.hash;
          j.attempt = r.attempt;
          j.task_id = r.id;
          j.name = r.name;
          j.process = r.process;
          j.work_dir = TrimSlash(r.work_dir);
          j.queue = r.queue;
          j.job_name = job_name;
          j.array_index = group.size() > 1 ? static_cast<int>(i) : -1;
          intents.push_back(std::move(j));
        }
      }
      Status js = journal->RecordIntents(intents);
      if (!js.ok()) {
        std::lock_guard<std::mutex> l(mu);
        JournalWarning(js);
      }
    }
    std::string job_id;
    aws::AwsError err;
    Status s = batch->SubmitJob(req, &job_id, &err);
    if (!s.ok()) {
      Requeue(group, s, err.http_status >= 400 && err.http_status < 500 && err.code != "TooManyRequestsException");
      return;
    }
    Status js = journal ? journal->RecordSubmitted(run_id, job_name, job_id) : Status::Ok();
    std::lock_guard<std::mutex> l(mu);
    if (!js.ok()) JournalWarning(js);
    int64_t now = NowMs();
    tasks_submitted += static_cast<int64_t>(group.size());
    if (group.size() > 1) {
      array_jobs++;
      ArrayJob& a = arrays[job_id];
      a.tasks = group;
      a.submit_ms = now;
      a.last_children_ms = now;
      a.status = "SUBMITTED";
    }
    for (size_t i = 0; i < group.size(); i++) {
      Task& t = tasks[group[i]];
      t.state = State::kSubmitted;
      t.submit_ms = now;
      t.waiting_since = now;
      t.status = "SUBMITTED";
      if (group.size() > 1) {
        t.parent = job_id;
        t.job_id = job_id + ":" + std::to_string(i);
      } else {
        t.job_id = job_id;
      }
    }
  }

  // A submission that failed: tried again later unless Batch refused the
  // request itself, or it keeps failing.
  void Requeue(const std::vector<uint64_t>& group, const Status& s, bool permanent) {
    std::lock_guard<std::mutex> l(mu);
    for (uint64_t id : group) {
      Task& t = tasks[id];
      if (permanent || ++t.submit_failures >= kRetries) {
        FinishLocked(t, SubmitFailed("task " + t.run.name + ": AWS Batch did not accept the job: " + s.message()));
      } else {
        staged.push_back(id);
      }
    }
  }

  // ---- watching jobs (driver thread) ---------------------------------------
  void PollJobs() {
    std::vector<std::string> ids;
    {
      std::lock_guard<std::mutex> l(mu);
      int64_t now = NowMs();
      // Jobs that can finish soon (starting or running) and waiting jobs
      // whose backoff is over are described; spare room in the last call of
      // 100 ids goes to the waiting jobs submitted first (Batch starts jobs
      // in order), so long queues cost few calls.
      std::vector<std::pair<int64_t, std::string>> waiting;
      for (auto& [id, t] : tasks) {
        if (t.state != State::kSubmitted || !t.parent.empty()) continue;
        if (t.status == "STARTING" || t.status == "RUNNING" || t.next_check_ms <= now) ids.push_back(t.job_id);
        else waiting.emplace_back(t.submit_ms, t.job_id);
      }
      for (auto& [pid, a] : arrays)
        if (!IsTerminalStatus(a.status) || a.finished_seen < static_cast<int>(a.tasks.size())) ids.push_back(pid);
      if (!ids.empty() && ids.size() % 100 != 0) {
        std::sort(waiting.begin(), waiting.end());
        for (size_t i = 0; i < waiting.size() && ids.size() % 100 != 0; i++) ids.push_back(waiting[i].second);
      }
    }
    if (ids.empty()) return;
    std::vector<json> jobs;
    if (!batch->DescribeJobs(ids, &jobs).ok()) return;  // tried again next interval
    std::vector<std::string> children;
    int64_t now = NowMs();
    {
      std::lock_guard<std::mutex> l(mu);
      std::map<std::string, uint64_t> by_job;
      for (auto& [id, t] : tasks)
        if (t.state == State::kSubmitted && t.parent.empty()) by_job[t.job_id] = id;
      for (const json& j : jobs) {
        std::string jid = JsonStr(j, "jobId");
        auto a = arrays.find(jid);
        if (a != arrays.end()) {
          NoteArray(a->second, jid, j, now, &children);
          continue;
        }
        auto it = by_job.find(jid);
        if (it != by_job.end()) NoteJob(tasks[it->second], j, now);
      }
    }
    if (children.empty()) return;
    std::vector<json> kids;
    if (!batch->DescribeJobs(children, &kids).ok()) return;
    std::lock_guard<std::mutex> l(mu);
    for (const json& j : kids) {
      std::string jid = JsonStr(j, "jobId");
      size_t colon = jid.rfind(':');
      if (colon == std::string::npos) continue;
      auto a = arrays.find(jid.substr(0, colon));
      if (a == arrays.end()) continue;
      size_t index = static_cast<size_t>(std::atoll(jid.c_str() + colon + 1));
      if (index >= a->second.tasks.size()) continue;
      Task& t = tasks[a->second.tasks[index]];
      if (t.state != State::kSubmitted) continue;
      NoteJob(t, j, now);
      if (t.state != State::kSubmitted) a->second.finished_seen++;
    }
  }

  // mu held.
  void NoteArray(ArrayJob& a, const std::string& pid, const json& j, int64_t now, std::vector<std::string>* children) {
    a.status = JsonStr(j, "status");
    int finished = 0, started = 0;
    if (j.contains("arrayProperties") && j["arrayProperties"].contains("statusSummary")) {
      const json& sum = j["arrayProperties"]["statusSummary"];
      finished = static_cast<int>(JsonInt(sum, "SUCCEEDED") + JsonInt(sum, "FAILED"));
      started = finished + static_cast<int>(JsonInt(sum, "RUNNING") + JsonInt(sum, "STARTING"));
    }
    if (IsTerminalStatus(a.status)) finished = static_cast<int>(a.tasks.size());
    int size = static_cast<int>(a.tasks.size());
    int fresh = finished - a.finished_seen, unconcluded = size - a.finished_seen;
    // Children are described in full calls of 100: once 100 (or all that
    // are left) have newly finished, when the array has ended, or after 5
    // poll intervals with news, so an array of N costs about N/100 calls.
    // Batch starts children in index order, so the first unconcluded
    // children are the ones likely to have finished.
    bool due = fresh > 0 && (finished == size || fresh >= std::min(100, unconcluded) ||
                             now - a.last_children_ms >= 5 * opt.poll_interval_ms);
    if (due) {
      a.last_children_ms = now;
      int take = finished == size ? unconcluded : std::min(unconcluded, (fresh + 99) / 100 * 100);
      for (size_t i = 0; i < a.tasks.size() && take > 0; i++)
        if (auto t = tasks.find(a.tasks[i]); t != tasks.end() && t->second.state == State::kSubmitted) {
          children->push_back(pid + ":" + std::to_string(i));
          take--;
        }
    }
    if (started == 0 && !a.warned && opt.runnable_warning_ms > 0 && now - a.submit_ms >= opt.runnable_warning_ms &&
        !a.tasks.empty()) {
      a.warned = true;
      const TaskRun& r = tasks[a.tasks[0]].run;
      Say(RunnableWarning(r.name + " (array of " + std::to_string(size) + ")", j, r.queue, r.cpus, r.memory_bytes,
                          now - a.submit_ms));
    }
  }

  // mu held.
  void NoteJob(Task& t, const json& j, int64_t now) {
    std::string status = JsonStr(j, "status");
    // Stuck before starting, in whichever waiting status: the clock starts
    // when the job enters it (submission for SUBMITTED).
    if (IsWaitingStatus(status)) {
      if (t.status != status) t.waiting_since = now;
      if (!t.warned && opt.runnable_warning_ms > 0 && now - t.waiting_since >= opt.runnable_warning_ms) {
        t.warned = true;
        Say(RunnableWarning(t.run.name, j, t.run.queue, t.run.cpus, t.run.memory_bytes, now - t.waiting_since));
      }
    }
    // A waiting job that did not move is looked at less and less often (up
    // to every 8 poll intervals).
    t.unchanged = status == t.status ? std::min(t.unchanged + 1, 3) : 0;
    t.next_check_ms = now + opt.poll_interval_ms * (int64_t{1} << t.unchanged) - opt.poll_interval_ms / 2;
    t.status = status;
    if (!IsTerminalStatus(status)) return;
    t.state = State::kFinishing;
    uint64_t id = t.run.id;
    std::string work = TrimSlash(t.run.work_dir);
    pool->Post([this, id, work, j] { Conclude(id, work, j); });
  }

  // Pool thread: turn a finished job into a TaskResult.
  void Conclude(uint64_t id, const std::string& work, const json& job) {
    TaskResult r;
    r.native_id = JsonStr(job, "jobId");
    r.submit_ms = JsonInt(job, "createdAt");
    r.start_ms = JsonInt(job, "startedAt");
    r.end_ms = JsonInt(job, "stoppedAt");
    if (!r.end_ms) r.end_ms = NowMs();
    r.spot_retries = CountSpotRetries(job);
    aws::S3Location loc;
    std::string code;
    Status s = aws::ParseS3Uri(work + "/.exitcode", &loc);
    if (s.ok()) s = WithRetries(stop, [&] { return s3->GetSmall(loc.bucket, loc.key, &code); });
    std::string status = JsonStr(job, "status");
    std::string reason = JsonStr(job, "statusReason");
    const json container = job.contains("container") ? job["container"] : json::object();
    std::string report;
    if (s.ok() && !opt.cli_path.empty()) {
      // Uploaded before .exitcode, when the job's CLI could measure (never
      // by the aws CLI, which jobs without a cliPath run).
      aws::S3Location at;
      if (aws::ParseS3Uri(work + "/" + kUsageReportFile, &at).ok())
        WithRetries(stop, [&] { return s3->GetSmall(at.bucket, at.key, &report); });
    }
    r.usage = JobUsage(job, report);
    if (s.ok()) {
      try {
        r.exit_code = std::stoi(code);
      } catch (const std::exception&) {
        r.exit_code = 1;
      }
      if (status == "FAILED" && reason.rfind("Job attempt duration exceeded timeout", 0) == 0) {
        r.outcome = TaskResult::Outcome::kTimedOut;
        r.message = "AWS Batch stopped the job: " + reason;
      }
    } else if (status == "SUCCEEDED") {
      // The container exited 0 without running the task: a failure, not
      // "missing output" later.
      r.exit_code = 1;
      r.message = RanNothingMessage(job, JobSource{Cli()}, "the task's command never ran (it left no .exitcode)");
    } else if (reason.rfind("Job attempt duration exceeded timeout", 0) == 0) {
      r.outcome = TaskResult::Outcome::kTimedOut;
      r.message = "AWS Batch stopped the job: " + reason;
    } else {
      r.exit_code = container.contains("exitCode") && container["exitCode"].is_number_integer()
                        ? container["exitCode"].get<int>()
                        : -1;
      std::string group = opt.logs_group.empty() ? "/aws/batch/job" : opt.logs_group;
      std::string stream = LogStreamOf(job);
      std::vector<std::string> lines;
      std::string note;
      if (!logs) {
        note = "not read";
      } else if (stream.empty()) {
        note = "the job has no log stream (it never started)";
      } else {
        std::vector<aws::LogEvent> events;
        Status ls = logs->Tail(group, stream, 20, &events);
        if (!ls.ok()) note = ls.message();
        for (auto& e : events) lines.push_back(e.message);
      }
      r.message = UnknownFailureMessage(job, group, lines, note, JobSource{Cli()});
    }
    std::lock_guard<std::mutex> l(mu);
    auto it = tasks.find(id);
    if (it == tasks.end() || it->second.state != State::kFinishing) return;
    FinishLocked(it->second, std::move(r));
  }

  // ---- the driver ----------------------------------------------------------
  void Run() {
    while (!stop) {
      {
        std::lock_guard<std::mutex> l(mu);
        while (!queued.empty() && in_flight < static_cast<size_t>(std::max(1, opt.queue_size))) {
          uint64_t id = queued.front();
          queued.pop_front();
          Task& t = tasks[id];
          t.state = State::kStaging;
          in_flight++;
          if (!t.run.array_key.empty()) staging_by_key[t.run.array_key]++;
          TaskRun run = t.run;
          pool->Post([this, id, run] { Stage(id, run); });
        }
      }
      SubmitReady(250);
      if (stop) break;
      if (NowMs() >= next_poll_ms) {
        next_poll_ms = NowMs() + std::max<int64_t>(50, opt.poll_interval_ms);
        PollJobs();
      }
      std::unique_lock<std::mutex> l(mu);
      int64_t wait = std::clamp<int64_t>(next_poll_ms - NowMs(), 1, 200);
      cv.wait_for(l, std::chrono::milliseconds(wait), [&] {
        return stop || !staged.empty() ||
               (!queued.empty() && in_flight < static_cast<size_t>(std::max(1, opt.queue_size)));
      });
    }
  }
};

AwsBatchExecutor::AwsBatchExecutor(AwsBatchOptions options, std::shared_ptr<aws::BatchClient> batch,
                                   std::shared_ptr<aws::S3Client> s3, std::shared_ptr<aws::LogsClient> logs)
    : impl_(std::make_unique<Impl>()) {
  Impl& m = *impl_;
  m.opt = std::move(options);
  m.batch = std::move(batch);
  m.s3 = std::move(s3);
  m.logs = std::move(logs);
  m.wrapper.cli_path = m.opt.cli_path;
  m.wrapper.region = m.opt.region;
  m.wrapper.endpoint_url = m.opt.endpoint_url;
  // The job's copies carry the objects' settings as this process's do.
  if (m.s3) m.wrapper.s3_flags = aws::S3CliFlags(m.s3->client().settings().s3);
  m.wrapper.max_parallel_transfers = m.opt.max_parallel_transfers;
  m.wrapper.max_transfer_attempts = m.opt.max_transfer_attempts;
  m.wrapper.delay_between_attempts_ms = m.opt.delay_between_attempts_ms;
  m.submit_settings.max_spot_attempts = m.opt.max_spot_attempts;
  m.submit_settings.retry_mode = m.opt.retry_mode;
  m.submit_settings.max_transfer_attempts = m.opt.max_transfer_attempts;
  m.jd_settings.cli_path = m.opt.cli_path;
  m.jd_settings.volumes = m.opt.volumes;
  m.jd_settings.job_role = m.opt.job_role;
  m.jd_settings.logs_group = m.opt.logs_group;
  m.jd_settings.fargate = m.submit_settings.fargate = m.opt.fargate;
  m.jd_settings.execution_role = m.opt.execution_role;
  m.jd_settings.assign_public_ip = m.opt.assign_public_ip;
  m.jd_settings.platform_version = m.opt.fargate_platform_version;
  m.submit_settings.share_identifier = m.opt.share_identifier;
  m.submit_settings.scheduling_priority = m.opt.scheduling_priority;
  aws::S3Location loc;
  if (aws::ParseS3Uri(TrimSlash(m.opt.bucket_dir) + "/", &loc).ok()) {
    m.bucket = loc.bucket;
    m.root = TrimSlash(loc.key);
  }
  m.wake_fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
  m.pool = std::make_unique<WorkPool>(8);
}

AwsBatchExecutor::~AwsBatchExecutor() {
  Impl& m = *impl_;
  m.stop = true;
  m.cv.notify_all();
  if (m.driver.joinable()) m.driver.join();
  m.pool->Stop();
  if (m.wake_fd >= 0) close(m.wake_fd);
}

Status AwsBatchExecutor::Preflight(const std::vector<TaskRun>& planned) {
  Impl& m = *impl_;
  std::set<std::string> queues, named_defs, noted;
  for (const TaskRun& r : planned) {
    std::string task = r.process.empty() ? r.name : r.process;
    if (r.queue.empty())
      return Status::Invalid("process " + task +
                             ": the awsbatch executor needs a job queue: set `queue` in the process scope (or "
                             "in the config's process defaults)");
    if (r.container.empty())
      return Status::Invalid("process " + task +
                             ": the awsbatch executor needs a container image: set `container` in the process "
                             "scope (an image, or job-definition://NAME to use an existing job definition)");
    queues.insert(r.queue);
    std::string def = JobDefinitionUri(r.container);
    if (!def.empty()) named_defs.insert(def);
    if (m.opt.fargate) {
      FERRY_RETURN_IF_ERROR(CheckFargateTask(r));
      FargateSize size;
      if (FargateSizeFor(std::max(1, r.cpus), r.memory_bytes, &size).ok() && size.rounded &&
          noted.insert(task).second && m.opt.on_message)
        m.opt.on_message(FargateRoundingNote(r, size));
    }
  }
  for (const auto& v : m.opt.volumes) {
    VolumeMount mount;
    FERRY_RETURN_IF_ERROR(ParseVolume(v, &mount));
  }
  std::string region = m.opt.region.empty() ? m.batch->client().region() : m.opt.region;
  for (const auto& q : queues) {
    json described;
    Status s = m.batch->CheckJobQueue(q, region, &described);
    if (s.kind() == Status::Kind::kNotFound)
      return Status::Invalid(s.message() +
                             ": the region must be the one where your Batch compute environment and queue were "
                             "created (set aws.region), or fix the process's `queue`");
    if (s.kind() == Status::Kind::kInvalidInput) return s;
    if (!s.ok()) return s.WithPrefix("checking the AWS Batch job queues");
    // Batch would refuse every SubmitJob: said before the first.
    FERRY_RETURN_IF_ERROR(CheckFairShare(described, q, m.opt.share_identifier, m.opt.scheduling_priority));
  }
  for (const auto& name : named_defs) {
    std::vector<json> defs;
    Status s = m.batch->FindUsableJobDefinitions(name, &defs);
    if (!s.ok()) return s.WithPrefix("checking job definition '" + name + "'");
    if (defs.empty())
      return Status::Invalid("job definition '" + name + "' not found in region " + region +
                             ": register it there (aws batch register-job-definition) or fix the name in "
                             "container 'job-definition://" +
                             name + "'");
    if (m.opt.fargate) {
      // The revision a job gets: the one named, or the newest ACTIVE one.
      const json* newest = &defs[0];
      for (const json& d : defs)
        if (JsonInt(d, "revision") > JsonInt(*newest, "revision")) newest = &d;
      const json caps = newest->value("platformCapabilities", json::array());
      if (std::find(caps.begin(), caps.end(), "FARGATE") == caps.end())
        return Status::Invalid("job definition '" + name +
                               "' is not for Fargate (its platformCapabilities lack FARGATE) and "
                               "aws.batch.platformType = 'fargate': register it with --platform-capabilities "
                               "FARGATE, or let ferry register one from an image (container 'IMAGE')");
    }
  }
  if (m.bucket.empty())
    return Status::Invalid(
        "the work directory '" + m.opt.bucket_dir +
        "' is not an s3:// URL: the awsbatch executor needs an S3 work dir (-bucket-dir s3://bucket/path)");
  std::string probe = (m.root.empty() ? "" : m.root + "/") + ".ferry-probe-" + std::to_string(NowMs());
  Status s = WithRetries(m.stop, [&] { return m.s3->PutSmall(m.bucket, probe, "ferry write check\n"); });
  if (!s.ok()) {
    if (aws::IsAccessDenied(s))
      return Status::Invalid(
          "cannot write to the work directory " + m.opt.bucket_dir + ": s3:PutObject was denied on bucket '" +
          m.bucket +
          "'. Check that your credentials allow s3:PutObject, s3:GetObject, s3:DeleteObject and "
          "s3:ListBucket on it (IAM policy and bucket policy), and that the bucket is in your account"
          " or shared with it");
    if (aws::IsNoSuchBucket(s))
      return Status::Invalid("the work directory's bucket '" + m.bucket + "' does not exist (create it, or fix " +
                             m.opt.bucket_dir_origin + ")");
    return s.WithPrefix("checking that the work directory " + m.opt.bucket_dir + " is writable");
  }
  WithRetries(m.stop, [&] { return m.s3->DeleteObject(m.bucket, probe); });
  return Status::Ok();
}

Status AwsBatchExecutor::Submit(const TaskRun& run) {
  Impl& m = *impl_;
  if (!aws::IsS3Uri(run.work_dir))
    return Status::Invalid("task " + run.name + ": the awsbatch executor needs an s3:// work dir, got '" +
                           run.work_dir + "'");
  std::lock_guard<std::mutex> l(m.mu);
  auto it = m.tasks.find(run.id);
  if (it != m.tasks.end() && it->second.state != Impl::State::kDone)
    return Status::Invalid("task id " + std::to_string(run.id) + " is already running");
  Impl::Task t;
  t.run = run;
  auto adopted = run.attempt == 1 ? m.adoptable.find(run.hash) : m.adoptable.end();
  if (adopted != m.adoptable.end()) {
    // Already in Batch from an earlier run: watched from its current
    // status, with nothing staged or submitted.
    AdoptedJob& a = adopted->second;
    int64_t now = NowMs();
    t.state = Impl::State::kSubmitted;
    t.job_id = a.job_id;
    t.terminate_id = a.terminate_id;
    t.status = a.status;
    t.submit_ms = a.origin.created_ms ? a.origin.created_ms : now;
    t.waiting_since = now;
    t.origin = std::make_unique<JournalJob>(a.origin);
    m.adoptable.erase(adopted);
    m.in_flight++;
    m.tasks[run.id] = std::move(t);
  } else {
    m.tasks[run.id] = std::move(t);
    m.queued.push_back(run.id);
  }
  m.outstanding++;
  if (!m.driver.joinable()) m.driver = std::thread([&m] { m.Run(); });
  m.cv.notify_all();
  return Status::Ok();
}

Status AwsBatchExecutor::Poll(int timeout_ms, std::vector<TaskResult>* finished) {
  Impl& m = *impl_;
  auto drain = [&] {
    std::vector<TaskResult> out;
    std::vector<std::string> msgs;
    {
      std::lock_guard<std::mutex> l(m.mu);
      out.swap(m.outbox);
      msgs.swap(m.messages);
      m.outstanding -= std::min(m.outstanding, out.size());
    }
    uint64_t v;
    ssize_t rd = read(m.wake_fd, &v, sizeof v);
    (void)rd;
    if (m.opt.on_message)
      for (auto& s : msgs) m.opt.on_message(s);
    for (auto& r : out) finished->push_back(std::move(r));
    return !out.empty();
  };
  if (drain()) return Status::Ok();
  pollfd fds[2] = {{m.wake_fd, POLLIN, 0}, {InterruptFd(), POLLIN, 0}};
  int rc = poll(fds, 2, std::max(0, timeout_ms));
  (void)rc;
  drain();
  return Status::Ok();
}

size_t AwsBatchExecutor::running() const {
  std::lock_guard<std::mutex> l(impl_->mu);
  return impl_->outstanding;
}

void AwsBatchExecutor::AbortAll(int grace_ms, std::vector<TaskResult>* aborted) {
  Impl& m = *impl_;
  int64_t deadline = NowMs() + std::max(0, grace_ms);
  m.stop = true;
  m.cv.notify_all();
  if (m.driver.joinable()) m.driver.join();
  m.pool->Stop();  // staging in progress ends; nothing new starts
  std::vector<std::string> to_end;
  {
    std::lock_guard<std::mutex> l(m.mu);
    std::set<std::string> seen;
    for (auto& [id, t] : m.tasks) {
      if (t.state != Impl::State::kSubmitted && t.state != Impl::State::kFinishing) continue;
      std::string jid = !t.terminate_id.empty() ? t.terminate_id : t.parent.empty() ? t.job_id : t.parent;
      if (!jid.empty() && seen.insert(jid).second) to_end.push_back(jid);
    }
  }
  // TerminateJob for all at once (paced by the limiter), then wait for
  // Batch to report them ended; a terminate that failed is sent again.
  std::mutex dm;
  std::set<std::string> unsent;
  {
    std::condition_variable dcv;
    size_t done = 0;
    for (const auto& jid : to_end)
      m.batch->CallAsync("TerminateJob", {{"jobId", jid}, {"reason", "ferry run interrupted"}},
                         [&, jid](Status s, json) {
                           std::lock_guard<std::mutex> l(dm);
                           if (!s.ok()) unsent.insert(jid);
                           done++;
                           dcv.notify_all();
                         });
    std::unique_lock<std::mutex> l(dm);
    dcv.wait(l, [&] { return done == to_end.size(); });
  }
  std::set<std::string> open(to_end.begin(), to_end.end());
  // Plain jobs that turn out to have finished successfully before the
  // terminate reached them: their tasks completed and are reported so.
  std::set<std::string> succeeded;
  while (!open.empty()) {
    for (auto it = unsent.begin(); it != unsent.end();)
      it = m.batch->TerminateJob(*it, "ferry run interrupted").ok() ? unsent.erase(it) : std::next(it);
    std::vector<json> jobs;
    if (m.batch->DescribeJobs(std::vector<std::string>(open.begin(), open.end()), &jobs).ok()) {
      std::set<std::string> known;
      for (const json& j : jobs) {
        known.insert(JsonStr(j, "jobId"));
        if (JsonStr(j, "status") == "SUCCEEDED") succeeded.insert(JsonStr(j, "jobId"));
        if (IsTerminalStatus(JsonStr(j, "status"))) open.erase(JsonStr(j, "jobId"));
      }
      // Jobs Batch no longer knows about are not running either.
      for (auto it = open.begin(); it != open.end();) it = known.count(*it) ? std::next(it) : open.erase(it);
    }
    if (open.empty() || NowMs() >= deadline) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(std::clamp<int64_t>(deadline - NowMs(), 1, 250)));
  }
  std::lock_guard<std::mutex> l(m.mu);
  for (auto& r : m.outbox) aborted->push_back(std::move(r));
  m.outbox.clear();
  int64_t now = NowMs();
  for (auto& [id, t] : m.tasks) {
    if (t.state == Impl::State::kDone) continue;
    // A job confirmed ended needs nothing from a later run; one still
    // active stays open in the journal for -resume or `ferry kill`.
    std::string jid = !t.terminate_id.empty() ? t.terminate_id : t.parent.empty() ? t.job_id : t.parent;
    if (!jid.empty() && !open.count(jid)) m.JournalEnded(t);
    TaskResult r;
    r.id = id;
    r.outcome = TaskResult::Outcome::kAborted;
    r.native_id = t.job_id;
    r.submit_ms = t.submit_ms;
    r.end_ms = now;
    r.message = "stopped: the run was interrupted";
    if (t.parent.empty() && succeeded.count(t.job_id)) {
      // The wrapper exits 0 only when the task did, after its outputs and
      // .exitcode were uploaded.
      r.outcome = TaskResult::Outcome::kExited;
      r.exit_code = 0;
      r.message.clear();
    }
    aborted->push_back(std::move(r));
    t.state = Impl::State::kDone;
  }
  m.tasks.clear();
  m.queued.clear();
  m.staged.clear();
  m.outstanding = 0;
}

void AwsBatchExecutor::UseJournal(std::shared_ptr<JobJournal> journal, int64_t run_id, const std::string& run_name,
                                  const std::string& pipeline) {
  Impl& m = *impl_;
  std::lock_guard<std::mutex> l(m.mu);
  m.journal = std::move(journal);
  m.run_id = run_id;
  m.submit_settings.run_name = run_name;
  m.submit_settings.pipeline = pipeline;
}

void AwsBatchExecutor::Adopt(std::vector<AdoptedJob> jobs) {
  Impl& m = *impl_;
  std::lock_guard<std::mutex> l(m.mu);
  for (auto& j : jobs) {
    std::string hash = j.origin.hash;
    m.adoptable.emplace(std::move(hash), std::move(j));
  }
}

Status AwsBatchExecutor::JournalEnds() {
  Impl& m = *impl_;
  std::vector<JobKey> keys;
  std::shared_ptr<JobJournal> journal;
  {
    std::lock_guard<std::mutex> l(m.mu);
    keys.swap(m.ended);
    journal = m.journal;
  }
  return journal ? journal->RecordEnded(keys) : Status::Ok();
}

AwsBatchStats AwsBatchExecutor::stats() const {
  Impl& m = *impl_;
  AwsBatchStats s;
  s.calls_by_operation = m.batch->calls_by_operation();
  s.peak_submit_per_second = m.batch->limiter().peak_per_second();
  s.submit_rate_limit = m.batch->limiter().configured();
  s.throttled = m.batch->throttled_calls();
  std::lock_guard<std::mutex> l(m.mu);
  s.tasks_submitted = m.tasks_submitted;
  s.array_jobs = m.array_jobs;
  s.spot_retries = m.spot_retries;
  return s;
}

}  // namespace ferry
