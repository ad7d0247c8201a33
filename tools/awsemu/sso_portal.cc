#include "awsemu/sso_portal.h"

#include "aws/crypto.h"
#include "awsemu/emu_error.h"

namespace awsemu {

using nlohmann::json;
using std::chrono::system_clock;

std::string SsoPortalService::OperationName(const EmuRequest& req) const {
  return req.method == "GET" && req.path == "/federation/credentials" ? "GetRoleCredentials" : "";
}

void SsoPortalService::Reset() {
  std::lock_guard<std::mutex> l(mu_);
  tokens_.clear();
}

ferry::Status SsoPortalService::AddToken(const json& spec) {
  if (!spec.is_object() || !spec.contains("access_token") || !spec["access_token"].is_string() ||
      !spec.contains("roles") || !spec["roles"].is_array())
    return ferry::Status::Invalid(
        "/_emu/sso: expected {\"access_token\": ..., \"roles\": [{\"account_id\": ..., "
        "\"role_name\": ...}], \"credential_seconds\": N}");
  Grant g;
  for (const json& r : spec["roles"]) {
    if (!r.is_object() || !r.contains("account_id") || !r.contains("role_name") || !r["account_id"].is_string() ||
        !r["role_name"].is_string())
      return ferry::Status::Invalid("/_emu/sso: each role needs account_id and role_name strings");
    g.roles.emplace(r["account_id"].get<std::string>(), r["role_name"].get<std::string>());
  }
  if (spec.contains("credential_seconds")) {
    if (!spec["credential_seconds"].is_number_integer() || spec["credential_seconds"].get<long>() < 1)
      return ferry::Status::Invalid("/_emu/sso: credential_seconds must be a positive whole number");
    g.credential_seconds = spec["credential_seconds"].get<long>();
  }
  std::lock_guard<std::mutex> l(mu_);
  tokens_[spec["access_token"].get<std::string>()] = std::move(g);
  return ferry::Status::Ok();
}

void SsoPortalService::Handle(const EmuRequest& req, EmuResponse* resp) {
  auto error = [&](int status, const char* code, const std::string& message) {
    RenderError(WireProtocol::kRestJson, EmuError{status, code, message}, "", resp);
  };
  if (OperationName(req).empty())
    return error(404, "NotFoundException", "The SSO portal serves GetRoleCredentials only");
  std::string account, role;
  for (const auto& [k, v] : req.query) {
    if (k == "account_id") account = v;
    if (k == "role_name") role = v;
  }
  const std::string token = req.Header("x-amz-sso_bearer_token");
  if (token.empty() || account.empty() || role.empty())
    return error(400, "InvalidRequestException",
                 "account_id, role_name and the x-amz-sso_bearer_token header are required");
  long seconds = 0;
  {
    std::lock_guard<std::mutex> l(mu_);
    auto it = tokens_.end();
    for (auto i = tokens_.begin(); i != tokens_.end(); ++i)
      if (ferry::aws::ConstantTimeEquals(i->first, token)) it = i;
    if (it == tokens_.end()) return error(401, "UnauthorizedException", "Session token not found or invalid");
    if (!it->second.roles.count({account, role}))
      return error(403, "ForbiddenException", "No access to role " + role + " in account " + account);
    seconds = it->second.credential_seconds;
  }
  auto expires = system_clock::now() + std::chrono::seconds(seconds);
  Principal t = creds_->IssueTemporary(role, "sso-user", expires);
  auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(expires.time_since_epoch()).count();
  resp->content_type = "application/json";
  resp->body = json{{"roleCredentials",
                     {{"accessKeyId", t.access_key},
                      {"secretAccessKey", t.secret_key},
                      {"sessionToken", t.session_token},
                      {"expiration", ms}}}}
                   .dump();
}

}  // namespace awsemu
