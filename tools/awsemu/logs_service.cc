#include "awsemu/logs_service.h"

#include <chrono>
#include <cstdio>
#include <nlohmann/json.hpp>

#include "awsemu/batch_ids.h"
#include "awsemu/emu_error.h"
#include "awsemu/operation_table.h"

namespace awsemu {
namespace {

using nlohmann::json;

constexpr const char* kTargetPrefix = "Logs_20140328.";
constexpr const char* kContentType = "application/x-amz-json-1.1";

// The retention values CloudWatch accepts (PutRetentionPolicy).
constexpr int kRetentionDays[] = {1,   3,   5,   7,   14,   30,   60,   90,   120,  150, 180,
                                  365, 400, 545, 731, 1827, 2192, 2557, 2922, 3288, 3653};

// Input validation in CloudWatch's words. The readers throw an EmuError;
// the operation table (Run below) catches it and answers with it.

std::string ReqString(const json& in, const char* key) {
  auto it = in.find(key);
  if (it == in.end() || it->is_null())
    throw EmuError::Client("InvalidParameterException", std::string("1 validation error detected: Value null at '") +
                                                            key +
                                                            "' failed to satisfy constraint: Member must not be null");
  if (!it->is_string()) throw EmuError::Client("SerializationException", std::string("Expected a string for ") + key);
  std::string s = it->get<std::string>();
  if (s.empty())
    throw EmuError::Client("InvalidParameterException", std::string("1 validation error detected: Value '' at '") +
                                                            key +
                                                            "' failed to satisfy constraint: Member must have length "
                                                            "greater than or equal to 1");
  return s;
}

std::string OptString(const json& in, const char* key) {
  auto it = in.find(key);
  if (it == in.end() || it->is_null()) return "";
  if (!it->is_string()) throw EmuError::Client("SerializationException", std::string("Expected a string for ") + key);
  return it->get<std::string>();
}

std::optional<int64_t> OptInt(const json& in, const char* key) {
  auto it = in.find(key);
  if (it == in.end() || it->is_null()) return std::nullopt;
  if (!it->is_number_integer())
    throw EmuError::Client("SerializationException", std::string("Expected a number for ") + key);
  return it->get<int64_t>();
}

bool OptBool(const json& in, const char* key) {
  auto it = in.find(key);
  if (it == in.end() || it->is_null()) return false;
  if (!it->is_boolean()) throw EmuError::Client("SerializationException", std::string("Expected a boolean for ") + key);
  return it->get<bool>();
}

int Limit(const json& in, const char* key, int max, int dflt) {
  auto v = OptInt(in, key);
  if (!v) return dflt;
  if (*v < 1 || *v > max)
    throw EmuError::Client("InvalidParameterException",
                           "1 validation error detected: Value '" + std::to_string(*v) + "' at '" + key +
                               "' failed to satisfy constraint: Member must have value less than or equal to " +
                               std::to_string(max) + " and greater than or equal to 1");
  return static_cast<int>(*v);
}

// Log group names: 1-512 of letters, digits and . - _ / #; stream names
// may not contain ':' or '*'.
std::string GroupName(const json& in) {
  std::string name = ReqString(in, "logGroupName");
  bool ok = name.size() <= 512 && name.find_first_not_of(
                                      "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
                                      "0123456789._-/#") == std::string::npos;
  if (!ok)
    throw EmuError::Client(
        "InvalidParameterException",
        "1 validation error detected: Value '" + name +
            "' at 'logGroupName' failed to satisfy constraint: Member must satisfy regular expression "
            "pattern: [\\.\\-_/#A-Za-z0-9]+");
  return name;
}

std::string StreamName(const json& in) {
  std::string name = ReqString(in, "logStreamName");
  if (name.size() > 512 || name.find_first_of(":*") != std::string::npos)
    throw EmuError::Client(
        "InvalidParameterException",
        "1 validation error detected: Value '" + name +
            "' at 'logStreamName' failed to satisfy constraint: Member must satisfy regular expression "
            "pattern: [^:*]*");
  return name;
}

void CheckError(const EmuError& e) {
  if (!e.ok()) throw e;
}

std::string GroupArn(const EmuContext& ctx, const std::string& group) {
  return "arn:aws:logs:" + ctx.region + ":" + std::string(kAccountId) + ":log-group:" + group + ":*";
}

json EventJson(const LogEvent& e) {
  return json{{"timestamp", e.timestamp}, {"message", e.message}, {"ingestionTime", e.ingestion_time}};
}

// What an operation sees: the store, the emulator's context, the request
// body and the time of the call.
struct LogsCall {
  LogStore& store;
  const EmuContext& ctx;
  const json& in;
  int64_t now;
};

// A tags map ({"key": "value"}), as CreateLogGroup and TagLogGroup take it.
std::map<std::string, std::string> TagMap(const json& in, const char* key) {
  std::map<std::string, std::string> tags;
  auto it = in.find(key);
  if (it == in.end() || it->is_null()) return tags;
  if (!it->is_object()) throw EmuError::Client("SerializationException", std::string("Expected a map for ") + key);
  for (const auto& [k, v] : it->items()) {
    if (!v.is_string()) throw EmuError::Client("SerializationException", "Expected a string for the tag " + k);
    tags[k] = v.get<std::string>();
  }
  return tags;
}

json CreateLogGroup(const LogsCall& c) {
  std::string group = GroupName(c.in);
  std::map<std::string, std::string> tags = TagMap(c.in, "tags");
  CheckError(c.store.CreateGroup(group, c.now));
  if (!tags.empty()) CheckError(c.store.Tag(group, tags, {}, nullptr));
  return json::object();
}

json TagLogGroup(const LogsCall& c) {
  std::map<std::string, std::string> tags = TagMap(c.in, "tags");
  if (tags.empty())
    throw EmuError::Client("InvalidParameterException",
                           "1 validation error detected: Value null at 'tags' failed to satisfy constraint: Member "
                           "must not be null");
  CheckError(c.store.Tag(ReqString(c.in, "logGroupName"), tags, {}, nullptr));
  return json::object();
}

json UntagLogGroup(const LogsCall& c) {
  std::vector<std::string> keys;
  auto it = c.in.find("tags");
  if (it != c.in.end() && it->is_array())
    for (const auto& k : *it)
      if (k.is_string()) keys.push_back(k.get<std::string>());
  CheckError(c.store.Tag(ReqString(c.in, "logGroupName"), {}, keys, nullptr));
  return json::object();
}

json ListTagsLogGroup(const LogsCall& c) {
  std::map<std::string, std::string> tags;
  CheckError(c.store.Tag(ReqString(c.in, "logGroupName"), {}, {}, &tags));
  return json{{"tags", tags}};
}

json DeleteLogGroup(const LogsCall& c) {
  CheckError(c.store.DeleteGroup(ReqString(c.in, "logGroupName")));
  return json::object();
}

json DescribeLogGroups(const LogsCall& c) {
  std::vector<LogGroupInfo> groups;
  std::string token;
  CheckError(c.store.DescribeGroups(OptString(c.in, "logGroupNamePrefix"), OptString(c.in, "logGroupNamePattern"),
                                    OptString(c.in, "nextToken"), Limit(c.in, "limit", 50, 50), &groups, &token));
  json out = {{"logGroups", json::array()}};
  for (const auto& g : groups) {
    json j = {{"logGroupName", g.name},
              {"creationTime", g.creation_time},
              {"metricFilterCount", 0},
              {"arn", GroupArn(c.ctx, g.name)},
              {"storedBytes", g.stored_bytes}};
    if (g.retention_days) j["retentionInDays"] = *g.retention_days;
    out["logGroups"].push_back(j);
  }
  if (!token.empty()) out["nextToken"] = token;
  return out;
}

json PutRetentionPolicy(const LogsCall& c) {
  std::string group = ReqString(c.in, "logGroupName");
  auto days = OptInt(c.in, "retentionInDays");
  bool valid = false;
  for (int d : kRetentionDays) valid = valid || (days && *days == d);
  if (!valid)
    throw EmuError::Client("InvalidParameterException",
                           "1 validation error detected: Value '" + (days ? std::to_string(*days) : "null") +
                               "' at 'retentionInDays' failed to satisfy constraint: Member must satisfy enum value "
                               "set: [1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1827, 2192, "
                               "2557, 2922, 3288, 3653]");
  CheckError(c.store.PutRetention(group, static_cast<int>(*days)));
  return json::object();
}

json DeleteRetentionPolicy(const LogsCall& c) {
  CheckError(c.store.PutRetention(ReqString(c.in, "logGroupName"), std::nullopt));
  return json::object();
}

json CreateLogStream(const LogsCall& c) {
  CheckError(c.store.CreateStream(ReqString(c.in, "logGroupName"), StreamName(c.in), c.now));
  return json::object();
}

json DeleteLogStream(const LogsCall& c) {
  CheckError(c.store.DeleteStream(ReqString(c.in, "logGroupName"), ReqString(c.in, "logStreamName")));
  return json::object();
}

json DescribeLogStreams(const LogsCall& c) {
  DescribeStreamsQuery q;
  q.group = ReqString(c.in, "logGroupName");
  q.prefix = OptString(c.in, "logStreamNamePrefix");
  std::string order = OptString(c.in, "orderBy");
  if (!order.empty() && order != "LogStreamName" && order != "LastEventTime")
    throw EmuError::Client("InvalidParameterException",
                           "1 validation error detected: Value '" + order +
                               "' at 'orderBy' failed to satisfy constraint: Member must satisfy enum value set: "
                               "[LogStreamName, LastEventTime]");
  q.order_by_last_event_time = order == "LastEventTime";
  q.descending = OptBool(c.in, "descending");
  q.next_token = OptString(c.in, "nextToken");
  q.limit = Limit(c.in, "limit", 50, 50);
  std::vector<LogStreamInfo> streams;
  std::string token;
  CheckError(c.store.DescribeStreams(q, &streams, &token));
  json out = {{"logStreams", json::array()}};
  for (const auto& s : streams) {
    json j = {{"logStreamName", s.name},
              {"creationTime", s.creation_time},
              {"arn", "arn:aws:logs:" + c.ctx.region + ":" + std::string(kAccountId) + ":log-group:" + q.group +
                          ":log-stream:" + s.name},
              {"storedBytes", s.stored_bytes}};
    if (s.first_event_timestamp) j["firstEventTimestamp"] = *s.first_event_timestamp;
    if (s.last_event_timestamp) j["lastEventTimestamp"] = *s.last_event_timestamp;
    if (s.last_ingestion_time) j["lastIngestionTime"] = *s.last_ingestion_time;
    out["logStreams"].push_back(j);
  }
  if (!token.empty()) out["nextToken"] = token;
  return out;
}

json PutLogEvents(const LogsCall& c) {
  std::string group = ReqString(c.in, "logGroupName");
  std::string stream = ReqString(c.in, "logStreamName");
  auto evs = c.in.find("logEvents");
  if (evs == c.in.end() || !evs->is_array() || evs->empty())
    throw EmuError::Client("InvalidParameterException",
                           "1 validation error detected: Value at 'logEvents' failed to satisfy constraint: Member "
                           "must have length greater than or equal to 1");
  if (evs->size() > 10000)
    throw EmuError::Client("InvalidParameterException",
                           "1 validation error detected: Value at 'logEvents' failed to satisfy constraint: Member "
                           "must have length less than or equal to 10000");
  // AWS accepts events up to 2 hours ahead and not older than 14 days
  // (or the retention); others are reported back, not stored.
  std::vector<std::pair<int64_t, std::string>> events;
  int too_new_start = -1, too_old_end = -1;
  int64_t prev = INT64_MIN;
  int idx = 0;
  for (const json& e : *evs) {
    if (!e.is_object()) throw EmuError::Client("SerializationException", "Each log event must be an object");
    auto ts = OptInt(e, "timestamp");
    std::string msg = OptString(e, "message");
    if (!ts) throw EmuError::Client("InvalidParameterException", "Each log event needs a timestamp.");
    if (msg.empty())
      throw EmuError::Client("InvalidParameterException",
                             "Log event message must have length greater than or equal to 1.");
    if (*ts < prev)
      throw EmuError::Client("InvalidParameterException",
                             "Log events c.in a single PutLogEvents request must be c.in chronological order.");
    prev = *ts;
    if (*ts > c.now + 2LL * 3600 * 1000) {
      if (too_new_start < 0) too_new_start = idx;
    } else if (*ts < c.now - 14LL * 24 * 3600 * 1000) {
      too_old_end = idx + 1;
    } else {
      events.emplace_back(*ts, std::move(msg));
    }
    ++idx;
  }
  CheckError(c.store.Put(group, stream, events, c.now));
  // Sequence tokens are no longer checked by AWS, but it still returns
  // one and older clients read it.
  char seq[64];
  std::snprintf(seq, sizeof seq, "%056lld", static_cast<long long>(c.now));
  json out = {{"nextSequenceToken", seq}};
  if (too_new_start >= 0 || too_old_end >= 0) {
    json info = json::object();
    if (too_new_start >= 0) info["tooNewLogEventStartIndex"] = too_new_start;
    if (too_old_end >= 0) info["tooOldLogEventEndIndex"] = too_old_end;
    out["rejectedLogEventsInfo"] = info;
  }
  return out;
}

json GetLogEvents(const LogsCall& c) {
  GetEventsQuery q;
  q.group = ReqString(c.in, "logGroupName");
  q.stream = ReqString(c.in, "logStreamName");
  q.start_time = OptInt(c.in, "startTime");
  q.end_time = OptInt(c.in, "endTime");
  q.next_token = OptString(c.in, "nextToken");
  q.limit = Limit(c.in, "limit", 10000, 10000);
  q.start_from_head = OptBool(c.in, "startFromHead");
  GetEventsResult r;
  CheckError(c.store.GetEvents(q, c.now, &r));
  json out = {{"events", json::array()},
              {"nextForwardToken", r.next_forward_token},
              {"nextBackwardToken", r.next_backward_token}};
  for (const auto& e : r.events) out["events"].push_back(EventJson(e));
  return out;
}

json FilterLogEvents(const LogsCall& c) {
  FilterQuery q;
  q.group = ReqString(c.in, "logGroupName");
  if (auto it = c.in.find("logStreamNames"); it != c.in.end() && !it->is_null()) {
    if (!it->is_array()) throw EmuError::Client("SerializationException", "Expected a list for logStreamNames");
    for (const json& n : *it) {
      if (!n.is_string()) throw EmuError::Client("SerializationException", "Expected strings c.in logStreamNames");
      q.stream_names.push_back(n.get<std::string>());
    }
  }
  q.stream_prefix = OptString(c.in, "logStreamNamePrefix");
  q.start_time = OptInt(c.in, "startTime");
  q.end_time = OptInt(c.in, "endTime");
  q.filter_pattern = OptString(c.in, "filterPattern");
  q.next_token = OptString(c.in, "nextToken");
  q.limit = Limit(c.in, "limit", 10000, 10000);
  FilterResult r;
  CheckError(c.store.Filter(q, c.now, &r));
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
  return out;
}

// One row per operation (the X-Amz-Target suffix); adding an operation is a
// function above and a row here.
using LogsHandler = json (*)(const LogsCall&);
const OperationRow<LogsHandler> kOperations[] = {
    {"CreateLogGroup", CreateLogGroup},
    {"DeleteLogGroup", DeleteLogGroup},
    {"DescribeLogGroups", DescribeLogGroups},
    {"PutRetentionPolicy", PutRetentionPolicy},
    {"DeleteRetentionPolicy", DeleteRetentionPolicy},
    {"TagLogGroup", TagLogGroup},
    {"UntagLogGroup", UntagLogGroup},
    {"ListTagsLogGroup", ListTagsLogGroup},
    {"CreateLogStream", CreateLogStream},
    {"DeleteLogStream", DeleteLogStream},
    {"DescribeLogStreams", DescribeLogStreams},
    {"PutLogEvents", PutLogEvents},
    {"GetLogEvents", GetLogEvents},
    {"FilterLogEvents", FilterLogEvents},
};

// Runs one operation; every failure comes back as the EmuError Logs sends.
EmuError Run(const std::string& op, LogsCall call, json* out) {
  LogsHandler handler = FindHandler(kOperations, op);
  if (!handler) return EmuError::Client("UnknownOperationException", "");
  try {
    *out = handler(call);
  } catch (const EmuError& e) {
    return e;
  } catch (const json::exception& e) {
    return EmuError::Client("SerializationException", e.what());
  }
  return EmuError::Ok();
}

}  // namespace

int64_t NowMillis() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
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
  json in = req.body.empty() ? json::object() : json::parse(req.body, nullptr, false);
  json out;
  EmuError err;
  if (req.method != "POST" || op.empty()) err = EmuError::Client("UnknownOperationException", "");
  else if (in.is_discarded()) err = EmuError::Client("SerializationException", "The request body is not valid JSON.");
  else if (!in.is_object()) err = EmuError::Client("SerializationException", "The request body must be a JSON object.");
  else err = Run(op, LogsCall{store_, ctx_, in, NowMillis()}, &out);
  if (!err.ok()) return RenderError(WireProtocol::kJson11, err, "", resp);
  resp->status = 200;
  resp->content_type = kContentType;
  resp->body = out.dump(-1, ' ', false, json::error_handler_t::replace);
}

std::unique_ptr<Service> MakeLogsService(const EmuContext& ctx) { return std::make_unique<LogsService>(ctx); }

}  // namespace awsemu
