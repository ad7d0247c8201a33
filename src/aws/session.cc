#include "aws/session.h"

namespace ferry::aws {

Status OpenSession(const AwsSettings& settings, std::shared_ptr<const Env> env, const SessionOptions& options,
                   AwsSession* out) {
  if (!env) env = std::make_shared<ProcessEnv>();
  Status rs = ResolveRegion(settings, *env, &out->region);
  if (!rs.ok()) {
    if (options.fallback_region.empty()) return rs;
    out->region = {options.fallback_region, "default (no region configured)"};
  }
  auto chain = std::make_shared<CredentialChain>(DefaultProviders(settings, *env));
  chain->profile_hint = settings.profile_hint;
  out->credentials = chain;
  AwsClient::Options o;
  o.credentials = out->credentials;
  o.region = out->region.region;
  o.settings = settings;
  o.env = env;
  o.transport = options.transport;
  o.retry = options.retry;
  out->client = std::make_shared<AwsClient>(std::move(o));
  return Status::Ok();
}

}  // namespace ferry::aws
