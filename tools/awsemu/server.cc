#include "awsemu/server.h"

#include <arpa/inet.h>
#include <dirent.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <httplib.h>
#include <nlohmann/json.hpp>

#include "aws/crypto.h"
#include "awsemu/imds.h"
#include "awsemu/logs_service.h"
#include "awsemu/sts.h"
#include "util/text.h"

namespace awsemu {

namespace aws = ferry::aws;
using nlohmann::json;
using std::chrono::steady_clock;
using std::chrono::system_clock;

namespace {

std::string NewRequestId() {
  static std::atomic<uint64_t> counter{0};
  static const uint64_t base = static_cast<uint64_t>(system_clock::now().time_since_epoch().count());
  char buf[40];
  uint64_t n = ++counter;
  snprintf(buf, sizeof buf, "%08llX%08llX", static_cast<unsigned long long>(base & 0xffffffffULL),
           static_cast<unsigned long long>(n));
  return buf;
}

int PortOf(const sockaddr_storage& a) {
  if (a.ss_family == AF_INET) return ntohs(reinterpret_cast<const sockaddr_in&>(a).sin_port);
  if (a.ss_family == AF_INET6) return ntohs(reinterpret_cast<const sockaddr_in6&>(a).sin6_port);
  return -1;
}

// Sends a TCP reset on the connection a request came in on. httplib does not
// hand its socket to handlers, so the socket is found by its port pair; it
// is closed with SO_LINGER 0 (which makes the kernel send RST) by dup2-ing a
// fresh, unconnected socket over its descriptor, so that httplib's own
// later close() hits the placeholder rather than a reused descriptor.
bool ResetConnection(int local_port, int remote_port) {
  DIR* d = opendir("/proc/self/fd");
  if (!d) return false;
  int found = -1;
  while (dirent* ent = readdir(d)) {
    int fd = atoi(ent->d_name);
    if (fd <= 2) continue;
    sockaddr_storage a{};
    socklen_t len = sizeof a;
    if (getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len) != 0) continue;
    if (PortOf(a) != local_port) continue;
    len = sizeof a;
    if (getpeername(fd, reinterpret_cast<sockaddr*>(&a), &len) != 0) continue;
    if (PortOf(a) != remote_port) continue;
    found = fd;
    break;
  }
  closedir(d);
  if (found < 0) return false;
  linger lg{1, 0};
  setsockopt(found, SOL_SOCKET, SO_LINGER, &lg, sizeof lg);
  int placeholder = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (placeholder < 0) return false;
  dup2(placeholder, found);
  close(placeholder);
  return true;
}

uint64_t ContentLength(const httplib::Request& req) {
  return std::strtoull(req.get_header_value("Content-Length").c_str(), nullptr, 10);
}

std::string WirePath(const httplib::Request& req) {
  std::string t = req.target.empty() ? req.path : req.target;
  auto q = t.find('?');
  return q == std::string::npos ? t : t.substr(0, q);
}

std::string WireQuery(const httplib::Request& req) {
  auto q = req.target.find('?');
  return q == std::string::npos ? std::string() : req.target.substr(q + 1);
}

// Error bodies in each protocol's own shape.
void RenderError(const std::string& service, int status, const std::string& code,
                 const std::string& message, const std::string& request_id,
                 httplib::Response& res) {
  res.status = status;
  if (service == "s3") {
    S3Response r;
    SetS3Error(&r, status, code, message, request_id);
    res.set_header("x-amz-request-id", request_id);
    res.set_content(r.body, "application/xml");
    return;
  }
  res.set_header("x-amzn-RequestId", request_id);
  if (service == "sts") {
    res.set_content(StsErrorXml(status, code, message, request_id), "text/xml");
    return;
  }
  res.set_header("x-amzn-ErrorType", code);
  json j{{"__type", code}, {"message", message}};
  res.set_content(j.dump(), service == "logs" ? "application/x-amz-json-1.1" : "application/json");
}

struct FaultError {
  int status;
  std::string code;
  std::string message;
};

FaultError FaultErrorFor(const std::string& service, Fault f) {
  if (f == Fault::kThrottle) {
    if (service == "s3") return {503, "SlowDown", "Please reduce your request rate."};
    if (service == "batch") return {429, "TooManyRequestsException", "Too Many Requests"};
    if (service == "sts") return {400, "Throttling", "Rate exceeded"};
    return {400, "ThrottlingException", "Rate exceeded"};
  }
  if (f == Fault::kError500) {
    if (service == "s3") return {500, "InternalError", "We encountered an internal error. Please try again."};
    if (service == "batch") return {500, "ServerException", "Internal server error"};
    if (service == "logs") return {500, "ServiceUnavailableException", "Internal failure"};
    return {500, "InternalFailure", "An internal error occurred."};
  }
  if (service == "s3") return {503, "ServiceUnavailable", "Service is unable to handle request."};
  if (service == "logs") return {503, "ServiceUnavailableException", "Service Unavailable"};
  return {503, "ServiceUnavailable", "Service Unavailable"};
}

// An S3 request from the wire: the bucket comes from a "BUCKET.localhost"
// Host (virtual-host style) or from the first path segment (path style).
S3Request BuildS3Request(const httplib::Request& req, const std::string& wire_path,
                         const aws::QueryList& query, const std::string& request_id,
                         bool* virtual_host) {
  S3Request r;
  r.method = req.method;
  r.request_id = request_id;
  r.query = query;
  for (const auto& [k, v] : req.headers) r.headers.emplace(ferry::ToLower(k), v);
  std::string host = req.get_header_value("Host");
  auto colon = host.rfind(':');
  if (colon != std::string::npos && host.find(']') == std::string::npos) host = host.substr(0, colon);
  std::string path = aws::UriDecode(wire_path);
  const std::string vhost_suffix = ".localhost";
  if (ferry::EndsWith(host, vhost_suffix) && host.size() > vhost_suffix.size()) {
    *virtual_host = true;
    r.bucket = host.substr(0, host.size() - vhost_suffix.size());
    r.key = path.size() > 1 ? path.substr(1) : "";
  } else {
    std::string rest = path.empty() ? "" : path.substr(1);
    auto slash = rest.find('/');
    r.bucket = rest.substr(0, slash);
    r.key = slash == std::string::npos ? "" : rest.substr(slash + 1);
  }
  return r;
}

// Sends an S3 answer; object bodies are streamed from their files.
// Returns the body bytes sent, for the request log.
uint64_t WriteS3Response(const httplib::Request& req, const S3Response& out,
                         const std::string& request_id, httplib::Response& res) {
  res.status = out.status;
  res.set_header("x-amz-request-id", request_id);
  res.set_header("x-amz-id-2", "ferry-awsemu/" + request_id);
  for (const auto& [k, v] : out.headers) res.set_header(k, v);
  if (out.file && out.file->length > 0) {
    std::shared_ptr<FileBody> file = out.file;
    auto buffer = std::make_shared<std::vector<char>>(1 << 20);
    res.set_content_provider(
        file->length, out.content_type,
        [file, buffer](size_t offset, size_t length, httplib::DataSink& sink) {
          if (!file->reader) return false;
          size_t want = std::min(length, buffer->size());
          ssize_t n = file->reader->ReadAt(file->offset + offset, buffer->data(), want);
          if (n <= 0) return false;
          return sink.write(buffer->data(), static_cast<size_t>(n));
        });
    return req.method == "HEAD" ? 0 : file->length;
  }
  if (!out.body.empty()) {
    res.set_content(out.body, out.content_type);
    return out.body.size();
  }
  if (!out.content_type.empty() && (out.file || out.status < 300)) {
    res.set_header("Content-Type", out.content_type);
  }
  return 0;
}

// The AWS error code in a service's answer (header, JSON or XML), for the
// request log; "" for successes.
std::string ErrorCodeOf(const EmuResponse& out) {
  std::string error_code;
  if (out.status < 400) return error_code;
  // Pull the error code out of the answer for the log.
  for (const auto& [k, v] : out.headers) {
    if (ferry::ToLower(k) == "x-amzn-errortype") error_code = v.substr(0, v.find(':'));
  }
  if (error_code.empty()) {
    json j = json::parse(out.body, nullptr, false);
    if (j.is_object() && j.contains("__type") && j["__type"].is_string()) {
      error_code = j["__type"].get<std::string>();
      auto hash = error_code.rfind('#');
      if (hash != std::string::npos) error_code = error_code.substr(hash + 1);
    }
  }
  if (error_code.empty()) {
    auto b = out.body.find("<Code>");
    auto e = out.body.find("</Code>");
    if (b != std::string::npos && e != std::string::npos && e > b) {
      error_code = out.body.substr(b + 6, e - b - 6);
    }
  }
  return error_code;
}

// httplib listens with a backlog of 5, too small when dozens of clients
// (aws CLI transfers, Batch jobs) connect at once: excess SYNs would be
// dropped and retried a second later. listen() again raises it.
class WideBacklogServer : public httplib::Server {
 public:
  void RaiseBacklog(int backlog) { ::listen(svr_sock_, backlog); }
};

}  // namespace

