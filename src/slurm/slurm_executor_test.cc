#include "slurm/slurm_executor.h"

#include <gtest/gtest.h>

#include <deque>
#include <fstream>
#include <set>

#include "store/job_journal.h"
#include "util/temp_dir_testing.h"

namespace ferry::slurm {
namespace {

// Answers Slurm commands from a script of replies, and records every call.
class FakeRunner : public CommandRunner {
 public:
  struct Call {
    std::vector<std::string> argv;
    std::string input;
  };
  Status Run(const std::vector<std::string>& argv, const std::string& input, CommandOutput* out) override {
    calls.push_back({argv, input});
    *out = CommandOutput{};
    out->exit_code = 0;
    if (missing.count(argv[0])) return Status::NotFound(argv[0] + " not found on PATH");
    if (argv[0] == "sbatch" && argv.size() > 1 && argv[1] == "--version") out->out = "slurm 22.05.8\n";
    else if (argv[0] == "sbatch") out->out = std::to_string(next_job++) + "\n";
    else if (argv[0] == "sinfo") out->out = sinfo;
    else if (argv[0] == "squeue") out->out = squeue;
    return Status::Ok();
  }
  long commands_run() const override { return static_cast<long>(calls.size()); }
  long Count(const std::string& cmd) const {
    long n = 0;
    for (const auto& c : calls) n += c.argv[0] == cmd;
    return n;
  }
  std::vector<Call> calls;
  std::set<std::string> missing;
  int next_job = 100;
  std::string sinfo = "debug*|localhost|2|4000|localhost\n", squeue;
};

class SlurmExecutorTest : public ferry::testing::TempDirTest {
 protected:
  void SetUp() override {
    TempDirTest::SetUp();
    runner = std::make_shared<FakeRunner>();
    o.poll_interval_ms = 1;
    o.submit_per_second = 0;  // unlimited
    o.exit_read_timeout_ms = 0;
    o.array_log_dir = dir() + "/logs";
    o.run_name = "brave_curie";
    o.on_message = [this](const std::string& m) { messages.push_back(m); };
    ex = std::make_unique<SlurmExecutor>(o, runner);
  }
  // The executor again, on a clock the test steps (pollInterval 1 s).
  void UseTestClock() {
    o.poll_interval_ms = 1000;
    o.clock = [this] { return now_ms; };
    ex = std::make_unique<SlurmExecutor>(o, runner);
  }
  // Steps the clock by step_ms up to `ms` later, polling (without waiting) at each step.
  std::vector<TaskResult> Advance(int64_t ms, int64_t step_ms = 100) {
    std::vector<TaskResult> got;
    for (int64_t end = now_ms + ms; now_ms < end;) {
      now_ms += step_ms;
      EXPECT_TRUE(ex->Poll(0, &got).ok());
    }
    return got;
  }
  TaskRun Task(uint64_t id, const std::string& sub) {
    TaskRun t;
    t.id = id;
    t.name = "t" + std::to_string(id);
    t.process = "p";
    t.work_dir = dir() + "/" + sub;
    std::filesystem::create_directories(t.work_dir);
    return t;
  }
  void WriteFile(const std::string& path, const std::string& text) { std::ofstream(path) << text; }
  // What a job that ended by itself leaves: the wrapper's .exitcode, then
  // the job script's end marker.
  void Ended(const TaskRun& t, int code) {
    WriteFile(t.work_dir + "/.exitcode", std::to_string(code));
    WriteFile(t.work_dir + "/.command.end", std::to_string(code) + "\n");
  }
  std::vector<TaskResult> PollOnce() {
    std::vector<TaskResult> got;
    EXPECT_TRUE(ex->Poll(50, &got).ok());
    return got;
  }
  SlurmOptions o;
  int64_t now_ms = 1'000'000;
  std::shared_ptr<FakeRunner> runner;
  std::unique_ptr<SlurmExecutor> ex;
  std::vector<std::string> messages;
};

TEST_F(SlurmExecutorTest, ExitStatusComesFromTheTasksExitcode) {
  TaskRun a = Task(1, "a"), b = Task(2, "b");
  ASSERT_TRUE(ex->Submit(a).ok());
  ASSERT_TRUE(ex->Submit(b).ok());
  runner->squeue = "100|RUNNING|None\n101|PENDING|Priority\n";
  EXPECT_TRUE(PollOnce().empty());
  EXPECT_EQ(runner->Count("sbatch"), 2);
  EXPECT_NE(runner->calls[0].input.find("/bin/bash .command.run\n"), std::string::npos);
  WriteFile(a.work_dir + "/.exitcode", "0");
  WriteFile(b.work_dir + "/.exitcode", "3");
  runner->squeue = "100|COMPLETED|None\n101|FAILED|NonZeroExitCode\n";
  std::vector<TaskResult> got = PollOnce();
  ASSERT_EQ(got.size(), 2u);
  EXPECT_EQ(got[0].exit_code, 0);
  EXPECT_EQ(got[0].native_id, "100");
  EXPECT_EQ(got[1].exit_code, 3);
  EXPECT_EQ(got[1].outcome, TaskResult::Outcome::kExited);
  EXPECT_EQ(ex->running(), 0u);
}

TEST_F(SlurmExecutorTest, OneSqueueCallPerPollWhateverTheNumberOfJobs) {
  UseTestClock();
  for (uint64_t i = 1; i <= 20; ++i) ASSERT_TRUE(ex->Submit(Task(i, "t" + std::to_string(i))).ok());
  for (int i = 100; i < 120; ++i) runner->squeue += std::to_string(i) + "|RUNNING|None\n";
  std::vector<TaskResult> got;
  ASSERT_TRUE(ex->Poll(0, &got).ok());
  EXPECT_EQ(runner->Count("sbatch"), 20);
  EXPECT_EQ(runner->Count("squeue"), 0);  // the first one pollInterval after the first job
  Advance(1000);
  EXPECT_EQ(runner->Count("squeue"), 1);
}

TEST_F(SlurmExecutorTest, SqueueBacksOffWhileTheFilesSayEverythingAndComesBackAfterASurprise) {
  UseTestClock();
  std::vector<TaskRun> runs;
  for (uint64_t i = 1; i <= 3; ++i) {
    runs.push_back(Task(i, "t" + std::to_string(i)));
    ASSERT_TRUE(ex->Submit(runs.back()).ok());
  }
  runner->squeue = "100|RUNNING|None\n101|RUNNING|None\n102|PENDING|Priority\n";
  // squeue confirms what the files say (nothing ended): 1, 2, 4, 8 s apart,
  // then at the cap of 12 x pollInterval: 7 calls in the first minute, not 60.
  EXPECT_TRUE(Advance(60000).empty());
  EXPECT_EQ(runner->Count("squeue"), 7);
  EXPECT_EQ(ex->squeue_interval_ms(), 12000);
  // A job that exits 0 is done on its .exitcode's word, with no Slurm command.
  long before = static_cast<long>(runner->calls.size());
  Ended(runs[0], 0);
  std::vector<TaskResult> got = Advance(1000);
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0].id, 1u);
  EXPECT_EQ(got[0].exit_code, 0);
  EXPECT_EQ(static_cast<long>(runner->calls.size()), before);
  EXPECT_EQ(ex->stats().ended_by_files, 1);
  // A job cancelled without writing anything: the next squeue (at most the
  // cap away: it is due 63.1 s in) catches it, and the interval is back to
  // pollInterval.
  runner->squeue = "100|COMPLETED|None\n101|CANCELLED|None\n102|RUNNING|None\n";
  got = Advance(3000);
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0].id, 2u);
  EXPECT_EQ(got[0].outcome, TaskResult::Outcome::kAborted);
  EXPECT_NE(got[0].message.find("CANCELLED"), std::string::npos) << got[0].message;
  EXPECT_EQ(ex->squeue_interval_ms(), 1000);
  long squeues = runner->Count("squeue");
  Advance(1000);
  EXPECT_EQ(runner->Count("squeue"), squeues + 1);
}

