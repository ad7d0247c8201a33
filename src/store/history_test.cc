#include "store/history.h"

#include <gtest/gtest.h>
#include <signal.h>
#include <sqlite3.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <set>

#include "store/run_name.h"
#include "util/temp_dir_testing.h"

namespace ferry {
namespace {

// The runs table as schema 1 made it, without its closing parenthesis.
constexpr char kRunsTableV1[] =
    "CREATE TABLE runs(id INTEGER PRIMARY KEY AUTOINCREMENT, run_name TEXT NOT NULL UNIQUE, "
    "pipeline TEXT NOT NULL DEFAULT '', command_line TEXT NOT NULL DEFAULT '', launch_dir TEXT NOT NULL "
    "DEFAULT '', work_dir TEXT NOT NULL DEFAULT '', start_ms INTEGER NOT NULL DEFAULT 0, end_ms INTEGER NOT "
    "NULL DEFAULT 0, status TEXT NOT NULL DEFAULT 'RUNNING', completed INTEGER NOT NULL DEFAULT 0, cached "
    "INTEGER NOT NULL DEFAULT 0, failed INTEGER NOT NULL DEFAULT 0";

namespace fs = std::filesystem;

class HistoryTest : public testing::TempDirTest {
 protected:
  void SetUp() override {
    TempDirTest::SetUp();
    state_dir_ = dir() + "/launch/.ferry";
  }

  // Makes the database an older ferry left: `sql` run on a new file.
  void WriteOldDatabase(const std::string& sql) {
    fs::create_directories(state_dir_);
    sqlite3* db = nullptr;
    ASSERT_EQ(sqlite3_open((state_dir_ + "/history.db").c_str(), &db), SQLITE_OK);
    EXPECT_EQ(sqlite3_exec(db, sql.c_str(), nullptr, nullptr, nullptr), SQLITE_OK);
    sqlite3_close(db);
  }

  std::unique_ptr<History> OpenOrDie() {
    std::unique_ptr<History> h;
    Status st = History::Open(state_dir_, &h);
    EXPECT_TRUE(st.ok()) << st.message();
    return h;
  }
  static TaskRecord Task(int64_t run_id, uint64_t id, const std::string& hash, const std::string& status) {
    TaskRecord t;
    t.run_id = run_id;
    t.task_id = id;
    t.hash = hash;
    t.name = "count (" + std::to_string(id) + ")";
    t.process = "count";
    t.status = status;
    t.executor = "local";
    t.native_id = std::to_string(1000 + id);
    t.work_dir = "/w/" + hash;
    t.exit_code = status == "FAILED" ? 1 : 0;
    t.cpus = 2;
    t.memory_bytes = int64_t{1} << 30;
    t.submit_ms = 1700000000000;
    t.start_ms = 1700000000100;
    t.end_ms = 1700000001300;
    return t;
  }

