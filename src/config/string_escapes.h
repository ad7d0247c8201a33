// The backslash escapes of config strings that stand for control characters
// (\n, \t, ...): one table that the lexer reads them with and `ferry config`
// writes them with, so that what one writes the other reads back.
#pragma once

#include <optional>

namespace ferry::config {

// The character `\letter` stands for, if `letter` is one of these escapes.
std::optional<char> ControlEscapeValue(char letter);

// The letter that writes control character `c` after a backslash, or 0 when
// `c` has no such escape.
char ControlEscapeLetter(char c);

}  // namespace ferry::config
