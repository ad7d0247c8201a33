// LogsClient: the CloudWatch Logs calls ferry needs (JSON 1.1,
// `X-Amz-Target: Logs_20140328.<Operation>`) on the shared signed-request
// path: reading a job's log stream from the start or its last lines, and
// following a stream as it grows. Thread-safe.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "aws/aws_client.h"
#include "util/status.h"

namespace ferry::aws {

struct LogEvent {
  int64_t timestamp_ms = 0;
  int64_t ingestion_ms = 0;
  std::string message;
  std::string event_id;  // FilterLogEvents only
};

// Where to continue reading a stream (GetLogEvents' nextForwardToken).
struct LogCursor {
  std::string next_token;  // empty: from the head
};

class LogsClient {
 public:
  explicit LogsClient(std::shared_ptr<AwsClient> client);

  // Raw call: `operation` e.g. "GetLogEvents"; JSON request and response.
  Status Call(const std::string& operation, const std::string& request_json, std::string* response_json,
              AwsError* error = nullptr);

  // Events after *cursor (from the head when it is empty), all pages that
  // are available now; advances *cursor so the next call returns only newer
  // events. A stream that does not exist yet yields no events and no error.
  Status ReadNew(const std::string& group, const std::string& stream, LogCursor* cursor, std::vector<LogEvent>* events);
  // The last `n` events of a stream (fewer if it is shorter); a stream that
  // does not exist yields none and NotFound.
  Status Tail(const std::string& group, const std::string& stream, int n, std::vector<LogEvent>* events);

 private:
  std::shared_ptr<AwsClient> client_;
};

}  // namespace ferry::aws
