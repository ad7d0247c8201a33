#include "awsemu/logs_store.h"

#include <algorithm>
#include <cinttypes>
#include <cstdio>
#include <cstdlib>

namespace awsemu {
namespace {

constexpr int64_t kDayMs = 24LL * 3600 * 1000;

EmuError Err(const char* code, std::string msg) { return EmuError::Client(code, std::move(msg)); }
EmuError NoGroup() { return Err("ResourceNotFoundException", "The specified log group does not exist."); }
EmuError NoStream() { return Err("ResourceNotFoundException", "The specified log stream does not exist."); }
EmuError BadToken() { return Err("InvalidParameterException", "The specified nextToken is invalid."); }

// GetLogEvents tokens carry a position in the stream's event list. AWS's look
// like "f/<56 digits>/s"; ours have the same form so clients that peek at the
// prefix (f/ vs b/) keep working.
std::string MakeToken(char dir, size_t pos) {
  char buf[80];
  std::snprintf(buf, sizeof buf, "%c/%056zu/s", dir, pos);
  return buf;
}

bool ParseToken(const std::string& t, char* dir, size_t* pos) {
  if (t.size() < 4 || (t[0] != 'f' && t[0] != 'b') || t[1] != '/') return false;
  size_t end = t.find('/', 2);
  std::string digits = t.substr(2, end == std::string::npos ? std::string::npos : end - 2);
  if (digits.empty() || digits.size() > 60) return false;
  for (char c : digits)
    if (c < '0' || c > '9') return false;
  *dir = t[0];
  *pos = static_cast<size_t>(std::strtoull(digits.c_str(), nullptr, 10));
  return true;
}

// Opaque paging tokens for Describe* calls: the name of the last item
// returned, hex-encoded, so a page boundary survives inserts and deletes.
std::string HexEncode(const std::string& s) {
  static const char* kHex = "0123456789abcdef";
  std::string out;
  for (unsigned char c : s) {
    out += kHex[c >> 4];
    out += kHex[c & 15];
  }
  return out;
}

bool HexDecode(const std::string& h, std::string* out) {
  if (h.size() % 2) return false;
  out->clear();
  auto val = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    return -1;
  };
  for (size_t i = 0; i < h.size(); i += 2) {
    int a = val(h[i]), b = val(h[i + 1]);
    if (a < 0 || b < 0) return false;
    out->push_back(static_cast<char>(a * 16 + b));
  }
  return true;
}

std::vector<std::string> PatternTerms(const std::string& pattern) {
  std::vector<std::string> terms;
  size_t i = 0;
  while (i < pattern.size()) {
    while (i < pattern.size() && (pattern[i] == ' ' || pattern[i] == '\t')) ++i;
    if (i >= pattern.size()) break;
    std::string term;
    bool prefix_sign = false;
    if (pattern[i] == '?' || pattern[i] == '-') {
      term += pattern[i++];
      prefix_sign = true;
    }
    if (i < pattern.size() && pattern[i] == '"') {
      size_t close = pattern.find('"', i + 1);
      if (close == std::string::npos) close = pattern.size();
      term += pattern.substr(i + 1, close - i - 1);
      i = close + 1;
    } else {
      size_t end = i;
      while (end < pattern.size() && pattern[end] != ' ' && pattern[end] != '\t') ++end;
      term += pattern.substr(i, end - i);
      i = end;
    }
    if (term.size() > (prefix_sign ? 1u : 0u)) terms.push_back(term);
  }
  return terms;
}

}  // namespace

bool MatchesFilterPattern(const std::string& pattern, const std::string& message) {
  std::string_view p = pattern;
  while (!p.empty() && p.front() == ' ') p.remove_prefix(1);
  if (p.empty()) return true;
  if (p.front() == '{' || p.front() == '[') return false;
  bool any_optional = false, optional_hit = false;
  for (const std::string& t : PatternTerms(pattern)) {
    if (t[0] == '?') {
      any_optional = true;
      if (message.find(t.substr(1)) != std::string::npos) optional_hit = true;
    } else if (t[0] == '-') {
      if (message.find(t.substr(1)) != std::string::npos) return false;
    } else if (message.find(t) == std::string::npos) {
      return false;
    }
  }
  return !any_optional || optional_hit;
}

