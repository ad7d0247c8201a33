// The user's own config file, read by every ferry command in the config
// language: where it is ($FERRY_CONFIG, else ~/.ferry/config), and the
// `[aws-batch]` INI section older docs told `ferry build` users to write
// there, which the language cannot read: recognised, so each command says
// how to rewrite it (in the `build` scope) instead of failing on the '['.
// Pure: no I/O.
#pragma once

#include <string>
#include <string_view>

#include "util/status.h"

namespace ferry::config {

// `ferry_config` and `home` are the variables' values (null: unset).
// "" when neither is set.
std::string UserConfigPath(const char* ferry_config, const char* home);

// Invalid "FILE:LINE: ..." holding the section's settings in the config
// language, ready to paste, when `text` has an `[aws-batch]` line; Ok otherwise.
Status CheckNoIniBuildSection(std::string_view text, const std::string& file);

}  // namespace ferry::config
