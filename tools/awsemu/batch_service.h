// BatchService: AWS Batch for ferry-awsemu. Speaks Batch's REST-JSON wire
// protocol (POST /v1/<operation> with a JSON body; errors as
// ClientException/ServerException with x-amzn-ErrorType) and hands each
// operation to BatchEngine.
#pragma once

#include <memory>
#include <string>

#include "awsemu/batch_engine.h"
#include "awsemu/service.h"

namespace awsemu {

class BatchService : public Service {
 public:
  BatchService(const EmuContext& ctx, FaultSource* faults, LogsService* logs, const JobExecution& exec);

  std::string signing_name() const override { return "batch"; }
  std::string OperationName(const EmuRequest& req) const override;
  void Handle(const EmuRequest& req, EmuResponse* resp) override;
  void Reset() override { engine_->Reset(); }
  void Shutdown() override { engine_->Shutdown(); }

 private:
  std::unique_ptr<BatchEngine> engine_;
};

// Step timing from FERRY_AWSEMU_BATCH_STEP_MS / FERRY_AWSEMU_BATCH_KILL_GRACE_MS.
BatchTiming BatchTimingFromEnv();

}  // namespace awsemu
