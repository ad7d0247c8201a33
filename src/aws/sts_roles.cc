#include "aws/sts_roles.h"

#include <chrono>
#include <pugixml.hpp>

#include "aws/aws_client.h"
#include "aws/iso_time.h"
#include "aws/sigv4.h"
#include "aws/sts.h"

namespace ferry::aws {

namespace {

QueryList RoleFields(const char* action, const RoleRequest& r) {
  QueryList q = {
      {"Action", action}, {"Version", "2011-06-15"}, {"RoleArn", r.role_arn}, {"RoleSessionName", r.session_name}};
  if (r.duration_seconds > 0) q.emplace_back("DurationSeconds", std::to_string(r.duration_seconds));
  return q;
}

Status Call(const StsTarget& t, std::shared_ptr<CredentialSource> creds, ServiceRequest r, RoleCredentials* out) {
  AwsClient::Options o;
  o.credentials = std::move(creds);
  o.region = t.region;
  o.settings = t.settings;
  o.env = t.env;
  AwsClient client(std::move(o));
  std::string action = r.operation;
  ServiceResponse resp = client.Call(std::move(r));
  // A 404 from STS is not "no credentials here": never let the chain move on.
  if (!resp.status.ok()) return Status::Failed(resp.status.message());
  return ParseRoleCredentials(resp.http.body, action, out);
}

}  // namespace

std::string AssumeRoleBody(const RoleRequest& r) {
  QueryList q = RoleFields("AssumeRole", r);
  if (!r.external_id.empty()) q.emplace_back("ExternalId", r.external_id);
  return EncodeQuery(q);
}

std::string AssumeRoleWithWebIdentityBody(const RoleRequest& r, const std::string& token) {
  QueryList q = RoleFields("AssumeRoleWithWebIdentity", r);
  q.emplace_back("WebIdentityToken", token);
  return EncodeQuery(q);
}

ServiceRequest AssumeRoleRequest(const RoleRequest& r) { return StsFormRequest("AssumeRole", AssumeRoleBody(r)); }

ServiceRequest AssumeRoleWithWebIdentityRequest(const RoleRequest& r, const std::string& token) {
  ServiceRequest req = StsFormRequest("AssumeRoleWithWebIdentity", AssumeRoleWithWebIdentityBody(r, token));
  // The token is the credential: STS takes this call unsigned.
  req.anonymous = true;
  return req;
}

Status ParseRoleCredentials(const std::string& xml, const std::string& action, RoleCredentials* out) {
  pugi::xml_document doc;
  if (!doc.load_buffer(xml.data(), xml.size())) return Status::Failed("sts " + action + ": the answer is not XML");
  pugi::xml_node result = doc.child((action + "Response").c_str()).child((action + "Result").c_str());
  pugi::xml_node c = result.child("Credentials");
  RoleCredentials r;
  r.credentials.access_key_id = c.child_value("AccessKeyId");
  r.credentials.secret_access_key = c.child_value("SecretAccessKey");
  r.credentials.session_token = c.child_value("SessionToken");
  if (r.credentials.empty() || r.credentials.session_token.empty())
    return Status::Failed("sts " + action + ": the answer has no Credentials");
  int64_t expires = 0;
  if (!ParseIsoTime(c.child_value("Expiration"), &expires))
    return Status::Failed("sts " + action + ": the answer has no readable Expiration");
  r.credentials.expiration = std::chrono::system_clock::from_time_t(static_cast<std::time_t>(expires));
  r.assumed_role_arn = result.child("AssumedRoleUser").child_value("Arn");
  *out = std::move(r);
  return Status::Ok();
}

Status AssumeRole(const StsTarget& t, const Credentials& source, const RoleRequest& r, RoleCredentials* out) {
  return Call(t, std::make_shared<StaticCredentials>(source), AssumeRoleRequest(r), out);
}

Status AssumeRoleWithWebIdentity(const StsTarget& t, const RoleRequest& r, const std::string& token,
                                 RoleCredentials* out) {
  return Call(t, nullptr, AssumeRoleWithWebIdentityRequest(r, token), out);
}

std::string DefaultRoleSessionName() {
  auto now = std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch());
  return "ferry-" + std::to_string(now.count());
}

}  // namespace ferry::aws
