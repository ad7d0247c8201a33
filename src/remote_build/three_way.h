// The decision a `ferry build` download makes for one path, from three
// versions of it: what the upload sent (base, from the manifest), what the
// job left in the mirror (theirs) and what is on the user's disk now (ours),
// each an ETag or absent. Only what the job changed is brought home, and a
// local change is never lost: the user keeps working while the job runs
// (`ferry build . > build.log` writes into the directory itself). Pure.
#pragma once

#include <optional>
#include <string>

namespace ferry::remote_build {

enum class MergeAction {
  kLeave,      // the job left the file as uploaded: not written, not even touched
  kSame,       // the local file already holds the job's version
  kTake,       // the job changed it, the user did not (or deleted it): write the job's version
  kConflict,   // both changed it: keep the local file, put the job's beside it
  kDelete,     // the job deleted it, the user did not change it: delete it locally
  kKeepLocal,  // the job deleted it but the user changed it: keep the local file
};

using Version = std::optional<std::string>;  // an ETag; nullopt: the file does not exist

MergeAction DecideMerge(const Version& base, const Version& theirs, const Version& ours);

// Where the job's version of a file changed on both sides is written:
// beside it, as "<path>.ferry-remote".
std::string ConflictCopyPath(const std::string& rel);

}  // namespace ferry::remote_build
