#include "awsemu/s3_service.h"

#include <unistd.h>

#include <algorithm>
#include <cstdlib>

#include "aws/crypto.h"
#include "awsemu/operation_table.h"
#include "awsemu/s3_access.h"
#include "awsemu/s3_bucket_config.h"
#include "awsemu/s3_chunked.h"
#include "awsemu/s3_object_rules.h"
#include "awsemu/s3_xml.h"
#include "util/text.h"

namespace awsemu {

namespace aws = ferry::aws;

namespace {

constexpr uint64_t kMaxSinglePut = 5ull << 30;
constexpr char kOwnerId[] = "75aa57f09aa0c8caeab4f8c24e99d10f8e7faeebf76c078efc7c6caea54ba06a";
constexpr char kOwnerName[] = "ferry-awsemu";

std::string Quote(const std::string& etag) { return "\"" + etag + "\""; }

void Owner(pugi::xml_node parent, const char* name) {
  pugi::xml_node o = parent.append_child(name);
  XmlText(o, "ID", kOwnerId);
  XmlText(o, "DisplayName", kOwnerName);
}

bool ValidBucketName(const std::string& n) {
  if (n.size() < 3 || n.size() > 63) return false;
  for (char c : n) {
    if (!(std::islower(static_cast<unsigned char>(c)) || std::isdigit(static_cast<unsigned char>(c)) || c == '.' ||
          c == '-')) {
      return false;
    }
  }
  auto alnum = [](char c) {
    return std::islower(static_cast<unsigned char>(c)) || std::isdigit(static_cast<unsigned char>(c));
  };
  if (!alnum(n.front()) || !alnum(n.back())) return false;
  return n.find("..") == std::string::npos;
}

// Parses a non-negative decimal; false when not one.
bool ParseUint(const std::string& s, uint64_t* out) {
  if (s.empty() || s.size() > 19 || s.find_first_not_of("0123456789") != std::string::npos) {
    return false;
  }
  *out = std::strtoull(s.c_str(), nullptr, 10);
  return true;
}

const EmuError kMalformedXml{400, "MalformedXML",
                             "The XML you provided was not well-formed or did not validate against "
                             "our published schema"};

// Representation headers S3 stores with an object and returns on GET/HEAD.
const char* const kStoredHeaders[] = {"content-encoding", "content-disposition", "cache-control", "content-language",
                                      "expires"};

// "k1=v1&k2=v2" (x-amz-tagging). The front end has percent-decoded header
// values already, so the pairs are split as they stand.
std::map<std::string, std::string> ParseTaggingHeader(const std::string& value) {
  std::map<std::string, std::string> tags;
  for (const auto& pair : ferry::Split(value, '&')) {
    if (pair.empty()) continue;
    auto eq = pair.find('=');
    tags[pair.substr(0, eq)] = eq == std::string::npos ? "" : pair.substr(eq + 1);
  }
  return tags;
}

// Content type, user metadata, tags and stored headers from a request.
void MetaFromRequest(const S3Request& req, ObjectMeta* meta) {
  std::string ct = req.Header("content-type");
  if (!ct.empty()) meta->content_type = ct;
  meta->user_metadata.clear();
  meta->headers.clear();
  for (const auto& [k, v] : req.headers) {
    if (ferry::StartsWith(k, "x-amz-meta-")) meta->user_metadata[k.substr(11)] = v;
  }
  for (const char* h : kStoredHeaders) {
    std::string v = req.Header(h);
    if (std::string(h) == "content-encoding") {
      // "aws-chunked" describes the transfer, not the object.
      std::vector<std::string> kept;
      for (const auto& part : ferry::Split(v, ',')) {
        std::string t(ferry::Trim(part));
        if (!t.empty() && t != "aws-chunked") kept.push_back(t);
      }
      v = ferry::Join(kept, ",");
    }
    if (!v.empty()) meta->headers[h] = v;
  }
  meta->tags = ParseTaggingHeader(req.Header("x-amz-tagging"));
}

// What S3 says about an object's encryption on every answer that stores or
// returns one.
void EncryptionHeaders(const ObjectMeta& m, S3Response* resp) {
  if (m.sse.empty()) return;
  resp->headers.emplace_back("x-amz-server-side-encryption", m.sse);
  if (!m.kms_key_id.empty()) resp->headers.emplace_back("x-amz-server-side-encryption-aws-kms-key-id", m.kms_key_id);
}

void ObjectHeaders(const ObjectMeta& m, S3Response* resp) {
  resp->headers.emplace_back("ETag", Quote(m.etag));
  resp->headers.emplace_back("Last-Modified", HttpTime(m.last_modified));
  resp->headers.emplace_back("Accept-Ranges", "bytes");
  for (const auto& [k, v] : m.user_metadata) resp->headers.emplace_back("x-amz-meta-" + k, v);
  for (const auto& [k, v] : m.headers) resp->headers.emplace_back(k, v);
  if (m.parts_count > 0) resp->headers.emplace_back("x-amz-mp-parts-count", std::to_string(m.parts_count));
  if (!m.tags.empty()) resp->headers.emplace_back("x-amz-tagging-count", std::to_string(m.tags.size()));
  EncryptionHeaders(m, resp);
  // S3 names the class on GET and HEAD for every class but STANDARD.
  if (!m.storage_class.empty()) resp->headers.emplace_back("x-amz-storage-class", m.storage_class);
  resp->content_type = m.content_type;
}

// Reads a request body into an ObjectWriter, undoing aws-chunked framing and
// checking Content-MD5, x-amz-content-sha256 and the declared length.
class UploadReceiver {
 public:
  UploadReceiver(const S3Request& req, ObjectWriter* writer) : req_(req), writer_(writer) {}

