#include "aws/ca_bundle.h"

#include "util/text.h"

namespace ferry::aws {

const std::vector<std::string>& WellKnownCaBundles() {
  static const std::vector<std::string> kPaths = {
      "/etc/ssl/certs/ca-certificates.crt",                 // Debian, Ubuntu, Alpine, busybox images
      "/etc/pki/tls/certs/ca-bundle.crt",                   // Amazon Linux, RHEL, Fedora
      "/etc/pki/ca-trust/extracted/pem/tls-ca-bundle.pem",  // RHEL's extracted trust
      "/etc/ssl/ca-bundle.pem",                             // openSUSE
      "/etc/ssl/cert.pem",                                  // Alpine, BSD-style images
  };
  return kPaths;
}

Status FindCaBundle(const Env& env, const std::function<bool(const std::string&)>& is_file, std::string* path) {
  for (const char* var : {"AWS_CA_BUNDLE", "SSL_CERT_FILE"}) {
    std::optional<std::string> v = env.Get(var);
    if (!v) continue;
    if (!is_file(*v))
      return Status::Invalid(std::string(var) + "=" + *v + " is not a file: point it at a PEM file of CA certificates");
    *path = *v;
    return Status::Ok();
  }
  for (const std::string& p : WellKnownCaBundles()) {
    if (is_file(p)) {
      *path = p;
      return Status::Ok();
    }
  }
  return Status::Invalid("no CA bundle found to verify TLS servers (looked at " + Join(WellKnownCaBundles(), ", ") +
                         "): install the image's ca-certificates package or set AWS_CA_BUNDLE to a PEM file of CA "
                         "certificates");
}

}  // namespace ferry::aws
