// ferry's entry point: finds the subcommand and hands it the other arguments.
// Global options written before the subcommand (e.g. `ferry --region R s3 cp`)
// are passed along in their original order.
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

#include "cli/commands.h"

namespace {

const char kUsage[] =
    "usage: ferry <command> [options]\n"
    "\n"
    "commands:\n"
    "  run PIPELINE [options] [--param value ...]   run a pipeline (see: ferry run -help)\n"
    "  log [RUN]                                    list past runs, or the tasks of one run\n"
    "  clean [-n|-f] RUN...                         remove the work dirs of past runs\n"
    "  config show [PIPELINE] [-profile P] [-c F]   print the resolved config\n"
    "  s3 cp|ls|sync|rm ...                         fast S3 transfers (aws CLI forms)\n"
    "  build [--local|--aws-batch] DIR [-- args]    run a directory's workflow here or as one AWS Batch job\n"
    "  aws whoami                                   which AWS credentials and region ferry would use\n"
    "\n"
    "exit codes: 0 ok, 1 a task or the run failed, 2 bad input, 130 interrupted\n";

struct Command {
  const char* name;
  int (*fn)(const std::vector<std::string>&);
};

const Command kCommands[] = {
    {"run", ferry::RunCommand},         {"log", ferry::LogCommand}, {"clean", ferry::CleanCommand},
    {"config", ferry::ConfigCommand},   {"s3", ferry::S3Command},   {"aws", ferry::AwsCommand},
    {"build", ferry::BuildCommand},
};

// aws-CLI-style global options that take a value, so their values are not
// mistaken for the subcommand.
bool TakesValue(const std::string& a) {
  return a == "--region" || a == "--endpoint-url" || a == "--profile" || a == "--output" ||
         a == "--cli-read-timeout" || a == "--cli-connect-timeout" || a == "--ca-bundle";
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    if (a == "-h" || a == "--help" || a == "help") {
      std::fputs(kUsage, stdout);
      return 0;
    }
    if (a == "--version" || a == "-version") {
      std::puts("ferry 0.1.0");
      return 0;
    }
    if (!a.empty() && a[0] == '-') {
      if (TakesValue(a)) ++i;
      continue;
    }
    for (const auto& c : kCommands) {
      if (a == c.name) {
        std::vector<std::string> rest;
        for (size_t j = 0; j < args.size(); ++j)
          if (j != i) rest.push_back(args[j]);
        return c.fn(rest);
      }
    }
    std::fprintf(stderr, "ferry: unknown command '%s'\n\n%s", a.c_str(), kUsage);
    return 2;
  }
  std::fputs(kUsage, stderr);
  return 2;
}
