#include "cli/run_setup.h"

#include <cstdio>
#include <filesystem>

#include "util/text.h"

namespace ferry {

std::vector<std::string> SplitList(const std::string& s) {
  std::vector<std::string> out;
  for (auto& part : Split(s, ',')) {
    std::string t(Trim(part));
    if (!t.empty()) out.push_back(t);
  }
  return out;
}

void PrintError(const Status& st) {
  if (st.ok()) return;
  std::fprintf(stderr, "error: %s\n", st.message().c_str());
}

Status OpenLaunchHistory(std::unique_ptr<History>* h) {
  std::error_code ec;
  if (!std::filesystem::exists(".ferry/history.db", ec))
    return Status::Invalid("no runs recorded here (no .ferry/history.db in " +
                           std::filesystem::current_path(ec).string() +
                           "): run ferry log in the directory you launched ferry run from");
  return History::Open(".ferry", h);
}

}  // namespace ferry
