#include "awsbatch/batch_wrapper.h"

#include <algorithm>
#include <cctype>

#include "engine/wrapper.h"
#include "executor/usage_report.h"
#include "pipeline/output_pattern.h"
#include "util/text.h"

namespace ferry {

namespace {

bool IsShellName(const std::string& s) {
  if (s.empty() || std::isdigit(static_cast<unsigned char>(s[0]))) return false;
  return std::all_of(s.begin(), s.end(), [](unsigned char c) { return std::isalnum(c) || c == '_'; });
}

// Credentials reach jobs through the job role, never through ferry.
bool IsSecretName(const std::string& s) {
  return s == "AWS_SECRET_ACCESS_KEY" || s == "AWS_SESSION_TOKEN" || s == "AWS_SECURITY_TOKEN" ||
         s == "AWS_ACCESS_KEY_ID";
}

// A relative name as a shell word that cannot be taken for an option.
std::string LocalWord(const std::string& name) { return ShellQuote("./" + name); }

// Why POSIX sh and not bash: the image decides which shell exists, and
// only /bin/sh is in nearly all of them (busybox- and Alpine-based images have
// no bash; Debian's /bin/sh is dash). So both scripts use what dash and
// busybox ash share: no arrays, `wait -n`, `local`, `mapfile`, process
// substitution or pipefail. The other way, ferry-job running the whole
// wrapper itself, would need only the kernel, but the task's script needs an
// interpreter from the image anyway, and a script stays readable and can be
// re-run by hand. The task's script runs under bash where the image has one
// (engine/wrapper.h), so task scripts keep bash.

// Sets $ret to the exit status of process $1. A trapped TERM interrupts
// `wait` (status > 128) while the process may still be finishing: wait again,
// and keep the first answer only when the process is no longer ours (127).
const char* kWait = R"SH(ferry_wait() {
  wait "$1"; ret=$?
  while [ "$ret" -gt 128 ]; do
    wait "$1"; ferry_r=$?
    [ "$ferry_r" -eq 127 ] && break
    ret=$ferry_r
    kill -0 "$1" 2>/dev/null || break
  done
}
)SH";

// The shell functions both scripts use: ferry_cp runs the CLI's `s3 cp`.
std::string CpFunction(const WrapperSettings& s) { return "ferry_cp() { " + CopyCommand(s) + " \"$@\"; }\n" + kWait; }

// Shared by plain and array jobs once $ferry_work is set: fetch and run
// .command.run, forwarding TERM, and upload .command.log however it ends.
// The job's output goes both to its log stream and to .command.log, through
// a fifo and tee (sh has no process substitution).
std::string LaunchBody() {
  return R"SH(ferry_on_term() { [ -n "${pid:-}" ] && kill -TERM "$pid" 2>/dev/null; }
trap ferry_on_term TERM
ferry_on_exit() { ret=$?; wait; ferry_cp .command.log "$ferry_work/.command.log" || true; exit $ret; }
trap ferry_on_exit EXIT
n=0
until ferry_cp "$ferry_work/.command.run" .command.run; do
  n=$((n + 1))
  if [ "$n" -ge 5 ]; then echo "ferry: cannot download $ferry_work/.command.run" >&2; exit 1; fi
  sleep "$n"
done
mkfifo .ferry-log || exit 1
tee .command.log < .ferry-log &
sh .command.run > .ferry-log 2>&1 &
pid=$!
ferry_wait "$pid"
exit $ret
)SH";
}

// A scratch dir so nothing depends on the image's working directory.
const char* kScratch = "cd \"$(mktemp -d \"${TMPDIR:-/tmp}/ferry-job.XXXXXX\")\" || exit 1\n";

