// `ferry log [RUN]`: past runs in this launch dir, or the tasks of one run,
// read from the history database under .ferry/.
#include <cstdio>
#include <ctime>
#include <filesystem>
#include <set>

#include "cli/commands.h"
#include "cli/run_setup.h"
#include "store/history.h"
#include "util/text.h"
#include "util/units.h"

namespace ferry {

namespace {
std::string FormatTime(int64_t ms) {
  if (ms <= 0) return "-";
  std::time_t t = static_cast<std::time_t>(ms / 1000);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%d %H:%M:%S", std::localtime(&t));
  return buf;
}
}  // namespace

// Opens .ferry/history.db of the current directory, or explains its absence.
static Status OpenHistory(std::unique_ptr<History>* h) {
  std::error_code ec;
  if (!std::filesystem::exists(".ferry/history.db", ec))
    return Status::Invalid("no runs recorded here (no .ferry/history.db in " +
                           std::filesystem::current_path(ec).string() +
                           "): run ferry log in the directory you launched ferry run from");
  return History::Open(".ferry", h);
}

int LogCommand(const std::vector<std::string>& args) {
  if (args.size() > 1 || (!args.empty() && args[0][0] == '-')) {
    if (!args.empty() && (args[0] == "-h" || args[0] == "-help")) {
      std::puts("usage: ferry log [RUN]   (RUN: a run name, id, or 'last')");
      return 0;
    }
    PrintError(Status::Invalid("usage: ferry log [RUN]   (RUN: a run name, id, or 'last')"));
    return 2;
  }
  std::unique_ptr<History> h;
  Status st = OpenHistory(&h);
  if (!st.ok()) return PrintError(st), st.exit_code();
  if (args.empty()) {
    std::vector<RunRecord> runs;
    st = h->ListRuns(&runs);
    if (!st.ok()) return PrintError(st), 1;
    std::printf("%-20s %-20s %-10s %-8s %-28s %s\n", "RUN", "STARTED", "DURATION", "STATUS", "TASKS", "COMMAND");
    for (const auto& r : runs) {
      std::string tasks = std::to_string(r.completed) + " done, " + std::to_string(r.cached) + " cached, " +
                          std::to_string(r.failed) + " failed";
      std::printf("%-20s %-20s %-10s %-8s %-28s %s\n", r.run_name.c_str(), FormatTime(r.start_ms).c_str(),
                  r.end_ms ? FormatDuration(r.end_ms - r.start_ms).c_str() : "-", r.status.c_str(), tasks.c_str(),
                  r.command_line.c_str());
    }
    return 0;
  }
  RunRecord run;
  bool found = false;
  st = h->FindRun(args[0], &run, &found);
  if (!st.ok()) return PrintError(st), 1;
  if (!found) {
    std::vector<RunRecord> runs;
    h->ListRuns(&runs);
    std::vector<std::string> names;
    for (const auto& r : runs) names.push_back(r.run_name);
    PrintError(Status::Invalid("no run named '" + args[0] + "'" + DidYouMean(args[0], names) +
                               " (ferry log lists the runs)"));
    return 2;
  }
  std::vector<TaskRecord> tasks;
  st = h->ListTasks(run.id, &tasks);
  if (!st.ok()) return PrintError(st), 1;
  std::printf("%-24s %-10s %-5s %-10s %s\n", "TASK", "STATUS", "EXIT", "DURATION", "WORK DIR");
  for (const auto& t : tasks) {
    std::string dur = t.end_ms && t.submit_ms ? FormatDuration(t.end_ms - t.submit_ms) : "-";
    std::string exit = t.exit_code >= 0 ? std::to_string(t.exit_code) : "-";
    std::printf("%-24s %-10s %-5s %-10s %s\n", t.name.c_str(), t.status.c_str(), exit.c_str(), dur.c_str(),
                t.work_dir.c_str());
  }
  return 0;
}

int CleanCommand(const std::vector<std::string>& args) {
  bool dry = false, force = false;
  std::vector<std::string> names;
  for (const auto& a : args) {
    if (a == "-n") dry = true;
    else if (a == "-f") force = true;
    else if (a == "-h" || a == "-help") {
      std::puts("usage: ferry clean [-n | -f] RUN...   (-n: show what would go, -f: remove)");
      return 0;
    } else if (!a.empty() && a[0] == '-') {
      PrintError(Status::Invalid("unknown option '" + a + "'" + DidYouMean(a, {"-n", "-f"}) + " for ferry clean"));
      return 2;
    } else {
      names.push_back(a);
    }
  }
  if (names.empty() || dry == force) {
    PrintError(Status::Invalid("usage: ferry clean [-n | -f] RUN...  (name the runs; -n shows what would be "
                               "removed, -f removes it)"));
    return 2;
  }
  std::unique_ptr<History> h;
  Status st = OpenHistory(&h);
  if (!st.ok()) return PrintError(st), st.exit_code();
  std::vector<RunRecord> all;
  if (!(st = h->ListRuns(&all)).ok()) return PrintError(st), 1;
  std::vector<RunRecord> targets;
  for (const auto& n : names) {
    RunRecord r;
    bool found = false;
    if (!(st = h->FindRun(n, &r, &found)).ok()) return PrintError(st), 1;
    if (!found) {
      std::vector<std::string> known;
      for (const auto& x : all) known.push_back(x.run_name);
      PrintError(Status::Invalid("no run named '" + n + "'" + DidYouMean(n, known) + " (ferry log lists the runs)"));
      return 2;
    }
    targets.push_back(r);
  }
  // Work dirs still used by a run that is kept (a later run may have reused
  // them from cache) stay, so that run can still be resumed.
  std::set<std::string> keep, remove;
  for (const auto& r : all) {
    bool target = false;
    for (const auto& t : targets) target = target || t.id == r.id;
    std::vector<TaskRecord> tasks;
    h->ListTasks(r.id, &tasks);
    for (const auto& t : tasks) (target ? remove : keep).insert(t.work_dir);
  }
  int removed = 0, kept = 0;
  for (const auto& dir : remove) {
    if (keep.count(dir)) {
      ++kept;
      continue;
    }
    std::error_code ec;
    if (!std::filesystem::exists(dir, ec)) continue;
    std::printf("%s %s\n", dry ? "would remove" : "removed", dir.c_str());
    if (!dry) std::filesystem::remove_all(dir, ec);
    ++removed;
  }
  if (!dry)
    for (const auto& t : targets) h->DeleteRun(t.id);
  std::printf("%s %d work dir(s)%s\n", dry ? "would remove" : "removed", removed,
              kept ? (", kept " + std::to_string(kept) + " still used by other runs").c_str() : "");
  return 0;
}

}  // namespace ferry
