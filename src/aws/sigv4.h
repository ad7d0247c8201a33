// AWS Signature Version 4, as a pure module (no clock, no I/O): every input,
// including the request time, is passed in.
//
// A request to sign or verify is a SigV4Request: the method, the path exactly
// as it goes on the wire (percent-encoded, or raw as in AWS's test vectors),
// the query as DECODED key/value pairs (ParseQueryString turns a wire query
// into them), and the headers in order with their original names.
//
// Signing (client side):
//   SigV4Options o = SigV4Options::For("s3", "eu-west-1", FormatAmzDate(now));
//   o.payload_hash = Sha256Hex(body);          // or kUnsignedPayload
//   SignHeaders(&req, creds, o);               // adds X-Amz-Date, Authorization, ...
//   PresignQuery(&req, creds, o);              // or: adds X-Amz-* query parameters
// Both return a SigV4Result with the intermediate canonical request and string
// to sign (for tests and debugging; they never contain the secret).
//
// Verifying (server side, e.g. ferry-awsemu):
//   ParsedAuth a;  ParseAuthorizationHeader(value, &a)  or  ParsePresignedQuery(query, &a)
//   look up the secret for a.access_key, then
//   VerifySignature(req, a, secret, path_options, payload_hash)
// where payload_hash is the x-amz-content-sha256 header when present (S3),
// kUnsignedPayload for a presigned S3 URL, else Sha256Hex(body).
//
// Path rules: services other than S3 normalise the path (remove "." and ".."
// segments, collapse "//") and encode it again ("double encoding": a wire
// "%20" is signed as "%2520"). S3 does neither: the wire path is decoded once
// and re-encoded, so a key "a//b/../c d" keeps its slashes and dots.
#pragma once

#include <chrono>
#include <string>
#include <utility>
#include <vector>

#include "aws/credentials.h"
#include "util/status.h"

namespace ferry::aws {

using HeaderList = std::vector<std::pair<std::string, std::string>>;
using QueryList = std::vector<std::pair<std::string, std::string>>;

inline constexpr char kUnsignedPayload[] = "UNSIGNED-PAYLOAD";
inline constexpr char kEmptyPayloadSha256[] = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
inline constexpr char kAlgorithm[] = "AWS4-HMAC-SHA256";

struct SigV4Request {
  std::string method;  // "GET"
  std::string path;    // wire path, e.g. "/bucket/my%20key"
  QueryList query;     // decoded pairs, any order
  HeaderList headers;  // must include Host

  // First header with this name (case-insensitive), or "" .
  std::string Header(const std::string& name) const;
};

struct PathOptions {
  bool normalize = true;                                      // remove dot segments and empty segments
  bool double_encode = true;                                  // encode the wire path again (non-S3 services)
  static PathOptions ForService(const std::string& service);  // s3: both false
};

struct SigV4Options {
  std::string service;   // "s3", "batch", "logs", "sts"
  std::string region;    // "us-east-1"
  std::string amz_date;  // "20150830T123600Z"
  PathOptions path;
  std::string payload_hash = kEmptyPayloadSha256;  // hex SHA-256 or kUnsignedPayload
  // Header form: also send and sign x-amz-content-sha256 (S3 requires it).
  bool add_content_sha256_header = false;
  // Send the session token but leave it out of the signature (a few services
  // want the token added after signing).
  bool omit_session_token = false;
  long expires_seconds = 3600;  // presigned form only

