// ProgressModel: the counts behind the `ferry run` progress display (per
// process: planned, submitted, completed, cached, failed, retried; per
// executor: tasks submitted) and the text lines drawn from them, coloured
// or not. Pure logic, no I/O, so the display can be tested and the terminal
// code stays small.
#pragma once

#include <cstddef>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "events/run_events.h"

namespace ferry {

class ProgressModel {
 public:
  // total <= 0: not known yet (the display then counts what it has seen).
  // Calling it again for a process updates the total.
  void Planned(const std::string& process, int total);
  void Apply(const TaskEvent& e);
  // Colours the rendered lines: red for a process with failures, green
  // when all its tasks succeeded, dim when all were cached. Off by default.
  void set_colour(bool on) { colour_ = on; }

  // The live display: "executor >  local (12)" then one line per process:
  // "[ab/12cd34] process > count (3) [ 40%] 4 of 10, cached: 2, failed: 1 ✘".
  // The hash and name are of the latest task, or, once one failed, of the
  // first failed task, so the line points at the work dir to look into.
  // Lines are cut to `width` columns (0 = no limit). With more processes than
  // `max_lines` allows (0 = no limit), finished ones are hidden first, then
  // the rest is summarised in a last "... and N more" line.
  std::vector<std::string> Render(int width, int max_lines) const;

  // One line for a log: "[ab/12cd34] Submitted process > count (3) [local]".
  static std::string PlainLine(const TaskEvent& e);

 private:
  struct Proc {
    std::string name;
    int total = 0;  // <= 0: unknown
    int submitted = 0, completed = 0, cached = 0, failed = 0, aborted = 0, retries = 0, skipped = 0;
    std::string last_hash, last_display;
    std::string failed_hash, failed_display;  // of the first failed task
    int done() const { return completed + cached + failed + skipped; }
    int shown_total() const;
    bool all_ok() const { return shown_total() > 0 && done() >= shown_total() && failed == 0 && aborted == 0; }
  };
  Proc& Get(const std::string& process);
  std::string ProcLine(const Proc& p, size_t name_width) const;

  std::vector<Proc> procs_;  // in pipeline order
  std::unordered_map<std::string, size_t> index_;
  std::vector<std::pair<std::string, int>> executors_;  // in order of first use
  bool colour_ = false;
};

// Cuts `s` to `width` display columns (UTF-8 aware; 0 = no limit).
std::string FitWidth(const std::string& s, int width);

}  // namespace ferry
