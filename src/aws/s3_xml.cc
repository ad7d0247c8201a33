#include "aws/s3_xml.h"

#include <algorithm>
#include <ctime>
#include <pugixml.hpp>
#include <sstream>

#include "aws/iso_time.h"
#include "aws/sigv4.h"
#include "util/text.h"

namespace ferry::aws {

bool IsS3Uri(const std::string& text) { return ToLower(text.substr(0, 5)) == "s3://"; }

Status ParseS3Uri(const std::string& text, S3Location* out) {
  if (!IsS3Uri(text)) return Status::Invalid("'" + text + "' is not an S3 URI; write s3://BUCKET/KEY");
  std::string rest = text.substr(5);
  size_t slash = rest.find('/');
  out->bucket = rest.substr(0, slash);
  out->key = slash == std::string::npos ? "" : rest.substr(slash + 1);
  if (out->bucket.empty()) return Status::Invalid("'" + text + "' names no bucket; write s3://BUCKET/KEY");
  return Status::Ok();
}

namespace {
Status Load(const std::string& xml, const char* what, pugi::xml_document* doc) {
  pugi::xml_parse_result r = doc->load_buffer(xml.data(), xml.size());
  if (!r) return Status::Failed(std::string("s3 ") + what + ": response is not valid XML (" + r.description() + ")");
  return Status::Ok();
}

// A key or prefix of a listing asked for with encoding-type=url: S3 sends
// it form-encoded (a space as '+', a '+' as %2B), which is how keys with
// bytes XML 1.0 cannot carry (control characters, a bare CR) survive.
std::string ListText(bool url_encoded, const char* text) {
  if (!url_encoded) return text;
  std::string plus_as_space(text);
  std::replace(plus_as_space.begin(), plus_as_space.end(), '+', ' ');
  return UriDecode(plus_as_space);
}

int64_t ToInt(const char* s) {
  try {
    return std::stoll(s);
  } catch (const std::exception&) {
    return 0;
  }
}
}  // namespace

std::string StripQuotes(const std::string& etag) {
  std::string e(Trim(etag));
  if (StartsWith(e, "W/")) e = e.substr(2);
  if (e.size() >= 2 && e.front() == '"' && e.back() == '"') e = e.substr(1, e.size() - 2);
  // Some servers escape the quotes in XML as &quot; -- pugixml already decoded them.
  return e;
}

bool ParseHttpDate(const std::string& text, int64_t* out) {
  std::tm tm{};
  const char* end = strptime(text.c_str(), "%a, %d %b %Y %H:%M:%S", &tm);
  if (!end) return false;
  return CivilToEpoch(tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, out);
}

Status ParseListObjectsV2(const std::string& xml, S3ListPage* out) {
  pugi::xml_document doc;
  FERRY_RETURN_IF_ERROR(Load(xml, "ListObjectsV2", &doc));
  pugi::xml_node root = doc.child("ListBucketResult");
  if (!root) return Status::Failed("s3 ListObjectsV2: response lacks ListBucketResult");
  *out = S3ListPage{};
  out->truncated = std::string(root.child_value("IsTruncated")) == "true";
  out->next_token = root.child_value("NextContinuationToken");
  // Only a response that says so is encoded: a server that ignores the
  // parameter sends keys as they are, and "%41" may be part of a real key.
  const bool url = std::string(root.child_value("EncodingType")) == "url";
  for (pugi::xml_node c : root.children("Contents")) {
    S3Object o;
    o.key = ListText(url, c.child_value("Key"));
    o.size = ToInt(c.child_value("Size"));
    o.etag = StripQuotes(c.child_value("ETag"));
    ParseIsoTime(c.child_value("LastModified"), &o.mtime);
    o.storage_class = c.child_value("StorageClass");
    out->objects.push_back(std::move(o));
  }
  for (pugi::xml_node p : root.children("CommonPrefixes"))
    out->prefixes.push_back(ListText(url, p.child_value("Prefix")));
  return Status::Ok();
}

Status ParseListBuckets(const std::string& xml, std::vector<S3Bucket>* out) {
  pugi::xml_document doc;
  FERRY_RETURN_IF_ERROR(Load(xml, "ListBuckets", &doc));
  pugi::xml_node root = doc.child("ListAllMyBucketsResult");
  if (!root) return Status::Failed("s3 ListBuckets: response lacks ListAllMyBucketsResult");
  out->clear();
  for (pugi::xml_node b : root.child("Buckets").children("Bucket")) {
    S3Bucket bucket;
    bucket.name = b.child_value("Name");
    ParseIsoTime(b.child_value("CreationDate"), &bucket.created);
    out->push_back(bucket);
  }
  return Status::Ok();
}

Status ParseInitiateMultipart(const std::string& xml, std::string* upload_id) {
  pugi::xml_document doc;
  FERRY_RETURN_IF_ERROR(Load(xml, "CreateMultipartUpload", &doc));
  *upload_id = doc.child("InitiateMultipartUploadResult").child_value("UploadId");
  if (upload_id->empty()) return Status::Failed("s3 CreateMultipartUpload: response has no UploadId");
  return Status::Ok();
}

namespace {
std::string Serialize(const pugi::xml_document& doc) {
  std::ostringstream ss;
  doc.save(ss, "", pugi::format_raw);
  return ss.str();
}
}  // namespace

std::string BuildCompleteMultipart(const std::vector<CompletedPart>& parts) {
  pugi::xml_document doc;
  pugi::xml_node root = doc.append_child("CompleteMultipartUpload");
  root.append_attribute("xmlns") = "http://s3.amazonaws.com/doc/2006-03-01/";
  for (const CompletedPart& p : parts) {
    pugi::xml_node part = root.append_child("Part");
    part.append_child("PartNumber").text() = p.number;
    part.append_child("ETag").text() = ("\"" + p.etag + "\"").c_str();
  }
  return Serialize(doc);
}

Status CheckCompleteMultipart(const std::string& xml) {
  pugi::xml_document doc;
  if (!doc.load_buffer(xml.data(), xml.size())) return Status::Ok();
  if (pugi::xml_node e = doc.child("Error"))
    return Status::Failed(std::string("s3 CompleteMultipartUpload: ") + e.child_value("Code") + ": " +
                          e.child_value("Message"));
  return Status::Ok();
}

std::string BuildDeleteObjects(const std::vector<std::string>& keys) {
  pugi::xml_document doc;
  pugi::xml_node root = doc.append_child("Delete");
  root.append_attribute("xmlns") = "http://s3.amazonaws.com/doc/2006-03-01/";
  root.append_child("Quiet").text() = "true";
  for (const std::string& k : keys) root.append_child("Object").append_child("Key").text() = k.c_str();
  return Serialize(doc);
}

Status ParseDeleteResult(const std::string& xml, std::vector<std::string>* failures) {
  pugi::xml_document doc;
  FERRY_RETURN_IF_ERROR(Load(xml, "DeleteObjects", &doc));
  for (pugi::xml_node e : doc.child("DeleteResult").children("Error"))
    failures->push_back(std::string(e.child_value("Key")) + ": " + e.child_value("Code") + " " +
                        e.child_value("Message"));
  return Status::Ok();
}

}  // namespace ferry::aws
