// Client for the EC2 instance metadata service, IMDSv2 flow: PUT a session
// token, then GET with it. The endpoint is AWS_EC2_METADATA_SERVICE_ENDPOINT
// or http://169.254.169.254; AWS_EC2_METADATA_DISABLED=true turns it off.
// Short timeouts: off EC2 nothing answers and the chains must move on fast.
#pragma once

#include <string>

#include "aws/env.h"
#include "util/status.h"

namespace ferry::aws {

class ImdsClient {
 public:
  explicit ImdsClient(const Env& env);
  bool disabled() const { return disabled_; }
  const std::string& endpoint() const { return endpoint_; }
  // GET /latest/<path>; NotFound when the service does not answer or 404s.
  Status Get(const std::string& path, std::string* body);

 private:
  Status FetchToken();
  bool disabled_ = false;
  std::string endpoint_;
  std::string token_;
};

}  // namespace ferry::aws
