// The seam between ferry-awsemu's HTTP front end (routing, SigV4 checks,
// faults, request log) and the AWS services it emulates. The front end
// authenticates a request, picks the service from the SigV4 credential scope,
// and hands it over as an EmuRequest; the service answers with an EmuResponse
// in its own wire protocol (REST-JSON for Batch, JSON 1.1 for Logs, query/XML
// for STS). S3 streams bodies and is wired to the server directly.
//
// Each service answers through an operation table (name -> one function per
// operation), so adding an operation is a function and a row. Errors are
// EmuError (emu_error.h), rendered with RenderError in the service's
// WireProtocol. Adding a service: a Service subclass with its table, one
// line in Server::Start to register it under its signing name, and its
// protocol in ProtocolOf.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace awsemu {

struct EmuRequest {
  std::string method;                                      // "POST"
  std::string path;                                        // decoded path, e.g. "/v1/submitjob"
  std::vector<std::pair<std::string, std::string>> query;  // decoded
  std::multimap<std::string, std::string> headers;         // names lower-cased
  std::string body;
  std::string access_key;  // the caller's access key id (already verified)
  std::string region;      // from the credential scope

  std::string Header(const std::string& lower_name) const {
    auto it = headers.find(lower_name);
    return it == headers.end() ? std::string() : it->second;
  }
};

struct EmuResponse {
  int status = 200;
  std::string content_type = "application/json";
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
};

// What every service may need to know about the running emulator.
class IamStore;

struct EmuContext {
  int port = 0;              // main port (S3, Batch, Logs, STS)
  std::string endpoint_url;  // "http://127.0.0.1:PORT"
  std::string access_key;    // credentials handed to Batch jobs (as a job role would)
  std::string secret_key;
  std::string region;
  std::string data_dir;     // --data-dir
  IamStore* iam = nullptr;  // the account's IAM: Batch checks the roles it is given
};

// Fault knobs the services consult (owned by the front end, set at start-up
// or through /_emu/faults). Probabilities are 0..1.
class FaultSource {
 public:
  virtual ~FaultSource() = default;
  // Chance that a RUNNING Batch job's host is terminated.
  virtual double host_termination_probability() const = 0;
  // Chance that a Batch job attempt loses its host once, early in its run.
  virtual double attempt_host_termination_probability() const = 0;
  // When true, Batch jobs stay RUNNABLE and never start.
  virtual bool hold_runnable() const = 0;
  // A uniform random number in [0,1) (one shared, seedable generator).
  virtual double Random() = 0;
};

class Service {
 public:
  virtual ~Service() = default;
  // SigV4 service name this handles: "batch", "logs", "sts".
  virtual std::string signing_name() const = 0;
  // Operation name for the request log and fault injection, e.g.
  // "SubmitJob", "GetLogEvents"; "" if the request names no known operation.
  virtual std::string OperationName(const EmuRequest& req) const = 0;
  // Answers one authenticated request. Must be thread-safe.
  virtual void Handle(const EmuRequest& req, EmuResponse* resp) = 0;
  // Drops all state (for /_emu/reset); stops running jobs.
  virtual void Reset() = 0;
  // Called once before the emulator exits.
  virtual void Shutdown() {}
};

// Factories the Batch/Logs side provides (batch_service.cc, logs_service.cc).
// Batch writes job output into Logs, hence the pointer.
class LogsService;
struct JobExecution;
std::unique_ptr<Service> MakeLogsService(const EmuContext& ctx);
std::unique_ptr<Service> MakeBatchService(const EmuContext& ctx, FaultSource* faults, Service* logs,
                                          const JobExecution& exec);

}  // namespace awsemu
