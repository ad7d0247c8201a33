#include "aws/http_wire.h"

#include <algorithm>
#include <cstring>

#include "util/text.h"

namespace ferry::aws {

namespace {

Status Bad(const std::string& what) { return Status::Failed("malformed HTTP reply: " + what); }

bool IsTokenChar(char c) {
  if (c >= 'a' && c <= 'z') return true;
  if (c >= 'A' && c <= 'Z') return true;
  if (c >= '0' && c <= '9') return true;
  return std::strchr("!#$%&'*+-.^_`|~", c) != nullptr && c != '\0';
}

// A printable rendering of a reply fragment for an error message.
std::string Shown(std::string_view s) {
  std::string out;
  for (char c : s.substr(0, 80)) {
    unsigned char u = static_cast<unsigned char>(c);
    out += (u >= 0x20 && u < 0x7f) ? c : '?';
  }
  if (s.size() > 80) out += "...";
  return "'" + out + "'";
}

bool HasToken(std::string_view list, std::string_view token) {
  for (const std::string& part : Split(list, ','))
    if (ToLower(Trim(part)) == token) return true;
  return false;
}

bool HostMatches(const std::string& host, std::string entry) {
  entry = ToLower(Trim(entry));
  if (entry.empty()) return false;
  if (entry == "*") return true;
  size_t colon = entry.rfind(':');  // "host:port" entries match the host
  if (colon != std::string::npos && entry.find(':') == colon) entry = entry.substr(0, colon);
  if (entry[0] == '.') entry = entry.substr(1);
  std::string h = ToLower(host);
  return h == entry || (h.size() > entry.size() && EndsWith(h, "." + entry));
}

}  // namespace

std::string WireUrl::Authority() const {
  std::string h = host.find(':') != std::string::npos ? "[" + host + "]" : host;
  bool default_port = (scheme == "http" && port == 80) || (scheme == "https" && port == 443);
  return default_port ? h : h + ":" + std::to_string(port);
}

Status ParseWireUrl(const std::string& url, WireUrl* out) {
  size_t sep = url.find("://");
  if (sep == std::string::npos) return Status::Invalid("URL '" + url + "' has no scheme (http:// or https://)");
  WireUrl u;
  u.scheme = ToLower(url.substr(0, sep));
  if (u.scheme != "http" && u.scheme != "https")
    return Status::Invalid("URL '" + url + "': only http:// and https:// are supported");
  size_t host_start = sep + 3;
  size_t path_start = url.find_first_of("/?", host_start);
  std::string authority =
      url.substr(host_start, path_start == std::string::npos ? std::string::npos : path_start - host_start);
  u.target = path_start == std::string::npos ? "/" : url.substr(path_start);
  if (u.target[0] == '?') u.target = "/" + u.target;
  if (authority.find('@') != std::string::npos)
    return Status::Invalid("URL '" + url + "': user names in URLs are not supported");
  std::string port;
  if (!authority.empty() && authority[0] == '[') {
    size_t close = authority.find(']');
    if (close == std::string::npos) return Status::Invalid("URL '" + url + "': unclosed '[' in the host");
    u.host = authority.substr(1, close - 1);
    std::string rest = authority.substr(close + 1);
    if (!rest.empty()) {
      if (rest[0] != ':') return Status::Invalid("URL '" + url + "': unexpected text after the host");
      port = rest.substr(1);
    }
  } else {
    size_t colon = authority.rfind(':');
    u.host = authority.substr(0, colon);
    if (colon != std::string::npos) port = authority.substr(colon + 1);
  }
  if (u.host.empty()) return Status::Invalid("URL '" + url + "' has no host");
  u.port = u.scheme == "https" ? 443 : 80;
  if (!port.empty()) {
    if (port.size() > 5 || !std::all_of(port.begin(), port.end(), [](char c) { return c >= '0' && c <= '9'; }))
      return Status::Invalid("URL '" + url + "': port '" + port + "' is not a number");
    u.port = std::stoi(port);
    if (u.port < 1 || u.port > 65535) return Status::Invalid("URL '" + url + "': port " + port + " is out of range");
  }
  *out = std::move(u);
  return Status::Ok();
}

std::string ProxyForUrl(const WireUrl& url, const std::function<std::string(const char*)>& get) {
  auto either = [&](const char* a, const char* b) {
    std::string v = get(a);
    return v.empty() ? get(b) : v;
  };
  std::string proxy = url.scheme == "https" ? either("https_proxy", "HTTPS_PROXY") : either("http_proxy", "HTTP_PROXY");
  if (proxy.empty()) return "";
  for (const std::string& entry : Split(either("no_proxy", "NO_PROXY"), ','))
    if (HostMatches(url.host, entry)) return "";
  return proxy;
}

std::string RequestHead(const std::string& method, const std::string& target, const std::string& authority,
                        const HeaderList& headers, bool has_body, int64_t body_size) {
  std::string s = method + " " + target + " HTTP/1.1\r\n";
  bool has_host = false, has_agent = false;
  for (const auto& [k, v] : headers) {
    std::string lower = ToLower(k);
    if (lower == "host") has_host = true;
    if (lower == "user-agent") has_agent = true;
  }
  if (!has_host) s += "Host: " + authority + "\r\n";
  for (const auto& [k, v] : headers) {
    if (ToLower(k) == "content-length") continue;  // ours, from the body we send
    s += k + ": " + v + "\r\n";
  }
  if (has_body || method == "PUT" || method == "POST") s += "Content-Length: " + std::to_string(body_size) + "\r\n";
  if (!has_agent) s += "User-Agent: ferry/0.1\r\n";
  s += "\r\n";
  return s;
}

ReplyParser::ReplyParser(bool head_request, Limits limits) : head_request_(head_request), limits_(limits) {}

Status ReplyParser::TakeLine(const char* data, size_t n, size_t* pos, bool* got) {
  *got = false;
  const char* start = data + *pos;
  const char* nl = static_cast<const char*>(std::memchr(start, '\n', n - *pos));
  size_t take = nl ? static_cast<size_t>(nl - start) + 1 : n - *pos;
  if (line_.size() + take > limits_.max_line + 2)
    return Bad("a line is longer than " + std::to_string(limits_.max_line) + " bytes");
  line_.append(start, take);
  *pos += take;
  if (!nl) return Status::Ok();
  line_.pop_back();  // '\n'
  if (!line_.empty() && line_.back() == '\r') line_.pop_back();
  *got = true;
  return Status::Ok();
}

Status ReplyParser::OnStatusLine(std::string_view line) {
  // "HTTP/1.1 200 OK": the version, a space, three digits, then a reason.
  if (line.size() < 12 || !StartsWith(line, "HTTP/1.") || (line[7] != '0' && line[7] != '1') || line[8] != ' ')
    return Bad("status line " + Shown(line) + " is not 'HTTP/1.x NNN reason'");
  for (int i = 9; i < 12; i++)
    if (line[i] < '0' || line[i] > '9') return Bad("status line " + Shown(line) + " has no three-digit status");
  if (line.size() > 12 && line[12] != ' ') return Bad("status line " + Shown(line) + " has no three-digit status");
  http10_ = line[7] == '0';
  status_ = (line[9] - '0') * 100 + (line[10] - '0') * 10 + (line[11] - '0');
  if (status_ < 100) return Bad("status line " + Shown(line) + " has status " + std::to_string(status_));
  headers_.clear();
  header_bytes_ = 0;
  state_ = kHeaders;
  return Status::Ok();
}

Status ReplyParser::OnHeaderLine(std::string_view line) {
  header_bytes_ += line.size() + 2;
  if (header_bytes_ > limits_.max_header_bytes)
    return Bad("the headers are longer than " + std::to_string(limits_.max_header_bytes) + " bytes");
  if (line[0] == ' ' || line[0] == '\t')
    return Bad("header line " + Shown(line) + " continues the previous one (obsolete line folding is not accepted)");
  size_t colon = line.find(':');
  if (colon == std::string_view::npos || colon == 0) return Bad("header line " + Shown(line) + " has no 'name:'");
  for (size_t i = 0; i < colon; i++)
    if (!IsTokenChar(line[i])) return Bad("header name in " + Shown(line) + " has a character names cannot have");
  if (headers_.size() >= limits_.max_headers)
    return Bad("more than " + std::to_string(limits_.max_headers) + " header lines");
  headers_.emplace_back(std::string(line.substr(0, colon)), std::string(Trim(line.substr(colon + 1))));
  return Status::Ok();
}

Status ReplyParser::OnHeadersEnd() {
  if (status_ < 200) {  // an interim reply (100 Continue): the real one follows
    state_ = kStatusLine;
    return Status::Ok();
  }
  std::string connection, encoding, length;
  int lengths = 0;
  for (const auto& [k, v] : headers_) {
    std::string lower = ToLower(k);
    if (lower == "connection") connection += "," + v;
    if (lower == "transfer-encoding") encoding += "," + v;
    if (lower == "content-length") {
      if (lengths++ && v != length) return Bad("two different Content-Length headers");
      length = v;
    }
  }
  keep_alive_ = http10_ ? HasToken(connection, "keep-alive") : !HasToken(connection, "close");
  if (head_request_ || status_ == 204 || status_ == 304) {
    state_ = kDone;
    return Status::Ok();
  }
  if (!encoding.empty()) {
    std::vector<std::string> codings = Split(encoding, ',');
    while (!codings.empty() && Trim(codings.back()).empty()) codings.pop_back();
    if (!codings.empty() && ToLower(Trim(codings.back())) == "chunked") {
      state_ = kChunkSize;
      return Status::Ok();
    }
    keep_alive_ = false;  // another coding last: the body runs until close
    state_ = kUntilClose;
    return Status::Ok();
  }
  if (lengths) {
    if (length.empty() || length.size() > 18 ||
        !std::all_of(length.begin(), length.end(), [](char c) { return c >= '0' && c <= '9'; }))
      return Bad("Content-Length " + Shown(length) + " is not a number");
    remaining_ = std::stoull(length);
    state_ = remaining_ ? kLength : kDone;
    return Status::Ok();
  }
  keep_alive_ = false;
  state_ = kUntilClose;
  return Status::Ok();
}

Status ReplyParser::OnChunkSize(std::string_view line) {
  std::string_view size = Trim(line.substr(0, line.find(';')));  // chunk extensions are ignored
  if (size.empty() || size.size() > 15) return Bad("chunk size line " + Shown(line) + " is not a hexadecimal size");
  uint64_t v = 0;
  for (char c : size) {
    int d = (c >= '0' && c <= '9')   ? c - '0'
            : (c >= 'a' && c <= 'f') ? c - 'a' + 10
            : (c >= 'A' && c <= 'F') ? c - 'A' + 10
                                     : -1;
    if (d < 0) return Bad("chunk size line " + Shown(line) + " is not a hexadecimal size");
    v = v * 16 + static_cast<uint64_t>(d);
  }
  remaining_ = v;
  state_ = v ? kChunkData : kTrailers;
  return Status::Ok();
}

Status ReplyParser::Feed(const char* data, size_t n, size_t* consumed, const BodyFn& on_body) {
  size_t pos = 0;
  if (n) started_ = true;
  auto finish = [&](Status s) {
    *consumed = pos;
    return s;
  };
  while (pos < n && state_ != kDone) {
    if (state_ == kChunkData || state_ == kLength || state_ == kUntilClose) {
      size_t take = n - pos;
      if (state_ != kUntilClose) take = static_cast<size_t>(std::min<uint64_t>(take, remaining_));
      if (!on_body(data + pos, take)) return finish(Status::Failed("aborted"));
      pos += take;
      if (state_ == kUntilClose) continue;
      remaining_ -= take;
      if (remaining_ == 0) state_ = state_ == kChunkData ? kChunkEnd : kDone;
      continue;
    }
    bool got = false;
    Status s = TakeLine(data, n, &pos, &got);
    if (!s.ok()) return finish(s);
    if (!got) break;
    std::string line = std::move(line_);
    line_.clear();
    switch (state_) {
      case kStatusLine: s = OnStatusLine(line); break;
      case kHeaders: s = line.empty() ? OnHeadersEnd() : OnHeaderLine(line); break;
      case kChunkSize: s = OnChunkSize(line); break;
      case kChunkEnd:
        if (!line.empty()) s = Bad("chunk data is longer than its size says");
        state_ = kChunkSize;
        break;
      case kTrailers:
        if (line.empty()) state_ = kDone;  // trailer fields are read and dropped
        break;
      default: break;
    }
    if (!s.ok()) return finish(s);
  }
  return finish(Status::Ok());
}

Status ReplyParser::FinishAtEof() {
  if (state_ == kDone) return Status::Ok();
  if (state_ == kUntilClose) {
    state_ = kDone;
    return Status::Ok();
  }
  if (!started_) return Status::Failed("the server closed the connection without a reply");
  if (state_ <= kHeaders) return Status::Failed("the server closed the connection in the middle of the headers");
  return Status::Failed("the server closed the connection before the end of the body");
}

}  // namespace ferry::aws