  EmuError Receive(const BodyReader& body) {
    const std::string sha_header = req_.Header("x-amz-content-sha256");
    const bool chunked = ferry::StartsWith(sha_header, "STREAMING-") ||
                         req_.Header("content-encoding").find("aws-chunked") != std::string::npos;
    const bool signed_chunks = ferry::StartsWith(sha_header, "STREAMING-AWS4-HMAC-SHA256-PAYLOAD");
    const bool check_sha =
        sha_header.size() == 64 && sha_header.find_first_not_of("0123456789abcdef") == std::string::npos;
    std::string md5_b64 = req_.Header("content-md5");
    std::string want_md5;
    if (!md5_b64.empty() && (!aws::Base64Decode(md5_b64, &want_md5) || want_md5.size() != 16)) {
      return {400, "InvalidDigest", "The Content-MD5 you specified was invalid."};
    }

    aws::Hasher sha(aws::Hasher::Kind::kSha256);
    bool io_ok = true;
    auto store = [&](const char* d, size_t n) {
      if (check_sha) sha.Update(d, n);
      if (!writer_->Write(d, n)) io_ok = false;
      return io_ok;
    };
    ChunkSigning signing{req_.signing_key, req_.amz_date, req_.scope, req_.seed_signature};
    AwsChunkedDecoder decoder(signed_chunks ? &signing : nullptr, store);
    bool read_ok;
    if (chunked) {
      read_ok = body([&](const char* d, size_t n) { return decoder.Feed(d, n); });
    } else {
      read_ok = body(store);
    }
    if (!io_ok) return {500, "InternalError", "could not write the object to the data directory"};
    if (chunked && !decoder.error_code().empty()) {
      if (decoder.error_code() == "SignatureDoesNotMatch") {
        return {403, "SignatureDoesNotMatch", decoder.error()};
      }
      return {400, "IncompleteBody", "The request body is not valid aws-chunked encoding: " + decoder.error()};
    }
    if (!read_ok) {
      return {400, "IncompleteBody",
              "You did not provide the number of bytes specified by the Content-Length HTTP header"};
    }
    if (chunked) {
      uint64_t declared = 0;
      if (!decoder.Finished() ||
          (ParseUint(req_.Header("x-amz-decoded-content-length"), &declared) && declared != decoder.decoded_size())) {
        return {400, "IncompleteBody",
                "You did not provide the number of bytes specified by the "
                "x-amz-decoded-content-length HTTP header"};
      }
    }
    if (!writer_->Finish()) return {500, "InternalError", "could not write the object to the data directory"};
    if (check_sha && aws::HexEncode(sha.Final()) != sha_header) {
      return {400, "XAmzContentSHA256Mismatch",
              "The provided 'x-amz-content-sha256' header does not match what was computed."};
    }
    if (!want_md5.empty() && aws::HexEncode(want_md5) != writer_->md5_hex()) {
      return {400, "BadDigest", "The Content-MD5 you specified did not match what we received."};
    }
    return {};
  }

