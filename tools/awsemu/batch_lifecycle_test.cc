#include "awsemu/batch_lifecycle.h"

#include <gtest/gtest.h>

namespace awsemu {
namespace {

TEST(BatchLifecycleTest, CreatingAndUpdatingBecomeValidAfterOneStep) {
  ControlStatus s{"CREATING", 1000};
  EXPECT_EQ(SettledStatus(s, 1099, 100).status, "CREATING");
  ControlStatus v = SettledStatus(s, 1100, 100);
  EXPECT_EQ(v.status, "VALID");
  EXPECT_EQ(v.since_ms, 1100);
  EXPECT_EQ(SettledStatus(v, 99999, 100).status, "VALID");
  EXPECT_EQ(SettledStatus({"UPDATING", 0}, 100, 100).status, "VALID");
  EXPECT_TRUE(Usable(s));
}

TEST(BatchLifecycleTest, DeletingBecomesDeletedThenIsForgotten) {
  ControlStatus s{"DELETING", 0};
  EXPECT_FALSE(Usable(s));
  EXPECT_FALSE(Forgotten(s, 1000000, 100));  // never skipped: DELETED comes first
  ControlStatus d = SettledStatus(s, 150, 100);
  EXPECT_EQ(d.status, "DELETED");
  EXPECT_FALSE(Usable(d));
  EXPECT_FALSE(Forgotten(d, 199, 100));
  EXPECT_TRUE(Forgotten(d, 200, 100));
}

}  // namespace
}  // namespace awsemu
