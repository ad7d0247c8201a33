#include "config/string_escapes.h"

namespace ferry::config {

namespace {

struct ControlEscape {
  char letter;
  char value;
};

constexpr ControlEscape kControlEscapes[] = {
    {'n', '\n'}, {'t', '\t'}, {'r', '\r'}, {'b', '\b'}, {'f', '\f'}, {'0', '\0'},
};

}  // namespace

std::optional<char> ControlEscapeValue(char letter) {
  for (const ControlEscape& e : kControlEscapes)
    if (e.letter == letter) return e.value;
  return std::nullopt;
}

char ControlEscapeLetter(char c) {
  for (const ControlEscape& e : kControlEscapes)
    if (e.value == c) return e.letter;
  return 0;
}

}  // namespace ferry::config
