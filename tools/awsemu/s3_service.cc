#include "awsemu/s3_service.h"

#include <unistd.h>

#include <algorithm>
#include <cstdlib>

#include "aws/crypto.h"
#include "awsemu/s3_chunked.h"
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
    if (!(std::islower(static_cast<unsigned char>(c)) || std::isdigit(static_cast<unsigned char>(c)) ||
          c == '.' || c == '-')) {
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

const S3Error kMalformedXml{400, "MalformedXML",
                            "The XML you provided was not well-formed or did not validate against "
                            "our published schema"};

// Representation headers S3 stores with an object and returns on GET/HEAD.
const char* const kStoredHeaders[] = {"content-encoding", "content-disposition", "cache-control",
                                      "content-language", "expires"};

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

void ObjectHeaders(const ObjectMeta& m, S3Response* resp) {
  resp->headers.emplace_back("ETag", Quote(m.etag));
  resp->headers.emplace_back("Last-Modified", HttpTime(m.last_modified));
  resp->headers.emplace_back("Accept-Ranges", "bytes");
  for (const auto& [k, v] : m.user_metadata) resp->headers.emplace_back("x-amz-meta-" + k, v);
  for (const auto& [k, v] : m.headers) resp->headers.emplace_back(k, v);
  if (m.parts_count > 0) resp->headers.emplace_back("x-amz-mp-parts-count", std::to_string(m.parts_count));
  if (!m.tags.empty()) resp->headers.emplace_back("x-amz-tagging-count", std::to_string(m.tags.size()));
  resp->content_type = m.content_type;
}

// Reads a request body into an ObjectWriter, undoing aws-chunked framing and
// checking Content-MD5, x-amz-content-sha256 and the declared length.
class UploadReceiver {
 public:
  UploadReceiver(const S3Request& req, ObjectWriter* writer) : req_(req), writer_(writer) {}

  S3Error Receive(const BodyReader& body) {
    const std::string sha_header = req_.Header("x-amz-content-sha256");
    const bool chunked = ferry::StartsWith(sha_header, "STREAMING-") ||
                         req_.Header("content-encoding").find("aws-chunked") != std::string::npos;
    const bool signed_chunks = ferry::StartsWith(sha_header, "STREAMING-AWS4-HMAC-SHA256-PAYLOAD");
    const bool check_sha = sha_header.size() == 64 &&
                           sha_header.find_first_not_of("0123456789abcdef") == std::string::npos;
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
      return {400, "IncompleteBody", "You did not provide the number of bytes specified by the Content-Length HTTP header"};
    }
    if (chunked) {
      uint64_t declared = 0;
      if (!decoder.Finished() ||
          (ParseUint(req_.Header("x-amz-decoded-content-length"), &declared) &&
           declared != decoder.decoded_size())) {
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

void SetS3Error(S3Response* resp, int status, const std::string& code, const std::string& message,
                const std::string& request_id,
                const std::vector<std::pair<std::string, std::string>>& extra) {
  pugi::xml_document doc;
  pugi::xml_node decl = doc.append_child(pugi::node_declaration);
  decl.append_attribute("version") = "1.0";
  decl.append_attribute("encoding") = "UTF-8";
  pugi::xml_node e = doc.append_child("Error");
  XmlText(e, "Code", code);
  XmlText(e, "Message", message);
  for (const auto& [k, v] : extra) XmlText(e, k.c_str(), v);
  XmlText(e, "RequestId", request_id);
  XmlText(e, "HostId", "ferry-awsemu/" + request_id);
  resp->status = status;
  resp->content_type = "application/xml";
  resp->body = XmlString(doc);
  resp->file.reset();
  resp->error_code = code;
}

S3Service::S3Service(std::string data_dir, std::string region)
    : store_(std::move(data_dir)), region_(std::move(region)) {}

ferry::Status S3Service::Open() { return store_.Open(); }

void S3Service::Reset() { store_.Reset(); }

std::string S3Service::OperationName(const S3Request& req) const {
  const std::string& m = req.method;
  if (req.bucket.empty()) return m == "GET" ? "ListBuckets" : "";
  if (req.key.empty()) {
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
        if (k != "prefix" && k != "delimiter" && k != "marker" && k != "max-keys" &&
            k != "encoding-type" && !ferry::StartsWith(k, "X-Amz-")) {
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
    if (req.HasQuery("acl") || req.HasQuery("attributes")) return "";
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

void S3Service::Handle(const S3Request& req, const BodyReader& body, S3Response* resp) {
  const std::string& rid = req.request_id;
  auto fail = [&](const S3Error& e, std::vector<std::pair<std::string, std::string>> extra = {}) {
    SetS3Error(resp, e.status, e.code, e.message, rid, extra);
    if (req.method == "HEAD") resp->body.clear();  // HEAD errors carry no body
  };
  auto bucket_error = [&](const S3Error& e) {
    if (e.code == "NoSuchBucket") return fail(e, {{"BucketName", req.bucket}});
    fail(e);
  };
  auto key_error = [&](const S3Error& e) {
    if (e.code == "NoSuchKey") return fail(e, {{"Key", req.key}});
    if (e.code == "NoSuchUpload") return fail(e, {{"UploadId", req.Query("uploadId")}});
    bucket_error(e);
  };
  auto xml = [&](const pugi::xml_document& doc) {
    resp->status = 200;
    resp->content_type = "application/xml";
    resp->body = XmlString(doc);
  };
  // Reads a small XML request body (DeleteObjects, CompleteMultipartUpload).
  auto read_xml = [&](pugi::xml_document* doc, std::string* raw) -> bool {
    bool ok = body([&](const char* d, size_t n) {
      raw->append(d, n);
      return raw->size() <= (4u << 20);
    });
    return ok && doc->load_string(raw->c_str());
  };

  const std::string op = OperationName(req);
  if (op.empty()) {
    return fail({501, "NotImplemented",
                 "A header you provided implies functionality that is not implemented"});
  }
  if (req.key.size() > 1024) {
    return fail({400, "KeyTooLongError", "Your key is too long"});
  }

  if (op == "ListBuckets") {
    pugi::xml_document doc;
    pugi::xml_node r = S3Root(&doc, "ListAllMyBucketsResult");
    Owner(r, "Owner");
    pugi::xml_node bs = r.append_child("Buckets");
    for (const auto& b : store_.ListBuckets()) {
      pugi::xml_node n = bs.append_child("Bucket");
      XmlText(n, "Name", b.name);
      XmlText(n, "CreationDate", XmlTime(b.created));
    }
    return xml(doc);
  }

  if (op == "CreateBucket") {
    if (!ValidBucketName(req.bucket)) {
      return fail({400, "InvalidBucketName", "The specified bucket is not valid."},
                  {{"BucketName", req.bucket}});
    }
    std::string raw;
    pugi::xml_document doc;
    std::string region = region_;
    body([&](const char* d, size_t n) {
      raw.append(d, n);
      return raw.size() < 65536;
    });
    if (!raw.empty()) {
      if (!doc.load_string(raw.c_str())) return fail(kMalformedXml);
      std::string lc = doc.child("CreateBucketConfiguration").child("LocationConstraint").text().get();
      if (!lc.empty()) region = lc;
    }
    S3Error e = store_.CreateBucket(req.bucket, region);
    if (!e.ok()) return bucket_error(e);
    resp->status = 200;
    resp->headers.emplace_back("Location", "/" + req.bucket);
    return;
  }

  if (op == "HeadBucket" || op == "DeleteBucket" || op == "GetBucketLocation" ||
      op == "GetBucketVersioning") {
    BucketMeta meta;
    S3Error e = store_.GetBucket(req.bucket, &meta);
    if (!e.ok()) return bucket_error(e);
    if (op == "HeadBucket") {
      resp->status = 200;
      resp->headers.emplace_back("x-amz-bucket-region", meta.region);
      return;
    }
    if (op == "DeleteBucket") {
      e = store_.DeleteBucket(req.bucket);
      if (!e.ok()) return bucket_error(e);
      resp->status = 204;
      return;
    }
    pugi::xml_document doc;
    if (op == "GetBucketLocation") {
      pugi::xml_node r = S3Root(&doc, "LocationConstraint");
      // us-east-1 is reported as an empty constraint.
      if (meta.region != "us-east-1") r.text().set(meta.region.c_str());
    } else {
      S3Root(&doc, "VersioningConfiguration");
    }
    return xml(doc);
  }

  if (op == "ListObjectsV2" || op == "ListObjects") {
    const bool v2 = op == "ListObjectsV2";
    const std::string prefix = req.Query("prefix");
    const std::string delimiter = req.Query("delimiter");
    const std::string encoding = req.Query("encoding-type");
    if (!encoding.empty() && encoding != "url") {
      return fail({400, "InvalidArgument", "Invalid Encoding Method specified in Request"},
                  {{"ArgumentName", "encoding-type"}, {"ArgumentValue", encoding}});
    }
    const bool url = encoding == "url";
    uint64_t max_keys = 1000;
    if (req.HasQuery("max-keys") && !ParseUint(req.Query("max-keys"), &max_keys)) {
      return fail({400, "InvalidArgument", "Provided max-keys not an integer or within integer range"},
                  {{"ArgumentName", "max-keys"}, {"ArgumentValue", req.Query("max-keys")}});
    }
    max_keys = std::min<uint64_t>(max_keys, 1000);
    std::string after;
    bool after_is_prefix = false;
    const std::string token = req.Query("continuation-token");
    const std::string start_after = req.Query("start-after");
    const std::string marker = req.Query("marker");
    if (v2 && req.HasQuery("continuation-token")) {
      std::string decoded;
      if (!aws::Base64Decode(token, &decoded) || decoded.size() < 2 ||
          (decoded[0] != 'k' && decoded[0] != 'p') || decoded[1] != ':') {
        return fail({400, "InvalidArgument", "The continuation token provided is incorrect"},
                    {{"ArgumentName", "continuation-token"}});
      }
      after = decoded.substr(2);
      after_is_prefix = decoded[0] == 'p';
    } else if (v2) {
      after = start_after;
    } else {
      after = marker;
      after_is_prefix = !delimiter.empty() && ferry::EndsWith(marker, delimiter) &&
                        ferry::StartsWith(marker, prefix);
    }
    ListResult list;
    S3Error e = store_.List(req.bucket, prefix, delimiter, after, after_is_prefix,
                            static_cast<size_t>(max_keys), &list);
    if (!e.ok()) return bucket_error(e);
    pugi::xml_document doc;
    pugi::xml_node r = S3Root(&doc, "ListBucketResult");
    XmlText(r, "Name", req.bucket);
    XmlText(r, "Prefix", EncodeIf(url, prefix));
    if (v2) {
      if (req.HasQuery("continuation-token")) XmlText(r, "ContinuationToken", token);
      if (list.truncated) {
        XmlText(r, "NextContinuationToken",
                aws::Base64Encode(std::string(list.last_is_prefix ? "p:" : "k:") + list.last));
      }
      if (req.HasQuery("start-after")) XmlText(r, "StartAfter", EncodeIf(url, start_after));
      XmlText(r, "KeyCount", std::to_string(list.objects.size() + list.prefixes.size()));
    } else {
      XmlText(r, "Marker", EncodeIf(url, marker));
      if (list.truncated && !delimiter.empty()) XmlText(r, "NextMarker", EncodeIf(url, list.last));
    }
    XmlText(r, "MaxKeys", std::to_string(max_keys));
    if (!delimiter.empty()) XmlText(r, "Delimiter", EncodeIf(url, delimiter));
    if (url) XmlText(r, "EncodingType", "url");
    XmlText(r, "IsTruncated", list.truncated ? "true" : "false");
    const bool owner = !v2 || req.Query("fetch-owner") == "true";
    for (const auto& o : list.objects) {
      pugi::xml_node c = r.append_child("Contents");
      XmlText(c, "Key", EncodeIf(url, o.key));
      XmlText(c, "LastModified", XmlTime(o.last_modified));
      XmlText(c, "ETag", Quote(o.etag));
      XmlText(c, "Size", std::to_string(o.size));
      if (owner) Owner(c, "Owner");
      XmlText(c, "StorageClass", "STANDARD");
    }
    for (const auto& p : list.prefixes) {
      XmlText(r.append_child("CommonPrefixes"), "Prefix", EncodeIf(url, p));
    }
    return xml(doc);
  }

  if (op == "DeleteObjects") {
    std::string raw;
    pugi::xml_document doc;
    if (!read_xml(&doc, &raw)) return fail(kMalformedXml);
    std::string md5_b64 = req.Header("content-md5"), want;
    if (!md5_b64.empty()) {
      if (!aws::Base64Decode(md5_b64, &want) || want.size() != 16) {
        return fail({400, "InvalidDigest", "The Content-MD5 you specified was invalid."});
      }
      if (want != aws::Md5(raw)) {
        return fail({400, "BadDigest", "The Content-MD5 you specified did not match what we received."});
      }
    }
    pugi::xml_node del = doc.child("Delete");
    if (!del) return fail(kMalformedXml);
    const bool quiet = std::string(del.child("Quiet").text().get()) == "true";
    std::vector<std::string> keys;
    for (pugi::xml_node o : del.children("Object")) keys.push_back(o.child("Key").text().get());
    if (keys.empty() || keys.size() > 1000) return fail(kMalformedXml);
    BucketMeta bm;
    S3Error be = store_.GetBucket(req.bucket, &bm);
    if (!be.ok()) return bucket_error(be);
    pugi::xml_document out;
    pugi::xml_node r = S3Root(&out, "DeleteResult");
    for (const auto& k : keys) {
      S3Error e = store_.DeleteObject(req.bucket, k);
      if (e.ok()) {
        if (!quiet) XmlText(r.append_child("Deleted"), "Key", k);
      } else {
        pugi::xml_node er = r.append_child("Error");
        XmlText(er, "Key", k);
        XmlText(er, "Code", e.code);
        XmlText(er, "Message", e.message);
      }
    }
    return xml(out);
  }

  if (op == "ListMultipartUploads") {
    std::vector<UploadMeta> uploads;
    S3Error e = store_.ListUploads(req.bucket, &uploads);
    if (!e.ok()) return bucket_error(e);
    const std::string prefix = req.Query("prefix");
    const std::string key_marker = req.Query("key-marker");
    const std::string id_marker = req.Query("upload-id-marker");
    const bool url = req.Query("encoding-type") == "url";
    uint64_t max = 1000;
    if (req.HasQuery("max-uploads") && !ParseUint(req.Query("max-uploads"), &max)) {
      return fail({400, "InvalidArgument", "Provided max-uploads not an integer or within integer range"});
    }
    max = std::min<uint64_t>(max, 1000);
    pugi::xml_document doc;
    pugi::xml_node r = S3Root(&doc, "ListMultipartUploadsResult");
    XmlText(r, "Bucket", req.bucket);
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
    return xml(doc);
  }

  // Object operations.
  if (op == "PutObject" || op == "UploadPart") {
    uint64_t declared = 0;
    std::string length_header = req.Header("x-amz-decoded-content-length");
    if (length_header.empty()) length_header = req.Header("content-length");
    if (ParseUint(length_header, &declared) && declared > kMaxSinglePut) {
      return fail({400, "EntityTooLarge", "Your proposed upload exceeds the maximum allowed size"});
    }
    int part = 0;
    UploadMeta upload;
    if (op == "UploadPart") {
      uint64_t n = 0;
      if (!ParseUint(req.Query("partNumber"), &n) || n < 1 || n > 10000) {
        return fail({400, "InvalidArgument", "Part number must be an integer between 1 and 10000, inclusive"},
                    {{"ArgumentName", "partNumber"}, {"ArgumentValue", req.Query("partNumber")}});
      }
      part = static_cast<int>(n);
      S3Error e = store_.GetUpload(req.bucket, req.key, req.Query("uploadId"), &upload);
      if (!e.ok()) {
        return key_error(e);
      }
    } else {
      BucketMeta bm;
      S3Error e = store_.GetBucket(req.bucket, &bm);
      if (!e.ok()) {
        return bucket_error(e);
      }
    }
    std::unique_ptr<ObjectWriter> w = store_.NewWriter();
    if (!w) {
      return fail({500, "InternalError", "cannot create a temporary file in the data directory"});
    }
    UploadReceiver receiver(req, w.get());
    S3Error e = receiver.Receive(body);
    if (!e.ok()) return fail(e);
    if (op == "UploadPart") {
      PartMeta stored;
      e = store_.CommitPart(req.bucket, req.key, req.Query("uploadId"), part, w.get(), &stored);
      if (!e.ok()) return key_error(e);
      resp->status = 200;
      resp->headers.emplace_back("ETag", Quote(stored.etag));
      return;
    }
    ObjectMeta meta;
    meta.key = req.key;
    MetaFromRequest(req, &meta);
    meta.etag = w->md5_hex();
    ObjectMeta stored;
    e = store_.CommitObject(req.bucket, w.get(), meta, &stored);
    if (!e.ok()) return bucket_error(e);
    resp->status = 200;
    resp->headers.emplace_back("ETag", Quote(stored.etag));
    return;
  }

  if (op == "CopyObject" || op == "UploadPartCopy") {
    // x-amz-copy-source: "[/]bucket/key[?versionId=...]", URL-encoded.
    // The front end hands headers over already percent-decoded (httplib
    // decodes header values), so only the version suffix is cut here.
    std::string source = req.Header("x-amz-copy-source");
    auto q = source.rfind("?versionId=");
    if (q != std::string::npos) source = source.substr(0, q);
    if (!source.empty() && source[0] == '/') source = source.substr(1);
    auto slash = source.find('/');
    if (slash == std::string::npos || slash == 0 || slash + 1 == source.size()) {
      return fail({400, "InvalidArgument", "Copy Source must mention the source bucket and key: sourcebucket/sourcekey"},
                  {{"ArgumentName", "x-amz-copy-source"}, {"ArgumentValue", req.Header("x-amz-copy-source")}});
    }
    const std::string src_bucket = source.substr(0, slash);
    const std::string src_key = source.substr(slash + 1);
    ObjectMeta src;
    std::shared_ptr<ObjectReader> src_reader;
    S3Error e = store_.OpenObject(src_bucket, src_key, &src, &src_reader);
    if (!e.ok()) {
      if (e.code == "NoSuchKey") return fail(e, {{"Key", src_key}});
      if (e.code == "NoSuchBucket") return fail(e, {{"BucketName", src_bucket}});
      return fail(e);
    }
    uint64_t first = 0, last = src.size ? src.size - 1 : 0, length = src.size;
    if (op == "UploadPartCopy") {
      std::string range = req.Header("x-amz-copy-source-range");
      if (!range.empty()) {
        if (ParseRange(range, src.size, &first, &last) != 1) {
          return fail({400, "InvalidArgument", "The x-amz-copy-source-range value must be of the form bytes=first-last where first and last are the zero-based offsets of the first and last bytes to copy"},
                      {{"ArgumentName", "x-amz-copy-source-range"}, {"ArgumentValue", range}});
        }
        length = last - first + 1;
      }
    }
    const std::string directive = req.Header("x-amz-metadata-directive");
    if (op == "CopyObject" && src_bucket == req.bucket && src_key == req.key && directive != "REPLACE") {
      return fail({400, "InvalidRequest",
                   "This copy request is illegal because it is trying to copy an object to itself "
                   "without changing the object's metadata, storage class, website redirect "
                   "location or encryption attributes."});
    }
    int part = 0;
    if (op == "UploadPartCopy") {
      uint64_t n = 0;
      if (!ParseUint(req.Query("partNumber"), &n) || n < 1 || n > 10000) {
        return fail({400, "InvalidArgument", "Part number must be an integer between 1 and 10000, inclusive"});
      }
      part = static_cast<int>(n);
      UploadMeta upload;
      e = store_.GetUpload(req.bucket, req.key, req.Query("uploadId"), &upload);
      if (!e.ok()) return key_error(e);
    } else {
      BucketMeta bm;
      e = store_.GetBucket(req.bucket, &bm);
      if (!e.ok()) return bucket_error(e);
    }
    std::unique_ptr<ObjectWriter> w = store_.NewWriter();
    if (!w) return fail({500, "InternalError", "cannot create a temporary file in the data directory"});
    // Copy through the writer so the part's MD5 is computed on the way.
    std::vector<char> buf(1 << 20);
    uint64_t done = 0;
    while (done < length) {
      ssize_t n = src_reader->ReadAt(first + done, buf.data(),
                                     std::min<uint64_t>(buf.size(), length - done));
      if (n <= 0 || !w->Write(buf.data(), static_cast<size_t>(n))) {
        return fail({500, "InternalError", "could not copy the source object"});
      }
      done += static_cast<uint64_t>(n);
    }
    if (!w->Finish()) return fail({500, "InternalError", "could not copy the source object"});
    pugi::xml_document doc;
    if (op == "UploadPartCopy") {
      PartMeta stored;
      e = store_.CommitPart(req.bucket, req.key, req.Query("uploadId"), part, w.get(), &stored);
      if (!e.ok()) return key_error(e);
      pugi::xml_node r = S3Root(&doc, "CopyPartResult");
      XmlText(r, "LastModified", XmlTime(stored.last_modified));
      XmlText(r, "ETag", Quote(stored.etag));
      return xml(doc);
    }
    ObjectMeta meta = src;
    meta.key = req.key;
    if (directive == "REPLACE") {
      std::map<std::string, std::string> tags = meta.tags;
      meta.content_type = "binary/octet-stream";
      MetaFromRequest(req, &meta);
      meta.tags = tags;
    }
    if (req.Header("x-amz-tagging-directive") == "REPLACE") {
      meta.tags = ParseTaggingHeader(req.Header("x-amz-tagging"));
    }
    // S3 keeps the source's ETag for single-part objects; a multipart
    // source becomes a plain object whose ETag is its MD5.
    meta.etag = src.parts_count > 0 ? w->md5_hex() : src.etag;
    meta.parts_count = 0;
    ObjectMeta stored;
    e = store_.CommitObject(req.bucket, w.get(), meta, &stored);
    if (!e.ok()) return bucket_error(e);
    pugi::xml_node r = S3Root(&doc, "CopyObjectResult");
    XmlText(r, "LastModified", XmlTime(stored.last_modified));
    XmlText(r, "ETag", Quote(stored.etag));
    return xml(doc);
  }

  if (op == "GetObject" || op == "HeadObject") {
    ObjectMeta meta;
    auto file = std::make_shared<FileBody>();
    S3Error e = op == "GetObject" ? store_.OpenObject(req.bucket, req.key, &meta, &file->reader)
                                  : store_.HeadObject(req.bucket, req.key, &meta);
    if (!e.ok()) return key_error(e);
    // Conditional requests.
    const std::string if_match = req.Header("if-match");
    const std::string if_none = req.Header("if-none-match");
    if (!if_match.empty() && if_match != "*" && if_match != Quote(meta.etag) && if_match != meta.etag) {
      return fail({412, "PreconditionFailed", "At least one of the pre-conditions you specified did not hold"},
                  {{"Condition", "If-Match"}});
    }
    if (!if_none.empty() && (if_none == "*" || if_none == Quote(meta.etag) || if_none == meta.etag)) {
      resp->status = 304;
      resp->headers.emplace_back("ETag", Quote(meta.etag));
      resp->headers.emplace_back("Last-Modified", HttpTime(meta.last_modified));
      resp->content_type.clear();
      return;
    }
    TimePoint t;
    if (ParseHttpTime(req.Header("if-modified-since"), &t) && meta.last_modified < t + std::chrono::seconds(1) &&
        if_none.empty()) {
      resp->status = 304;
      resp->content_type.clear();
      return;
    }
    if (ParseHttpTime(req.Header("if-unmodified-since"), &t) && meta.last_modified >= t + std::chrono::seconds(1) &&
        if_match.empty()) {
      return fail({412, "PreconditionFailed", "At least one of the pre-conditions you specified did not hold"},
                  {{"Condition", "If-Unmodified-Since"}});
    }
    ObjectHeaders(meta, resp);
    // Presigned GETs may override response headers.
    const std::pair<const char*, const char*> overrides[] = {
        {"response-content-type", "Content-Type"},
        {"response-content-disposition", "Content-Disposition"},
        {"response-content-encoding", "Content-Encoding"},
        {"response-content-language", "Content-Language"},
        {"response-cache-control", "Cache-Control"},
        {"response-expires", "Expires"}};
    for (const auto& [param, header] : overrides) {
      if (!req.HasQuery(param)) continue;
      if (std::string(header) == "Content-Type") {
        resp->content_type = req.Query(param);
      } else {
        resp->headers.emplace_back(header, req.Query(param));
      }
    }
    uint64_t first = 0, last = 0;
    int range = ParseRange(req.Header("range"), meta.size, &first, &last);
    if (range < 0) {
      return fail({416, "InvalidRange", "The requested range is not satisfiable"},
                  {{"RangeRequested", req.Header("range")}, {"ActualObjectSize", std::to_string(meta.size)}});
    }
    resp->status = 200;
    file->offset = 0;
    file->length = meta.size;
    if (range > 0) {
      resp->status = 206;
      file->offset = first;
      file->length = last - first + 1;
      resp->headers.emplace_back("Content-Range", "bytes " + std::to_string(first) + "-" +
                                                      std::to_string(last) + "/" +
                                                      std::to_string(meta.size));
    }
    resp->file = file;
    return;
  }

  if (op == "GetObjectTagging") {
    ObjectMeta meta;
    S3Error e = store_.HeadObject(req.bucket, req.key, &meta);
    if (!e.ok()) return key_error(e);
    pugi::xml_document doc;
    pugi::xml_node set = S3Root(&doc, "Tagging").append_child("TagSet");
    for (const auto& [k, v] : meta.tags) {
      pugi::xml_node t = set.append_child("Tag");
      XmlText(t, "Key", k);
      XmlText(t, "Value", v);
    }
    return xml(doc);
  }

  if (op == "PutObjectTagging" || op == "DeleteObjectTagging") {
    std::map<std::string, std::string> tags;
    if (op == "PutObjectTagging") {
      std::string raw;
      pugi::xml_document doc;
      if (!read_xml(&doc, &raw)) return fail(kMalformedXml);
      for (pugi::xml_node t : doc.child("Tagging").child("TagSet").children("Tag")) {
        tags[t.child("Key").text().get()] = t.child("Value").text().get();
      }
      if (tags.size() > 10) {
        return fail({400, "BadRequest", "Object tags cannot be greater than 10"});
      }
    }
    S3Error e = store_.SetTags(req.bucket, req.key, tags);
    if (!e.ok()) return key_error(e);
    resp->status = op == "PutObjectTagging" ? 200 : 204;
    return;
  }

  if (op == "DeleteObject") {
    S3Error e = store_.DeleteObject(req.bucket, req.key);
    if (!e.ok()) return bucket_error(e);
    resp->status = 204;
    return;
  }

  if (op == "CreateMultipartUpload") {
    ObjectMeta proto;
    proto.key = req.key;
    MetaFromRequest(req, &proto);
    std::string id;
    S3Error e = store_.CreateUpload(req.bucket, proto, &id);
    if (!e.ok()) return bucket_error(e);
    pugi::xml_document doc;
    pugi::xml_node r = S3Root(&doc, "InitiateMultipartUploadResult");
    XmlText(r, "Bucket", req.bucket);
    XmlText(r, "Key", req.key);
    XmlText(r, "UploadId", id);
    return xml(doc);
  }

  if (op == "ListParts") {
    UploadMeta u;
    S3Error e = store_.GetUpload(req.bucket, req.key, req.Query("uploadId"), &u);
    if (!e.ok()) return key_error(e);
    uint64_t max = 1000, marker = 0;
    if (req.HasQuery("max-parts") && !ParseUint(req.Query("max-parts"), &max)) {
      return fail({400, "InvalidArgument", "Provided max-parts not an integer or within integer range"});
    }
    if (req.HasQuery("part-number-marker") && !ParseUint(req.Query("part-number-marker"), &marker)) {
      return fail({400, "InvalidArgument", "Provided part-number-marker not an integer or within integer range"});
    }
    max = std::min<uint64_t>(max, 1000);
    pugi::xml_document doc;
    pugi::xml_node r = S3Root(&doc, "ListPartsResult");
    XmlText(r, "Bucket", req.bucket);
    XmlText(r, "Key", req.key);
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
    XmlText(r, "StorageClass", "STANDARD");
    return xml(doc);
  }

  if (op == "AbortMultipartUpload") {
    S3Error e = store_.AbortUpload(req.bucket, req.key, req.Query("uploadId"));
    if (!e.ok()) return key_error(e);
    resp->status = 204;
    return;
  }

  if (op == "CompleteMultipartUpload") {
    std::string raw;
    pugi::xml_document doc;
    if (!read_xml(&doc, &raw)) return fail(kMalformedXml);
    pugi::xml_node c = doc.child("CompleteMultipartUpload");
    if (!c) return fail(kMalformedXml);
    std::vector<std::pair<int, std::string>> parts;
    for (pugi::xml_node p : c.children("Part")) {
      uint64_t n = 0;
      if (!ParseUint(p.child("PartNumber").text().get(), &n) || n < 1 || n > 10000) {
        return fail(kMalformedXml);
      }
      parts.emplace_back(static_cast<int>(n), p.child("ETag").text().get());
    }
    ObjectMeta stored;
    S3Error e = store_.CompleteUpload(req.bucket, req.key, req.Query("uploadId"), parts, &stored);
    if (!e.ok()) return key_error(e);
    pugi::xml_document out;
    pugi::xml_node r = S3Root(&out, "CompleteMultipartUploadResult");
    std::string host = req.Header("host");
    XmlText(r, "Location", "http://" + host + "/" + req.bucket + "/" + aws::UriEncode(req.key, true));
    XmlText(r, "Bucket", req.bucket);
    XmlText(r, "Key", req.key);
    XmlText(r, "ETag", Quote(stored.etag));
    return xml(out);
  }

  fail({501, "NotImplemented", "A header you provided implies functionality that is not implemented"});
}

}  // namespace awsemu
