// Slurm settings: the executor.* keys (executor.$slurm.* wins) that the
// slurm executor reads: queueSize, pollInterval, submitRateLimit. The config
// schema has checked their types when the file was read; this only maps
// them, with the same rate parser. Pure: no I/O.
#pragma once

#include "config/config.h"
#include "slurm/slurm_executor.h"
#include "util/status.h"

namespace ferry::slurm {

// Leaves run_name, array_log_dir and on_message to the caller.
Status SlurmOptionsFromConfig(const Config& config, SlurmOptions* out);

}  // namespace ferry::slurm
