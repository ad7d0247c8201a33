// BuildHistory: this machine's record of `ferry build --aws-batch` jobs, kept
// in SQLite at ~/.ferry/builds.db, so `ferry build --list` can show past and
// running builds (and --attach can find a directory) after AWS Batch has
// forgotten a job. Written on submit and on every status the CLI sees.
// Several ferry processes may share it (WAL, busy timeout).
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "store/sqlite.h"
#include "util/status.h"

namespace ferry::remote_build {

struct BuildRecord {
  std::string job_id;
  std::string directory;  // absolute local build directory
  std::string status;     // last status seen (SUBMITTED ... SUCCEEDED/FAILED)
  std::string status_reason;
  std::optional<int> exit_code;
  std::string queue, job_definition, region, tree_url;
  int64_t submitted_ms = 0, ended_ms = 0, updated_ms = 0;
};

// The record as --json prints it (one object per build).
nlohmann::json BuildRecordJson(const BuildRecord& r);

class BuildHistory {
 public:
  // Opens (creating as needed) `path`.
  static Status Open(const std::string& path, std::unique_ptr<BuildHistory>* out);

  // Inserts or replaces the whole record.
  Status Put(const BuildRecord& r);
  // Updates status, reason, exit code and end time of a known job; unknown
  // ids (jobs submitted elsewhere, then attached to) are inserted.
  Status UpdateStatus(const BuildRecord& r);
  Status Find(const std::string& job_id, BuildRecord* out, bool* found);
  // Newest first.
  Status List(std::vector<BuildRecord>* out);

 private:
  explicit BuildHistory(std::string path) : path_(std::move(path)) {}
  Status Err(const std::string& what) const;
  std::string path_;
  SqliteDb db_;
};

// $HOME/.ferry/builds.db
std::string BuildHistoryPath(const std::string& home);

}  // namespace ferry::remote_build
