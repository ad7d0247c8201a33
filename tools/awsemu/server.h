// The HTTP front end of ferry-awsemu: listens on 127.0.0.1, serves the admin
// endpoints under /_emu/, authenticates every API request (SigV4), routes it
// by the credential scope's service to S3 or a Service object, injects the
// configured faults and records the request log. IMDS and the ECS
// credentials endpoint run on a second port (imds.h).
#pragma once

#include <atomic>
#include <map>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "awsemu/auth.h"
#include "awsemu/container_engine.h"
#include "awsemu/faults.h"
#include "awsemu/iam_store.h"
#include "awsemu/request_log.h"
#include "awsemu/s3_service.h"
#include "awsemu/service.h"
#include "awsemu/trust_policy.h"
#include "util/status.h"

namespace httplib {
class Server;
struct Request;
struct Response;
class ContentReader;
}  // namespace httplib

namespace awsemu {

class ImdsServer;

struct ServerOptions {
  int port = 0;       // 0: any free port
  int imds_port = 0;  // 0: any free port
  std::string data_dir;
  std::string access_key;
  std::string secret_key;
  std::string region = "us-east-1";
  std::string role_name = "ferry-awsemu-role";  // instance / task role name
  std::string ecs_auth_token;                   // required Authorization on ECS endpoint if set
  FaultConfig faults;
  // Batch jobs run as host processes instead of in their images.
  bool host_jobs = false;
  std::vector<ImageImport> images;  // imported into the container store at start-up
  // The container engine's image store, when not DATA/containers/storage:
  // one store that emulators share, so images are imported (and deleted)
  // once rather than per emulator.
  std::string image_store;
  // Shortest DurationSeconds STS accepts (AWS: 900); tests lower it to see
  // credentials expire within seconds.
  long min_role_duration = 900;
};

class Server {
 public:
  explicit Server(ServerOptions options);
  ~Server();

  // Opens the data directory, binds both ports and starts serving in
  // background threads.
  ferry::Status Start();
  int port() const { return port_; }
  int imds_port() const;
  // Blocks until Stop() (or a signal handler calling it).
  void Wait();
  void Stop();
  // Lets services stop their work (Batch jobs) without waiting for the HTTP
  // workers; for a process about to exit.
  void Shutdown();

 private:
  struct Exchange;  // one API request in flight (server.cc)
  // An API request's steps, in order: Route (service, operation), then
  // Authenticate and InjectFault (each may answer it), then one Serve*.
  void HandleApi(const httplib::Request& req, httplib::Response& res, const httplib::ContentReader* reader);
  void Route(Exchange& x);
  bool Authenticate(Exchange& x);  // false: answered with the auth error
  bool InjectFault(Exchange& x);   // true: answered (or the connection reset)
  void ServeS3(Exchange& x);
  void ServeService(Exchange& x);
  void Finish(Exchange& x, const std::string& error_code);  // writes the request log entry
  void HandleAdmin(const httplib::Request& req, httplib::Response& res);
  // POST /_emu/roles: {"name": N, "path": "/x/" (optional), "trust_policy": {...}}.
  void AddRole(const std::string& body, httplib::Response& res);
  void ResetAll();
  // Sets up engine_ (unless --host-jobs) and imports the --image files; a
  // host where containers cannot run is reported once on stderr.
  ferry::Status OpenContainerEngine();

  ServerOptions options_;
  int port_ = 0;
  CredentialStore creds_;
  class SsoPortalService* sso_ = nullptr;  // owned by services_
  IamStore iam_;                           // shared by IAM, Batch (role checks) and STS
  IamRoleDirectory roles_{&iam_};          // STS's view of iam_
  Faults faults_;
  RequestLog log_;
  std::unique_ptr<S3Service> s3_;
  std::map<std::string, std::unique_ptr<Service>> services_;  // by signing name
  std::unique_ptr<httplib::Server> http_;
  std::unique_ptr<ImdsServer> imds_;
  std::unique_ptr<ContainerEngine> engine_;  // null with --host-jobs or when none works here
  std::string engine_problem_;
  std::thread thread_;
  std::atomic<bool> shut_down_{false};
};

}  // namespace awsemu
