#include "rules/rate.h"

#include <cctype>
#include <string>

#include "util/text.h"
#include "util/units.h"

namespace ferry::rules {

bool ParseRate(std::string_view text, double* per_second) {
  std::string s(Trim(text));
  size_t i = 0;
  while (i < s.size() && std::isdigit(static_cast<unsigned char>(s[i]))) ++i;
  if (i == 0 || i > 15) return false;  // no count, or one no rate limit needs
  double count = std::stod(s.substr(0, i));
  int64_t window_ms = 1000;
  std::string per(Trim(std::string_view(s).substr(i)));
  if (!per.empty()) {
    if (per[0] == '/') per = std::string(Trim(std::string_view(per).substr(1)));
    // "10/min" and "10 sec" mean one minute and one second.
    if (!per.empty() && !std::isdigit(static_cast<unsigned char>(per[0]))) per = "1" + per;
    if (per.empty() || !ParseDuration(per, &window_ms) || window_ms <= 0) return false;
  }
  *per_second = count * 1000.0 / static_cast<double>(window_ms);
  return true;
}

}  // namespace ferry::rules
