// The job command and .command.run, run for real with the host's sh (dash
// on Debian) and, as in an image with nothing but busybox, with a PATH of
// busybox applets only, against a fake AWS CLI that maps s3://bucket/key to
// a local directory: inputs with odd names (spaces, quotes, $) are staged,
// the task runs in a scratch dir, outputs (files and dirs) and .exitcode land
// in the work dir, failures keep their exit code, flaky transfers are
// retried, and a task that needs bash where there is none says so.
#include "awsbatch/batch_wrapper.h"

#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

#include "util/text.h"

namespace ferry {
namespace {

namespace fs = std::filesystem;

std::string Read(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}
void Write(const fs::path& p, const std::string& s) {
  fs::create_directories(p.parent_path());
  std::ofstream(p, std::ios::binary) << s;
}

// A fake ferry-job: a file with no `#!` line, which the wrapper takes for a
// binary (sh runs such a file itself). It has ferry's `measure`, which here
// only runs the command and writes a one-line report, and passes the rest to
// the fake aws (FAKE_AWS).
const char* kFakeFerryJob = R"SH(# fake ferry-job
if [ "$1" = measure ]; then
  echo "$*" >> "$FAKE_S3/.calls"
  if [ "$2" = --check ]; then echo "ferry measure: ready"; exit 0; fi
  report=$2; shift 3; "$@"; r=$?; echo "job_id: fake-job" > "$report"; exit $r
fi
exec FAKE_AWS "$@"
)SH";

// A fake `aws`: `s3 cp [--flags] [--recursive] SRC DST`, where s3://b/k is
// $FAKE_S3/b/k; a file $FAKE_S3/.fail-N makes the next N calls fail. Like
// the real aws CLI it is a script (`#!`) with no `measure`.
const char* kFakeCli = R"SH(#!/bin/bash
echo "$*" >> "$FAKE_S3/.calls"
[ "$1" = s3 ] && [ "$2" = cp ] || exit 2
shift 2
rec=0; args=()
while [ $# -gt 0 ]; do
  case "$1" in
    --only-show-errors) ;;
    --region|--endpoint-url) shift ;;
    --recursive) rec=1 ;;
    *) args+=("$1") ;;
  esac
  shift
done
if [ -f "$FAKE_S3/.fail" ]; then
  n=$(cat "$FAKE_S3/.fail"); if [ "$n" -gt 0 ]; then echo $((n - 1)) > "$FAKE_S3/.fail"; echo "fake: transient error" >&2; exit 1; fi
fi
map() { case "$1" in s3://*) echo "$FAKE_S3/${1#s3://}" ;; *) echo "$1" ;; esac; }
src=$(map "${args[0]}"); dst=$(map "${args[1]}")
if [ "$rec" = 1 ]; then mkdir -p "$dst" && cp -r "$src"/. "$dst"/; exit; fi
[ -f "$src" ] || { echo "fake: $src: not found" >&2; exit 1; }
if [ "$dst" = - ]; then cat "$src"; exit; fi
mkdir -p "$(dirname "$dst")" && cp "$src" "$dst"
)SH";

