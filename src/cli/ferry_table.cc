// ferry's whole command tree: the global options and each command's table,
// in the order `ferry help` lists them. Help, completion and the man page
// are generated from it.
#include "aws/s3_cli_table.h"
#include "cli/commands.h"
#include "job/measure_command.h"

namespace ferry {

const cmdline::Command& FerryTable() {
  static const cmdline::Command kFerry = [] {
    cmdline::Command root;
    root.synopsis = {"COMMAND [options]"};
    root.summary = "run data pipelines locally or on AWS Batch";
    root.details =
        "ferry runs pipelines of shell tasks on this machine or as AWS Batch jobs (ferry run),\n"
        "ships whole directories to AWS Batch (ferry build) and moves data to and from S3 (ferry s3).\n"
        "The AWS options may come before the command; they are passed on to it.\n"
        "\n"
        "exit codes: 0 ok, 1 a task or the run failed, 2 bad input, 130 interrupted";
    root.options = aws::AwsGlobalOptions();
    root.options.push_back(cmdline::Flag("--version", "print ferry's version").Alias("-version"));
    root.subcommands = {RunTable(),        LogTable(),   CleanTable(),       KillTable(),   ConfigTable(),
                        aws::S3CliTable(), BuildTable(), aws::AwsCliTable(), MeasureTable()};
    cmdline::Command help =
        cmdline::MakeCommand("help", {"[COMMAND [SUBCOMMAND]]"}, "print the help of ferry or of a command");
    std::vector<std::string> names;
    for (const auto& c : root.subcommands) names.push_back(c.Word());
    names.insert(names.end(), {"help", "version", "completion", "man"});
    help.positional = cmdline::ValueKind::kChoice;
    help.positional_choices = names;
    cmdline::Command completion =
        cmdline::MakeCommand("completion", {"bash|zsh"}, "print a shell completion script for bash or zsh");
    completion.details =
        "bash: source <(ferry completion bash)   (e.g. in ~/.bashrc)\n"
        "\n"
        "zsh:  source <(ferry completion zsh)    (in ~/.zshrc, after compinit)";
    completion.positional = cmdline::ValueKind::kChoice;
    completion.positional_choices = {"bash", "zsh"};
    cmdline::Command man = cmdline::MakeCommand("man", {}, "print ferry's man page (roff), e.g. ferry man | man -l -");
    root.subcommands.insert(root.subcommands.end(),
                            {help, cmdline::MakeCommand("version", {}, "print ferry's version"), completion, man});
    return root;
  }();
  return kFerry;
}

}  // namespace ferry
