// The tags of a task's Batch job, as a pure function: ferry-run (the run's
// name), ferry-task (the task's process) and ferry-pipeline (the pipeline's
// name) on every job, so a run's cost can be found in the bill, plus the
// task's resourceLabels (checked against AWS's tag rules where they were
// written, src/rules). ferry's own values are cut to AWS's rules: characters
// a tag value cannot hold become '_', and at most 256 are kept.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

namespace ferry {

// The name a pipeline goes by in its tag: the directory of a pipeline.yml
// (`/x/rnaseq/pipeline.yml` and `/x/rnaseq` are `rnaseq`), else the file's
// name without its extension. `path` is absolute.
std::string PipelineTagName(const std::string& path, bool is_directory);

// A text made fit for a tag value (AWS's characters, 256 at most).
std::string TagValue(const std::string& text);

// The SubmitJob `tags` map. Empty run or pipeline names are left out.
nlohmann::json JobTags(const std::string& run_name, const std::string& process, const std::string& pipeline,
                       const std::vector<std::pair<std::string, std::string>>& labels);

}  // namespace ferry
