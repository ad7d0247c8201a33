// Who may call ferry-awsemu and how their requests are checked: the store of
// accepted credentials (the start-up key pair plus temporary ones handed out
// by STS AssumeRole, IMDS and the ECS endpoint), SigV4 verification of header
// and presigned requests with the clock checks AWS makes, and the error each
// service really answers when a check fails.
#pragma once

#include <chrono>
#include <map>
#include <mutex>
#include <optional>
#include <string>

#include "aws/sigv4.h"
#include "awsemu/emu_error.h"

namespace awsemu {

inline constexpr char kAccountId[] = "123456789012";

// One accepted identity.
struct Principal {
  std::string access_key;
  std::string secret_key;
  std::string session_token;  // empty for the long-lived start-up keys
  std::string arn;            // what GetCallerIdentity reports
  std::string user_id;
  std::optional<std::chrono::system_clock::time_point> expiration;
};

class CredentialStore {
 public:
  CredentialStore(std::string access_key, std::string secret_key);

  // Temporary credentials (ASIA... key, secret, session token) for an
  // assumed role; they are accepted until `expires`.
  Principal IssueTemporary(const std::string& role_name, const std::string& session_name,
                           std::chrono::system_clock::time_point expires);
  std::optional<Principal> Lookup(const std::string& access_key) const;
  const Principal& root() const { return root_; }

 private:
  mutable std::mutex mu_;
  Principal root_;
  std::map<std::string, Principal> temporary_;
  uint64_t counter_ = 0;
};

// Why a request was refused; each service maps these to its own error.
enum class AuthFailure {
  kMissing,    // no Authorization header or presigned query
  kMalformed,  // auth present but unparseable
  kUnknownKey,
  kBadSignature,
  kSkewed,                // X-Amz-Date too far from now
  kExpiredPresign,        // presigned URL past X-Amz-Expires
  kInvalidToken,          // temporary key without its session token, or a wrong one
  kExpiredToken,          // temporary credentials past their expiry
  kMissingContentSha256,  // S3 header auth without x-amz-content-sha256
};

// The error `service` ("s3", "sts", "batch", "logs") answers for `failure`.
// `detail` adds specifics for the message (never secrets).
EmuError ErrorFor(const std::string& service, AuthFailure failure, const std::string& detail);

struct AuthResult {
  bool ok = false;
  AuthFailure failure = AuthFailure::kMissing;
  std::string detail;  // for the error message
  ferry::aws::ParsedAuth parsed;
  Principal principal;
  std::string amz_date;  // request time as signed
};

// Which service a request is for: the credential scope's when it is signed;
// otherwise a guess from its shape (X-Amz-Target: logs; /v1/...: batch;
// /federation/credentials with an SSO bearer token: sso; Action= form: sts;
// anything else: s3), so unsigned requests get the right
// kind of error.
std::string ServiceOf(const ferry::aws::SigV4Request& req, const std::string& body_if_form);

// Verifies a request. `payload_hash` is what the signer used: the
// x-amz-content-sha256 header (S3), or Sha256Hex(body) for other services;
// presigned S3 requests use UNSIGNED-PAYLOAD regardless.
AuthResult Authenticate(const CredentialStore& store, const ferry::aws::SigV4Request& req, const std::string& service,
                        const std::string& payload_hash, std::chrono::system_clock::time_point now);

// S3 presigned URLs in the older SigV2 query form (AWSAccessKeyId,
// Signature, Expires), which boto3 still produces by default for
// generate_presigned_url. `resource` is the bucket-qualified wire path
// ("/bucket/key%20name"); `query` the decoded pairs. Only S3 accepts these.
bool IsSigV2Presigned(const ferry::aws::QueryList& query);
AuthResult AuthenticateSigV2Query(const CredentialStore& store, const std::string& method, const std::string& resource,
                                  const ferry::aws::QueryList& query,
                                  const std::multimap<std::string, std::string>& lower_headers,
                                  std::chrono::system_clock::time_point now);

}  // namespace awsemu
