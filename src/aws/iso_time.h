// ISO-8601 UTC timestamps as AWS writes them ("2009-10-12T17:50:30.000Z"):
// S3 listings, credential expirations from IMDS, ECS, STS, SSO caches and
// credential_process. Also the one rule for turning calendar fields into
// epoch seconds, shared with SigV4's X-Amz-Date parser.
#pragma once

#include <cstdint>
#include <string>

namespace ferry::aws {

// Seconds since the epoch (fractions dropped); false if `text` is not of
// that form. Accepted: YYYY-MM-DDTHH:MM:SS, an optional fraction, then "Z",
// "UTC", an offset (+HH:MM, -HHMM) or nothing (read as UTC).
bool ParseIsoTime(const std::string& text, int64_t* epoch_seconds);

// Epoch seconds of a UTC calendar time; false when a field is out of range
// (month 13, 31 April, hour 24, ...) or the year lies outside 1970..2200 --
// a time that std::chrono::system_clock's nanoseconds could not hold is
// refused here rather than overflowing in a caller.
bool CivilToEpoch(int year, int month, int day, int hour, int minute, int second, int64_t* epoch_seconds);

}  // namespace ferry::aws
