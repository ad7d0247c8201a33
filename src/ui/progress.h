// Progress: what the user sees while `ferry run` works. With a terminal
// (ansi) it is a compact live table redrawn in place at most ~5 times a
// second, whatever the event rate; in logs (ansi=false) it is one plain line
// per event, which greps and tails well.
#pragma once

#include <cstdio>
#include <memory>
#include <string>

#include <utility>
#include <vector>

#include "events/run_events.h"
#include "ui/progress_model.h"

namespace ferry {

// The live display as a run observer: task events update it, notices are
// printed above it (warnings and errors marked, coloured on a terminal).
class Progress : public TaskEventObserver {
 public:
  void RunStarted(const std::vector<std::pair<std::string, int>>& planned) override {
    for (const auto& [process, total] : planned) Planned(process, total);
  }
  void Notice(Severity severity, const std::string& text) override;

  // total <= 0: not known yet. Called once per process before start, in pipeline order.
  virtual void Planned(const std::string& process, int total) = 0;
  virtual void Message(const std::string& text) = 0;         // printed whole, above the live area
  virtual void Finish(const std::string& summary_line) = 0;  // final redraw, then the summary line
  // Redraws if something changed and the last redraw is old enough. Called
  // from the event loop (after each executor Poll) so the display catches
  // up when events stop arriving. No-op in plain mode.
  void Tick() override {}

 protected:
  explicit Progress(bool colour) : colour_(colour) {}
  const bool colour_;
};

struct ProgressOptions {
  int min_redraw_ms = 200;  // ansi: at most one redraw per this interval (Finish/Message always draw)
  int width = -1;           // columns to cut lines to; -1 = ask the terminal, 0 = no limit
  int height = -1;          // rows for the live area; -1 = ask the terminal, 0 = no limit
  int colour = -1;          // ansi only: 1 on, 0 off, -1 = ColourOn(out) (ui/colour.h)
};

// ansi=true: a live, compact, in-place redrawn display (at most ~5 redraws/s; redraw on Finish):
//   executor >  local (12)
//   [ab/12cd34] process > count (3) [ 40%] 4 of 10, cached: 2, failed: 1 ✘
//   (one line per process; ✔ when all done OK)
//   (coloured when options.colour says so)
// ansi=false: one plain line per event, naming the executor, never coloured
//   ("[ab/12cd34] Submitted process > count (3) [local]", "[..] Completed ... [awsbatch]",
//   "[..] Cached ...", "[..] Failed ... [local] (exit 1)").
std::unique_ptr<Progress> MakeProgress(bool ansi, FILE* out);
std::unique_ptr<Progress> MakeProgress(bool ansi, FILE* out, const ProgressOptions& options);

}  // namespace ferry
