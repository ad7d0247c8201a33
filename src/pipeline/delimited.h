// Reading CSV and TSV tables for the csv() and tsv() template functions: the
// first row names the columns and each further row becomes a map.
// Hand-written because none of ferry's libraries parses CSV; it follows RFC
// 4180 quoting ("a,b" holds a comma, "" is a quote, quoted fields may span
// lines) and tolerates \r\n line ends and blank lines.
#pragma once

#include <string>
#include <string_view>

#include "util/status.h"
#include "util/value.h"

namespace ferry {

// Parses `text` with field separator `sep` into a list of maps (one per row,
// keys from the header row, values strings). Errors name `display_name:line`.
Status ParseDelimited(std::string_view text, char sep, const std::string& display_name, Value* rows);

}  // namespace ferry
