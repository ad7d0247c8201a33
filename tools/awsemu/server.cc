#include "awsemu/server.h"

#include <arpa/inet.h>
#include <dirent.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <httplib.h>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <nlohmann/json.hpp>

#include "aws/crypto.h"
#include "awsemu/batch_engine.h"
#include "awsemu/ec2_service.h"
#include "awsemu/iam_service.h"
#include "awsemu/image_admin.h"
#include "awsemu/imds.h"
#include "awsemu/logs_service.h"
#include "awsemu/sso_portal.h"
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

// Sends an error in the protocol of `service`, with the request id header
// that protocol uses.
void SendError(const std::string& service, const EmuError& e, const std::string& request_id, httplib::Response& res) {
  EmuResponse out;
  RenderError(ProtocolOf(service), e, request_id, &out);
  res.status = out.status;
  res.set_header(service == "s3" ? "x-amz-request-id" : "x-amzn-RequestId", request_id);
  for (const auto& [k, v] : out.headers) res.set_header(k, v);
  res.set_content(out.body, out.content_type);
}

EmuError FaultErrorFor(const std::string& service, Fault f) {
  if (f == Fault::kThrottle) {
    if (service == "s3") return {503, "SlowDown", "Please reduce your request rate."};
    if (service == "batch") return {429, "TooManyRequestsException", "Too Many Requests"};
    if (service == "sts" || service == "iam") return {400, "Throttling", "Rate exceeded"};
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

// Sends an S3 answer; object bodies are streamed from their files.
// Returns the body bytes sent, for the request log.
uint64_t WriteS3Response(const httplib::Request& req, const S3Response& out, const std::string& request_id,
                         httplib::Response& res) {
  res.status = out.status;
  res.set_header("x-amz-request-id", request_id);
  res.set_header("x-amz-id-2", "ferry-awsemu/" + request_id);
  for (const auto& [k, v] : out.headers) res.set_header(k, v);
  if (out.file && out.file->length > 0) {
    std::shared_ptr<FileBody> file = out.file;
    auto buffer = std::make_shared<std::vector<char>>(1 << 20);
    res.set_content_provider(file->length, out.content_type,
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

// A canonical request for the debug log, with session tokens masked.
std::string Redacted(const std::string& detail) {
  std::string shown;
  for (std::string line : ferry::Split(detail, '\n')) {
    if (ferry::StartsWith(ferry::ToLower(line), "x-amz-security-token:")) line = "x-amz-security-token:<redacted>";
    auto q = line.find("X-Amz-Security-Token=");
    if (q != std::string::npos) {
      auto end = line.find('&', q);
      line = line.substr(0, q) + "X-Amz-Security-Token=<redacted>" + (end == std::string::npos ? "" : line.substr(end));
    }
    shown += line + "\n";
  }
  return shown;
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
    : options_(std::move(options)), creds_(options_.access_key, options_.secret_key), faults_(options_.faults) {}

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

  auto plain = [this](const httplib::Request& req, httplib::Response& res) { HandleApi(req, res, nullptr); };
  auto streamed = [this](const httplib::Request& req, httplib::Response& res, const httplib::ContentReader& reader) {
    HandleApi(req, res, &reader);
  };
  http_->Get(".*", plain);
  http_->Options(".*", plain);
  http_->Post(".*", streamed);
  http_->Put(".*", streamed);
  http_->Patch(".*", streamed);
  http_->Delete(".*", streamed);
  http_->set_exception_handler([](const httplib::Request&, httplib::Response& res, std::exception_ptr ep) {
    std::string what = "unknown error";
    try {
      std::rethrow_exception(ep);
    } catch (const std::exception& e) {
      what = e.what();
    } catch (...) {
    }
    res.status = 500;
    res.set_content(json{{"__type", "InternalFailure"}, {"message", what}}.dump(), "application/json");
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

  imds_ = std::make_unique<ImdsServer>(&creds_, &log_, options_.region, options_.role_name, options_.ecs_auth_token);
  FERRY_RETURN_IF_ERROR(imds_->Start(options_.imds_port));
  FERRY_RETURN_IF_ERROR(OpenContainerEngine());

  EmuContext ctx;
  ctx.port = port_;
  ctx.endpoint_url = "http://127.0.0.1:" + std::to_string(port_);
  ctx.access_key = options_.access_key;
  ctx.secret_key = options_.secret_key;
  ctx.region = options_.region;
  ctx.data_dir = options_.data_dir;
  ctx.iam = &iam_;
  JobExecution exec;
  exec.host_jobs = options_.host_jobs;
  exec.engine = engine_.get();
  exec.engine_problem = engine_problem_;
  exec.imds_port = imds_->port();
  exec.ecs_auth_token = options_.ecs_auth_token;
  StsOptions sts;
  sts.roles = &roles_;
  sts.token_key = options_.secret_key;
  sts.min_duration_seconds = options_.min_role_duration;
  services_["sts"] = std::make_unique<StsService>(&creds_, sts);
  auto sso = std::make_unique<SsoPortalService>(&creds_);
  sso_ = sso.get();
  services_["sso"] = std::move(sso);
  services_["iam"] = std::make_unique<IamService>(&iam_);
  services_["ec2"] = std::make_unique<Ec2Service>(options_.region);
  std::unique_ptr<Service> logs = MakeLogsService(ctx);
  Service* logs_ptr = logs.get();
  std::unique_ptr<Service> batch = MakeBatchService(ctx, &faults_, logs_ptr, exec);
  if (logs) services_["logs"] = std::move(logs);
  if (batch) services_["batch"] = std::move(batch);

  thread_ = std::thread([this] { http_->listen_after_bind(); });
  return ferry::Status::Ok();
}

ferry::Status Server::OpenContainerEngine() {
  if (options_.host_jobs) {
    engine_problem_ = "the emulator was started with --host-jobs";
    if (!options_.images.empty()) return ferry::Status::Invalid("--image needs jobs in containers, not --host-jobs");
    return ferry::Status::Ok();
  }
  engine_ = ContainerEngine::Open(options_.data_dir, options_.image_store, &engine_problem_);
  if (!engine_) {
    // Said once, here; each job then fails to start with the same reason.
    std::fprintf(stderr,
                 "ferry-awsemu: Batch jobs cannot run in containers here: %s; every job will fail to start "
                 "(pass --host-jobs to run jobs as host processes)\n",
                 engine_problem_.c_str());
    if (!options_.images.empty()) return ferry::Status::Invalid("--image: " + engine_problem_);
    return ferry::Status::Ok();
  }
  for (const ImageImport& image : options_.images) FERRY_RETURN_IF_ERROR(engine_->Import(image).WithPrefix("--image"));
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
  } else if (path == "/_emu/images") {
    if (req.method == "POST") {
      std::vector<std::pair<std::string, std::string>> query(req.params.begin(), req.params.end());
      AdminAnswer a =
          ImportImage(engine_.get(), engine_problem_, query, req.body, options_.data_dir + "/containers/uploads");
      return send(a.status, a.body);
    }
  } else if (path == "/_emu/roles") {
    if (req.method == "POST") return AddRole(req.body, res);
  } else if (path == "/_emu/sso") {
    if (req.method == "POST") {
      json j = json::parse(req.body.empty() ? "{}" : req.body, nullptr, false);
      ferry::Status st = sso_->AddToken(j);
      if (!st.ok()) return send(400, json{{"error", st.message()}});
      return send(200, json{{"added", true}});
    }
  } else if (path == "/_emu/health") {
    return send(200, json{{"ok", true}, {"port", port_}, {"imds_port", imds_port()}});
  } else {
    return send(
        404, json{{"error",
                   "unknown admin endpoint " + path +
                       " (known: /_emu/requests, /_emu/faults, /_emu/reset, /_emu/images, /_emu/roles, /_emu/sso)"}});
  }
  send(405, json{{"error", "method " + req.method + " not allowed on " + path}});
}

void Server::AddRole(const std::string& body, httplib::Response& res) {
  json j = json::parse(body.empty() ? "{}" : body, nullptr, false);
  auto send = [&](int status, const json& v) {
    res.status = status;
    res.set_content(v.dump(), "application/json");
  };
  if (!j.is_object() || !j.contains("name") || !j["name"].is_string() || !j.contains("trust_policy") ||
      !j["trust_policy"].is_object())
    return send(400,
                json{{"error", "/_emu/roles: expected {\"name\": ..., \"trust_policy\": {...}, \"path\": \"/\"}"}});
  // The role goes into IAM, the one owner of roles (as iam:CreateRole
  // would put it there); registering a name again replaces its trust policy.
  IamRole role;
  role.name = j["name"].get<std::string>();
  role.path = j.value("path", "/");
  role.trust_policy = j["trust_policy"].dump();
  IamRole created;
  EmuError e = iam_.CreateRole(role, &created);
  if (e.code == "EntityAlreadyExists") {
    e = iam_.UpdateAssumeRolePolicy(role.name, role.trust_policy);
    if (e.ok()) e = iam_.GetRole(role.name, &created);
  }
  if (!e.ok()) return send(400, json{{"error", "/_emu/roles: " + e.message}});
  send(200, json{{"arn", created.arn}});
}

// One API request on its way through the front end: what came in, its body
// as read so far (S3 streams it, the other services read it whole), and the
// request log entry it ends with.
struct Server::Exchange {
  Exchange(const httplib::Request& r, httplib::Response& out, const httplib::ContentReader* body_reader)
      : req(r), res(out), reader(body_reader), body_started(!body_reader), body_done(!body_reader) {}

  // Reads the whole body into `body` (once).
  void ReadAll() {
    if (body_started) return;
    body_started = true;
    body_done = (*reader)([&](const char* d, size_t n) {
      body.append(d, n);
      return true;
    });
    bytes_in = body.size();
  }

  // The body for S3: what was read already, or the rest straight from the
  // connection into the sink.
  BodyReader S3Body() {
    return [this](const BodySink& sink) -> bool {
      if (body_started) return body_done && (body.empty() || sink(body.data(), body.size()));
      body_started = true;
      if (!has_body) return body_done = true;
      body_done = (*reader)([&](const char* d, size_t n) {
        bytes_in += n;
        return sink(d, n);
      });
      return body_done;
    };
  }

  const httplib::Request& req;
  httplib::Response& res;
  const httplib::ContentReader* reader;
  const steady_clock::time_point started = steady_clock::now();
  const std::string request_id = NewRequestId();
  std::string wire_path;
  RequestLogEntry entry;
  aws::SigV4Request sreq;
  std::string body;
  bool body_started;  // someone began reading the body
  bool body_done;     // ...and read it to the end
  uint64_t bytes_in = 0;
  bool has_body = false;
  std::string service;
  S3Request s3req;  // service "s3"
  bool virtual_host = false;
  EmuRequest ereq;  // other services
  Service* svc = nullptr;
  AuthResult auth;
};

void Server::HandleApi(const httplib::Request& req, httplib::Response& res, const httplib::ContentReader* reader) {
  // S3 answers ranges itself; stop httplib from slicing the body again.
  const_cast<httplib::Request&>(req).ranges.clear();
  Exchange x(req, res, reader);
  x.wire_path = WirePath(req);
  if (ferry::StartsWith(x.wire_path, "/_emu/")) {
    if (reader) {
      x.ReadAll();
      const_cast<httplib::Request&>(req).body = std::move(x.body);
    }
    return HandleAdmin(req, res);
  }
  Route(x);
  if (!Authenticate(x) || InjectFault(x)) return;
  if (x.service == "s3") return ServeS3(x);
  if (!x.svc) {
    const bool known = x.service == "batch" || x.service == "logs";
    EmuError e = known ? EmuError{501, "NotImplemented", "ferry-awsemu was built without the " + x.service + " service"}
                       : EmuError::Client("UnknownService", "ferry-awsemu does not emulate service '" + x.service +
                                                                "' (it serves s3, sts, iam, ec2, batch and logs)");
    SendError(x.service, e, x.request_id, res);
    return Finish(x, e.code);
  }
  ServeService(x);
}

// Picks the service from the credential scope and the operation, before
// authenticating, so that refused requests are logged with what they tried.
void Server::Route(Exchange& x) {
  const httplib::Request& req = x.req;
  x.entry.time_ms = NowMillis();
  x.entry.method = req.method;
  x.entry.path = x.wire_path;
  x.sreq.method = req.method;
  x.sreq.path = x.wire_path;
  x.sreq.query = aws::ParseQueryString(WireQuery(req));
  for (const auto& [k, v] : req.headers) x.sreq.headers.emplace_back(k, v);
  if (!x.reader) x.body = req.body;
  x.bytes_in = x.body.size();
  x.has_body = req.has_header("Transfer-Encoding") || ContentLength(req) > 0;
  x.service = ServiceOf(x.sreq, "");
  if (x.service == "s3" && req.get_header_value("Authorization").empty() &&
      ferry::StartsWith(req.get_header_value("Content-Type"), "application/x-www-form-urlencoded")) {
    x.ReadAll();
    x.service = ServiceOf(x.sreq, x.body);
  }
  if (x.service != "s3") x.ReadAll();
  x.entry.service = x.service;

  if (x.service == "s3") {
    x.s3req = S3RequestFromWire(req.method, x.wire_path, x.sreq.query, x.sreq.headers, &x.virtual_host);
    x.s3req.request_id = x.request_id;
    x.entry.operation = s3_->OperationName(x.s3req);
    return;
  }
  auto it = services_.find(x.service);
  if (it != services_.end()) x.svc = it->second.get();
  x.ereq.method = req.method;
  x.ereq.path = aws::UriDecode(x.wire_path);
  x.ereq.query = x.sreq.query;
  for (const auto& [k, v] : req.headers) x.ereq.headers.emplace(ferry::ToLower(k), v);
  x.ereq.body = x.body;
  if (x.svc) x.entry.operation = x.svc->OperationName(x.ereq);
}

// Checks the request's signature (SigV4 header or query, or S3's SigV2
// presigned form); on failure answers with the service's auth error.
bool Server::Authenticate(Exchange& x) {
  const httplib::Request& req = x.req;
  const std::string& service = x.service;
  std::string payload_hash = service == "s3" ? req.get_header_value("x-amz-content-sha256") : aws::Sha256Hex(x.body);
  AuthResult& auth = x.auth;
  // The calls that obtain credentials carry none: the SSO portal (a bearer
  // token) and STS AssumeRoleWithWebIdentity (an OIDC token).
  const bool unsigned_call =
      req.get_header_value("Authorization").empty() &&
      (service == "sso" || (service == "sts" && x.entry.operation == "AssumeRoleWithWebIdentity"));
  if (unsigned_call) return true;
  // Anyone may call where a public bucket's policy says so (an unsigned
  // request carries neither Authorization nor a presigned query).
  if (service == "s3" && req.get_header_value("Authorization").empty() && !IsSigV2Presigned(x.sreq.query) &&
      !x.s3req.HasQuery("X-Amz-Signature") && s3_->AllowsAnonymous(x.s3req, x.entry.operation))
    return true;
  if (service == "s3" && IsSigV2Presigned(x.sreq.query) && req.get_header_value("Authorization").empty()) {
    // The SigV2 resource names the bucket even when it came in the Host.
    std::string resource = x.virtual_host ? "/" + x.s3req.bucket + x.wire_path : x.wire_path;
    auth = AuthenticateSigV2Query(creds_, req.method, resource, x.sreq.query, x.s3req.headers, system_clock::now());
  } else {
    auth = awsemu::Authenticate(creds_, x.sreq, service, payload_hash, system_clock::now());
  }
  if (!auth.ok && auth.failure == AuthFailure::kBadSignature && req.has_header("x-amz-copy-source")) {
    // httplib 0.11 percent-decodes header values before handlers see them,
    // but clients sign x-amz-copy-source as sent (percent-encoded with
    // '/' kept, as botocore does). Sign-check that form too.
    for (auto& [k, v] : x.sreq.headers) {
      if (ferry::ToLower(k) == "x-amz-copy-source") v = aws::UriEncode(v, true);
    }
    auth = awsemu::Authenticate(creds_, x.sreq, service, payload_hash, system_clock::now());
  }
  if (auth.ok) return true;
  if (auth.failure == AuthFailure::kBadSignature) {
    // What we computed, to help whoever debugs a client; S3 also returns it.
    if (std::getenv("FERRY_AWSEMU_DEBUG")) std::fprintf(stderr, "ferry-awsemu: %s", Redacted(auth.detail).c_str());
    auth.detail.clear();
  }
  EmuError err = ErrorFor(service, auth.failure, auth.detail);
  SendError(service, err, x.request_id, x.res);
  Finish(x, err.code);
  return false;
}

// Applies the configured latency and faults, and the deny fault (S3 only,
// after authentication, as AWS evaluates policies). True when the request
// has been answered (or its connection reset).
bool Server::InjectFault(Exchange& x) {
  int latency_ms = 0;
  Fault fault = faults_.Draw(x.service, &latency_ms);
  if (latency_ms > 0) std::this_thread::sleep_for(std::chrono::milliseconds(latency_ms));
  if (fault == Fault::kConnectionReset) {
    x.entry.fault = FaultName(fault);
    ResetConnection(x.req.local_port, x.req.remote_port);
    x.res.status = 500;  // never sent: the connection is gone
    x.entry.status = 0;
    x.entry.bytes_in = x.bytes_in;
    x.entry.seconds = std::chrono::duration<double>(steady_clock::now() - x.started).count();
    log_.Add(std::move(x.entry));
    return true;
  }
  if (fault != Fault::kNone) {
    x.entry.fault = FaultName(fault);
    EmuError e = FaultErrorFor(x.service, fault);
    SendError(x.service, e, x.request_id, x.res);
    Finish(x, e.code);
    return true;
  }
  if (x.service != "s3" || !faults_.Denied(S3ActionsFor(x.entry.operation, x.s3req.bucket, x.s3req.key,
                                                        x.s3req.Header("x-amz-copy-source"))))
    return false;
  x.entry.fault = "deny";
  S3Response out;
  SetS3Error(&out, {403, "AccessDenied", "Access Denied"}, x.request_id);
  if (x.req.method == "HEAD") out.body.clear();  // HEAD errors carry no body
  x.entry.bytes_out = WriteS3Response(x.req, out, x.request_id, x.res);
  Finish(x, out.error_code);
  return true;
}

void Server::ServeS3(Exchange& x) {
  const AuthResult& auth = x.auth;
  x.s3req.amz_date = auth.amz_date;
  x.s3req.seed_signature = auth.parsed.signature;
  x.s3req.scope = aws::CredentialScope(auth.parsed.date, auth.parsed.region, "s3");
  x.s3req.signing_key = aws::SigningKey(auth.principal.secret_key, auth.parsed.date, auth.parsed.region, "s3");
  S3Response out;
  s3_->Handle(x.s3req, x.S3Body(), &out);
  x.entry.bytes_out = WriteS3Response(x.req, out, x.request_id, x.res);
  Finish(x, out.error_code);
}

void Server::ServeService(Exchange& x) {
  x.ereq.access_key = x.auth.parsed.access_key;
  x.ereq.region = x.auth.parsed.region;
  EmuResponse out;
  x.svc->Handle(x.ereq, &out);
  x.res.status = out.status;
  bool has_request_id = false;
  for (const auto& [k, v] : out.headers) {
    if (ferry::ToLower(k) == "x-amzn-requestid") has_request_id = true;
    x.res.set_header(k, v);
  }
  if (!has_request_id) x.res.set_header("x-amzn-RequestId", x.request_id);
  x.res.set_content(out.body, out.content_type);
  x.entry.bytes_out = out.body.size();
  Finish(x, ErrorCodeOf(out));
}

// Ends a request: logs it and makes sure an unread body cannot be mistaken
// for the next request on a kept-alive connection.
void Server::Finish(Exchange& x, const std::string& error_code) {
  if (x.has_body && !x.body_started && ContentLength(x.req) <= (8u << 20) && !x.req.has_header("Transfer-Encoding")) {
    x.ReadAll();
  }
  if (x.has_body && !x.body_done) x.res.set_header("Connection", "close");
  x.entry.status = x.res.status;
  x.entry.error_code = error_code;
  x.entry.bytes_in = x.bytes_in;
  x.entry.seconds = std::chrono::duration<double>(steady_clock::now() - x.started).count();
  log_.Add(std::move(x.entry));
}

}  // namespace awsemu