TEST_F(SlurmExecutorTest, ANonZeroExitcodeAsksSqueueAtOnceForWhatItMeans) {
  UseTestClock();
  TaskRun a = Task(1, "a"), b = Task(2, "b");
  a.memory_bytes = 50 * 1024 * 1024;
  ASSERT_TRUE(ex->Submit(a).ok());
  ASSERT_TRUE(ex->Submit(b).ok());
  runner->squeue = "100|RUNNING|None\n101|RUNNING|None\n";
  Advance(60000);  // the interval is at its cap now
  long squeues = runner->Count("squeue");
  // Killed over memory: the wrapper's trap still wrote a status.
  WriteFile(a.work_dir + "/.exitcode", "137");
  WriteFile(a.work_dir + "/.command.log", "error: StepId=100.batch exceeded memory limit (99323904 > 52428800)\n");
  runner->squeue = "100|OUT_OF_MEMORY|OutOfMemory\n101|RUNNING|None\n";
  std::vector<TaskResult> got = Advance(1000);
  EXPECT_EQ(runner->Count("squeue"), squeues + 1);
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0].outcome, TaskResult::Outcome::kAborted);
  EXPECT_NE(got[0].message.find("out of memory"), std::string::npos) << got[0].message;
  // A surprise it was not: the files said first.
  EXPECT_EQ(ex->squeue_interval_ms(), 12000);
}

