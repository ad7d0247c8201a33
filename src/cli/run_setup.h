// Small helpers the commands' argument handling shares: profile lists,
// printing an error, and the history of the launch directory. What commands
// share about pipelines and their config lives in launch/pipeline_config.h.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "launch/pipeline_config.h"
#include "store/history.h"
#include "util/status.h"

namespace ferry {

// Splits "a,b" profile lists.
std::vector<std::string> SplitList(const std::string& s);

void PrintError(const Status& st);

// Opens .ferry/history.db of the current directory (where ferry run was
// launched), or explains its absence. For ferry log and ferry clean.
Status OpenLaunchHistory(std::unique_ptr<History>* h);

}  // namespace ferry
