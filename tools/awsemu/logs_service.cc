#include "awsemu/logs_service.h"

#include <chrono>
#include <cstdio>
#include <nlohmann/json.hpp>

#include "awsemu/batch_ids.h"

namespace awsemu {
namespace {

using nlohmann::json;

constexpr const char* kTargetPrefix = "Logs_20140328.";
constexpr const char* kContentType = "application/x-amz-json-1.1";

// The retention values CloudWatch accepts (PutRetentionPolicy).
constexpr int kRetentionDays[] = {1,   3,   5,   7,   14,  30,   60,   90,   120,  150,  180,
                                  365, 400, 545, 731, 1827, 2192, 2557, 2922, 3288, 3653};

void SetError(EmuResponse* resp, const std::string& code, const std::string& message, int status = 400) {
  resp->status = status;
  resp->content_type = kContentType;
  resp->headers.push_back({"x-amzn-ErrorType", code});
  resp->body = json{{"__type", code}, {"message", message}}.dump();
}

void SetOk(EmuResponse* resp, const json& body) {
  resp->status = 200;
  resp->content_type = kContentType;
  resp->body = body.dump(-1, ' ', false, json::error_handler_t::replace);
}

// Input validation in CloudWatch's words; a thrown BadParam becomes an
// InvalidParameterException (or the named code).
struct BadParam {
  std::string code;
  std::string message;
};

std::string ReqString(const json& in, const char* key) {
  auto it = in.find(key);
  if (it == in.end() || it->is_null())
    throw BadParam{"InvalidParameterException", std::string("1 validation error detected: Value null at '") + key +
                                                    "' failed to satisfy constraint: Member must not be null"};
  if (!it->is_string()) throw BadParam{"SerializationException", std::string("Expected a string for ") + key};
  std::string s = it->get<std::string>();
  if (s.empty())
    throw BadParam{"InvalidParameterException", std::string("1 validation error detected: Value '' at '") + key +
                                                    "' failed to satisfy constraint: Member must have length "
                                                    "greater than or equal to 1"};
  return s;
}

std::string OptString(const json& in, const char* key) {
  auto it = in.find(key);
  if (it == in.end() || it->is_null()) return "";
  if (!it->is_string()) throw BadParam{"SerializationException", std::string("Expected a string for ") + key};
  return it->get<std::string>();
}

std::optional<int64_t> OptInt(const json& in, const char* key) {
  auto it = in.find(key);
  if (it == in.end() || it->is_null()) return std::nullopt;
  if (!it->is_number_integer()) throw BadParam{"SerializationException", std::string("Expected a number for ") + key};
  return it->get<int64_t>();
}

bool OptBool(const json& in, const char* key) {
  auto it = in.find(key);
  if (it == in.end() || it->is_null()) return false;
  if (!it->is_boolean()) throw BadParam{"SerializationException", std::string("Expected a boolean for ") + key};
  return it->get<bool>();
}

int Limit(const json& in, const char* key, int max, int dflt) {
  auto v = OptInt(in, key);
  if (!v) return dflt;
  if (*v < 1 || *v > max)
    throw BadParam{"InvalidParameterException",
                   "1 validation error detected: Value '" + std::to_string(*v) + "' at '" + key +
                       "' failed to satisfy constraint: Member must have value less than or equal to " +
                       std::to_string(max) + " and greater than or equal to 1"};
  return static_cast<int>(*v);
}

// Log group names: 1-512 of letters, digits and . - _ / #; stream names
// may not contain ':' or '*'.
std::string GroupName(const json& in) {
  std::string name = ReqString(in, "logGroupName");
  bool ok = name.size() <= 512 && name.find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
                                                          "0123456789._-/#") == std::string::npos;
  if (!ok)
    throw BadParam{"InvalidParameterException",
                   "1 validation error detected: Value '" + name +
                       "' at 'logGroupName' failed to satisfy constraint: Member must satisfy regular expression "
                       "pattern: [\\.\\-_/#A-Za-z0-9]+"};
  return name;
}

std::string StreamName(const json& in) {
  std::string name = ReqString(in, "logStreamName");
  if (name.size() > 512 || name.find_first_of(":*") != std::string::npos)
    throw BadParam{"InvalidParameterException",
                   "1 validation error detected: Value '" + name +
                       "' at 'logStreamName' failed to satisfy constraint: Member must satisfy regular expression "
                       "pattern: [^:*]*"};
  return name;
}

void CheckError(const LogsError& e) {
  if (!e.ok()) throw BadParam{e.code, e.message};
}

std::string GroupArn(const EmuContext& ctx, const std::string& group) {
  return "arn:aws:logs:" + ctx.region + ":" + std::string(kAccountId) + ":log-group:" + group + ":*";
}

json EventJson(const LogEvent& e) {
  return json{{"timestamp", e.timestamp}, {"message", e.message}, {"ingestionTime", e.ingestion_time}};
}

}  // namespace

