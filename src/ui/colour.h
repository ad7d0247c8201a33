// Colour: whether ferry colours what it prints, and the escape codes. The
// decision is made here only: colour on a terminal, never when NO_COLOR is
// set to anything non-empty (no-color.org), never after the user switched
// the live display off (-ansi-log false), never through a pipe or file.
// Warnings go through PrintWarning/WarningText so they look alike everywhere.
#pragma once

#include <cstdio>
#include <string>

namespace ferry {

enum class Hue { kRed, kGreen, kYellow, kDim };

// `text` wrapped in the escape codes for `hue` when `on`, else unchanged.
std::string Paint(Hue hue, const std::string& text, bool on);

// For the process: false after -ansi-log false. Call once, from argument
// parsing; true by default.
void SetColourAllowed(bool allowed);
// Whether text written to `stream` should be coloured (see above).
bool ColourOn(FILE* stream);

// "warning: TEXT" with the word "warning:" in yellow when `colour`.
std::string WarningText(const std::string& text, bool colour);
// "ERROR: TEXT" with the word "ERROR:" in red when `colour`.
std::string ErrorText(const std::string& text, bool colour);
// WarningText on stderr, coloured when ColourOn(stderr), with a newline.
void PrintWarning(const std::string& text);

}  // namespace ferry
