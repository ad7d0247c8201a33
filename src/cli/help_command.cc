// `ferry help [COMMAND [SUBCOMMAND]]`, `ferry version`, `ferry completion
// bash|zsh` and `ferry man`: what ferry says about itself, all generated
// from the command tables (FerryTable()).
#include <cstdio>

#include "cli/commands.h"
#include "cli/run_setup.h"
#include "cmdline/completion.h"
#include "cmdline/help_text.h"
#include "cmdline/man_page.h"
#include "util/text.h"

namespace ferry {

namespace {

const cmdline::Command& Table(const std::string& name) { return *FerryTable().Sub(name); }

// Parses a command of this file, which takes no options and at most
// max_words positional words; *code is its exit code when it is done (its
// help was asked for, or the line was wrong).
bool ParseOwn(const std::string& name, const std::vector<std::string>& args, size_t max_words, cmdline::Parsed* p,
              int* code) {
  Status st = cmdline::Parse(Table(name), args, p);
  if (p->help) return std::fputs(cmdline::HelpText(Table(name)).c_str(), stdout), *code = 0, false;
  if (st.ok() && p->positional.size() > max_words)
    st = Status::Invalid("unexpected argument '" + p->positional[max_words] + "' (see: ferry " + name + " --help)");
  if (!st.ok()) return PrintError(st), *code = 2, false;
  return true;
}

}  // namespace

int HelpCommand(const std::vector<std::string>& args) {
  cmdline::Parsed p;
  int code;
  if (!ParseOwn("help", args, 2, &p, &code)) return code;
  const cmdline::Command* c = nullptr;
  Status st = cmdline::FindCommand(FerryTable(), p.positional, &c);
  if (!st.ok()) return PrintError(st), 2;
  std::fputs(cmdline::HelpText(*c).c_str(), stdout);
  return 0;
}

int VersionCommand(const std::vector<std::string>& args) {
  cmdline::Parsed p;
  int code;
  if (!ParseOwn("version", args, 0, &p, &code)) return code;
  std::puts("ferry " FERRY_VERSION);
  return 0;
}

int CompletionCommand(const std::vector<std::string>& args) {
  cmdline::Parsed p;
  int code;
  if (!ParseOwn("completion", args, 1, &p, &code)) return code;
  const std::vector<std::string> shells = Table("completion").positional_choices;
  if (p.positional.empty()) return PrintError(Status::Invalid("usage: ferry completion bash|zsh (name one shell)")), 2;
  const std::string& shell = p.positional[0];
  if (shell == "bash") return std::fputs(cmdline::BashCompletion(FerryTable()).c_str(), stdout), 0;
  if (shell == "zsh") return std::fputs(cmdline::ZshCompletion(FerryTable()).c_str(), stdout), 0;
  PrintError(Status::Invalid("ferry completion knows bash and zsh, not '" + shell + "'" + DidYouMean(shell, shells)));
  return 2;
}

int ManCommand(const std::vector<std::string>& args) {
  cmdline::Parsed p;
  int code;
  if (!ParseOwn("man", args, 0, &p, &code)) return code;
  std::fputs(cmdline::ManPage(FerryTable(), FERRY_VERSION).c_str(), stdout);
  return 0;
}

}  // namespace ferry