  // Defaults that service expects (S3: no normalisation, no double encoding,
  // content-sha256 header).
  static SigV4Options For(const std::string& service, const std::string& region, const std::string& amz_date);
};

// Intermediate and final values of one signing, for tests and diagnostics.
struct SigV4Result {
  std::string canonical_request;
  std::string string_to_sign;
  std::string signed_headers;  // "host;x-amz-date"
  std::string signature;       // hex
};

// The parts of an Authorization header or presigned query.
struct ParsedAuth {
  bool presigned = false;
  std::string access_key;
  std::string date;  // "20150830" from the credential scope
  std::string region;
  std::string service;
  std::vector<std::string> signed_headers;  // lower-case, as listed
  std::string signature;
  std::string amz_date;        // presigned: X-Amz-Date (header form: read the header)
  long expires_seconds = 0;    // presigned only
  std::string security_token;  // presigned only (header form: read the header)
};

// "20150830T123600Z" for a point in time (UTC).
std::string FormatAmzDate(std::chrono::system_clock::time_point t);
// Parses "20150830T123600Z"; false when malformed.
bool ParseAmzDate(const std::string& text, std::chrono::system_clock::time_point* t);

// RFC 3986 percent-encoding of every byte but A-Z a-z 0-9 - _ . ~ (and '/'
// when keep_slash), upper-case hex, as SigV4 wants.
std::string UriEncode(std::string_view s, bool keep_slash);
// Decodes %XX sequences ('+' stays '+'); malformed escapes are kept as-is.
std::string UriDecode(std::string_view s);
// Splits a wire query string ("a=1&b=%20") into decoded pairs, in order.
QueryList ParseQueryString(std::string_view query);
// Encodes pairs in the given order: "k=v&k2=v2" (SigV4 encoding).
std::string EncodeQuery(const QueryList& query);

std::string CanonicalUri(const std::string& wire_path, const PathOptions& options);
std::string CanonicalQuery(const QueryList& query);
// Lower-cased, trimmed, whitespace-collapsed, duplicates joined with ",",
// sorted; only the names in `names` (lower-case) are included.
std::string CanonicalHeaders(const HeaderList& headers, const std::vector<std::string>& names);
// Header names a signer signs: every header of the request except those that
// proxies or curl may rewrite (user-agent, expect, authorization, ...).
std::vector<std::string> SignableHeaderNames(const HeaderList& headers);

std::string CanonicalRequest(const SigV4Request& req, const std::vector<std::string>& signed_names,
                             const PathOptions& path, const std::string& payload_hash);
std::string CredentialScope(const std::string& date, const std::string& region, const std::string& service);
std::string StringToSign(const std::string& amz_date, const std::string& scope, const std::string& canonical_request);
// Raw 32-byte key derived from the secret for date/region/service.
std::string SigningKey(const std::string& secret, const std::string& date, const std::string& region,
                       const std::string& service);
std::string SignatureHex(const std::string& signing_key, const std::string& string_to_sign);

// Header form. Appends, in this order: X-Amz-Security-Token (when the
// credentials have one), X-Amz-Date, x-amz-content-sha256 (when asked) and
// Authorization. Any earlier Authorization/X-Amz-Date headers are replaced.
SigV4Result SignHeaders(SigV4Request* req, const Credentials& creds, const SigV4Options& options);

// Query form (presigned URL). Appends X-Amz-Algorithm, X-Amz-Credential,
// X-Amz-Date, X-Amz-SignedHeaders, X-Amz-Expires, X-Amz-Security-Token (when
// present) and X-Amz-Signature to req->query. Signs every header present.
// Those parameters already in req->query (a URL presigned before) are
// replaced.
SigV4Result PresignQuery(SigV4Request* req, const Credentials& creds, const SigV4Options& options);

// "AWS4-HMAC-SHA256 Credential=AK/20150830/us-east-1/s3/aws4_request,
//  SignedHeaders=host;x-amz-date, Signature=abc..." -> parts.
Status ParseAuthorizationHeader(const std::string& value, ParsedAuth* out);
// Reads X-Amz-Algorithm/Credential/Date/Expires/SignedHeaders/Signature/
// Security-Token from decoded query pairs.
Status ParsePresignedQuery(const QueryList& query, ParsedAuth* out);

// Recomputes the signature of a received request and compares it (constant
// time). For the presigned form X-Amz-Signature is left out of the canonical
// query automatically. Returns Failed("signature does not match ...") with the
// canonical request the server computed (no secret) when it differs.
Status VerifySignature(const SigV4Request& req, const ParsedAuth& auth, const std::string& secret,
                       const PathOptions& path, const std::string& payload_hash);

}  // namespace ferry::aws
