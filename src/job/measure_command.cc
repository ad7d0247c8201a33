#include "job/measure_command.h"

#include <pthread.h>
#include <signal.h>

#include <cstdio>
#include <cstdlib>
#include <thread>

#include "aws/env.h"
#include "aws/imds.h"
#include "cmdline/help_text.h"
#include "executor/task_meter.h"
#include "executor/usage_report.h"
#include "util/atomic_file.h"
#include "util/text.h"

namespace ferry {

namespace {

int UsageError(const std::string& why) {
  std::fprintf(stderr, "ferry measure: %s\nusage: %s\n", why.c_str(),
               cmdline::UsageLines(MeasureTable()).front().c_str());
  return 2;
}

}  // namespace

const cmdline::Command& MeasureTable() {
  static const cmdline::Command kTable = [] {
    cmdline::Command c =
        cmdline::MakeCommand("measure", {"FILE -- COMMAND [ARG...]", "--check"},
                             "run a command and write what it used to FILE (what Batch jobs run their tasks under)",
                             {cmdline::Flag("--check", "say that this CLI can measure, and exit")});
    c.details =
        "Runs COMMAND, forwarding SIGTERM, SIGINT and SIGHUP to it, and exits as it did. FILE then\n"
        "holds its CPU time, peak RSS, I/O counters, peak processes and threads, and the host's\n"
        "instance type when the instance metadata service answers. ferry's Batch jobs run each task\n"
        "this way when aws.batch.cliPath is ferry or ferry-job, and upload FILE as .command.usage.";
    c.passthrough = true;
    c.positional = cmdline::ValueKind::kFile;
    return c;
  }();
  return kTable;
}

int MeasureCommand(const std::vector<std::string>& args) {
  cmdline::Parsed p;
  Status s = cmdline::Parse(MeasureTable(), args, &p);
  if (p.help) {
    std::fputs(cmdline::HelpText(MeasureTable()).c_str(), stdout);
    return 0;
  }
  if (!s.ok()) return UsageError(s.message());
  if (p.Has("--check")) {
    std::printf("%s\n", kMeasureReady);
    return 0;
  }
  if (p.positional.size() != 1) return UsageError("name one FILE to write the report to");
  if (p.passthrough.empty()) return UsageError("no COMMAND after --");
  const std::string& report = p.positional[0];

  // The look-up thread must never take a signal meant for the task (a
  // TERM delivered to it would end this process unforwarded): it starts
  // with every signal blocked.
  std::string instance_type;
  sigset_t all, saved;
  sigfillset(&all);
  pthread_sigmask(SIG_BLOCK, &all, &saved);
  std::thread lookup([&instance_type] {
    aws::ProcessEnv env;
    aws::ImdsClient imds(env);
    std::string body;
    if (imds.Get("meta-data/instance-type", &body).ok()) instance_type = std::string(Trim(body));
  });
  pthread_sigmask(SIG_SETMASK, &saved, nullptr);

  MeteredRun run;
  Status ran = RunMetered(p.passthrough, &run);
  lookup.join();
  if (!ran.ok()) {
    std::fprintf(stderr, "ferry measure: %s\n", ran.message().c_str());
    return 127;
  }
  run.usage.instance_type = instance_type;
  const char* job = std::getenv("AWS_BATCH_JOB_ID");
  Status w = WriteFileAtomically(report, FormatUsageReport(run.usage, job ? job : ""));
  // The task's own result matters more than its figures: say so, go on.
  if (!w.ok()) std::fprintf(stderr, "ferry measure: cannot write %s: %s\n", report.c_str(), w.message().c_str());
  return run.exit_code;
}

}  // namespace ferry