  std::string state_dir_;
};

TEST_F(HistoryTest, RunAndTaskRoundTrip) {
  auto h = OpenOrDie();
  ASSERT_TRUE(h);
  EXPECT_TRUE(fs::exists(state_dir_ + "/history.db"));
  RunRecord run;
  run.pipeline = "examples/wc";
  run.command_line = "ferry run examples/wc --samples 'a b'";
  run.launch_dir = dir() + "/launch";
  run.work_dir = dir() + "/launch/work";
  ASSERT_TRUE(h->BeginRun(&run).ok());
  EXPECT_GT(run.id, 0);
  EXPECT_EQ(run.status, "RUNNING");
  EXPECT_GT(run.start_ms, 0);
  EXPECT_NE(run.run_name.find('_'), std::string::npos) << run.run_name;

  TaskRecord t = Task(run.id, 7, "ab12cd34ef", "FAILED");
  t.attempt = 2;
  t.spot_retries = 3;
  t.name = "name with\ttab and 'quotes'";
  ASSERT_TRUE(h->RecordTask(t).ok());

  run.status = "FAILED";
  run.completed = 4;
  run.cached = 2;
  run.failed = 1;
  run.end_ms = run.start_ms + 5000;
  ASSERT_TRUE(h->FinishRun(run).ok());

  // A fresh connection sees everything.
  h.reset();
  h = OpenOrDie();
  RunRecord got;
  bool found = false;
  ASSERT_TRUE(h->FindRun(run.run_name, &got, &found).ok());
  ASSERT_TRUE(found);
  EXPECT_EQ(got.id, run.id);
  EXPECT_EQ(got.pipeline, run.pipeline);
  EXPECT_EQ(got.command_line, run.command_line);
  EXPECT_EQ(got.launch_dir, run.launch_dir);
  EXPECT_EQ(got.work_dir, run.work_dir);
  EXPECT_EQ(got.status, "FAILED");
  EXPECT_EQ(got.start_ms, run.start_ms);
  EXPECT_EQ(got.end_ms, run.end_ms);
  EXPECT_EQ(got.completed, 4);
  EXPECT_EQ(got.cached, 2);
  EXPECT_EQ(got.failed, 1);

  std::vector<TaskRecord> tasks;
  ASSERT_TRUE(h->ListTasks(run.id, &tasks).ok());
  ASSERT_EQ(tasks.size(), 1u);
  const TaskRecord& g = tasks[0];
  EXPECT_EQ(g.run_id, run.id);
  EXPECT_EQ(g.task_id, 7u);
  EXPECT_EQ(g.hash, t.hash);
  EXPECT_EQ(g.name, t.name);
  EXPECT_EQ(g.process, "count");
  EXPECT_EQ(g.status, "FAILED");
  EXPECT_EQ(g.executor, "local");
  EXPECT_EQ(g.native_id, "1007");
  EXPECT_EQ(g.work_dir, t.work_dir);
  EXPECT_EQ(g.exit_code, 1);
  EXPECT_EQ(g.attempt, 2);
  EXPECT_EQ(g.cpus, 2);
  EXPECT_EQ(g.spot_retries, 3);
  EXPECT_EQ(g.memory_bytes, int64_t{1} << 30);
  EXPECT_EQ(g.submit_ms, t.submit_ms);
  EXPECT_EQ(g.start_ms, t.start_ms);
  EXPECT_EQ(g.end_ms, t.end_ms);
}

TEST_F(HistoryTest, FindRunByNameIdAndLast) {
  auto h = OpenOrDie();
  RunRecord a, b;
  ASSERT_TRUE(h->BeginRun(&a).ok());
  ASSERT_TRUE(h->BeginRun(&b).ok());
  EXPECT_NE(a.run_name, b.run_name);
  RunRecord got;
  bool found;
  ASSERT_TRUE(h->FindRun("last", &got, &found).ok());
  ASSERT_TRUE(found);
  EXPECT_EQ(got.id, b.id);
  ASSERT_TRUE(h->FindRun(std::to_string(a.id), &got, &found).ok());
  ASSERT_TRUE(found);
  EXPECT_EQ(got.run_name, a.run_name);
  ASSERT_TRUE(h->FindRun("no_such_run", &got, &found).ok());
  EXPECT_FALSE(found);

  std::vector<RunRecord> runs;
  ASSERT_TRUE(h->ListRuns(&runs).ok());
  ASSERT_EQ(runs.size(), 2u);
  EXPECT_EQ(runs[0].id, a.id);  // oldest first
  EXPECT_EQ(runs[1].id, b.id);

  // A name the user chose must be free.
  RunRecord c;
  c.run_name = a.run_name;
  Status st = h->BeginRun(&c);
  EXPECT_FALSE(st.ok());
  EXPECT_NE(st.message().find(a.run_name), std::string::npos);
}

TEST_F(HistoryTest, GeneratedNamesStayUniqueBeyondTheWordList) {
  auto h = OpenOrDie();
  std::set<std::string> names;
  for (int i = 0; i < 300; ++i) {
    RunRecord r;
    ASSERT_TRUE(h->BeginRun(&r).ok());
    EXPECT_TRUE(names.insert(r.run_name).second) << r.run_name;
  }
  EXPECT_EQ(RunNameFromNumber(0), RunNameFromNumber(0));
  EXPECT_NE(RunNameFromNumber(0), RunNameFromNumber(1));
}

TEST_F(HistoryTest, FindSuccessPicksLatestSuccess) {
  auto h = OpenOrDie();
  RunRecord r1, r2, r3;
  ASSERT_TRUE(h->BeginRun(&r1).ok());
  ASSERT_TRUE(h->RecordTask(Task(r1.id, 1, "hashA", "COMPLETED")).ok());
  ASSERT_TRUE(h->RecordTask(Task(r1.id, 2, "hashB", "FAILED")).ok());
  ASSERT_TRUE(h->FinishRun(r1).ok());
  ASSERT_TRUE(h->BeginRun(&r2).ok());
  ASSERT_TRUE(h->RecordTask(Task(r2.id, 1, "hashA", "CACHED")).ok());
  ASSERT_TRUE(h->BeginRun(&r3).ok());
  ASSERT_TRUE(h->RecordTask(Task(r3.id, 1, "hashA", "FAILED")).ok());

  TaskRecord got;
  bool found = false;
  // Unflushed records are visible too.
  ASSERT_TRUE(h->FindSuccess("hashA", &got, &found).ok());
  ASSERT_TRUE(found);
  EXPECT_EQ(got.run_id, r2.id);  // the later success, not the later failure
  EXPECT_EQ(got.status, "CACHED");
  ASSERT_TRUE(h->FindSuccess("hashB", &got, &found).ok());
  EXPECT_FALSE(found);  // only failed
  ASSERT_TRUE(h->FindSuccess("nope", &got, &found).ok());
  EXPECT_FALSE(found);
}

TEST_F(HistoryTest, EveryRecordIsCommittedAsItIsMade) {
  auto h = OpenOrDie();
  RunRecord r;
  ASSERT_TRUE(h->BeginRun(&r).ok());
  std::unique_ptr<History> other;
  ASSERT_TRUE(History::Open(state_dir_, &other).ok());
  for (int i = 0; i < 123; ++i) {
    ASSERT_TRUE(h->RecordTask(Task(r.id, i, "h" + std::to_string(i), "COMPLETED")).ok());
    // Another connection (another ferry: -resume, ferry log) sees it at once.
    TaskRecord got;
    bool found = false;
    ASSERT_TRUE(other->FindSuccess("h" + std::to_string(i), &got, &found).ok());
    ASSERT_TRUE(found) << "record " << i << " not committed";
  }
}

// A ferry SIGKILLed right after a task completed: the record is there, and
// the run, whose ferry is gone, is DIED for the next opener.
TEST_F(HistoryTest, ACompletionSurvivesSigkillAndTheRunIsMarkedDied) {
  { auto h = OpenOrDie(); }
  pid_t child = fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    std::unique_ptr<History> h;
    if (!History::Open(state_dir_, &h).ok()) _exit(2);
    RunRecord run;
    if (!h->BeginRun(&run).ok()) _exit(3);
    TaskRecord ok = Task(run.id, 1, "done-before-kill", "COMPLETED");
    ok.end_ms = run.start_ms + 5000;
    TaskRecord bad = Task(run.id, 2, "failed-before-kill", "FAILED");
    if (!h->RecordTask(ok).ok() || !h->RecordTask(bad).ok()) _exit(4);
    raise(SIGKILL);  // no destructor, no FinishRun
    _exit(5);
  }
  int st = 0;
  ASSERT_EQ(waitpid(child, &st, 0), child);
  ASSERT_TRUE(WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL) << st;

