// The second port of ferry-awsemu: EC2 instance metadata (IMDSv2: session
// token required) and the ECS container credentials endpoint, each handing
// out temporary credentials for the emulator's role that the main port then
// accepts. Lets the AWS credential chain work offline.
#pragma once

#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

#include "awsemu/auth.h"
#include "awsemu/request_log.h"
#include "util/status.h"

namespace httplib {
class Server;
struct Request;
struct Response;
}  // namespace httplib

namespace awsemu {

class ImdsServer {
 public:
  // ecs_auth_token: when non-empty, the ECS endpoint requires this exact
  // Authorization header (as AWS_CONTAINER_AUTHORIZATION_TOKEN sends it).
  ImdsServer(CredentialStore* creds, RequestLog* log, std::string region, std::string role_name,
             std::string ecs_auth_token);
  ~ImdsServer();
  // Binds 127.0.0.1:port (0: any free port) and serves in a background thread.
  ferry::Status Start(int port);
  int port() const { return port_; }
  void Stop();

 private:
  void Handle(const httplib::Request& req, httplib::Response& res);
  void HandleImds(const httplib::Request& req, httplib::Response& res, std::string* operation);
  void HandleEcs(const httplib::Request& req, httplib::Response& res);
  // Instance-role credentials, renewed when close to expiry.
  Principal RoleCredentials();

  CredentialStore* creds_;
  RequestLog* log_;
  std::string region_;
  std::string role_name_;
  std::string ecs_auth_token_;
  std::string instance_id_;
  int port_ = 0;
  std::mutex mu_;
  std::map<std::string, std::chrono::steady_clock::time_point> tokens_;  // IMDSv2 session tokens
  std::optional<Principal> role_creds_;
  std::unique_ptr<httplib::Server> http_;
  std::thread thread_;
};

}  // namespace awsemu