Server::Server(ServerOptions options)
    : options_(std::move(options)),
      creds_(options_.access_key, options_.secret_key),
      faults_(options_.faults) {}

Server::~Server() { Stop(); }

int Server::imds_port() const { return imds_ ? imds_->port() : 0; }

ferry::Status Server::Start() {
  s3_ = std::make_unique<S3Service>(options_.data_dir + "/s3", options_.region);
  FERRY_RETURN_IF_ERROR(s3_->Open());

  http_ = std::make_unique<WideBacklogServer>();
  // Enough workers for many keep-alive connections at once (the aws CLI
  // opens 10 per transfer, and Batch jobs run their own clients).
  http_->new_task_queue = [] { return new httplib::ThreadPool(256); };
  http_->set_keep_alive_timeout(30);
  http_->set_keep_alive_max_count(100000);
  http_->set_read_timeout(120);
  http_->set_write_timeout(120);
  http_->set_tcp_nodelay(true);

  auto plain = [this](const httplib::Request& req, httplib::Response& res) {
    HandleApi(req, res, nullptr);
  };
  auto streamed = [this](const httplib::Request& req, httplib::Response& res,
                         const httplib::ContentReader& reader) { HandleApi(req, res, &reader); };
  http_->Get(".*", plain);
  http_->Options(".*", plain);
  http_->Post(".*", streamed);
  http_->Put(".*", streamed);
  http_->Patch(".*", streamed);
  http_->Delete(".*", streamed);
  http_->set_exception_handler([](const httplib::Request&, httplib::Response& res,
                                  std::exception_ptr ep) {
    std::string what = "unknown error";
    try {
      std::rethrow_exception(ep);
    } catch (const std::exception& e) {
      what = e.what();
    } catch (...) {
    }
    res.status = 500;
    res.set_content(json{{"__type", "InternalFailure"}, {"message", what}}.dump(),
                    "application/json");
  });

  if (options_.port == 0) {
    port_ = http_->bind_to_any_port("127.0.0.1");
    if (port_ <= 0) return ferry::Status::Failed("cannot bind 127.0.0.1 on any port");
  } else {
    if (!http_->bind_to_port("127.0.0.1", options_.port)) {
      return ferry::Status::Failed("cannot listen on 127.0.0.1:" + std::to_string(options_.port) +
                                   " (is the port in use? pass --port 0 to pick a free one)");
    }
    port_ = options_.port;
  }
  static_cast<WideBacklogServer*>(http_.get())->RaiseBacklog(1024);

  EmuContext ctx;
  ctx.port = port_;
  ctx.endpoint_url = "http://127.0.0.1:" + std::to_string(port_);
  ctx.access_key = options_.access_key;
  ctx.secret_key = options_.secret_key;
  ctx.region = options_.region;
  ctx.data_dir = options_.data_dir;
  services_["sts"] = std::make_unique<StsService>(&creds_);
  std::unique_ptr<Service> logs = MakeLogsService(ctx);
  Service* logs_ptr = logs.get();
  std::unique_ptr<Service> batch = MakeBatchService(ctx, &faults_, logs_ptr);
  if (logs) services_["logs"] = std::move(logs);
  if (batch) services_["batch"] = std::move(batch);

  imds_ = std::make_unique<ImdsServer>(&creds_, &log_, options_.region, options_.role_name,
                                       options_.ecs_auth_token);
  FERRY_RETURN_IF_ERROR(imds_->Start(options_.imds_port));

  thread_ = std::thread([this] { http_->listen_after_bind(); });
  return ferry::Status::Ok();
}

