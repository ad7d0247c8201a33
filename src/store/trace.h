// TraceWriter: the -with-trace report, a TSV file with one row per task
// attempt, its columns the fields of task_fields.h in their order (task_id
// hash native_id name status exit ... realtime ... %cpu peak_rss ...), a
// value not known shown as "-".
// The header is written to a temporary file and renamed into place, so a
// reader never sees a half-written header; each row is one write(2), so a
// crash loses at most the row being written and never buffers rows.
#pragma once

#include <memory>
#include <string>

#include "store/history.h"
#include "store/task_fields.h"
#include "util/status.h"

namespace ferry {

// Pure formatting, exposed for tests and for `ferry log` style listings.
std::string TraceHeader();                  // ends in '\n'
std::string TraceRow(const TaskRecord& t);  // ends in '\n'

class TraceWriter {
 public:
  // Creates (or replaces) the file at `path`, creating its directory.
  static Status Open(const std::string& path, std::unique_ptr<TraceWriter>* out);
  ~TraceWriter();
  TraceWriter(const TraceWriter&) = delete;
  TraceWriter& operator=(const TraceWriter&) = delete;

  Status Write(const TaskRecord& t);
  Status Close();

 private:
  TraceWriter(std::string path, int fd) : path_(std::move(path)), fd_(fd) {}
  std::string path_;
  int fd_ = -1;
};

}  // namespace ferry
