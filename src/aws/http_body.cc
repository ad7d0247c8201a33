// The parts of aws/http.h every transport shares (request bodies, the
// response header look-up, and Perform on top of Submit), so ferry's libcurl transport and ferry-job's
// OpenSSL one read bodies and headers the same way.
#include <unistd.h>

#include <algorithm>
#include <cstring>
#include <future>

#include "aws/http.h"
#include "util/text.h"

namespace ferry::aws {

std::string HttpResponse::Header(const std::string& name) const {
  std::string lower = ToLower(name);
  for (const auto& [k, v] : headers)
    if (ToLower(k) == lower) return v;
  return "";
}

int64_t StringBody::ReadAt(int64_t offset, char* buf, size_t n) {
  if (offset >= size()) return 0;
  size_t k = std::min(n, static_cast<size_t>(size() - offset));
  std::memcpy(buf, data_.data() + offset, k);
  return static_cast<int64_t>(k);
}

int64_t FileRangeBody::ReadAt(int64_t offset, char* buf, size_t n) {
  if (offset >= length_) return 0;
  size_t k = std::min(n, static_cast<size_t>(length_ - offset));
  ssize_t got = pread(*fd_, buf, k, offset_ + offset);
  if (got < 0) return -1;
  if (got == 0) return -1;  // file shrank under us
  return got;
}

HttpResponse HttpTransport::Perform(HttpRequest req) {
  std::promise<HttpResponse> p;
  auto f = p.get_future();
  Submit(std::move(req), [&p](HttpResponse r) { p.set_value(std::move(r)); });
  return f.get();
}

}  // namespace ferry::aws
