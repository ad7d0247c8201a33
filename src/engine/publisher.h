// Publisher: copies a finished task's outputs into its `publish` dir so that
// nobody ever sees a half-written file there: each file is copied to a hidden
// temporary name in the target dir and renamed into place; a directory output
// is copied whole to a temporary dir and then swapped in.
#pragma once

#include <string>

#include "engine/task_graph.h"
#include "util/status.h"

namespace ferry {

// Publishes every output of `task` under `publish_dir` (absolute), keeping the
// output's relative path. Files already there with the same size and
// modification time are left alone (a resumed run does not copy again).
Status PublishOutputs(const Task& task, const std::string& publish_dir);

}  // namespace ferry
