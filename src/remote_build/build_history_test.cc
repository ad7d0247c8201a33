#include "remote_build/build_history.h"

#include <gtest/gtest.h>

#include <filesystem>

namespace ferry::remote_build {
namespace {

class BuildHistoryTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("ferry-build-history-" + std::to_string(::testing::UnitTest::GetInstance()->random_seed()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  std::filesystem::path dir_;
};

TEST_F(BuildHistoryTest, RecordsSubmitAndStatusesNewestFirst) {
  std::unique_ptr<BuildHistory> h;
  ASSERT_TRUE(BuildHistory::Open(BuildHistoryPath(dir_.string()), &h).ok());
  BuildRecord a;
  a.job_id = "job-a";
  a.directory = "/work/a";
  a.status = "SUBMITTED";
  a.submitted_ms = 1000;
  ASSERT_TRUE(h->Put(a).ok());
  BuildRecord b = a;
  b.job_id = "job-b";
  b.submitted_ms = 2000;
  ASSERT_TRUE(h->Put(b).ok());

  BuildRecord done;
  done.job_id = "job-a";
  done.status = "FAILED";
  done.exit_code = 3;
  done.ended_ms = 5000;
  ASSERT_TRUE(h->UpdateStatus(done).ok());

  std::vector<BuildRecord> all;
  ASSERT_TRUE(h->List(&all).ok());
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
  std::unique_ptr<BuildHistory> h;
  ASSERT_TRUE(BuildHistory::Open(BuildHistoryPath(dir_.string()), &h).ok());
  BuildRecord r;
  r.job_id = "from-elsewhere";
  r.status = "RUNNING";
  ASSERT_TRUE(h->UpdateStatus(r).ok());
  BuildRecord got;
  bool found = false;
  ASSERT_TRUE(h->Find("from-elsewhere", &got, &found).ok());
  EXPECT_TRUE(found);
  EXPECT_EQ(got.status, "RUNNING");
  ASSERT_TRUE(h->Find("nope", &got, &found).ok());
  EXPECT_FALSE(found);
}

}  // namespace
}  // namespace ferry::remote_build
