// `ferry clean -n|-f RUN...`: parses the command line; launch/cleaner.h
// removes the work dirs.
#include <cstdio>

#include "cli/commands.h"
#include "cli/run_setup.h"
#include "launch/cleaner.h"
#include "store/history.h"
#include "util/text.h"

namespace ferry {

namespace {

constexpr const char* kUsage =
    "usage: ferry clean [-n | -f] [-c FILE] [-profile NAMES] RUN...\n"
    "  -n               show what would be removed\n"
    "  -f               remove it\n"
    "  -c FILE          extra config file for the AWS settings of S3 work dirs\n"
    "  -profile a,b     config profiles for those settings\n";

struct CleanArgs {
  bool dry = false, force = false;
  std::vector<std::string> runs, configs, profiles;
};

Status ParseCleanArgs(const std::vector<std::string>& args, CleanArgs* out, bool* help) {
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    if (a == "-n") {
      out->dry = true;
    } else if (a == "-f") {
      out->force = true;
    } else if (a == "-h" || a == "-help") {
      *help = true;
      return Status::Ok();
    } else if (a == "-c" || a == "-config" || a == "-profile") {
      if (i + 1 >= args.size()) return Status::Invalid(a + " needs a value (ferry clean -h shows the usage)");
      if (a == "-profile") {
        for (auto& p : SplitList(args[++i])) out->profiles.push_back(p);
      } else {
        out->configs.push_back(args[++i]);
      }
    } else if (!a.empty() && a[0] == '-') {
      return Status::Invalid("unknown option '" + a + "'" + DidYouMean(a, {"-n", "-f", "-c", "-profile"}) +
                             " for ferry clean");
    } else {
      out->runs.push_back(a);
    }
  }
  if (out->runs.empty() || out->dry == out->force)
    return Status::Invalid(
        "usage: ferry clean [-n | -f] RUN...  (name the runs; -n shows what would be removed, -f removes it)");
  return Status::Ok();
}

}  // namespace

int CleanCommand(const std::vector<std::string>& args) {
  CleanArgs ca;
  bool help = false;
  Status st = ParseCleanArgs(args, &ca, &help);
  if (help) return std::fputs(kUsage, stdout), 0;
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
