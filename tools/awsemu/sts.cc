#include "awsemu/sts.h"

#include <atomic>
#include <ctime>
#include <map>
#include <sstream>

#include <pugixml.hpp>

#include "aws/sigv4.h"
#include "awsemu/emu_error.h"
#include "awsemu/query_protocol.h"
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

void StsService::Handle(const EmuRequest& req, EmuResponse* resp) {
  const std::string request_id = NewQueryRequestId();
  resp->headers.emplace_back("x-amzn-RequestId", request_id);
  auto p = QueryParams(req);
  const std::string action = p.count("Action") ? p["Action"] : "";
  auto caller = creds_->Lookup(req.access_key);
  if (!caller)
    return Error(resp, 403, "InvalidClientTokenId", "The security token included in the request is invalid.",
                 request_id);

  pugi::xml_document doc;
  pugi::xml_node result;
  resp->content_type = "text/xml";
  if (action == "GetCallerIdentity") {
    Envelope(&doc, action, request_id, &result);
    Text(result, "UserId", caller->user_id);
    Text(result, "Account", kAccountId);
    Text(result, "Arn", caller->arn);
    resp->body = Dump(doc);
    return;
  }
  if (action == "AssumeRole" || action == "GetSessionToken") {
    long duration = action == "AssumeRole" ? 3600 : 43200;
    if (p.count("DurationSeconds")) {
      char* end = nullptr;
      duration = std::strtol(p["DurationSeconds"].c_str(), &end, 10);
      long max = action == "AssumeRole" ? 43200 : 129600;
      if (*end != '\0' || duration < 900 || duration > max) {
        return Error(resp, 400, "ValidationError",
                     "1 validation error detected: Value '" + p["DurationSeconds"] +
                         "' at 'durationSeconds' failed to satisfy constraint: Member must have "
                         "value between 900 and " +
                         std::to_string(max),
                     request_id);
      }
    }
    auto expires = system_clock::now() + std::chrono::seconds(duration);
    if (action == "GetSessionToken") {
      Principal t = creds_->IssueTemporary("session", "session", expires);
      Envelope(&doc, action, request_id, &result);
      WriteCredentials(result, t);
      resp->body = Dump(doc);
      return;
    }
    const std::string role_arn = p["RoleArn"];
    const std::string session = p["RoleSessionName"];
    if (role_arn.empty()) {
      return Error(resp, 400, "ValidationError",
                   "1 validation error detected: Value null at 'roleArn' failed to satisfy "
                   "constraint: Member must not be null",
                   request_id);
    }
    if (session.size() < 2 || session.size() > 64) {
      return Error(resp, 400, "ValidationError",
                   "1 validation error detected: Value '" + session +
                       "' at 'roleSessionName' failed to satisfy constraint: Member must have "
                       "length between 2 and 64",
                   request_id);
    }
    auto role_pos = role_arn.find(":role/");
    if (!ferry::StartsWith(role_arn, "arn:aws:iam::") || role_pos == std::string::npos) {
      return Error(resp, 400, "ValidationError",
                   "RoleArn '" + role_arn + "' is not an IAM role ARN (arn:aws:iam::ACCOUNT:role/NAME)", request_id);
    }
    std::string role_name = role_arn.substr(role_pos + 6);
    auto slash = role_name.rfind('/');
    if (slash != std::string::npos) role_name = role_name.substr(slash + 1);
    Principal t = creds_->IssueTemporary(role_name, session, expires);
    Envelope(&doc, action, request_id, &result);
    WriteCredentials(result, t);
    pugi::xml_node user = result.append_child("AssumedRoleUser");
    Text(user, "AssumedRoleId", t.user_id);
    Text(user, "Arn", t.arn);
    resp->body = Dump(doc);
    return;
  }
  Error(resp, 400, "InvalidAction",
        action.empty() ? "The request has no Action parameter."
                       : "Could not find operation " + action + " for version 2011-06-15",
        request_id);
}

}  // namespace awsemu
