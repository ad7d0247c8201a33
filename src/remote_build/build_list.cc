#include "remote_build/build_list.h"

#include <sys/stat.h>

#include <memory>
#include <string>
#include <vector>

#include "remote_build/build_history.h"
#include "remote_build/local_build.h"
#include "util/clock_text.h"

namespace ferry::remote_build {

namespace {

std::string ShortTime(int64_t ms) { return ms > 0 ? FormatLocalTime(ms, "%Y-%m-%d %H:%M:%S") : "-"; }

}  // namespace

int ListBuilds(bool json, const aws::Env& env, BuildOutput* out) {
  std::unique_ptr<BuildHistory> history;
  std::string path = BuildHistoryPath(env.GetOr("HOME", "."));
  struct stat st;
  std::vector<BuildRecord> records;
  if (::stat(path.c_str(), &st) == 0) {
    if (Status s = BuildHistory::Open(path, &history); !s.ok()) return Fail(out, s);
    if (Status s = history->List(&records); !s.ok()) return Fail(out, s);
  }
  if (json) {
    for (const auto& r : records) out->Record(BuildRecordJson(r));
    return 0;
  }
  if (records.empty()) {
    std::fprintf(out->human(), "No builds recorded on this machine yet (%s).\n", path.c_str());
    return 0;
  }
  std::fprintf(out->human(), "%-38s %-10s %-5s %-19s  %-19s  %s\n", "JOB ID", "STATUS", "EXIT", "SUBMITTED", "ENDED",
               "DIRECTORY");
  for (const auto& r : records)
    std::fprintf(out->human(), "%-38s %-10s %-5s %-19s  %-19s  %s\n", r.job_id.c_str(), r.status.c_str(),
                 r.exit_code ? std::to_string(*r.exit_code).c_str() : "-", ShortTime(r.submitted_ms).c_str(),
                 ShortTime(r.ended_ms).c_str(), r.directory.c_str());
  return 0;
}

}  // namespace ferry::remote_build
