#include "awsemu/request_log.h"

#include <chrono>

namespace awsemu {

size_t RequestLog::Add(RequestLogEntry e) {
  // Entries that did not note their arrival (IMDS answers at once) get now.
  if (e.time_ms == 0) {
    e.time_ms =
        std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
            .count();
  }
  std::lock_guard<std::mutex> l(mu_);
  entries_.push_back(std::move(e));
  return entries_.size() - 1;
}

nlohmann::json RequestLog::ToJson() const {
  std::lock_guard<std::mutex> l(mu_);
  nlohmann::json a = nlohmann::json::array();
  for (const auto& e : entries_) {
    nlohmann::json j{{"service", e.service},     {"operation", e.operation}, {"status", e.status},
                     {"method", e.method},       {"path", e.path},           {"bytes_in", e.bytes_in},
                     {"bytes_out", e.bytes_out}, {"seconds", e.seconds},     {"time_ms", e.time_ms}};
    if (!e.error_code.empty()) j["error_code"] = e.error_code;
    if (!e.fault.empty()) j["fault"] = e.fault;
    a.push_back(std::move(j));
  }
  return a;
}

void RequestLog::Clear() {
  std::lock_guard<std::mutex> l(mu_);
  entries_.clear();
}

}  // namespace awsemu
