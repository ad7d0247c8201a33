// STS as ferry-awsemu serves it (query protocol, XML answers):
// GetCallerIdentity, AssumeRole (checked against the role's trust policy,
// trust_policy.h), AssumeRoleWithWebIdentity (unsigned; tokens as
// web_identity.h says) and GetSessionToken. Temporary credentials it hands
// out go into the CredentialStore, so the emulator accepts them until they
// expire (then ExpiredToken).
#pragma once

#include <chrono>
#include <map>
#include <string>

#include "awsemu/auth.h"
#include "awsemu/service.h"
#include "awsemu/trust_policy.h"

namespace awsemu {

struct StsOptions {
  const RoleDirectory* roles = nullptr;
  std::string token_key;            // HS256 key of web identity tokens (--secret-key)
  long min_duration_seconds = 900;  // AWS's floor; --min-role-duration lowers it for tests
};

class StsService : public Service {
 public:
  StsService(CredentialStore* creds, StsOptions options) : creds_(creds), options_(std::move(options)) {}
  std::string signing_name() const override { return "sts"; }
  std::string OperationName(const EmuRequest& req) const override;
  void Handle(const EmuRequest& req, EmuResponse* resp) override;
  void Reset() override {}

 private:
  // Checks DurationSeconds; false: *resp holds the ValidationError.
  bool Duration(const std::map<std::string, std::string>& p, long fallback, long max, long* out,
                const std::string& request_id, EmuResponse* resp) const;
  CredentialStore* creds_;
  StsOptions options_;
};

// ISO 8601 with milliseconds, UTC: "2026-11-22T13:41:02.000Z".
std::string Iso8601(std::chrono::system_clock::time_point t);

}  // namespace awsemu
