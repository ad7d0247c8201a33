// HTTP/1.1 on the wire, without I/O: splitting a URL into what a socket
// needs, writing a request head, choosing a proxy, and an incremental parser
// of a server's reply (status line, headers, Content-Length / chunked /
// until-close bodies). The OpenSSL transport of ferry-job
// (src/job/http_openssl.cc) feeds it whatever bytes arrive; keeping it pure
// lets unit tests throw malformed replies at it. A reply it cannot trust
// (bad status line, folded or oversized headers, bad chunk sizes,
// conflicting lengths) is an error with a message, never a guess.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

#include "aws/http.h"
#include "util/status.h"

namespace ferry::aws {

struct WireUrl {
  std::string scheme;  // "http" or "https"
  std::string host;    // without brackets for IPv6 literals
  int port = 0;        // explicit or the scheme's default
  std::string target;  // path and query as given ("/" when empty)
  // "host" or "host:port" as the Host header and CONNECT want it.
  std::string Authority() const;
};

// Accepts http:// and https:// URLs; anything else is an error naming the URL.
Status ParseWireUrl(const std::string& url, WireUrl* out);

// The proxy for `url` from the aws CLI's variables (https_proxy/HTTPS_PROXY
// for https, http_proxy/HTTP_PROXY for http), "" when none applies because
// no_proxy/NO_PROXY names the host ("*", a host, or a domain suffix).
// `get` returns "" for an unset variable.
std::string ProxyForUrl(const WireUrl& url, const std::function<std::string(const char*)>& get);

// "METHOD target HTTP/1.1" and the headers, ending with the blank line. Adds
// Host (unless given), Content-Length when there is a body (or the method
// is PUT/POST), and a User-Agent.
std::string RequestHead(const std::string& method, const std::string& target, const std::string& authority,
                        const HeaderList& headers, bool has_body, int64_t body_size);

// Parses one reply. Feed() takes bytes as they arrive and hands body bytes
// to on_body (which returns false to stop); 1xx interim replies are
// skipped. Feed() stops at the end of the reply, so bytes after it (none
// with a well-behaved server) are left unconsumed.
class ReplyParser {
 public:
  struct Limits {
    size_t max_line = 16 * 1024;           // one status, header or chunk-size line
    size_t max_header_bytes = 256 * 1024;  // all header lines of one reply
    size_t max_headers = 200;
  };
  using BodyFn = std::function<bool(const char* data, size_t n)>;

  // `head_request`: the reply to HEAD has no body whatever its headers say.
  explicit ReplyParser(bool head_request, Limits limits);
  explicit ReplyParser(bool head_request) : ReplyParser(head_request, Limits{}) {}

  // Consumes up to n bytes; *consumed says how many. An error names what was
  // wrong with the reply. Stopped by on_body: Status::Failed("aborted").
  Status Feed(const char* data, size_t n, size_t* consumed, const BodyFn& on_body);
  // The connection ended: fine only for a body that runs until close.
  Status FinishAtEof();

  bool started() const { return started_; }  // any byte of a reply arrived
  bool headers_done() const { return state_ > kHeaders; }
  bool done() const { return state_ == kDone; }
  int status() const { return status_; }
  const HeaderList& headers() const { return headers_; }
  // Whether the connection may carry another request after this reply.
  bool keep_alive() const { return keep_alive_; }

 private:
  enum State { kStatusLine, kHeaders, kChunkSize, kChunkData, kChunkEnd, kTrailers, kLength, kUntilClose, kDone };
  // Takes one line (without CR LF) from the input into line_; false when the
  // input ran out first.
  Status TakeLine(const char* data, size_t n, size_t* pos, bool* got);
  Status OnStatusLine(std::string_view line);
  Status OnHeaderLine(std::string_view line);
  Status OnHeadersEnd();
  Status OnChunkSize(std::string_view line);

  bool head_request_;
  Limits limits_;
  State state_ = kStatusLine;
  bool started_ = false;
  std::string line_;
  size_t header_bytes_ = 0;
  int status_ = 0;
  bool http10_ = false;
  HeaderList headers_;
  bool keep_alive_ = false;
  uint64_t remaining_ = 0;  // of a chunk or a Content-Length body
};

}  // namespace ferry::aws
