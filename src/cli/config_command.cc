// `ferry config show [PIPELINE]`: prints the config ferry would use for a
// pipeline and profile, after every file and profile is applied.
#include <cstdio>
#include <filesystem>

#include "cli/commands.h"
#include "cli/run_setup.h"
#include "cmdline/help_text.h"
#include "config/config.h"
#include "ui/colour.h"
#include "util/text.h"

namespace ferry {

const cmdline::Command& ConfigTable() {
  static const cmdline::Command kConfig = [] {
    cmdline::Command show = cmdline::MakeCommand(
        "config show", {"[PIPELINE] [-profile a,b] [-c FILE]..."}, "print the resolved config",
        {cmdline::Value("-profile", "a,b", "apply these config profiles"),
         cmdline::Value("-c", "FILE", "add a config file (repeatable; later wins)").Kind(cmdline::ValueKind::kFile)});
    show.details =
        "The config ferry run would use for PIPELINE (a .yml file or a directory; default: this\n"
        "directory) after ~/.ferry/config, ferry.config beside the pipeline, each -c file and\n"
        "the profiles are applied.";
    show.positional = cmdline::ValueKind::kFile;
    cmdline::Command c = cmdline::MakeCommand("config", {"show [PIPELINE] [-profile a,b] [-c FILE]..."},
                                              "print the config ferry would use");
    c.subcommands = {show};
    return c;
  }();
  return kConfig;
}

int ConfigCommand(const std::vector<std::string>& args) {
  const cmdline::Command* show = nullptr;
  std::vector<std::string> rest;
  Status bad = cmdline::FindSubcommand(ConfigTable(), args, &show, &rest);
  if (show ? cmdline::WantsHelp(*show, rest) : cmdline::WantsHelp(ConfigTable(), args))
    return std::fputs(cmdline::HelpText(show ? *show : ConfigTable()).c_str(), stdout), 0;
  if (bad.ok() && !show)
    bad = Status::Invalid("usage: ferry config show [PIPELINE] [-profile a,b] [-c FILE]... (see: ferry config --help)");
  cmdline::Parsed p;
  if (bad.ok()) bad = cmdline::Parse(*show, rest, &p);
  if (bad.ok() && p.positional.size() > 1) bad = Status::Invalid("unexpected argument '" + p.positional[1] + "'");
  if (!bad.ok()) return PrintError(bad), 2;
  std::string pipeline = p.positional.empty() ? "" : p.positional[0];
  std::vector<std::string> profiles, configs = p.All("-c");
  for (const auto& list : p.All("-profile"))
    for (auto& pr : SplitList(list)) profiles.push_back(pr);
  std::string dir = ".";
  if (!pipeline.empty()) {
    std::string file;
    Status st = ResolvePipelinePath(pipeline, &file);
    if (!st.ok()) return PrintError(st), 2;
    dir = std::filesystem::path(file).parent_path().string();
    if (dir.empty()) dir = ".";
  }
  ConfigLoadOptions opts;
  opts.profiles = profiles;
  Status st = ConfigFiles(dir, configs, &opts.files);
  Config config;
  if (st.ok()) st = Config::Load(opts, &config);
  if (!st.ok()) return PrintError(st), st.exit_code();
  for (const auto& w : config.warnings()) PrintWarning(w);
  std::fputs(config.Show().c_str(), stdout);
  return 0;
}

}  // namespace ferry
