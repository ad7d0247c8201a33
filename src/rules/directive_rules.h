// Directive rules: the one table of task directives ferry knows (cpus,
// memory, time, ...) with the kind of value each takes and its limits, and
// the check of a value against it. The pipeline loader (constant values),
// the config schema (process scope and selectors) and the engine (values
// evaluated per task) all ask this table, so a value one of them accepts the
// others accept too. Pure: no I/O.
#pragma once

#include <cstdint>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "util/value.h"

namespace ferry::rules {

enum class DirectiveKind {
  kCount,        // a whole number within [min, kMaxCount]
  kMemory,       // a size: '2 GB', '512 MB', or a number of bytes
  kDuration,     // '1h 30m', '90s', or a number of milliseconds
  kText,         // one text value
  kPath,         // a directory or an s3:// URL (one text value)
  kChoice,       // one of `choices`
  kLabels,       // a name or a list of names
  kAccelerator,  // a GPU count, or a map {request: N, limit: N, type: '...'}
  kLabelMap,     // a map of names to text values that become cloud tags (resourceLabels)
};

// Which directive a spec is, for code that stores values by directive (the
// engine's per-task Directives) without spelling names again.
enum class DirectiveId {
  kCpus,
  kMemory,
  kTime,
  kContainer,
  kQueue,
  kLabel,
  kExecutor,
  kArray,
  kAccelerator,
  kRetry,
  kErrorStrategy,
  kMaxForks,
  kPublish,
  kClusterOptions,
  kTag,
  kDisk,
  kResourceLabels,
};

struct DirectiveSpec {
  DirectiveId id;
  std::string name;
  DirectiveKind kind = DirectiveKind::kText;
  int64_t min = 0;                   // kCount and kAccelerator counts
  std::vector<std::string> choices;  // kChoice
};

// Larger counts are typing mistakes, and must fit an int.
inline constexpr int64_t kMaxCount = 1000000;

// ferry's directives, in the order help texts list them.
const std::vector<DirectiveSpec>& DirectiveSpecs();
// nullptr for a name that is not one of ferry's directives.
const DirectiveSpec* FindDirective(std::string_view name);
// The names of DirectiveSpecs(), in order.
const std::vector<std::string>& DirectiveNames();
// Directives of the first reference tool that ferry accepts and ignores.
const std::set<std::string>& IgnoredDirectives();
// The keys an accelerator map may have.
const std::vector<std::string>& AcceleratorKeys();

// AWS's limits on tags, which resourceLabels become on Batch jobs: at most
// 50 a resource, of which ferry's own (ferry-run, ferry-task,
// ferry-pipeline) take kFerryTags.
inline constexpr size_t kMaxTags = 50;
inline constexpr size_t kFerryTags = 3;
inline constexpr size_t kMaxTagKey = 128;
inline constexpr size_t kMaxTagValue = 256;
// The tag keys ferry sets on every Batch job itself.
const std::vector<std::string>& FerryTagKeys();

// Whether byte `c` may be in a tag: AWS's letters (any script: bytes of
// multi-byte UTF-8 pass), digits, spaces and _ . : / = + - @.
bool IsTagByte(unsigned char c);

// Checks one resourceLabels entry against AWS's tag rules: a key of 1-128
// characters, a value of at most 256, letters, digits, spaces and _ . : / = +
// - @ only, no `aws:` prefix (AWS keeps it), not one of FerryTagKeys(). On
// failure sets *problem, phrased to follow the directive's name like
// CheckDirectiveValue's: "has a key 'aws:x' ...".
bool CheckResourceLabel(const std::string& key, const Value& v, std::string* problem);

// A whole number from an int, an integral double or its text ("4", " 4 ").
bool WholeNumber(const Value& v, int64_t* out);

// Checks a known value of directive `spec`. A null value (unset) passes. On
// failure returns false and sets *problem to what is wrong, phrased to follow
// the directive's name and where it was written: "must be a positive whole
// number, got 0".
bool CheckDirectiveValue(const DirectiveSpec& spec, const Value& v, std::string* problem);

// Checks one entry of an accelerator map (key and value), as
// CheckDirectiveValue does for the whole map, so a caller can point at the
// entry; *problem follows the directive's name like CheckDirectiveValue's:
// "has an unknown setting 'x' (did you mean 'type'?) ...".
bool CheckAcceleratorSetting(const std::string& key, const Value& v, std::string* problem);

}  // namespace ferry::rules
