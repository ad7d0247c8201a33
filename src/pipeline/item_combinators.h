// Item combinators: the template functions that shape for_each lists the
// way per-sample pipelines need them, on plain Values (no file access; the
// caller globs): pairs of files from one pattern by a shared key, groups of
// items by a field, joins of two item lists on a field, and crosses of a
// list with other values. Errors are one sentence saying what is wrong and
// how to fix it; the template adds the file:line:col.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "util/status.h"
#include "util/value.h"

namespace ferry {

// The parts of a pairs() pattern: "reads/*_{1,2}.fq" -> dir-and-name
// pattern before the braces "reads/*_", alternatives {"1","2"}, literal
// tail ".fq". Invalid unless there is exactly one {a,b,...} group with at
// least two alternatives, in the file name, with no wildcard after it.
struct PairPattern {
  std::string head;
  std::vector<std::string> alternatives;
  std::string tail;
};
Status ParsePairPattern(const std::string& pattern, PairPattern* out);

// One item per key: {"id": KEY, "files": [one file per alternative, in the
// alternatives' order]}, sorted by key. `matches[i]` are the (absolute) paths
// the pattern with alternative i matched. The key is the file name up to the
// literal text between the last wildcard and the braces ("ggal_gut" for
// ggal_gut_1.fq); files in different directories never pair. A key missing
// one of the alternatives is an error naming the file that is there.
Status MakePairs(const std::string& pattern, const PairPattern& parsed,
                 const std::vector<std::vector<std::string>>& matches, Value* out);

// GroupBy, JoinOn and Cross set *bad_arg (when given) to the argument an
// error is about, in the call's order (group_by(items, field), join_on(left,
// right, field), cross(items, field, values)), or -1 when it is about the
// call as a whole, so the template can point at that argument.

// Items (maps) grouped by `field`, in the order each value first appears:
// {field: value, every other field: [its values, one per item]}.
Status GroupBy(const Value& items, const std::string& field, Value* out, int* bad_arg = nullptr);

// For each item of `left`, the item of `right` with the same `field`,
// merged into one map (left's fields first; a field both have must agree).
// Every key must be in both lists exactly once.
Status JoinOn(const Value& left, const Value& right, const std::string& field, Value* out, int* bad_arg = nullptr);

// Each item (a map) of `items` once per element of `values` (a list, or one
// value), with that element as field `field`.
Status Cross(const Value& items, const std::string& field, const Value& values, Value* out, int* bad_arg = nullptr);

}  // namespace ferry
