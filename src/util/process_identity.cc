#include "util/process_identity.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <string>

namespace ferry {

bool ParseProcStat(std::string_view stat, uint64_t* start_time, bool* zombie) {
  size_t close = stat.rfind(')');
  if (close == std::string_view::npos) return false;
  // After ") ": field 3 (state) is the first; field 22 (starttime) the 20th.
  std::string_view rest = stat.substr(close + 1);
  int field = 2;
  size_t i = 0;
  char state = 0;
  while (i < rest.size()) {
    while (i < rest.size() && rest[i] == ' ') ++i;
    if (i >= rest.size()) break;
    size_t end = rest.find(' ', i);
    if (end == std::string_view::npos) end = rest.size();
    ++field;
    std::string_view word = rest.substr(i, end - i);
    if (field == 3) {
      if (word.size() != 1) return false;
      state = word[0];
    } else if (field == 22) {
      uint64_t v = 0;
      for (char c : word) {
        if (c < '0' || c > '9') return false;
        v = v * 10 + static_cast<uint64_t>(c - '0');
      }
      if (word.empty()) return false;
      *start_time = v;
      *zombie = state == 'Z' || state == 'X';
      return true;
    }
    i = end;
  }
  return false;
}

bool ReadProcessIdentity(pid_t pid, ProcessIdentity* out) {
  if (pid <= 0) return false;
  std::string path = "/proc/" + std::to_string(pid) + "/stat";
  int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return false;
  char buf[1024];
  ssize_t n;
  do {
    n = read(fd, buf, sizeof buf);
  } while (n < 0 && errno == EINTR);
  ::close(fd);
  if (n <= 0) return false;
  uint64_t start = 0;
  bool zombie = false;
  if (!ParseProcStat(std::string_view(buf, static_cast<size_t>(n)), &start, &zombie) || zombie) return false;
  out->pid = pid;
  out->start_time = start;
  return true;
}

ProcessIdentity SelfIdentity() {
  ProcessIdentity id;
  if (!ReadProcessIdentity(getpid(), &id)) id.pid = getpid();
  return id;
}

bool StillRunning(const ProcessIdentity& id) {
  if (id.pid <= 0 || id.start_time == 0) return false;
  ProcessIdentity now;
  return ReadProcessIdentity(id.pid, &now) && now.start_time == id.start_time;
}

}  // namespace ferry
