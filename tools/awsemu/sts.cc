#include "awsemu/sts.h"

#include <atomic>
#include <ctime>
#include <map>
#include <sstream>

#include <pugixml.hpp>

#include "aws/sigv4.h"
#include "awsemu/emu_error.h"
#include "awsemu/query_protocol.h"
#include "awsemu/web_identity.h"
#include "util/text.h"

namespace awsemu {

namespace aws = ferry::aws;
using std::chrono::system_clock;

namespace {

const char kNs[] = "https://sts.amazonaws.com/doc/2011-06-15/";

std::string Dump(const pugi::xml_document& doc) {
  std::ostringstream out;
  doc.save(out, "", pugi::format_raw);
  return out.str();
}

void Text(pugi::xml_node parent, const char* name, const std::string& value) {
  parent.append_child(name).text().set(value.c_str());
}

pugi::xml_node Envelope(pugi::xml_document* doc, const std::string& action, const std::string& request_id,
                        pugi::xml_node* result) {
  doc->append_child(pugi::node_declaration).append_attribute("version") = "1.0";
  pugi::xml_node root = doc->append_child((action + "Response").c_str());
  root.append_attribute("xmlns") = kNs;
  *result = root.append_child((action + "Result").c_str());
  pugi::xml_node meta = root.append_child("ResponseMetadata");
  Text(meta, "RequestId", request_id);
  return root;
}

void Error(EmuResponse* resp, int status, const std::string& code, const std::string& message,
           const std::string& request_id) {
  RenderError(WireProtocol::kQuery, EmuError{status, code, message}, request_id, resp);
}

void WriteCredentials(pugi::xml_node result, const Principal& p) {
  pugi::xml_node c = result.append_child("Credentials");
  Text(c, "AccessKeyId", p.access_key);
  Text(c, "SecretAccessKey", p.secret_key);
  Text(c, "SessionToken", p.session_token);
  Text(c, "Expiration", Iso8601(*p.expiration));
}

}  // namespace

std::string Iso8601(system_clock::time_point t) {
  std::time_t secs = system_clock::to_time_t(t);
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char buf[40];
  strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S", &tm);
  auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch()).count() % 1000;
  char out[48];
  snprintf(out, sizeof out, "%s.%03dZ", buf, static_cast<int>(ms));
  return out;
}

std::string StsService::OperationName(const EmuRequest& req) const { return QueryAction(req); }

bool StsService::Duration(const std::map<std::string, std::string>& p, long fallback, long max, long* out,
                          const std::string& request_id, EmuResponse* resp) const {
  *out = fallback;
  auto it = p.find("DurationSeconds");
  if (it == p.end()) return true;
  char* end = nullptr;
  *out = std::strtol(it->second.c_str(), &end, 10);
  long min = options_.min_duration_seconds;
  if (*end == '\0' && *out >= min && *out <= max) return true;
  Error(resp, 400, "ValidationError",
        "1 validation error detected: Value '" + it->second +
            "' at 'durationSeconds' failed to satisfy constraint: Member must have value between " +
            std::to_string(min) + " and " + std::to_string(max),
        request_id);
  return false;
}