TEST_F(SlurmExecutorTest, AnExitcodeZeroWithoutTheEndMarkerWaitsForSlurmsWord) {
  // Killed at its time limit, bash's EXIT trap still wrote .exitcode 0; the
  // job script, killed too, wrote no end marker: squeue says what happened.
  o.exit_read_timeout_ms = 20000;
  UseTestClock();
  TaskRun a = Task(1, "a");
  a.time_limit_ms = 60000;
  ASSERT_TRUE(ex->Submit(a).ok());
  runner->squeue = "100|RUNNING|None\n";
  Advance(30000);
  long squeues = runner->Count("squeue");
  WriteFile(a.work_dir + "/.exitcode", "0");
  runner->squeue = "100|COMPLETING|None\n";
  EXPECT_TRUE(Advance(1000).empty());
  EXPECT_EQ(runner->Count("squeue"), squeues + 1);
  runner->squeue = "100|TIMEOUT|TimeLimit\n";
  std::vector<TaskResult> got = Advance(1000);
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0].outcome, TaskResult::Outcome::kTimedOut);
  EXPECT_NE(got[0].message.find("Slurm TIMEOUT"), std::string::npos) << got[0].message;
}

TEST_F(SlurmExecutorTest, JobsAreJournalledBeforeAndAfterSbatch) {
  std::unique_ptr<JobJournal> opened;
  ASSERT_TRUE(JobJournal::Open(dir() + "/.ferry", &opened).ok());
  std::shared_ptr<JobJournal> journal(std::move(opened));
  ex->UseJournal(journal, 7);
  TaskRun a = Task(1, "a");
  a.hash = "aaaa";
  ASSERT_TRUE(ex->Submit(a).ok());
  for (uint64_t i = 2; i <= 3; ++i) {
    TaskRun t = Task(i, "x" + std::to_string(i));
    t.hash = "h" + std::to_string(i);
    t.array_key = "p";
    t.array_size = 5;
    ASSERT_TRUE(ex->Submit(t).ok());
  }
  runner->squeue = "100|RUNNING|None\n101_[0-1]|PENDING|None\n";
  PollOnce();
  std::vector<JournalJob> rows;
  ASSERT_TRUE(journal->OpenJobs(7, &rows, "slurm").ok());
  ASSERT_EQ(rows.size(), 3u);
  EXPECT_EQ(rows[0].job_id, "100");
  EXPECT_EQ(rows[0].job_name, "ferry-brave_curie-t1-1");
  EXPECT_EQ(rows[1].job_id, "101_0");
  EXPECT_EQ(rows[2].job_id, "101_1");
  EXPECT_EQ(rows[2].job_name, "ferry-brave_curie-p-array0-1");
  ASSERT_TRUE(journal->OpenJobs(7, &rows, "awsbatch").ok());
  EXPECT_TRUE(rows.empty());
  // Ends are recorded once the run's history has the results.
  Ended(a, 0);
  ASSERT_EQ(PollOnce().size(), 1u);
  ASSERT_TRUE(journal->OpenJobs(7, &rows).ok());
  EXPECT_EQ(rows.size(), 3u);
  ASSERT_TRUE(ex->JournalEnds().ok());
  ASSERT_TRUE(journal->OpenJobs(7, &rows).ok());
  EXPECT_EQ(rows.size(), 2u);
}

