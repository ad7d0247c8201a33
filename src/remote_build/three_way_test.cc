#include "remote_build/three_way.h"

#include <gtest/gtest.h>

namespace ferry::remote_build {
namespace {

const Version kNone;

TEST(DecideMerge, AFileTheJobLeftAloneIsNeverWrittenWhateverTheUserDid) {
  EXPECT_EQ(DecideMerge("a", "a", "a"), MergeAction::kLeave);
  EXPECT_EQ(DecideMerge("a", "a", "edited"), MergeAction::kLeave);  // build.log growing during the job
  EXPECT_EQ(DecideMerge("a", "a", kNone), MergeAction::kLeave);     // the user deleted it meanwhile
  EXPECT_EQ(DecideMerge(kNone, kNone, "new"), MergeAction::kLeave);
}

TEST(DecideMerge, TheJobsChangeArrivesWhenTheUserDidNotTouchTheFile) {
  EXPECT_EQ(DecideMerge("a", "b", "a"), MergeAction::kTake);
  EXPECT_EQ(DecideMerge(kNone, "b", kNone), MergeAction::kTake);  // a new result
  EXPECT_EQ(DecideMerge("a", "b", kNone), MergeAction::kTake);    // gone here: nothing local is lost
  EXPECT_EQ(DecideMerge("a", "b", "b"), MergeAction::kSame);
  EXPECT_EQ(DecideMerge(kNone, "b", "b"), MergeAction::kSame);
}

TEST(DecideMerge, BothChangedKeepsTheLocalFile) {
  EXPECT_EQ(DecideMerge("a", "b", "c"), MergeAction::kConflict);
  EXPECT_EQ(DecideMerge(kNone, "b", "c"), MergeAction::kConflict);  // both created it
  EXPECT_EQ(ConflictCopyPath("dir/notes.txt"), "dir/notes.txt.ferry-remote");
}

TEST(DecideMerge, AFileTheJobDeletedGoesOnlyIfTheUserDidNotChangeIt) {
  EXPECT_EQ(DecideMerge("a", kNone, "a"), MergeAction::kDelete);
  EXPECT_EQ(DecideMerge("a", kNone, "edited"), MergeAction::kKeepLocal);
  EXPECT_EQ(DecideMerge("a", kNone, kNone), MergeAction::kSame);
}

}  // namespace
}  // namespace ferry::remote_build