void Server::Wait() {
  if (thread_.joinable()) thread_.join();
}

void Server::Stop() {
  if (http_) http_->stop();
  if (imds_) imds_->Stop();
  if (thread_.joinable()) thread_.join();
  Shutdown();
  services_.clear();
}

void Server::Shutdown() {
  if (shut_down_.exchange(true)) return;
  for (auto& [name, svc] : services_) svc->Shutdown();
}

void Server::ResetAll() {
  log_.Clear();
  faults_.Reset();
  s3_->Reset();
  for (auto& [name, svc] : services_) svc->Reset();
}

void Server::HandleAdmin(const httplib::Request& req, httplib::Response& res) {
  const std::string path = WirePath(req);
  auto send = [&](int status, const json& j) {
    res.status = status;
    res.set_content(j.dump(), "application/json");
  };
  if (path == "/_emu/requests") {
    if (req.method == "GET") return send(200, log_.ToJson());
    if (req.method == "DELETE") {
      log_.Clear();
      return send(200, json{{"cleared", true}});
    }
  } else if (path == "/_emu/faults") {
    if (req.method == "GET") return send(200, faults_.config().ToJson());
    if (req.method == "POST" || req.method == "PUT") {
      json j = json::parse(req.body.empty() ? "{}" : req.body, nullptr, false);
      if (j.is_discarded()) return send(400, json{{"error", "/_emu/faults: body is not valid JSON"}});
      FaultConfig c;
      ferry::Status st = FaultConfig::FromJson(j, &c);
      if (!st.ok()) return send(400, json{{"error", st.message()}});
      faults_.Set(c);
      return send(200, c.ToJson());
    }
  } else if (path == "/_emu/reset") {
    if (req.method == "POST") {
      ResetAll();
      return send(200, json{{"reset", true}});
    }
  } else if (path == "/_emu/health") {
    return send(200, json{{"ok", true}, {"port", port_}, {"imds_port", imds_port()}});
  } else {
    return send(404, json{{"error", "unknown admin endpoint " + path +
                                        " (known: /_emu/requests, /_emu/faults, /_emu/reset)"}});
  }
  send(405, json{{"error", "method " + req.method + " not allowed on " + path}});
}

