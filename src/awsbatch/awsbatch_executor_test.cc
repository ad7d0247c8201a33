// AwsBatchExecutor against a real ferry-awsemu (found beside this test
// binary): tasks run as Batch jobs that fetch their wrapper with the AWS CLI,
// outputs land on S3, exit codes come back, arrays go as one array job,
// Ctrl-C leaves no job running, and runs complete under injected throttling,
// 5xx, connection resets and host terminations.
#include "awsbatch/awsbatch_executor.h"

#include <gtest/gtest.h>
#include <httplib.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>
#include <algorithm>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <thread>

#include "aws/test_server_util.h"
#include "awsbatch/job_lookup.h"
#include "util/interrupt.h"

namespace ferry {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

std::string BuildDir() {
  char buf[4096];
  ssize_t n = readlink("/proc/self/exe", buf, sizeof buf - 1);
  if (n <= 0) return ".";
  buf[n] = 0;
  return fs::path(buf).parent_path().string();
}

std::string FindAwsCli() {
  for (const char* p : {"/usr/bin/aws", "/usr/local/bin/aws"})
    if (access(p, X_OK) == 0) return p;
  return "";
}

// One emulator per test: free port, own data dir, random keys.
class Emulator {
 public:
  // `step_ms`: how long a job stays in each status before it moves on.
  explicit Emulator(const char* step_ms = "20") {
    dir_ = fs::temp_directory_path() / ("ferry-exec-emu-" + std::to_string(getpid()) + "-" + std::to_string(seq_++));
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    std::string bin = getenv("FERRY_AWSEMU") ? getenv("FERRY_AWSEMU") : BuildDir() + "/ferry-awsemu";
    int out[2];
    if (pipe(out) != 0) return;
    pid_ = fork();
    if (pid_ == 0) {
      dup2(out[1], 1);
      close(out[0]);
      setenv("FERRY_AWSEMU_BATCH_STEP_MS", step_ms, 1);
      setenv("FERRY_AWSEMU_BATCH_KILL_GRACE_MS", "1000", 1);
      setenv("PATH", "/usr/bin:/bin", 1);  // the jobs' PATH: Debian's aws CLI
      execl(bin.c_str(), bin.c_str(), "--port", "0", "--data-dir", (dir_ / "data").c_str(), "--access-key",
            "AKIDEXECTEST", "--secret-key", "execsecret", "--region", "eu-west-1", "--host-jobs", (char*)nullptr);
      _exit(127);
    }
    close(out[1]);
    FILE* f = fdopen(out[0], "r");
    char line[512];
    while (f && fgets(line, sizeof line, f)) {
      std::string l = line;
      if (l.rfind("ready ", 0) == 0) {
        size_t p = l.find("port=");
        port_ = std::atoi(l.c_str() + p + 5);
        break;
      }
    }
    out_ = f;
  }
  ~Emulator() {
    if (pid_ > 0) {
      kill(pid_, SIGTERM);
      int st;
      waitpid(pid_, &st, 0);
    }
    if (out_) fclose(out_);
    fs::remove_all(dir_);
  }
  bool ok() const { return port_ > 0; }
  std::string endpoint() const { return "http://127.0.0.1:" + std::to_string(port_); }
  void SetFaults(const json& j) {
    httplib::Client c("127.0.0.1", port_);
    auto r = c.Post("/_emu/faults", j.dump(), "application/json");
    ASSERT_TRUE(r && r->status == 200) << (r ? r->body : "no answer");
  }
  fs::path dir() const { return dir_; }

