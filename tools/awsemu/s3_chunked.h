// Decoder for S3's "aws-chunked" request bodies, which the aws CLI and SDKs
// send for streaming uploads: "SIZE;chunk-signature=SIG\r\nDATA\r\n" ... "0;...\r\n"
// then optional trailer lines ("x-amz-checksum-crc32:...") and "\r\n". For
// STREAMING-AWS4-HMAC-SHA256-PAYLOAD each chunk signature is checked against
// the chain started by the request's own signature. Incremental, so bodies
// of any size pass through without being buffered; pure (no I/O).
#pragma once

#include <functional>
#include <string>

#include "aws/crypto.h"

namespace awsemu {

struct ChunkSigning {
  std::string signing_key;     // raw SigV4 key for the request's scope
  std::string amz_date;        // request's X-Amz-Date
  std::string scope;           // "20150830/us-east-1/s3/aws4_request"
  std::string seed_signature;  // the Authorization header's signature
};

class AwsChunkedDecoder {
 public:
  using Sink = std::function<bool(const char* data, size_t size)>;
  // signing null: chunk signatures are not checked (unsigned streaming).
  AwsChunkedDecoder(const ChunkSigning* signing, Sink sink);

  // Feeds raw body bytes; false on malformed framing, a bad chunk signature
  // or a sink refusal (see error_code()).
  bool Feed(const char* data, size_t size);
  // True when the final chunk and trailer were complete.
  bool Finished() const { return state_ == State::kDone; }
  uint64_t decoded_size() const { return decoded_; }
  // S3 error code for the failure: "SignatureDoesNotMatch" or "IncompleteBody".
  const std::string& error_code() const { return error_code_; }
  const std::string& error() const { return error_; }
  // Trailer headers received after the last chunk, "name:value" lines.
  const std::string& trailers() const { return trailers_; }

 private:
  enum class State { kHeader, kData, kDataEnd, kTrailer, kDone };
  bool Fail(const std::string& code, const std::string& message);
  bool EndHeaderLine();
  bool EndChunk();

  const ChunkSigning* signing_;
  Sink sink_;
  State state_ = State::kHeader;
  std::string line_;
  uint64_t remaining_ = 0;
  uint64_t chunk_size_ = 0;
  std::string chunk_signature_;
  std::string previous_signature_;
  ferry::aws::Hasher chunk_hash_{ferry::aws::Hasher::Kind::kSha256};
  uint64_t decoded_ = 0;
  std::string trailers_;
  std::string error_code_;
  std::string error_;
};

}  // namespace awsemu
