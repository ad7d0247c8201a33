// Thin RAII wrappers over the SQLite C API (connection and prepared
// statement), so store code reads as SQL plus binding and never leaks a
// handle on an error path. Error text is turned into user-facing messages by
// the callers, which know which file and what operation it was.
#pragma once

#include <sqlite3.h>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

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
  // Parameters are 1-based, as in SQLite. All integers are stored as int64.
  void Bind(int i, int64_t v) { sqlite3_bind_int64(s_, i, v); }
  void Bind(int i, int v) { Bind(i, int64_t{v}); }
  void Bind(int i, uint64_t v) { Bind(i, static_cast<int64_t>(v)); }
  void Bind(int i, const std::string& v) {
    sqlite3_bind_text(s_, i, v.data(), static_cast<int>(v.size()), SQLITE_TRANSIENT);
  }
  void Bind(int i, const std::optional<int>& v) {  // nullopt binds NULL
    if (v) Bind(i, *v);
    else sqlite3_bind_null(s_, i);
  }
  // Binds `values` to parameters 1, 2, ... in order, so a row's fields are
  // listed once, in the order of the SQL's column list.
  template <class... Values>
  void BindAll(const Values&... values) {
    int i = 0;
    (Bind(++i, values), ...);
  }
  int Step() { return sqlite3_step(s_); }  // SQLITE_ROW, SQLITE_DONE or an error code
  // Columns are 0-based, as in SQLite.
  int64_t Int(int col) const { return sqlite3_column_int64(s_, col); }
  std::string Text(int col) const;
  void Read(int col, int64_t* v) const { *v = Int(col); }
  void Read(int col, int* v) const { *v = static_cast<int>(Int(col)); }
  void Read(int col, uint64_t* v) const { *v = static_cast<uint64_t>(Int(col)); }
  void Read(int col, std::string* v) const { *v = Text(col); }
  void Read(int col, std::optional<int>* v) const;  // NULL reads as nullopt
  // Reads the current row's columns 0, 1, ... into `fields` in order.
  template <class... Fields>
  void ReadAll(Fields*... fields) const {
    int col = 0;
    (Read(col++, fields), ...);
  }
  // Steps through the remaining rows, appending read_row(*this) for each.
  // Returns SQLITE_OK when every row was read, else the error code.
  template <class Row, class ReadRow>
  int AppendRows(std::vector<Row>* out, ReadRow read_row) {
    int rc;
    while ((rc = Step()) == SQLITE_ROW) out->push_back(read_row(*this));
    return rc == SQLITE_DONE ? SQLITE_OK : rc;
  }
  // Steps once: a row is stored with read_row(*this) and sets *found; no row
  // leaves *out alone and clears *found. Returns SQLITE_OK or the error code.
  template <class Row, class ReadRow>
  int ReadFirstRow(Row* out, bool* found, ReadRow read_row) {
    int rc = Step();
    *found = rc == SQLITE_ROW;
    if (*found) *out = read_row(*this);
    return rc == SQLITE_ROW || rc == SQLITE_DONE ? SQLITE_OK : rc;
  }
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
  // Opens (creating) `path` read-write, to be shared with other processes:
  // a statement finding the database locked retries for up to busy_timeout_ms.
  int OpenShared(const std::string& path, int busy_timeout_ms);
  int Exec(const std::string& sql);
  int Prepare(const std::string& sql, SqliteStmt* out);
  std::string ErrorMessage() const { return db_ ? sqlite3_errmsg(db_) : "out of memory"; }
  int64_t LastInsertId() const { return sqlite3_last_insert_rowid(db_); }
  int Changes() const { return sqlite3_changes(db_); }
  sqlite3* get() const { return db_; }

 private:
  sqlite3* db_ = nullptr;
};

// BEGIN IMMEDIATE ... COMMIT, rolled back on destruction unless committed,
// so every early return undoes its half-done writes. A Status built from the
// failing call's error message before returning still sees that message.
class SqliteTransaction {
 public:
  explicit SqliteTransaction(SqliteDb* db) : db_(db) {}
  ~SqliteTransaction() {
    if (open_) db_->Exec("ROLLBACK");
  }
  SqliteTransaction(const SqliteTransaction&) = delete;
  SqliteTransaction& operator=(const SqliteTransaction&) = delete;

  int Begin();   // SQLite result code
  int Commit();  // SQLite result code; on failure the destructor rolls back

 private:
  SqliteDb* db_;
  bool open_ = false;
};

}  // namespace ferry
