#include "aws/iso_time.h"

#include <cctype>

namespace ferry::aws {

namespace {

// Reads exactly `n` digits at text[*pos]; sscanf("%d") was used before and
// overflowed on a field of 15 digits (found by fuzz/s3_xml_fuzz.cc).
bool Digits(const std::string& text, size_t* pos, size_t n, int* out) {
  if (*pos + n > text.size()) return false;
  int v = 0;
  for (size_t i = 0; i < n; ++i) {
    const char c = text[*pos + i];
    if (!std::isdigit(static_cast<unsigned char>(c))) return false;
    v = v * 10 + (c - '0');
  }
  *pos += n;
  *out = v;
  return true;
}

bool Literal(const std::string& text, size_t* pos, char c) {
  if (*pos >= text.size() || text[*pos] != c) return false;
  ++*pos;
  return true;
}

bool IsLeap(int y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

int DaysInMonth(int y, int m) {
  static const int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return m == 2 && IsLeap(y) ? 29 : kDays[m - 1];
}

// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's
// days_from_civil). Written here rather than calling timegm because timegm
// normalises impossible dates instead of refusing them.
int64_t DaysFromCivil(int y, int m, int d) {
  y -= m <= 2;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const int64_t yoe = y - era * 400;
  const int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

}  // namespace

bool CivilToEpoch(int year, int month, int day, int hour, int minute, int second, int64_t* out) {
  if (year < 1970 || year > 2200 || month < 1 || month > 12 || day < 1 || day > DaysInMonth(year, month) || hour < 0 ||
      hour > 23 || minute < 0 || minute > 59 || second < 0 || second > 60)
    return false;
  *out = DaysFromCivil(year, month, day) * 86400 + hour * 3600 + minute * 60 + second;
  return true;
}

bool ParseIsoTime(const std::string& text, int64_t* out) {
  size_t p = 0;
  int y = 0, mo = 0, d = 0, h = 0, mi = 0, s = 0;
  if (!Digits(text, &p, 4, &y) || !Literal(text, &p, '-') || !Digits(text, &p, 2, &mo) || !Literal(text, &p, '-') ||
      !Digits(text, &p, 2, &d) || !Literal(text, &p, 'T') || !Digits(text, &p, 2, &h) || !Literal(text, &p, ':') ||
      !Digits(text, &p, 2, &mi) || !Literal(text, &p, ':') || !Digits(text, &p, 2, &s))
    return false;
  if (Literal(text, &p, '.')) {
    const size_t start = p;
    while (p < text.size() && std::isdigit(static_cast<unsigned char>(text[p]))) ++p;
    if (p == start) return false;
  }
  int64_t offset = 0;
  const std::string zone = text.substr(p);
  if (zone == "Z" || zone == "UTC" || zone.empty()) {
    // UTC.
  } else if (zone[0] == '+' || zone[0] == '-') {
    size_t q = p + 1;
    int oh = 0, om = 0;
    if (!Digits(text, &q, 2, &oh)) return false;
    Literal(text, &q, ':');
    if (!Digits(text, &q, 2, &om) || q != text.size() || oh > 23 || om > 59) return false;
    offset = (oh * 3600 + om * 60) * (zone[0] == '-' ? -1 : 1);
  } else {
    return false;
  }
  int64_t local;
  if (!CivilToEpoch(y, mo, d, h, mi, s, &local)) return false;
  *out = local - offset;
  return true;
}

}  // namespace ferry::aws
