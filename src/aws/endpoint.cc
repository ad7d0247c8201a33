#include "aws/endpoint.h"

#include "util/text.h"

namespace ferry::aws {

std::string ServiceEndpointEnvVar(const std::string& service) {
  if (service == "logs") return "AWS_ENDPOINT_URL_CLOUDWATCH_LOGS";
  std::string up;
  for (char c : service) up.push_back(c == '-' ? '_' : static_cast<char>(std::toupper(static_cast<unsigned char>(c))));
  return "AWS_ENDPOINT_URL_" + up;
}

Status ParseEndpointUrl(const std::string& url, const std::string& source, Endpoint* out) {
  size_t sep = url.find("://");
  auto bad = [&](const std::string& why) {
    return Status::Invalid("endpoint URL '" + url + "' from " + source + " " + why +
                           "; expected e.g. http://127.0.0.1:9000 or https://s3.example.com");
  };
  if (sep == std::string::npos) return bad("has no scheme");
  Endpoint e;
  e.scheme = ToLower(url.substr(0, sep));
  if (e.scheme != "http" && e.scheme != "https") return bad("must use http or https");
  std::string rest = url.substr(sep + 3);
  size_t slash = rest.find('/');
  e.host = rest.substr(0, slash);
  if (slash != std::string::npos) e.base_path = rest.substr(slash);
  while (!e.base_path.empty() && e.base_path.back() == '/') e.base_path.pop_back();
  if (e.host.empty()) return bad("has no host");
  if (e.host.find_first_of("?#@ ") != std::string::npos) return bad("has an invalid host");
  e.custom = true;
  e.source = source;
  *out = e;
  return Status::Ok();
}

Status ResolveEndpoint(const std::string& service, const std::string& region, const AwsSettings& settings,
                       const Env& env, Endpoint* out) {
  if (!settings.endpoint_url.empty()) return ParseEndpointUrl(settings.endpoint_url, settings.endpoint_origin, out);
  std::string var = ServiceEndpointEnvVar(service);
  if (auto v = env.Get(var)) return ParseEndpointUrl(*v, var, out);
  if (auto v = env.Get("AWS_ENDPOINT_URL")) return ParseEndpointUrl(*v, "AWS_ENDPOINT_URL", out);
  Endpoint e;
  std::string suffix = StartsWith(region, "cn-") ? ".amazonaws.com.cn" : ".amazonaws.com";
  e.host = service + "." + region + suffix;
  e.source = "default";
  *out = e;
  return Status::Ok();
}

}  // namespace ferry::aws
