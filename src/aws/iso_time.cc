#include "aws/iso_time.h"

#include <cstdio>
#include <ctime>

namespace ferry::aws {

bool ParseIsoTime(const std::string& text, int64_t* out) {
  std::tm tm{};
  int y, mo, d, h, mi;
  double sec;
  if (std::sscanf(text.c_str(), "%d-%d-%dT%d:%d:%lf", &y, &mo, &d, &h, &mi, &sec) != 6) return false;
  tm.tm_year = y - 1900;
  tm.tm_mon = mo - 1;
  tm.tm_mday = d;
  tm.tm_hour = h;
  tm.tm_min = mi;
  tm.tm_sec = static_cast<int>(sec);
  *out = timegm(&tm);
  return true;
}

}  // namespace ferry::aws
