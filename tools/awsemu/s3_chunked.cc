#include "awsemu/s3_chunked.h"

#include "aws/sigv4.h"

namespace awsemu {

namespace aws = ferry::aws;

namespace {
constexpr size_t kMaxLine = 4096;
constexpr uint64_t kMaxChunk = 1ull << 34;
}  // namespace

AwsChunkedDecoder::AwsChunkedDecoder(const ChunkSigning* signing, Sink sink)
    : signing_(signing), sink_(std::move(sink)) {
  if (signing_) previous_signature_ = signing_->seed_signature;
}

bool AwsChunkedDecoder::Fail(const std::string& code, const std::string& message) {
  if (error_code_.empty()) {
    error_code_ = code;
    error_ = message;
  }
  return false;
}

bool AwsChunkedDecoder::EndHeaderLine() {
  // "1000;chunk-signature=abc" or plain "1000" (unsigned trailer form).
  std::string size_text = line_.substr(0, line_.find(';'));
  if (size_text.empty() || size_text.size() > 16 ||
      size_text.find_first_not_of("0123456789abcdefABCDEF") != std::string::npos) {
    return Fail("IncompleteBody", "malformed aws-chunked chunk header");
  }
  chunk_size_ = std::stoull(size_text, nullptr, 16);
  if (chunk_size_ > kMaxChunk) return Fail("IncompleteBody", "aws-chunked chunk too large");
  chunk_signature_.clear();
  auto pos = line_.find(";chunk-signature=");
  if (pos != std::string::npos) chunk_signature_ = line_.substr(pos + 17);
  if (signing_ && chunk_signature_.empty()) {
    return Fail("SignatureDoesNotMatch", "aws-chunked chunk without a chunk-signature");
  }
  remaining_ = chunk_size_;
  line_.clear();
  state_ = State::kData;
  return true;
}

bool AwsChunkedDecoder::EndChunk() {
  std::string digest = chunk_hash_.Final();
  if (signing_) {
    std::string sts = std::string("AWS4-HMAC-SHA256-PAYLOAD\n") + signing_->amz_date + "\n" + signing_->scope + "\n" +
                      previous_signature_ + "\n" + aws::kEmptyPayloadSha256 + "\n" + aws::HexEncode(digest);
    std::string expected = aws::SignatureHex(signing_->signing_key, sts);
    if (!aws::ConstantTimeEquals(expected, chunk_signature_)) {
      return Fail("SignatureDoesNotMatch",
                  "The request signature we calculated does not match the signature you "
                  "provided. Check your key and signing method.");
    }
    previous_signature_ = expected;
  }
  return true;
}

bool AwsChunkedDecoder::Feed(const char* data, size_t size) {
  size_t i = 0;
  while (i < size) {
    switch (state_) {
      case State::kHeader:
      case State::kTrailer: {
        char c = data[i++];
        if (c != '\n') {
          line_.push_back(c);
          if (line_.size() > kMaxLine) return Fail("IncompleteBody", "aws-chunked line too long");
          break;
        }
        if (!line_.empty() && line_.back() == '\r') line_.pop_back();
        if (state_ == State::kHeader) {
          if (!EndHeaderLine()) return false;
          if (chunk_size_ == 0) {
            if (!EndChunk()) return false;
            state_ = State::kTrailer;
          }
        } else if (line_.empty()) {
          state_ = State::kDone;
        } else {
          trailers_ += line_ + "\n";
          line_.clear();
        }
        break;
      }
      case State::kData: {
        size_t n = static_cast<size_t>(std::min<uint64_t>(remaining_, size - i));
        if (signing_) chunk_hash_.Update(data + i, n);
        if (!sink_(data + i, n)) return Fail("InternalError", "could not store the upload");
        decoded_ += n;
        remaining_ -= n;
        i += n;
        if (remaining_ == 0) state_ = State::kDataEnd;
        break;
      }
      case State::kDataEnd: {
        char c = data[i++];
        if (c == '\r') break;
        if (c != '\n') return Fail("IncompleteBody", "aws-chunked chunk not followed by CRLF");
        if (!EndChunk()) return false;
        state_ = State::kHeader;
        break;
      }
      case State::kDone:
        // Anything after the final CRLF is ignored.
        return true;
    }
  }
  return true;
}

}  // namespace awsemu
