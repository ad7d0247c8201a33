#include "aws/sigv4.h"

#include <algorithm>
#include <cctype>
#include <ctime>
#include <map>

#include "aws/crypto.h"
#include "aws/iso_time.h"
#include "util/text.h"

namespace ferry::aws {

namespace {

bool IsUnreserved(unsigned char c) { return std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~'; }

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// RFC 3986 section 5.2.4 dot-segment removal, plus collapsing of empty
// segments ("//"), which SigV4's normalisation also does.
std::string NormalizePath(const std::string& path) {
  std::vector<std::string> stack;
  bool trailing_slash = false;
  for (const std::string& seg : Split(path, '/')) {
    trailing_slash = false;
    if (seg.empty()) {
      trailing_slash = true;
      continue;
    }
    if (seg == ".") {
      trailing_slash = true;
      continue;
    }
    if (seg == "..") {
      if (!stack.empty()) stack.pop_back();
      trailing_slash = true;
      continue;
    }
    stack.push_back(seg);
  }
  std::string out = "/" + Join(stack, "/");
  if (!stack.empty() && trailing_slash) out += "/";
  return out;
}

std::string CollapseWhitespace(std::string_view v) {
  std::string out;
  bool in_space = false;
  for (char c : Trim(v)) {
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
      in_space = true;
      continue;
    }
    if (in_space && !out.empty()) out.push_back(' ');
    in_space = false;
    out.push_back(c);
  }
  return out;
}

bool HasHeader(const HeaderList& headers, const std::string& lower) {
  for (const auto& [k, v] : headers)
    if (ToLower(k) == lower) return true;
  return false;
}

void RemoveHeader(HeaderList* headers, const std::string& lower) {
  headers->erase(
      std::remove_if(headers->begin(), headers->end(), [&](const auto& kv) { return ToLower(kv.first) == lower; }),
      headers->end());
}

std::string FindQuery(const QueryList& q, const std::string& key) {
  for (const auto& [k, v] : q)
    if (k == key) return v;
  return "";
}

SigV4Result Compute(const SigV4Request& req, const std::vector<std::string>& names, const std::string& secret,
                    const std::string& amz_date, const std::string& region, const std::string& service,
                    const PathOptions& path, const std::string& payload_hash) {
  SigV4Result r;
  r.signed_headers = Join(names, ";");
  r.canonical_request = CanonicalRequest(req, names, path, payload_hash);
  std::string date = amz_date.substr(0, 8);
  r.string_to_sign = StringToSign(amz_date, CredentialScope(date, region, service), r.canonical_request);
  r.signature = SignatureHex(SigningKey(secret, date, region, service), r.string_to_sign);
  return r;
}

}  // namespace

std::string SigV4Request::Header(const std::string& name) const {
  std::string lower = ToLower(name);
  for (const auto& [k, v] : headers)
    if (ToLower(k) == lower) return v;
  return "";
}

PathOptions PathOptions::ForService(const std::string& service) {
  PathOptions p;
  if (service == "s3") {
    p.normalize = false;
    p.double_encode = false;
  }
  return p;
}

SigV4Options SigV4Options::For(const std::string& service, const std::string& region, const std::string& amz_date) {
  SigV4Options o;
  o.service = service;
  o.region = region;
  o.amz_date = amz_date;
  o.path = PathOptions::ForService(service);
  o.add_content_sha256_header = service == "s3";
  return o;
}

std::string FormatAmzDate(std::chrono::system_clock::time_point t) {
  std::time_t tt = std::chrono::system_clock::to_time_t(t);
  std::tm tm{};
  gmtime_r(&tt, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y%m%dT%H%M%SZ", &tm);
  return buf;
}

bool ParseAmzDate(const std::string& text, std::chrono::system_clock::time_point* t) {
  if (text.size() != 16 || text[8] != 'T' || text[15] != 'Z') return false;
  for (size_t i = 0; i < 15; ++i)
    if (i != 8 && !std::isdigit(static_cast<unsigned char>(text[i]))) return false;
  // Out-of-range fields are malformed, not normalised; and a year past what
  // system_clock's nanoseconds hold would overflow (a request with X-Amz-Date
  // 1007... was undefined behaviour in the emulator, found by
  // fuzz/awsemu_request_fuzz.cc). CivilToEpoch owns both rules.
  int64_t seconds;
  if (!CivilToEpoch(std::stoi(text.substr(0, 4)), std::stoi(text.substr(4, 2)), std::stoi(text.substr(6, 2)),
                    std::stoi(text.substr(9, 2)), std::stoi(text.substr(11, 2)), std::stoi(text.substr(13, 2)),
                    &seconds))
    return false;
  *t = std::chrono::system_clock::from_time_t(static_cast<std::time_t>(seconds));
  return true;
}

std::string UriEncode(std::string_view s, bool keep_slash) {
  static const char kHex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(s.size() * 3 / 2);
  for (unsigned char c : s) {
    if (IsUnreserved(c) || (keep_slash && c == '/')) {
      out.push_back(static_cast<char>(c));
    } else {
      out.push_back('%');
      out.push_back(kHex[c >> 4]);
      out.push_back(kHex[c & 15]);
    }
  }
  return out;
}

std::string UriDecode(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '%' && i + 2 < s.size()) {
      int hi = HexValue(s[i + 1]), lo = HexValue(s[i + 2]);
      if (hi >= 0 && lo >= 0) {
        out.push_back(static_cast<char>(hi * 16 + lo));
        i += 2;
        continue;
      }
    }
    out.push_back(s[i]);
  }
  return out;
}

