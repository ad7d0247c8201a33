#include "remote_build/three_way.h"

namespace ferry::remote_build {

MergeAction DecideMerge(const Version& base, const Version& theirs, const Version& ours) {
  if (theirs == base) return MergeAction::kLeave;
  if (ours == theirs) return MergeAction::kSame;
  // Nothing local to lose when the file is gone here: the job's version comes.
  if (ours == base || !ours) return theirs ? MergeAction::kTake : MergeAction::kDelete;
  return theirs ? MergeAction::kConflict : MergeAction::kKeepLocal;
}

std::string ConflictCopyPath(const std::string& rel) { return rel + ".ferry-remote"; }

}  // namespace ferry::remote_build
