#include "cmdline/help_text.h"

#include <gtest/gtest.h>

#include "cmdline/completion.h"
#include "cmdline/man_page.h"

namespace ferry::cmdline {
namespace {

Command Tree() {
  Command run;
  run.path = "run";
  run.synopsis = {"PIPELINE [options]"};
  run.summary = "run a pipeline";
  run.details = "PIPELINE is a .yml file.\n\n.dots and back\\slashes are literal.";
  run.options = {Flag("-resume", "reuse unchanged tasks"),
                 Value("-work-dir", "DIR", "where work dirs go").Alias("-w").Kind(ValueKind::kDir),
                 Value("-c", "FILE", "a config file").Kind(ValueKind::kFile),
                 Value("-ansi-log", "true|false", "live display").Choices({"true", "false"}),
                 OptionalValue("-with-trace", "FILE", "a trace").Kind(ValueKind::kFile),
                 Value("-a-very-long-option-name-indeed", "VALUE", "wraps")};
  run.positional = ValueKind::kFile;
  Command s3;
  s3.path = "s3";
  s3.summary = "S3 transfers";
  Command cp;
  cp.path = "s3 cp";
  cp.summary = "copy";
  cp.options = {Flag("--recursive", "all of it")};
  s3.subcommands = {cp};
  Command root;
  root.synopsis = {"COMMAND [options]"};
  root.summary = "run pipelines";
  root.details = "exit codes: 0 ok";
  root.options = {Value("--region", "REGION", "AWS region")};
  root.subcommands = {run, s3};
  return root;
}

TEST(HelpText, ListsUsageEveryOptionWithItsValueAndHelp) {
  Command root = Tree();
  std::string h = HelpText(root.subcommands[0]);
  EXPECT_EQ(h.rfind("usage: ferry run PIPELINE [options]\n\nrun a pipeline\n", 0), 0u) << h;
  EXPECT_NE(h.find("  -resume                reuse unchanged tasks\n"), std::string::npos) << h;
  EXPECT_NE(h.find("  -work-dir DIR, -w DIR  where work dirs go\n"), std::string::npos) << h;
  EXPECT_NE(h.find("  -with-trace [FILE]     a trace\n"), std::string::npos) << h;
  EXPECT_NE(h.find("  -a-very-long-option-name-indeed VALUE\n                         wraps\n"), std::string::npos)
      << h;
  EXPECT_NE(h.find("  -h, -help, --help      print this help\n"), std::string::npos) << h;
}

TEST(HelpText, OverviewListsCommands) {
  std::string h = HelpText(Tree());
  EXPECT_NE(h.find("commands:\n  run  run a pipeline\n  s3   S3 transfers\n"), std::string::npos) << h;
  EXPECT_NE(h.find("--region REGION"), std::string::npos) << h;
  EXPECT_NE(h.find("ferry help COMMAND"), std::string::npos) << h;
}

TEST(Completion, BashCasesPerCommandAndValueKind) {
  std::string b = BashCompletion(Tree());
  EXPECT_NE(b.find("(\":run\"|\":s3\"|\"s3:cp\") cmd="), std::string::npos) << b;
  EXPECT_NE(b.find("(-work-dir|-w) compopt -o filenames 2>/dev/null; mapfile -t COMPREPLY < <(compgen -d"),
            std::string::npos)
      << b;
  EXPECT_NE(b.find("(-ansi-log) mapfile -t COMPREPLY < <(compgen -W \"true false\""), std::string::npos) << b;
  EXPECT_NE(b.find("compgen -W \"-resume -work-dir -w -c -ansi-log -with-trace -a-very-long-option-name-indeed -h "
                   "-help --help\""),
            std::string::npos)
      << b;
  EXPECT_NE(b.find("complete -F _ferry ferry"), std::string::npos);
}

TEST(Completion, ZshUsesFilesAndCompadd) {
  std::string z = ZshCompletion(Tree());
  EXPECT_EQ(z.rfind("#compdef ferry\n", 0), 0u);
  EXPECT_NE(z.find("(-work-dir|-w) _files -/; return ;;"), std::string::npos) << z;
  EXPECT_NE(z.find("(-c) _files; return ;;"), std::string::npos) << z;
  EXPECT_NE(z.find("compadd -- run s3"), std::string::npos) << z;
  // zsh's $path is $PATH: the script must not use it.
  EXPECT_EQ(z.find("$path"), std::string::npos);
}

TEST(ManPage, EscapesRoffAndHasASectionPerCommand) {
  std::string m = ManPage(Tree(), "1.2.3");
  EXPECT_EQ(m.rfind(".TH FERRY 1 \"\" \"ferry 1.2.3\" \"User Commands\"\n.SH NAME\nferry \\- run pipelines\n", 0), 0u)
      << m;
  EXPECT_NE(m.find(".SS \"ferry run\"\n"), std::string::npos) << m;
  EXPECT_NE(m.find(".SS \"ferry s3 cp\"\n"), std::string::npos) << m;
  EXPECT_NE(m.find(".TP\n.B \"\\-work\\-dir DIR, \\-w DIR\"\nwhere work dirs go\n"), std::string::npos) << m;
  EXPECT_NE(m.find("\\&.dots and back\\eslashes are literal."), std::string::npos) << m;
}

}  // namespace
}  // namespace ferry::cmdline
