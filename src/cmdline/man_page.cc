#include "cmdline/man_page.h"

#include <functional>

#include "cmdline/help_text.h"
#include "util/text.h"

namespace ferry::cmdline {

namespace {

// Text as roff reads it literally: backslashes and dashes escaped, and no
// line starting with a control character ('.' or '\'').
std::string Roff(const std::string& text) {
  std::string out;
  bool line_start = true;
  for (char c : text) {
    if (line_start && (c == '.' || c == '\'')) out += "\\&";
    if (c == '\\') out += "\\e";
    else if (c == '-') out += "\\-";
    else out += c;
    line_start = c == '\n';
  }
  return out;
}

// Paragraphs of plain text: blank lines separate them, and roff fills the
// lines of each (the terminal's width decides where they break).
std::string Paragraphs(const std::string& text) {
  std::string out;
  bool in_paragraph = false;
  for (const auto& line : Split(text, '\n')) {
    if (Trim(line).empty()) {
      if (in_paragraph) out += ".PP\n";
      in_paragraph = false;
      continue;
    }
    out += Roff(std::string(Trim(line))) + "\n";
    in_paragraph = true;
  }
  return out;
}

void CommandSection(const Command& c, std::string* out) {
  *out += ".SS \"" + Roff(c.Name()) + "\"\n";
  for (const auto& line : UsageLines(c)) *out += ".B \"" + Roff(line) + "\"\n.br\n";
  *out += ".PP\n" + Paragraphs(c.summary);
  if (!c.details.empty()) *out += ".PP\n" + Paragraphs(c.details);
  for (const auto& o : c.options) *out += ".TP\n.B \"" + Roff(OptionSynopsis(o)) + "\"\n" + Roff(o.help) + "\n";
  for (const auto& s : c.subcommands) CommandSection(s, out);
}

}  // namespace

std::string ManPage(const Command& root, const std::string& version) {
  std::string out = ".TH FERRY 1 \"\" \"ferry " + Roff(version) + "\" \"User Commands\"\n";
  out += ".SH NAME\nferry \\- " + Roff(root.summary) + "\n";
  out += ".SH SYNOPSIS\n";
  for (const auto& line : UsageLines(root)) out += ".B \"" + Roff(line) + "\"\n.br\n";
  out += ".SH DESCRIPTION\n" + Paragraphs(root.details);
  out += ".SH OPTIONS\n";
  for (const auto& o : root.options) out += ".TP\n.B \"" + Roff(OptionSynopsis(o)) + "\"\n" + Roff(o.help) + "\n";
  out +=
      ".TP\n.B \"" + Roff(Join(HelpSpellings(), ", ")) + "\"\nprint the help of ferry or of the command they follow\n";
  out += ".SH COMMANDS\n";
  for (const auto& c : root.subcommands) CommandSection(c, &out);
  return out;
}

}  // namespace ferry::cmdline
