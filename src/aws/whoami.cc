#include "aws/whoami.h"

#include <ctime>

#include "aws/session.h"
#include "aws/sts.h"

namespace ferry::aws {

Status Whoami(const AwsSettings& settings, std::shared_ptr<const Env> env, std::string* out) {
  AwsSession session;
  SessionOptions so;
  FERRY_RETURN_IF_ERROR(OpenSession(settings, env, so, &session));
  Credentials creds;
  FERRY_RETURN_IF_ERROR(session.credentials->Get(&creds));
  std::string& o = *out;
  // A chain of assumed roles reads outermost first, one step a line.
  std::string chain = session.credentials->source();
  const std::string arrow = " <- ";
  size_t pos = chain.find(arrow);
  o += "credentials: " + chain.substr(0, pos) + "\n";
  while (pos != std::string::npos) {
    size_t next = chain.find(arrow, pos + arrow.size());
    o += "  from:      " +
         chain.substr(pos + arrow.size(), next == std::string::npos ? next : next - pos - arrow.size()) + "\n";
    pos = next;
  }
  o += "access key:  " + MaskedAccessKey(creds.access_key_id) + "\n";
  o += "session:     " + std::string(creds.session_token.empty() ? "no (long-term keys)" : "yes (temporary)") + "\n";
  if (creds.expiration) {
    std::time_t t = std::chrono::system_clock::to_time_t(*creds.expiration);
    char buf[64];
    std::tm tm{};
    gmtime_r(&t, &tm);
    std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
    o += "expires:     " + std::string(buf) + "\n";
  }
  o += "region:      " + session.region.region + " (from " + session.region.source + ")\n";
  Endpoint ep;
  if (session.client->ResolveEndpointFor("sts", &ep).ok() && ep.custom)
    o += "endpoint:    " + ep.Url() + " (from " + ep.source + ")\n";
  CallerIdentity id;
  Status s = GetCallerIdentity(*session.client, &id);
  if (!s.ok()) return s.WithPrefix("could not ask STS who these credentials belong to");
  o += "account:     " + id.account + "\n";
  o += "arn:         " + id.arn + "\n";
  o += "user id:     " + id.user_id + "\n";
  return Status::Ok();
}

}  // namespace ferry::aws