TEST_F(SlurmExecutorTest, AnAdoptedJobIsWatchedNotSubmitted) {
  TaskRun a = Task(1, "a");
  a.hash = "abcd";
  JournalJob origin;
  origin.executor = "slurm";
  origin.run_id = 3;
  origin.hash = "abcd";
  origin.work_dir = a.work_dir;
  ex->Adopt({AdoptedSlurmJob{origin, "42"}});
  EXPECT_TRUE(ex->WillAdopt("abcd", a.work_dir));
  EXPECT_FALSE(ex->WillAdopt("abcd", a.work_dir + "-elsewhere"));
  ASSERT_TRUE(ex->Submit(a).ok());
  EXPECT_FALSE(ex->WillAdopt("abcd", a.work_dir));  // taken
  runner->squeue = "42|RUNNING|None\n";
  EXPECT_TRUE(PollOnce().empty());
  EXPECT_EQ(runner->Count("sbatch"), 0);
  Ended(a, 0);
  std::vector<TaskResult> got = PollOnce();
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0].native_id, "42");
  EXPECT_EQ(got[0].exit_code, 0);
}

TEST_F(SlurmExecutorTest, ArrayTasksGoAsOneJobArray) {
  std::vector<TaskRun> runs;
  for (uint64_t i = 1; i <= 3; ++i) {
    TaskRun t = Task(i, "a" + std::to_string(i));
    t.array_key = "p";
    t.array_size = 10;
    ASSERT_TRUE(ex->Submit(t).ok());
    runs.push_back(t);
  }
  runner->squeue = "100_[0-2]|PENDING|None\n";
  EXPECT_TRUE(PollOnce().empty());
  ASSERT_EQ(runner->Count("sbatch"), 1);
  WriteFile(runs[1].work_dir + "/.exitcode", "0");
  runner->squeue = "100_0|RUNNING|None\n100_1|COMPLETED|None\n100_2|PENDING|None\n";
  std::vector<TaskResult> got = PollOnce();
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0].id, 2u);
  EXPECT_EQ(got[0].native_id, "100_1");
}

TEST_F(SlurmExecutorTest, OutOfMemoryAndTimeoutAreClearFailures) {
  TaskRun a = Task(1, "a"), b = Task(2, "b");
  a.memory_bytes = 50 * 1024 * 1024;
  b.time_limit_ms = 5000;
  ASSERT_TRUE(ex->Submit(a).ok());
  ASSERT_TRUE(ex->Submit(b).ok());
  runner->squeue = "100|RUNNING|None\n101|RUNNING|None\n";
  PollOnce();
  WriteFile(a.work_dir + "/.command.log", "error: StepId=100.batch exceeded memory limit (99323904 > 52428800)\n");
  runner->squeue = "100|FAILED|JobLaunchFailure\n101|TIMEOUT|TimeLimit\n";
  std::vector<TaskResult> got = PollOnce();
  ASSERT_EQ(got.size(), 2u);
  EXPECT_EQ(got[0].outcome, TaskResult::Outcome::kAborted);
  EXPECT_NE(got[0].message.find("out of memory"), std::string::npos) << got[0].message;
  EXPECT_NE(got[0].message.find("requested 50 MB and used at least 94.7 MB"), std::string::npos) << got[0].message;
  EXPECT_EQ(got[1].outcome, TaskResult::Outcome::kTimedOut);
  EXPECT_NE(got[1].message.find("TIMEOUT"), std::string::npos);
}

TEST_F(SlurmExecutorTest, NodeFailureIsSubmittedAgainAndCounted) {
  TaskRun a = Task(1, "a");
  ASSERT_TRUE(ex->Submit(a).ok());
  runner->squeue = "100|RUNNING|None\n";
  PollOnce();
  runner->squeue = "100|NODE_FAIL|None\n101|PENDING|None\n";  // 101: its resubmission
  EXPECT_TRUE(PollOnce().empty());
  EXPECT_EQ(runner->Count("sbatch"), 2);
  WriteFile(a.work_dir + "/.exitcode", "0");
  runner->squeue = "100|NODE_FAIL|None\n101|COMPLETED|None\n";
  std::vector<TaskResult> got = PollOnce();
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0].exit_code, 0);
  EXPECT_EQ(got[0].spot_retries, 1);
  ASSERT_FALSE(messages.empty());
  EXPECT_NE(messages[0].find("NODE_FAIL"), std::string::npos);
}

