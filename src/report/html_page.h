// The three pages ferry writes about a run: the report and the timeline
// (embedded data + the scripts and styles under report/assets/, compiled into
// the binary) and the task graph as HTML around Graphviz's SVG. Every page is
// one self-contained file that fetches nothing when opened: its
// Content-Security-Policy forbids any load from anywhere.
#pragma once

#include <string>

#include "report/report_data.h"

namespace ferry {

std::string ReportHtml(const ReportInput& in);
std::string TimelineHtml(const ReportInput& in);
// `svg` from LayOutSvg; `title` names the pipeline.
std::string DagHtml(const std::string& title, const std::string& svg);

}  // namespace ferry
