#include "ui/colour.h"

#include <unistd.h>

#include <atomic>
#include <cstdlib>

namespace ferry {

namespace {
std::atomic<bool> g_colour_allowed{true};
}  // namespace

std::string Paint(Hue hue, const std::string& text, bool on) {
  if (!on) return text;
  const char* code = "";
  switch (hue) {
    case Hue::kRed: code = "\x1b[31m"; break;
    case Hue::kGreen: code = "\x1b[32m"; break;
    case Hue::kYellow: code = "\x1b[33m"; break;
    case Hue::kDim: code = "\x1b[2m"; break;
  }
  return code + text + "\x1b[0m";
}

void SetColourAllowed(bool allowed) { g_colour_allowed = allowed; }

bool ColourOn(FILE* stream) {
  if (!g_colour_allowed) return false;
  const char* no_colour = std::getenv("NO_COLOR");
  if (no_colour && *no_colour) return false;
  const char* term = std::getenv("TERM");
  if (term && std::string(term) == "dumb") return false;
  return ::isatty(fileno(stream)) == 1;
}

std::string WarningText(const std::string& text, bool colour) {
  return Paint(Hue::kYellow, "warning:", colour) + " " + text;
}

std::string ErrorText(const std::string& text, bool colour) { return Paint(Hue::kRed, "ERROR:", colour) + " " + text; }

void PrintWarning(const std::string& text) {
  std::string line = WarningText(text, ColourOn(stderr)) + "\n";
  std::fwrite(line.data(), 1, line.size(), stderr);
}

}  // namespace ferry
