#include "slurm/sbatch_request.h"

#include <cctype>

#include "util/text.h"

namespace ferry::slurm {

namespace {

constexpr int64_t kMiB = 1024 * 1024;
constexpr int64_t kMinuteMs = 60 * 1000;

int64_t CeilDiv(int64_t a, int64_t b) { return (a + b - 1) / b; }

// The environment lines and the hand-over to the task's wrapper. Values
// are quoted so that any text survives (sbatch's --export splits on commas).
std::string ScriptHead(const TaskRun& first, const SbatchContext& context, size_t tasks) {
  std::string s = "#!/bin/bash\n";
  s += "# ferry job script (generated): run " + context.run_name + ", ";
  s += tasks == 1 ? "task " + first.name : std::to_string(tasks) + " tasks of " + first.process;
  s += "\n";
  for (const auto& [name, value] : first.env) s += "export " + name + "=" + ShellQuote(value) + "\n";
  return s;
}

}  // namespace

std::string JobName(const std::string& run_name, const std::string& task_name, int attempt) {
  std::string name = "ferry-" + run_name + "-" + task_name;
  for (char& c : name) {
    unsigned char u = static_cast<unsigned char>(c);
    if (!std::isalnum(u) && c != '.' && c != '_' && c != '-') c = '_';
  }
  std::string tail = "-" + std::to_string(attempt);
  if (name.size() + tail.size() > 100) name.resize(100 - tail.size());
  return name + tail;
}

Status SplitClusterOptions(const std::string& text, std::vector<std::string>* words) {
  words->clear();
  std::string word;
  bool in_word = false;
  char quote = 0;
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (quote) {
      if (c == quote) {
        quote = 0;
      } else if (c == '\\' && quote == '"' && i + 1 < text.size()) {
        word += text[++i];
      } else {
        word += c;
      }
      continue;
    }
    if (c == '\'' || c == '"') {
      quote = c;
      in_word = true;
    } else if (c == '\\' && i + 1 < text.size()) {
      word += text[++i];
      in_word = true;
    } else if (std::isspace(static_cast<unsigned char>(c))) {
      if (in_word) words->push_back(word);
      word.clear();
      in_word = false;
    } else {
      word += c;
      in_word = true;
    }
  }
  if (quote)
    return Status::Invalid(std::string("clusterOptions has an unterminated ") + quote + " quote: " + text +
                           " (close the quote, or write the options without it)");
  if (in_word) words->push_back(word);
  return Status::Ok();
}

std::vector<std::string> ResourceOptions(const TaskRun& t) {
  std::vector<std::string> o;
  if (!t.queue.empty()) o.push_back("--partition=" + t.queue);
  o.push_back("--cpus-per-task=" + std::to_string(t.cpus));
  if (t.memory_bytes > 0) o.push_back("--mem=" + std::to_string(CeilDiv(t.memory_bytes, kMiB)) + "M");
  if (t.time_limit_ms > 0) o.push_back("--time=" + std::to_string(CeilDiv(t.time_limit_ms, kMinuteMs)));
  if (t.accelerators > 0) o.push_back("--gres=gpu:" + std::to_string(t.accelerators));
  return o;
}

Status BuildSbatchRequest(const std::vector<const TaskRun*>& tasks, const SbatchContext& context, SbatchRequest* out) {
  *out = SbatchRequest{};
  if (tasks.empty()) return Status::Failed("no task to submit");
  const TaskRun& first = *tasks.front();
  std::vector<std::string> cluster;
  FERRY_RETURN_IF_ERROR(SplitClusterOptions(first.cluster_options, &cluster).WithPrefix("task '" + first.name + "'"));
  // --parsable: the answer is the bare job id. --no-requeue: a job whose
  // node fails comes back to ferry as NODE_FAIL, which retries it itself
  // (and counts it), instead of Slurm rerunning a half-written work dir.
  out->argv = {"sbatch", "--parsable", "--no-requeue"};
  bool array = tasks.size() > 1;
  out->job_name =
      JobName(context.run_name, array ? first.process + "-array" + std::to_string(context.array_seq) : first.name,
              first.attempt);
  out->argv.push_back("--job-name=" + out->job_name);
  for (auto& o : ResourceOptions(first)) out->argv.push_back(std::move(o));
  std::string& s = out->script;
  s = ScriptHead(first, context, tasks.size());
  if (!array) {
    std::string log = first.work_dir + "/.command.log";
    out->argv.push_back("--chdir=" + first.work_dir);
    out->argv.push_back("--output=" + log);
    out->job_logs.push_back(log);
    s += "cd " + ShellQuote(first.work_dir) + " || exit 1\n";
  } else {
    out->argv.push_back("--array=0-" + std::to_string(tasks.size() - 1));
    out->argv.push_back("--output=" + context.array_log_dir + "/%A_%a.log");
    // The element's index picks its task's work dir.
    s += "case \"$SLURM_ARRAY_TASK_ID\" in\n";
    for (size_t i = 0; i < tasks.size(); ++i)
      s += "  " + std::to_string(i) + ") cd " + ShellQuote(tasks[i]->work_dir) + " || exit 1 ;;\n";
    s += "  *) echo \"ferry: no task for array index $SLURM_ARRAY_TASK_ID\" >&2; exit 1 ;;\n";
    s += "esac\n";
  }
  for (auto& w : cluster) out->argv.push_back(std::move(w));
  // The marker first: ferry learns from files on the shared file system that
  // the job started (and later, from .exitcode, that it ended), which costs
  // the controller nothing; squeue is only its check on jobs that die
  // without a word.
  s += "if [ -n \"${SLURM_ARRAY_JOB_ID:-}\" ]; then job=${SLURM_ARRAY_JOB_ID}_$SLURM_ARRAY_TASK_ID; else "
       "job=$SLURM_JOB_ID; fi\n";
  s += "printf '%s %s\\n' \"$job\" \"${SLURM_JOB_NAME:-}\" > " + std::string(kJobMarker) + "\n";
  // Not exec: the end marker is written only when the wrapper returned, so
  // a job killed with its wrapper leaves none (Slurm signals every process
  // of the job, this shell too).
  s += "/bin/bash .command.run\n";
  s += "status=$?\n";
  s += "printf '%s\\n' \"$status\" > " + std::string(kJobEnd) + "\n";
  s += "exit $status\n";
  return Status::Ok();
}

}  // namespace ferry::slurm
