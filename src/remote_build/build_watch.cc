#include "remote_build/build_watch.h"

#include <poll.h>

#include <algorithm>
#include <chrono>
#include <thread>

#include "remote_build/build_signals.h"

namespace ferry::remote_build {

namespace {

// Consecutive failed status checks after which watching gives up.
constexpr int kMaxDescribeFailures = 5;

int64_t NowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

void PrintEvents(const std::vector<aws::LogEvent>& events, std::FILE* out, std::vector<std::string>* tail) {
  for (const auto& e : events) {
    std::string m = e.message;
    while (!m.empty() && (m.back() == '\n' || m.back() == '\r')) m.pop_back();
    std::fprintf(out, "[batch] %s\n", m.c_str());
    tail->push_back(m);
  }
  if (tail->size() > kLogTailLines) tail->erase(tail->begin(), tail->end() - kLogTailLines);
  std::fflush(out);
}

std::string RequestedSize(const JobState& job) {
  std::string s;
  if (!job.vcpus.empty()) s += job.vcpus + " vCPUs";
  if (!job.memory_mib.empty()) s += (s.empty() ? "" : ", ") + job.memory_mib + " MiB";
  return s.empty() ? "the job definition's size" : s;
}

// Lines that may still arrive after the job ended: CloudWatch ingests with
// a delay, so read until two reads in a row bring nothing.
void ReadTail(aws::LogsClient& logs, const std::string& stream, aws::LogCursor* cursor, std::FILE* out, std::FILE* err,
              int pause_ms, std::vector<std::string>* tail) {
  int empty = 0;
  for (int i = 0; i < 10 && empty < 2; ++i) {
    std::vector<aws::LogEvent> events;
    Status s = logs.ReadNew(kBatchLogGroup, stream, cursor, &events);
    if (!s.ok()) {
      std::fprintf(err, "warning: could not read the job's log: %s\n", s.message().c_str());
      return;
    }
    PrintEvents(events, out, tail);
    empty = events.empty() ? empty + 1 : 0;
    if (empty < 2) std::this_thread::sleep_for(std::chrono::milliseconds(pause_ms));
  }
}

}  // namespace

void PrintWholeLog(aws::LogsClient& logs, const std::string& stream, std::FILE* out, std::FILE* err) {
  if (stream.empty()) return;
  aws::LogCursor cursor;
  std::vector<std::string> tail;
  ReadTail(logs, stream, &cursor, out, err, 200, &tail);
}

Status WatchJob(aws::BatchClient& batch, aws::LogsClient& logs, const std::string& job_id, const WatchOptions& o,
                WatchResult* result) {
  CancelPolicy policy(o.on_terminal);
  aws::LogCursor cursor;
  std::string last_status;
  int64_t next_describe = 0, next_logs = 0, runnable_since = -1;
  bool warned_runnable = false;
  int log_failures = 0, describe_failures = 0;
  JobState& job = result->job;
  if (o.handle_signals) InstallBuildSignalHandlers();

  for (;;) {
    int64_t now = NowMs();
    if (now >= next_describe) {
      std::vector<nlohmann::json> jobs;
      Status s = batch.DescribeJobs({job_id}, &jobs);
      if (!s.ok()) {
        // The client already retried; a network outage of a few polls is
        // still no reason to abandon a job that may run for hours.
        if (++describe_failures >= kMaxDescribeFailures) return s.WithPrefix("checking on job " + job_id);
        std::fprintf(o.err, "warning: checking on the job failed (%s); trying again\n", s.message().c_str());
        next_describe = now + o.poll_ms;
        continue;
      }
      describe_failures = 0;
      if (jobs.empty())
        return Status::NotFound("AWS Batch does not know job " + job_id +
                                " (a mistyped id, another region, or a job older than Batch keeps)");
      job = ParseJobState(jobs.front());
      if (job.status != last_status) {
        for (const auto& line : StatusChangeLines(last_status, job)) std::fprintf(o.err, "%s\n", line.c_str());
        std::fflush(o.err);
        last_status = job.status;
        if (o.on_status) o.on_status(job);
        runnable_since = job.status == "RUNNABLE" ? now : -1;
      }
      if (job.status == "RUNNABLE" && !warned_runnable && runnable_since >= 0 &&
          now - runnable_since >= o.runnable_warn_ms) {
        warned_runnable = true;
        std::fprintf(o.err,
                     "warning: the job has waited in RUNNABLE for %lld s. Queue %s may have no compute environment "
                     "able to run %s (check its maxvCpus and instance types, and that it is ENABLED and VALID)%s\n",
                     static_cast<long long>((now - runnable_since) / 1000), job.queue.c_str(),
                     RequestedSize(job).c_str(),
                     job.status_reason.empty() ? "" : ("; Batch says: " + job.status_reason).c_str());
        std::fflush(o.err);
      }
      next_describe = now + o.poll_ms;
      if (IsTerminal(job.status)) break;
      if (o.on_poll) o.on_poll();
    }
    if (o.stream_logs && !job.log_stream.empty() && now >= next_logs) {
      std::vector<aws::LogEvent> events;
      Status s = logs.ReadNew(kBatchLogGroup, job.log_stream, &cursor, &events);
      if (s.ok()) {
        log_failures = 0;
        PrintEvents(events, o.out, &result->log_tail);
      } else if (++log_failures == 10) {
        std::fprintf(o.err, "warning: could not read the job's log: %s\n", s.message().c_str());
      }
      next_logs = now + o.log_poll_ms;
    }

    int64_t wake = next_describe;
    if (o.stream_logs && !job.log_stream.empty()) wake = std::min(wake, next_logs);
    int timeout = static_cast<int>(std::max<int64_t>(0, wake - NowMs()));
    struct pollfd pfd = {BuildSignalFd(), POLLIN, 0};
    ::poll(&pfd, o.handle_signals && pfd.fd >= 0 ? 1 : 0, timeout);

    if (!o.handle_signals) continue;
    PendingSignals sig = TakeBuildSignals();
    if (sig.detaches > 0) {
      result->end = WatchEnd::kDetached;
      return Status::Ok();
    }
    for (int i = 0; i < sig.interrupts; ++i) {
      switch (policy.OnInterrupt(NowMs())) {
        case CancelPolicy::Action::kWarn:
          std::fprintf(o.err, "Press Control-C again within 10 seconds to cancel this job.\n");
          break;
        case CancelPolicy::Action::kCancel: {
          std::fprintf(o.err, "Canceling job...\n");
          Status s = batch.TerminateJob(job_id, "stopped by user");
          if (!s.ok()) return s.WithPrefix("canceling job " + job_id);
          result->canceled = true;
          std::fprintf(o.err,
                       "Waiting for job to stop... (Press Control-C one more time if you don't want to wait.)\n");
          break;
        }
        case CancelPolicy::Action::kExit: result->end = WatchEnd::kGaveUp; return Status::Ok();
      }
      std::fflush(o.err);
    }
  }

  if (o.stream_logs && !job.log_stream.empty())
    ReadTail(logs, job.log_stream, &cursor, o.out, o.err, 200, &result->log_tail);
  result->end = WatchEnd::kFinished;
  return Status::Ok();
}

}  // namespace ferry::remote_build