LogStore::LogStore() = default;

EmuError LogStore::CreateGroup(const std::string& group, int64_t now_ms) {
  std::lock_guard<std::mutex> lock(mu_);
  if (groups_.count(group)) return Err("ResourceAlreadyExistsException", "The specified log group already exists");
  Group& g = groups_[group];
  g.info.name = group;
  g.info.creation_time = now_ms;
  return EmuError::Ok();
}

EmuError LogStore::DeleteGroup(const std::string& group) {
  std::lock_guard<std::mutex> lock(mu_);
  if (!groups_.erase(group)) return NoGroup();
  return EmuError::Ok();
}

EmuError LogStore::DescribeGroups(const std::string& prefix, const std::string& pattern, const std::string& next_token,
                                  int limit, std::vector<LogGroupInfo>* out, std::string* out_token) const {
  std::lock_guard<std::mutex> lock(mu_);
  std::string after;
  if (!next_token.empty() && !HexDecode(next_token, &after)) return BadToken();
  auto it = next_token.empty() ? groups_.lower_bound(prefix) : groups_.upper_bound(after);
  out->clear();
  out_token->clear();
  for (; it != groups_.end(); ++it) {
    if (it->first.compare(0, prefix.size(), prefix) != 0) {
      if (it->first > prefix) break;
      continue;
    }
    if (!pattern.empty() && it->first.find(pattern) == std::string::npos) continue;
    if (static_cast<int>(out->size()) == limit) {
      *out_token = HexEncode(out->back().name);
      break;
    }
    LogGroupInfo info = it->second.info;
    info.stored_bytes = 0;
    for (const auto& [_, s] : it->second.streams) info.stored_bytes += s.info.stored_bytes;
    out->push_back(std::move(info));
  }
  return EmuError::Ok();
}

EmuError LogStore::PutRetention(const std::string& group, std::optional<int> days) {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = groups_.find(group);
  if (it == groups_.end()) return NoGroup();
  it->second.info.retention_days = days;
  return EmuError::Ok();
}

EmuError LogStore::Tag(const std::string& group, const std::map<std::string, std::string>& set,
                       const std::vector<std::string>& remove, std::map<std::string, std::string>* out) {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = groups_.find(group);
  if (it == groups_.end()) return NoGroup();
  std::map<std::string, std::string>& tags = it->second.info.tags;
  for (const auto& [k, v] : set) tags[k] = v;
  for (const std::string& k : remove) tags.erase(k);
  if (out) *out = tags;
  return EmuError::Ok();
}

EmuError LogStore::CreateStream(const std::string& group, const std::string& stream, int64_t now_ms) {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = groups_.find(group);
  if (it == groups_.end()) return NoGroup();
  if (it->second.streams.count(stream))
    return Err("ResourceAlreadyExistsException", "The specified log stream already exists");
  Stream& s = it->second.streams[stream];
  s.info.name = stream;
  s.info.creation_time = now_ms;
  return EmuError::Ok();
}

EmuError LogStore::DeleteStream(const std::string& group, const std::string& stream) {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = groups_.find(group);
  if (it == groups_.end()) return NoGroup();
  if (!it->second.streams.erase(stream)) return NoStream();
  return EmuError::Ok();
}

EmuError LogStore::DescribeStreams(const DescribeStreamsQuery& q, std::vector<LogStreamInfo>* out,
                                   std::string* out_token) const {
  std::lock_guard<std::mutex> lock(mu_);
  auto git = groups_.find(q.group);
  if (git == groups_.end()) return NoGroup();
  if (q.order_by_last_event_time && !q.prefix.empty())
    return Err("InvalidParameterException", "Cannot order by LastEventTime with a logStreamNamePrefix.");
  std::vector<const LogStreamInfo*> all;
  for (const auto& [name, s] : git->second.streams)
    if (name.compare(0, q.prefix.size(), q.prefix) == 0) all.push_back(&s.info);
  if (q.order_by_last_event_time) {
    std::stable_sort(all.begin(), all.end(), [](const LogStreamInfo* a, const LogStreamInfo* b) {
      return a->last_event_timestamp.value_or(0) < b->last_event_timestamp.value_or(0);
    });
  }
  if (q.descending) std::reverse(all.begin(), all.end());
  // The token is the offset of the next item: stable enough for paging a
  // listing that is not being changed, as AWS also only promises that.
  size_t start = 0;
  if (!q.next_token.empty()) {
    std::string dec;
    if (!HexDecode(q.next_token, &dec) || dec.empty() || dec.find_first_not_of("0123456789") != std::string::npos)
      return BadToken();
    start = std::strtoull(dec.c_str(), nullptr, 10);
  }
  out->clear();
  out_token->clear();
  for (size_t i = start; i < all.size(); ++i) {
    if (static_cast<int>(out->size()) == q.limit) {
      *out_token = HexEncode(std::to_string(i));
      break;
    }
    out->push_back(*all[i]);
  }
  return EmuError::Ok();
}

