// RemoteDir: a build directory's mirror on S3 and the moves between the two,
// for `ferry build --aws-batch`. The mirror lives at
//   s3://BUCKET/PREFIX/ferry-build/<dir id>/tree/<relative path>
// with a manifest of what was last uploaded beside it, so an unchanged file
// is never sent twice (content hashes decide, not times). The job itself
// needs only a POSIX shell and an aws CLI (or ferry as the CLI): JobScript()
// writes the shell script that fetches the tree, runs the workflow command
// and sends back what changed.
//
// Owner: the build-sync work. Refine freely, but keep these entry points.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "aws/s3_client.h"
#include "util/status.h"

namespace ferry::build {

// Where one directory's mirror is.
struct RemoteLocation {
  std::string bucket;
  std::string prefix;  // "" or "some/prefix/" (always ends in '/' when set)
  std::string dir_id;  // stable per (host, absolute dir)
  std::string TreeUrl() const;      // s3://bucket/prefix/ferry-build/<id>/tree/
  std::string TreeKeyPrefix() const;  // prefix/ferry-build/<id>/tree/
};

// Parses "[s3://]bucket[/prefix]" (as --aws-batch-s3-bucket takes it).
Status ParseBucketSetting(const std::string& value, RemoteLocation* out);
// A stable id for `abs_dir` on this host.
std::string DirId(const std::string& abs_dir);

struct UploadOptions {
  std::vector<std::string> exclude;  // --exclude-from-upload globs, plus .ferryignore lines
  int max_concurrent_requests = 16;
};

struct UploadReport {
  int64_t files_total = 0, files_uploaded = 0, bytes_uploaded = 0, files_deleted = 0;
};

// Sends what changed since the last upload of this directory; removes from
// the mirror what no longer exists locally. Excludes .git/, __pycache__/,
// *.pyc and .snakemake/ (but keeps .snakemake/{log,metadata,storage}/), then
// `exclude` and DIR/.ferryignore.
Status UploadDirectory(aws::S3Client& s3, const std::string& dir, const RemoteLocation& where,
                       const UploadOptions& options, UploadReport* report);

struct DownloadOptions {
  std::vector<std::string> patterns;  // --download globs ('!' negates); empty = everything
  std::vector<std::string> exclude;   // --exclude-from-download globs
  int max_concurrent_requests = 16;
};

struct DownloadReport {
  int64_t files_downloaded = 0, bytes_downloaded = 0, files_unchanged = 0;
  // Remote entries not written because they would land outside DIR
  // (absolute, "..", through a symlink), each with the reason.
  std::vector<std::string> refused;
};

// Fetches new or changed files from the mirror into `dir`, keeping their
// modification times; never writes outside `dir`.
Status DownloadResults(aws::S3Client& s3, const RemoteLocation& where, const std::string& dir,
                       const DownloadOptions& options, DownloadReport* report);

struct JobScriptOptions {
  std::string cli = "aws";     // CLI inside the job (aws or a ferry binary)
  std::string endpoint_url;    // passed as --endpoint-url when set
  std::string region;
  std::string tree_url;        // RemoteLocation::TreeUrl()
  std::string credentials_url; // set when credentials are forwarded: read then deleted by the job
};

// The POSIX sh script the Batch job runs (as `sh -c SCRIPT sh CMD ARGS...`):
// fetch the tree into a scratch dir, load forwarded credentials if any (and
// delete them from S3), run "$@", send back new and changed files, exit with
// the command's status.
std::string JobScript(const JobScriptOptions& options);

// Writes credentials for the job to `url` (an object only the job reads and
// deletes); the values never appear in the job's environment or command.
Status PutForwardedCredentials(aws::S3Client& s3, const std::string& url, const std::string& access_key,
                               const std::string& secret_key, const std::string& session_token);

}  // namespace ferry::build
