// Fuzzes SigV4 (src/aws/sigv4): URI encoding, query parsing, path, query and
// header canonicalisation, the Authorization header and presigned-query
// parsers, and sign-then-verify. ferry signs every AWS request with it and
// ferry-awsemu verifies every request with it, so a request any client can
// send must sign and then verify, and a hostile header must not crash the
// verifier.
//
// Input: a FuzzRequest (fuzz_support.h); its first byte also picks the
// service, whose path rules differ.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "aws/crypto.h"
#include "aws/sigv4.h"
#include "fuzz/fuzz_support.h"

namespace aws = ferry::aws;
using ferry::fuzz::Check;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const char* const kServices[] = {"s3", "batch", "logs", "sts"};
  const std::string service = kServices[size ? data[0] % 4 : 0];
  ferry::fuzz::FuzzRequest in =
      ferry::fuzz::ParseFuzzRequest(std::string_view(reinterpret_cast<const char*>(data), size));
  // Whatever a hostile client sends goes through the parsers untouched.
  for (const std::string& v : in.raw_header_values) {
    aws::ParsedAuth parsed;
    (void)aws::ParseAuthorizationHeader(v, &parsed);
    std::chrono::system_clock::time_point t;
    (void)aws::ParseAmzDate(v, &t);
  }
  aws::SigV4Request req;
  req.method = in.method;
  req.path = in.path;
  req.query = aws::ParseQueryString(in.query);
  req.headers = in.headers;
  if (req.Header("host").empty()) req.headers.emplace_back("Host", "example.amazonaws.com");
  const std::string& target = in.target;
  const std::string& wire_query = in.query;
  const std::string& payload = in.body;

  // Encoding round trips: what is encoded decodes back unchanged.
  Check(aws::UriDecode(aws::UriEncode(target, false)) == target, "UriDecode(UriEncode(x)) != x", target);
  Check(aws::UriDecode(aws::UriEncode(target, true)) == target, "UriDecode(UriEncode(x, keep '/')) != x", target);
  Check(aws::ParseQueryString(aws::EncodeQuery(req.query)) == req.query, "a query does not survive EncodeQuery",
        wire_query);

  (void)aws::CanonicalUri(req.path, aws::PathOptions::ForService("s3"));
  (void)aws::CanonicalUri(req.path, aws::PathOptions::ForService("batch"));
  (void)aws::CanonicalQuery(req.query);
  (void)aws::CanonicalHeaders(req.headers, aws::SignableHeaderNames(req.headers));
  aws::ParsedAuth presigned_in;
  (void)aws::ParsePresignedQuery(req.query, &presigned_in);

  aws::Credentials creds;
  creds.access_key_id = "AKIDEXAMPLE";
  creds.secret_access_key = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
  const std::string amz_date = "20150830T123600Z";

  // Header form: what SignHeaders produced must parse and verify.
  {
    aws::SigV4Request signed_req = req;
    aws::SigV4Options o = aws::SigV4Options::For(service, "us-east-1", amz_date);
    o.payload_hash = aws::Sha256Hex(payload);
    aws::SignHeaders(&signed_req, creds, o);
    aws::ParsedAuth auth;
    ferry::Status st = aws::ParseAuthorizationHeader(signed_req.Header("Authorization"), &auth);
    Check(st.ok(), "our own Authorization header does not parse", st.message());
    st = aws::VerifySignature(signed_req, auth, creds.secret_access_key, o.path, o.payload_hash);
    Check(st.ok(), "a request signed in the header form does not verify", st.message());
  }
  // Query form (presigned URL).
  {
    aws::SigV4Request signed_req = req;
    aws::SigV4Options o = aws::SigV4Options::For(service, "us-east-1", amz_date);
    o.payload_hash = aws::kUnsignedPayload;
    aws::PresignQuery(&signed_req, creds, o);
    aws::ParsedAuth auth;
    ferry::Status st = aws::ParsePresignedQuery(signed_req.query, &auth);
    Check(st.ok(), "our own presigned query does not parse", st.message());
    st = aws::VerifySignature(signed_req, auth, creds.secret_access_key, o.path, aws::kUnsignedPayload);
    Check(st.ok(), "a presigned request does not verify", st.message());
  }
  return 0;
}
