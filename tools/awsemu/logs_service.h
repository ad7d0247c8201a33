// LogsService: CloudWatch Logs for ferry-awsemu. Speaks the JSON 1.1 wire
// protocol (POST / with X-Amz-Target: Logs_20140328.<Operation>) on top of
// LogStore, and lets the Batch side write job output directly.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "awsemu/logs_store.h"
#include "awsemu/service.h"

namespace awsemu {

class LogsService : public Service {
 public:
  explicit LogsService(const EmuContext& ctx);

  std::string signing_name() const override { return "logs"; }
  std::string OperationName(const EmuRequest& req) const override;
  void Handle(const EmuRequest& req, EmuResponse* resp) override;
  void Reset() override { store_.Clear(); }

  // Writes lines as a job's log driver would: the group and stream are
  // created on first use. Events are (timestamp ms, message).
  void AppendEvents(const std::string& group, const std::string& stream,
                    const std::vector<std::pair<int64_t, std::string>>& events);

  LogStore& store() { return store_; }

 private:
  EmuContext ctx_;
  LogStore store_;
};

// Milliseconds since the Unix epoch (wall clock), as AWS timestamps are.
int64_t NowMillis();

}  // namespace awsemu
