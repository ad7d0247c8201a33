#include "remote_build/build_history.h"

#include <gtest/gtest.h>

#include <memory>

#include "util/temp_dir_testing.h"

namespace ferry::remote_build {
namespace {

// Each case starts with an empty history in a fresh directory.
class BuildHistoryTest : public testing::TempDirTest {
 protected:
  void SetUp() override {
    TempDirTest::SetUp();
    ASSERT_TRUE(BuildHistory::Open(BuildHistoryPath(dir()), &h_).ok());
  }
  std::unique_ptr<BuildHistory> h_;
};

TEST_F(BuildHistoryTest, RecordsSubmitAndStatusesNewestFirst) {
  BuildRecord a;
  a.job_id = "job-a";
  a.directory = "/work/a";
  a.status = "SUBMITTED";
  a.submitted_ms = 1000;
  ASSERT_TRUE(h_->Put(a).ok());
  BuildRecord b = a;
  b.job_id = "job-b";
  b.submitted_ms = 2000;
  ASSERT_TRUE(h_->Put(b).ok());

  BuildRecord done;
  done.job_id = "job-a";
  done.status = "FAILED";
  done.exit_code = 3;
  done.ended_ms = 5000;
  ASSERT_TRUE(h_->UpdateStatus(done).ok());

  std::vector<BuildRecord> all;
  ASSERT_TRUE(h_->List(&all).ok());
  ASSERT_EQ(all.size(), 2u);
  EXPECT_EQ(all[0].job_id, "job-b");
  EXPECT_FALSE(all[0].exit_code.has_value());
  EXPECT_EQ(all[1].status, "FAILED");
  EXPECT_EQ(all[1].exit_code, 3);
  EXPECT_EQ(all[1].directory, "/work/a");  // kept from the submit
  EXPECT_EQ(all[1].ended_ms, 5000);

  nlohmann::json j = BuildRecordJson(all[0]);
  EXPECT_TRUE(j["exit_code"].is_null());
  EXPECT_TRUE(j["ended_at"].is_null());
  EXPECT_EQ(j["submitted_at"], "1970-01-01T00:00:02Z");
}

TEST_F(BuildHistoryTest, UnknownJobsAreAddedOnFirstStatus) {
  BuildRecord r;
  r.job_id = "from-elsewhere";
  r.status = "RUNNING";
  ASSERT_TRUE(h_->UpdateStatus(r).ok());
  BuildRecord got;
  bool found = false;
  ASSERT_TRUE(h_->Find("from-elsewhere", &got, &found).ok());
  EXPECT_TRUE(found);
  EXPECT_EQ(got.status, "RUNNING");
  ASSERT_TRUE(h_->Find("nope", &got, &found).ok());
  EXPECT_FALSE(found);
}

}  // namespace
}  // namespace ferry::remote_build