void LogStore::AppendLocked(Group&, Stream& s, const std::vector<std::pair<int64_t, std::string>>& events,
                            int64_t now_ms) {
  for (const auto& [ts, msg] : events) {
    LogEvent e{ts, now_ms, next_seq_++, msg};
    auto less = [](const LogEvent& a, const LogEvent& b) {
      return a.timestamp != b.timestamp ? a.timestamp < b.timestamp : a.seq < b.seq;
    };
    if (s.events.empty() || !less(e, s.events.back())) {
      s.events.push_back(std::move(e));
    } else {
      s.events.insert(std::upper_bound(s.events.begin(), s.events.end(), e, less), std::move(e));
    }
    s.info.stored_bytes += static_cast<int64_t>(msg.size());
    if (!s.info.first_event_timestamp || ts < *s.info.first_event_timestamp) s.info.first_event_timestamp = ts;
    if (!s.info.last_event_timestamp || ts > *s.info.last_event_timestamp) s.info.last_event_timestamp = ts;
    s.info.last_ingestion_time = now_ms;
  }
}

EmuError LogStore::Put(const std::string& group, const std::string& stream,
                       const std::vector<std::pair<int64_t, std::string>>& events, int64_t now_ms) {
  std::lock_guard<std::mutex> lock(mu_);
  auto git = groups_.find(group);
  if (git == groups_.end()) return NoGroup();
  auto sit = git->second.streams.find(stream);
  if (sit == git->second.streams.end()) return NoStream();
  AppendLocked(git->second, sit->second, events, now_ms);
  return EmuError::Ok();
}

void LogStore::Append(const std::string& group, const std::string& stream,
                      const std::vector<std::pair<int64_t, std::string>>& events, int64_t now_ms) {
  std::lock_guard<std::mutex> lock(mu_);
  Group& g = groups_[group];
  if (g.info.name.empty()) {
    g.info.name = group;
    g.info.creation_time = now_ms;
  }
  Stream& s = g.streams[stream];
  if (s.info.name.empty()) {
    s.info.name = stream;
    s.info.creation_time = now_ms;
  }
  AppendLocked(g, s, events, now_ms);
}

int64_t LogStore::RetentionFloor(const Group& g, int64_t now_ms) {
  if (!g.info.retention_days) return INT64_MIN;
  return now_ms - static_cast<int64_t>(*g.info.retention_days) * kDayMs;
}

EmuError LogStore::GetEvents(const GetEventsQuery& q, int64_t now_ms, GetEventsResult* out) const {
  std::lock_guard<std::mutex> lock(mu_);
  auto git = groups_.find(q.group);
  if (git == groups_.end()) return NoGroup();
  auto sit = git->second.streams.find(q.stream);
  if (sit == git->second.streams.end()) return NoStream();
  const std::vector<LogEvent>& ev = sit->second.events;

  // The window [lo, hi) of events inside the time range (and retention).
  int64_t floor = std::max(q.start_time.value_or(INT64_MIN), RetentionFloor(git->second, now_ms));
  auto by_ts = [](const LogEvent& e, int64_t t) { return e.timestamp < t; };
  size_t lo = std::lower_bound(ev.begin(), ev.end(), floor, by_ts) - ev.begin();
  size_t hi = q.end_time ? std::lower_bound(ev.begin(), ev.end(), *q.end_time, by_ts) - ev.begin() : ev.size();
  if (hi < lo) hi = lo;
  size_t limit = static_cast<size_t>(q.limit);

  size_t from, to;
  if (!q.next_token.empty()) {
    char dir;
    size_t pos;
    if (!ParseToken(q.next_token, &dir, &pos)) return BadToken();
    pos = std::clamp(pos, lo, hi);
    if (dir == 'f') {
      from = pos;
      to = std::min(hi, pos + limit);
    } else {
      to = pos;
      from = pos - std::min(limit, pos - lo);
    }
  } else if (q.start_from_head) {
    from = lo;
    to = std::min(hi, lo + limit);
  } else {
    to = hi;
    from = hi - std::min(limit, hi - lo);
  }
  out->events.assign(ev.begin() + static_cast<ptrdiff_t>(from), ev.begin() + static_cast<ptrdiff_t>(to));
  // With nothing new, the forward token equals the one passed in (clients
  // poll with it until it changes); likewise backwards.
  out->next_forward_token = MakeToken('f', to);
  out->next_backward_token = MakeToken('b', from);
  return EmuError::Ok();
}

