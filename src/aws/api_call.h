// One AWS API call as data: the service, the operation and its input in the
// shape of the service's model (botocore's service-2.json member names), for
// the calls `ferry aws setup/check/teardown` make to IAM and EC2 (query
// protocol), S3 bucket configuration (rest-xml), CloudWatch Logs (json) and
// Batch (rest-json). Keeping calls as data lets the set-up planner stay pure
// (it returns calls, it never sends them), lets tests record every call ferry
// would make and validate it against the service models, and gives one place
// per protocol that turns a call into a signed-path request.
//
//   ApiCall c{"iam", "GetRole", {{"RoleName", "x"}}};
//   ServiceRequest r;  SerializeApiCall(c, s3, &r);   // pure
//   LiveAwsApi api(client);  api.Call(c, &response);  // sends
//
// Responses come back as JSON: JSON services as sent; XML services converted
// element by element (text -> string, children -> object, a repeated child
// or an element whose children are all <member>/<item> -> array), so a
// reader writes one path for both.
#pragma once

#include <memory>
#include <string>

#include <nlohmann/json.hpp>

#include "aws/aws_client.h"
#include "aws/aws_error.h"
#include "util/status.h"

namespace ferry::aws {

class S3Client;

struct ApiCall {
  std::string service;    // botocore's service name: iam, ec2, s3, logs, batch
  std::string operation;  // "CreateRole"
  nlohmann::json params = nlohmann::json::object();
};

// Sends ApiCalls. Tests use a fake that records calls and answers from a map.
class AwsApi {
 public:
  virtual ~AwsApi() = default;
  // *error (when not null) gets the parsed AWS error on failure, so callers
  // can branch on its code ("NoSuchEntity").
  virtual Status Call(const ApiCall& call, nlohmann::json* response, AwsError* error = nullptr) = 0;
};

// Pure: the wire request for `call`. `s3` addresses buckets (may be null for
// other services). Invalid for an operation ferry has no serializer for.
Status SerializeApiCall(const ApiCall& call, const S3Client* s3, ServiceRequest* out);

// Pure: an XML document as JSON (see the header comment).
nlohmann::json XmlToJson(const std::string& xml);

// The name a query-protocol (ec2) list member is sent under: EC2 sends
// "Filters" as Filter.1, Filter.2... (the model's locationName). Exposed for
// the test that checks it against the EC2 model.
std::string Ec2QueryName(const std::string& member);

class LiveAwsApi : public AwsApi {
 public:
  // Resolves the S3 endpoint once (addressing of bucket calls).
  static Status Create(std::shared_ptr<AwsClient> client, std::unique_ptr<LiveAwsApi>* out);
  ~LiveAwsApi() override;
  Status Call(const ApiCall& call, nlohmann::json* response, AwsError* error = nullptr) override;
  AwsClient& client() { return *client_; }
  S3Client& s3() { return *s3_; }

 private:
  std::shared_ptr<AwsClient> client_;
  std::unique_ptr<S3Client> s3_;
};

}  // namespace ferry::aws
