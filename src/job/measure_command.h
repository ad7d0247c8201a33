// `measure`: the command a Batch job's .command.run runs its task under
// (awsbatch/batch_wrapper.cc), in ferry-job and in ferry alike (either can
// be aws.batch.cliPath), so a job reports what its task used. It runs the
// command with executor/task_meter.h, looks up the host's instance type in
// the instance metadata service meanwhile (none off EC2, or with
// AWS_EC2_METADATA_DISABLED=true), and writes the usage report
// (executor/usage_report.h) that the wrapper uploads beside .exitcode.
// `measure --check` is how the wrapper tells this CLI from the aws CLI.
#pragma once

#include <string>
#include <vector>

#include "cmdline/option_table.h"

namespace ferry {

const cmdline::Command& MeasureTable();

// `measure FILE -- COMMAND [ARG...]`: exits as COMMAND did (127 when it
// cannot be run, 2 for a usage error).
int MeasureCommand(const std::vector<std::string>& args);

}  // namespace ferry
