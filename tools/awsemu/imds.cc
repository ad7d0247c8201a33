#include "awsemu/imds.h"

#include <random>

#include <httplib.h>
#include <nlohmann/json.hpp>

#include "awsemu/sts.h"
#include "util/text.h"

namespace awsemu {

using nlohmann::json;
using std::chrono::steady_clock;
using std::chrono::system_clock;

namespace {

std::string RandomToken() {
  static thread_local std::mt19937_64 rng{std::random_device{}()};
  const char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  std::uniform_int_distribution<int> pick(0, 63);
  std::string s;
  for (int i = 0; i < 56; ++i) s.push_back(alphabet[pick(rng)]);
  return s;
}

constexpr auto kCredentialLifetime = std::chrono::hours(6);
// The emulator is one instance of one type, as its metadata tells a job.
constexpr char kInstanceType[] = "m5.large";

}  // namespace

ImdsServer::ImdsServer(CredentialStore* creds, RequestLog* log, std::string region, std::string role_name,
                       std::string ecs_auth_token)
    : creds_(creds),
      log_(log),
      region_(std::move(region)),
      role_name_(std::move(role_name)),
      ecs_auth_token_(std::move(ecs_auth_token)) {
  instance_id_ = "i-0" + RandomToken().substr(0, 16);
  for (char& c : instance_id_) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
}

ImdsServer::~ImdsServer() { Stop(); }

ferry::Status ImdsServer::Start(int port) {
  http_ = std::make_unique<httplib::Server>();
  auto h = [this](const httplib::Request& req, httplib::Response& res) { Handle(req, res); };
  http_->Get(".*", h);
  http_->Put(".*", h);
  http_->Post(".*", h);
  if (port == 0) {
    port_ = http_->bind_to_any_port("127.0.0.1");
    if (port_ <= 0) return ferry::Status::Failed("cannot bind the IMDS port on 127.0.0.1");
  } else {
    if (!http_->bind_to_port("127.0.0.1", port)) {
      return ferry::Status::Failed("cannot listen on 127.0.0.1:" + std::to_string(port) +
                                   " for IMDS (port in use? pass --imds-port 0)");
    }
    port_ = port;
  }
  thread_ = std::thread([this] { http_->listen_after_bind(); });
  return ferry::Status::Ok();
}

void ImdsServer::Stop() {
  if (http_) http_->stop();
  if (thread_.joinable()) thread_.join();
}

Principal ImdsServer::RoleCredentials() {
  std::lock_guard<std::mutex> l(mu_);
  auto now = system_clock::now();
  if (!role_creds_ || *role_creds_->expiration - now < std::chrono::minutes(30)) {
    role_creds_ = creds_->IssueTemporary(role_name_, instance_id_, now + kCredentialLifetime);
  }
  return *role_creds_;
}

void ImdsServer::Handle(const httplib::Request& req, httplib::Response& res) {
  RequestLogEntry e;
  e.method = req.method;
  e.path = req.path;
  if (ferry::StartsWith(req.path, "/latest/")) {
    e.service = "imds";
    HandleImds(req, res, &e.operation);
  } else {
    e.service = "ecs";
    e.operation = "GetCredentials";
    HandleEcs(req, res);
  }
  e.status = res.status;
  log_->Add(std::move(e));
}

void ImdsServer::HandleImds(const httplib::Request& req, httplib::Response& res, std::string* operation) {
  auto text = [&](int status, const std::string& body) {
    res.status = status;
    res.set_content(body, "text/plain");
  };
  if (req.path == "/latest/api/token") {
    *operation = "PutToken";
    if (req.method != "PUT") return text(405, "");
    std::string ttl_text = req.get_header_value("X-aws-ec2-metadata-token-ttl-seconds");
    char* end = nullptr;
    long ttl = std::strtol(ttl_text.c_str(), &end, 10);
    if (ttl_text.empty() || *end != '\0' || ttl < 1 || ttl > 21600) return text(400, "");
    std::string token = RandomToken();
    {
      std::lock_guard<std::mutex> l(mu_);
      tokens_[token] = steady_clock::now() + std::chrono::seconds(ttl);
    }
    res.set_header("X-aws-ec2-metadata-token-ttl-seconds", std::to_string(ttl));
    return text(200, token);
  }
  *operation = "GetMetadata";
  if (req.method != "GET") return text(405, "");
  // IMDSv2 only: every read needs a live session token.
  {
    std::string token = req.get_header_value("X-aws-ec2-metadata-token");
    std::lock_guard<std::mutex> l(mu_);
    auto it = tokens_.find(token);
    if (token.empty() || it == tokens_.end() || it->second < steady_clock::now()) {
      return text(401, "");
    }
  }
  const std::string& p = req.path;
  const std::string creds_prefix = "/latest/meta-data/iam/security-credentials/";
  if (p == creds_prefix) return text(200, role_name_);
  if (ferry::StartsWith(p, creds_prefix)) {
    if (p.substr(creds_prefix.size()) != role_name_) return text(404, "");
    Principal c = RoleCredentials();
    json j{{"Code", "Success"},
           {"LastUpdated", Iso8601(system_clock::now())},
           {"Type", "AWS-HMAC"},
           {"AccessKeyId", c.access_key},
           {"SecretAccessKey", c.secret_key},
           {"Token", c.session_token},
           {"Expiration", Iso8601(*c.expiration)}};
    return text(200, j.dump(2));
  }
  if (p == "/latest/meta-data/placement/region") return text(200, region_);
  if (p == "/latest/meta-data/placement/availability-zone") return text(200, region_ + "a");
  if (p == "/latest/meta-data/instance-id") return text(200, instance_id_);
  if (p == "/latest/meta-data/instance-type") return text(200, kInstanceType);
  if (p == "/latest/meta-data/iam/info") {
    json j{{"Code", "Success"},
           {"LastUpdated", Iso8601(system_clock::now())},
           {"InstanceProfileArn", std::string("arn:aws:iam::") + kAccountId + ":instance-profile/" + role_name_},
           {"InstanceProfileId", "AIPA" + instance_id_.substr(2, 12)}};
    return text(200, j.dump(2));
  }
  if (p == "/latest/dynamic/instance-identity/document") {
    json j{{"accountId", kAccountId},           {"region", region_},
           {"availabilityZone", region_ + "a"}, {"instanceId", instance_id_},
           {"instanceType", kInstanceType},     {"architecture", "x86_64"}};
    return text(200, j.dump(2));
  }
  text(404, "");
}

void ImdsServer::HandleEcs(const httplib::Request& req, httplib::Response& res) {
  auto send = [&](int status, const json& j) {
    res.status = status;
    res.set_content(j.dump(2), "application/json");
  };
  if (req.method != "GET") return send(405, json{{"message", "use GET"}});
  if (!ecs_auth_token_.empty() && req.get_header_value("Authorization") != ecs_auth_token_) {
    return send(401, json{{"message", "missing or wrong Authorization header"}});
  }
  // Any path outside /latest/ is a credentials URI (AWS_CONTAINER_CREDENTIALS_RELATIVE_URI
  // is "/v2/credentials/<id>"; FULL_URI may be anything).
  Principal c = RoleCredentials();
  send(200, json{{"AccessKeyId", c.access_key},
                 {"SecretAccessKey", c.secret_key},
                 {"Token", c.session_token},
                 {"Expiration", Iso8601(*c.expiration)},
                 {"RoleArn", std::string("arn:aws:iam::") + kAccountId + ":role/" + role_name_}});
}

}  // namespace awsemu
