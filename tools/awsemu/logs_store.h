// LogStore: the CloudWatch Logs data model of ferry-awsemu (log groups, log
// streams, events) and its query semantics (GetLogEvents tokens,
// FilterLogEvents matching and paging). Pure in-memory logic, no wire format
// and no I/O; thread-safe, since HTTP threads and the Batch job runner both
// write into it.
#pragma once

#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "awsemu/emu_error.h"

namespace awsemu {

struct LogEvent {
  int64_t timestamp = 0;       // ms since epoch, as the writer gave it
  int64_t ingestion_time = 0;  // ms since epoch, when the store received it
  uint64_t seq = 0;            // arrival order within the store (tie-breaker)
  std::string message;
};

struct LogStreamInfo {
  std::string name;
  int64_t creation_time = 0;
  std::optional<int64_t> first_event_timestamp;
  std::optional<int64_t> last_event_timestamp;
  std::optional<int64_t> last_ingestion_time;
  int64_t stored_bytes = 0;
};

struct LogGroupInfo {
  std::string name;
  int64_t creation_time = 0;
  std::optional<int> retention_days;
  int64_t stored_bytes = 0;
  std::map<std::string, std::string> tags;
};

struct GetEventsQuery {
  std::string group;
  std::string stream;
  std::optional<int64_t> start_time;  // inclusive
  std::optional<int64_t> end_time;    // exclusive
  std::string next_token;             // "f/..." or "b/..." from a previous page
  int limit = 10000;
  bool start_from_head = false;
};

struct GetEventsResult {
  std::vector<LogEvent> events;
  std::string next_forward_token;
  std::string next_backward_token;
};

struct FilterQuery {
  std::string group;
  std::vector<std::string> stream_names;  // empty = all streams
  std::string stream_prefix;
  std::optional<int64_t> start_time;
  std::optional<int64_t> end_time;
  std::string filter_pattern;
  std::string next_token;
  int limit = 10000;
};

struct FilteredEvent {
  std::string stream;
  LogEvent event;
  std::string event_id;
};

struct FilterResult {
  std::vector<FilteredEvent> events;
  std::vector<std::string> searched_streams;
  std::string next_token;  // "" when the search is complete
};

struct DescribeStreamsQuery {
  std::string group;
  std::string prefix;
  bool order_by_last_event_time = false;
  bool descending = false;
  std::string next_token;
  int limit = 50;
};

class LogStore {
 public:
  // `now_ms` is injectable so tests of the pure logic control time.
  LogStore();

  EmuError CreateGroup(const std::string& group, int64_t now_ms);
  EmuError DeleteGroup(const std::string& group);
  // Groups whose name starts with `prefix`, by name, paged by `next_token`.
  EmuError DescribeGroups(const std::string& prefix, const std::string& pattern, const std::string& next_token,
                          int limit, std::vector<LogGroupInfo>* out, std::string* out_token) const;
  EmuError PutRetention(const std::string& group, std::optional<int> days);
  // Sets `set` and then removes the keys in `remove` (TagLogGroup,
  // UntagLogGroup, CreateLogGroup's tags); `out`, when given, gets the result.
  EmuError Tag(const std::string& group, const std::map<std::string, std::string>& set,
               const std::vector<std::string>& remove, std::map<std::string, std::string>* out);

  EmuError CreateStream(const std::string& group, const std::string& stream, int64_t now_ms);
  EmuError DeleteStream(const std::string& group, const std::string& stream);
  EmuError DescribeStreams(const DescribeStreamsQuery& q, std::vector<LogStreamInfo>* out,
                           std::string* out_token) const;

  // Appends events (already validated by the caller as AWS would). Creates
  // nothing: the group and stream must exist.
  EmuError Put(const std::string& group, const std::string& stream,
               const std::vector<std::pair<int64_t, std::string>>& events, int64_t now_ms);
  // For in-process writers (Batch job output): creates the group and stream
  // if missing, then appends.
  void Append(const std::string& group, const std::string& stream,
              const std::vector<std::pair<int64_t, std::string>>& events, int64_t now_ms);

  EmuError GetEvents(const GetEventsQuery& q, int64_t now_ms, GetEventsResult* out) const;
  EmuError Filter(const FilterQuery& q, int64_t now_ms, FilterResult* out) const;

  void Clear();

 private:
  struct Stream {
    LogStreamInfo info;
    std::vector<LogEvent> events;  // sorted by (timestamp, seq)
  };
  struct Group {
    LogGroupInfo info;
    std::map<std::string, Stream> streams;
  };

  void AppendLocked(Group& g, Stream& s, const std::vector<std::pair<int64_t, std::string>>& events, int64_t now_ms);
  // The oldest timestamp still visible under the group's retention.
  static int64_t RetentionFloor(const Group& g, int64_t now_ms);

  mutable std::mutex mu_;
  std::map<std::string, Group> groups_;
  uint64_t next_seq_ = 1;
};

// True when `message` matches a CloudWatch filter pattern. Supported: the
// empty pattern (everything), and terms separated by spaces that must all
// occur (a term in double quotes may contain spaces); a leading '?' on terms
// makes them alternatives (any may occur); a term starting with '-' must not
// occur. JSON and space-delimited patterns ({ $.x = ... }, [a, b]) are not
// modelled: they match nothing rather than everything.
bool MatchesFilterPattern(const std::string& pattern, const std::string& message);

}  // namespace awsemu
