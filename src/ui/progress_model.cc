#include "ui/progress_model.h"

#include <algorithm>
#include <cstdio>

#include "ui/colour.h"

namespace ferry {

namespace {
size_t Columns(const std::string& s) {
  size_t n = 0;
  for (unsigned char c : s)
    if ((c & 0xC0) != 0x80) ++n;
  return n;
}
}  // namespace

std::string FitWidth(const std::string& s, int width) {
  if (width <= 0 || Columns(s) <= static_cast<size_t>(width)) return s;
  size_t cols = 0, i = 0;
  for (; i < s.size(); ++i) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    if ((c & 0xC0) != 0x80) {
      if (cols == static_cast<size_t>(width)) break;
      ++cols;
    }
  }
  return s.substr(0, i);
}

int ProgressModel::Proc::shown_total() const {
  int seen = std::max(submitted - retries, 0) + cached;
  return std::max({total, seen, done()});
}

ProgressModel::Proc& ProgressModel::Get(const std::string& process) {
  auto it = index_.find(process);
  if (it != index_.end()) return procs_[it->second];
  index_.emplace(process, procs_.size());
  procs_.push_back(Proc{});
  procs_.back().name = process;
  return procs_.back();
}

void ProgressModel::Planned(const std::string& process, int total) { Get(process).total = total; }

void ProgressModel::Apply(const TaskEvent& e) {
  Proc& p = Get(e.process);
  if (!e.hash_prefix.empty()) p.last_hash = e.hash_prefix;
  if (!e.name.empty()) p.last_display = e.name;
  switch (e.state) {
    case TaskState::kSubmitted: {
      ++p.submitted;
      auto it =
          std::find_if(executors_.begin(), executors_.end(), [&](const auto& x) { return x.first == e.executor; });
      if (it == executors_.end()) executors_.push_back({e.executor, 1});
      else ++it->second;
      break;
    }
    case TaskState::kCompleted: ++p.completed; break;
    case TaskState::kCached: ++p.cached; break;
    case TaskState::kFailed:
    case TaskState::kIgnored:
      if (p.failed++ == 0) {
        p.failed_hash = e.hash_prefix;
        p.failed_display = e.name;
      }
      break;
    case TaskState::kAborted: ++p.aborted; break;
    case TaskState::kRetried: ++p.retries; break;
    case TaskState::kSkipped: ++p.skipped; break;
  }
}

std::string ProgressModel::ProcLine(const Proc& p, size_t name_width) const {
  std::string hash = p.failed ? p.failed_hash : p.last_hash;
  if (hash.empty()) hash = "-        ";
  std::string name = p.failed ? p.failed_display : p.last_display;
  if (name.empty()) name = p.name;
  size_t cols = Columns(name);
  if (cols < name_width) name.append(name_width - cols, ' ');
  int total = p.shown_total();
  int pct = total > 0 ? static_cast<int>(100LL * p.done() / total) : 0;
  char pct_buf[16];
  std::snprintf(pct_buf, sizeof pct_buf, "[%3d%%]", std::min(pct, 100));
  std::string line = "[" + hash + "] process > " + name + " " + pct_buf + " " + std::to_string(p.done()) + " of " +
                     std::to_string(total);
  if (p.cached) line += ", cached: " + std::to_string(p.cached);
  if (p.retries) line += ", retries: " + std::to_string(p.retries);
  if (p.failed) line += ", failed: " + std::to_string(p.failed);
  if (p.aborted) line += ", aborted: " + std::to_string(p.aborted);
  if (p.skipped) line += ", skipped: " + std::to_string(p.skipped);
  if (p.failed || p.aborted) line += " \u2718";
  else if (p.all_ok()) line += " \u2714";
  return line;
}

std::vector<std::string> ProgressModel::Render(int width, int max_lines) const {
  std::vector<std::string> lines;
  if (!executors_.empty()) {
    std::string l = "executor > ";
    for (size_t i = 0; i < executors_.size(); ++i)
      l += (i ? ", " : " ") + executors_[i].first + " (" + std::to_string(executors_[i].second) + ")";
    lines.push_back(l);
  }
  std::vector<const Proc*> shown;
  for (const Proc& p : procs_) shown.push_back(&p);
  size_t room =
      max_lines > 0 ? static_cast<size_t>(std::max<int>(max_lines - static_cast<int>(lines.size()), 1)) : shown.size();
  size_t hidden_done = 0;
  if (shown.size() > room) {
    std::vector<const Proc*> active;
    for (const Proc* p : shown)
      if (!p->all_ok()) active.push_back(p);
    hidden_done = shown.size() - active.size();
    shown = active;
  }
  size_t more = 0;
  if (shown.size() > room) {
    size_t keep = room > 1 ? room - 1 : 0;
    more = shown.size() - keep;
    shown.resize(keep);
  }
  size_t name_width = 0;
  for (const Proc* p : shown) {
    const std::string& shown_name = p->failed ? p->failed_display : p->last_display;
    name_width = std::max(name_width, Columns(shown_name.empty() ? p->name : shown_name));
  }
  // Colour wraps the whole cut line, so cutting never splits an escape code.
  for (const Proc* p : shown) {
    std::string l = FitWidth(ProcLine(*p, name_width), width);
    if (p->failed || p->aborted) l = Paint(Hue::kRed, l, colour_);
    else if (p->all_ok()) l = Paint(p->cached == p->done() ? Hue::kDim : Hue::kGreen, l, colour_);
    lines.push_back(l);
  }
  if (more) {
    std::string l = "... and " + std::to_string(more) + " more processes";
    if (hidden_done) l += " (" + std::to_string(hidden_done) + " finished ones hidden)";
    lines.push_back(FitWidth(l, width));
  }
  if (!lines.empty() && !executors_.empty()) lines[0] = FitWidth(lines[0], width);
  return lines;
}

std::string ProgressModel::PlainLine(const TaskEvent& e) {
  const char* verb = "";
  switch (e.state) {
    case TaskState::kSubmitted: verb = "Submitted"; break;
    case TaskState::kCompleted: verb = "Completed"; break;
    case TaskState::kCached: verb = "Cached"; break;
    case TaskState::kFailed:
    case TaskState::kIgnored: verb = "Failed"; break;
    case TaskState::kAborted: verb = "Aborted"; break;
    case TaskState::kRetried: verb = "Retrying"; break;
    case TaskState::kSkipped: verb = "Skipped"; break;
  }
  std::string hash = e.hash_prefix.empty() ? "-        " : e.hash_prefix;
  std::string line = "[" + hash + "] " + verb + " process > " + (e.name.empty() ? e.process : e.name);
  // Which executor ran it (hybrid runs mix them); a cached or skipped task ran nowhere.
  bool ran = e.state != TaskState::kCached && e.state != TaskState::kSkipped;
  if (!e.executor.empty() && ran) line += " [" + e.executor + "]";
  bool failed = e.state == TaskState::kFailed || e.state == TaskState::kIgnored;
  if (failed || e.state == TaskState::kRetried) {
    std::string why;
    if (e.exit_code >= 0) why = "exit " + std::to_string(e.exit_code);
    if (e.state == TaskState::kRetried)
      why += std::string(why.empty() ? "" : ", ") + "attempt " + std::to_string(e.attempt) + " failed";
    if (e.state == TaskState::kIgnored) why += std::string(why.empty() ? "" : ", ") + "ignored";
    if (!why.empty()) line += " (" + why + ")";
  }
  return line;
}

}  // namespace ferry