 private:
  static inline int seq_ = 0;
  fs::path dir_;
  pid_t pid_ = -1;
  int port_ = 0;
  FILE* out_ = nullptr;
};

class ExecutorOnEmu : public ::testing::Test {
 protected:
  explicit ExecutorOnEmu(const char* step_ms = "20") : emu_(step_ms) {}
  void SetUp() override {
    ASSERT_TRUE(emu_.ok()) << "ferry-awsemu did not start (set FERRY_AWSEMU or build it beside this test)";
    cli_ = FindAwsCli();
    ASSERT_FALSE(cli_.empty()) << "the AWS CLI is needed inside emulated jobs";
    client_ = ClientFor(emu_.endpoint(), 5);
    limiter_ = std::make_shared<aws::RateLimiter>(50);
    batch_ = std::make_shared<aws::BatchClient>(client_, limiter_);
    std::unique_ptr<aws::S3Client> s3;
    ASSERT_TRUE(aws::S3Client::Create(client_, &s3).ok());
    s3_ = std::move(s3);
    logs_ = std::make_shared<aws::LogsClient>(client_);
    ASSERT_TRUE(s3_->CreateBucket("work").ok());
    json ce = {{"computeEnvironmentName", "ce"},
               {"type", "MANAGED"},
               {"state", "ENABLED"},
               {"computeResources",
                {{"type", "EC2"},
                 {"maxvCpus", 16},
                 {"minvCpus", 0},
                 {"instanceTypes", {"m5"}},
                 {"subnets", {"subnet-1"}},
                 {"instanceRole", "ecsInstanceRole"}}}};
    ASSERT_TRUE(batch_->Call("CreateComputeEnvironment", ce, nullptr).ok());
    json q = {{"jobQueueName", "q"},
              {"priority", 1},
              {"state", "ENABLED"},
              {"computeEnvironmentOrder", {{{"order", 1}, {"computeEnvironment", "ce"}}}}};
    ASSERT_TRUE(batch_->Call("CreateJobQueue", q, nullptr).ok());
    options_.bucket_dir = "s3://work/runs";
    options_.region = "eu-west-1";
    options_.endpoint_url = emu_.endpoint();
    options_.poll_interval_ms = 300;
    options_.delay_between_attempts_ms = 500;
    options_.max_transfer_attempts = 3;
  }

  // An AWS client with the emulator's keys for `endpoint`, trying each call
  // up to `max_attempts` times.
  static std::shared_ptr<aws::AwsClient> ClientFor(const std::string& endpoint, int max_attempts) {
    auto env = std::make_shared<aws::MapEnv>();
    env->Set("AWS_ENDPOINT_URL", endpoint);
    aws::AwsClient::Options o;
    o.credentials =
        std::make_shared<aws::StaticCredentials>(aws::Credentials{"AKIDEXECTEST", "execsecret", "", std::nullopt});
    o.region = "eu-west-1";
    o.env = env;
    o.retry.base_delay = std::chrono::milliseconds(20);
    o.retry.max_attempts = max_attempts;
    return std::make_shared<aws::AwsClient>(std::move(o));
  }

  std::unique_ptr<AwsBatchExecutor> Make() { return std::make_unique<AwsBatchExecutor>(options_, batch_, s3_, logs_); }

  TaskRun Task(uint64_t id, const std::string& script) {
    TaskRun r;
    r.id = id;
    r.process = "proc";
    r.name = "proc (" + std::to_string(id) + ")";
    r.work_dir = "s3://work/runs/" + std::to_string(id / 10) + "/task-" + std::to_string(id);
    r.queue = "q";
    r.container = "debian:12";
    r.script = "#!/bin/bash -ue\n" + script;
    return r;
  }

  // Polls until `n` results arrived or `timeout_s` passed.
  std::map<uint64_t, TaskResult> WaitAll(AwsBatchExecutor& ex, size_t n, int timeout_s) {
    std::map<uint64_t, TaskResult> got;
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(timeout_s);
    while (got.size() < n && std::chrono::steady_clock::now() < deadline) {
      std::vector<TaskResult> out;
      auto before = std::chrono::steady_clock::now();
      EXPECT_TRUE(ex.Poll(500, &out).ok());
      // Poll never waits much past its timeout (generous: sanitizer builds
      // on a loaded 2-CPU machine are slow).
      EXPECT_LT(std::chrono::steady_clock::now() - before, std::chrono::milliseconds(10000));
      for (auto& r : out) got[r.id] = r;
    }
    return got;
  }

  // Submits `t` with a 400 ms waiting warning, polls `polls` times 100 ms
  // (the job must not end meanwhile), aborts it and returns what was said.
  std::vector<std::string> WarningsWhileWaiting(const TaskRun& t, int polls) {
    std::vector<std::string> said;
    options_.runnable_warning_ms = 400;
    options_.poll_interval_ms = 100;
    options_.on_message = [&](const std::string& m) { said.push_back(m); };
    auto ex = Make();
    EXPECT_TRUE(ex->Submit(t).ok());
    std::vector<TaskResult> out;
    for (int i = 0; i < polls; i++) ex->Poll(100, &out);
    EXPECT_TRUE(out.empty());
    std::vector<TaskResult> aborted;
    ex->AbortAll(5000, &aborted);
    EXPECT_EQ(aborted.size(), 1u);
    EXPECT_EQ(CountActiveJobs(), 0);
    options_.on_message = nullptr;
    return said;
  }