// The task's command (in "$@") is run under the CLI's `measure`, which
// writes what it used to .command.usage (job/measure_command.h), when the
// CLI is ferry's; the aws CLI has no such thing (its jobs report nothing).
// Which one cliPath names is only known inside the job (the reference
// document installs its CLI as .../bin/aws), so the job asks it, unless the
// file is a script (`#!`): ferry and ferry-job are binaries, and asking the
// Python aws CLI costs a Python start-up per job only to fail. The first
// line is read by the shell itself (`read` stops at a newline, which ELF
// files have within their first kilobytes), since a minimal image may have
// no `head` or `dd`.
std::string MeasuredBy(const WrapperSettings& s) {
  if (s.cli_path.empty()) return "";
  std::string cli = ShellQuote(s.cli_path);
  std::string ready = "\"$(" + cli + " measure --check 2>/dev/null)\" = " + ShellQuote(kMeasureReady);
  std::string measured = "set -- " + cli + " measure " + kUsageReportFile + " -- \"$@\"";
  return "  ferry_cli_head=\n  IFS= read -r ferry_cli_head 2>/dev/null < " + cli + "\n" +
         "  case \"$ferry_cli_head\" in\n    '#!'*) ;;\n    *) if [ " + ready + " ]; then\n      " + measured +
         "\n    fi ;;\n  esac\n";
}

std::vector<std::string> ShC(std::string script) { return {"sh", "-c", std::move(script)}; }

}  // namespace

std::string CopyCommand(const WrapperSettings& s) {
  std::string cmd = ShellQuote(s.cli_path.empty() ? "aws" : s.cli_path) + " s3 cp --only-show-errors";
  if (!s.region.empty()) cmd += " --region " + ShellQuote(s.region);
  if (!s.endpoint_url.empty()) cmd += " --endpoint-url " + ShellQuote(s.endpoint_url);
  for (const std::string& flag : s.s3_flags) cmd += " " + ShellQuote(flag);
  return cmd;
}

std::vector<std::string> JobCommand(const WrapperSettings& s, const std::string& work_url) {
  return ShC(CpFunction(s) + "ferry_work=" + ShellQuote(work_url) + "\n" + kScratch + LaunchBody());
}

std::vector<std::string> ArrayJobCommand(const WrapperSettings& s, const std::string& index_url) {
  std::string script = CpFunction(s) + kScratch;
  script += "n=0\nuntil ferry_cp " + ShellQuote(index_url) + R"SH( .ferry-index; do
  n=$((n + 1))
  if [ "$n" -ge 5 ]; then echo "ferry: cannot download the array index" >&2; exit 1; fi
  sleep "$n"
done
ferry_i=0
ferry_work=
while IFS= read -r ferry_line; do
  if [ "$ferry_i" = "${AWS_BATCH_JOB_ARRAY_INDEX:-0}" ]; then ferry_work=$ferry_line; break; fi
  ferry_i=$((ferry_i + 1))
done < .ferry-index
if [ -z "$ferry_work" ]; then echo "ferry: no task for array index ${AWS_BATCH_JOB_ARRAY_INDEX:-}" >&2; exit 1; fi
)SH";
  return ShC(script + LaunchBody());
}

std::string ArrayIndex(const std::vector<std::string>& work_urls) {
  std::string out;
  for (const auto& u : work_urls) out += u + "\n";
  return out;
}

