#include "cmdline/help_text.h"

#include <algorithm>

#include "util/text.h"

namespace ferry::cmdline {

namespace {

// Left column width: long option spellings wrap their help to the next line
// rather than pushing every help line far right.
constexpr size_t kMaxColumn = 30;

void AppendRows(const std::vector<std::pair<std::string, std::string>>& rows, std::string* out) {
  size_t width = 0;
  for (const auto& [left, _] : rows)
    if (left.size() <= kMaxColumn) width = std::max(width, left.size());
  for (const auto& [left, help] : rows) {
    *out += "  " + left;
    if (left.size() > width) {
      *out += "\n  " + std::string(width, ' ');
    } else {
      *out += std::string(width - left.size(), ' ');
    }
    *out += "  " + help + "\n";
  }
}

}  // namespace

std::string OptionSynopsis(const Option& o) {
  std::vector<std::string> forms;
  for (const auto& s : o.Spellings()) {
    switch (o.arity) {
      case Arity::kFlag: forms.push_back(s); break;
      case Arity::kValue: forms.push_back(s + " " + o.meta); break;
      case Arity::kOptionalValue: forms.push_back(s + " [" + o.meta + "]"); break;
    }
  }
  return Join(forms, ", ");
}

std::vector<std::string> UsageLines(const Command& cmd) {
  std::vector<std::string> lines;
  if (cmd.synopsis.empty()) lines.push_back(cmd.Name() + " [options]");
  for (const auto& s : cmd.synopsis) lines.push_back(cmd.Name() + " " + s);
  return lines;
}

std::string HelpText(const Command& cmd) {
  std::string out;
  std::vector<std::string> lines = UsageLines(cmd);
  for (size_t i = 0; i < lines.size(); ++i) out += (i == 0 ? "usage: " : "       ") + lines[i] + "\n";
  out += "\n" + cmd.summary + "\n";
  if (!cmd.details.empty()) out += "\n" + cmd.details + (EndsWith(cmd.details, "\n") ? "" : "\n");
  if (!cmd.subcommands.empty()) {
    out += "\ncommands:\n";
    std::vector<std::pair<std::string, std::string>> rows;
    for (const auto& c : cmd.subcommands) rows.emplace_back(c.Word(), c.summary);
    AppendRows(rows, &out);
  }
  std::vector<std::pair<std::string, std::string>> rows;
  for (const auto& o : cmd.options) rows.emplace_back(OptionSynopsis(o), o.help);
  rows.emplace_back(Join(HelpSpellings(), ", "), "print this help");
  out += "\noptions:\n";
  AppendRows(rows, &out);
  if (!cmd.subcommands.empty())
    out += "\n" + std::string(cmd.path.empty() ? "ferry help COMMAND" : "ferry help " + cmd.path + " COMMAND") +
           " (or COMMAND --help) shows a command's options.\n";
  return out;
}

}  // namespace ferry::cmdline