EmuError LogStore::Filter(const FilterQuery& q, int64_t now_ms, FilterResult* out) const {
  std::lock_guard<std::mutex> lock(mu_);
  auto git = groups_.find(q.group);
  if (git == groups_.end()) return NoGroup();
  if (!q.stream_names.empty() && !q.stream_prefix.empty())
    return Err("InvalidParameterException",
               "logStreamNames and logStreamNamePrefix are mutually exclusive; specify only one of them.");

  // Resume point: the (timestamp, seq) of the last event already returned.
  int64_t after_ts = INT64_MIN;
  uint64_t after_seq = 0;
  if (!q.next_token.empty()) {
    std::string dec;
    if (!HexDecode(q.next_token, &dec) || std::sscanf(dec.c_str(), "%" SCNd64 ":%" SCNu64, &after_ts, &after_seq) != 2)
      return BadToken();
  }
  int64_t floor = std::max(q.start_time.value_or(INT64_MIN), RetentionFloor(git->second, now_ms));

  struct Hit {
    const std::string* stream;
    const LogEvent* ev;
  };
  std::vector<Hit> hits;
  out->searched_streams.clear();
  for (const auto& [name, s] : git->second.streams) {
    if (!q.stream_names.empty() &&
        std::find(q.stream_names.begin(), q.stream_names.end(), name) == q.stream_names.end())
      continue;
    if (name.compare(0, q.stream_prefix.size(), q.stream_prefix) != 0) continue;
    out->searched_streams.push_back(name);
    auto by_ts = [](const LogEvent& e, int64_t t) { return e.timestamp < t; };
    auto it = std::lower_bound(s.events.begin(), s.events.end(), std::max(floor, after_ts), by_ts);
    for (; it != s.events.end(); ++it) {
      if (q.end_time && it->timestamp >= *q.end_time) break;
      if (it->timestamp == after_ts && it->seq <= after_seq) continue;
      if (!MatchesFilterPattern(q.filter_pattern, it->message)) continue;
      hits.push_back({&name, &*it});
    }
  }
  // Interleaved across streams by time, arrival order breaking ties; this
  // order is what makes the (timestamp, seq) resume point exact.
  std::sort(hits.begin(), hits.end(), [](const Hit& a, const Hit& b) {
    return a.ev->timestamp != b.ev->timestamp ? a.ev->timestamp < b.ev->timestamp : a.ev->seq < b.ev->seq;
  });
  out->events.clear();
  out->next_token.clear();
  size_t n = std::min(hits.size(), static_cast<size_t>(q.limit));
  for (size_t i = 0; i < n; ++i) {
    char id[80];
    std::snprintf(id, sizeof id, "%020" PRId64 "%036" PRIu64, hits[i].ev->timestamp, hits[i].ev->seq);
    out->events.push_back({*hits[i].stream, *hits[i].ev, id});
  }
  if (n < hits.size()) {
    const LogEvent* last = hits[n - 1].ev;
    out->next_token = HexEncode(std::to_string(last->timestamp) + ":" + std::to_string(last->seq));
  }
  return EmuError::Ok();
}

void LogStore::Clear() {
  std::lock_guard<std::mutex> lock(mu_);
  groups_.clear();
}

}  // namespace awsemu
