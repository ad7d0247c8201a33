// The IAM Identity Center (SSO) portal as ferry-awsemu serves it:
// GetRoleCredentials (GET /federation/credentials?account_id=&role_name=,
// the access token in x-amz-sso_bearer_token, no signature). Which tokens
// are valid and which account roles each may use is set by the test
// (POST /_emu/sso); the temporary credentials it hands out go into the
// CredentialStore with the lifetime the test asked for.
#pragma once

#include <chrono>
#include <map>
#include <mutex>
#include <set>
#include <string>
#include <utility>

#include <nlohmann/json.hpp>

#include "awsemu/auth.h"
#include "awsemu/service.h"
#include "util/status.h"

namespace awsemu {

class SsoPortalService : public Service {
 public:
  explicit SsoPortalService(CredentialStore* creds) : creds_(creds) {}
  std::string signing_name() const override { return "sso"; }
  std::string OperationName(const EmuRequest& req) const override;
  void Handle(const EmuRequest& req, EmuResponse* resp) override;
  void Reset() override;

  // {"access_token": T, "roles": [{"account_id": A, "role_name": R}, ...],
  //  "credential_seconds": N (default 3600)}: T may fetch those roles.
  ferry::Status AddToken(const nlohmann::json& spec);

 private:
  struct Grant {
    std::set<std::pair<std::string, std::string>> roles;  // (account, role)
    long credential_seconds = 3600;
  };
  CredentialStore* creds_;
  std::mutex mu_;
  std::map<std::string, Grant> tokens_;
};

}  // namespace awsemu
