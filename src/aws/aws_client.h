// The one signed-request path every AWS service call goes through (S3 now;
// Batch, CloudWatch Logs and STS use the same): resolve the endpoint, sign
// with SigV4 using the current credentials, send on the shared HttpTransport,
// retry per the standard retry mode, and turn failures into AwsError.
//
//   AwsClient client(AwsClient::Options{...});
//   ServiceRequest r;  r.service = "sts"; r.operation = "GetCallerIdentity"; ...
//   ServiceResponse resp = client.Call(r);          // blocking
//   client.Send(r, [](ServiceResponse resp) {...});  // async, callback on the transport thread
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>

#include "aws/aws_error.h"
#include "aws/credential_chain.h"
#include "aws/endpoint.h"
#include "aws/env.h"
#include "aws/http.h"
#include "aws/retry.h"
#include "aws/settings.h"
#include "aws/sigv4.h"

namespace ferry::aws {

struct ServiceRequest {
  std::string service;    // signing name: "s3", "batch", "logs", "sts"
  std::string operation;  // for messages: "GetObject"
  std::string method = "GET";
  // Where to send it; when host is empty the client resolves the service's
  // endpoint (see endpoint.h) and prefixes its base path to `path`.
  Endpoint endpoint;
  std::string path = "/";  // wire path, already percent-encoded
  QueryList query;         // decoded
  HeaderList headers;      // Host is added by the client
  std::shared_ptr<BodySource> body;
  // Hex SHA-256 of the body or kUnsignedPayload; empty: computed for
  // in-memory bodies, UNSIGNED-PAYLOAD for streamed (file) bodies.
  std::string payload_hash;
  std::shared_ptr<BodySink> sink;
  std::string target;  // shown in errors, e.g. "s3://bucket/key"
  // S3 only: the bucket addressed. When S3 answers that the bucket lives in
  // another region (x-amz-bucket-region), the client re-signs for that region,
  // retries once, and remembers it for later requests to the bucket.
  std::string bucket;
  // The region to sign for when it is not the client's: IAM, a global
  // service, is signed for us-east-1 whatever the client's region.
  std::string signing_region;
  // Checks a 2xx response (e.g. an ETag against the MD5 we sent). A failure
  // is retried like a transient error and reported if attempts run out.
  std::function<Status(const HttpResponse&)> validate;
  // Told about each failed attempt that is about to be retried (e.g. so a
  // rate limiter can slow down on throttling); runs on the transport thread.
  std::function<void(RetryKind)> on_retry;
  long timeout_ms = 0;
  // Sent without a signature: the calls that obtain credentials in the
  // first place (STS AssumeRoleWithWebIdentity, the SSO portal).
  bool anonymous = false;
  // Not sent: the client answers with this failure at once (an anonymous S3
  // client asked to write; see S3Client::Request).
  Status refused;
};

struct ServiceResponse {
  Status status;   // ok, or error.ToStatus()
  AwsError error;  // filled when !status.ok()
  HttpResponse http;
  int attempts = 1;
};

class AwsClient {
 public:
  struct Options {
    std::shared_ptr<CredentialSource> credentials;  // may be null when every request is anonymous
    std::string region;
    AwsSettings settings;
    std::shared_ptr<const Env> env;            // default: process environment
    std::shared_ptr<HttpTransport> transport;  // default: a new one
    RetryPolicy retry;                         // max_attempts from settings/AWS_MAX_ATTEMPTS
  };
  explicit AwsClient(Options options);

  void Send(ServiceRequest req, std::function<void(ServiceResponse)> done);
  ServiceResponse Call(ServiceRequest req);

  Status ResolveEndpointFor(const std::string& service, Endpoint* out) const;
  const std::string& region() const { return options_.region; }
  const AwsSettings& settings() const { return options_.settings; }
  const Env& env() const { return *options_.env; }
  HttpTransport& transport() { return *options_.transport; }
  const RetryPolicy& retry_policy() const { return options_.retry; }
  RetryQuota& retry_quota() { return quota_; }

 private:
  struct Call_;
  std::string BucketRegion(const std::string& bucket) const;
  void Attempt(std::shared_ptr<Call_> call, std::chrono::milliseconds delay);
  void OnDone(std::shared_ptr<Call_> call, HttpResponse resp);
  Options options_;
  RetryQuota quota_;
  mutable std::mutex regions_mu_;
  std::map<std::string, std::string> bucket_regions_;
};

}  // namespace ferry::aws
