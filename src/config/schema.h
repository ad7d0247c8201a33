// What ferry's config may contain: the known scopes and keys (ferry's own and
// the Nextflow keys its users write), their types, and the process directives.
// Checks assignments as the evaluator makes them: type errors and unknown
// process directives are errors; other unknown keys are warnings with a
// "did you mean" hint. Pure: no I/O.
#pragma once

#include <string>
#include <vector>

#include "util/source_loc.h"
#include "util/status.h"
#include "util/value.h"

namespace ferry::config {

// A path being assigned, with where each segment was written. Segments
// before `first_own` came from enclosing block headers, which were already
// checked (and warned about) when the block opened.
struct KeyPath {
  std::vector<std::string> names;
  std::vector<SourceLoc> locs;
  size_t first_own = 0;
};

// Checks `*value` assigned to top-level config path `key.names` (e.g.
// aws.batch.cliPath). May normalize the value (memory/duration numbers become
// "2 GB"/"1h" strings). `value_loc` is where the value was written.
Status CheckConfigKey(const KeyPath& key, Value* value, const SourceLoc& value_loc, std::vector<std::string>* warnings);

// Checks a block header `a.b {` (warns about unknown scopes; errors for
// process directives that cannot be blocks).
Status CheckConfigScope(const KeyPath& key, std::vector<std::string>* warnings);

// Checks a process directive assignment, relative to the process scope or a
// selector block (names[0] is the directive). Unknown directives are errors.
// Maps Nextflow aliases to ferry's names: on return *canonical holds the path
// to store under (maxRetries -> retry, publishDir -> publish).
Status CheckDirective(const KeyPath& key, Value* value, const SourceLoc& value_loc, std::vector<std::string>* canonical,
                      std::vector<std::string>* warnings);

// Checks a block opened inside the process scope or a selector (only `ext`).
Status CheckDirectiveScope(const KeyPath& key, std::vector<std::string>* warnings);

// True for keys whose values must never be shown: secretKey, proxyPassword,
// and any key whose name contains secret/token/password (any case).
bool IsSecretKey(const std::string& name);

}  // namespace ferry::config
