#include "aws/logs_client.h"

#include <algorithm>
#include <iterator>

#include <nlohmann/json.hpp>

namespace ferry::aws {

namespace {

using nlohmann::json;

// GetLogEvents pages ferry follows in one ReadNew call before returning what
// it has; the cursor lets the next call carry on. Guards against a service
// that never repeats its forward token.
constexpr int kMaxPagesPerRead = 1000;

Status ParseEvents(const std::string& operation, const json& response, std::vector<LogEvent>* events) {
  auto it = response.find("events");
  if (it == response.end() || it->is_null()) return Status::Ok();
  if (!it->is_array()) return Status::Failed("logs " + operation + ": response field 'events' is not a list");
  try {
    for (const json& e : *it) {
      if (!e.is_object()) return Status::Failed("logs " + operation + ": a log event is not an object");
      LogEvent ev;
      ev.timestamp_ms = e.value("timestamp", int64_t{0});
      ev.ingestion_ms = e.value("ingestionTime", int64_t{0});
      ev.message = e.value("message", std::string());
      ev.event_id = e.value("eventId", std::string());
      events->push_back(std::move(ev));
    }
  } catch (const json::exception&) {
    return Status::Failed("logs " + operation + ": a log event has a field of the wrong type");
  }
  return Status::Ok();
}

// Parses a JSON response body; nlohmann's exceptions stay inside this file.
Status ParseBody(const std::string& operation, const std::string& body, json* out) {
  *out = json::parse(body.empty() ? std::string("{}") : body, nullptr, false);
  if (out->is_discarded() || !out->is_object())
    return Status::Failed("logs " + operation + ": response is not a JSON object");
  return Status::Ok();
}

std::string StreamTarget(const std::string& group, const std::string& stream) {
  return "log stream " + group + "/" + stream;
}

}  // namespace

LogsClient::LogsClient(std::shared_ptr<AwsClient> client) : client_(std::move(client)) {}

Status LogsClient::Call(const std::string& operation, const std::string& request_json, std::string* response_json,
                        AwsError* error) {
  ServiceRequest r;
  r.service = "logs";
  r.operation = operation;
  r.method = "POST";
  r.path = "/";
  r.headers = {{"Content-Type", "application/x-amz-json-1.1"}, {"X-Amz-Target", "Logs_20140328." + operation}};
  r.body = std::make_shared<StringBody>(request_json);
  ServiceResponse resp = client_->Call(std::move(r));
  if (!resp.status.ok()) {
    if (error) *error = resp.error;
    return resp.status;
  }
  if (response_json) *response_json = std::move(resp.http.body);
  return Status::Ok();
}

Status LogsClient::ReadNew(const std::string& group, const std::string& stream, LogCursor* cursor,
                           std::vector<LogEvent>* events) {
  for (int page = 0; page < kMaxPagesPerRead; ++page) {
    json req = {{"logGroupName", group}, {"logStreamName", stream}, {"startFromHead", true}};
    if (!cursor->next_token.empty()) req["nextToken"] = cursor->next_token;
    std::string body;
    AwsError err;
    Status s = Call("GetLogEvents", req.dump(), &body, &err);
    // The stream appears only once the job writes its first line.
    if (!s.ok() && err.code == "ResourceNotFoundException") return Status::Ok();
    if (!s.ok()) return s;
    json resp;
    if (Status p = ParseBody("GetLogEvents", body, &resp); !p.ok()) return p;
    if (Status p = ParseEvents("GetLogEvents", resp, events); !p.ok()) return p;
    auto tok = resp.find("nextForwardToken");
    std::string next = tok != resp.end() && tok->is_string() ? tok->get<std::string>() : std::string();
    // The end of what is available now: the token comes back unchanged.
    if (next.empty() || next == cursor->next_token) return Status::Ok();
    cursor->next_token = std::move(next);
  }
  return Status::Ok();
}

Status LogsClient::Tail(const std::string& group, const std::string& stream, int n, std::vector<LogEvent>* events) {
  if (n <= 0) return Status::Ok();
  json req = {
      {"logGroupName", group}, {"logStreamName", stream}, {"startFromHead", false}, {"limit", std::min(n, 10000)}};
  std::string body;
  AwsError err;
  Status s = Call("GetLogEvents", req.dump(), &body, &err);
  if (!s.ok() && err.code == "ResourceNotFoundException")
    return Status::NotFound(StreamTarget(group, stream) + " does not exist (the job may not have started)");
  if (!s.ok()) return s;
  json resp;
  if (Status p = ParseBody("GetLogEvents", body, &resp); !p.ok()) return p;
  std::vector<LogEvent> got;
  if (Status p = ParseEvents("GetLogEvents", resp, &got); !p.ok()) return p;
  // The service already returns the newest events oldest first; keep at
  // most n in case it returns more.
  size_t skip = got.size() > static_cast<size_t>(n) ? got.size() - n : 0;
  events->insert(events->end(), std::make_move_iterator(got.begin() + skip), std::make_move_iterator(got.end()));
  return Status::Ok();
}

}  // namespace ferry::aws
