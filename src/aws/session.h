// Everything a command needs to talk to AWS, resolved once: the credentials
// chain, the region (and where each came from), and a client on a shared
// transport.
#pragma once

#include <memory>

#include "aws/aws_client.h"
#include "aws/credential_chain.h"
#include "aws/region_chain.h"

namespace ferry::aws {

struct AwsSession {
  std::shared_ptr<CredentialChain> credentials;
  RegionResult region;
  std::shared_ptr<AwsClient> client;
};

struct SessionOptions {
  // When no region is configured: S3 works without one (like the aws CLI,
  // which then uses us-east-1); other services fail with the region error.
  std::string fallback_region;
  std::shared_ptr<HttpTransport> transport;  // default: a new one
  RetryPolicy retry;
};

// Resolves the region now; credentials are resolved on first use (call
// session->credentials->Get() to resolve eagerly).
Status OpenSession(const AwsSettings& settings, std::shared_ptr<const Env> env, const SessionOptions& options,
                   AwsSession* out);

}  // namespace ferry::aws