 private:
  const S3Request& req_;
  ObjectWriter* writer_;
};

// "bytes=0-99", "bytes=100-", "bytes=-50" against an object of `size`.
// Returns 0 no range, 1 valid range, -1 unsatisfiable.
int ParseRange(const std::string& header, uint64_t size, uint64_t* first, uint64_t* last) {
  if (!ferry::StartsWith(header, "bytes=")) return 0;
  std::string spec = header.substr(6);
  if (spec.find(',') != std::string::npos) return 0;  // S3 ignores multiple ranges
  auto dash = spec.find('-');
  if (dash == std::string::npos) return 0;
  std::string a = spec.substr(0, dash), b = spec.substr(dash + 1);
  uint64_t x = 0, y = 0;
  if (a.empty()) {
    if (!ParseUint(b, &y)) return 0;
    if (y == 0) return -1;
    if (size == 0) return -1;
    *first = y >= size ? 0 : size - y;
    *last = size - 1;
    return 1;
  }
  if (!ParseUint(a, &x)) return 0;
  if (!b.empty() && (!ParseUint(b, &y) || y < x)) return 0;
  if (x >= size) return -1;
  *first = x;
  *last = b.empty() ? size - 1 : std::min(y, size - 1);
  return 1;
}

std::string EncodeIf(bool url, const std::string& s) { return url ? aws::UriEncode(s, true) : s; }

}  // namespace

S3Request S3RequestFromWire(const std::string& method, const std::string& wire_path, const aws::QueryList& query,
                            const aws::HeaderList& headers, bool* virtual_host) {
  S3Request r;
  r.method = method;
  r.query = query;
  *virtual_host = false;
  for (const auto& [k, v] : headers) r.headers.emplace(ferry::ToLower(k), v);
  std::string host = r.Header("host");
  auto colon = host.rfind(':');
  if (colon != std::string::npos && host.find(']') == std::string::npos) host = host.substr(0, colon);
  std::string path = aws::UriDecode(wire_path);
  const std::string vhost_suffix = ".localhost";
  if (ferry::EndsWith(host, vhost_suffix) && host.size() > vhost_suffix.size()) {
    *virtual_host = true;
    r.bucket = host.substr(0, host.size() - vhost_suffix.size());
    r.key = path.size() > 1 ? path.substr(1) : "";
  } else {
    std::string rest = path.empty() ? "" : path.substr(1);
    auto slash = rest.find('/');
    r.bucket = rest.substr(0, slash);
    r.key = slash == std::string::npos ? "" : rest.substr(slash + 1);
  }
  return r;
}

std::string S3Request::Header(const std::string& lower_name) const {
  auto it = headers.find(lower_name);
  return it == headers.end() ? std::string() : it->second;
}

bool S3Request::HasQuery(const std::string& name) const {
  for (const auto& [k, v] : query) {
    if (k == name) return true;
  }
  return false;
}

std::string S3Request::Query(const std::string& name) const {
  for (const auto& [k, v] : query) {
    if (k == name) return v;
  }
  return "";
}

void SetS3Error(S3Response* resp, const EmuError& e, const std::string& request_id) {
  EmuResponse out;
  RenderError(WireProtocol::kRestXml, e, request_id, &out);
  resp->status = out.status;
  resp->content_type = out.content_type;
  resp->body = std::move(out.body);
  resp->file.reset();
  resp->error_code = e.code;
}

S3Service::S3Service(std::string data_dir, std::string region)
    : store_(std::move(data_dir)), region_(std::move(region)) {}

ferry::Status S3Service::Open() { return store_.Open(); }

void S3Service::Reset() { store_.Reset(); }

std::string S3Service::OperationName(const S3Request& req) const {
  const std::string& m = req.method;
  if (req.bucket.empty()) return m == "GET" ? "ListBuckets" : "";
  if (req.key.empty()) {
    for (const char* kind : {"lifecycle", "policy", "publicAccessBlock", "tagging", "requestPayment"})
      if (req.HasQuery(kind))
        if (const BucketConfigOp* op = BucketConfigOpFor(m, kind)) return op->operation;
    if (m == "PUT") return req.query.empty() ? "CreateBucket" : "";
    if (m == "HEAD") return "HeadBucket";
    if (m == "DELETE") return req.query.empty() ? "DeleteBucket" : "";
    if (m == "POST") return req.HasQuery("delete") ? "DeleteObjects" : "";
    if (m == "GET") {
      if (req.HasQuery("location")) return "GetBucketLocation";
      if (req.HasQuery("versioning")) return "GetBucketVersioning";
      if (req.HasQuery("uploads")) return "ListMultipartUploads";
      if (req.Query("list-type") == "2") return "ListObjectsV2";
      for (const auto& [k, v] : req.query) {
        if (k != "prefix" && k != "delimiter" && k != "marker" && k != "max-keys" && k != "encoding-type" &&
            !ferry::StartsWith(k, "X-Amz-")) {
          return "";
        }
      }
      return "ListObjects";
    }
    return "";
  }
  const bool copy = !req.Header("x-amz-copy-source").empty();
  if (m == "PUT") {
    if (req.HasQuery("uploadId")) return copy ? "UploadPartCopy" : "UploadPart";
    if (req.HasQuery("tagging")) return "PutObjectTagging";
    if (req.HasQuery("acl") || req.HasQuery("retention")) return "";
    return copy ? "CopyObject" : "PutObject";
  }
  if (m == "GET") {
    if (req.HasQuery("uploadId")) return "ListParts";
    if (req.HasQuery("tagging")) return "GetObjectTagging";
    if (req.HasQuery("acl")) return "GetObjectAcl";
    if (req.HasQuery("attributes")) return "";
    return "GetObject";
  }
  if (m == "HEAD") return "HeadObject";
  if (m == "DELETE") {
    if (req.HasQuery("tagging")) return "DeleteObjectTagging";
    return req.HasQuery("uploadId") ? "AbortMultipartUpload" : "DeleteObject";
  }
  if (m == "POST") {
    if (req.HasQuery("uploads")) return "CreateMultipartUpload";
    if (req.HasQuery("uploadId")) return "CompleteMultipartUpload";
  }
  return "";
}

namespace {

// What an S3 operation sees: the store, the region new buckets default to,
// the request, its body and the answer to fill. An operation returns its
// error (or Ok); S3Service::Handle renders it as S3's XML error document.
struct S3Call {
  S3Store& store;
  const std::string& region;
  const std::string& op;
  const S3Request& req;
  const BodyReader& body;
  S3Response* resp;
};

EmuError WithDetails(EmuError e, std::vector<std::pair<std::string, std::string>> details) {
  e.details = std::move(details);
  return e;
}

// A store error on a bucket operation: NoSuchBucket names the bucket.
EmuError WithBucket(const S3Request& req, EmuError e) {
  if (e.code == "NoSuchBucket") return WithDetails(std::move(e), {{"BucketName", req.bucket}});
  return e;
}

// A store error on an object operation: NoSuchKey / NoSuchUpload name what
// was missing.
EmuError WithKey(const S3Request& req, EmuError e) {
  if (e.code == "NoSuchKey") return WithDetails(std::move(e), {{"Key", req.key}});
  if (e.code == "NoSuchUpload") return WithDetails(std::move(e), {{"UploadId", req.Query("uploadId")}});
  return WithBucket(req, std::move(e));
}

// A numeric query parameter, left as it is when absent.
EmuError QueryNumber(const S3Request& req, const std::string& name, uint64_t* value) {
  if (!req.HasQuery(name) || ParseUint(req.Query(name), value)) return EmuError::Ok();
  return {400, "InvalidArgument", "Provided " + name + " not an integer or within integer range"};
}

// The encryption, storage class and ACL a request asks for, checked, into
// meta (replacing what it had: a copy takes only what its request says).
EmuError ApplyObjectSettings(const S3Call& c, ObjectMeta* meta) {
  ObjectSettings s;
  EmuError e = CheckObjectSettings(c.req.Header("x-amz-server-side-encryption"),
                                   c.req.Header("x-amz-server-side-encryption-aws-kms-key-id"),
                                   c.req.Header("x-amz-storage-class"), c.req.Header("x-amz-acl"), c.region, &s);
  if (!e.ok()) return e;
  meta->sse = s.sse;
  meta->kms_key_id = s.kms_key_id;
  meta->storage_class = s.storage_class;
  meta->acl = s.acl;
  return EmuError::Ok();
}

// Under SSE-KMS S3's ETag of a single-part object is not the MD5 of its
// bytes: derived here from the MD5 and the key, so clients that take it for
// an MD5 are caught.
std::string KmsEtag(const ObjectMeta& m, const std::string& md5_hex) {
  if (m.sse.rfind("aws:kms", 0) != 0) return md5_hex;
  return aws::HexEncode(aws::Md5(md5_hex + m.kms_key_id));
}

EmuError LookUpBucket(const S3Call& c, BucketMeta* meta) {
  return WithBucket(c.req, c.store.GetBucket(c.req.bucket, meta));
}

EmuError Xml(const S3Call& c, const pugi::xml_document& doc) {
  c.resp->status = 200;
  c.resp->content_type = "application/xml";
  c.resp->body = XmlString(doc);
  return EmuError::Ok();
}

// Reads a small XML request body (DeleteObjects, CompleteMultipartUpload).
bool ReadXml(const S3Call& c, pugi::xml_document* doc, std::string* raw) {
  bool ok = c.body([&](const char* d, size_t n) {
    raw->append(d, n);
    return raw->size() <= (4u << 20);
  });
  return ok && doc->load_string(raw->c_str());
}

EmuError ListBuckets(const S3Call& c) {
  pugi::xml_document doc;
  pugi::xml_node r = S3Root(&doc, "ListAllMyBucketsResult");
  Owner(r, "Owner");
  pugi::xml_node bs = r.append_child("Buckets");
  for (const auto& b : c.store.ListBuckets()) {
    pugi::xml_node n = bs.append_child("Bucket");
    XmlText(n, "Name", b.name);
    XmlText(n, "CreationDate", XmlTime(b.created));
  }
  return Xml(c, doc);
}

EmuError CreateBucket(const S3Call& c) {
  if (!ValidBucketName(c.req.bucket)) {
    return EmuError{400, "InvalidBucketName", "The specified bucket is not valid.", {{"BucketName", c.req.bucket}}};
  }
  std::string raw;
  pugi::xml_document doc;
  std::string region = c.region;
  c.body([&](const char* d, size_t n) {
    raw.append(d, n);
    return raw.size() < 65536;
  });
  if (!raw.empty()) {
    if (!doc.load_string(raw.c_str())) return kMalformedXml;
    std::string lc = doc.child("CreateBucketConfiguration").child("LocationConstraint").text().get();
    if (!lc.empty()) region = lc;
  }
  EmuError e = c.store.CreateBucket(c.req.bucket, region);
  if (!e.ok()) return WithBucket(c.req, e);
  c.resp->status = 200;
  c.resp->headers.emplace_back("Location", "/" + c.req.bucket);
  return EmuError::Ok();
}

EmuError HeadBucket(const S3Call& c) {
  BucketMeta meta;
  if (EmuError e = LookUpBucket(c, &meta); !e.ok()) return e;
  c.resp->status = 200;
  c.resp->headers.emplace_back("x-amz-bucket-region", meta.region);
  return EmuError::Ok();
}

EmuError DeleteBucket(const S3Call& c) {
  EmuError e = WithBucket(c.req, c.store.DeleteBucket(c.req.bucket));
  if (!e.ok()) return e;
  c.resp->status = 204;
  return EmuError::Ok();
}

EmuError GetBucketLocation(const S3Call& c) {
  BucketMeta meta;
  if (EmuError e = LookUpBucket(c, &meta); !e.ok()) return e;
  pugi::xml_document doc;
  pugi::xml_node r = S3Root(&doc, "LocationConstraint");
  // us-east-1 is reported as an empty constraint.
  if (meta.region != "us-east-1") r.text().set(meta.region.c_str());
  return Xml(c, doc);
}

// Lifecycle, policy, public access block and tags of a bucket: checked and
// kept as documents (s3_bucket_config.h).
EmuError BucketConfig(const S3Call& c) {
  const BucketConfigOp* op = FindBucketConfigOp(c.op);
  BucketMeta meta;
  if (EmuError e = LookUpBucket(c, &meta); !e.ok()) return e;
  if (op->verb == 'G') {
    auto it = meta.configs.find(op->kind);
    if (it == meta.configs.end() && std::string(op->kind) == "requestPayment") {
      pugi::xml_document doc;  // a bucket's owner pays unless told otherwise
      XmlText(S3Root(&doc, "RequestPaymentConfiguration"), "Payer", "BucketOwner");
      return Xml(c, doc);
    }
    if (it == meta.configs.end()) return MissingBucketConfig(op->kind, c.req.bucket);
    c.resp->status = 200;
    c.resp->content_type = BucketConfigContentType(op->kind);
    c.resp->body = it->second;
    return EmuError::Ok();
  }
  std::string document;
  if (op->verb == 'P') {
    pugi::xml_document ignored;
    std::string raw;
    if (!ReadXml(c, &ignored, &raw) && raw.empty()) return kMalformedXml;
    if (EmuError e = CheckBucketConfig(op->kind, raw, &document); !e.ok()) return e;
  }
  if (EmuError e = c.store.SetBucketConfig(c.req.bucket, op->kind, document); !e.ok()) return WithBucket(c.req, e);
  // S3 answers 200 to these PUTs and 204 to the others.
  const std::string kind = op->kind;
  c.resp->status =
      op->verb == 'P' && (kind == "lifecycle" || kind == "publicAccessBlock" || kind == "requestPayment") ? 200 : 204;
  return EmuError::Ok();
}

// Versioning is never enabled: an empty configuration.
EmuError GetBucketVersioning(const S3Call& c) {
  BucketMeta meta;
  if (EmuError e = LookUpBucket(c, &meta); !e.ok()) return e;
  pugi::xml_document doc;
  S3Root(&doc, "VersioningConfiguration");
  return Xml(c, doc);
}

EmuError ListObjects(const S3Call& c) {
  const bool v2 = c.op == "ListObjectsV2";
  const std::string prefix = c.req.Query("prefix");
  const std::string delimiter = c.req.Query("delimiter");
  const std::string encoding = c.req.Query("encoding-type");
  if (!encoding.empty() && encoding != "url") {
    return EmuError{400,
                    "InvalidArgument",
                    "Invalid Encoding Method specified in Request",
                    {{"ArgumentName", "encoding-type"}, {"ArgumentValue", encoding}}};
  }
  const bool url = encoding == "url";
  uint64_t max_keys = 1000;
  if (c.req.HasQuery("max-keys") && !ParseUint(c.req.Query("max-keys"), &max_keys)) {
    return EmuError{400,
                    "InvalidArgument",
                    "Provided max-keys not an integer or within integer range",
                    {{"ArgumentName", "max-keys"}, {"ArgumentValue", c.req.Query("max-keys")}}};
  }
  max_keys = std::min<uint64_t>(max_keys, 1000);
  std::string after;
  bool after_is_prefix = false;
  const std::string token = c.req.Query("continuation-token");
  const std::string start_after = c.req.Query("start-after");
  const std::string marker = c.req.Query("marker");
  if (v2 && c.req.HasQuery("continuation-token")) {
    std::string decoded;
    if (!aws::Base64Decode(token, &decoded) || decoded.size() < 2 || (decoded[0] != 'k' && decoded[0] != 'p') ||
        decoded[1] != ':') {
      return EmuError{400,
                      "InvalidArgument",
                      "The continuation token provided is incorrect",
                      {{"ArgumentName", "continuation-token"}}};
    }
    after = decoded.substr(2);
    after_is_prefix = decoded[0] == 'p';
  } else if (v2) {
    after = start_after;
  } else {
    after = marker;
    after_is_prefix = !delimiter.empty() && ferry::EndsWith(marker, delimiter) && ferry::StartsWith(marker, prefix);
  }
  ListResult list;
  EmuError e =
      c.store.List(c.req.bucket, prefix, delimiter, after, after_is_prefix, static_cast<size_t>(max_keys), &list);
  if (!e.ok()) return WithBucket(c.req, e);
  pugi::xml_document doc;
  pugi::xml_node r = S3Root(&doc, "ListBucketResult");
  XmlText(r, "Name", c.req.bucket);
  XmlText(r, "Prefix", EncodeIf(url, prefix));
  if (v2) {
    if (c.req.HasQuery("continuation-token")) XmlText(r, "ContinuationToken", token);
    if (list.truncated) {
      XmlText(r, "NextContinuationToken",
              aws::Base64Encode(std::string(list.last_is_prefix ? "p:" : "k:") + list.last));
    }
    if (c.req.HasQuery("start-after")) XmlText(r, "StartAfter", EncodeIf(url, start_after));
    XmlText(r, "KeyCount", std::to_string(list.objects.size() + list.prefixes.size()));
  } else {
    XmlText(r, "Marker", EncodeIf(url, marker));
    if (list.truncated && !delimiter.empty()) XmlText(r, "NextMarker", EncodeIf(url, list.last));
  }
  XmlText(r, "MaxKeys", std::to_string(max_keys));
  if (!delimiter.empty()) XmlText(r, "Delimiter", EncodeIf(url, delimiter));
  if (url) XmlText(r, "EncodingType", "url");
  XmlText(r, "IsTruncated", list.truncated ? "true" : "false");
  const bool owner = !v2 || c.req.Query("fetch-owner") == "true";
  for (const auto& o : list.objects) {
    pugi::xml_node c = r.append_child("Contents");
    XmlText(c, "Key", EncodeIf(url, o.key));
    XmlText(c, "LastModified", XmlTime(o.last_modified));
    XmlText(c, "ETag", Quote(o.etag));
    XmlText(c, "Size", std::to_string(o.size));
    if (owner) Owner(c, "Owner");
    XmlText(c, "StorageClass", o.storage_class.empty() ? "STANDARD" : o.storage_class);
  }
  for (const auto& p : list.prefixes) {
    XmlText(r.append_child("CommonPrefixes"), "Prefix", EncodeIf(url, p));
  }
  return Xml(c, doc);
}

EmuError DeleteObjects(const S3Call& c) {
  std::string raw;
  pugi::xml_document doc;
  if (!ReadXml(c, &doc, &raw)) return kMalformedXml;
  std::string md5_b64 = c.req.Header("content-md5"), want;
  if (!md5_b64.empty()) {
    if (!aws::Base64Decode(md5_b64, &want) || want.size() != 16) {
      return EmuError{400, "InvalidDigest", "The Content-MD5 you specified was invalid."};
    }
    if (want != aws::Md5(raw)) {
      return EmuError{400, "BadDigest", "The Content-MD5 you specified did not match what we received."};
    }
  }
  pugi::xml_node del = doc.child("Delete");
  if (!del) return kMalformedXml;
  const bool quiet = std::string(del.child("Quiet").text().get()) == "true";
  std::vector<std::string> keys;
  for (pugi::xml_node o : del.children("Object")) keys.push_back(o.child("Key").text().get());
  if (keys.empty() || keys.size() > 1000) return kMalformedXml;
  BucketMeta bm;
  if (EmuError be = LookUpBucket(c, &bm); !be.ok()) return be;
  pugi::xml_document out;
  pugi::xml_node r = S3Root(&out, "DeleteResult");
  for (const auto& k : keys) {
    EmuError e = c.store.DeleteObject(c.req.bucket, k);
    if (e.ok()) {
      if (!quiet) XmlText(r.append_child("Deleted"), "Key", k);
    } else {
      pugi::xml_node er = r.append_child("Error");
      XmlText(er, "Key", k);
      XmlText(er, "Code", e.code);
      XmlText(er, "Message", e.message);
    }
  }
  return Xml(c, out);
}

EmuError ListMultipartUploads(const S3Call& c) {
  std::vector<UploadMeta> uploads;
  EmuError e = c.store.ListUploads(c.req.bucket, &uploads);
  if (!e.ok()) return WithBucket(c.req, e);
  const std::string prefix = c.req.Query("prefix");
  const std::string key_marker = c.req.Query("key-marker");
  const std::string id_marker = c.req.Query("upload-id-marker");
  const bool url = c.req.Query("encoding-type") == "url";
  uint64_t max = 1000;
  e = QueryNumber(c.req, "max-uploads", &max);
  if (!e.ok()) return e;
  max = std::min<uint64_t>(max, 1000);
  pugi::xml_document doc;
  pugi::xml_node r = S3Root(&doc, "ListMultipartUploadsResult");
  XmlText(r, "Bucket", c.req.bucket);
  XmlText(r, "KeyMarker", EncodeIf(url, key_marker));
  XmlText(r, "UploadIdMarker", id_marker);
  std::vector<const UploadMeta*> page;
  bool truncated = false;
  for (const auto& u : uploads) {
    if (!ferry::StartsWith(u.key, prefix)) continue;
    if (!key_marker.empty()) {
      if (u.key < key_marker) continue;
      if (u.key == key_marker && (id_marker.empty() || u.upload_id <= id_marker)) continue;
    }
    if (page.size() == max) {
      truncated = true;
      break;
    }
    page.push_back(&u);
  }
  XmlText(r, "NextKeyMarker", page.empty() ? "" : EncodeIf(url, page.back()->key));
  XmlText(r, "NextUploadIdMarker", page.empty() ? "" : page.back()->upload_id);
  XmlText(r, "MaxUploads", std::to_string(max));
  if (!prefix.empty()) XmlText(r, "Prefix", EncodeIf(url, prefix));
  if (url) XmlText(r, "EncodingType", "url");
  XmlText(r, "IsTruncated", truncated ? "true" : "false");
  for (const UploadMeta* u : page) {
    pugi::xml_node n = r.append_child("Upload");
    XmlText(n, "Key", EncodeIf(url, u->key));
    XmlText(n, "UploadId", u->upload_id);
    Owner(n, "Initiator");
    Owner(n, "Owner");
    XmlText(n, "StorageClass", "STANDARD");
    XmlText(n, "Initiated", XmlTime(u->initiated));
  }
  return Xml(c, doc);
}

EmuError PutObjectOrPart(const S3Call& c) {
  uint64_t declared = 0;
  std::string length_header = c.req.Header("x-amz-decoded-content-length");
  if (length_header.empty()) length_header = c.req.Header("content-length");
  if (ParseUint(length_header, &declared) && declared > kMaxSinglePut) {
    return EmuError{400, "EntityTooLarge", "Your proposed upload exceeds the maximum allowed size"};
  }
  int part = 0;
  UploadMeta upload;
  if (c.op == "UploadPart") {
    uint64_t n = 0;
    if (!ParseUint(c.req.Query("partNumber"), &n) || n < 1 || n > 10000) {
      return EmuError{400,
                      "InvalidArgument",
                      "Part number must be an integer between 1 and 10000, inclusive",
                      {{"ArgumentName", "partNumber"}, {"ArgumentValue", c.req.Query("partNumber")}}};
    }
    part = static_cast<int>(n);
    EmuError e = c.store.GetUpload(c.req.bucket, c.req.key, c.req.Query("uploadId"), &upload);
    if (!e.ok()) {
      return WithKey(c.req, e);
    }
  } else {
    BucketMeta bm;
    if (EmuError e = LookUpBucket(c, &bm); !e.ok()) return e;
  }
  std::unique_ptr<ObjectWriter> w = c.store.NewWriter();
  if (!w) {
    return EmuError{500, "InternalError", "cannot create a temporary file in the data directory"};
  }
  UploadReceiver receiver(c.req, w.get());
  EmuError e = receiver.Receive(c.body);
  if (!e.ok()) return e;
  if (c.op == "UploadPart") {
    PartMeta stored;
    e = c.store.CommitPart(c.req.bucket, c.req.key, c.req.Query("uploadId"), part, w.get(), &stored);
    if (!e.ok()) return WithKey(c.req, e);
    c.resp->status = 200;
    c.resp->headers.emplace_back("ETag", Quote(stored.etag));
    EncryptionHeaders(upload.proto, c.resp);
    return EmuError::Ok();
  }
  ObjectMeta meta;
  meta.key = c.req.key;
  MetaFromRequest(c.req, &meta);
  if (e = ApplyObjectSettings(c, &meta); !e.ok()) return e;
  meta.etag = KmsEtag(meta, w->md5_hex());
  ObjectMeta stored;
  e = c.store.CommitObject(c.req.bucket, w.get(), meta, &stored);
  if (!e.ok()) return WithBucket(c.req, e);
  c.resp->status = 200;
  c.resp->headers.emplace_back("ETag", Quote(stored.etag));
  EncryptionHeaders(stored, c.resp);
  return EmuError::Ok();
}

EmuError CopyObjectOrPart(const S3Call& c) {
  // x-amz-copy-source: "[/]bucket/key[?versionId=...]", URL-encoded.
  // The front end hands headers over already percent-decoded (httplib
  // decodes header values), so only the version suffix is cut here.
  std::string source = c.req.Header("x-amz-copy-source");
  auto q = source.rfind("?versionId=");
  if (q != std::string::npos) source = source.substr(0, q);
  if (!source.empty() && source[0] == '/') source = source.substr(1);
  auto slash = source.find('/');
  if (slash == std::string::npos || slash == 0 || slash + 1 == source.size()) {
    return EmuError{400,
                    "InvalidArgument",
                    "Copy Source must mention the source bucket and key: sourcebucket/sourcekey",
                    {{"ArgumentName", "x-amz-copy-source"}, {"ArgumentValue", c.req.Header("x-amz-copy-source")}}};
  }
  const std::string src_bucket = source.substr(0, slash);
  const std::string src_key = source.substr(slash + 1);
  ObjectMeta src;
  std::shared_ptr<ObjectReader> src_reader;
  EmuError e = c.store.OpenObject(src_bucket, src_key, &src, &src_reader);
  if (!e.ok()) {
    if (e.code == "NoSuchKey") return WithDetails(e, {{"Key", src_key}});
    if (e.code == "NoSuchBucket") return WithDetails(e, {{"BucketName", src_bucket}});
    return e;
  }
  uint64_t first = 0, last = src.size ? src.size - 1 : 0, length = src.size;
  if (c.op == "UploadPartCopy") {
    std::string range = c.req.Header("x-amz-copy-source-range");
    if (!range.empty()) {
      if (ParseRange(range, src.size, &first, &last) != 1) {
        return EmuError{400,
                        "InvalidArgument",
                        "The x-amz-copy-source-range value must be of the form bytes=first-last where first and last "
                        "are the zero-based offsets of the first and last bytes to copy",
                        {{"ArgumentName", "x-amz-copy-source-range"}, {"ArgumentValue", range}}};
      }
      length = last - first + 1;
    }
  }
  const std::string directive = c.req.Header("x-amz-metadata-directive");
  const bool changes_storage =
      !c.req.Header("x-amz-server-side-encryption").empty() || !c.req.Header("x-amz-storage-class").empty();
  if (c.op == "CopyObject" && src_bucket == c.req.bucket && src_key == c.req.key && directive != "REPLACE" &&
      !changes_storage) {
    return EmuError{400, "InvalidRequest",
                    "This copy request is illegal because it is trying to copy an object to itself "
                    "without changing the object's metadata, storage class, website redirect "
                    "location or encryption attributes."};
  }
  int part = 0;
  if (c.op == "UploadPartCopy") {
    uint64_t n = 0;
    if (!ParseUint(c.req.Query("partNumber"), &n) || n < 1 || n > 10000) {
      return EmuError{400, "InvalidArgument", "Part number must be an integer between 1 and 10000, inclusive"};
    }
    part = static_cast<int>(n);
    UploadMeta upload;
    e = c.store.GetUpload(c.req.bucket, c.req.key, c.req.Query("uploadId"), &upload);
    if (!e.ok()) return WithKey(c.req, e);
  } else {
    BucketMeta bm;
    e = LookUpBucket(c, &bm);
    if (!e.ok()) return e;
  }
  std::unique_ptr<ObjectWriter> w = c.store.NewWriter();
  if (!w) return EmuError{500, "InternalError", "cannot create a temporary file in the data directory"};
  // Copy through the writer so the part's MD5 is computed on the way.
  std::vector<char> buf(1 << 20);
  uint64_t done = 0;
  while (done < length) {
    ssize_t n = src_reader->ReadAt(first + done, buf.data(), std::min<uint64_t>(buf.size(), length - done));
    if (n <= 0 || !w->Write(buf.data(), static_cast<size_t>(n))) {
      return EmuError{500, "InternalError", "could not copy the source object"};
    }
    done += static_cast<uint64_t>(n);
  }
  if (!w->Finish()) return EmuError{500, "InternalError", "could not copy the source object"};
  pugi::xml_document doc;
  if (c.op == "UploadPartCopy") {
    PartMeta stored;
    e = c.store.CommitPart(c.req.bucket, c.req.key, c.req.Query("uploadId"), part, w.get(), &stored);
    if (!e.ok()) return WithKey(c.req, e);
    pugi::xml_node r = S3Root(&doc, "CopyPartResult");
    XmlText(r, "LastModified", XmlTime(stored.last_modified));
    XmlText(r, "ETag", Quote(stored.etag));
    return Xml(c, doc);
  }
  ObjectMeta meta = src;
  meta.key = c.req.key;
  if (directive == "REPLACE") {
    std::map<std::string, std::string> tags = meta.tags;
    meta.content_type = "binary/octet-stream";
    MetaFromRequest(c.req, &meta);
    meta.tags = tags;
  }
  if (c.req.Header("x-amz-tagging-directive") == "REPLACE") {
    meta.tags = ParseTaggingHeader(c.req.Header("x-amz-tagging"));
  }
  // The copy is a plain object: its ETag is its MD5 (the source's, for a
  // single-part source), or under SSE-KMS not an MD5 at all.
  meta.parts_count = 0;
  // As in S3, the copy is encrypted, classed and shared as its own request
  // says, not as the source was: a copy without the headers loses them.
  if (e = ApplyObjectSettings(c, &meta); !e.ok()) return e;
  meta.etag = KmsEtag(meta, w->md5_hex());
  ObjectMeta stored;
  e = c.store.CommitObject(c.req.bucket, w.get(), meta, &stored);
  if (!e.ok()) return WithBucket(c.req, e);
  EncryptionHeaders(stored, c.resp);
  pugi::xml_node r = S3Root(&doc, "CopyObjectResult");
  XmlText(r, "LastModified", XmlTime(stored.last_modified));
  XmlText(r, "ETag", Quote(stored.etag));
  return Xml(c, doc);
}

EmuError GetOrHeadObject(const S3Call& c) {
  ObjectMeta meta;
  auto file = std::make_shared<FileBody>();
  EmuError e = c.op == "GetObject" ? c.store.OpenObject(c.req.bucket, c.req.key, &meta, &file->reader)
                                   : c.store.HeadObject(c.req.bucket, c.req.key, &meta);
  if (!e.ok()) return WithKey(c.req, e);
  // Conditional requests.
  const std::string if_match = c.req.Header("if-match");
  const std::string if_none = c.req.Header("if-none-match");
  if (!if_match.empty() && if_match != "*" && if_match != Quote(meta.etag) && if_match != meta.etag) {
    return EmuError{412,
                    "PreconditionFailed",
                    "At least one of the pre-conditions you specified did not hold",
                    {{"Condition", "If-Match"}}};
  }
  if (!if_none.empty() && (if_none == "*" || if_none == Quote(meta.etag) || if_none == meta.etag)) {
    c.resp->status = 304;
    c.resp->headers.emplace_back("ETag", Quote(meta.etag));
    c.resp->headers.emplace_back("Last-Modified", HttpTime(meta.last_modified));
    c.resp->content_type.clear();
    return EmuError::Ok();
  }
  TimePoint t;
  if (ParseHttpTime(c.req.Header("if-modified-since"), &t) && meta.last_modified < t + std::chrono::seconds(1) &&
      if_none.empty()) {
    c.resp->status = 304;
    c.resp->content_type.clear();
    return EmuError::Ok();
  }
  if (ParseHttpTime(c.req.Header("if-unmodified-since"), &t) && meta.last_modified >= t + std::chrono::seconds(1) &&
      if_match.empty()) {
    return EmuError{412,
                    "PreconditionFailed",
                    "At least one of the pre-conditions you specified did not hold",
                    {{"Condition", "If-Unmodified-Since"}}};
  }
  ObjectHeaders(meta, c.resp);
  // Presigned GETs may override response headers.
  const std::pair<const char*, const char*> overrides[] = {
      {"response-content-type", "Content-Type"},         {"response-content-disposition", "Content-Disposition"},
      {"response-content-encoding", "Content-Encoding"}, {"response-content-language", "Content-Language"},
      {"response-cache-control", "Cache-Control"},       {"response-expires", "Expires"}};
  for (const auto& [param, header] : overrides) {
    if (!c.req.HasQuery(param)) continue;
    if (std::string(header) == "Content-Type") {
      c.resp->content_type = c.req.Query(param);
    } else {
      c.resp->headers.emplace_back(header, c.req.Query(param));
    }
  }
  uint64_t first = 0, last = 0;
  int range = ParseRange(c.req.Header("range"), meta.size, &first, &last);
  if (range < 0) {
    return EmuError{416,
                    "InvalidRange",
                    "The requested range is not satisfiable",
                    {{"RangeRequested", c.req.Header("range")}, {"ActualObjectSize", std::to_string(meta.size)}}};
  }
  c.resp->status = 200;
  file->offset = 0;
  file->length = meta.size;
  if (range > 0) {
    c.resp->status = 206;
    file->offset = first;
    file->length = last - first + 1;
    c.resp->headers.emplace_back("Content-Range", "bytes " + std::to_string(first) + "-" + std::to_string(last) + "/" +
                                                      std::to_string(meta.size));
  }
  c.resp->file = file;
  return EmuError::Ok();
}

// The grants a canned ACL stands for. The emulator has one account, so the
// bucket-owner ACLs grant nothing beyond the owner's FULL_CONTROL.
EmuError GetObjectAcl(const S3Call& c) {
  ObjectMeta meta;
  EmuError e = c.store.HeadObject(c.req.bucket, c.req.key, &meta);
  if (!e.ok()) return WithKey(c.req, e);
  pugi::xml_document doc;
  pugi::xml_node r = S3Root(&doc, "AccessControlPolicy");
  Owner(r, "Owner");
  pugi::xml_node list = r.append_child("AccessControlList");
  auto grant = [&](const char* group, const char* permission) {
    pugi::xml_node g = list.append_child("Grant");
    pugi::xml_node who = g.append_child("Grantee");
    who.append_attribute("xmlns:xsi") = "http://www.w3.org/2001/XMLSchema-instance";
    if (group) {
      who.append_attribute("xsi:type") = "Group";
      XmlText(who, "URI", std::string("http://acs.amazonaws.com/groups/global/") + group);
    } else {
      who.append_attribute("xsi:type") = "CanonicalUser";
      XmlText(who, "ID", kOwnerId);
      XmlText(who, "DisplayName", kOwnerName);
    }
    XmlText(g, "Permission", permission);
  };
  grant(nullptr, "FULL_CONTROL");
  if (meta.acl == "public-read" || meta.acl == "public-read-write") grant("AllUsers", "READ");
  if (meta.acl == "public-read-write") grant("AllUsers", "WRITE");
  if (meta.acl == "authenticated-read") grant("AuthenticatedUsers", "READ");
  return Xml(c, doc);
}

EmuError GetObjectTagging(const S3Call& c) {
  ObjectMeta meta;
  EmuError e = c.store.HeadObject(c.req.bucket, c.req.key, &meta);
  if (!e.ok()) return WithKey(c.req, e);
  pugi::xml_document doc;
  pugi::xml_node set = S3Root(&doc, "Tagging").append_child("TagSet");
  for (const auto& [k, v] : meta.tags) {
    pugi::xml_node t = set.append_child("Tag");
    XmlText(t, "Key", k);
    XmlText(t, "Value", v);
  }
  return Xml(c, doc);
}

EmuError SetObjectTagging(const S3Call& c) {
  std::map<std::string, std::string> tags;
  if (c.op == "PutObjectTagging") {
    std::string raw;
    pugi::xml_document doc;
    if (!ReadXml(c, &doc, &raw)) return kMalformedXml;
    for (pugi::xml_node t : doc.child("Tagging").child("TagSet").children("Tag")) {
      tags[t.child("Key").text().get()] = t.child("Value").text().get();
    }
    if (tags.size() > 10) {
      return EmuError{400, "BadRequest", "Object tags cannot be greater than 10"};
    }
  }
  EmuError e = c.store.SetTags(c.req.bucket, c.req.key, tags);
  if (!e.ok()) return WithKey(c.req, e);
  c.resp->status = c.op == "PutObjectTagging" ? 200 : 204;
  return EmuError::Ok();
}

EmuError DeleteObject(const S3Call& c) {
  EmuError e = c.store.DeleteObject(c.req.bucket, c.req.key);
  if (!e.ok()) return WithBucket(c.req, e);
  c.resp->status = 204;
  return EmuError::Ok();
}

EmuError CreateMultipartUpload(const S3Call& c) {
  ObjectMeta proto;
  proto.key = c.req.key;
  MetaFromRequest(c.req, &proto);
  if (EmuError e = ApplyObjectSettings(c, &proto); !e.ok()) return e;
  std::string id;
  EmuError e = c.store.CreateUpload(c.req.bucket, proto, &id);
  if (!e.ok()) return WithBucket(c.req, e);
  pugi::xml_document doc;
  pugi::xml_node r = S3Root(&doc, "InitiateMultipartUploadResult");
  XmlText(r, "Bucket", c.req.bucket);
  XmlText(r, "Key", c.req.key);
  XmlText(r, "UploadId", id);
  EncryptionHeaders(proto, c.resp);
  return Xml(c, doc);
}

EmuError ListParts(const S3Call& c) {
  UploadMeta u;
  EmuError e = c.store.GetUpload(c.req.bucket, c.req.key, c.req.Query("uploadId"), &u);
  if (!e.ok()) return WithKey(c.req, e);
  uint64_t max = 1000, marker = 0;
  e = QueryNumber(c.req, "max-parts", &max);
  if (e.ok()) e = QueryNumber(c.req, "part-number-marker", &marker);
  if (!e.ok()) return e;
  max = std::min<uint64_t>(max, 1000);
  pugi::xml_document doc;
  pugi::xml_node r = S3Root(&doc, "ListPartsResult");
  XmlText(r, "Bucket", c.req.bucket);
  XmlText(r, "Key", c.req.key);
  XmlText(r, "UploadId", u.upload_id);
  XmlText(r, "PartNumberMarker", std::to_string(marker));
  std::vector<const PartMeta*> page;
  bool truncated = false;
  for (const auto& [n, p] : u.parts) {
    if (static_cast<uint64_t>(n) <= marker) continue;
    if (page.size() == max) {
      truncated = true;
      break;
    }
    page.push_back(&p);
  }
  XmlText(r, "NextPartNumberMarker", std::to_string(page.empty() ? 0 : page.back()->number));
  XmlText(r, "MaxParts", std::to_string(max));
  XmlText(r, "IsTruncated", truncated ? "true" : "false");
  for (const PartMeta* p : page) {
    pugi::xml_node n = r.append_child("Part");
    XmlText(n, "PartNumber", std::to_string(p->number));
    XmlText(n, "LastModified", XmlTime(p->last_modified));
    XmlText(n, "ETag", Quote(p->etag));
    XmlText(n, "Size", std::to_string(p->size));
  }
  Owner(r, "Initiator");
  Owner(r, "Owner");
  XmlText(r, "StorageClass", u.proto.storage_class.empty() ? "STANDARD" : u.proto.storage_class);
  return Xml(c, doc);
}

EmuError AbortMultipartUpload(const S3Call& c) {
  EmuError e = c.store.AbortUpload(c.req.bucket, c.req.key, c.req.Query("uploadId"));
  if (!e.ok()) return WithKey(c.req, e);
  c.resp->status = 204;
  return EmuError::Ok();
}

EmuError CompleteMultipartUpload(const S3Call& c) {
  std::string raw;
  pugi::xml_document doc;
  if (!ReadXml(c, &doc, &raw)) return kMalformedXml;
  pugi::xml_node complete = doc.child("CompleteMultipartUpload");
  if (!complete) return kMalformedXml;
  std::vector<std::pair<int, std::string>> parts;
  for (pugi::xml_node p : complete.children("Part")) {
    uint64_t n = 0;
    if (!ParseUint(p.child("PartNumber").text().get(), &n) || n < 1 || n > 10000) {
      return kMalformedXml;
    }
    parts.emplace_back(static_cast<int>(n), p.child("ETag").text().get());
  }
  ObjectMeta stored;
  EmuError e = c.store.CompleteUpload(c.req.bucket, c.req.key, c.req.Query("uploadId"), parts, &stored);
  if (!e.ok()) return WithKey(c.req, e);
  pugi::xml_document out;
  pugi::xml_node r = S3Root(&out, "CompleteMultipartUploadResult");
  std::string host = c.req.Header("host");
  XmlText(r, "Location", "http://" + host + "/" + c.req.bucket + "/" + aws::UriEncode(c.req.key, true));
  XmlText(r, "Bucket", c.req.bucket);
  XmlText(r, "Key", c.req.key);
  XmlText(r, "ETag", Quote(stored.etag));
  EncryptionHeaders(stored, c.resp);
  return Xml(c, out);
}

// Operation name (S3Service::OperationName) -> handler. Adding an operation
// is a function above, a row here and, since S3 is addressed by method,
// path and query, a line in OperationName.
using S3Handler = EmuError (*)(const S3Call&);
const OperationRow<S3Handler> kOperations[] = {
    {"ListBuckets", ListBuckets},
    {"CreateBucket", CreateBucket},
    {"HeadBucket", HeadBucket},
    {"DeleteBucket", DeleteBucket},
    {"GetBucketLocation", GetBucketLocation},
    {"GetBucketVersioning", GetBucketVersioning},
    {"PutBucketLifecycleConfiguration", BucketConfig},
    {"GetBucketLifecycleConfiguration", BucketConfig},
    {"DeleteBucketLifecycle", BucketConfig},
    {"PutBucketPolicy", BucketConfig},
    {"GetBucketPolicy", BucketConfig},
    {"DeleteBucketPolicy", BucketConfig},
    {"PutPublicAccessBlock", BucketConfig},
    {"GetPublicAccessBlock", BucketConfig},
    {"DeletePublicAccessBlock", BucketConfig},
    {"PutBucketTagging", BucketConfig},
    {"GetBucketTagging", BucketConfig},
    {"DeleteBucketTagging", BucketConfig},
    {"PutBucketRequestPayment", BucketConfig},
    {"GetBucketRequestPayment", BucketConfig},
    {"ListObjectsV2", ListObjects},
    {"ListObjects", ListObjects},
    {"DeleteObjects", DeleteObjects},
    {"ListMultipartUploads", ListMultipartUploads},
    {"PutObject", PutObjectOrPart},
    {"UploadPart", PutObjectOrPart},
    {"CopyObject", CopyObjectOrPart},
    {"UploadPartCopy", CopyObjectOrPart},
    {"GetObject", GetOrHeadObject},
    {"HeadObject", GetOrHeadObject},
    {"GetObjectTagging", GetObjectTagging},
    {"GetObjectAcl", GetObjectAcl},
    {"PutObjectTagging", SetObjectTagging},
    {"DeleteObjectTagging", SetObjectTagging},
    {"DeleteObject", DeleteObject},
    {"CreateMultipartUpload", CreateMultipartUpload},
    {"ListParts", ListParts},
    {"AbortMultipartUpload", AbortMultipartUpload},
    {"CompleteMultipartUpload", CompleteMultipartUpload},
};

const EmuError kNotImplemented{501, "NotImplemented",
                               "A header you provided implies functionality that is not implemented"};

}  // namespace

// Every caller counts as another account's: a requester-pays bucket
// refuses requests that do not accept the charges, but for the payment
// setting itself (its owner's business).
bool S3Service::PayerAgrees(const S3Request& req, const std::string& op) const {
  if (req.bucket.empty() || op == "PutBucketRequestPayment" || op == "GetBucketRequestPayment") return true;
  BucketMeta meta;
  if (!store_.GetBucket(req.bucket, &meta).ok()) return true;
  auto it = meta.configs.find("requestPayment");
  return it == meta.configs.end() || !RequesterPays(it->second) || req.Header("x-amz-request-payer") == "requester";
}

// Each action is judged by the policy of the bucket it acts on: a copy
// reads its source under the source bucket's policy and writes under the
// destination's.
bool S3Service::AllowsAnonymous(const S3Request& req, const std::string& op) const {
  if (req.bucket.empty()) return false;
  const auto actions = S3ActionsFor(op, req.bucket, req.key, req.Header("x-amz-copy-source"));
  if (actions.empty()) return false;
  for (const auto& a : actions) {
    BucketMeta meta;
    if (a.bucket.empty() || !store_.GetBucket(a.bucket, &meta).ok()) return false;
    auto policy = meta.configs.find("policy");
    if (policy == meta.configs.end()) return false;
    auto block = meta.configs.find("publicAccessBlock");
    if (block != meta.configs.end() && block->second.find("<RestrictPublicBuckets>true<") != std::string::npos)
      return false;
    if (!PolicyAllowsAnyone(policy->second, a.action, a.Arn())) return false;
  }
  return true;
}

void S3Service::Handle(const S3Request& req, const BodyReader& body, S3Response* resp) {
  const std::string op = OperationName(req);
  S3Handler handler = FindHandler(kOperations, op);
  EmuError e = !handler                ? kNotImplemented
               : req.key.size() > 1024 ? EmuError{400, "KeyTooLongError", "Your key is too long"}
               : !PayerAgrees(req, op) ? EmuError{403, "AccessDenied", "Access Denied"}
                                       : handler(S3Call{store_, region_, op, req, body, resp});
  if (e.ok()) return;
  SetS3Error(resp, e, req.request_id);
  if (req.method == "HEAD") resp->body.clear();  // HEAD errors carry no body
}

}  // namespace awsemu