void Server::HandleApi(const httplib::Request& req, httplib::Response& res,
                       const httplib::ContentReader* reader) {
  const auto started = steady_clock::now();
  // S3 answers ranges itself; stop httplib from slicing the body again.
  const_cast<httplib::Request&>(req).ranges.clear();

  const std::string wire_path = WirePath(req);
  if (ferry::StartsWith(wire_path, "/_emu/")) {
    if (reader) {
      std::string body;
      (*reader)([&](const char* d, size_t n) {
        body.append(d, n);
        return true;
      });
      const_cast<httplib::Request&>(req).body = std::move(body);
    }
    return HandleAdmin(req, res);
  }

  RequestLogEntry entry;
  entry.time_ms = NowMillis();
  entry.method = req.method;
  entry.path = wire_path;
  const std::string request_id = NewRequestId();

  aws::SigV4Request sreq;
  sreq.method = req.method;
  sreq.path = wire_path;
  sreq.query = aws::ParseQueryString(WireQuery(req));
  for (const auto& [k, v] : req.headers) sreq.headers.emplace_back(k, v);

  // Request body: read on demand, counted for the log.
  std::string body;
  bool body_started = reader == nullptr;  // someone began reading it
  bool body_done = reader == nullptr;     // ...and read it to the end
  if (!reader) body = req.body;
  uint64_t bytes_in = body.size();
  auto read_all = [&]() {
    if (body_started) return;
    body_started = true;
    body_done = (*reader)([&](const char* d, size_t n) {
      body.append(d, n);
      return true;
    });
    bytes_in = body.size();
  };

  const bool has_body = req.has_header("Transfer-Encoding") ||
                        ContentLength(req) > 0;
  std::string service = ServiceOf(sreq, "");
  if (service == "s3" && req.get_header_value("Authorization").empty() &&
      ferry::StartsWith(req.get_header_value("Content-Type"), "application/x-www-form-urlencoded")) {
    read_all();
    service = ServiceOf(sreq, body);
  }
  if (service != "s3") read_all();
  entry.service = service;

  // Ends the request: logs it and makes sure an unread body cannot be
  // mistaken for the next request on a kept-alive connection.
  auto finish = [&](const std::string& error_code) {
    if (has_body && !body_started && ContentLength(req) <= (8u << 20) &&
        !req.has_header("Transfer-Encoding")) {
      read_all();
    }
    if (has_body && !body_done) res.set_header("Connection", "close");
    entry.status = res.status;
    entry.error_code = error_code;
    entry.bytes_in = bytes_in;
    entry.seconds = std::chrono::duration<double>(steady_clock::now() - started).count();
    log_.Add(std::move(entry));
  };

  // Work out the operation before authenticating, so that refused requests
  // are logged with what they tried.
  S3Request s3req;
  bool virtual_host = false;
  EmuRequest ereq;
  Service* svc = nullptr;
  if (service == "s3") {
    s3req = BuildS3Request(req, wire_path, sreq.query, request_id, &virtual_host);
    entry.operation = s3_->OperationName(s3req);
  } else {
    auto it = services_.find(service);
    if (it != services_.end()) svc = it->second.get();
    ereq.method = req.method;
    ereq.path = aws::UriDecode(wire_path);
    ereq.query = sreq.query;
    for (const auto& [k, v] : req.headers) ereq.headers.emplace(ferry::ToLower(k), v);
    ereq.body = body;
    if (svc) entry.operation = svc->OperationName(ereq);
  }

  // Authentication.
  std::string payload_hash = service == "s3" ? req.get_header_value("x-amz-content-sha256")
                                             : aws::Sha256Hex(body);
  AuthResult auth;
  if (service == "s3" && IsSigV2Presigned(sreq.query) && req.get_header_value("Authorization").empty()) {
    // The SigV2 resource names the bucket even when it came in the Host.
    std::string resource = virtual_host ? "/" + s3req.bucket + wire_path : wire_path;
    auth = AuthenticateSigV2Query(creds_, req.method, resource, sreq.query, s3req.headers,
                                  system_clock::now());
  } else {
    auth = Authenticate(creds_, sreq, service, payload_hash, system_clock::now());
  }
  if (!auth.ok && auth.failure == AuthFailure::kBadSignature && req.has_header("x-amz-copy-source")) {
    // httplib 0.11 percent-decodes header values before handlers see them,
    // but clients sign x-amz-copy-source as sent (percent-encoded with
    // '/' kept, as botocore does). Sign-check that form too.
    for (auto& [k, v] : sreq.headers) {
      if (ferry::ToLower(k) == "x-amz-copy-source") v = aws::UriEncode(v, true);
    }
    auth = Authenticate(creds_, sreq, service, payload_hash, system_clock::now());
  }
  if (!auth.ok) {
    if (auth.failure == AuthFailure::kBadSignature) {
      // What we computed, to help whoever debugs a client; S3 also returns it.
      if (std::getenv("FERRY_AWSEMU_DEBUG")) {
        // The canonical request may carry a session token: mask it.
        std::string shown;
        for (std::string line : ferry::Split(auth.detail, '\n')) {
          if (ferry::StartsWith(ferry::ToLower(line), "x-amz-security-token:")) {
            line = "x-amz-security-token:<redacted>";
          }
          auto q = line.find("X-Amz-Security-Token=");
          if (q != std::string::npos) {
            auto end = line.find('&', q);
            line = line.substr(0, q) + "X-Amz-Security-Token=<redacted>" +
                   (end == std::string::npos ? "" : line.substr(end));
          }
          shown += line + "\n";
        }
        std::fprintf(stderr, "ferry-awsemu: %s", shown.c_str());
      }
      auth.detail.clear();
    }
    AuthError err = ErrorFor(service, auth.failure, auth.detail);
    RenderError(service, err.status, err.code, err.message, request_id, res);
    return finish(err.code);
  }

  // Faults.
  int latency_ms = 0;
  Fault fault = faults_.Draw(service, &latency_ms);
  if (latency_ms > 0) std::this_thread::sleep_for(std::chrono::milliseconds(latency_ms));
  if (fault != Fault::kNone) {
    entry.fault = FaultName(fault);
    if (fault == Fault::kConnectionReset) {
      ResetConnection(req.local_port, req.remote_port);
      res.status = 500;  // never sent: the connection is gone
      entry.status = 0;
      entry.bytes_in = bytes_in;
      entry.seconds = std::chrono::duration<double>(steady_clock::now() - started).count();
      log_.Add(std::move(entry));
      return;
    }
    FaultError fe = FaultErrorFor(service, fault);
    RenderError(service, fe.status, fe.code, fe.message, request_id, res);
    return finish(fe.code);
  }

  // Access denial (the deny fault): S3 only, after authentication, as AWS
  // evaluates policies.
  if (service == "s3") {
    auto denied = faults_.Denied(S3ActionsFor(entry.operation, s3req.bucket, s3req.Header("x-amz-copy-source")));
    if (denied) {
      entry.fault = "deny";
      S3Response out;
      SetS3Error(&out, 403, "AccessDenied", "Access Denied", request_id);
      if (req.method == "HEAD") out.body.clear();  // HEAD errors carry no body
      entry.bytes_out = WriteS3Response(req, out, request_id, res);
      return finish(out.error_code.empty() ? "AccessDenied" : out.error_code);
    }
  }

  if (service != "s3" && !svc) {
    const bool known = service == "batch" || service == "logs";
    RenderError(service, known ? 501 : 400, known ? "NotImplemented" : "UnknownService",
                known ? "ferry-awsemu was built without the " + service + " service"
                      : "ferry-awsemu does not emulate service '" + service +
                            "' (it serves s3, sts, batch and logs)",
                request_id, res);
    return finish(known ? "NotImplemented" : "UnknownService");
  }

  if (service == "s3") {
    s3req.amz_date = auth.amz_date;
    s3req.seed_signature = auth.parsed.signature;
    s3req.scope = aws::CredentialScope(auth.parsed.date, auth.parsed.region, "s3");
    s3req.signing_key = aws::SigningKey(auth.principal.secret_key, auth.parsed.date,
                                        auth.parsed.region, "s3");
    BodyReader body_reader = [&](const BodySink& sink) -> bool {
      if (body_started) return body_done && (body.empty() || sink(body.data(), body.size()));
      body_started = true;
      if (!has_body) return body_done = true;
      body_done = (*reader)([&](const char* d, size_t n) {
        bytes_in += n;
        return sink(d, n);
      });
      return body_done;
    };
    S3Response out;
    s3_->Handle(s3req, body_reader, &out);
    entry.bytes_out = WriteS3Response(req, out, request_id, res);
    return finish(out.error_code);
  }

  ereq.access_key = auth.parsed.access_key;
  ereq.region = auth.parsed.region;
  EmuResponse out;
  svc->Handle(ereq, &out);
  res.status = out.status;
  bool has_request_id = false;
  for (const auto& [k, v] : out.headers) {
    if (ferry::ToLower(k) == "x-amzn-requestid") has_request_id = true;
    res.set_header(k, v);
  }
  if (!has_request_id) res.set_header("x-amzn-RequestId", request_id);
  res.set_content(out.body, out.content_type);
  entry.bytes_out = out.body.size();
  finish(ErrorCodeOf(out));
}

}  // namespace awsemu
