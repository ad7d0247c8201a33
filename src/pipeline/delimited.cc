#include "pipeline/delimited.h"

#include <vector>

#include "util/text.h"

namespace ferry {

namespace {

struct Row {
  int line = 0;
  std::vector<std::string> fields;
};

// Splits text into rows of fields; blank lines are skipped.
Status SplitRows(std::string_view text, char sep, const std::string& name, std::vector<Row>* rows) {
  size_t i = 0;
  int line = 1;
  const size_t n = text.size();
  while (i < n) {
    // Blank line?
    if (text[i] == '\n') {
      ++line;
      ++i;
      continue;
    }
    if (text[i] == '\r' && (i + 1 == n || text[i + 1] == '\n')) {
      ++i;
      continue;
    }
    Row row;
    row.line = line;
    std::string field;
    for (;;) {
      if (i < n && text[i] == '"') {
        int quote_line = line;
        ++i;
        for (;;) {
          if (i >= n) {
            return Status::Invalid(name + ":" + std::to_string(quote_line) +
                                   ": a quoted field is never closed (add the closing '\"')");
          }
          char c = text[i];
          if (c == '"') {
            if (i + 1 < n && text[i + 1] == '"') {
              field += '"';
              i += 2;
              continue;
            }
            ++i;
            break;
          }
          if (c == '\n') ++line;
          field += c;
          ++i;
        }
        // After a closing quote only a separator or a line end may follow.
        if (i < n && text[i] != sep && text[i] != '\n' && text[i] != '\r') {
          return Status::Invalid(
              name + ":" + std::to_string(line) +
              ": unexpected text after a closing quote (write a quote inside a quoted field as \"\")");
        }
      } else {
        while (i < n && text[i] != sep && text[i] != '\n') field += text[i++];
        if (!field.empty() && field.back() == '\r' && (i >= n || text[i] == '\n')) field.pop_back();
      }
      if (i < n && text[i] == '\r' && i + 1 < n && text[i + 1] == '\n') ++i;
      row.fields.push_back(std::move(field));
      field.clear();
      if (i < n && text[i] == sep) {
        ++i;
        continue;
      }
      break;
    }
    if (i < n && text[i] == '\n') {
      ++line;
      ++i;
    }
    rows->push_back(std::move(row));
  }
  return Status::Ok();
}

}  // namespace

Status ParseDelimited(std::string_view text, char sep, const std::string& name, Value* out) {
  std::vector<Row> rows;
  FERRY_RETURN_IF_ERROR(SplitRows(text, sep, name, &rows));
  if (rows.empty()) {
    return Status::Invalid(name + ": the file is empty; the first row must name the columns");
  }
  std::vector<std::string> header;
  for (size_t i = 0; i < rows[0].fields.size(); ++i) {
    std::string key(Trim(rows[0].fields[i]));
    if (key.empty()) {
      return Status::Invalid(name + ":" + std::to_string(rows[0].line) + ": column " + std::to_string(i + 1) +
                             " of the header row has no name");
    }
    for (const auto& h : header) {
      if (h == key) {
        return Status::Invalid(name + ":" + std::to_string(rows[0].line) + ": column name '" + key +
                               "' appears twice in the header row");
      }
    }
    header.push_back(std::move(key));
  }
  ValueList list;
  list.reserve(rows.size() - 1);
  for (size_t r = 1; r < rows.size(); ++r) {
    Row& row = rows[r];
    if (row.fields.size() != header.size()) {
      return Status::Invalid(name + ":" + std::to_string(row.line) + ": row has " + std::to_string(row.fields.size()) +
                             " fields but the header has " + std::to_string(header.size()) + " (" +
                             Join(header, sep == '\t' ? "\\t" : ",") + "); quote fields that contain the separator");
    }
    ValueMap m;
    for (size_t i = 0; i < header.size(); ++i) m.Set(header[i], Value(std::move(row.fields[i])));
    list.push_back(Value(std::move(m)));
  }
  *out = Value(std::move(list));
  return Status::Ok();
}

}  // namespace ferry
