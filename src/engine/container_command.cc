#include "engine/container_command.h"

#include "engine/wrapper.h"
#include "util/text.h"

namespace ferry {

namespace {

// What runs inside: .command.sh with the options its bash shebang gives,
// under the shell TaskShellChoice picks.
std::string Inside(const std::string& bin_dir) {
  return PathPrependLine(bin_dir) + TaskShellChoice() + "; exec \"$ferry_shell\" -ue .command.sh";
}

Status Volume(const ContainerSettings& s, const std::string& host, const std::string& inside, bool read_only,
              std::string* out) {
  for (const std::string* p : {&host, &inside})
    if (p->find(':') != std::string::npos)
      return Status::Invalid("cannot mount " + *p + " into the container: " + s.engine +
                             "'s -v option cannot name a path containing ':' (rename it)");
  std::string opts = read_only ? "ro" : "";
  if (!s.mount_flags.empty()) opts += (opts.empty() ? "" : ",") + s.mount_flags;
  *out += " -v " + ShellQuote(host + ":" + inside + (opts.empty() ? "" : ":" + opts));
  return Status::Ok();
}

}  // namespace

std::string QualifiedImage(const ContainerSettings& s, const std::string& image) {
  if (s.registry.empty()) return image;
  size_t slash = image.find('/');
  if (slash != std::string::npos) {
    std::string first = image.substr(0, slash);
    if (first.find('.') != std::string::npos || first.find(':') != std::string::npos || first == "localhost")
      return image;
  }
  return s.registry + "/" + image;
}

Status ContainerRunLines(const ContainerSettings& s, const ContainerTask& t, std::string* out) {
  // The engine with its options, as the user wrote them (shell words).
  const std::string engine = s.engine + (s.engine_options.empty() ? "" : " " + s.engine_options);
  const std::string key = s.engine + ".enabled";
  std::string run = engine + " run";
  if (s.remove) run += " --rm";
  run += " --name \"$ferry_name\"";
  FERRY_RETURN_IF_ERROR(Volume(s, t.work_dir, t.work_dir, false, &run));
  for (const auto& m : t.inputs) FERRY_RETURN_IF_ERROR(Volume(s, m.host, m.container, m.read_only, &run));
  if (!t.bin_dir.empty()) FERRY_RETURN_IF_ERROR(Volume(s, t.bin_dir, t.bin_dir, true, &run));
  if (s.temp == "auto") {
    run += " -v \"$ferry_tmp\":/tmp" + std::string(s.mount_flags.empty() ? "" : ":" + s.mount_flags);
  } else if (!s.temp.empty()) {
    FERRY_RETURN_IF_ERROR(Volume(s, s.temp, "/tmp", false, &run));
  }
  run += " -w " + ShellQuote(t.work_dir);
  for (const auto& name : s.env_names) run += " -e " + ShellQuote(name);
  // The image's entrypoint would take our command as its arguments.
  run += " --entrypoint /bin/sh";
  if (!s.run_options.empty()) run += " " + s.run_options;
  run += " " + ShellQuote(QualifiedImage(s, t.image)) + " -c " + ShellQuote(Inside(t.bin_dir));

  std::string& o = *out;
  o += "# Runs .command.sh in " + ShellQuote(QualifiedImage(s, t.image)) + " with " + s.engine + " (" + key +
       " = true).\n";
  o += "if ! command -v " + s.engine + " >/dev/null 2>&1; then\n";
  o += "  echo " +
       ShellQuote("ferry: cannot run the task in container " + t.image + ": " + key + " = true in the config, but " +
                  s.engine + " is not on PATH (install " + s.engine + " or add its directory to PATH, or set " + key +
                  " = false to run tasks on this machine)") +
       " >&2\n";
  o += "  exit 127\n";
  o += "fi\n";
  // Unique per attempt (a retry must not meet a container left behind).
  o += "ferry_name=ferry-" + t.hash.substr(0, 12) + "-$BASHPID-$RANDOM\n";
  o += "ferry_stopped=0\n";
  if (s.temp == "auto") o += "ferry_tmp=$(mktemp -d \"${TMPDIR:-/tmp}/ferry-tmp.XXXXXX\") || exit 1\n";
  // The executor TERMs the task's process group. The engine's CLI passes
  // TERM on, but the script runs as the container's pid 1, which ignores
  // signals it has no handler for: kill the container itself.
  // (A function: the options' own quotes cannot meet the trap's.)
  o += "ferry_kill() { " + engine + " kill \"$ferry_name\" >/dev/null 2>&1; }\n";
  o += "trap 'ferry_stopped=1; ferry_kill' TERM INT HUP\n";
  o += run + " &\n";
  o += "ferry_pid=$!\n";
  // A trapped signal ends `wait` early: wait again until the CLI is gone.
  o += "wait \"$ferry_pid\"\n";
  o += "ferry_status=$?\n";
  o += "while kill -0 \"$ferry_pid\" 2>/dev/null; do\n";
  o += "  wait \"$ferry_pid\"\n";
  o += "  ferry_status=$?\n";
  o += "done\n";
  if (s.temp == "auto") o += "rm -rf \"$ferry_tmp\"\n";
  o += "if [ \"$ferry_stopped\" = 1 ]; then\n";
  // Stopped before it started, the container may be left created but not
  // running, which `kill` does not remove.
  if (s.remove) o += "  " + engine + " rm -f \"$ferry_name\" >/dev/null 2>&1\n";
  o += "  exit 143\n";
  o += "fi\n";
  o += "exit \"$ferry_status\"\n";
  return Status::Ok();
}

}  // namespace ferry
