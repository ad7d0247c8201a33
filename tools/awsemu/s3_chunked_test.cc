#include "awsemu/s3_chunked.h"

#include <gtest/gtest.h>

#include "aws/crypto.h"
#include "aws/sigv4.h"

namespace awsemu {
namespace {

namespace aws = ferry::aws;

std::string Frame(const std::vector<std::string>& chunks, const std::string& trailer = "") {
  std::string body;
  for (const auto& c : chunks) {
    char head[32];
    snprintf(head, sizeof head, "%zx", c.size());
    body += std::string(head) + "\r\n" + c + "\r\n";
  }
  body += "0\r\n" + trailer + "\r\n";
  return body;
}

// Signed framing as the SDKs produce it, chained from `seed`.
std::string SignedFrame(const ChunkSigning& s, const std::vector<std::string>& chunks) {
  std::string body, prev = s.seed_signature;
  std::vector<std::string> all = chunks;
  all.push_back("");
  for (const auto& c : all) {
    std::string sts = "AWS4-HMAC-SHA256-PAYLOAD\n" + s.amz_date + "\n" + s.scope + "\n" + prev + "\n" +
                      aws::kEmptyPayloadSha256 + "\n" + aws::Sha256Hex(c);
    std::string sig = aws::SignatureHex(s.signing_key, sts);
    char head[32];
    snprintf(head, sizeof head, "%zx", c.size());
    body += std::string(head) + ";chunk-signature=" + sig + "\r\n" + c + "\r\n";
    prev = sig;
  }
  return body;
}

ChunkSigning Signing() {
  ChunkSigning s;
  s.signing_key = aws::SigningKey("secret", "20260101", "us-east-1", "s3");
  s.amz_date = "20260101T000000Z";
  s.scope = "20260101/us-east-1/s3/aws4_request";
  s.seed_signature = std::string(64, 'a');
  return s;
}

TEST(AwsChunkedDecoder, DecodesUnsignedFramingFedOneByteAtATime) {
  std::string out;
  AwsChunkedDecoder d(nullptr, [&](const char* p, size_t n) {
    out.append(p, n);
    return true;
  });
  std::string body = Frame({"hello ", "world"}, "x-amz-checksum-crc32:AAAAAA==\r\n");
  for (char c : body) ASSERT_TRUE(d.Feed(&c, 1)) << d.error();
  EXPECT_TRUE(d.Finished());
  EXPECT_EQ(out, "hello world");
  EXPECT_EQ(d.decoded_size(), 11u);
  EXPECT_EQ(d.trailers(), "x-amz-checksum-crc32:AAAAAA==\n");
}

TEST(AwsChunkedDecoder, AcceptsValidChunkSignatures) {
  ChunkSigning s = Signing();
  std::string out;
  AwsChunkedDecoder d(&s, [&](const char* p, size_t n) {
    out.append(p, n);
    return true;
  });
  std::string body = SignedFrame(s, {std::string(70000, 'x'), "end"});
  ASSERT_TRUE(d.Feed(body.data(), body.size())) << d.error();
  EXPECT_TRUE(d.Finished());
  EXPECT_EQ(out.size(), 70003u);
}

TEST(AwsChunkedDecoder, RejectsATamperedChunk) {
  ChunkSigning s = Signing();
  AwsChunkedDecoder d(&s, [](const char*, size_t) { return true; });
  std::string body = SignedFrame(s, {"first", "second"});
  body[body.find("second")] = 'S';
  EXPECT_FALSE(d.Feed(body.data(), body.size()));
  EXPECT_EQ(d.error_code(), "SignatureDoesNotMatch");
}

TEST(AwsChunkedDecoder, RejectsMissingSignatureAndBadFraming) {
  ChunkSigning s = Signing();
  AwsChunkedDecoder signed_d(&s, [](const char*, size_t) { return true; });
  std::string unsigned_body = Frame({"abc"});
  EXPECT_FALSE(signed_d.Feed(unsigned_body.data(), unsigned_body.size()));
  EXPECT_EQ(signed_d.error_code(), "SignatureDoesNotMatch");

  AwsChunkedDecoder d(nullptr, [](const char*, size_t) { return true; });
  std::string bad = "zz\r\nabc\r\n";
  EXPECT_FALSE(d.Feed(bad.data(), bad.size()));
  EXPECT_EQ(d.error_code(), "IncompleteBody");

  AwsChunkedDecoder short_d(nullptr, [](const char*, size_t) { return true; });
  std::string truncated = "5\r\nab";
  EXPECT_TRUE(short_d.Feed(truncated.data(), truncated.size()));
  EXPECT_FALSE(short_d.Finished());
}

}  // namespace
}  // namespace awsemu