QueryList ParseQueryString(std::string_view query) {
  QueryList out;
  if (!query.empty() && query.front() == '?') query.remove_prefix(1);
  if (query.empty()) return out;
  for (const std::string& part : Split(query, '&')) {
    if (part.empty()) continue;
    size_t eq = part.find('=');
    if (eq == std::string::npos) out.emplace_back(UriDecode(part), "");
    else out.emplace_back(UriDecode(part.substr(0, eq)), UriDecode(part.substr(eq + 1)));
  }
  return out;
}

std::string EncodeQuery(const QueryList& query) {
  std::string out;
  for (const auto& [k, v] : query) {
    if (!out.empty()) out.push_back('&');
    out += UriEncode(k, false);
    out.push_back('=');
    out += UriEncode(v, false);
  }
  return out;
}

std::string CanonicalUri(const std::string& wire_path, const PathOptions& options) {
  std::string path = wire_path.empty() ? "/" : wire_path;
  if (!options.double_encode) path = UriDecode(path);
  if (options.normalize) path = NormalizePath(path);
  return UriEncode(path, true);
}

std::string CanonicalQuery(const QueryList& query) {
  std::vector<std::pair<std::string, std::string>> enc;
  enc.reserve(query.size());
  for (const auto& [k, v] : query) enc.emplace_back(UriEncode(k, false), UriEncode(v, false));
  std::sort(enc.begin(), enc.end());
  std::string out;
  for (const auto& [k, v] : enc) {
    if (!out.empty()) out.push_back('&');
    out += k;
    out.push_back('=');
    out += v;
  }
  return out;
}

std::string CanonicalHeaders(const HeaderList& headers, const std::vector<std::string>& names) {
  std::map<std::string, std::string> merged;
  for (const auto& [k, v] : headers) {
    std::string name = ToLower(Trim(k));
    if (std::find(names.begin(), names.end(), name) == names.end()) continue;
    auto [it, fresh] = merged.emplace(name, CollapseWhitespace(v));
    if (!fresh) it->second += "," + CollapseWhitespace(v);
  }
  std::string out;
  for (const auto& [k, v] : merged) out += k + ":" + v + "\n";
  return out;
}

std::vector<std::string> SignableHeaderNames(const HeaderList& headers) {
  static const char* kSkip[] = {"authorization",   "user-agent", "expect",
                                "x-amzn-trace-id", "connection", "transfer-encoding"};
  std::vector<std::string> names;
  for (const auto& [k, v] : headers) {
    std::string name = ToLower(Trim(k));
    if (std::find(std::begin(kSkip), std::end(kSkip), name) != std::end(kSkip)) continue;
    if (std::find(names.begin(), names.end(), name) == names.end()) names.push_back(name);
  }
  std::sort(names.begin(), names.end());
  return names;
}

std::string CanonicalRequest(const SigV4Request& req, const std::vector<std::string>& signed_names,
                             const PathOptions& path, const std::string& payload_hash) {
  std::vector<std::string> names = signed_names;
  std::sort(names.begin(), names.end());
  std::string out;
  out += req.method + "\n";
  out += CanonicalUri(req.path, path) + "\n";
  out += CanonicalQuery(req.query) + "\n";
  out += CanonicalHeaders(req.headers, names) + "\n";
  out += Join(names, ";") + "\n";
  out += payload_hash;
  return out;
}