  auto h = OpenOrDie();
  TaskRecord got;
  bool found = false;
  ASSERT_TRUE(h->FindSuccess("done-before-kill", &got, &found).ok());
  EXPECT_TRUE(found);
  RunRecord run;
  ASSERT_TRUE(h->FindRun("last", &run, &found).ok());
  ASSERT_TRUE(found);
  EXPECT_EQ(run.status, "DIED");
  EXPECT_EQ(run.ferry_pid, child);
  EXPECT_EQ(run.completed, 1);
  EXPECT_EQ(run.failed, 1);
  EXPECT_EQ(run.end_ms, run.start_ms + 5000);  // when its last recorded task ended
}

TEST_F(HistoryTest, ARunWhoseFerryRunsStaysRunningAndARecycledPidDoesNotCount) {
  auto h = OpenOrDie();
  RunRecord mine, recycled, elsewhere, old;
  ASSERT_TRUE(h->BeginRun(&mine).ok());
  EXPECT_EQ(mine.ferry_pid, getpid());
  EXPECT_GT(mine.ferry_start, 0);
  // Our pid, but another start time: the ferry that had this pid is gone.
  recycled.ferry_pid = getpid();
  recycled.ferry_start = mine.ferry_start + 1;
  recycled.ferry_host = mine.ferry_host;
  ASSERT_TRUE(h->BeginRun(&recycled).ok());
  // Another machine sharing the launch dir: its pids mean nothing here.
  elsewhere.ferry_pid = 1;
  elsewhere.ferry_start = 1;
  elsewhere.ferry_host = mine.ferry_host + ".other";
  ASSERT_TRUE(h->BeginRun(&elsewhere).ok());
  // A run another process recorded without its identity: left alone.
  old.ferry_pid = -1;
  ASSERT_TRUE(h->BeginRun(&old).ok());

  auto again = OpenOrDie();
  std::vector<RunRecord> runs;
  ASSERT_TRUE(again->ListRuns(&runs).ok());
  std::vector<std::string> statuses;
  for (const RunRecord& r : runs) statuses.push_back(r.status);
  EXPECT_EQ(statuses, (std::vector<std::string>{"RUNNING", "DIED", "RUNNING", "RUNNING"}));
}

TEST_F(HistoryTest, ASchemaOneDatabaseIsUpgraded) {
  const std::string v1 = std::string(kRunsTableV1) +
                         ");"
                         "INSERT INTO runs(run_name, status) VALUES('old_run', 'RUNNING');"
                         "PRAGMA user_version=1;";
  WriteOldDatabase(v1);
  auto h = OpenOrDie();
  ASSERT_TRUE(h);
  RunRecord run;
  bool found = false;
  ASSERT_TRUE(h->FindRun("old_run", &run, &found).ok());
  ASSERT_TRUE(found);
  EXPECT_EQ(run.status, "RUNNING");  // nothing says which ferry ran it
  EXPECT_EQ(run.ferry_pid, 0);
  RunRecord next;
  ASSERT_TRUE(h->BeginRun(&next).ok());
  ASSERT_TRUE(h->FindRun("last", &run, &found).ok());
  EXPECT_EQ(run.ferry_pid, getpid());
}

TEST_F(HistoryTest, UsageIsKeptAndReturnedByListTasks) {
  auto h = OpenOrDie();
  RunRecord r;
  ASSERT_TRUE(h->BeginRun(&r).ok());
  TaskRecord measured = Task(r.id, 1, "aa", "COMPLETED");
  TaskUsage& u = measured.usage;
  u.realtime_ms = 1200;
  u.cpu_user_ms = 900;
  u.cpu_sys_ms = 100;
  u.peak_rss = int64_t{210} << 20;
  u.peak_vmem = int64_t{300} << 20;
  u.rchar = 11;
  u.wchar = int64_t{50} << 20;
  u.read_bytes = 4096;
  u.write_bytes = int64_t{50} << 20;
  u.syscr = 7;
  u.syscw = 52;
  u.peak_threads = 3;
  u.peak_procs = 2;
  u.queue_ms = 61000;
  u.instance_type = "c5.xlarge";
  ASSERT_TRUE(h->RecordTask(measured).ok());
  ASSERT_TRUE(h->RecordTask(Task(r.id, 2, "bb", "CACHED")).ok());  // nothing measured
  auto again = OpenOrDie();
  std::vector<TaskRecord> tasks;
  ASSERT_TRUE(again->ListTasks(r.id, &tasks).ok());
  ASSERT_EQ(tasks.size(), 2u);
  const TaskUsage& got = tasks[0].usage;
  EXPECT_EQ(got.realtime_ms, 1200);
  EXPECT_EQ(got.cpu_user_ms, 900);
  EXPECT_EQ(got.cpu_sys_ms, 100);
  EXPECT_EQ(got.peak_rss, int64_t{210} << 20);
  EXPECT_EQ(got.peak_vmem, int64_t{300} << 20);
  EXPECT_EQ(got.rchar, 11);
  EXPECT_EQ(got.wchar, int64_t{50} << 20);
  EXPECT_EQ(got.read_bytes, 4096);
  EXPECT_EQ(got.write_bytes, int64_t{50} << 20);
  EXPECT_EQ(got.syscr, 7);
  EXPECT_EQ(got.syscw, 52);
  EXPECT_EQ(got.peak_threads, 3);
  EXPECT_EQ(got.peak_procs, 2);
  EXPECT_EQ(got.queue_ms, 61000);
  EXPECT_EQ(got.instance_type, "c5.xlarge");
  EXPECT_EQ(tasks[1].usage.peak_rss, -1);
  EXPECT_EQ(tasks[1].usage.instance_type, "");
}

TEST_F(HistoryTest, ASchemaTwoDatabaseGainsUsageColumnsReadAsUnknown) {
  const std::string v2 =
      std::string(kRunsTableV1) +
      ", ferry_pid INTEGER NOT NULL DEFAULT 0, ferry_start INTEGER NOT NULL DEFAULT 0, ferry_host TEXT NOT NULL "
      "DEFAULT '');"
      "CREATE TABLE tasks(run_id INTEGER NOT NULL, task_id INTEGER NOT NULL, attempt INTEGER NOT NULL, hash TEXT "
      "NOT NULL, name TEXT NOT NULL, process TEXT NOT NULL, status TEXT NOT NULL, executor TEXT NOT NULL, "
      "native_id TEXT NOT NULL, work_dir TEXT NOT NULL, exit_code INTEGER NOT NULL, cpus INTEGER NOT NULL, "
      "spot_retries INTEGER NOT NULL, memory_bytes INTEGER NOT NULL, submit_ms INTEGER NOT NULL, start_ms "
      "INTEGER NOT NULL, end_ms INTEGER NOT NULL, PRIMARY KEY(run_id, task_id, attempt));"
      "INSERT INTO runs(run_name, status) VALUES('old_run', 'OK');"
      "INSERT INTO tasks VALUES(1, 1, 1, 'ab12', 'count (1)', 'count', 'COMPLETED', 'local', '99', '/w', 0, 1, 0, "
      "0, 10, 20, 30);"
      "PRAGMA user_version=2;";
  WriteOldDatabase(v2);
  auto h = OpenOrDie();
  ASSERT_TRUE(h);
  std::vector<TaskRecord> tasks;
  ASSERT_TRUE(h->ListTasks(1, &tasks).ok());
  ASSERT_EQ(tasks.size(), 1u);
  EXPECT_EQ(tasks[0].name, "count (1)");
  EXPECT_EQ(tasks[0].usage.peak_rss, -1);
  EXPECT_EQ(tasks[0].usage.cpu_user_ms, -1);
  EXPECT_EQ(tasks[0].usage.queue_ms, -1);
  // New records in the upgraded database keep their usage.
  TaskRecord next = Task(1, 2, "cd34", "COMPLETED");
  next.usage.peak_rss = 12345;
  ASSERT_TRUE(h->RecordTask(next).ok());
  ASSERT_TRUE(h->ListTasks(1, &tasks).ok());
  ASSERT_EQ(tasks.size(), 2u);
  EXPECT_EQ(tasks[1].usage.peak_rss, 12345);
}

TEST_F(HistoryTest, SameAttemptRecordedTwiceKeepsTheLast) {
  auto h = OpenOrDie();
  RunRecord r;
  ASSERT_TRUE(h->BeginRun(&r).ok());
  ASSERT_TRUE(h->RecordTask(Task(r.id, 1, "x", "FAILED")).ok());
  TaskRecord retry = Task(r.id, 1, "x", "COMPLETED");
  retry.attempt = 2;
  ASSERT_TRUE(h->RecordTask(retry).ok());
  ASSERT_TRUE(h->RecordTask(Task(r.id, 1, "x", "ABORTED")).ok());  // attempt 1 again
  std::vector<TaskRecord> tasks;
  ASSERT_TRUE(h->ListTasks(r.id, &tasks).ok());
  ASSERT_EQ(tasks.size(), 2u);
  EXPECT_EQ(tasks[0].attempt, 1);
  EXPECT_EQ(tasks[0].status, "ABORTED");
  EXPECT_EQ(tasks[1].attempt, 2);
  EXPECT_EQ(tasks[1].status, "COMPLETED");
}

TEST_F(HistoryTest, TwoConnectionsShareTheDatabase) {
  auto a = OpenOrDie();
  auto b = OpenOrDie();
  std::set<std::string> names;
  std::vector<int64_t> ids;
  for (int i = 0; i < 20; ++i) {
    History* h = i % 2 ? b.get() : a.get();
    RunRecord r;
    ASSERT_TRUE(h->BeginRun(&r).ok());
    EXPECT_TRUE(names.insert(r.run_name).second);
    ids.push_back(r.id);
    for (int t = 0; t < 50; ++t)
      ASSERT_TRUE(h->RecordTask(Task(r.id, t, "run" + std::to_string(i) + "-" + std::to_string(t), "COMPLETED")).ok());
    ASSERT_TRUE(h->FinishRun(r).ok());
  }
  std::vector<RunRecord> runs;
  ASSERT_TRUE(a->ListRuns(&runs).ok());
  EXPECT_EQ(runs.size(), 20u);
  TaskRecord got;
  bool found;
  ASSERT_TRUE(a->FindSuccess("run19-49", &got, &found).ok());  // written by b
  EXPECT_TRUE(found);
  EXPECT_EQ(got.run_id, ids[19]);
}

TEST_F(HistoryTest, TwoProcessesWritingAtOnceLoseNothing) {
  { auto h = OpenOrDie(); }  // create the schema first
  std::vector<pid_t> kids;
  for (int k = 0; k < 2; ++k) {
    pid_t pid = fork();
    ASSERT_GE(pid, 0);
    if (pid == 0) {
      std::unique_ptr<History> h;
      if (!History::Open(state_dir_, &h).ok()) _exit(2);
      for (int r = 0; r < 5; ++r) {
        RunRecord run;
        if (!h->BeginRun(&run).ok()) _exit(3);
        for (int t = 0; t < 400; ++t)
          if (!h->RecordTask(Task(run.id, t,
                                  "p" + std::to_string(k) + "-" + std::to_string(r) + "-" + std::to_string(t),
                                  "COMPLETED"))
                   .ok())
            _exit(4);
        run.status = "OK";
        if (!h->FinishRun(run).ok()) _exit(5);
      }
      h.reset();
      _exit(0);
    }
    kids.push_back(pid);
  }
  for (pid_t pid : kids) {
    int st = 0;
    ASSERT_EQ(waitpid(pid, &st, 0), pid);
    EXPECT_TRUE(WIFEXITED(st) && WEXITSTATUS(st) == 0) << "writer exited with " << st;
  }
  auto h = OpenOrDie();
  std::vector<RunRecord> runs;
  ASSERT_TRUE(h->ListRuns(&runs).ok());
  ASSERT_EQ(runs.size(), 10u);
  std::set<std::string> names;
  for (const RunRecord& r : runs) {
    names.insert(r.run_name);
    EXPECT_EQ(r.status, "OK");
    std::vector<TaskRecord> tasks;
    ASSERT_TRUE(h->ListTasks(r.id, &tasks).ok());
    EXPECT_EQ(tasks.size(), 400u);
  }
  EXPECT_EQ(names.size(), 10u);
}

TEST_F(HistoryTest, DeleteRunRemovesItsTasks) {
  auto h = OpenOrDie();
  RunRecord r1, r2;
  ASSERT_TRUE(h->BeginRun(&r1).ok());
  ASSERT_TRUE(h->RecordTask(Task(r1.id, 1, "gone", "COMPLETED")).ok());
  ASSERT_TRUE(h->BeginRun(&r2).ok());
  ASSERT_TRUE(h->RecordTask(Task(r2.id, 1, "kept", "COMPLETED")).ok());
  ASSERT_TRUE(h->DeleteRun(r1.id).ok());
  TaskRecord got;
  bool found;
  ASSERT_TRUE(h->FindSuccess("gone", &got, &found).ok());
  EXPECT_FALSE(found);
  ASSERT_TRUE(h->FindSuccess("kept", &got, &found).ok());
  EXPECT_TRUE(found);
  std::vector<RunRecord> runs;
  ASSERT_TRUE(h->ListRuns(&runs).ok());
  ASSERT_EQ(runs.size(), 1u);
  EXPECT_EQ(runs[0].id, r2.id);
  Status st = h->DeleteRun(r1.id);
  EXPECT_EQ(st.kind(), Status::Kind::kNotFound);
  // Ids are not reused after a delete.
  RunRecord r3;
  ASSERT_TRUE(h->BeginRun(&r3).ok());
  EXPECT_GT(r3.id, r2.id);
}

TEST_F(HistoryTest, TenThousandTasksAreCheap) {
  auto h = OpenOrDie();
  RunRecord r;
  ASSERT_TRUE(h->BeginRun(&r).ok());
  auto t0 = std::chrono::steady_clock::now();
  for (int i = 0; i < 10000; ++i)
    ASSERT_TRUE(h->RecordTask(Task(r.id, i, "hash" + std::to_string(i), "COMPLETED")).ok());
  ASSERT_TRUE(h->FinishRun(r).ok());
  for (int i = 0; i < 10000; i += 7) {
    TaskRecord got;
    bool found;
    ASSERT_TRUE(h->FindSuccess("hash" + std::to_string(i), &got, &found).ok());
    ASSERT_TRUE(found);
  }
  double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  std::printf("10000 task records + 1429 lookups in %.3f s\n", secs);  // for the curious; not a target
}

TEST_F(HistoryTest, CorruptDatabaseIsAClearError) {
  fs::create_directories(state_dir_);
  std::ofstream(state_dir_ + "/history.db") << std::string(4096, 'x');
  std::unique_ptr<History> h;
  Status st = History::Open(state_dir_, &h);
  ASSERT_FALSE(st.ok());
  EXPECT_FALSE(h);
  EXPECT_NE(st.message().find(state_dir_ + "/history.db"), std::string::npos) << st.message();
  EXPECT_NE(st.message().find("damaged"), std::string::npos) << st.message();
}

TEST_F(HistoryTest, LockedDatabaseIsAClearError) {
  { auto h = OpenOrDie(); }
  sqlite3* raw = nullptr;
  ASSERT_EQ(sqlite3_open((state_dir_ + "/history.db").c_str(), &raw), SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(raw, "BEGIN EXCLUSIVE", nullptr, nullptr, nullptr), SQLITE_OK);
  std::unique_ptr<History> h;
  Status st = History::Open(state_dir_, &h, 200);
  EXPECT_FALSE(st.ok());
  EXPECT_NE(st.message().find("locked"), std::string::npos) << st.message();
  EXPECT_NE(st.message().find(state_dir_ + "/history.db"), std::string::npos) << st.message();
  sqlite3_exec(raw, "ROLLBACK", nullptr, nullptr, nullptr);
  sqlite3_close(raw);
  EXPECT_TRUE(History::Open(state_dir_, &h, 200).ok());
}

TEST_F(HistoryTest, UncreatableDirectoryIsAClearError) {
  std::ofstream(dir() + "/afile") << "not a dir";
  std::unique_ptr<History> h;
  Status st = History::Open(dir() + "/afile/.ferry", &h);
  ASSERT_FALSE(st.ok());
  EXPECT_NE(st.message().find(dir() + "/afile/.ferry"), std::string::npos) << st.message();
}

}  // namespace
}  // namespace ferry
