#include "slurm/slurm_state.h"

#include <algorithm>
#include <cctype>
#include <set>

#include "util/text.h"
#include "util/units.h"

namespace ferry::slurm {

namespace {

bool AllDigits(std::string_view s) {
  return !s.empty() &&
         std::all_of(s.begin(), s.end(), [](char c) { return std::isdigit(static_cast<unsigned char>(c)); });
}

// "0-3,5,7-8%2" -> 0,1,2,3,5,7,8 (the %N throttle is dropped). Ranges are
// capped so that a garbled line cannot make ferry allocate millions.
std::vector<long> ExpandIndexList(std::string_view list) {
  std::vector<long> out;
  if (size_t pct = list.find('%'); pct != std::string_view::npos) list = list.substr(0, pct);
  for (const std::string& part : Split(list, ',')) {
    size_t dash = part.find('-');
    std::string a = part.substr(0, dash), b = dash == std::string::npos ? a : part.substr(dash + 1);
    if (!AllDigits(a) || !AllDigits(b) || a.size() > 9 || b.size() > 9) continue;
    long lo = std::stol(a), hi = std::stol(b);
    for (long i = lo; i <= hi && out.size() < 1000000; ++i) out.push_back(i);
  }
  return out;
}

// The numbers of slurmstepd's "exceeded memory limit (USED > LIMIT)" line.
bool MemoryExceeded(const std::string& log, int64_t* used, int64_t* limit) {
  size_t at = log.rfind("exceeded memory limit (");
  if (at == std::string::npos) return false;
  std::string_view rest(log);
  rest = rest.substr(at + std::string_view("exceeded memory limit (").size());
  size_t gt = rest.find(" > "), close = rest.find(')');
  if (gt == std::string_view::npos || close == std::string_view::npos || gt > close) return false;
  std::string a(rest.substr(0, gt)), b(rest.substr(gt + 3, close - gt - 3));
  if (!AllDigits(a) || !AllDigits(b) || a.size() > 18 || b.size() > 18) return false;
  *used = std::stoll(a);
  *limit = std::stoll(b);
  return true;
}

std::string Requested(int64_t memory_bytes) {
  return memory_bytes > 0 ? FormatMemory(memory_bytes) : "the partition's default";
}

}  // namespace

Status ParseSbatchJobId(const std::string& out, std::string* job_id) {
  std::string first(Trim(out.substr(0, out.find('\n'))));
  first = first.substr(0, first.find(';'));
  if (!AllDigits(first)) return Status::Failed("sbatch answered without a job id: " + std::string(Trim(out)));
  *job_id = first;
  return Status::Ok();
}

std::map<std::string, JobState> ParseSqueue(const std::string& out) {
  std::map<std::string, JobState> jobs;
  for (const std::string& raw : Split(out, '\n')) {
    std::vector<std::string> f = Split(Trim(raw), '|');
    if (f.size() != 3) continue;
    JobState s{f[1], f[2]};
    const std::string& id = f[0];
    if (id.empty()) continue;
    size_t open = id.find("_[");
    if (open != std::string::npos && id.back() == ']') {
      std::string job = id.substr(0, open);
      for (long i : ExpandIndexList(std::string_view(id).substr(open + 2, id.size() - open - 3)))
        jobs[job + "_" + std::to_string(i)] = s;
    } else {
      jobs[id] = s;
    }
  }
  return jobs;
}

bool IsFinalState(const std::string& state) {
  static const std::set<std::string> kFinal = {"BOOT_FAIL", "CANCELLED",    "COMPLETED",     "DEADLINE",
                                               "FAILED",    "NODE_FAIL",    "OUT_OF_MEMORY", "PREEMPTED",
                                               "REVOKED",   "SPECIAL_EXIT", "TIMEOUT"};
  return kFinal.count(state) > 0;
}

JobEnd ClassifyEnd(const JobState& job, const std::string& log, int64_t memory_bytes, int64_t time_limit_ms) {
  JobEnd e;
  using K = JobEnd::Kind;
  int64_t used = 0, limit = 0;
  bool over = MemoryExceeded(log, &used, &limit);
  if (job.state == "OUT_OF_MEMORY" || over) {
    e.kind = K::kOutOfMemory;
    e.message = "out of memory (Slurm " + job.state + "): it requested " + Requested(memory_bytes);
    if (over) e.message += " and used at least " + FormatMemory(used) + " at its peak";
    e.message += "; raise the task's memory directive";
    return e;
  }
  if (job.state == "TIMEOUT") {
    e.kind = K::kTimeout;
    e.message = "Slurm TIMEOUT: the job ran past its time limit";
    if (time_limit_ms > 0)
      e.message += " of " + FormatDuration(time_limit_ms) + " (Slurm counts whole minutes, so sbatch got --time=" +
                   std::to_string((time_limit_ms + 59999) / 60000) + ")";
    else e.message += " (the partition's default; set the task's time directive)";
    return e;
  }
  if (job.state == "NODE_FAIL" || job.state == "PREEMPTED" || job.state == "BOOT_FAIL") {
    e.kind = K::kRetry;
    e.message =
        "Slurm " + job.state + ": its node " +
        (job.state == "PREEMPTED" ? std::string("was taken by a job of higher priority") : std::string("failed"));
    return e;
  }
  if (job.state == "COMPLETED" || job.state == "FAILED") return e;
  e.kind = K::kFailed;
  e.message = "Slurm ended the job as " + job.state;
  if (!job.reason.empty() && job.reason != "None") e.message += " (" + job.reason + ")";
  if (job.state == "CANCELLED") e.message += "; someone ran scancel on it, or an administrator stopped it";
  return e;
}

std::vector<NodeInfo> ParseSinfoNodes(const std::string& out, std::string* default_partition) {
  std::vector<NodeInfo> nodes;
  for (const std::string& raw : Split(out, '\n')) {
    std::vector<std::string> f = Split(Trim(raw), '|');
    if (f.size() != 5) continue;
    NodeInfo n;
    n.partition = f[0];
    if (!n.partition.empty() && n.partition.back() == '*') {
      n.partition.pop_back();
      if (default_partition) *default_partition = n.partition;
    }
    n.node = f[1];
    n.hostname = f[4];
    std::string cpus(Trim(f[2])), mem(Trim(f[3]));
    while (!mem.empty() && mem.back() == '+') mem.pop_back();  // "4000+" in summaries
    while (!cpus.empty() && cpus.back() == '+') cpus.pop_back();
    if (AllDigits(cpus) && cpus.size() < 8) n.cpus = std::stoi(cpus);
    if (AllDigits(mem) && mem.size() < 12) n.memory_bytes = std::stoll(mem) * 1024 * 1024;
    nodes.push_back(n);
  }
  return nodes;
}

std::string CheckRequestFits(const std::vector<NodeInfo>& nodes, const std::string& default_partition,
                             const std::string& partition, int cpus, int64_t memory_bytes) {
  std::string want = partition.empty() ? default_partition : partition;
  std::vector<std::string> names;
  int max_cpus = 0;
  int64_t max_memory = 0;
  bool found = false;
  for (const auto& n : nodes) {
    if (std::find(names.begin(), names.end(), n.partition) == names.end()) names.push_back(n.partition);
    if (n.partition != want) continue;
    found = true;
    max_cpus = std::max(max_cpus, n.cpus);
    max_memory = std::max(max_memory, n.memory_bytes);
  }
  if (want.empty()) return "";  // no default partition known: sbatch decides
  if (!found)
    return "partition '" + want + "' does not exist in this Slurm cluster (partitions: " + Join(names, ", ") + ")" +
           DidYouMean(want, names) + "; set the task's queue to one of them";
  if (max_cpus > 0 && cpus > max_cpus)
    return "asks for " + std::to_string(cpus) + " cpus but the largest node of partition '" + want + "' has " +
           std::to_string(max_cpus) + "; lower the task's cpus or pick another queue";
  if (max_memory > 0 && memory_bytes > max_memory)
    return "asks for " + FormatMemory(memory_bytes) + " of memory but the largest node of partition '" + want +
           "' has " + FormatMemory(max_memory) + "; lower the task's memory or pick another queue";
  return "";
}

bool IsSharedFilesystemType(int64_t f_type) {
  // statfs(2) magic numbers of network and cluster file systems.
  static const std::set<int64_t> kShared = {
      0x6969,      // NFS
      0x0BD00BD0,  // Lustre
      0x47504653,  // GPFS
      0x19830326,  // BeeGFS
      0x00C36400,  // CephFS
      0xFF534D42,  // CIFS
      0xFE534D42,  // SMB2
      0x517B,      // SMB
      0x65735546,  // FUSE (sshfs, CVMFS, ...: often shared)
      0x013111A8,  // IBRIX
      0x5346414F,  // AFS
      0x2BAD1DEA,  // WekaFS
  };
  return kShared.count(f_type) > 0;
}

}  // namespace ferry::slurm
