#include "util/atomic_file.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <filesystem>
#include <random>

#include "util/sys_error.h"
#include "util/temp_name.h"

namespace ferry {

namespace {

std::string Errno(const std::string& what) { return what + ": " + ErrnoText(errno); }

// Opens a fresh temporary beside `path` (O_EXCL, so never someone else's).
// The mode is the usual 0666 less the umask, as a plain create would give.
int OpenTemp(const std::string& path, std::string* tmp) {
  thread_local std::mt19937_64 rng{std::random_device{}()};
  for (int attempt = 0; attempt < 100; attempt++) {
    *tmp = TempNameBeside(path, std::to_string(::getpid()) + "-" + std::to_string(rng() & 0xffffffffULL));
    int fd = ::open(tmp->c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
    if (fd >= 0 || errno != EEXIST) return fd;
  }
  return -1;
}

}  // namespace

Status WriteFileAtomically(const std::string& path, std::string_view data, int* fd_out) {
  std::error_code ec;
  std::filesystem::path parent = std::filesystem::path(path).parent_path();
  if (!parent.empty()) std::filesystem::create_directories(parent, ec);
  if (ec) return Status::Failed("cannot create the directory " + parent.string() + ": " + ErrnoText(ec));
  std::string tmp;
  int fd = OpenTemp(path, &tmp);
  if (fd < 0) return Status::Failed(Errno("cannot create " + path));
  Status st;
  for (size_t off = 0; off < data.size() && st.ok();) {
    ssize_t n = ::write(fd, data.data() + off, data.size() - off);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) st = Status::Failed(Errno("cannot write " + path));
    else off += static_cast<size_t>(n);
  }
  if (st.ok() && ::rename(tmp.c_str(), path.c_str()) != 0) st = Status::Failed(Errno("cannot replace " + path));
  if (!st.ok()) {
    ::close(fd);
    ::unlink(tmp.c_str());
    return st;
  }
  if (fd_out) *fd_out = fd;
  else if (::close(fd) != 0) return Status::Failed(Errno("cannot write " + path));
  return Status::Ok();
}

}  // namespace ferry
