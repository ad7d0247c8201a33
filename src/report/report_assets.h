// The report pages' scripts, styles and HTML skeletons: the files under
// src/report/assets/, compiled into ferry by cmake/EmbedAssets.cmake so a
// page carries everything it draws with and nothing is fetched.
#pragma once

namespace ferry::report_assets {

extern const char kCommonCss[];
extern const char kCommonJs[];
extern const char kReportBodyHtml[];
extern const char kReportJs[];
extern const char kTimelineBodyHtml[];
extern const char kTimelineCss[];
extern const char kTimelineJs[];

}  // namespace ferry::report_assets