class WrapperRun : public ::testing::Test {
 protected:
  void SetUp() override {
    root_ = fs::temp_directory_path() / ("ferry-wrapper-" + std::to_string(getpid()) + "-" +
                                         ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(root_);
    s3_ = root_ / "s3";
    fs::create_directories(s3_ / "bucket");
    cli_ = root_ / "tools" / "bin" / "aws";
    Write(cli_, kFakeCli);
    fs::permissions(cli_, fs::perms::owner_all);
    settings_.cli_path = cli_.string();
    settings_.region = "eu-west-1";
    settings_.endpoint_url = "http://127.0.0.1:1";
    settings_.delay_between_attempts_ms = 0;
  }
  void TearDown() override { fs::remove_all(root_); }

  // Runs the job command as Batch would and returns its exit status.
  int RunJob(const std::vector<std::string>& argv, const std::string& extra_env = "") {
    std::string cmd = "cd " + ShellQuote(root_.string()) + " && env FAKE_S3=" + ShellQuote(s3_.string()) +
                      " TMPDIR=" + ShellQuote(root_.string()) + " " + extra_env;
    if (!path_.empty()) cmd += " PATH=" + ShellQuote(path_);
    for (const auto& a : argv) cmd += " " + ShellQuote(a);
    cmd += " > " + ShellQuote((root_ / "job.out").string()) + " 2>&1";
    int st = std::system(cmd.c_str());
    return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
  }
  void PutTask(const std::string& work, const std::string& script, const TaskScript& t) {
    Write(s3_ / "bucket" / work / ".command.sh", "#!/bin/bash -ue\n" + script);
    Write(s3_ / "bucket" / work / ".command.run", CommandRun(settings_, t));
  }

  // Makes the jobs' PATH a dir of busybox applets alone (no bash, no
  // coreutils), as in the busybox-only test image; false without busybox.
  bool OnlyBusybox() {
    fs::path bin = root_ / "busybox-bin";
    std::string sh = "bb=$(command -v busybox) && mkdir -p " + ShellQuote(bin.string()) +
                     " && for a in $(\"$bb\" --list); do ln -s \"$bb\" " + ShellQuote(bin.string()) + "/$a; done";
    if (std::system(sh.c_str()) != 0 || !fs::exists(bin / "sh") || fs::exists(bin / "bash")) return false;
    path_ = bin.string();
    return true;
  }

  fs::path root_, s3_, cli_;
  std::string path_;  // the jobs' PATH when set
  WrapperSettings settings_;
};

TEST_F(WrapperRun, StagesOddNamesRunsAndUploadsOutputs) {
  Write(s3_ / "bucket" / "data" / "in put's $HOME.txt", "hello\n");
  Write(s3_ / "bucket" / "data" / "dir" / "a.txt", "A\n");
  TaskScript t;
  t.work_url = "s3://bucket/work/ab/cd";
  t.inputs = {{"s3://bucket/data/in put's $HOME.txt", "my \"input\" $x.txt", false},
              {"s3://bucket/data/dir/", "sub/dir", true}};
  t.outputs = {"out file.txt", "outdir"};
  t.env = {{"GREETING", "it's $1 \"quoted\""}, {"AWS_SECRET_ACCESS_KEY", "leak"}};
  PutTask("work/ab/cd",
          "cat 'my \"input\" $x.txt' sub/dir/a.txt > 'out file.txt'\necho \"$GREETING\" >> 'out file.txt'\n"
          "mkdir outdir && echo deep > outdir/x\necho to-stdout\necho to-stderr >&2\n",
          t);
  EXPECT_EQ(RunJob(JobCommand(settings_, t.work_url)), 0) << Read(root_ / "job.out");
  fs::path work = s3_ / "bucket" / "work" / "ab" / "cd";
  EXPECT_EQ(Read(work / "out file.txt"), "hello\nA\nit's $1 \"quoted\"\n");
  EXPECT_EQ(Read(work / "outdir" / "x"), "deep\n");
  EXPECT_EQ(Read(work / ".exitcode"), "0");
  EXPECT_EQ(Read(work / ".command.out"), "to-stdout\n");
  EXPECT_EQ(Read(work / ".command.err"), "to-stderr\n");
  EXPECT_TRUE(fs::exists(work / ".command.log"));
  std::string calls = Read(s3_ / ".calls");
  EXPECT_NE(calls.find("--region eu-west-1 --endpoint-url http://127.0.0.1:1"), std::string::npos) << calls;
  EXPECT_EQ(CommandRun(settings_, t).find("leak"), std::string::npos);
  // The CLI is a script (the aws CLI is Python): not asked for `measure`,
  // which would cost a Python start-up per job to fail; the task runs as is.
  EXPECT_EQ(calls.find("measure"), std::string::npos) << calls;
  EXPECT_FALSE(fs::exists(work / ".command.usage"));
}

TEST_F(WrapperRun, PipelineBinIsFetchedMadeExecutableAndOnPath) {
  // S3 keeps no modes: the staged script arrives as a plain file.
  Write(s3_ / "bucket" / "stage" / "bin" / "greet", "#!/bin/sh\necho \"hello $1\"\n");
  TaskScript t;
  t.work_url = "s3://bucket/w/bin";
  t.bin_url = "s3://bucket/stage/bin/";
  t.outputs = {"out.txt"};
  PutTask("w/bin", "greet world > out.txt\n", t);
  // With busybox alone too, as in the smallest images.
  bool busybox = OnlyBusybox();
  EXPECT_EQ(RunJob(JobCommand(settings_, t.work_url)), 0) << Read(root_ / "job.out");
  EXPECT_EQ(Read(s3_ / "bucket" / "w" / "bin" / "out.txt"), "hello world\n") << "busybox: " << busybox;
  // A bin/ that cannot be fetched fails the task before it runs, saying so.
  t.bin_url = "s3://bucket/stage/missing/";
  PutTask("w/bin", "greet world > out.txt\n", t);
  fs::remove(s3_ / "bucket" / "w" / "bin" / "out.txt");
  EXPECT_EQ(RunJob(JobCommand(settings_, t.work_url)), 1);
  EXPECT_NE(Read(s3_ / "bucket" / "w" / "bin" / ".command.err").find("cannot fetch the pipeline's bin/"),
            std::string::npos);
}

TEST_F(WrapperRun, TaskRunsUnderTheClisMeasureWhenItHasOne) {
  fs::path ferry_job = root_ / "tools" / "bin" / "ferry-job";
  std::string text = kFakeFerryJob;
  text.replace(text.find("FAKE_AWS"), 8, ShellQuote(cli_.string()));
  Write(ferry_job, text);
  fs::permissions(ferry_job, fs::perms::owner_all);
  settings_.cli_path = ferry_job.string();
  TaskScript t;
  t.work_url = "s3://bucket/w/5";
  t.outputs = {"never.txt"};
  PutTask("w/5", "echo to-stdout\necho boom >&2\nexit 3\n", t);
  EXPECT_EQ(RunJob(JobCommand(settings_, t.work_url)), 3) << Read(root_ / "job.out");
  fs::path work = s3_ / "bucket" / "w" / "5";
  EXPECT_EQ(Read(work / ".exitcode"), "3");
  EXPECT_EQ(Read(work / ".command.out"), "to-stdout\n");
  EXPECT_EQ(Read(work / ".command.err"), "boom\n");
  EXPECT_EQ(Read(work / ".command.usage"), "job_id: fake-job\n");
  std::string calls = Read(s3_ / ".calls");
  EXPECT_NE(calls.find("measure --check"), std::string::npos) << calls;
  EXPECT_NE(calls.find("measure .command.usage -- bash -ue .command.sh"), std::string::npos) << calls;
  // Jobs running the aws CLI from the image's PATH are never measured.
  WrapperSettings plain = settings_;
  plain.cli_path.clear();
  EXPECT_EQ(CommandRun(plain, t).find("measure"), std::string::npos);
}

TEST_F(WrapperRun, FailingTaskKeepsItsExitCodeAndSkipsOutputs) {
  TaskScript t;
  t.work_url = "s3://bucket/w/1";
  t.outputs = {"never.txt"};
  PutTask("w/1", "echo partial > never.txt\necho boom >&2\nexit 3\n", t);
  EXPECT_EQ(RunJob(JobCommand(settings_, t.work_url)), 3);
  fs::path work = s3_ / "bucket" / "w" / "1";
  EXPECT_EQ(Read(work / ".exitcode"), "3");
  EXPECT_FALSE(fs::exists(work / "never.txt"));
  EXPECT_EQ(Read(work / ".command.err"), "boom\n");
  EXPECT_NE(Read(work / ".command.log").find("boom"), std::string::npos);
}

TEST_F(WrapperRun, TransfersAreRetriedUpToMaxTransferAttempts) {
  settings_.max_transfer_attempts = 3;
  Write(s3_ / "bucket" / "in.txt", "x\n");
  TaskScript t;
  t.work_url = "s3://bucket/w/2";
  t.inputs = {{"s3://bucket/in.txt", "in.txt", false}};
  t.outputs = {"out.txt"};
  // The task makes the next two transfers (its output's upload) fail.
  PutTask("w/2", "cp in.txt out.txt\necho 2 > \"$FAKE_S3/.fail\"\n", t);
  EXPECT_EQ(RunJob(JobCommand(settings_, t.work_url)), 0) << Read(root_ / "job.out");
  EXPECT_EQ(Read(s3_ / "bucket" / "w" / "2" / "out.txt"), "x\n");
  EXPECT_EQ(Read(s3_ / ".fail"), "0\n");
  settings_.max_transfer_attempts = 1;
  PutTask("w/2", "cp in.txt out.txt\necho 1 > \"$FAKE_S3/.fail\"\n", t);
  EXPECT_EQ(RunJob(JobCommand(settings_, t.work_url)), 1);
  EXPECT_NE(Read(s3_ / "bucket" / "w" / "2" / ".command.err").find("uploading the task's outputs failed"),
            std::string::npos);
}

TEST_F(WrapperRun, MissingInputFailsTheTaskWithAReason) {
  TaskScript t;
  t.work_url = "s3://bucket/w/3";
  t.inputs = {{"s3://bucket/nope.txt", "nope.txt", false}};
  PutTask("w/3", "echo ran > ran.txt\n", t);
  EXPECT_EQ(RunJob(JobCommand(settings_, t.work_url)), 1);
  fs::path work = s3_ / "bucket" / "w" / "3";
  EXPECT_EQ(Read(work / ".exitcode"), "1");
  EXPECT_NE(Read(work / ".command.err").find("staging the task's inputs failed"), std::string::npos);
}

TEST_F(WrapperRun, ArrayChildFindsItsWorkDirByIndex) {
  std::vector<std::string> works = {"s3://bucket/a/0", "s3://bucket/a/1 x", "s3://bucket/a/2"};
  for (size_t i = 0; i < works.size(); i++) {
    TaskScript t;
    t.work_url = works[i];
    t.outputs = {"o.txt"};
    PutTask(works[i].substr(12), "echo " + std::to_string(i) + " > o.txt\n", t);
  }
  Write(s3_ / "bucket" / "idx.txt", ArrayIndex(works));
  auto cmd = ArrayJobCommand(settings_, "s3://bucket/idx.txt");
  EXPECT_EQ(RunJob(cmd, "AWS_BATCH_JOB_ARRAY_INDEX=1"), 0) << Read(root_ / "job.out");
  EXPECT_EQ(Read(s3_ / "bucket" / "a" / "1 x" / "o.txt"), "1\n");
  EXPECT_FALSE(fs::exists(s3_ / "bucket" / "a" / "0" / "o.txt"));
  EXPECT_EQ(RunJob(cmd, "AWS_BATCH_JOB_ARRAY_INDEX=7"), 1);
}

TEST_F(WrapperRun, TermIsForwardedToTheTask) {
  TaskScript t;
  t.work_url = "s3://bucket/w/4";
  PutTask("w/4", "trap 'echo got-term > " + (root_ / "term.txt").string() + "; exit 9' TERM\nsleep 30 & wait\n", t);
  std::string cmd;
  for (const auto& a : JobCommand(settings_, t.work_url)) cmd += " " + ShellQuote(a);
  std::string sh = "cd " + ShellQuote(root_.string()) + " && export FAKE_S3=" + ShellQuote(s3_.string()) +
                   " TMPDIR=" + ShellQuote(root_.string()) + "; (" + cmd +
                   ") & p=$!; sleep 1.5; kill -TERM $p; wait $p; echo $?";
  FILE* f = popen(sh.c_str(), "r");
  char buf[64] = {0};
  ASSERT_NE(fgets(buf, sizeof buf, f), nullptr);
  pclose(f);
  EXPECT_EQ(Read(root_ / "term.txt"), "got-term\n");
  EXPECT_EQ(std::string(buf), "143\n");  // stopped: no outputs, no .exitcode, quick exit
  EXPECT_FALSE(fs::exists(s3_ / "bucket" / "w" / "4" / ".exitcode"));
  EXPECT_TRUE(fs::exists(s3_ / "bucket" / "w" / "4" / ".command.log"));
}

TEST_F(WrapperRun, RunsWhereTheImageHasOnlyBusybox) {
  if (!OnlyBusybox()) GTEST_SKIP() << "no busybox with an sh applet on this machine";
  settings_.max_parallel_transfers = 2;  // three inputs: the window of transfers fills and drains
  Write(s3_ / "bucket" / "data" / "a b.txt", "A\n");
  Write(s3_ / "bucket" / "data" / "c'd.txt", "C\n");
  Write(s3_ / "bucket" / "data" / "dir" / "e.txt", "E\n");
  TaskScript t;
  t.work_url = "s3://bucket/w/bb";
  t.inputs = {{"s3://bucket/data/a b.txt", "in/a b.txt", false},
              {"s3://bucket/data/c'd.txt", "c'd.txt", false},
              {"s3://bucket/data/dir/", "dir", true}};
  t.outputs = {"out.txt"};
  PutTask("w/bb", "cat 'in/a b.txt' \"c'd.txt\" dir/e.txt > out.txt\necho \"$0\" >&2\n", t);
  ASSERT_EQ(RunJob(JobCommand(settings_, t.work_url)), 0) << Read(root_ / "job.out");
  fs::path work = s3_ / "bucket" / "w" / "bb";
  EXPECT_EQ(Read(work / "out.txt"), "A\nC\nE\n");
  EXPECT_EQ(Read(work / ".exitcode"), "0");
  EXPECT_EQ(Read(work / ".command.err"), ".command.sh\n");
  EXPECT_TRUE(fs::exists(work / ".command.log"));

  // An array child finds its line without bash's arrays.
  std::vector<std::string> works = {"s3://bucket/a/0", "s3://bucket/a/1 x"};
  for (size_t i = 0; i < works.size(); i++) {
    TaskScript c;
    c.work_url = works[i];
    c.outputs = {"o.txt"};
    PutTask(works[i].substr(12), "echo " + std::to_string(i) + " > o.txt\n", c);
  }
  Write(s3_ / "bucket" / "idx.txt", ArrayIndex(works));
  EXPECT_EQ(RunJob(ArrayJobCommand(settings_, "s3://bucket/idx.txt"), "AWS_BATCH_JOB_ARRAY_INDEX=1"), 0)
      << Read(root_ / "job.out");
  EXPECT_EQ(Read(s3_ / "bucket" / "a" / "1 x" / "o.txt"), "1\n");

  // A task that needs bash fails, and says that the image has none.
  TaskScript b;
  b.work_url = "s3://bucket/w/needs-bash";
  PutTask("w/needs-bash", "words=(a b)\necho \"${words[1]}\"\n", b);
  EXPECT_NE(RunJob(JobCommand(settings_, b.work_url)), 0);
  std::string err = Read(s3_ / "bucket" / "w" / "needs-bash" / ".command.err");
  EXPECT_NE(err.find("the image has no bash, so .command.sh ran under sh"), std::string::npos) << err;
}

// Late outputs are matched in the job: hostile names (a leading '-', quotes,
// $(...), a newline) found whole, directories uploaded whole, the staged
// input and ferry's own files never found, a missing optional file left
// out; .command.found lists each as NAME<TAB>PATH<NUL>, which
// ParseFoundOutputs reads back sorted. Under dash, then busybox alone.
TEST_F(WrapperRun, LateOutputsAreMatchedInTheJobAndListed) {
  for (bool busybox : {false, true}) {
    if (busybox && !OnlyBusybox()) continue;
    const std::string dir = busybox ? "w/late-bb" : "w/late";
    Write(s3_ / "bucket" / "data" / "in.txt", "input\n");
    TaskScript t;
    t.work_url = "s3://bucket/" + dir;
    t.inputs = {{"s3://bucket/data/in.txt", "in.txt", false}};
    t.late_outputs = {{"chunks", "*.txt", true},
                      {"samples", "sample_[0-9]", true},
                      {"report", "report.html", false},
                      {"none", "*.nothing", true}};
    PutTask(dir,
            "for n in -rf \"it's\" '$(touch boom)' \"$(printf 'new\\nline')\"; do echo \"$n\" > \"./$n.txt\"; done\n"
            "mkdir -p sample_1/sub && echo deep > sample_1/sub/x && touch .hidden.txt\n",
            t);
    ASSERT_EQ(RunJob(JobCommand(settings_, t.work_url)), 0) << Read(root_ / "job.out");
    fs::path work = s3_ / "bucket" / dir;
    EXPECT_EQ(Read(work / "-rf.txt"), "-rf\n");
    EXPECT_EQ(Read(work / "new\nline.txt"), "new\nline\n");
    EXPECT_EQ(Read(work / "sample_1" / "sub" / "x"), "deep\n");
    EXPECT_FALSE(fs::exists(work / "in.txt"));
    EXPECT_FALSE(fs::exists(root_ / "boom"));
    std::map<std::string, std::vector<std::string>> found;
    ASSERT_TRUE(ParseFoundOutputs(Read(work / ".command.found"), &found).ok());
    EXPECT_EQ(found["chunks"], (std::vector<std::string>{"$(touch boom).txt", "-rf.txt", "it's.txt", "new\nline.txt"}));
    EXPECT_EQ(found["samples"], (std::vector<std::string>{"sample_1"}));
    EXPECT_EQ(found.count("report"), 0u);
    EXPECT_EQ(found.count("none"), 0u);
  }
}

TEST(Wrapper, FoundOutputsRecordsMustNameAPathInsideTheWorkDir) {
  std::map<std::string, std::vector<std::string>> found;
  EXPECT_TRUE(ParseFoundOutputs(std::string("a\tz.txt\0a\tb c.txt\0a\tz.txt\0", 26), &found).ok());
  EXPECT_EQ(found["a"], (std::vector<std::string>{"b c.txt", "z.txt"}));
  for (std::string bad : {std::string("a\t../x\0", 7), std::string("a\t/etc/passwd\0", 14), std::string("no tab\0", 7),
                          std::string("a\t\0", 3), std::string("a\tx//y\0", 7)}) {
    Status st = ParseFoundOutputs(bad, &found);
    EXPECT_FALSE(st.ok()) << bad;
    EXPECT_NE(st.message().find("not an output name and a path inside the work dir"), std::string::npos);
  }
}

TEST(Wrapper, ScriptsAreValidForDashAndBusyboxAsh) {
  WrapperSettings s;
  s.region = "us-east-1";
  TaskScript t;
  t.work_url = "s3://b/w";
  t.inputs = {{"s3://b/in", "in", false}};
  t.outputs = {"out"};
  t.late_outputs = {{"parts", "it's/*_[0-9].txt", true}, {"maybe", "-x y.html", false}};
  t.env = {{"X", "1"}};
  fs::path dir = fs::temp_directory_path() / ("ferry-wrapper-syntax-" + std::to_string(getpid()));
  fs::create_directories(dir);
  Write(dir / "run.sh", CommandRun(s, t));
  Write(dir / "job.sh", JobCommand(s, t.work_url)[2]);
  Write(dir / "array.sh", ArrayJobCommand(s, "s3://b/idx")[2]);
  for (const char* shell : {"dash", "busybox sh"}) {
    std::string probe =
        std::string("command -v ") + (std::string(shell) == "dash" ? "dash" : "busybox") + " >/dev/null";
    if (std::system(probe.c_str()) != 0) continue;
    for (const char* f : {"run.sh", "job.sh", "array.sh"}) {
      std::string cmd = std::string(shell) + " -n " + ShellQuote((dir / f).string());
      EXPECT_EQ(std::system(cmd.c_str()), 0) << shell << " rejects " << f;
    }
  }
  fs::remove_all(dir);
}

TEST(Wrapper, CommandTextQuotesAndUsesTheCli) {
  WrapperSettings s;
  s.region = "us-east-1";
  EXPECT_EQ(CopyCommand(s), "aws s3 cp --only-show-errors --region us-east-1");
  s.cli_path = "/opt/my tools/bin/aws";
  s.endpoint_url = "http://127.0.0.1:9000";
  EXPECT_EQ(CopyCommand(s),
            "'/opt/my tools/bin/aws' s3 cp --only-show-errors --region us-east-1 --endpoint-url http://127.0.0.1:9000");
  // The objects' settings go on every copy the job makes.
  WrapperSettings with_sse = s;
  with_sse.s3_flags = {"--sse", "aws:kms", "--sse-kms-key-id", "alias/my key", "--request-payer", "requester"};
  EXPECT_EQ(CopyCommand(with_sse),
            "'/opt/my tools/bin/aws' s3 cp --only-show-errors --region us-east-1 --endpoint-url http://127.0.0.1:9000 "
            "--sse aws:kms --sse-kms-key-id 'alias/my key' --request-payer requester");
  EXPECT_NE(CommandRun(with_sse, TaskScript{"s3://b/w", {}, {"out.txt"}, {}, {}, ""}).find(CopyCommand(with_sse)),
            std::string::npos);
  auto cmd = JobCommand(s, "s3://b/w/it's");
  ASSERT_EQ(cmd.size(), 3u);
  EXPECT_EQ(cmd[0], "sh");
  EXPECT_NE(cmd[2].find("ferry_work='s3://b/w/it'\\''s'"), std::string::npos) << cmd[2];
  EXPECT_NE(cmd[2].find("kill -TERM"), std::string::npos);
  EXPECT_NE(cmd[2].find(".command.log"), std::string::npos);
}

}  // namespace
}  // namespace ferry
