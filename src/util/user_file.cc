#include "util/user_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "util/units.h"

namespace ferry {

namespace {

// Closes the descriptor on every return path.
struct FdCloser {
  int fd;
  ~FdCloser() { ::close(fd); }
};

const char* KindOf(mode_t mode) {
  if (S_ISDIR(mode)) return "a directory";
  if (S_ISFIFO(mode)) return "a FIFO (named pipe)";
  if (S_ISCHR(mode)) return "a character device";
  if (S_ISBLK(mode)) return "a block device";
  if (S_ISSOCK(mode)) return "a socket";
  return "not a regular file";
}

}  // namespace

Status ReadUserFile(const std::string& path, std::string* text, int64_t max_bytes) {
  // O_NONBLOCK: opening a FIFO for reading otherwise waits for a writer.
  int fd = ::open(path.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC);
  if (fd < 0) {
    int err = errno;
    std::string msg = std::strerror(err);
    return err == ENOENT ? Status::NotFound(msg) : Status::Invalid(msg);
  }
  FdCloser closer{fd};
  struct stat st {};
  if (::fstat(fd, &st) != 0) return Status::Invalid(std::strerror(errno));
  if (!S_ISREG(st.st_mode)) {
    return Status::Invalid(std::string("it is ") + KindOf(st.st_mode) + ", not a regular file");
  }
  if (st.st_size > max_bytes) {
    return Status::Invalid("it is " + FormatMemory(st.st_size) + ", larger than the " + FormatMemory(max_bytes) +
                           " a pipeline, config or params file may be");
  }
  std::string out;
  out.reserve(static_cast<size_t>(st.st_size));
  char buf[65536];
  for (;;) {
    ssize_t n = ::read(fd, buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return Status::Invalid(std::string("read error: ") + std::strerror(errno));
    if (n == 0) break;
    out.append(buf, static_cast<size_t>(n));
    // The file may grow while it is read (a log someone points ferry at).
    if (static_cast<int64_t>(out.size()) > max_bytes) {
      return Status::Invalid("it grew past the " + FormatMemory(max_bytes) +
                             " a pipeline, config or params file may be");
    }
  }
  *text = std::move(out);
  return Status::Ok();
}

}  // namespace ferry
