#include "store/trace.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <ctime>

#include "util/atomic_file.h"
#include "util/units.h"

namespace ferry {

namespace {

// A TSV cell: tabs and line breaks would shift columns or rows.
std::string Cell(const std::string& v) {
  if (v.empty()) return "-";
  std::string out = v;
  for (char& c : out)
    if (c == '\t' || c == '\n' || c == '\r') c = ' ';
  return out;
}

// "ab/12cd34": the same short form the progress display shows.
std::string ShortHash(const std::string& h) {
  if (h.size() <= 8 || h.find('/') != std::string::npos) return h;
  return h.substr(0, 2) + "/" + h.substr(2, 6);
}

std::string Span(int64_t from_ms, int64_t to_ms) {
  if (from_ms <= 0 || to_ms <= 0 || to_ms < from_ms) return "-";
  return FormatDuration(to_ms - from_ms);
}

Status WriteAll(int fd, const std::string& data, const std::string& path) {
  size_t off = 0;
  while (off < data.size()) {
    ssize_t n = write(fd, data.data() + off, data.size() - off);
    if (n < 0) {
      if (errno == EINTR) continue;
      return Status::Failed("cannot write trace file " + path + ": " + std::strerror(errno));
    }
    off += static_cast<size_t>(n);
  }
  return Status::Ok();
}

}  // namespace

std::string FormatTimestamp(int64_t ms) {
  if (ms <= 0) return "-";
  time_t secs = static_cast<time_t>(ms / 1000);
  struct tm tm;
  localtime_r(&secs, &tm);
  char buf[64];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02d %02d:%02d:%02d.%03d", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
                tm.tm_hour, tm.tm_min, tm.tm_sec, static_cast<int>(ms % 1000));
  return buf;
}

std::string TraceHeader() {
  return "task_id\thash\tnative_id\tname\tstatus\texit\texecutor\tcpus\tmemory\tsubmit\tstart\t"
         "complete\tduration\trealtime\tworkdir\tattempt\tspot_retries\n";
}

std::string TraceRow(const TaskRecord& t) {
  std::string row;
  auto add = [&row](const std::string& v) {
    if (!row.empty()) row += '\t';
    row += v;
  };
  add(std::to_string(t.task_id));
  add(Cell(ShortHash(t.hash)));
  add(Cell(t.native_id));
  add(Cell(t.name));
  add(Cell(t.status));
  add(t.exit_code >= 0 ? std::to_string(t.exit_code) : "-");
  add(Cell(t.executor));
  add(std::to_string(t.cpus));
  add(t.memory_bytes > 0 ? FormatMemory(t.memory_bytes) : "-");
  add(FormatTimestamp(t.submit_ms));
  add(FormatTimestamp(t.start_ms));
  add(FormatTimestamp(t.end_ms));
  add(Span(t.submit_ms, t.end_ms));
  add(Span(t.start_ms, t.end_ms));
  add(Cell(t.work_dir));
  add(std::to_string(t.attempt));
  add(std::to_string(t.spot_retries));
  row += '\n';
  return row;
}

Status TraceWriter::Open(const std::string& path, std::unique_ptr<TraceWriter>* out) {
  int fd = -1;
  Status st = WriteFileAtomically(path, TraceHeader(), &fd);
  if (!st.ok())
    return Status::Failed("cannot create trace file " + path + ": " + st.message() +
                          "; check the path given to -with-trace");
  // The descriptor follows the renamed file; appends keep rows whole.
  int flags = fcntl(fd, F_GETFL);
  fcntl(fd, F_SETFL, flags | O_APPEND);
  out->reset(new TraceWriter(path, fd));
  return Status::Ok();
}

TraceWriter::~TraceWriter() { Close(); }

Status TraceWriter::Write(const TaskRecord& t) {
  if (fd_ < 0) return Status::Failed("trace file " + path_ + " is already closed");
  return WriteAll(fd_, TraceRow(t), path_);
}

Status TraceWriter::Close() {
  if (fd_ < 0) return Status::Ok();
  int rc = close(fd_);
  fd_ = -1;
  if (rc != 0) return Status::Failed("cannot finish trace file " + path_ + ": " + std::strerror(errno));
  return Status::Ok();
}

}  // namespace ferry
