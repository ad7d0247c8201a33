// TraceWriter: the -with-trace report, a TSV file with one row per task
// (header: task_id hash native_id name status exit executor cpus memory
// submit start complete duration realtime workdir attempt spot_retries).
// The header is written to a temporary file and renamed into place, so a
// reader never sees a half-written header; each row is one write(2), so a
// crash loses at most the row being written and never buffers rows.
#pragma once

#include <memory>
#include <string>

#include "store/history.h"
#include "util/status.h"

namespace ferry {

// Pure formatting, exposed for tests and for `ferry log` style listings.
std::string TraceHeader();                  // ends in '\n'
std::string TraceRow(const TaskRecord& t);  // ends in '\n'
// "YYYY-MM-DD HH:MM:SS.mmm" in local time; "-" for 0.
std::string FormatTimestamp(int64_t epoch_ms);

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
