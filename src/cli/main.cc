// ferry's entry point: finds the subcommand and hands it the other arguments.
// Global options written before the subcommand (e.g. `ferry --region R s3 cp`)
// are passed along in their original order.
#include <algorithm>
#include <cstdio>
#include <string>
#include <vector>

#include "cli/commands.h"
#include "cmdline/help_text.h"

namespace {

struct Entry {
  const char* name;
  int (*fn)(const std::vector<std::string>&);
};

// Every command of FerryTable() and the function that runs it.
const Entry kCommands[] = {
    {"run", ferry::RunCommand},       {"log", ferry::LogCommand},
    {"clean", ferry::CleanCommand},   {"config", ferry::ConfigCommand},
    {"s3", ferry::S3Command},         {"aws", ferry::AwsCommand},
    {"build", ferry::BuildCommand},   {"help", ferry::HelpCommand},
    {"version", ferry::VersionCommand}, {"completion", ferry::CompletionCommand},
    {"man", ferry::ManCommand},
};

bool Has(const std::vector<std::string>& args, const char* a, const char* b) {
  return std::find(args.begin(), args.end(), a) != args.end() || std::find(args.begin(), args.end(), b) != args.end();
}

}  // namespace

int main(int argc, char** argv) {
  const std::vector<std::string> args(argv + 1, argv + argc);
  const ferry::cmdline::Command& root = ferry::FerryTable();
  const ferry::cmdline::Command* cmd = nullptr;
  std::vector<std::string> rest;
  ferry::Status st = ferry::cmdline::FindSubcommand(root, args, &cmd, &rest);
  if (!cmd && ferry::cmdline::WantsHelp(root, args)) {
    std::fputs(ferry::cmdline::HelpText(root).c_str(), stdout);
    return 0;
  }
  if (!cmd && st.ok() && Has(args, "--version", "-version")) return ferry::VersionCommand({});
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