  std::string Object(const std::string& key) {
    std::string data;
    Status s = s3_->GetSmall("work", key, &data);
    return s.ok() ? data : "<" + s.message() + ">";
  }

  int CountActiveJobs() {
    int n = 0;
    for (const char* st : {"SUBMITTED", "PENDING", "RUNNABLE", "STARTING", "RUNNING"}) {
      json resp;
      EXPECT_TRUE(batch_->Call("ListJobs", {{"jobQueue", "q"}, {"jobStatus", st}}, &resp).ok());
      n += static_cast<int>(resp["jobSummaryList"].size());
    }
    return n;
  }

  Emulator emu_;
  std::string cli_;
  std::shared_ptr<aws::AwsClient> client_;
  std::shared_ptr<aws::RateLimiter> limiter_;
  std::shared_ptr<aws::BatchClient> batch_;
  std::shared_ptr<aws::S3Client> s3_;
  std::shared_ptr<aws::LogsClient> logs_;
  AwsBatchOptions options_;
};

TEST_F(ExecutorOnEmu, RunsTasksWithInputsOutputsFailuresAndArrays) {
  fs::path local = emu_.dir() / "local input.txt";
  std::ofstream(local) << "from disk\n";
  ASSERT_TRUE(s3_->PutSmall("work", "data/remote.txt", "from s3\n").ok());
  auto ex = Make();
  std::vector<TaskRun> planned;
  TaskRun a = Task(1, "cat 'in 1.txt' remote.txt > out.txt\n");
  a.inputs = {{local.string(), "in 1.txt"}, {"s3://work/data/remote.txt", "remote.txt"}};
  a.outputs = {"out.txt"};
  TaskRun b = Task(2, "echo failing >&2\nexit 3\n");
  planned = {a, b};
  ASSERT_TRUE(ex->Preflight(planned).ok());
  ASSERT_TRUE(ex->Submit(a).ok());
  ASSERT_TRUE(ex->Submit(b).ok());
  for (uint64_t id = 10; id < 15; id++) {
    TaskRun c = Task(id, "echo child " + std::to_string(id) + " > o.txt\n");
    c.inputs = {{local.string(), "shared.txt"}};  // uploaded once for all
    c.outputs = {"o.txt"};
    c.array_key = "proc/array";
    c.array_size = 10;
    ASSERT_TRUE(ex->Submit(c).ok());
  }
  EXPECT_EQ(ex->running(), 7u);
  auto got = WaitAll(*ex, 7, 150);
  ASSERT_EQ(got.size(), 7u);
  EXPECT_EQ(got[1].outcome, TaskResult::Outcome::kExited);
  EXPECT_EQ(got[1].exit_code, 0) << got[1].message;
  EXPECT_EQ(Object("runs/0/task-1/out.txt"), "from disk\nfrom s3\n");
  EXPECT_EQ(got[2].exit_code, 3) << got[2].message;
  EXPECT_EQ(Object("runs/0/task-2/.command.err"), "failing\n");
  for (uint64_t id = 10; id < 15; id++) {
    EXPECT_EQ(got[id].exit_code, 0) << got[id].message;
    EXPECT_EQ(Object("runs/1/task-" + std::to_string(id) + "/o.txt"), "child " + std::to_string(id) + "\n");
    EXPECT_NE(got[id].native_id.find(':'), std::string::npos);  // an array child
  }
  EXPECT_EQ(ex->running(), 0u);
  AwsBatchStats st = ex->stats();
  EXPECT_EQ(st.tasks_submitted, 7);
  EXPECT_EQ(st.array_jobs, 1);
  EXPECT_EQ(st.calls_by_operation["SubmitJob"], 3);
  EXPECT_EQ(st.calls_by_operation["RegisterJobDefinition"], 1);
  // The local input went to the staging area once.
  std::vector<aws::S3Object> staged;
  ASSERT_TRUE(s3_->ListAll("work", "runs/.stage/",
                           [&](const aws::S3Object& o) {
                             staged.push_back(o);
                             return Status::Ok();
                           })
                  .ok());
  EXPECT_EQ(staged.size(), 1u);
}

TEST_F(ExecutorOnEmu, PreflightRefusesADisabledQueueAndListsTheQueuesThatExist) {
  auto ex = Make();
  TaskRun t = Task(1, "true\n");
  t.queue = "qq";
  Status s = ex->Preflight({t});
  EXPECT_EQ(s.kind(), Status::Kind::kInvalidInput);
  EXPECT_NE(s.message().find("the queues there: q"), std::string::npos) << s.message();
  ASSERT_TRUE(batch_->Call("UpdateJobQueue", {{"jobQueue", "q"}, {"state", "DISABLED"}}, nullptr).ok());
  s = ex->Preflight({Task(1, "true\n")});
  EXPECT_EQ(s.kind(), Status::Kind::kInvalidInput);
  EXPECT_NE(s.message().find("job queue 'q' in region eu-west-1 is DISABLED"), std::string::npos) << s.message();
}

TEST_F(ExecutorOnEmu, PreflightNamesWhatIsMissing) {
  auto ex = Make();
  TaskRun t = Task(1, "true\n");
  t.queue = "nope";
  Status s = ex->Preflight({t});
  EXPECT_EQ(s.kind(), Status::Kind::kInvalidInput);
  EXPECT_NE(s.message().find("job queue 'nope' not found in region eu-west-1"), std::string::npos) << s.message();
  t.queue = "";
  s = ex->Preflight({t});
  EXPECT_NE(s.message().find("`queue`"), std::string::npos) << s.message();
  t = Task(1, "true\n");
  t.container = "";
  s = ex->Preflight({t});
  EXPECT_NE(s.message().find("`container`"), std::string::npos) << s.message();
  t.container = "job-definition://missing-def";
  s = ex->Preflight({t});
  EXPECT_NE(s.message().find("job definition 'missing-def' not found in region eu-west-1"), std::string::npos)
      << s.message();
  options_.bucket_dir = "s3://no-such-bucket/x";
  s = Make()->Preflight({Task(1, "true\n")});
  EXPECT_EQ(s.kind(), Status::Kind::kInvalidInput);
  EXPECT_NE(s.message().find("no-such-bucket"), std::string::npos) << s.message();
}

// The work-directory check reacts to S3's error code, not to words in the
// message: an S3 stand-in answers the probe PUT with the chosen error.
TEST_F(ExecutorOnEmu, WorkDirErrorsAreDecidedByAwsCodeNotMessageText) {
  struct Answer {
    int status;
    std::string code, message;
  };
  Answer answer;
  std::atomic<int> puts{0};
  aws::testing::LoopbackServer fake;
  fake.server().Put(".*", [&](const httplib::Request&, httplib::Response& res) {
    puts++;
    res.status = answer.status;
    res.set_content("<?xml version=\"1.0\" encoding=\"UTF-8\"?><Error><Code>" + answer.code + "</Code><Message>" +
                        answer.message + "</Message><RequestId>r1</RequestId></Error>",
                    "application/xml");
  });
  fake.Start();
  std::unique_ptr<aws::S3Client> fake_s3;
  ASSERT_TRUE(aws::S3Client::Create(ClientFor(fake.url(), 1), &fake_s3).ok());
  std::shared_ptr<aws::S3Client> s3 = std::move(fake_s3);
  auto preflight = [&](Answer a) {
    answer = std::move(a);
    puts = 0;
    return AwsBatchExecutor(options_, batch_, s3, logs_).Preflight({Task(1, "true\n")});
  };

  // Another code whose message merely mentions AccessDenied and NoSuchBucket:
  // neither diagnosis, and it is retried like any other failure.
  Status s = preflight({400, "InvalidRequest", "not AccessDenied, not NoSuchBucket"});
  EXPECT_EQ(s.kind(), Status::Kind::kFailed) << s.message();
  EXPECT_NE(s.message().find("checking that the work directory s3://work/runs is writable"), std::string::npos)
      << s.message();
  EXPECT_EQ(s.message().find("was denied"), std::string::npos) << s.message();
  EXPECT_EQ(s.message().find("does not exist"), std::string::npos) << s.message();
  EXPECT_GT(puts.load(), 1);

  s = preflight({403, "AccessDenied", "Access Denied"});
  EXPECT_EQ(s.kind(), Status::Kind::kInvalidInput) << s.message();
  EXPECT_NE(s.message().find("s3:PutObject was denied on bucket 'work'"), std::string::npos) << s.message();
  EXPECT_EQ(puts.load(), 1) << "AccessDenied is not retried";

  s = preflight({404, "NoSuchBucket", "The specified bucket does not exist"});
  EXPECT_EQ(s.kind(), Status::Kind::kInvalidInput) << s.message();
  EXPECT_NE(s.message().find("the work directory's bucket 'work' does not exist"), std::string::npos) << s.message();
}

TEST_F(ExecutorOnEmu, JobThatNeverRunsTheTaskIsDiagnosed) {
  options_.cli_path = "/nonexistent/bin/aws";
  auto ex = Make();
  ASSERT_TRUE(ex->Submit(Task(1, "true\n")).ok());
  auto got = WaitAll(*ex, 1, 60);
  ASSERT_EQ(got.size(), 1u);
  const std::string& m = got[1].message;
  EXPECT_NE(got[1].exit_code, 0);
  // The shell's "not found" in the log names the CLI as what is missing.
  EXPECT_NE(m.find("failed before its task ran: the CLI '/nonexistent/bin/aws' (aws.batch.cliPath) does not run in "
                   "the container"),
            std::string::npos)
      << m;
  EXPECT_NE(m.find("Batch status reason"), std::string::npos) << m;
  EXPECT_NE(m.find("/nonexistent/bin/aws"), std::string::npos) << m;  // from the log tail and the hint
  EXPECT_NE(m.find("entrypoint"), std::string::npos) << m;
  if (getenv("FERRY_SHOW")) fprintf(stderr, "%s\n", m.c_str());
}

TEST_F(ExecutorOnEmu, AbortTerminatesEveryJobInFlight) {
  auto ex = Make();
  for (uint64_t id = 1; id <= 50; id++) ASSERT_TRUE(ex->Submit(Task(id, "sleep 60\n")).ok());
  // Let them get submitted and some start.
  std::vector<TaskResult> none;
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  while (ex->stats().tasks_submitted < 50 && std::chrono::steady_clock::now() < deadline) ex->Poll(200, &none);
  ASSERT_EQ(ex->stats().tasks_submitted, 50);
  EXPECT_TRUE(none.empty());
  EXPECT_GT(CountActiveJobs(), 0);
  std::vector<TaskResult> aborted;
  ex->AbortAll(20000, &aborted);
  EXPECT_EQ(aborted.size(), 50u);
  for (auto& r : aborted) EXPECT_EQ(r.outcome, TaskResult::Outcome::kAborted);
  EXPECT_EQ(CountActiveJobs(), 0);
  EXPECT_EQ(ex->running(), 0u);
  EXPECT_GE(ex->stats().calls_by_operation["TerminateJob"], 50);
}

TEST_F(ExecutorOnEmu, JobStuckInRunnableIsReportedOnce) {
  emu_.SetFaults({{"hold_runnable", true}});
  TaskRun t = Task(1, "true\n");
  t.cpus = 2;
  t.memory_bytes = 3LL << 30;
  std::vector<std::string> said = WarningsWhileWaiting(t, 30);
  ASSERT_EQ(said.size(), 1u);
  EXPECT_NE(said[0].find("proc (1)"), std::string::npos) << said[0];
  EXPECT_NE(said[0].find("RUNNABLE"), std::string::npos) << said[0];
  EXPECT_NE(said[0].find("'q'"), std::string::npos) << said[0];
  EXPECT_NE(said[0].find("2 vCPUs and 3072 MiB"), std::string::npos) << said[0];
}

// A fixture whose emulator keeps every job 5 s in SUBMITTED, then PENDING.
class ExecutorOnSlowEmu : public ExecutorOnEmu {
 protected:
  ExecutorOnSlowEmu() : ExecutorOnEmu("5000") {}
};

TEST_F(ExecutorOnEmu, JobThatSucceedsWithoutRunningTheTaskFails) {
  // What an image whose entrypoint ignores its command does: Batch says
  // SUCCEEDED, and nothing ran. Here the job definition's PATH finds a
  // `sh` that exits 0.
  fs::path bin = emu_.dir() / "noop-bin";
  fs::create_directories(bin);
  { std::ofstream(bin / "sh") << "#!/bin/sh\nexit 0\n"; }
  fs::permissions(bin / "sh", fs::perms(0755));
  json jd = {
      {"jobDefinitionName", "entrypoint-ignores-command"},
      {"type", "container"},
      {"containerProperties",
       {{"image", "debian:12"},
        {"command", json::array()},
        {"environment", {{{"name", "PATH"}, {"value", bin.string() + ":/usr/bin:/bin"}}}},
        {"resourceRequirements", {{{"type", "VCPU"}, {"value", "1"}}, {{"type", "MEMORY"}, {"value", "512"}}}}}}};
  ASSERT_TRUE(batch_->Call("RegisterJobDefinition", jd, nullptr).ok());
  auto ex = Make();
  TaskRun t = Task(1, "echo hi > out.txt\n");
  t.container = "job-definition://entrypoint-ignores-command";
  ASSERT_TRUE(ex->Submit(t).ok());
  auto got = WaitAll(*ex, 1, 60);
  ASSERT_EQ(got.size(), 1u);
  EXPECT_NE(got[1].exit_code, 0);
  const std::string& m = got[1].message;
  EXPECT_NE(m.find("ran nothing"), std::string::npos) << m;
  EXPECT_NE(m.find("SUCCEEDED"), std::string::npos) << m;
  EXPECT_NE(m.find("job definition's command"), std::string::npos) << m;
  EXPECT_NE(m.find("entrypoint"), std::string::npos) << m;
}

TEST_F(ExecutorOnSlowEmu, JobStuckBeforeRunnableIsReportedToo) {
  std::vector<std::string> said = WarningsWhileWaiting(Task(1, "true\n"), 15);
  ASSERT_EQ(said.size(), 1u);
  EXPECT_NE(said[0].find("has been SUBMITTED for"), std::string::npos) << said[0];
  EXPECT_NE(said[0].find("'q'"), std::string::npos) << said[0];
  EXPECT_NE(said[0].find("queue is ENABLED and VALID"), std::string::npos) << said[0];
}

TEST_F(ExecutorOnEmu, PollReturnsEarlyOnInterrupt) {
  InstallInterruptHandlers();
  ResetInterruptsForTest();
  auto ex = Make();
  ASSERT_TRUE(ex->Submit(Task(1, "sleep 30\n")).ok());
  std::thread t([] {
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    kill(getpid(), SIGINT);
  });
  auto start = std::chrono::steady_clock::now();
  std::vector<TaskResult> out;
  ex->Poll(10000, &out);
  t.join();
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(3));
  EXPECT_EQ(InterruptCount(), 1);
  ResetInterruptsForTest();
  std::vector<TaskResult> aborted;
  ex->AbortAll(10000, &aborted);
  EXPECT_EQ(aborted.size(), 1u);
}

