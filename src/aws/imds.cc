#include "aws/imds.h"

#include "aws/http.h"
#include "util/text.h"

namespace ferry::aws {

ImdsClient::ImdsClient(const Env& env) {
  disabled_ = ToLower(env.GetOr("AWS_EC2_METADATA_DISABLED", "false")) == "true";
  endpoint_ = env.GetOr("AWS_EC2_METADATA_SERVICE_ENDPOINT", "http://169.254.169.254");
  while (!endpoint_.empty() && endpoint_.back() == '/') endpoint_.pop_back();
}

namespace {
HttpRequest MetadataRequest(const std::string& method, const std::string& url) {
  HttpRequest r;
  r.method = method;
  r.url = url;
  r.connect_timeout_ms = 1000;
  r.timeout_ms = 2000;
  r.use_proxy = false;
  return r;
}
}  // namespace

Status ImdsClient::FetchToken() {
  HttpRequest r = MetadataRequest("PUT", endpoint_ + "/latest/api/token");
  r.headers = {{"x-aws-ec2-metadata-token-ttl-seconds", "21600"}};
  r.body = std::make_shared<StringBody>("");
  HttpResponse resp = PerformOnce(r);
  if (!resp.transport_ok())
    return Status::NotFound("no instance metadata service at " + endpoint_ + " (" + resp.curl_error + ")");
  if (resp.status != 200)
    return Status::NotFound("instance metadata service at " + endpoint_ + " refused a session token (HTTP " +
                            std::to_string(resp.status) + ")");
  token_ = resp.body;
  return Status::Ok();
}

Status ImdsClient::Get(const std::string& path, std::string* body) {
  if (disabled_) return Status::NotFound("instance metadata disabled by AWS_EC2_METADATA_DISABLED");
  for (int attempt = 0; attempt < 2; ++attempt) {
    if (token_.empty()) FERRY_RETURN_IF_ERROR(FetchToken());
    HttpRequest r = MetadataRequest("GET", endpoint_ + "/latest/" + path);
    r.headers = {{"x-aws-ec2-metadata-token", token_}};
    HttpResponse resp = PerformOnce(r);
    if (!resp.transport_ok())
      return Status::NotFound("instance metadata service at " + endpoint_ + " did not answer (" + resp.curl_error +
                              ")");
    if (resp.status == 401) {  // token expired: get a new one once
      token_.clear();
      continue;
    }
    if (resp.status != 200)
      return Status::NotFound("instance metadata " + path + ": HTTP " + std::to_string(resp.status));
    *body = resp.body;
    return Status::Ok();
  }
  return Status::NotFound("instance metadata service at " + endpoint_ + " keeps rejecting its token");
}

}  // namespace ferry::aws
