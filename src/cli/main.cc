// ferry's entry point: finds the subcommand and hands it the other arguments.
// Global options written before the subcommand (e.g. `ferry --region R s3 cp`)
// are passed along in their original order.
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <exception>
#include <string>
#include <vector>

#include "cli/commands.h"
#include "cmdline/help_text.h"
#include "job/measure_command.h"

namespace {

struct Entry {
  const char* name;
  int (*fn)(const std::vector<std::string>&);
};

// Every command of FerryTable() and the function that runs it.
const Entry kCommands[] = {
    {"run", ferry::RunCommand},
    {"log", ferry::LogCommand},
    {"clean", ferry::CleanCommand},
    {"kill", ferry::KillCommand},
    {"config", ferry::ConfigCommand},
    {"s3", ferry::S3Command},
    {"aws", ferry::AwsCommand},
    {"build", ferry::BuildCommand},
    // What a Batch job's wrapper runs the task under (when ferry is its cliPath).
    {"measure", ferry::MeasureCommand},
    {"help", ferry::HelpCommand},
    {"version", ferry::VersionCommand},
    {"completion", ferry::CompletionCommand},
    {"man", ferry::ManCommand},
};

// --version before the command (or without one) is ferry's, not the command's.
bool AsksVersion(const std::vector<std::string>& args, size_t before) {
  auto end = args.begin() + before;
  return std::find(args.begin(), end, "--version") != end || std::find(args.begin(), end, "-version") != end;
}

// The last resort for an exception no code caught, on any thread: one line
// saying what failed and exit status 70 (EX_SOFTWARE), instead of the C++
// runtime's "terminate called" and an abort with a core dump. Tasks already
// finished are in history, so -resume continues from here.
[[noreturn]] void DieOfInternalError() {
  std::string what = "an unknown exception";
  if (std::exception_ptr e = std::current_exception()) {
    try {
      std::rethrow_exception(e);
    } catch (const std::exception& ex) {
      what = ex.what();
    } catch (...) {
    }
  } else {
    what = "std::terminate without an exception";
  }
  std::string line = "ferry: internal error: " + what +
                     " (this is a bug in ferry: please report it with the command line; -resume continues the run)\n";
  (void)!::write(2, line.data(), line.size());
  ::_exit(70);
}

int Main(int argc, char** argv);

}  // namespace

int main(int argc, char** argv) {
  std::set_terminate(DieOfInternalError);
  try {
    return Main(argc, argv);
  } catch (...) {
    DieOfInternalError();
  }
}

namespace {

int Main(int argc, char** argv) {
  const std::vector<std::string> args(argv + 1, argv + argc);
  const ferry::cmdline::Command& root = ferry::FerryTable();
  const ferry::cmdline::Command* cmd = nullptr;
  std::vector<std::string> rest;
  size_t at = 0;
  ferry::Status st = ferry::cmdline::FindSubcommand(root, args, &cmd, &rest, &at);
  if (!cmd && ferry::cmdline::WantsHelp(root, args)) {
    std::fputs(ferry::cmdline::HelpText(root).c_str(), stdout);
    return 0;
  }
  if (st.ok() && AsksVersion(args, at)) return ferry::VersionCommand({});
  if (!st.ok()) {
    std::fprintf(stderr, "ferry: %s\n", st.message().c_str());
    return 2;
  }
  if (!cmd) {
    std::fprintf(stderr, "usage: ferry COMMAND [options]   (ferry help lists the commands)\n");
    return 2;
  }
  for (const auto& e : kCommands)
    if (cmd->Word() == e.name) return e.fn(rest);
  std::fprintf(stderr, "ferry: command '%s' has no implementation\n", cmd->Word().c_str());
  return 2;
}

}  // namespace