std::string CredentialScope(const std::string& date, const std::string& region, const std::string& service) {
  return date + "/" + region + "/" + service + "/aws4_request";
}

std::string StringToSign(const std::string& amz_date, const std::string& scope, const std::string& canonical_request) {
  return std::string(kAlgorithm) + "\n" + amz_date + "\n" + scope + "\n" + Sha256Hex(canonical_request);
}

std::string SigningKey(const std::string& secret, const std::string& date, const std::string& region,
                       const std::string& service) {
  std::string k = HmacSha256("AWS4" + secret, date);
  k = HmacSha256(k, region);
  k = HmacSha256(k, service);
  return HmacSha256(k, "aws4_request");
}

std::string SignatureHex(const std::string& signing_key, const std::string& string_to_sign) {
  return HexEncode(HmacSha256(signing_key, string_to_sign));
}

SigV4Result SignHeaders(SigV4Request* req, const Credentials& creds, const SigV4Options& o) {
  for (const char* h : {"authorization", "x-amz-date", "x-amz-security-token", "x-amz-content-sha256"})
    RemoveHeader(&req->headers, h);
  bool token = !creds.session_token.empty();
  if (token && !o.omit_session_token) req->headers.emplace_back("X-Amz-Security-Token", creds.session_token);
  req->headers.emplace_back("X-Amz-Date", o.amz_date);
  if (o.add_content_sha256_header) req->headers.emplace_back("x-amz-content-sha256", o.payload_hash);
  std::vector<std::string> names = SignableHeaderNames(req->headers);
  SigV4Result r =
      Compute(*req, names, creds.secret_access_key, o.amz_date, o.region, o.service, o.path, o.payload_hash);
  if (token && o.omit_session_token) {
    // Added after signing, but it belongs before X-Amz-Date on the wire, as
    // the other SDKs send it.
    auto pos = req->headers.end() - (o.add_content_sha256_header ? 2 : 1);
    req->headers.insert(pos, {"X-Amz-Security-Token", creds.session_token});
  }
  std::string date = o.amz_date.substr(0, 8);
  req->headers.emplace_back("Authorization", std::string(kAlgorithm) + " Credential=" + creds.access_key_id + "/" +
                                                 CredentialScope(date, o.region, o.service) +
                                                 ", SignedHeaders=" + r.signed_headers + ", Signature=" + r.signature);
  return r;
}

SigV4Result PresignQuery(SigV4Request* req, const Credentials& creds, const SigV4Options& o) {
  // Presigning a URL that was presigned before replaces its signature: with
  // two of each, a verifier reads the old ones (found by fuzz/sigv4_fuzz.cc).
  std::erase_if(req->query, [](const auto& kv) {
    for (const char* name : {"X-Amz-Algorithm", "X-Amz-Credential", "X-Amz-Date", "X-Amz-SignedHeaders",
                             "X-Amz-Expires", "X-Amz-Security-Token", "X-Amz-Signature"}) {
      if (kv.first == name) return true;
    }
    return false;
  });
  std::string date = o.amz_date.substr(0, 8);
  std::vector<std::string> names = SignableHeaderNames(req->headers);
  bool token = !creds.session_token.empty();
  QueryList added = {
      {"X-Amz-Algorithm", kAlgorithm},
      {"X-Amz-Credential", creds.access_key_id + "/" + CredentialScope(date, o.region, o.service)},
      {"X-Amz-Date", o.amz_date},
      {"X-Amz-SignedHeaders", Join(names, ";")},
      {"X-Amz-Expires", std::to_string(o.expires_seconds)},
  };
  if (token && !o.omit_session_token) added.emplace_back("X-Amz-Security-Token", creds.session_token);
  for (auto& kv : added) req->query.push_back(kv);
  SigV4Result r =
      Compute(*req, names, creds.secret_access_key, o.amz_date, o.region, o.service, o.path, o.payload_hash);
  if (token && o.omit_session_token) req->query.emplace_back("X-Amz-Security-Token", creds.session_token);
  req->query.emplace_back("X-Amz-Signature", r.signature);
  return r;
}