std::string CommandRun(const WrapperSettings& s, const TaskScript& t) {
  int parallel = std::max(1, s.max_parallel_transfers);
  int attempts = std::max(1, s.max_transfer_attempts);
  int64_t delay_s = std::max<int64_t>(0, (s.delay_between_attempts_ms + 999) / 1000);
  std::string o;
  o += "#!/bin/sh\n";
  o += "# ferry: runs one task on AWS Batch (generated; the job command fetches and runs it).\n";
  o += "set -u\n";
  o += "ferry_work=" + ShellQuote(t.work_url) + "\n";
  o += CpFunction(s);
  o += "ferry_copy() {\n"
       "  ferry_attempt=1\n"
       "  until ferry_cp \"$@\"; do\n"
       "    if [ \"$ferry_attempt\" -ge " +
       std::to_string(attempts) +
       " ]; then\n"
       "      echo \"ferry: transfer failed after $ferry_attempt attempt(s): $*\" >&2; return 1\n"
       "    fi\n"
       "    ferry_attempt=$((ferry_attempt + 1)); sleep " +
       std::to_string(delay_s) +
       "\n"
       "  done\n"
       "}\n";
  o += R"SH(ferry_say() { echo "ferry: $*" >&2; echo "ferry: $*" >> .command.err; }
ferry_get() {
  mkdir -p -- "${2%/*}" || return 1
  if [ "${3:-}" = dir ]; then ferry_copy --recursive "$1" "$2"; else ferry_copy "$1" "$2"; fi
}
ferry_put() {
  if [ -d "$1" ]; then ferry_copy --recursive "$1" "$2"
  elif [ -e "$1" ]; then ferry_copy "$1" "$2"
  else echo "ferry: declared output $1 does not exist" >&2
  fi
}
# At most N transfers at once: sh has no `wait -n`, so a full window waits
# for its oldest transfer (pids are kept in start order).
ferry_pids=
ferry_jobs=0
ferry_failed=0
ferry_bg() {
  "$@" &
  ferry_pids="$ferry_pids $!"
  ferry_jobs=$((ferry_jobs + 1))
  if [ "$ferry_jobs" -ge )SH" +
       std::to_string(parallel) + R"SH( ]; then
    set -- $ferry_pids
    wait "$1" || ferry_failed=1
    shift
    ferry_pids=$*
    ferry_jobs=$((ferry_jobs - 1))
  fi
}
ferry_wait_all() {
  for ferry_p in $ferry_pids; do wait "$ferry_p" || ferry_failed=1; done
  ferry_pids=
  ferry_jobs=0
  ferry_f=$ferry_failed
  ferry_failed=0
  return "$ferry_f"
}
ferry_pid=
ferry_on_term() {
  ferry_terminated=1
  [ -n "$ferry_pid" ] && kill -TERM "$ferry_pid" 2>/dev/null
}
ferry_terminated=0
trap ferry_on_term TERM
cd "$(mktemp -d "${TMPDIR:-/tmp}/ferry-task.XXXXXX")" || exit 1
: > .command.out
: > .command.err
ferry_status=0
if ! ferry_copy "$ferry_work/.command.sh" .command.sh; then
  ferry_say "cannot download $ferry_work/.command.sh"; ferry_status=1
fi
)SH";
  if (!t.bin_url.empty()) {
    o += "ferry_bin_url=" + ShellQuote(t.bin_url) + "\n";
    o += R"SH(if [ "$ferry_status" -eq 0 ]; then
  if ferry_get "$ferry_bin_url" .ferry-bin dir && chmod -R +x .ferry-bin; then
    PATH="$PWD/.ferry-bin:$PATH"; export PATH
  else
    ferry_say "cannot fetch the pipeline's bin/ from $ferry_bin_url"; ferry_status=1
  fi
fi
)SH";
  }
  if (!t.inputs.empty()) {
    o += "if [ \"$ferry_status\" -eq 0 ]; then\n";
    for (const auto& in : t.inputs)
      o += "  ferry_bg ferry_get " + ShellQuote(in.url) + " " + LocalWord(in.name) + (in.is_dir ? " dir" : "") + "\n";
    o += "  ferry_wait_all || { ferry_say \"staging the task's inputs failed\"; ferry_status=1; }\n";
    o += "fi\n";
  }
  o += "if [ \"$ferry_status\" -eq 0 ] && [ \"$ferry_terminated\" -eq 0 ]; then\n";
  for (const auto& [k, v] : t.env)
    if (IsShellName(k) && !IsSecretName(k)) o += "  export " + k + "=" + ShellQuote(v) + "\n";
  o += "  " + TaskShellChoice() + "\n";
  o += "  set -- \"$ferry_shell\" -ue .command.sh\n";
  o += MeasuredBy(s);
  o += R"SH(  "$@" > .command.out 2> .command.err &
  ferry_pid=$!
  ferry_wait "$ferry_pid"; ferry_status=$ret
  ferry_pid=
  if [ "$ferry_status" -ne 0 ]; then
    tail -n 20 .command.err >&2
    if [ "$ferry_shell" = sh ]; then
      ferry_say "the image has no bash, so .command.sh ran under sh: if the task needs bash, use an image that has bash"
    fi
  fi
