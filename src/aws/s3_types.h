// Plain data the S3 code passes around: an s3:// location, an object as a
// listing or HEAD describes it, a listing page, a completed multipart part.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "util/status.h"

namespace ferry::aws {

struct S3Location {
  std::string bucket;
  std::string key;  // may be empty (bucket root) or end in '/'
  std::string ToString() const { return "s3://" + bucket + "/" + key; }
};

// True when `text` starts with s3:// (case-insensitive).
bool IsS3Uri(const std::string& text);
// "s3://bucket/some/key" -> {bucket, "some/key"}; Invalid with a hint otherwise.
Status ParseS3Uri(const std::string& text, S3Location* out);

struct S3Object {
  std::string key;
  int64_t size = 0;
  std::string etag;   // without quotes
  int64_t mtime = 0;  // LastModified, seconds since the epoch
  std::string storage_class;
};

struct S3ObjectInfo {  // from HEAD
  int64_t size = 0;
  std::string etag;
  int64_t mtime = 0;
  std::string content_type;
  int parts_count = 0;      // x-amz-mp-parts-count (HEAD with partNumber)
  bool etag_is_md5 = true;  // false under SSE-KMS / SSE-C, where ETags are not MD5s
};

struct S3ListPage {
  std::vector<S3Object> objects;
  std::vector<std::string> prefixes;  // CommonPrefixes with a delimiter
  bool truncated = false;
  std::string next_token;
};

struct S3Bucket {
  std::string name;
  int64_t created = 0;
};

struct CompletedPart {
  int number = 0;
  std::string etag;  // without quotes
};

}  // namespace ferry::aws
