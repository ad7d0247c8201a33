// ferry's HTTP layer. It has two implementations: libcurl (http_curl.cc, in
// ferry: a curl multi handle on its own thread) and OpenSSL over sockets
// (src/job/http_openssl.cc, only in the static ferry-job binary, because
// Debian has no static libcurl). Either way many requests proceed
// concurrently over reused connections; callers submit requests (optionally after a delay, which is how
// retries back off) and get a callback when each one finishes. Bodies stream:
// a request body is read on demand from a BodySource (memory or a file range,
// re-readable for retries) and a response body goes to a BodySink (memory, a
// file at an offset, ...), so big transfers need no big buffers.
//
// One attempt per Submit; retrying and signing live in aws_client.h.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace ferry::aws {

using HeaderList = std::vector<std::pair<std::string, std::string>>;

// A request body that can be read from any offset, so an attempt that failed
// halfway can be sent again.
class BodySource {
 public:
  virtual ~BodySource() = default;
  virtual int64_t size() const = 0;
  // Reads up to n bytes at offset; returns bytes read or -1 on I/O error.
  virtual int64_t ReadAt(int64_t offset, char* buf, size_t n) = 0;
};

class StringBody : public BodySource {
 public:
  explicit StringBody(std::string data) : data_(std::move(data)) {}
  int64_t size() const override { return static_cast<int64_t>(data_.size()); }
  int64_t ReadAt(int64_t offset, char* buf, size_t n) override;
  const std::string& data() const { return data_; }

 private:
  std::string data_;
};

// A range of an open file (the descriptor is shared, reads use pread).
class FileRangeBody : public BodySource {
 public:
  FileRangeBody(std::shared_ptr<int> fd, int64_t offset, int64_t length)
      : fd_(std::move(fd)), offset_(offset), length_(length) {}
  int64_t size() const override { return length_; }
  int64_t ReadAt(int64_t offset, char* buf, size_t n) override;

 private:
  std::shared_ptr<int> fd_;
  int64_t offset_, length_;
};

// Where a successful (2xx) response body goes. Error bodies never reach a
// sink: the transport keeps them for the error message.
class BodySink {
 public:
  virtual ~BodySink() = default;
  // Called before every attempt (a retry starts over).
  virtual void Reset() {}
  // Returns false to abort the transfer (e.g. a write error).
  virtual bool Write(const char* data, size_t n) = 0;
};

class StringSink : public BodySink {
 public:
  void Reset() override { data_.clear(); }
  bool Write(const char* d, size_t n) override {
    data_.append(d, n);
    return true;
  }
  std::string& data() { return data_; }

 private:
  std::string data_;
};

struct HttpRequest {
  std::string method = "GET";
  std::string url;  // fully encoded
  HeaderList headers;
  std::shared_ptr<BodySource> body;  // null: no body
  std::shared_ptr<BodySink> sink;    // null: body kept in HttpResponse::body
  long connect_timeout_ms = 10000;
  long timeout_ms = 0;          // whole request; 0 = none (stalls are caught by low_speed)
  long low_speed_seconds = 60;  // abort when under 1 byte/s for this long
  bool use_proxy = true;        // credential endpoints bypass proxies
};

struct HttpResponse {
  int status = 0;      // 0 when no HTTP response arrived
  HeaderList headers;  // of the final response, names as sent
  std::string body;    // error bodies, or the body when no sink was given
  int curl_code = 0;   // CURLcode (the OpenSSL transport uses the same numbers); 0 = transfer completed
  std::string curl_error;
  bool sink_failed = false;

  bool transport_ok() const { return curl_code == 0; }
  std::string Header(const std::string& name) const;  // case-insensitive
};

struct TransportOptions {
  int max_connections = 64;  // per host
};

class HttpTransport {
 public:
  using Done = std::function<void(HttpResponse)>;
  explicit HttpTransport(TransportOptions options = {});
  ~HttpTransport();
  HttpTransport(const HttpTransport&) = delete;
  HttpTransport& operator=(const HttpTransport&) = delete;

  // Starts `req` after `delay`; `done` runs on the transport thread and must
  // not block for long. Thread-safe.
  void Submit(HttpRequest req, Done done, std::chrono::milliseconds delay = std::chrono::milliseconds(0));
  // Blocking convenience. Must not be called from a Done callback.
  HttpResponse Perform(HttpRequest req);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// A whole request on a private connection, for callers that need no
// concurrency (credential endpoints).
HttpResponse PerformOnce(const HttpRequest& req);

}  // namespace ferry::aws
