// TEMPORARY stand-ins for the Batch and Logs factories until batch_service.cc
// and logs_service.cc define them (their strong definitions win at link
// time). A null service makes the front end answer that the service is not
// available. Delete this file once both factories exist.
#include "awsemu/service.h"

namespace awsemu {

__attribute__((weak)) std::unique_ptr<Service> MakeLogsService(const EmuContext&) { return nullptr; }

__attribute__((weak)) std::unique_ptr<Service> MakeBatchService(const EmuContext&, FaultSource*,
                                                                 Service*) {
  return nullptr;
}

}  // namespace awsemu
