// Fuzzes S3's response bodies as ferry's client parses them (src/aws/s3_xml:
// ListObjectsV2, ListBuckets, InitiateMultipartUpload, the 200-with-<Error>
// CompleteMultipartUpload answer, DeleteObjects results), the HTTP and ISO
// date and ETag helpers, and s3:// URIs. These bytes come from a server (or
// whatever answers on the endpoint a user configured), so none of them may
// crash ferry. DeleteObjects request bodies are also built from input keys and
// read back, since the emulator and AWS must see exactly those keys.
#include <pugixml.hpp>

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "aws/iso_time.h"
#include "aws/s3_types.h"
#include "aws/s3_xml.h"
#include "fuzz/fuzz_support.h"

namespace aws = ferry::aws;

namespace {

// Keys XML 1.0 can carry as text: no control characters but tab and newline
// (a carriage return is folded into a newline by every XML reader).
bool XmlSafe(const std::string& key) {
  for (unsigned char c : key) {
    if (c < 0x20 && c != '\t' && c != '\n') return false;
  }
  return !key.empty();
}

void RoundTripDeleteObjects(const std::string& text) {
  std::vector<std::string> keys;
  size_t start = 0;
  while (start <= text.size() && keys.size() < 64) {
    size_t end = text.find('\x1e', start);  // record separator: keys may hold newlines
    if (end == std::string::npos) end = text.size();
    std::string key = text.substr(start, end - start);
    if (XmlSafe(key)) keys.push_back(key);
    start = end + 1;
  }
  if (keys.empty()) return;
  std::string body = aws::BuildDeleteObjects(keys);
  pugi::xml_document doc;
  ferry::fuzz::Check(static_cast<bool>(doc.load_string(body.c_str(), pugi::parse_default | pugi::parse_ws_pcdata)),
                     "BuildDeleteObjects made malformed XML", body);
  std::vector<std::string> back;
  for (pugi::xml_node o : doc.child("Delete").children("Object")) back.push_back(o.child("Key").text().get());
  ferry::fuzz::Check(back == keys, "a DeleteObjects body does not carry its keys", body);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string text(reinterpret_cast<const char*>(data), size);
  aws::S3ListPage page;
  (void)aws::ParseListObjectsV2(text, &page);
  std::vector<aws::S3Bucket> buckets;
  (void)aws::ParseListBuckets(text, &buckets);
  std::string upload_id;
  (void)aws::ParseInitiateMultipart(text, &upload_id);
  (void)aws::CheckCompleteMultipart(text);
  std::vector<std::string> failures;
  (void)aws::ParseDeleteResult(text, &failures);
  int64_t epoch = 0;
  (void)aws::ParseHttpDate(text, &epoch);
  (void)aws::ParseIsoTime(text, &epoch);
  (void)aws::StripQuotes(text);
  aws::S3Location loc;
  if (aws::ParseS3Uri(text, &loc).ok()) {
    ferry::fuzz::Check(aws::IsS3Uri(text), "ParseS3Uri took a text IsS3Uri refuses", text);
  }
  RoundTripDeleteObjects(text);
  return 0;
}
