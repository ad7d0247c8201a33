#include "aws/sso_credentials.h"

#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "aws/aws_client.h"
#include "aws/crypto.h"
#include "aws/iso_time.h"

namespace ferry::aws {

namespace {

std::string LoginAdvice(const SsoProfile& p) { return "run `aws sso login --profile " + p.profile + "`"; }

}  // namespace

std::string SsoTokenCachePath(const SsoProfile& p, const Env& env) {
  const std::string& key = p.session.empty() ? p.start_url : p.session;
  return env.GetOr("HOME", "") + "/.aws/sso/cache/" + Sha1Hex(key) + ".json";
}

Status LoadSsoToken(const SsoProfile& p, const std::string& text, bool exists,
                    std::chrono::system_clock::time_point now, std::string* access_token) {
  std::string what = p.session.empty() ? "SSO start URL " + p.start_url : "sso-session '" + p.session + "'";
  std::string where = "profile '" + p.profile + "'";
  if (!exists)
    return Status::Invalid(where + ": no SSO token is cached for " + what + " (not logged in); " + LoginAdvice(p));
  nlohmann::json j = nlohmann::json::parse(text, nullptr, false);
  if (j.is_discarded() || !j.is_object() || !j.contains("accessToken") || !j["accessToken"].is_string() ||
      !j.contains("expiresAt") || !j["expiresAt"].is_string())
    return Status::Invalid(where + ": the cached SSO token for " + what +
                           " is unreadable (no accessToken/expiresAt); " + LoginAdvice(p));
  int64_t expires = 0;
  if (!ParseIsoTime(j["expiresAt"].get<std::string>(), &expires))
    return Status::Invalid(where + ": the cached SSO token for " + what + " has an unreadable expiresAt; " +
                           LoginAdvice(p));
  if (std::chrono::system_clock::from_time_t(static_cast<std::time_t>(expires)) <= now)
    return Status::Invalid(where + ": the SSO token for " + what + " expired at " + j["expiresAt"].get<std::string>() +
                           "; " + LoginAdvice(p));
  *access_token = j["accessToken"].get<std::string>();
  return Status::Ok();
}

ServiceRequest SsoRoleCredentialsRequest(const SsoProfile& p, const std::string& access_token, Endpoint endpoint) {
  ServiceRequest r;
  r.service = "sso";
  r.operation = "GetRoleCredentials";
  r.method = "GET";
  // The bearer token is the credential: the portal takes the call unsigned.
  r.anonymous = true;
  r.endpoint = std::move(endpoint);
  if (!r.endpoint.custom) r.endpoint.host = "portal.sso." + p.region + ".amazonaws.com";
  r.path = r.endpoint.base_path + "/federation/credentials";
  r.query = {{"account_id", p.account_id}, {"role_name", p.role_name}};
  r.headers = {{"x-amz-sso_bearer_token", access_token}};
  return r;
}

Status ParseSsoRoleCredentials(const std::string& body, Credentials* out) {
  nlohmann::json j = nlohmann::json::parse(body, nullptr, false);
  if (j.is_discarded() || !j.is_object() || !j.contains("roleCredentials") || !j["roleCredentials"].is_object())
    return Status::Failed("SSO GetRoleCredentials: the answer has no roleCredentials");
  const nlohmann::json& rc = j["roleCredentials"];
  auto str = [&](const char* k) { return rc.contains(k) && rc[k].is_string() ? rc[k].get<std::string>() : ""; };
  Credentials c{str("accessKeyId"), str("secretAccessKey"), str("sessionToken"), std::nullopt};
  if (c.empty() || !rc.contains("expiration") || !rc["expiration"].is_number())
    return Status::Failed("SSO GetRoleCredentials: the answer lacks keys or their expiration");
  // Milliseconds since the epoch.
  c.expiration = std::chrono::system_clock::time_point(std::chrono::milliseconds(rc["expiration"].get<int64_t>()));
  *out = std::move(c);
  return Status::Ok();
}

Status GetSsoRoleCredentials(const SsoProfile& p, const AwsSettings& settings, std::shared_ptr<const Env> env,
                             Credentials* out) {
  std::string path = SsoTokenCachePath(p, *env);
  std::ifstream in(path);
  std::stringstream text;
  if (in) text << in.rdbuf();
  std::string token;
  FERRY_RETURN_IF_ERROR(LoadSsoToken(p, text.str(), static_cast<bool>(in), std::chrono::system_clock::now(), &token));

  AwsClient::Options o;
  o.region = p.region;
  o.settings = settings;
  o.env = env;
  AwsClient client(std::move(o));
  Endpoint endpoint;
  FERRY_RETURN_IF_ERROR(client.ResolveEndpointFor("sso", &endpoint));
  ServiceResponse resp = client.Call(SsoRoleCredentialsRequest(p, token, std::move(endpoint)));
  if (!resp.status.ok()) {
    std::string msg = "profile '" + p.profile + "': SSO GetRoleCredentials for role " + p.role_name + " in account " +
                      p.account_id + " failed: " + resp.status.message();
    // The portal refuses a token it no longer honours with 401.
    if (resp.error.http_status == 401 || resp.error.code == "UnauthorizedException")
      return Status::Invalid(msg + "\n  the SSO session is no longer valid: " + LoginAdvice(p));
    return Status::Failed(msg);
  }
  return ParseSsoRoleCredentials(resp.http.body, out);
}

}  // namespace ferry::aws
