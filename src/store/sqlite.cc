#include "store/sqlite.h"

namespace ferry {

SqliteStmt& SqliteStmt::operator=(SqliteStmt&& o) noexcept {
  if (this != &o) {
    sqlite3_finalize(s_);
    s_ = o.s_;
    o.s_ = nullptr;
  }
  return *this;
}

std::string SqliteStmt::Text(int col) const {
  const unsigned char* p = sqlite3_column_text(s_, col);
  if (!p) return "";
  return std::string(reinterpret_cast<const char*>(p), static_cast<size_t>(sqlite3_column_bytes(s_, col)));
}

void SqliteStmt::Read(int col, std::optional<int>* v) const {
  if (sqlite3_column_type(s_, col) == SQLITE_NULL) v->reset();
  else *v = static_cast<int>(Int(col));
}

int SqliteDb::Open(const std::string& path, int flags) { return sqlite3_open_v2(path.c_str(), &db_, flags, nullptr); }

int SqliteDb::OpenShared(const std::string& path, int busy_timeout_ms) {
  int rc = Open(path, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX);
  if (rc == SQLITE_OK) sqlite3_busy_timeout(db_, busy_timeout_ms);
  return rc;
}

int SqliteDb::Exec(const std::string& sql) { return sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, nullptr); }

int SqliteDb::Prepare(const std::string& sql, SqliteStmt* out) {
  sqlite3_stmt* s = nullptr;
  int rc = sqlite3_prepare_v3(db_, sql.c_str(), static_cast<int>(sql.size()), SQLITE_PREPARE_PERSISTENT, &s, nullptr);
  *out = SqliteStmt(s);
  return rc;
}

int SqliteTransaction::Begin() {
  int rc = db_->Exec("BEGIN IMMEDIATE");
  open_ = rc == SQLITE_OK;
  return rc;
}

int SqliteTransaction::Commit() {
  int rc = db_->Exec("COMMIT");
  if (rc == SQLITE_OK) open_ = false;
  return rc;
}

}  // namespace ferry
