// `ferry kill RUN`: parses the command line; launch/run_killer.h ends the
// run's AWS Batch and Slurm jobs.
#include <cstdio>

#include "cli/commands.h"
#include "cli/run_setup.h"
#include "cmdline/help_text.h"
#include "launch/run_killer.h"
#include "store/history.h"

namespace ferry {

namespace {

struct KillArgs {
  std::string run;
  std::vector<std::string> configs, profiles;
};

Status ParseKillArgs(const std::vector<std::string>& args, KillArgs* out, bool* help) {
  cmdline::Parsed p;
  FERRY_RETURN_IF_ERROR(cmdline::Parse(KillTable(), args, &p));
  *help = p.help;
  if (p.help) return Status::Ok();
  out->configs = p.All("-c");
  for (const auto& list : p.All("-profile"))
    for (auto& pr : SplitList(list)) out->profiles.push_back(pr);
  if (p.positional.size() != 1)
    return Status::Invalid("usage: ferry kill [-c FILE] [-profile NAMES] RUN  (name one run; ferry log lists them)");
  out->run = p.positional[0];
  return Status::Ok();
}

}  // namespace

const cmdline::Command& KillTable() {
  using cmdline::Value;
  static const cmdline::Command kKill = [] {
    cmdline::Command c = cmdline::MakeCommand("kill", {"[-c FILE] [-profile NAMES] RUN"},
                                              "end the AWS Batch and Slurm jobs a run left queued or running",
                                              {Value("-c", "FILE", "extra config file for the AWS settings of the run")
                                                   .Alias("-config")
                                                   .Kind(cmdline::ValueKind::kFile),
                                               Value("-profile", "a,b", "config profiles for those settings")});
    c.details =
        "Terminates the jobs of a run whose ferry died (killed, or its machine lost) and waits until\n"
        "AWS Batch reports them ended and squeue lists none of its Slurm jobs as queued or running.\n"
        "RUN is a run name, id, or 'last' (ferry log lists them).";
    return c;
  }();
  return kKill;
}

int KillCommand(const std::vector<std::string>& args) {
  KillArgs ka;
  bool help = false;
  Status st = ParseKillArgs(args, &ka, &help);
  if (help) return std::fputs(cmdline::HelpText(KillTable()).c_str(), stdout), 0;
  if (!st.ok()) return PrintError(st), 2;
  std::unique_ptr<History> h;
  st = OpenLaunchHistory(&h);
  if (!st.ok()) return PrintError(st), st.exit_code();
  RunRecord run;
  st = FindNamedRun(*h, ka.run, &run);
  KillOptions options;
  options.configs = ka.configs;
  options.profiles = ka.profiles;
  if (st.ok()) st = KillRunJobs(*h, run, options);
  if (!st.ok()) return PrintError(st), st.exit_code();
  return 0;
}

}  // namespace ferry
