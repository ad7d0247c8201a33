// The request log behind GET /_emu/requests: one entry per API request, in
// arrival order, so tests can count calls and see statuses. It records what
// was asked and how it ended, never bodies, query strings or credentials.
#pragma once

#include <cstdint>
#include <mutex>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace awsemu {

struct RequestLogEntry {
  std::string service;    // "s3", "batch", "logs", "sts", "imds", "ecs"
  std::string operation;  // "PutObject", "" when unknown
  int status = 0;
  std::string method;
  std::string path;        // without the query string (which may carry a token)
  std::string error_code;  // AWS error code when the answer was an error
  std::string fault;       // injected fault, if any
  uint64_t bytes_in = 0;   // request body bytes received
  uint64_t bytes_out = 0;  // response body bytes
  double seconds = 0;      // time spent answering
  int64_t time_ms = 0;     // arrival, milliseconds since the Unix epoch
};

class RequestLog {
 public:
  // Returns the entry's index (arrival order).
  size_t Add(RequestLogEntry e);
  nlohmann::json ToJson() const;
  void Clear();

 private:
  mutable std::mutex mu_;
  std::vector<RequestLogEntry> entries_;
};

}  // namespace awsemu
