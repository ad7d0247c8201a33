// The one rule for naming a temporary file written beside its target and
// then renamed over it (atomic writes of state files, publishing outputs):
// hidden, named after the target so a stray one says where it came from,
// and cut so the whole name stays within NAME_MAX, since the target's own
// name may already be up to 255 bytes.
#pragma once

#include <string>

namespace ferry {

// ".NAME.ferry-tmp-UNIQUE" in the directory of `path` (none when `path` has
// no '/'); NAME is cut from the end when needed. `unique` (a pid, a counter,
// a random number) keeps concurrent writers apart.
std::string TempNameBeside(const std::string& path, const std::string& unique);

}  // namespace ferry
