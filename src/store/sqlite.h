// Thin RAII wrappers over the SQLite C API (connection and prepared
// statement), so store code reads as SQL plus binding and never leaks a
// handle on an error path. Error text is turned into user-facing messages by
// the callers, which know which file and what operation it was.
#pragma once

#include <sqlite3.h>

#include <cstdint>
#include <string>

namespace ferry {

class SqliteStmt {
 public:
  SqliteStmt() = default;
  explicit SqliteStmt(sqlite3_stmt* s) : s_(s) {}
  ~SqliteStmt() { sqlite3_finalize(s_); }
  SqliteStmt(SqliteStmt&& o) noexcept : s_(o.s_) { o.s_ = nullptr; }
  SqliteStmt& operator=(SqliteStmt&& o) noexcept;
  SqliteStmt(const SqliteStmt&) = delete;
  SqliteStmt& operator=(const SqliteStmt&) = delete;

  bool valid() const { return s_ != nullptr; }
  // Parameters are 1-based, as in SQLite.
  void Bind(int i, int64_t v) { sqlite3_bind_int64(s_, i, v); }
  void Bind(int i, const std::string& v) {
    sqlite3_bind_text(s_, i, v.data(), static_cast<int>(v.size()), SQLITE_TRANSIENT);
  }
  int Step() { return sqlite3_step(s_); }  // SQLITE_ROW, SQLITE_DONE or an error code
  // Columns are 0-based, as in SQLite.
  int64_t Int(int col) const { return sqlite3_column_int64(s_, col); }
  std::string Text(int col) const;
  // Ready for the next use with new bindings.
  void Reset() {
    sqlite3_reset(s_);
    sqlite3_clear_bindings(s_);
  }

 private:
  sqlite3_stmt* s_ = nullptr;
};

class SqliteDb {
 public:
  SqliteDb() = default;
  ~SqliteDb() { sqlite3_close_v2(db_); }
  SqliteDb(const SqliteDb&) = delete;
  SqliteDb& operator=(const SqliteDb&) = delete;

  // Returns an SQLite result code; on failure ErrorMessage() says why.
  int Open(const std::string& path, int flags);
  int Exec(const std::string& sql);
  int Prepare(const std::string& sql, SqliteStmt* out);
  std::string ErrorMessage() const { return db_ ? sqlite3_errmsg(db_) : "out of memory"; }
  int64_t LastInsertId() const { return sqlite3_last_insert_rowid(db_); }
  int Changes() const { return sqlite3_changes(db_); }
  sqlite3* get() const { return db_; }

 private:
  sqlite3* db_ = nullptr;
};

}  // namespace ferry
