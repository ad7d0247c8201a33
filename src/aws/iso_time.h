// ISO-8601 UTC timestamps as AWS writes them ("2009-10-12T17:50:30.000Z"):
// S3 listings, credential expirations from IMDS, ECS and credential_process.
#pragma once

#include <cstdint>
#include <string>

namespace ferry::aws {

// Seconds since the epoch (fractions dropped); false if `text` is not of
// that form.
bool ParseIsoTime(const std::string& text, int64_t* epoch_seconds);

}  // namespace ferry::aws