namespace {
Status ParseCredential(const std::string& cred, ParsedAuth* out) {
  std::vector<std::string> parts = Split(cred, '/');
  if (parts.size() != 5 || parts[4] != "aws4_request" || parts[0].empty())
    return Status::Invalid("malformed SigV4 credential '" + cred +
                           "': expected ACCESSKEY/YYYYMMDD/region/service/aws4_request");
  out->access_key = parts[0];
  out->date = parts[1];
  out->region = parts[2];
  out->service = parts[3];
  return Status::Ok();
}
}  // namespace

Status ParseAuthorizationHeader(const std::string& value, ParsedAuth* out) {
  *out = ParsedAuth{};
  std::string_view v = Trim(value);
  std::string alg = std::string(kAlgorithm) + " ";
  if (!StartsWith(v, alg)) return Status::Invalid("Authorization header does not start with 'AWS4-HMAC-SHA256 '");
  v.remove_prefix(alg.size());
  bool have_cred = false, have_sh = false, have_sig = false;
  for (const std::string& raw : Split(v, ',')) {
    std::string_view item = Trim(raw);
    size_t eq = item.find('=');
    if (eq == std::string::npos)
      return Status::Invalid("malformed Authorization header component '" + std::string(item) + "'");
    std::string key(Trim(item.substr(0, eq)));
    std::string val(Trim(item.substr(eq + 1)));
    if (key == "Credential") {
      FERRY_RETURN_IF_ERROR(ParseCredential(val, out));
      have_cred = true;
    } else if (key == "SignedHeaders") {
      out->signed_headers = Split(val, ';');
      have_sh = true;
    } else if (key == "Signature") {
      out->signature = val;
      have_sig = true;
    }
  }
  if (!have_cred || !have_sh || !have_sig)
    return Status::Invalid("Authorization header lacks Credential, SignedHeaders or Signature");
  return Status::Ok();
}

Status ParsePresignedQuery(const QueryList& query, ParsedAuth* out) {
  *out = ParsedAuth{};
  out->presigned = true;
  if (FindQuery(query, "X-Amz-Algorithm") != kAlgorithm)
    return Status::Invalid("presigned URL: X-Amz-Algorithm must be AWS4-HMAC-SHA256");
  FERRY_RETURN_IF_ERROR(ParseCredential(FindQuery(query, "X-Amz-Credential"), out));
  out->amz_date = FindQuery(query, "X-Amz-Date");
  out->signed_headers = Split(FindQuery(query, "X-Amz-SignedHeaders"), ';');
  out->signature = FindQuery(query, "X-Amz-Signature");
  out->security_token = FindQuery(query, "X-Amz-Security-Token");
  std::string expires = FindQuery(query, "X-Amz-Expires");
  try {
    out->expires_seconds = expires.empty() ? 0 : std::stol(expires);
  } catch (const std::exception&) {
    return Status::Invalid("presigned URL: X-Amz-Expires '" + expires + "' is not a number");
  }
  if (out->amz_date.empty() || out->signature.empty() || out->signed_headers.empty())
    return Status::Invalid("presigned URL lacks X-Amz-Date, X-Amz-SignedHeaders or X-Amz-Signature");
  return Status::Ok();
}

Status VerifySignature(const SigV4Request& req, const ParsedAuth& auth, const std::string& secret,
                       const PathOptions& path, const std::string& payload_hash) {
  SigV4Request copy = req;
  std::string amz_date = auth.amz_date;
  if (auth.presigned) {
    copy.query.erase(std::remove_if(copy.query.begin(), copy.query.end(),
                                    [](const auto& kv) { return kv.first == "X-Amz-Signature"; }),
                     copy.query.end());
  } else {
    amz_date = req.Header("x-amz-date");
  }
  if (amz_date.size() < 8 || amz_date.substr(0, 8) != auth.date)
    return Status::Failed("request date '" + amz_date + "' does not match credential scope date '" + auth.date + "'");
  for (const std::string& h : auth.signed_headers)
    if (!HasHeader(copy.headers, h)) return Status::Failed("signed header '" + h + "' is missing from the request");
  SigV4Result r = Compute(copy, auth.signed_headers, secret, amz_date, auth.region, auth.service, path, payload_hash);
  if (!ConstantTimeEquals(r.signature, auth.signature))
    return Status::Failed(
        "signature does not match: the request signature we calculated does not match the "
        "signature you provided. Canonical request:\n" +
        r.canonical_request + "\nString to sign:\n" + r.string_to_sign);
  return Status::Ok();
}

}  // namespace ferry::aws
