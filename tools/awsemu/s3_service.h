// S3 as ferry-awsemu serves it (REST-XML, as botocore's s3 model expects):
// buckets, objects, listings, copies and multipart uploads, stored on disk
// under the data directory. Request bodies arrive through a BodyReader and
// object bodies leave as file ranges, so no object is ever held in memory
// whole. Transport-free: the HTTP front end (server.cc) adapts it.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "aws/sigv4.h"
#include "awsemu/s3_store.h"

namespace awsemu {

// Receives request body bytes; returns false to stop reading.
using BodySink = std::function<bool(const char* data, size_t size)>;
// Feeds the whole request body to a sink; false when the connection failed
// or the sink stopped.
using BodyReader = std::function<bool(const BodySink& sink)>;

struct S3Request {
  std::string method;
  std::string bucket;  // "" for ListBuckets
  std::string key;     // decoded; "" for bucket operations
  ferry::aws::QueryList query;
  std::multimap<std::string, std::string> headers;  // lower-case names
  std::string request_id;
  // SigV4 context, for checking aws-chunked chunk signatures.
  std::string signing_key;  // raw derived key
  std::string amz_date;
  std::string scope;
  std::string seed_signature;

  std::string Header(const std::string& lower_name) const;
  bool HasQuery(const std::string& name) const;
  std::string Query(const std::string& name) const;
};

// An S3 request as it came off the wire (`headers` with their names as
// sent): the bucket comes from a "BUCKET.localhost" Host (virtual-host style,
// then *virtual_host is set) or from the first path segment (path style), and
// the key is the rest of the decoded path. Pure, so the fuzzer can drive it.
S3Request S3RequestFromWire(const std::string& method, const std::string& wire_path, const ferry::aws::QueryList& query,
                            const ferry::aws::HeaderList& headers, bool* virtual_host);

// A range of an open object, sent as the response body.
struct FileBody {
  std::shared_ptr<ObjectReader> reader;  // null for HEAD
  uint64_t offset = 0;
  uint64_t length = 0;
};

struct S3Response {
  int status = 200;
  std::string content_type = "application/xml";
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  std::shared_ptr<FileBody> file;  // when set, the body is this file range
  std::string error_code;          // for the request log
};

class S3Service {
 public:
  S3Service(std::string data_dir, std::string region);
  // Loads buckets and objects a previous run left in the data directory.
  ferry::Status Open();
  // The operation a request names, e.g. "PutObject" (for logs and faults).
  std::string OperationName(const S3Request& req) const;
  void Handle(const S3Request& req, const BodyReader& body, S3Response* resp);
  // Whether an unsigned request may do `op`: the bucket's policy allows
  // everyone (Principal "*") the action, and no public access block
  // restricts the bucket. S3 answers AccessDenied to other unsigned calls.
  bool AllowsAnonymous(const S3Request& req, const std::string& op) const;
  // Deletes every bucket and upload.
  void Reset();

 private:
  bool PayerAgrees(const S3Request& req, const std::string& op) const;
  S3Store store_;
  std::string region_;
};

// Answers with `e` as S3's XML error document.
void SetS3Error(S3Response* resp, const EmuError& e, const std::string& request_id);

}  // namespace awsemu