TEST_F(SlurmExecutorTest, AJobGoneFromSqueueIsJudgedByItsExitcode) {
  TaskRun a = Task(1, "a");
  ASSERT_TRUE(ex->Submit(a).ok());
  runner->squeue = "100|RUNNING|None\n";
  EXPECT_TRUE(PollOnce().empty());
  runner->squeue = "";  // past MinJobAge
  WriteFile(a.work_dir + "/.exitcode", "0");
  std::vector<TaskResult> got = PollOnce();
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0].exit_code, 0);
}

TEST_F(SlurmExecutorTest, AJobEndedWithoutExitcodeFailsSayingSo) {
  TaskRun a = Task(1, "a");
  ASSERT_TRUE(ex->Submit(a).ok());
  runner->squeue = "100|FAILED|JobLaunchFailure\n";
  std::vector<TaskResult> got = PollOnce();
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0].outcome, TaskResult::Outcome::kSubmitFailed);
  EXPECT_NE(got[0].message.find("without the task recording an exit status"), std::string::npos) << got[0].message;
  EXPECT_NE(got[0].message.find(a.work_dir + "/.command.log"), std::string::npos) << got[0].message;
}

TEST_F(SlurmExecutorTest, AbortCancelsEveryJobOnceAndConfirmsWithSqueue) {
  for (uint64_t i = 1; i <= 3; ++i) {
    TaskRun t = Task(i, "a" + std::to_string(i));
    t.array_key = "p";
    t.array_size = 2;
    ASSERT_TRUE(ex->Submit(t).ok());
  }
  runner->squeue = "100_0|RUNNING|None\n100_1|PENDING|None\n101|PENDING|None\n";
  PollOnce();
  runner->squeue = "100_0|CANCELLED|None\n100_1|CANCELLED|None\n101|CANCELLED|None\n";
  std::vector<TaskResult> aborted;
  ex->AbortAll(1000, &aborted);
  ASSERT_EQ(aborted.size(), 3u);
  for (const auto& r : aborted) EXPECT_EQ(r.outcome, TaskResult::Outcome::kAborted);
  ASSERT_EQ(runner->Count("scancel"), 1);
  for (const auto& c : runner->calls)
    if (c.argv[0] == "scancel") {
      EXPECT_EQ(c.argv, (std::vector<std::string>{"scancel", "100", "101"}));
    }
  EXPECT_EQ(ex->running(), 0u);
  EXPECT_TRUE(messages.empty());
}

TEST_F(SlurmExecutorTest, PreflightSaysWhenSbatchIsMissing) {
  runner->missing.insert("sbatch");
  Status st = ex->Preflight({Task(1, "a")});
  EXPECT_EQ(st.kind(), Status::Kind::kInvalidInput);
  EXPECT_NE(st.message().find("sbatch, which is not on PATH"), std::string::npos) << st.message();
}

TEST_F(SlurmExecutorTest, PreflightRejectsUnknownPartitionsAndOversizedRequests) {
  TaskRun t = Task(1, "a");
  t.queue = "gpu";
  Status st = ex->Preflight({t});
  EXPECT_EQ(st.kind(), Status::Kind::kInvalidInput);
  EXPECT_NE(st.message().find("task 't1' partition 'gpu' does not exist"), std::string::npos) << st.message();
  EXPECT_NE(st.message().find("(partitions: debug)"), std::string::npos) << st.message();
  t.queue = "";
  t.cpus = 16;
  st = ex->Preflight({t});
  EXPECT_NE(st.message().find("asks for 16 cpus"), std::string::npos) << st.message();
  t.cpus = 1;
  EXPECT_TRUE(ex->Preflight({t}).ok());
  EXPECT_TRUE(messages.empty());  // the node is this host: no shared-file-system warning
}

}  // namespace
}  // namespace ferry::slurm
