#include "store/job_journal.h"

#include <gtest/gtest.h>

#include <filesystem>

#include "store/sqlite.h"
#include "util/temp_dir_testing.h"

namespace ferry {
namespace {

class JobJournalTest : public testing::TempDirTest {
 protected:
  std::unique_ptr<JobJournal> OpenOrDie() {
    std::unique_ptr<JobJournal> j;
    Status st = JobJournal::Open(dir() + "/.ferry", &j);
    EXPECT_TRUE(st.ok()) << st.message();
    return j;
  }
  static JournalJob Job(int64_t run, const std::string& hash, int index = -1, const std::string& name = "align-r-1") {
    JournalJob j;
    j.run_id = run;
    j.hash = hash;
    j.task_id = 7;
    j.name = "align (1)";
    j.process = "align";
    j.work_dir = "s3://b/work/" + hash;
    j.queue = "q";
    j.job_name = name;
    j.array_index = index;
    return j;
  }
};

TEST_F(JobJournalTest, IntentThenIdThenEndSurviveReopening) {
  {
    auto j = OpenOrDie();
    ASSERT_TRUE(j->RecordIntents({Job(1, "aaa")}).ok());
  }
  // A ferry killed between the intent and SubmitJob's answer leaves the
  // intent, with no id, for the next one to look up by name.
  auto j = OpenOrDie();
  std::vector<JournalJob> open;
  ASSERT_TRUE(j->OpenJobs(1, &open).ok());
  ASSERT_EQ(open.size(), 1u);
  EXPECT_EQ(open[0].job_id, "");
  EXPECT_EQ(open[0].job_name, "align-r-1");
  EXPECT_EQ(open[0].work_dir, "s3://b/work/aaa");
  EXPECT_GT(open[0].created_ms, 0);
  ASSERT_TRUE(j->RecordSubmitted(1, "align-r-1", "job-1").ok());
  ASSERT_TRUE(j->OpenJobs(0, &open).ok());
  ASSERT_EQ(open.size(), 1u);
  EXPECT_EQ(open[0].job_id, "job-1");
  ASSERT_TRUE(j->RecordEnded({JobKey{1, "aaa", 1}}).ok());
  ASSERT_TRUE(j->OpenJobs(0, &open).ok());
  EXPECT_TRUE(open.empty());
}

TEST_F(JobJournalTest, ArrayChildrenGetParentIndexIdsAndRunsAreKeptApart) {
  auto j = OpenOrDie();
  ASSERT_TRUE(j->RecordIntents({Job(2, "c0", 0, "arr"), Job(2, "c1", 1, "arr")}).ok());
  ASSERT_TRUE(j->RecordIntents({Job(3, "other", -1, "arr")}).ok());
  ASSERT_TRUE(j->RecordSubmitted(2, "arr", "parent").ok());
  std::vector<JournalJob> open;
  ASSERT_TRUE(j->OpenJobs(2, &open).ok());
  ASSERT_EQ(open.size(), 2u);
  EXPECT_EQ(open[0].job_id, "parent:0");
  EXPECT_EQ(open[1].job_id, "parent:1");
  ASSERT_TRUE(j->OpenJobs(3, &open).ok());
  ASSERT_EQ(open.size(), 1u);
  EXPECT_EQ(open[0].job_id, "");  // same name, another run: untouched
}

TEST_F(JobJournalTest, ASubmissionTriedAgainReplacesItsIntent) {
  auto j = OpenOrDie();
  ASSERT_TRUE(j->RecordIntents({Job(1, "aaa")}).ok());
  ASSERT_TRUE(j->RecordIntents({Job(1, "aaa")}).ok());
  std::vector<JournalJob> open;
  ASSERT_TRUE(j->OpenJobs(1, &open).ok());
  EXPECT_EQ(open.size(), 1u);
}

TEST_F(JobJournalTest, SlurmRowsSpellArrayIdsSlurmsWayAndAreKeptApart) {
  auto j = OpenOrDie();
  JournalJob a = Job(4, "s0", 0, "ferry-r-align-array0-1"), b = Job(4, "s1", 1, "ferry-r-align-array0-1");
  a.executor = b.executor = "slurm";
  ASSERT_TRUE(j->RecordIntents({a, b, Job(4, "batch")}).ok());
  ASSERT_TRUE(j->RecordSubmitted(4, "ferry-r-align-array0-1", "812").ok());
  std::vector<JournalJob> open;
  ASSERT_TRUE(j->OpenJobs(4, &open, "slurm").ok());
  ASSERT_EQ(open.size(), 2u);
  EXPECT_EQ(open[0].job_id, "812_0");
  EXPECT_EQ(open[1].job_id, "812_1");
  EXPECT_EQ(open[1].executor, "slurm");
  ASSERT_TRUE(j->OpenJobs(0, &open, "awsbatch").ok());
  ASSERT_EQ(open.size(), 1u);
  EXPECT_EQ(open[0].hash, "batch");
  ASSERT_TRUE(j->OpenJobs(4, &open).ok());
  EXPECT_EQ(open.size(), 3u);
}

TEST_F(JobJournalTest, AJournalWrittenBeforeSlurmRowsOpensWithItsRowsAsBatchJobs) {
  std::filesystem::create_directories(dir() + "/.ferry");
  {
    SqliteDb db;
    ASSERT_EQ(db.OpenShared(dir() + "/.ferry/history.db", 1000), SQLITE_OK);
    ASSERT_EQ(db.Exec("CREATE TABLE batch_jobs(run_id INTEGER NOT NULL, hash TEXT NOT NULL, attempt INTEGER NOT NULL, "
                      "task_id INTEGER NOT NULL, name TEXT NOT NULL, process TEXT NOT NULL, work_dir TEXT NOT NULL, "
                      "queue TEXT NOT NULL, job_name TEXT NOT NULL, array_index INTEGER NOT NULL, job_id TEXT NOT "
                      "NULL, created_ms INTEGER NOT NULL, ended_ms INTEGER NOT NULL, PRIMARY KEY(run_id, hash, "
                      "attempt));"
                      "INSERT INTO batch_jobs VALUES(1, 'old', 1, 3, 'a', 'a', 's3://b/w', 'q', 'n', -1, 'j-1', 5, 0)"),
              SQLITE_OK);
  }
  auto j = OpenOrDie();
  ASSERT_NE(j, nullptr);
  std::vector<JournalJob> open;
  ASSERT_TRUE(j->OpenJobs(0, &open, "awsbatch").ok());
  ASSERT_EQ(open.size(), 1u);
  EXPECT_EQ(open[0].job_id, "j-1");
  EXPECT_EQ(open[0].executor, "awsbatch");
  // And opening it again (the column is there now) is no error.
  j.reset();
  EXPECT_NE(OpenOrDie(), nullptr);
}

}  // namespace
}  // namespace ferry
