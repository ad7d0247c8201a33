#include "ui/progress.h"

#include <sys/ioctl.h>
#include <unistd.h>

#include <chrono>

#include "ui/colour.h"

namespace ferry {

void Progress::Notice(Severity severity, const std::string& text) {
  switch (severity) {
    case Severity::kInfo: return Message(text);
    case Severity::kWarning: return Message(WarningText(text, colour_));
    case Severity::kError: return Message(ErrorText(text, colour_));
  }
}

namespace {

class PlainProgress : public Progress {
 public:
  explicit PlainProgress(FILE* out) : Progress(false), out_(out) {}
  void Planned(const std::string&, int) override {}
  void Message(const std::string& text) override { Line(text); }
  void Finish(const std::string& summary_line) override { Line(summary_line); }

 private:
  void OnTask(const TaskEvent& e) override { Line(ProgressModel::PlainLine(e)); }
  // Flushed per line: logs are often followed live (tail -f, CI consoles).
  void Line(const std::string& s) {
    std::fwrite(s.data(), 1, s.size(), out_);
    if (s.empty() || s.back() != '\n') std::fputc('\n', out_);
    std::fflush(out_);
  }
  FILE* out_;
};

class AnsiProgress : public Progress {
 public:
  AnsiProgress(FILE* out, const ProgressOptions& o, bool colour) : Progress(colour), out_(out), opts_(o) {
    model_.set_colour(colour);
  }

  void Planned(const std::string& process, int total) override {
    model_.Planned(process, total);
    dirty_ = true;
  }
  void Tick() override {
    if (!dirty_ || finished_) return;
    auto now = std::chrono::steady_clock::now();
    if (drawn_once_ && now - last_draw_ < std::chrono::milliseconds(opts_.min_redraw_ms)) return;
    Redraw();
  }
  void Message(const std::string& text) override {
    std::string buf = EraseLiveArea();
    buf += text;
    if (text.empty() || text.back() != '\n') buf += '\n';
    Write(buf);
    drawn_lines_ = 0;
    if (!finished_) Redraw();
  }
  void Finish(const std::string& summary_line) override {
    if (!finished_ && (dirty_ || !drawn_once_)) Redraw();
    finished_ = true;
    drawn_lines_ = 0;  // the table stays on screen as the final report
    Write(summary_line + "\n");
  }

 private:
  void OnTask(const TaskEvent& e) override {
    model_.Apply(e);
    dirty_ = true;
    Tick();
  }

  // Moves to the first line of the live area and clears to the end of screen.
  std::string EraseLiveArea() const {
    if (drawn_lines_ == 0) return "";
    return "\x1b[" + std::to_string(drawn_lines_) + "A\r\x1b[J";
  }

  void TerminalSize(int* width, int* height) const {
    *width = opts_.width;
    *height = opts_.height;
    if (*width >= 0 && *height >= 0) return;
    struct winsize ws = {};
    bool tty = ioctl(fileno(out_), TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0;
    // Lines one column short of the edge so no terminal wraps them (a wrap
    // would break the cursor-up count).
    if (*width < 0) *width = tty ? ws.ws_col - 1 : 0;
    if (*height < 0) *height = tty && ws.ws_row > 2 ? ws.ws_row - 1 : 0;
  }

  void Redraw() {
    int width, height;
    TerminalSize(&width, &height);
    std::vector<std::string> lines = model_.Render(width, height);
    std::string buf;
    if (drawn_lines_ > 0) buf += "\x1b[" + std::to_string(drawn_lines_) + "A\r";
    for (const std::string& l : lines) {
      buf += "\x1b[2K";
      buf += l;
      buf += '\n';
    }
    if (lines.size() < drawn_lines_) buf += "\x1b[J";
    Write(buf);
    drawn_lines_ = lines.size();
    dirty_ = false;
    drawn_once_ = true;
    last_draw_ = std::chrono::steady_clock::now();
  }

  void Write(const std::string& s) {
    std::fwrite(s.data(), 1, s.size(), out_);
    std::fflush(out_);
  }

  FILE* out_;
  ProgressOptions opts_;
  ProgressModel model_;
  size_t drawn_lines_ = 0;
  bool dirty_ = false, drawn_once_ = false, finished_ = false;
  std::chrono::steady_clock::time_point last_draw_;
};

}  // namespace

std::unique_ptr<Progress> MakeProgress(bool ansi, FILE* out, const ProgressOptions& options) {
  if (ansi)
    return std::make_unique<AnsiProgress>(out, options, options.colour < 0 ? ColourOn(out) : options.colour == 1);
  return std::make_unique<PlainProgress>(out);
}

std::unique_ptr<Progress> MakeProgress(bool ansi, FILE* out) { return MakeProgress(ansi, out, ProgressOptions{}); }

}  // namespace ferry
