// `ferry clean -n|-f RUN...`: parses the command line; launch/cleaner.h
// removes the work dirs.
#include <cstdio>

#include "cli/commands.h"
#include "cli/run_setup.h"
#include "cmdline/help_text.h"
#include "launch/cleaner.h"
#include "store/history.h"
#include "util/text.h"

namespace ferry {

namespace {

struct CleanArgs {
  bool dry = false, force = false;
  std::vector<std::string> runs, configs, profiles;
};

Status ParseCleanArgs(const std::vector<std::string>& args, CleanArgs* out, bool* help) {
  cmdline::Parsed p;
  FERRY_RETURN_IF_ERROR(cmdline::Parse(CleanTable(), args, &p));
  *help = p.help;
  if (p.help) return Status::Ok();
  out->dry = p.Has("-n");
  out->force = p.Has("-f");
  out->configs = p.All("-c");
  for (const auto& list : p.All("-profile"))
    for (auto& pr : SplitList(list)) out->profiles.push_back(pr);
  out->runs = p.positional;
  if (out->runs.empty() || out->dry == out->force)
    return Status::Invalid(
        "usage: ferry clean [-n | -f] RUN...  (name the runs; -n shows what would be removed, -f removes it)");
  return Status::Ok();
}

}  // namespace

const cmdline::Command& CleanTable() {
  using cmdline::Flag;
  using cmdline::Value;
  static const cmdline::Command kClean = [] {
    cmdline::Command c = cmdline::MakeCommand(
        "clean", {"[-n | -f] [-c FILE] [-profile NAMES] RUN..."}, "remove the work dirs of past runs (local and on S3)",
        {Flag("-n", "show what would be removed"), Flag("-f", "remove it"),
         Value("-c", "FILE", "extra config file for the AWS settings of S3 work dirs")
             .Alias("-config")
             .Kind(cmdline::ValueKind::kFile),
         Value("-profile", "a,b", "config profiles for those settings")});
    c.details = "Work dirs a kept run still uses stay. RUN is a run name, id, or 'last' (ferry log lists them).";
    return c;
  }();
  return kClean;
}

int CleanCommand(const std::vector<std::string>& args) {
  CleanArgs ca;
  bool help = false;
  Status st = ParseCleanArgs(args, &ca, &help);
  if (help) return std::fputs(cmdline::HelpText(CleanTable()).c_str(), stdout), 0;
  if (!st.ok()) return PrintError(st), 2;
  std::unique_ptr<History> h;
  st = OpenLaunchHistory(&h);
  if (!st.ok()) return PrintError(st), st.exit_code();
  CleanOptions options;
  options.dry_run = ca.dry;
  options.configs = ca.configs;
  options.profiles = ca.profiles;
  st = Cleaner(h.get(), options).CleanRuns(ca.runs);
  if (!st.ok()) return PrintError(st), st.exit_code();
  return 0;
}

}  // namespace ferry
