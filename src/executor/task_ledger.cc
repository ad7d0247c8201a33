#include "executor/task_ledger.h"

#include <fcntl.h>
#include <signal.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <system_error>

namespace ferry {

namespace fs = std::filesystem;

Status TaskLedger::Open(const std::string& dir, std::unique_ptr<TaskLedger>* out) {
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) return Status::Failed("cannot create " + dir + ": " + ec.message() + "; run ferry from a writable directory");
  ProcessIdentity self = SelfIdentity();
  std::string path = dir + "/ferry-" + std::to_string(self.pid) + ".tasks";
  // O_TRUNC: a file of this pid is a dead ferry's (ours has just started),
  // whose tasks KillSurvivors has already dealt with.
  int fd = open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_APPEND | O_CLOEXEC, 0644);
  if (fd < 0)
    return Status::Failed("cannot create " + path + ": " + std::strerror(errno) +
                          "; check that the directory is writable and the disk not full");
  out->reset(new TaskLedger(fd, path));
  (*out)->Append("ferry " + std::to_string(self.pid) + " " + std::to_string(self.start_time) + "\n");
  return Status::Ok();
}

TaskLedger::~TaskLedger() {
  close(fd_);
  unlink(path_.c_str());
}

void TaskLedger::Append(const std::string& line) {
  // Best effort: a lost line only weakens the clean-up after a crash.
  ssize_t n;
  do {
    n = write(fd_, line.data(), line.size());
  } while (n < 0 && errno == EINTR);
}

void TaskLedger::Started(pid_t pgid) {
  ProcessIdentity id;
  if (!ReadProcessIdentity(pgid, &id)) return;
  Append("+ " + std::to_string(pgid) + " " + std::to_string(id.start_time) + "\n");
}

void TaskLedger::Ended(pid_t pgid) { Append("- " + std::to_string(pgid) + "\n"); }

bool ParseLedger(std::string_view text, LedgerContents* out) {
  *out = LedgerContents();
  std::istringstream in{std::string(text)};
  std::string line;
  bool have_owner = false;
  while (std::getline(in, line)) {
    std::istringstream words(line);
    std::string tag;
    long long pid = 0;
    unsigned long long start = 0;
    words >> tag >> pid;
    if (!words || pid <= 0) continue;  // a torn or foreign line: skip it
    if (tag == "ferry" && !have_owner && (words >> start)) {
      out->owner = {static_cast<pid_t>(pid), start};
      have_owner = true;
    } else if (tag == "+" && (words >> start)) {
      out->running.push_back({static_cast<pid_t>(pid), start});
    } else if (tag == "-") {
      for (auto it = out->running.begin(); it != out->running.end(); ++it) {
        if (it->pid == pid) {
          out->running.erase(it);
          break;
        }
      }
    }
  }
  return have_owner;
}

Status KillSurvivors(const std::string& dir, SurvivorReport* report) {
  *report = SurvivorReport();
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) return Status::Ok();
  std::vector<fs::path> files;
  for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec))
    if (it->path().extension() == ".tasks") files.push_back(it->path());
  if (ec) return Status::Failed("cannot read " + dir + ": " + ec.message());
  for (const fs::path& file : files) {
    std::ifstream in(file);
    std::stringstream text;
    text << in.rdbuf();
    LedgerContents ledger;
    bool parsed = ParseLedger(text.str(), &ledger);
    if (parsed && StillRunning(ledger.owner)) continue;  // a ferry at work: its tasks are its own
    int killed = 0;
    for (const ProcessIdentity& task : ledger.running) {
      if (StillRunning(task) && kill(-task.pid, SIGKILL) == 0) ++killed;
    }
    if (killed) {
      report->groups_killed += killed;
      report->dead_ferry.push_back(ledger.owner.pid);
    }
    fs::remove(file, ec);
  }
  return Status::Ok();
}

}  // namespace ferry