// Jobs use the ferry binary as their CLI here (cliPath): it must stand in for
// `aws s3 cp` in the job command and .command.run, under S3 faults too.
// A ferry that dies leaves its jobs journaled (intent, then id); a later
// executor given them (Adopt) watches them to the end without a SubmitJob of
// its own, for a plain job and for the children of an array job.
TEST_F(ExecutorOnEmu, JournaledJobsOfADeadExecutorAreAdoptedNotSubmittedAgain) {
  std::unique_ptr<JobJournal> opened;
  ASSERT_TRUE(JobJournal::Open((emu_.dir() / "ferry").string(), &opened).ok());
  std::shared_ptr<JobJournal> journal(std::move(opened));
  std::vector<TaskRun> runs = {Task(1, "sleep 2; echo plain > o.txt\n")};
  for (uint64_t id = 10; id < 12; id++) {
    TaskRun c = Task(id, "sleep 2; echo child > o.txt\n");
    c.array_key = "proc";
    c.array_size = 10;
    runs.push_back(c);
  }
  for (auto& r : runs) {
    r.outputs = {"o.txt"};
    r.hash = "abcdef" + std::to_string(100000 + r.id) + "0000";
  }
  {
    auto dead = Make();
    dead->UseJournal(journal, 1, "first_run");
    for (const auto& r : runs) ASSERT_TRUE(dead->Submit(r).ok());
    std::vector<JournalJob> rows;
    for (int i = 0; i < 100; i++) {
      ASSERT_TRUE(journal->OpenJobs(1, &rows).ok());
      if (rows.size() == 3 &&
          std::all_of(rows.begin(), rows.end(), [](const JournalJob& j) { return !j.job_id.empty(); }))
        break;
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    ASSERT_EQ(rows.size(), 3u);
  }  // gone without AbortAll, as after SIGKILL: the jobs go on
  std::vector<JournalJob> rows;
  ASSERT_TRUE(journal->OpenJobs(1, &rows).ok());
  ASSERT_EQ(rows.size(), 3u);
  // The plain job and the array may reach Batch in either order, and the
  // children may take their indexes in either order: the plain job (-1) first.
  std::sort(rows.begin(), rows.end(),
            [](const JournalJob& a, const JournalJob& b) { return a.array_index < b.array_index; });
  EXPECT_EQ(rows[0].job_name, "proc-first_run-abcdef100001-1");
  EXPECT_EQ(rows[1].job_id.substr(rows[1].job_id.size() - 2), ":0");
  EXPECT_EQ(rows[2].job_id.substr(rows[2].job_id.size() - 2), ":1");
  EXPECT_EQ(rows[1].job_name, rows[2].job_name);  // the array's one name

  std::vector<JobLook> looks;
  ASSERT_TRUE(LookUpJobs(*batch_, journal.get(), rows, &looks).ok());
  std::vector<AdoptedJob> adopt;
  for (const auto& l : looks) {
    EXPECT_TRUE(IsActiveJobStatus(l.status)) << l.job_id << " " << l.status;
    adopt.push_back(AdoptedJob{l.job, l.job_id, l.terminate_id, l.status});
  }
  EXPECT_EQ(looks[1].terminate_id, rows[1].job_id.substr(0, rows[1].job_id.find(':')));
  int64_t submits = batch_->calls_by_operation()["SubmitJob"];
  auto heir = Make();
  heir->UseJournal(journal, 2, "second_run");
  heir->Adopt(adopt);
  for (const auto& r : runs) ASSERT_TRUE(heir->Submit(r).ok());
  auto got = WaitAll(*heir, 3, 120);
  ASSERT_EQ(got.size(), 3u);
  for (const auto& [id, r] : got) {
    EXPECT_EQ(r.exit_code, 0) << id << ": " << r.message;
    EXPECT_FALSE(r.native_id.empty());
  }
  EXPECT_EQ(batch_->calls_by_operation()["SubmitJob"], submits);
  EXPECT_EQ(Object("runs/0/task-1/o.txt"), "plain\n");
  EXPECT_EQ(Object("runs/1/task-11/o.txt"), "child\n");
  // The ends are recorded once the run's results are kept.
  ASSERT_TRUE(journal->OpenJobs(1, &rows).ok());
  EXPECT_EQ(rows.size(), 3u);
  ASSERT_TRUE(heir->JournalEnds().ok());
  ASSERT_TRUE(journal->OpenJobs(0, &rows).ok());
  EXPECT_TRUE(rows.empty());
}

TEST_F(ExecutorOnEmu, CompletesUnderApiFaultsAndHostTerminations) {
  // The static ferry-job (the CLI users install) stages: the same S3 code
  // as ferry's, without the sanitizers' start-up in every call of every job.
  options_.cli_path = BuildDir() + "/ferry-job";
  ASSERT_EQ(access(options_.cli_path.c_str(), X_OK), 0) << "build ferry-job beside this test";
  // A tenth of attempts lose their host: ten attempts make running out
  // of them (1e-10 per task) impossible in practice.
  options_.max_spot_attempts = 10;
  options_.max_transfer_attempts = 5;
  auto ex = Make();
  // 20% of Batch and S3 requests fail and 10% of job attempts lose their
  // host; FERRY_FAULT_TASKS and FERRY_FAULT_HOSTS change the task count and
  // that share.
  const char* hosts = getenv("FERRY_FAULT_HOSTS");
  emu_.SetFaults({{"throttle", {{"batch", 0.08}, {"s3", 0.07}}},
                  {"error_500", {{"batch", 0.06}, {"s3", 0.07}}},
                  {"connection_reset", {{"batch", 0.06}, {"s3", 0.06}}},
                  {"host_termination_per_attempt", hosts ? std::atof(hosts) : 0.1}});
  fs::path dir = emu_.dir() / "ref dir";
  fs::create_directories(dir / "sub");
  std::ofstream(dir / "a.txt") << "A";
  std::ofstream(dir / "sub" / "b.txt") << "B";
  const int n = getenv("FERRY_FAULT_TASKS") ? std::atoi(getenv("FERRY_FAULT_TASKS")) : 16;
  for (int i = 0; i < n; i++) {
    TaskRun t =
        Task(100 + i, "sleep 1\necho result " + std::to_string(i) + " > r.txt\ncat ref/a.txt ref/sub/b.txt >> r.txt\n");
    t.inputs = {{dir.string(), "ref"}};
    t.outputs = {"r.txt"};
    if (i >= n / 2) {
      t.array_key = "proc/a";
      t.array_size = 50;
    }
    ASSERT_TRUE(ex->Submit(t).ok());
  }
  auto got = WaitAll(*ex, n, 600);
  emu_.SetFaults(json::object());
  ASSERT_EQ(got.size(), static_cast<size_t>(n));
  int spot = 0;
  for (int i = 0; i < n; i++) {
    uint64_t id = 100 + i;
    if (getenv("FERRY_SHOW") && got[id].exit_code != 0) fprintf(stderr, "task %d: %s\n", i, got[id].message.c_str());
    EXPECT_EQ(got[id].outcome, TaskResult::Outcome::kExited) << got[id].message;
    EXPECT_EQ(got[id].exit_code, 0) << got[id].message;
    EXPECT_EQ(Object("runs/" + std::to_string(id / 10) + "/task-" + std::to_string(id) + "/r.txt"),
              "result " + std::to_string(i) + "\nAB");
    spot += got[id].spot_retries;
  }
  AwsBatchStats st = ex->stats();
  EXPECT_EQ(st.spot_retries, spot);
  EXPECT_GT(st.throttled, 0);
  EXPECT_LE(st.peak_submit_per_second, 50);
  if (getenv("FERRY_SHOW"))
    fprintf(stderr, "spot retries %d, throttled %lld, SubmitJob %lld, DescribeJobs %lld\n", spot,
            static_cast<long long>(st.throttled), static_cast<long long>(st.calls_by_operation["SubmitJob"]),
            static_cast<long long>(st.calls_by_operation["DescribeJobs"]));
}

}  // namespace
}  // namespace ferry

