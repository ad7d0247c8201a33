#include "report/html_page.h"

#include "report/report_assets.h"

namespace ferry {

namespace {

std::string EscapeHtml(const std::string& s) {
  std::string out;
  for (char c : s) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      default: out += c;
    }
  }
  return out;
}

// Nothing may be fetched: no script, style, image, font or connection
// from anywhere but what is written inline in the page.
constexpr const char* kHead =
    "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
    "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
    "script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src data:\">\n"
    "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n";

std::string Page(const std::string& title, const std::string& css, const std::string& body,
                 const std::string& data_json, const std::string& script) {
  std::string out = kHead;
  out += "<title>" + EscapeHtml(title) + "</title>\n<style>\n" + css + "</style>\n</head>\n<body>\n" + body;
  if (!data_json.empty()) out += "<script id=\"ferry-data\" type=\"application/json\">" + data_json + "</script>\n";
  if (!script.empty()) out += "<script>\n" + script + "</script>\n";
  return out + "</body>\n</html>\n";
}

}  // namespace

std::string ReportHtml(const ReportInput& in) {
  return Page("ferry report: " + in.run.run_name, report_assets::kCommonCss, report_assets::kReportBodyHtml,
              ScriptSafeJson(ReportData(in)), std::string(report_assets::kCommonJs) + report_assets::kReportJs);
}

std::string TimelineHtml(const ReportInput& in) {
  return Page("ferry timeline: " + in.run.run_name,
              std::string(report_assets::kCommonCss) + report_assets::kTimelineCss, report_assets::kTimelineBodyHtml,
              ScriptSafeJson(ReportData(in)), std::string(report_assets::kCommonJs) + report_assets::kTimelineJs);
}

std::string DagHtml(const std::string& title, const std::string& svg) {
  return Page("ferry task graph: " + title, report_assets::kCommonCss,
              "<h1>Task graph</h1>\n<div class=\"sub\">" + EscapeHtml(title) +
                  ": one box per task name with its task count; edges say how many task links they stand for.</div>\n"
                  "<div id=\"dag\">" +
                  svg + "</div>\n",
              "", "");
}

}  // namespace ferry
