#include "remote_build/build_history.h"

#include <filesystem>

#include "util/clock_text.h"

namespace ferry::remote_build {

namespace {

constexpr const char* kColumns =
    "job_id, directory, status, status_reason, exit_code, queue, job_definition, region, tree_url, submitted_ms, "
    "ended_ms, updated_ms";

void BindRecord(SqliteStmt& s, const BuildRecord& r) {
  s.BindAll(r.job_id, r.directory, r.status, r.status_reason, r.exit_code, r.queue, r.job_definition, r.region,
            r.tree_url, r.submitted_ms, r.ended_ms, r.updated_ms ? r.updated_ms : NowMs());
}

BuildRecord ReadRecord(const SqliteStmt& s) {
  BuildRecord r;
  s.ReadAll(&r.job_id, &r.directory, &r.status, &r.status_reason, &r.exit_code, &r.queue, &r.job_definition, &r.region,
            &r.tree_url, &r.submitted_ms, &r.ended_ms, &r.updated_ms);
  return r;
}

std::string IsoTime(int64_t ms) { return ms > 0 ? FormatUtcTime(ms, "%Y-%m-%dT%H:%M:%SZ") : ""; }

}  // namespace

nlohmann::json BuildRecordJson(const BuildRecord& r) {
  nlohmann::json j = {{"job_id", r.job_id},
                      {"status", r.status},
                      {"exit_code", r.exit_code ? nlohmann::json(*r.exit_code) : nlohmann::json(nullptr)},
                      {"directory", r.directory},
                      {"queue", r.queue},
                      {"job_definition", r.job_definition},
                      {"region", r.region},
                      {"remote", r.tree_url},
                      {"submitted_at", IsoTime(r.submitted_ms)},
                      {"ended_at", r.ended_ms ? nlohmann::json(IsoTime(r.ended_ms)) : nlohmann::json(nullptr)}};
  if (!r.status_reason.empty()) j["status_reason"] = r.status_reason;
  return j;
}

std::string BuildHistoryPath(const std::string& home) { return home + "/.ferry/builds.db"; }

Status BuildHistory::Err(const std::string& what) const {
  return Status::Failed("build history " + path_ + ": " + what + ": " + db_.ErrorMessage());
}

Status BuildHistory::Open(const std::string& path, std::unique_ptr<BuildHistory>* out) {
  std::error_code ec;
  std::filesystem::create_directories(std::filesystem::path(path).parent_path(), ec);
  std::unique_ptr<BuildHistory> h(new BuildHistory(path));
  if (h->db_.OpenShared(path, 10000) != SQLITE_OK) return h->Err("cannot open");
  h->db_.Exec("PRAGMA journal_mode=WAL");
  if (h->db_.Exec("CREATE TABLE IF NOT EXISTS builds (job_id TEXT PRIMARY KEY, directory TEXT, status TEXT, "
                  "status_reason TEXT, exit_code INTEGER, queue TEXT, job_definition TEXT, region TEXT, "
                  "tree_url TEXT, submitted_ms INTEGER, ended_ms INTEGER, updated_ms INTEGER)") != SQLITE_OK)
    return h->Err("cannot create table");
  *out = std::move(h);
  return Status::Ok();
}

Status BuildHistory::Put(const BuildRecord& r) {
  SqliteStmt s;
  if (db_.Prepare(std::string("INSERT OR REPLACE INTO builds (") + kColumns + ") VALUES (?,?,?,?,?,?,?,?,?,?,?,?)",
                  &s) != SQLITE_OK)
    return Err("cannot write");
  BindRecord(s, r);
  if (s.Step() != SQLITE_DONE) return Err("cannot write");
  return Status::Ok();
}

Status BuildHistory::UpdateStatus(const BuildRecord& r) {
  BuildRecord old;
  bool found = false;
  FERRY_RETURN_IF_ERROR(Find(r.job_id, &old, &found));
  if (!found) return Put(r);
  old.status = r.status;
  if (!r.status_reason.empty()) old.status_reason = r.status_reason;
  if (r.exit_code) old.exit_code = r.exit_code;
  if (r.ended_ms) old.ended_ms = r.ended_ms;
  if (!r.tree_url.empty() && old.tree_url.empty()) old.tree_url = r.tree_url;
  if (!r.directory.empty() && old.directory.empty()) old.directory = r.directory;
  if (!old.submitted_ms) old.submitted_ms = r.submitted_ms;
  old.updated_ms = 0;
  return Put(old);
}

Status BuildHistory::Find(const std::string& job_id, BuildRecord* out, bool* found) {
  SqliteStmt s;
  if (db_.Prepare(std::string("SELECT ") + kColumns + " FROM builds WHERE job_id = ?", &s) != SQLITE_OK)
    return Err("cannot read");
  s.Bind(1, job_id);
  if (s.ReadFirstRow(out, found, ReadRecord) != SQLITE_OK) return Err("cannot read");
  return Status::Ok();
}

Status BuildHistory::List(std::vector<BuildRecord>* out) {
  SqliteStmt s;
  if (db_.Prepare(std::string("SELECT ") + kColumns + " FROM builds ORDER BY submitted_ms DESC, rowid DESC", &s) !=
      SQLITE_OK)
    return Err("cannot read");
  if (s.AppendRows(out, ReadRecord) != SQLITE_OK) return Err("cannot read");
  return Status::Ok();
}

}  // namespace ferry::remote_build
