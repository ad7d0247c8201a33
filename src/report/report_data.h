// The data behind the HTML report and timeline: one run's record and task
// attempts as the compact JSON the pages' scripts draw from (tasks as rows
// of a column list, so 10,000 tasks stay small). Pure: the caller reads the
// records (from history, for a live run and a past one alike) and the stderr
// tails of failed tasks.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "store/history.h"

namespace ferry {

struct ReportInput {
  RunRecord run;
  std::vector<TaskRecord> tasks;  // every attempt, by task id then attempt
  // (task_id, attempt) of a failed attempt -> the last lines of its stderr.
  std::map<std::pair<uint64_t, int>, std::string> stderr_tails;
  int64_t created_ms = 0;  // when the page is made: the one field that differs between makings
};

// The column names of the task rows, in order; values are -1 (or "") where unknown.
const std::vector<std::string>& TaskColumns();

// {"run": {...}, "created": ms, "names": [...], "columns": [...],
//  "tasks": [[...], ...], "failures": [...], "recommendations": [...],
//  "config": "process { ... }"}
nlohmann::json ReportData(const ReportInput& in);

// `data` as text safe inside an HTML <script> element: every '<' is written
// \u003c, so no "</script>" or "<!--" in a task name or stderr can end it.
std::string ScriptSafeJson(const nlohmann::json& data);

}  // namespace ferry