void StsService::Handle(const EmuRequest& req, EmuResponse* resp) {
  const std::string request_id = NewQueryRequestId();
  resp->headers.emplace_back("x-amzn-RequestId", request_id);
  auto p = QueryParams(req);
  const std::string action = p.count("Action") ? p["Action"] : "";
  pugi::xml_document doc;
  pugi::xml_node result;
  resp->content_type = "text/xml";

  auto role_checks = [&](std::optional<EmuRole>* role) {
    const std::string& role_arn = p["RoleArn"];
    const std::string& session = p["RoleSessionName"];
    if (role_arn.empty()) {
      Error(resp, 400, "ValidationError",
            "1 validation error detected: Value null at 'roleArn' failed to satisfy "
            "constraint: Member must not be null",
            request_id);
      return false;
    }
    if (session.size() < 2 || session.size() > 64) {
      Error(resp, 400, "ValidationError",
            "1 validation error detected: Value '" + session +
                "' at 'roleSessionName' failed to satisfy constraint: Member must have "
                "length between 2 and 64",
            request_id);
      return false;
    }
    if (!ferry::StartsWith(role_arn, "arn:aws:iam::") || role_arn.find(":role/") == std::string::npos) {
      Error(resp, 400, "ValidationError",
            "RoleArn '" + role_arn + "' is not an IAM role ARN (arn:aws:iam::ACCOUNT:role/NAME)", request_id);
      return false;
    }
    *role = options_.roles ? options_.roles->FindByArn(role_arn) : std::nullopt;
    if (!*role) {
      Error(resp, 403, "AccessDenied",
            "Not authorized to perform sts:" + action + ": no role " + role_arn +
                " exists (ferry-awsemu: register it with POST /_emu/roles)",
            request_id);
      return false;
    }
    return true;
  };
  auto issue = [&](const EmuRole& role, long duration, const std::string& subject) {
    const std::string session = p["RoleSessionName"];
    Principal t = creds_->IssueTemporary(role.name, session, system_clock::now() + std::chrono::seconds(duration));
    Envelope(&doc, action, request_id, &result);
    WriteCredentials(result, t);
    if (!subject.empty()) Text(result, "SubjectFromWebIdentityToken", subject);
    pugi::xml_node user = result.append_child("AssumedRoleUser");
    Text(user, "AssumedRoleId", t.user_id);
    Text(user, "Arn", t.arn);
    resp->body = Dump(doc);
  };

  if (action == "AssumeRoleWithWebIdentity") {
    std::optional<EmuRole> role;
    long duration = 0;
    if (!role_checks(&role) || !Duration(p, 3600, 43200, &duration, request_id, resp)) return;
    WebIdentityClaims claims;
    std::string why;
    TokenVerdict v =
        VerifyWebIdentityToken(p["WebIdentityToken"], options_.token_key, system_clock::now(), &claims, &why);
    if (v == TokenVerdict::kExpired)
      return Error(resp, 400, "ExpiredTokenException", "Token expired: " + why, request_id);
    if (v != TokenVerdict::kOk) return Error(resp, 400, "InvalidIdentityToken", why, request_id);
    TrustRequest tr;
    tr.action = "sts:AssumeRoleWithWebIdentity";
    tr.issuer = claims.issuer;
    tr.audience = claims.audience;
    tr.subject = claims.subject;
    TrustDecision d = EvaluateTrust(role->trust_policy, tr);
    if (!d.allowed)
      return Error(resp, 403, "AccessDenied", "Not authorized to perform sts:AssumeRoleWithWebIdentity: " + d.reason,
                   request_id);
    return issue(*role, duration, claims.subject);
  }

  auto caller = creds_->Lookup(req.access_key);
  if (!caller)
    return Error(resp, 403, "InvalidClientTokenId", "The security token included in the request is invalid.",
                 request_id);
  if (action == "GetCallerIdentity") {
    Envelope(&doc, action, request_id, &result);
    Text(result, "UserId", caller->user_id);
    Text(result, "Account", kAccountId);
    Text(result, "Arn", caller->arn);
    resp->body = Dump(doc);
    return;
  }
  if (action == "GetSessionToken") {
    long duration = 0;
    if (!Duration(p, 43200, 129600, &duration, request_id, resp)) return;
    Principal t = creds_->IssueTemporary("session", "session", system_clock::now() + std::chrono::seconds(duration));
    Envelope(&doc, action, request_id, &result);
    WriteCredentials(result, t);
    resp->body = Dump(doc);
    return;
  }
  if (action == "AssumeRole") {
    std::optional<EmuRole> role;
    long duration = 0;
    if (!Duration(p, 3600, 43200, &duration, request_id, resp) || !role_checks(&role)) return;
    TrustRequest tr;
    tr.action = "sts:AssumeRole";
    tr.caller_arn = caller->arn;
    tr.external_id = p["ExternalId"];
    TrustDecision d = EvaluateTrust(role->trust_policy, tr);
    if (!d.allowed)
      return Error(resp, 403, "AccessDenied",
                   "User: " + caller->arn + " is not authorized to perform: sts:AssumeRole on resource: " + role->arn +
                       " (" + d.reason + ")",
                   request_id);
    return issue(*role, duration, "");
  }
  Error(resp, 400, "InvalidAction",
        action.empty() ? "The request has no Action parameter."
                       : "Could not find operation " + action + " for version 2011-06-15",
        request_id);
}

}  // namespace awsemu
