// RemoteDir: a build directory's mirror on S3 and the moves between the two,
// for `ferry build --aws-batch`. Under s3://BUCKET/PREFIX/ferry-build/<dir id>/:
//   tree/<relative path>  the files (what the job fetches and writes back to)
//   manifest.json         what the last upload sent: ETag, size, mtime, mode
//   input-mtimes          sh script the job runs to give fetched files their local mtimes
//   results-mtimes        written by the job: mtimes of the files it changed
//   credentials-<random>  forwarded credentials, deleted by the job once read
//                         (refreshed ones beside it: forwarded_credentials.h)
// An unchanged file is never sent twice: its S3 ETag, computed locally (and
// cached by size/mtime/inode in ~/.ferry/build-cache/<dir id>.json), is
// compared with the tree's listing, so content decides, not times, and
// changes the job made are seen too. The job needs only a POSIX shell and an
// aws CLI (or ferry as the CLI): JobScript() writes its shell script.
//
// Owner: the build-sync work. Refine freely, but keep these entry points.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "aws/s3_client.h"
#include "aws/s3_transfer.h"
#include "util/status.h"

namespace ferry::remote_build {

// Where one directory's mirror is.
struct RemoteLocation {
  std::string bucket;
  std::string prefix;                    // "" or "some/prefix/" (always ends in '/' when set)
  std::string dir_id;                    // stable per (host, absolute dir)
  std::string TreeUrl() const;           // s3://bucket/prefix/ferry-build/<id>/tree/
  std::string TreeKeyPrefix() const;     // prefix/ferry-build/<id>/tree/
  std::string BaseKey() const;           // prefix/ferry-build/<id>/
  std::string BaseUrl() const;           // s3://bucket/prefix/ferry-build/<id>/
  std::string ManifestKey() const;       // BaseKey() + "manifest.json": what the last upload sent
  std::string ResultsMtimesKey() const;  // BaseKey() + "results-mtimes": written by the job script
  std::string InputMtimesKey() const;    // BaseKey() + "input-mtimes": sh script the job runs
};

// Parses "[s3://]bucket[/prefix]" (as --aws-batch-s3-bucket takes it).
Status ParseBucketSetting(const std::string& value, RemoteLocation* out);
// A stable id for `abs_dir` on this host: "<dir name>-<16 hex of hash(host, abs_dir)>".
std::string DirId(const std::string& abs_dir);

// Everything excluded from upload besides the built-in excludes:
// `cli_excludes` (--exclude-from-upload) then the lines of DIR/.ferryignore.
// Pass the result as JobScriptOptions::exclude so the job sends back by the
// same rules. (UploadDirectory reads .ferryignore itself.)
Status UploadExcludes(const std::string& dir, const std::vector<std::string>& cli_excludes,
                      std::vector<std::string>* out);

struct UploadOptions {
  std::vector<std::string> exclude;  // --exclude-from-upload globs (gitignore-like, see path_filter.h)
  int max_concurrent_requests = 16;
  // Hash cache file; "" means ~/.ferry/build-cache/<dir id>.json.
  std::string hash_cache_file;
  bool use_hash_cache = true;
  aws::TransferProgress* progress = nullptr;  // optional, for a progress bar
};

struct UploadReport {
  int64_t files_total = 0, files_uploaded = 0, bytes_uploaded = 0, files_deleted = 0;
  int64_t files_hashed = 0;           // files read to hash them (the rest came from the cache)
  std::vector<std::string> warnings;  // skipped symlinks and the like, for the user
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
  std::string hash_cache_file;  // as UploadOptions
  bool use_hash_cache = true;
  aws::TransferProgress* progress = nullptr;
};

struct DownloadReport {
  // files_unchanged: files the job left as uploaded, or whose local copy
  // already holds the job's version.
  int64_t files_downloaded = 0, bytes_downloaded = 0, files_unchanged = 0;
  // Changed by the job and locally since the upload: the local file was
  // kept, the job's version written beside it (at ConflictCopyPath()).
  std::vector<std::string> conflicts;
  std::vector<std::string> deleted;  // deleted by the job, so deleted locally
  std::vector<std::string> kept;     // deleted by the job but changed locally: kept
  // Remote entries not written because they would land outside DIR
  // (absolute, "..", through a symlink), each with the reason.
  std::vector<std::string> refused;
};

// Brings home what the job changed relative to what the upload sent (the
// manifest): new and changed files with their modification times, and the
// job's deletions; a file the job left alone is never written, and a file
// changed locally meanwhile is never overwritten (see three_way.h). Never
// writes outside `dir`.
Status DownloadResults(aws::S3Client& s3, const RemoteLocation& where, const std::string& dir,
                       const DownloadOptions& options, DownloadReport* report);

struct JobScriptOptions {
  std::string cli = "aws";   // CLI inside the job (aws or a ferry binary)
  std::string endpoint_url;  // passed as --endpoint-url when set
  std::string region;
  aws::S3ObjectSettings s3;          // the objects' encryption, class, ACL, payer (as aws::S3CliFlags)
  std::string tree_url;              // RemoteLocation::TreeUrl()
  std::string credentials_url;       // set when credentials are forwarded: read then deleted by the job
  int credentials_refresh_s = 0;     // > 0: look for refreshed ones this often (forwarded_credentials.h)
  std::vector<std::string> exclude;  // UploadExcludes(): results are sent back by the same rules
  std::string results_mtimes_url;    // "" = beside the tree (RemoteLocation::ResultsMtimesKey)
  std::string input_mtimes_url;      // "" = beside the tree (RemoteLocation::InputMtimesKey)
};

// The POSIX sh script the Batch job runs (as `sh -c SCRIPT sh CMD ARGS...`):
// load forwarded credentials if any (and delete them from S3), fetch the tree
// into a scratch dir and give its files their local mtimes, run "$@" there, send back new and changed files
// (and the deletions: `sync --delete`) and a record of their mtimes, exit with the command's status (1 if the command
// succeeded but its results could not be sent back).
std::string JobScript(const JobScriptOptions& options);

}  // namespace ferry::remote_build
