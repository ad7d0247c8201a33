// Which URL a service is reached at: an explicit override (--endpoint-url /
// aws.client.endpoint), AWS_ENDPOINT_URL_<SERVICE>, AWS_ENDPOINT_URL, else
// the public AWS endpoint for the region. Pure apart from reading the Env.
#pragma once

#include <string>

#include "aws/env.h"
#include "aws/settings.h"
#include "util/status.h"

namespace ferry::aws {

struct Endpoint {
  std::string scheme = "https";
  std::string host;       // "s3.eu-west-1.amazonaws.com" or "127.0.0.1:9000"
  std::string base_path;  // path prefix of a custom endpoint, without trailing '/'
  bool custom = false;    // true when overridden (S3 then defaults to path-style)
  std::string source;     // "AWS_ENDPOINT_URL_S3", "--endpoint-url", "default"

  std::string Url() const { return scheme + "://" + host + base_path; }
};

// Environment variable for a service's endpoint: s3 -> AWS_ENDPOINT_URL_S3,
// logs -> AWS_ENDPOINT_URL_CLOUDWATCH_LOGS, batch, sts.
std::string ServiceEndpointEnvVar(const std::string& service);

// Splits "http://host:port/base" into an Endpoint; Invalid on anything else.
Status ParseEndpointUrl(const std::string& url, const std::string& source, Endpoint* out);

Status ResolveEndpoint(const std::string& service, const std::string& region, const AwsSettings& settings,
                       const Env& env, Endpoint* out);

}  // namespace ferry::aws
