// STS as ferry-awsemu serves it (query protocol, XML answers):
// GetCallerIdentity, AssumeRole and GetSessionToken. Temporary credentials it
// hands out go into the CredentialStore, so the emulator accepts them.
#pragma once

#include <chrono>
#include <string>

#include "awsemu/auth.h"
#include "awsemu/service.h"

namespace awsemu {

class StsService : public Service {
 public:
  explicit StsService(CredentialStore* creds) : creds_(creds) {}
  std::string signing_name() const override { return "sts"; }
  std::string OperationName(const EmuRequest& req) const override;
  void Handle(const EmuRequest& req, EmuResponse* resp) override;
  void Reset() override {}

 private:
  CredentialStore* creds_;
};

// ISO 8601 with milliseconds, UTC: "2026-11-22T13:41:02.000Z".
std::string Iso8601(std::chrono::system_clock::time_point t);

}  // namespace awsemu