fi
)SH";
  if (!t.late_outputs.empty()) {
    // One record per file found (kFoundOutputsFile), uploaded beside it.
    // ferry's own files and the staged inputs are never found.
    o += "ferry_found() {\n"
         "  [ -e \"$2\" ] || [ -L \"$2\" ] || return 0\n"
         "  case \"$2\" in ./.command.*|./.exitcode) return 0;; esac\n";
    if (!t.inputs.empty()) {
      o += "  case \"$2\" in ";
      for (size_t i = 0; i < t.inputs.size(); ++i) o += (i ? "|" : "") + LocalWord(t.inputs[i].name);
      o += ") return 0;; esac\n";
    }
    o += "  printf '%s\\t%s\\000' \"$1\" \"${2#./}\" >> " + std::string(kFoundOutputsFile) +
         "\n"
         "  ferry_bg ferry_put \"$2\" \"$ferry_work/${2#./}\"\n"
         "}\n";
  }
  if (!t.outputs.empty() || !t.late_outputs.empty()) {
    o += "if [ \"$ferry_status\" -eq 0 ] && [ \"$ferry_terminated\" -eq 0 ]; then\n";
    for (const auto& out : t.outputs)
      o += "  ferry_bg ferry_put " + LocalWord(out) + " \"$ferry_work\"/" + ShellQuote(out) + "\n";
    if (!t.late_outputs.empty()) o += "  : > " + std::string(kFoundOutputsFile) + "\n";
    for (const auto& late : t.late_outputs) {
      if (late.pattern)
        o += "  for ferry_f in " + PatternShellWord(late.path) + "; do ferry_found " + ShellQuote(late.name) +
             " \"$ferry_f\"; done\n";
      else o += "  ferry_found " + ShellQuote(late.name) + " " + LocalWord(late.path) + "\n";
    }
    o += "  ferry_wait_all || { ferry_say \"uploading the task's outputs failed\"; ferry_status=1; }\n";
    o += "fi\n";
  }
  // Stopped (TerminateJob, timeout): be quick, Batch kills the job soon.
  o += R"SH(ferry_bg ferry_copy .command.out "$ferry_work/.command.out"
ferry_bg ferry_copy .command.err "$ferry_work/.command.err"
)SH";
  const std::string usage = kUsageReportFile;
  o += "if [ -f " + usage + " ]; then ferry_bg ferry_copy " + usage + " \"$ferry_work/" + usage + "\"; fi\n";
  if (!t.late_outputs.empty())
    o += "if [ -f " + std::string(kFoundOutputsFile) + " ]; then ferry_bg ferry_copy " + kFoundOutputsFile +
         " \"$ferry_work/" + kFoundOutputsFile + "\"; fi\n";
  o += R"SH(ferry_wait_all || true
if [ "$ferry_terminated" -ne 0 ]; then exit 143; fi
printf '%s' "$ferry_status" > .exitcode
ferry_copy .exitcode "$ferry_work/.exitcode" || ferry_copy .exitcode "$ferry_work/.exitcode" || true
exit "$ferry_status"
)SH";
  return o;
}

Status ParseFoundOutputs(const std::string& text, std::map<std::string, std::vector<std::string>>* out) {
  out->clear();
  size_t start = 0;
  while (start < text.size()) {
    size_t end = text.find('\0', start);
    if (end == std::string::npos) end = text.size();
    std::string record = text.substr(start, end - start);
    start = end + 1;
    size_t tab = record.find('\t');
    std::string path = tab == std::string::npos ? "" : record.substr(tab + 1);
    bool inside = !path.empty() && path[0] != '/' && path.find('\0') == std::string::npos;
    for (size_t p = 0; inside && p <= path.size();) {
      size_t slash = path.find('/', p);
      std::string part = path.substr(p, slash == std::string::npos ? std::string::npos : slash - p);
      inside = !part.empty() && part != "." && part != "..";
      p = slash == std::string::npos ? path.size() + 1 : slash + 1;
    }
    if (tab == std::string::npos || tab == 0 || !inside)
      return Status::Failed(std::string(kFoundOutputsFile) +
                            " holds a record that is not an output name and a path "
                            "inside the work dir: '" +
                            record + "'");
    (*out)[record.substr(0, tab)].push_back(path);
  }
  for (auto& [name, paths] : *out) {
    std::sort(paths.begin(), paths.end());
    paths.erase(std::unique(paths.begin(), paths.end()), paths.end());
  }
  return Status::Ok();
}

}  // namespace ferry
