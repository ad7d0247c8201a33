// Static checks of a loaded pipeline that need all tasks at once: every name a
// template uses must exist where it is used (params, item, input.X, output.X,
// task.*, other_task.output.X), dependencies follow from those references,
// and the task graph must have no cycle.
#pragma once

#include <vector>

#include "pipeline/pipeline.h"
#include "util/status.h"

namespace ferry {

// Fills each task's `deps` and reports the first problem found.
Status CheckTaskReferences(std::vector<TaskSpec>* tasks);

}  // namespace ferry
