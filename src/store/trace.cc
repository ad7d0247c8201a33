#include "store/trace.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "store/task_fields.h"
#include "util/atomic_file.h"

namespace ferry {

namespace {

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

std::string TraceHeader() {
  std::string header;
  for (const std::string& name : TaskFieldNames()) header += (header.empty() ? "" : "\t") + name;
  return header + "\n";
}

std::string TraceRow(const TaskRecord& t) {
  std::string row;
  for (int i = 0; i < static_cast<int>(TaskFieldNames().size()); ++i)
    row += (i ? "\t" : "") + FormatFieldValue(TaskFieldValue(t, i));
  return row + "\n";
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
