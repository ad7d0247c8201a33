#include "awsemu/auth.h"

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <algorithm>
#include <random>

#include "aws/crypto.h"
#include "util/text.h"

namespace awsemu {

namespace aws = ferry::aws;
using std::chrono::system_clock;

namespace {

// Random strings shaped like AWS's (upper-case alphanumerics for key ids,
// base64-ish for secrets and tokens).
std::string RandomString(size_t n, const std::string& alphabet) {
  static thread_local std::mt19937_64 rng{std::random_device{}()};
  std::uniform_int_distribution<size_t> pick(0, alphabet.size() - 1);
  std::string s;
  s.reserve(n);
  for (size_t i = 0; i < n; ++i) s.push_back(alphabet[pick(rng)]);
  return s;
}

const char kUpper[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
const char kB64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

constexpr auto kMaxSkew = std::chrono::minutes(15);

std::string ServiceFromCredential(const std::string& credential) {
  // AKID/20150830/us-east-1/service/aws4_request
  auto parts = ferry::Split(credential, '/');
  if (parts.size() == 5) return parts[3];
  return "";
}

}  // namespace

CredentialStore::CredentialStore(std::string access_key, std::string secret_key) {
  root_.access_key = std::move(access_key);
  root_.secret_key = std::move(secret_key);
  root_.arn = std::string("arn:aws:iam::") + kAccountId + ":user/ferry-awsemu";
  root_.user_id = "AIDA" + RandomString(17, kUpper);
}

Principal CredentialStore::IssueTemporary(const std::string& role_name, const std::string& session_name,
                                          system_clock::time_point expires) {
  Principal p;
  std::lock_guard<std::mutex> l(mu_);
  do {
    p.access_key = "ASIA" + RandomString(16, kUpper);
  } while (temporary_.count(p.access_key) || p.access_key == root_.access_key);
  p.secret_key = RandomString(40, kB64);
  p.session_token = "FwoGZXIvYXdzE" + RandomString(300, kB64);
  p.arn = std::string("arn:aws:sts::") + kAccountId + ":assumed-role/" + role_name + "/" + session_name;
  p.user_id = "AROA" + RandomString(17, kUpper) + ":" + session_name;
  p.expiration = expires;
  ++counter_;
  temporary_[p.access_key] = p;
  return p;
}

std::optional<Principal> CredentialStore::Lookup(const std::string& access_key) const {
  if (access_key == root_.access_key) return root_;
  std::lock_guard<std::mutex> l(mu_);
  auto it = temporary_.find(access_key);
  if (it == temporary_.end()) return std::nullopt;
  return it->second;
}

EmuError ErrorFor(const std::string& service, AuthFailure failure, const std::string& detail) {
  const bool s3 = service == "s3";
  const bool sts = service == "sts";
  // Logs (JSON 1.1) answers auth errors with 400; Batch (REST-JSON) and the
  // query/XML services with 403.
  const int json_status = service == "logs" ? 400 : 403;
  const std::string sig_msg_json =
      "The request signature we calculated does not match the signature you provided. Check your "
      "AWS Secret Access Key and signing method. Consult the service documentation for details.";
  switch (failure) {
    case AuthFailure::kMissing:
      if (s3) return {403, "AccessDenied", "Access Denied"};
      if (sts) return {403, "MissingAuthenticationToken", "Request is missing Authentication Token"};
      return {json_status, "MissingAuthenticationTokenException", "Missing Authentication Token"};
    case AuthFailure::kMalformed:
      if (s3) return {400, "AuthorizationHeaderMalformed", detail};
      if (sts) return {400, "IncompleteSignature", detail};
      return {json_status, "IncompleteSignatureException", detail};
    case AuthFailure::kUnknownKey:
      if (s3) {
        return {403, "InvalidAccessKeyId", "The AWS Access Key Id you provided does not exist in our records."};
      }
      if (sts) return {403, "InvalidClientTokenId", "The security token included in the request is invalid."};
      return {json_status, "UnrecognizedClientException", "The security token included in the request is invalid."};
    case AuthFailure::kBadSignature:
      if (s3) {
        return {403, "SignatureDoesNotMatch",
                "The request signature we calculated does not match the signature you provided. "
                "Check your key and signing method."};
      }
      if (sts) return {403, "SignatureDoesNotMatch", sig_msg_json};
      return {json_status, "InvalidSignatureException", sig_msg_json};
    case AuthFailure::kSkewed:
      if (s3) {
        return {403, "RequestTimeTooSkewed",
                "The difference between the request time and the current time is too large."};
      }
      if (sts) return {403, "SignatureDoesNotMatch", "Signature expired: " + detail};
      return {json_status, "InvalidSignatureException", "Signature expired: " + detail};
    case AuthFailure::kExpiredPresign:
      if (s3) return {403, "AccessDenied", "Request has expired"};
      if (sts) return {403, "SignatureDoesNotMatch", "Signature expired: " + detail};
      return {json_status, "InvalidSignatureException", "Signature expired: " + detail};
    case AuthFailure::kInvalidToken:
      if (s3) return {400, "InvalidToken", "The provided token is malformed or otherwise invalid."};
      if (sts) return {403, "InvalidClientTokenId", "The security token included in the request is invalid."};
      return {json_status, "UnrecognizedClientException", "The security token included in the request is invalid."};
    case AuthFailure::kExpiredToken:
      if (s3) return {400, "ExpiredToken", "The provided token has expired."};
      if (sts) return {403, "ExpiredToken", "The security token included in the request is expired"};
      return {json_status, "ExpiredTokenException", "The security token included in the request is expired"};
    case AuthFailure::kMissingContentSha256:
      return {400, "InvalidRequest", "Missing required header for this request: x-amz-content-sha256"};
  }
  return {403, "AccessDenied", "Access Denied"};
}

std::string ServiceOf(const aws::SigV4Request& req, const std::string& body_if_form) {
  std::string authz = req.Header("Authorization");
  auto pos = authz.find("Credential=");
  if (pos != std::string::npos) {
    auto end = authz.find_first_of(", ", pos);
    std::string s =
        ServiceFromCredential(authz.substr(pos + 11, end == std::string::npos ? std::string::npos : end - pos - 11));
    if (!s.empty()) return s;
  }
  for (const auto& [k, v] : req.query) {
    if (k == "X-Amz-Credential") {
      std::string s = ServiceFromCredential(v);
      if (!s.empty()) return s;
    }
  }
  if (!req.Header("X-Amz-Target").empty()) return "logs";
  if (ferry::StartsWith(req.path, "/v1/")) return "batch";
  if (req.path == "/federation/credentials" && !req.Header("x-amz-sso_bearer_token").empty()) return "sso";
  if (body_if_form.find("Action=") != std::string::npos) return "sts";
  for (const auto& [k, v] : req.query) {
    if (k == "Action") return "sts";
  }
  return "s3";
}

AuthResult Authenticate(const CredentialStore& store, const aws::SigV4Request& req, const std::string& service,
                        const std::string& payload_hash, system_clock::time_point now) {
  AuthResult r;
  const std::string authz = req.Header("Authorization");
  bool presigned = false;
  for (const auto& [k, v] : req.query) {
    if (k == "X-Amz-Signature" || k == "X-Amz-Credential" || k == "X-Amz-Algorithm") presigned = true;
  }
  if (authz.empty() && !presigned) {
    r.failure = AuthFailure::kMissing;
    return r;
  }
  ferry::Status st =
      authz.empty() ? aws::ParsePresignedQuery(req.query, &r.parsed) : aws::ParseAuthorizationHeader(authz, &r.parsed);
  if (!st.ok()) {
    r.failure = AuthFailure::kMalformed;
    r.detail = st.message();
    return r;
  }
  auto principal = store.Lookup(r.parsed.access_key);
  if (!principal) {
    r.failure = AuthFailure::kUnknownKey;
    return r;
  }

  r.amz_date = r.parsed.presigned ? r.parsed.amz_date : req.Header("X-Amz-Date");
  system_clock::time_point t;
  if (r.amz_date.empty() || !aws::ParseAmzDate(r.amz_date, &t)) {
    r.failure = AuthFailure::kMalformed;
    r.detail = r.amz_date.empty() ? "The request has no X-Amz-Date."
                                  : "X-Amz-Date '" + r.amz_date + "' is not in the form 20150830T123600Z.";
    return r;
  }
  if (r.parsed.presigned) {
    if (r.parsed.expires_seconds <= 0 || r.parsed.expires_seconds > 604800) {
      r.failure = AuthFailure::kMalformed;
      r.detail = "X-Amz-Expires must be between 1 and 604800 seconds (one week).";
      return r;
    }
    if (now > t + std::chrono::seconds(r.parsed.expires_seconds)) {
      r.failure = AuthFailure::kExpiredPresign;
      r.detail = r.amz_date + " plus " + std::to_string(r.parsed.expires_seconds) + " seconds is now earlier than " +
                 aws::FormatAmzDate(now);
      return r;
    }
    if (t > now + kMaxSkew) {
      r.failure = AuthFailure::kSkewed;
      r.detail = r.amz_date + " is later than " + aws::FormatAmzDate(now) + " plus 15 min.";
      return r;
    }
  } else if (t > now + kMaxSkew || t < now - kMaxSkew) {
    r.failure = AuthFailure::kSkewed;
    r.detail = r.amz_date + " is now earlier than " + aws::FormatAmzDate(now - kMaxSkew) + " (" +
               aws::FormatAmzDate(now) + " - 15 min.)";
    if (t > now) {
      r.detail = r.amz_date + " is now later than " + aws::FormatAmzDate(now + kMaxSkew) + " (" +
                 aws::FormatAmzDate(now) + " + 15 min.)";
    }
    return r;
  }

  std::string hash = payload_hash;
  if (service == "s3") {
    if (r.parsed.presigned) {
      hash = aws::kUnsignedPayload;
    } else if (hash.empty()) {
      r.failure = AuthFailure::kMissingContentSha256;
      return r;
    }
  }
  st = aws::VerifySignature(req, r.parsed, principal->secret_key, aws::PathOptions::ForService(service), hash);
  if (!st.ok()) {
    r.failure = AuthFailure::kBadSignature;
    r.detail = st.message();  // the canonical request we computed (no secrets)
    return r;
  }

  if (!principal->session_token.empty()) {
    std::string token = r.parsed.presigned ? r.parsed.security_token : req.Header("X-Amz-Security-Token");
    if (token.empty()) {
      // A temporary key is only known together with its token.
      r.failure = AuthFailure::kUnknownKey;
      return r;
    }
    if (!aws::ConstantTimeEquals(token, principal->session_token)) {
      r.failure = AuthFailure::kInvalidToken;
      return r;
    }
    if (principal->expiration && now > *principal->expiration) {
      r.failure = AuthFailure::kExpiredToken;
      return r;
    }
  }
  r.ok = true;
  r.principal = *principal;
  return r;
}

bool IsSigV2Presigned(const aws::QueryList& query) {
  bool key = false, sig = false;
  for (const auto& [k, v] : query) {
    key |= k == "AWSAccessKeyId";
    sig |= k == "Signature";
  }
  return key && sig;
}

AuthResult AuthenticateSigV2Query(const CredentialStore& store, const std::string& method, const std::string& resource,
                                  const aws::QueryList& query,
                                  const std::multimap<std::string, std::string>& lower_headers,
                                  system_clock::time_point now) {
  AuthResult r;
  std::string access_key, signature, expires_text, token;
  // Sub-resources and response overrides that SigV2 signs, by name.
  static const std::vector<std::string> kSigned = {"acl",
                                                   "cors",
                                                   "delete",
                                                   "lifecycle",
                                                   "location",
                                                   "logging",
                                                   "notification",
                                                   "partNumber",
                                                   "policy",
                                                   "requestPayment",
                                                   "response-cache-control",
                                                   "response-content-disposition",
                                                   "response-content-encoding",
                                                   "response-content-language",
                                                   "response-content-type",
                                                   "response-expires",
                                                   "restore",
                                                   "tagging",
                                                   "torrent",
                                                   "uploadId",
                                                   "uploads",
                                                   "versionId",
                                                   "versioning",
                                                   "versions",
                                                   "website"};
  std::vector<std::pair<std::string, std::string>> signed_params;
  for (const auto& [k, v] : query) {
    if (k == "AWSAccessKeyId") access_key = v;
    else if (k == "Signature") signature = v;
    else if (k == "Expires") expires_text = v;
    else if (k == "x-amz-security-token") token = v;
    else if (std::find(kSigned.begin(), kSigned.end(), k) != kSigned.end()) signed_params.emplace_back(k, v);
  }
  char* end = nullptr;
  long long expires = std::strtoll(expires_text.c_str(), &end, 10);
  if (expires_text.empty() || *end != '\0') {
    r.failure = AuthFailure::kMalformed;
    r.detail = "Query-string authentication requires the Signature, Expires and AWSAccessKeyId parameters";
    return r;
  }
  auto principal = store.Lookup(access_key);
  if (!principal) {
    r.failure = AuthFailure::kUnknownKey;
    return r;
  }
  if (system_clock::to_time_t(now) > expires) {
    r.failure = AuthFailure::kExpiredPresign;
    return r;
  }
  auto header = [&](const std::string& name) {
    auto it = lower_headers.find(name);
    return it == lower_headers.end() ? std::string() : it->second;
  };
  std::string amz_headers;
  std::map<std::string, std::string> amz;
  for (const auto& [k, v] : lower_headers) {
    if (ferry::StartsWith(k, "x-amz-")) amz[k] = amz.count(k) ? amz[k] + "," + v : v;
  }
  if (!token.empty()) amz["x-amz-security-token"] = token;
  for (const auto& [k, v] : amz) amz_headers += k + ":" + v + "\n";
  std::sort(signed_params.begin(), signed_params.end());
  std::string canonical_resource = resource;
  for (size_t i = 0; i < signed_params.size(); ++i) {
    canonical_resource += (i == 0 ? "?" : "&") + signed_params[i].first;
    if (!signed_params[i].second.empty()) canonical_resource += "=" + signed_params[i].second;
  }
  std::string to_sign = method + "\n" + header("content-md5") + "\n" + header("content-type") + "\n" + expires_text +
                        "\n" + amz_headers + canonical_resource;
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int mac_len = 0;
  const std::string& secret = principal->secret_key;
  HMAC(EVP_sha1(), secret.data(), static_cast<int>(secret.size()),
       reinterpret_cast<const unsigned char*>(to_sign.data()), to_sign.size(), mac, &mac_len);
  std::string expected = aws::Base64Encode(std::string(reinterpret_cast<char*>(mac), mac_len));
  if (!aws::ConstantTimeEquals(expected, signature)) {
    r.failure = AuthFailure::kBadSignature;
    return r;
  }
  if (!principal->session_token.empty() && !aws::ConstantTimeEquals(token, principal->session_token)) {
    r.failure = token.empty() ? AuthFailure::kUnknownKey : AuthFailure::kInvalidToken;
    return r;
  }
  r.ok = true;
  r.principal = *principal;
  r.parsed.access_key = access_key;
  return r;
}

}  // namespace awsemu
