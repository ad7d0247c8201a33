// `ferry config show [PIPELINE]`: prints the config ferry would use for a
// pipeline and profile, after every file and profile is applied.
#include <cstdio>
#include <filesystem>

#include "cli/commands.h"
#include "cli/run_setup.h"
#include "config/config.h"
#include "ui/colour.h"
#include "util/text.h"

namespace ferry {

int ConfigCommand(const std::vector<std::string>& args) {
  const char* usage = "usage: ferry config show [PIPELINE] [-profile a,b] [-c FILE]...\n";
  if (args.empty() || args[0] != "show") {
    std::fprintf(stderr, "%s", usage);
    return args.empty() || args[0] == "-help" ? (args.empty() ? 2 : 0) : 2;
  }
  std::string pipeline;
  std::vector<std::string> profiles, configs;
  for (size_t i = 1; i < args.size(); ++i) {
    const std::string& a = args[i];
    if ((a == "-profile" || a == "-c") && i + 1 >= args.size()) {
      PrintError(Status::Invalid("option " + a + " needs a value"));
      return 2;
    }
    if (a == "-profile") {
      for (auto& p : SplitList(args[++i])) profiles.push_back(p);
    } else if (a == "-c") {
      configs.push_back(args[++i]);
    } else if (a == "-help" || a == "-h") {
      std::printf("%s", usage);
      return 0;
    } else if (!a.empty() && a[0] == '-') {
      PrintError(Status::Invalid("unknown option '" + a + "'" + DidYouMean(a, {"-profile", "-c"}) +
                                 " for ferry config show"));
      return 2;
    } else if (pipeline.empty()) {
      pipeline = a;
    } else {
      PrintError(Status::Invalid("unexpected argument '" + a + "'"));
      return 2;
    }
  }
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
