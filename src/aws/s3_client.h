// The S3 API ferry uses, on the shared signed-request path: list (v2, paged,
// prefix, delimiter), buckets, head, get, put, multipart upload, copy,
// delete (single and batch), create bucket. Requests are addressed
// virtual-host style on AWS endpoints (bucket.s3.region.amazonaws.com) and
// path-style on custom endpoints or when asked; keys are encoded once, so
// spaces, unicode, '+', '%' and '//' round-trip.
//
// Blocking calls return Status; Request() builds a ServiceRequest for callers
// (the transfer manager) that send asynchronously.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "aws/aws_client.h"
#include "aws/s3_types.h"

namespace ferry::aws {

class S3Client {
 public:
  // Resolves the S3 endpoint once.
  static Status Create(std::shared_ptr<AwsClient> client, std::unique_ptr<S3Client>* out);

  // A signed-path request for `operation` on bucket/key (key may be empty).
  ServiceRequest Request(const std::string& operation, const std::string& method, const std::string& bucket,
                         const std::string& key) const;
  bool path_style(const std::string& bucket) const;

  Status ListBuckets(std::vector<S3Bucket>* out);
  Status ListPage(const std::string& bucket, const std::string& prefix, const std::string& delimiter,
                  const std::string& token, S3ListPage* out);
  // Every object under prefix (all pages); `each` may stop early by failing.
  Status ListAll(const std::string& bucket, const std::string& prefix,
                 const std::function<Status(const S3Object&)>& each);
  Status Head(const std::string& bucket, const std::string& key, S3ObjectInfo* out, int part_number = 0);
  Status CreateBucket(const std::string& bucket);
  Status PutSmall(const std::string& bucket, const std::string& key, std::string data);
  Status GetSmall(const std::string& bucket, const std::string& key, std::string* data);
  Status CreateMultipart(const std::string& bucket, const std::string& key, const HeaderList& headers,
                         std::string* upload_id);
  Status CompleteMultipart(const std::string& bucket, const std::string& key, const std::string& upload_id,
                           std::vector<CompletedPart> parts);
  Status AbortMultipart(const std::string& bucket, const std::string& key, const std::string& upload_id);
  Status Copy(const S3Location& from, const S3Location& to);
  Status DeleteObject(const std::string& bucket, const std::string& key);
  // Any number of keys, sent 1000 per request (S3's limit); failures of
  // single keys are listed. A batch the server rejects as a whole (e.g.
  // MalformedXML for a key with a control character) is deleted key by key.
  Status DeleteObjects(const std::string& bucket, const std::vector<std::string>& keys);

  AwsClient& client() { return *client_; }
  const Endpoint& endpoint() const { return endpoint_; }

 private:
  std::shared_ptr<AwsClient> client_;
  Endpoint endpoint_;
};

// S3 reads an object's info from HEAD/GET response headers.
S3ObjectInfo ObjectInfoFromHeaders(const HttpResponse& resp);

}  // namespace ferry::aws