namespace ferry {
namespace {

// Batch calls a run costs. The per-task figures depend on how long the run
// takes (status is polled once per interval), so these tests check the
// structure instead: one SubmitJob per job (an array counts once), and
// DescribeJobs no more than once per poll interval plus one call per 100
// finished array children. bench/batch_overhead measures calls per task.
class CallBudget : public ExecutorOnEmu {
 protected:
  struct Counts {
    int64_t submits = 0, describes = 0, cycles = 0;
  };
  Counts Run(int n, int array_size, int64_t poll_ms) {
    options_.cli_path = BuildDir() + "/ferry-job";
    options_.poll_interval_ms = poll_ms;
    auto ex = Make();
    std::map<std::string, int64_t> setup = batch_->calls_by_operation();  // the test's own calls
    auto start = std::chrono::steady_clock::now();
    for (int i = 0; i < n; i++) {
      TaskRun t = Task(1000 + i, "echo " + std::to_string(i) + " > r.txt\n");
      t.outputs = {"r.txt"};
      t.array_key = array_size > 1 ? "proc/arr" : "";
      t.array_size = array_size;
      EXPECT_TRUE(ex->Submit(t).ok());
    }
    auto got = WaitAll(*ex, n, 600);
    int64_t elapsed_ms =
        std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - start).count();
    EXPECT_EQ(got.size(), static_cast<size_t>(n));
    for (auto& [id, r] : got) EXPECT_EQ(r.exit_code, 0) << r.message;
    AwsBatchStats st = ex->stats();
    EXPECT_LE(st.peak_submit_per_second, 50);
    Counts c;
    c.submits = st.calls_by_operation["SubmitJob"] - setup["SubmitJob"];
    c.describes = st.calls_by_operation["DescribeJobs"] - setup["DescribeJobs"];
    c.cycles = elapsed_ms / poll_ms + 1;
    return c;
  }
};

TEST_F(CallBudget, ArraysCostOneSubmitPerArrayAndOneDescribePerPoll) {
  // Two arrays of 110: over 100 children each, so children are described
  // in more than one call (300 tasks took six minutes under the sanitizers).
  Counts c = Run(220, 110, 2000);
  EXPECT_EQ(c.submits, 2);
  // One parent call per poll; children in calls of 100, plus, while an
  // array's children trickle in, at most one call per 5 polls per array so
  // that finished children are reported without waiting for 100 of them.
  // A slow machine stretches the run over more polls, so the bound follows
  // the poll count; describing children every poll would cost 2x cycles.
  const int64_t arrays = 2;
  EXPECT_LE(c.describes, c.cycles + arrays * (c.cycles / 5 + 1) + 220 / 100 + 2) << "poll cycles: " << c.cycles;
}

TEST_F(CallBudget, PlainJobsCostOneSubmitPerTaskAndOneDescribePerHundredJobsPerPoll) {
  // Over 100 jobs, so each poll needs two DescribeJobs calls.
  Counts c = Run(110, 0, 2000);
  EXPECT_EQ(c.submits, 110);
  EXPECT_LE(c.describes, 2 * c.cycles + 2) << "poll cycles: " << c.cycles;
}

}  // namespace
}  // namespace ferry
