#include "aws/aws_error.h"

#include <nlohmann/json.hpp>
#include <pugixml.hpp>

#include "util/text.h"

namespace ferry::aws {

namespace {

std::string StatusText(int status) {
  switch (status) {
    case 301: return "PermanentRedirect";
    case 400: return "BadRequest";
    case 403: return "Forbidden";
    case 404: return "NotFound";
    case 405: return "MethodNotAllowed";
    case 409: return "Conflict";
    case 412: return "PreconditionFailed";
    case 416: return "InvalidRange";
    case 429: return "TooManyRequests";
    case 500: return "InternalError";
    case 502: return "BadGateway";
    case 503: return "ServiceUnavailable";
    case 504: return "GatewayTimeout";
    default: return "HTTP" + std::to_string(status);
  }
}

void ParseXml(const std::string& body, AwsError* e) {
  pugi::xml_document doc;
  if (!doc.load_buffer(body.data(), body.size())) return;
  // S3: <Error><Code/>...; query protocol: <ErrorResponse><Error><Code/>...</Error><RequestId/>
  pugi::xml_node err = doc.child("Error");
  pugi::xml_node root = err;
  if (!err) {
    root = doc.first_child();
    err = root.child("Error");
    if (!err) err = root.child("Errors").child("Error");
  }
  if (!err) return;
  e->code = err.child_value("Code");
  e->message = err.child_value("Message");
  std::string rid = err.child_value("RequestId");
  if (rid.empty()) rid = root.child_value("RequestId");
  if (rid.empty()) rid = root.child_value("RequestID");
  if (!rid.empty()) e->request_id = rid;
}

void ParseJson(const std::string& body, AwsError* e) {
  nlohmann::json j = nlohmann::json::parse(body, nullptr, false);
  if (j.is_discarded() || !j.is_object()) return;
  std::string type;
  for (const char* k : {"__type", "code", "Code"})
    if (j.contains(k) && j[k].is_string()) {
      type = j[k].get<std::string>();
      break;
    }
  // "com.amazonaws.batch#ClientException" or "aws.protocoltests#Foo:http://..."
  if (size_t hash = type.rfind('#'); hash != std::string::npos) type = type.substr(hash + 1);
  if (size_t colon = type.find(':'); colon != std::string::npos) type = type.substr(0, colon);
  if (!type.empty()) e->code = type;
  for (const char* k : {"message", "Message", "errorMessage"})
    if (j.contains(k) && j[k].is_string()) {
      e->message = j[k].get<std::string>();
      break;
    }
}

}  // namespace

AwsError ParseAwsError(const std::string& service, const std::string& operation, const HttpResponse& resp) {
  AwsError e;
  e.service = service;
  e.operation = operation;
  e.http_status = resp.status;
  if (!resp.transport_ok()) e.transport_error = resp.curl_error;
  for (const char* h : {"x-amzn-RequestId", "x-amz-request-id", "x-amzn-requestid"}) {
    std::string v = resp.Header(h);
    if (!v.empty()) {
      e.request_id = v;
      break;
    }
  }
  std::string_view body = Trim(resp.body);
  if (!body.empty() && body.front() == '<') ParseXml(std::string(body), &e);
  else if (!body.empty() && body.front() == '{') ParseJson(std::string(body), &e);
  if (e.code.empty()) {
    std::string t = resp.Header("x-amzn-ErrorType");
    if (size_t colon = t.find(':'); colon != std::string::npos) t = t.substr(0, colon);
    e.code = t;
  }
  if (e.code.empty() && resp.status >= 300) e.code = StatusText(resp.status);
  return e;
}

std::string AwsError::ToString() const {
  std::string out = service + " " + operation;
  if (!target.empty()) out += " " + target;
  if (http_status == 0) {
    out += ": no response: " + (transport_error.empty() ? std::string("connection failed") : transport_error);
  } else {
    out += ": HTTP " + std::to_string(http_status);
    if (!code.empty()) out += " " + code;
    if (!message.empty()) out += ": " + message;
    if (!transport_error.empty()) out += " (" + transport_error + ")";
  }
  if (!request_id.empty()) out += " (request id " + request_id + ")";
  if (attempts > 1) out += " after " + std::to_string(attempts) + " attempts";
  return out;
}

namespace {

bool IsAccessDeniedCode(const std::string& code) { return code == "AccessDenied" || code == "AccessDeniedException"; }

}  // namespace

bool IsAccessDenied(const Status& s) { return !s.ok() && IsAccessDeniedCode(s.aws_code()); }

bool IsNoSuchBucket(const Status& s) { return !s.ok() && s.aws_code() == "NoSuchBucket"; }

Status AwsError::ToStatus() const {
  if (http_status == 404 || code == "NoSuchKey" || code == "NoSuchBucket" || code == "ResourceNotFoundException")
    return Status::NotFound(ToString()).WithAwsCode(code);
  std::string msg = ToString();
  if (code == "InvalidAccessKeyId" || code == "SignatureDoesNotMatch" || code == "UnrecognizedClientException" ||
      code == "InvalidClientTokenId")
    msg += "\n  check the credentials ferry uses: run `ferry aws whoami`";
  else if (code == "ExpiredToken" || code == "ExpiredTokenException")
    msg += "\n  the session token has expired: refresh your credentials (e.g. `aws sso login`)";
  else if (IsAccessDeniedCode(code))
    msg += "\n  the identity shown by `ferry aws whoami` lacks permission for this call";
  return Status::Failed(msg).WithAwsCode(code);
}

}  // namespace ferry::aws