int64_t NowMillis() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

LogsService::LogsService(const EmuContext& ctx) : ctx_(ctx) {}

std::string LogsService::OperationName(const EmuRequest& req) const {
  std::string target = req.Header("x-amz-target");
  std::string prefix = kTargetPrefix;
  if (target.compare(0, prefix.size(), prefix) != 0) return "";
  return target.substr(prefix.size());
}

void LogsService::AppendEvents(const std::string& group, const std::string& stream,
                               const std::vector<std::pair<int64_t, std::string>>& events) {
  store_.Append(group, stream, events, NowMillis());
}

void LogsService::Handle(const EmuRequest& req, EmuResponse* resp) {
  const std::string op = OperationName(req);
  if (req.method != "POST" || op.empty()) {
    SetError(resp, "UnknownOperationException", "", 400);
    return;
  }
  json in;
  try {
    in = req.body.empty() ? json::object() : json::parse(req.body);
  } catch (const json::exception&) {
    SetError(resp, "SerializationException", "The request body is not valid JSON.");
    return;
  }
  if (!in.is_object()) {
    SetError(resp, "SerializationException", "The request body must be a JSON object.");
    return;
  }
  const int64_t now = NowMillis();
  try {
    if (op == "CreateLogGroup") {
      CheckError(store_.CreateGroup(GroupName(in), now));
      SetOk(resp, json::object());
    } else if (op == "DeleteLogGroup") {
      CheckError(store_.DeleteGroup(ReqString(in, "logGroupName")));
      SetOk(resp, json::object());
    } else if (op == "DescribeLogGroups") {
      std::vector<LogGroupInfo> groups;
      std::string token;
      CheckError(store_.DescribeGroups(OptString(in, "logGroupNamePrefix"), OptString(in, "logGroupNamePattern"),
                                       OptString(in, "nextToken"), Limit(in, "limit", 50, 50), &groups, &token));
      json out = {{"logGroups", json::array()}};
      for (const auto& g : groups) {
        json j = {{"logGroupName", g.name},
                  {"creationTime", g.creation_time},
                  {"metricFilterCount", 0},
                  {"arn", GroupArn(ctx_, g.name)},
                  {"storedBytes", g.stored_bytes}};
        if (g.retention_days) j["retentionInDays"] = *g.retention_days;
        out["logGroups"].push_back(j);
      }
      if (!token.empty()) out["nextToken"] = token;
      SetOk(resp, out);
    } else if (op == "PutRetentionPolicy") {
      std::string group = ReqString(in, "logGroupName");
      auto days = OptInt(in, "retentionInDays");
      bool valid = false;
      for (int d : kRetentionDays) valid = valid || (days && *days == d);
      if (!valid)
        throw BadParam{"InvalidParameterException",
                       "1 validation error detected: Value '" + (days ? std::to_string(*days) : "null") +
                           "' at 'retentionInDays' failed to satisfy constraint: Member must satisfy enum value "
                           "set: [1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1827, 2192, "
                           "2557, 2922, 3288, 3653]"};
      CheckError(store_.PutRetention(group, static_cast<int>(*days)));
      SetOk(resp, json::object());
    } else if (op == "DeleteRetentionPolicy") {
      CheckError(store_.PutRetention(ReqString(in, "logGroupName"), std::nullopt));
      SetOk(resp, json::object());
    } else if (op == "CreateLogStream") {
      CheckError(store_.CreateStream(ReqString(in, "logGroupName"), StreamName(in), now));
      SetOk(resp, json::object());
    } else if (op == "DeleteLogStream") {
      CheckError(store_.DeleteStream(ReqString(in, "logGroupName"), ReqString(in, "logStreamName")));
      SetOk(resp, json::object());
    } else if (op == "DescribeLogStreams") {
      DescribeStreamsQuery q;
      q.group = ReqString(in, "logGroupName");
      q.prefix = OptString(in, "logStreamNamePrefix");
      std::string order = OptString(in, "orderBy");
      if (!order.empty() && order != "LogStreamName" && order != "LastEventTime")
        throw BadParam{"InvalidParameterException",
                       "1 validation error detected: Value '" + order +
                           "' at 'orderBy' failed to satisfy constraint: Member must satisfy enum value set: "
                           "[LogStreamName, LastEventTime]"};
      q.order_by_last_event_time = order == "LastEventTime";
      q.descending = OptBool(in, "descending");
      q.next_token = OptString(in, "nextToken");
      q.limit = Limit(in, "limit", 50, 50);
      std::vector<LogStreamInfo> streams;
      std::string token;
      CheckError(store_.DescribeStreams(q, &streams, &token));
      json out = {{"logStreams", json::array()}};
      for (const auto& s : streams) {
        json j = {{"logStreamName", s.name},
                  {"creationTime", s.creation_time},
                  {"arn", "arn:aws:logs:" + ctx_.region + ":" + std::string(kAccountId) + ":log-group:" + q.group +
                              ":log-stream:" + s.name},
                  {"storedBytes", s.stored_bytes}};
        if (s.first_event_timestamp) j["firstEventTimestamp"] = *s.first_event_timestamp;
        if (s.last_event_timestamp) j["lastEventTimestamp"] = *s.last_event_timestamp;
        if (s.last_ingestion_time) j["lastIngestionTime"] = *s.last_ingestion_time;
        out["logStreams"].push_back(j);
      }
      if (!token.empty()) out["nextToken"] = token;
      SetOk(resp, out);
    } else if (op == "PutLogEvents") {
      std::string group = ReqString(in, "logGroupName");
      std::string stream = ReqString(in, "logStreamName");
      auto evs = in.find("logEvents");
      if (evs == in.end() || !evs->is_array() || evs->empty())
        throw BadParam{"InvalidParameterException",
                       "1 validation error detected: Value at 'logEvents' failed to satisfy constraint: Member "
                       "must have length greater than or equal to 1"};
      if (evs->size() > 10000)
        throw BadParam{"InvalidParameterException",
                       "1 validation error detected: Value at 'logEvents' failed to satisfy constraint: Member "
                       "must have length less than or equal to 10000"};
      // AWS accepts events up to 2 hours ahead and not older than 14 days
      // (or the retention); others are reported back, not stored.
      std::vector<std::pair<int64_t, std::string>> events;
      int too_new_start = -1, too_old_end = -1;
      int64_t prev = INT64_MIN;
      int idx = 0;
      for (const json& e : *evs) {
        if (!e.is_object()) throw BadParam{"SerializationException", "Each log event must be an object"};
        auto ts = OptInt(e, "timestamp");
        std::string msg = OptString(e, "message");
        if (!ts) throw BadParam{"InvalidParameterException", "Each log event needs a timestamp."};
        if (msg.empty())
          throw BadParam{"InvalidParameterException", "Log event message must have length greater than or equal to 1."};
        if (*ts < prev)
          throw BadParam{"InvalidParameterException",
                         "Log events in a single PutLogEvents request must be in chronological order."};
        prev = *ts;
        if (*ts > now + 2LL * 3600 * 1000) {
          if (too_new_start < 0) too_new_start = idx;
        } else if (*ts < now - 14LL * 24 * 3600 * 1000) {
          too_old_end = idx + 1;
        } else {
          events.emplace_back(*ts, std::move(msg));
        }
        ++idx;
      }
      CheckError(store_.Put(group, stream, events, now));
      // Sequence tokens are no longer checked by AWS, but it still returns
      // one and older clients read it.
      char seq[64];
      std::snprintf(seq, sizeof seq, "%056lld", static_cast<long long>(now));
      json out = {{"nextSequenceToken", seq}};
      if (too_new_start >= 0 || too_old_end >= 0) {
        json info = json::object();
        if (too_new_start >= 0) info["tooNewLogEventStartIndex"] = too_new_start;
        if (too_old_end >= 0) info["tooOldLogEventEndIndex"] = too_old_end;
        out["rejectedLogEventsInfo"] = info;
      }
      SetOk(resp, out);
    } else if (op == "GetLogEvents") {
      GetEventsQuery q;
      q.group = ReqString(in, "logGroupName");
      q.stream = ReqString(in, "logStreamName");
      q.start_time = OptInt(in, "startTime");
      q.end_time = OptInt(in, "endTime");
      q.next_token = OptString(in, "nextToken");
      q.limit = Limit(in, "limit", 10000, 10000);
      q.start_from_head = OptBool(in, "startFromHead");
      GetEventsResult r;
      CheckError(store_.GetEvents(q, now, &r));
      json out = {{"events", json::array()},
                  {"nextForwardToken", r.next_forward_token},
                  {"nextBackwardToken", r.next_backward_token}};
      for (const auto& e : r.events) out["events"].push_back(EventJson(e));
      SetOk(resp, out);
    } else if (op == "FilterLogEvents") {
      FilterQuery q;
      q.group = ReqString(in, "logGroupName");
      if (auto it = in.find("logStreamNames"); it != in.end() && !it->is_null()) {
        if (!it->is_array()) throw BadParam{"SerializationException", "Expected a list for logStreamNames"};
        for (const json& n : *it) {
          if (!n.is_string()) throw BadParam{"SerializationException", "Expected strings in logStreamNames"};
          q.stream_names.push_back(n.get<std::string>());
        }
      }
      q.stream_prefix = OptString(in, "logStreamNamePrefix");
      q.start_time = OptInt(in, "startTime");
      q.end_time = OptInt(in, "endTime");
      q.filter_pattern = OptString(in, "filterPattern");
      q.next_token = OptString(in, "nextToken");
      q.limit = Limit(in, "limit", 10000, 10000);
      FilterResult r;
      CheckError(store_.Filter(q, now, &r));
      json out = {{"events", json::array()}, {"searchedLogStreams", json::array()}};
      for (const auto& fe : r.events) {
        json j = EventJson(fe.event);
        j["logStreamName"] = fe.stream;
        j["eventId"] = fe.event_id;
        out["events"].push_back(j);
      }
      for (const auto& s : r.searched_streams)
        out["searchedLogStreams"].push_back({{"logStreamName", s}, {"searchedCompletely", true}});
      if (!r.next_token.empty()) out["nextToken"] = r.next_token;
      SetOk(resp, out);
    } else {
      SetError(resp, "UnknownOperationException", "");
    }
  } catch (const BadParam& e) {
    SetError(resp, e.code, e.message);
  } catch (const json::exception& e) {
    SetError(resp, "SerializationException", e.what());
  }
}

std::unique_ptr<Service> MakeLogsService(const EmuContext& ctx) { return std::make_unique<LogsService>(ctx); }

}  // namespace awsemu
