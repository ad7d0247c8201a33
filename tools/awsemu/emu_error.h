// EmuError: the one error type of ferry-awsemu's services. A store or an
// operation returns it (HTTP status, AWS error code, message, and for S3 the
// extra elements its error document names, such as BucketName); the service
// that answers renders it in its wire protocol with RenderError below. Field
// readers of the JSON services may throw it inside their service, but their
// operation table catches it, so no error is thrown out of a service.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "awsemu/service.h"

namespace awsemu {

struct EmuError {
  int status = 200;
  std::string code;  // "" = no error
  std::string message;
  // S3 only: extra <Error> elements, e.g. {"BucketName", "b"}.
  std::vector<std::pair<std::string, std::string>> details = {};

  bool ok() const { return code.empty(); }
  static EmuError Ok() { return {}; }
  // A client error (HTTP 400), the usual shape for invalid parameters.
  static EmuError Client(std::string code, std::string message) { return {400, std::move(code), std::move(message)}; }
};

// How a service puts errors on the wire.
enum class WireProtocol {
  kRestXml,   // S3: <Error><Code/><Message/>...<RequestId/></Error>
  kRestJson,  // Batch: {"__type", "message"} + x-amzn-ErrorType, application/json
  kJson11,    // Logs: the same in application/x-amz-json-1.1
  kQuery,     // STS, IAM: <ErrorResponse><Error><Type/><Code/><Message/></Error><RequestId/>
  kEc2,       // EC2: <Response><Errors><Error><Code/><Message/></Error></Errors><RequestID/>
};

// The protocol of a SigV4 service name ("s3", "sts", "iam", "ec2", "batch", "logs");
// REST-JSON for names the emulator does not know.
WireProtocol ProtocolOf(const std::string& service);

// Fills `resp` (status, content type, headers, body) with `e` as `protocol`
// shows errors. HEAD requests get no body; the caller clears it.
void RenderError(WireProtocol protocol, const EmuError& e, const std::string& request_id, EmuResponse* resp);

}  // namespace awsemu
