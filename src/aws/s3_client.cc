#include "aws/s3_client.h"

#include <cctype>

#include "aws/crypto.h"
#include "aws/s3_xml.h"
#include "util/text.h"

namespace ferry::aws {

namespace {
// Buckets usable as a DNS label for virtual-host addressing.
bool DnsCompatible(const std::string& b, bool https) {
  if (b.size() < 3 || b.size() > 63) return false;
  for (char c : b)
    if (!(std::islower(static_cast<unsigned char>(c)) || std::isdigit(static_cast<unsigned char>(c)) || c == '-' ||
          c == '.'))
      return false;
  if (https && b.find('.') != std::string::npos) return false;  // wildcard certificates cover one label
  return b.front() != '-' && b.back() != '-';
}
}  // namespace

Status S3Client::Create(std::shared_ptr<AwsClient> client, std::unique_ptr<S3Client>* out) {
  auto c = std::make_unique<S3Client>();
  FERRY_RETURN_IF_ERROR(client->ResolveEndpointFor("s3", &c->endpoint_));
  const std::string& style = client->settings().s3_addressing;
  if (style != "auto" && style != "path" && style != "virtual")
    return Status::Invalid("S3 addressing style '" + style + "' is not one of auto, path, virtual");
  c->client_ = std::move(client);
  *out = std::move(c);
  return Status::Ok();
}

bool S3Client::path_style(const std::string& bucket) const {
  const std::string& style = client_->settings().s3_addressing;
  if (style == "path") return true;
  if (style == "virtual") return false;
  return endpoint_.custom || !DnsCompatible(bucket, endpoint_.scheme == "https");
}

ServiceRequest S3Client::Request(const std::string& operation, const std::string& method, const std::string& bucket,
                                 const std::string& key) const {
  ServiceRequest r;
  r.service = "s3";
  r.operation = operation;
  r.method = method;
  r.endpoint = endpoint_;
  std::string encoded_key = UriEncode(key, true);
  if (bucket.empty()) {
    r.path = endpoint_.base_path + "/";
  } else if (path_style(bucket)) {
    r.path = endpoint_.base_path + "/" + bucket + (key.empty() ? "" : "/" + encoded_key);
  } else {
    r.endpoint.host = bucket + "." + endpoint_.host;
    r.path = endpoint_.base_path + "/" + encoded_key;
  }
  r.target = bucket.empty() ? "s3://" : "s3://" + bucket + "/" + key;
  r.bucket = bucket;
  // The account's rules apply to every request, whoever builds it: the
  // object settings on each request that creates an object (a copy too, or
  // it would silently lose the encryption), the payer on every request to a
  // bucket. Callers append their own headers after these.
  const S3ObjectSettings& s3 = client_->settings().s3;
  if (CreatesObject(operation)) AddObjectHeaders(s3, &r.headers);
  if (s3.requester_pays && !bucket.empty()) r.headers.emplace_back("x-amz-request-payer", "requester");
  if (s3.anonymous) {
    r.anonymous = true;
    if (WritesS3(operation))
      r.refused = Status::Invalid("s3 " + operation + " " + r.target +
                                  ": anonymous access (aws.client.anonymous or --no-sign-request) only reads public "
                                  "buckets; writing needs credentials (drop the anonymous setting for this run)");
  }
  return r;
}

S3ObjectInfo ObjectInfoFromHeaders(const HttpResponse& resp) {
  S3ObjectInfo info;
  try {
    info.size = std::stoll(resp.Header("Content-Length").empty() ? "0" : resp.Header("Content-Length"));
  } catch (const std::exception&) {
    info.size = 0;
  }
  info.etag = StripQuotes(resp.Header("ETag"));
  ParseHttpDate(resp.Header("Last-Modified"), &info.mtime);
  info.content_type = resp.Header("Content-Type");
  std::string pc = resp.Header("x-amz-mp-parts-count");
  if (!pc.empty()) info.parts_count = std::atoi(pc.c_str());
  std::string sse = resp.Header("x-amz-server-side-encryption");
  info.etag_is_md5 =
      !StartsWith(sse, "aws:kms") && resp.Header("x-amz-server-side-encryption-customer-algorithm").empty();
  return info;
}

Status S3Client::ListBuckets(std::vector<S3Bucket>* out) {
  ServiceResponse r = client_->Call(Request("ListBuckets", "GET", "", ""));
  if (!r.status.ok()) return r.status;
  return ParseListBuckets(r.http.body, out);
}

Status S3Client::ListPage(const std::string& bucket, const std::string& prefix, const std::string& delimiter,
                          const std::string& token, S3ListPage* out) {
  ServiceRequest req = Request("ListObjectsV2", "GET", bucket, "");
  // Keys may hold bytes XML cannot carry (a CR would come back as LF):
  // ask for them URL-encoded, as the aws CLI does.
  req.query = {{"list-type", "2"}, {"encoding-type", "url"}};
  if (!prefix.empty()) req.query.emplace_back("prefix", prefix);
  if (!delimiter.empty()) req.query.emplace_back("delimiter", delimiter);
  if (!token.empty()) req.query.emplace_back("continuation-token", token);
  req.target = "s3://" + bucket + "/" + prefix;
  ServiceResponse r = client_->Call(std::move(req));
  if (!r.status.ok()) return r.status;
  return ParseListObjectsV2(r.http.body, out);
}

Status S3Client::ListAll(const std::string& bucket, const std::string& prefix,
                         const std::function<Status(const S3Object&)>& each) {
  std::string token;
  do {
    S3ListPage page;
    FERRY_RETURN_IF_ERROR(ListPage(bucket, prefix, "", token, &page));
    for (const S3Object& o : page.objects) FERRY_RETURN_IF_ERROR(each(o));
    if (page.truncated && page.next_token.empty())
      return Status::Failed("s3 ListObjectsV2 s3://" + bucket + "/" + prefix +
                            ": truncated listing without a continuation token");
    token = page.truncated ? page.next_token : "";
  } while (!token.empty());
  return Status::Ok();
}

Status S3Client::Head(const std::string& bucket, const std::string& key, S3ObjectInfo* out, int part_number) {
  ServiceRequest req = Request("HeadObject", "HEAD", bucket, key);
  if (part_number > 0) req.query = {{"partNumber", std::to_string(part_number)}};
  ServiceResponse r = client_->Call(std::move(req));
  if (!r.status.ok()) return r.status;
  *out = ObjectInfoFromHeaders(r.http);
  return Status::Ok();
}

Status S3Client::CreateBucket(const std::string& bucket) {
  ServiceRequest req = Request("CreateBucket", "PUT", bucket, "");
  if (client_->region() != "us-east-1")
    req.body = std::make_shared<StringBody>(
        "<CreateBucketConfiguration xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\"><LocationConstraint>" +
        client_->region() + "</LocationConstraint></CreateBucketConfiguration>");
  else req.body = std::make_shared<StringBody>("");
  return client_->Call(std::move(req)).status;
}

Status S3Client::PutSmall(const std::string& bucket, const std::string& key, std::string data) {
  ServiceRequest req = Request("PutObject", "PUT", bucket, key);
  std::string md5 = Md5(data);
  req.headers.emplace_back("Content-MD5", Base64Encode(md5));
  req.body = std::make_shared<StringBody>(std::move(data));
  return client_->Call(std::move(req)).status;
}

Status S3Client::GetSmall(const std::string& bucket, const std::string& key, std::string* data) {
  ServiceResponse r = client_->Call(Request("GetObject", "GET", bucket, key));
  if (!r.status.ok()) return r.status;
  *data = std::move(r.http.body);
  return Status::Ok();
}

Status S3Client::CreateMultipart(const std::string& bucket, const std::string& key, const HeaderList& headers,
                                 std::string* upload_id) {
  ServiceRequest req = Request("CreateMultipartUpload", "POST", bucket, key);
  req.query = {{"uploads", ""}};
  req.headers.insert(req.headers.end(), headers.begin(), headers.end());
  req.body = std::make_shared<StringBody>("");
  ServiceResponse r = client_->Call(std::move(req));
  if (!r.status.ok()) return r.status;
  return ParseInitiateMultipart(r.http.body, upload_id);
}

Status S3Client::CompleteMultipart(const std::string& bucket, const std::string& key, const std::string& upload_id,
                                   std::vector<CompletedPart> parts) {
  std::sort(parts.begin(), parts.end(), [](const auto& a, const auto& b) { return a.number < b.number; });
  ServiceRequest req = Request("CompleteMultipartUpload", "POST", bucket, key);
  req.query = {{"uploadId", upload_id}};
  req.headers.emplace_back("Content-Type", "application/xml");
  req.body = std::make_shared<StringBody>(BuildCompleteMultipart(parts));
  ServiceResponse r = client_->Call(std::move(req));
  if (!r.status.ok()) return r.status;
  return CheckCompleteMultipart(r.http.body);
}

Status S3Client::AbortMultipart(const std::string& bucket, const std::string& key, const std::string& upload_id) {
  ServiceRequest req = Request("AbortMultipartUpload", "DELETE", bucket, key);
  req.query = {{"uploadId", upload_id}};
  return client_->Call(std::move(req)).status;
}

Status S3Client::Copy(const S3Location& from, const S3Location& to) {
  ServiceRequest req = Request("CopyObject", "PUT", to.bucket, to.key);
  req.headers.emplace_back("x-amz-copy-source", UriEncode("/" + from.bucket + "/" + from.key, true));
  req.body = std::make_shared<StringBody>("");
  req.target = from.ToString() + " -> " + to.ToString();
  ServiceResponse r = client_->Call(std::move(req));
  if (!r.status.ok()) return r.status;
  return CheckCompleteMultipart(r.http.body);  // CopyObject also can fail inside a 200
}

Status S3Client::DeleteObject(const std::string& bucket, const std::string& key) {
  return client_->Call(Request("DeleteObject", "DELETE", bucket, key)).status;
}

Status S3Client::DeleteObjects(const std::string& bucket, const std::vector<std::string>& keys) {
  std::vector<std::string> failures;
  for (size_t i = 0; i < keys.size(); i += 1000) {
    std::vector<std::string> batch(keys.begin() + i, keys.begin() + std::min(keys.size(), i + 1000));
    ServiceRequest req = Request("DeleteObjects", "POST", bucket, "");
    req.query = {{"delete", ""}};
    std::string body = BuildDeleteObjects(batch);
    req.headers.insert(req.headers.end(),
                       {{"Content-MD5", Base64Encode(Md5(body))}, {"Content-Type", "application/xml"}});
    req.body = std::make_shared<StringBody>(std::move(body));
    ServiceResponse r = client_->Call(std::move(req));
    if (r.status.ok()) {
      FERRY_RETURN_IF_ERROR(ParseDeleteResult(r.http.body, &failures));
      continue;
    }
    // No answer, bad credentials, no access, no bucket: every key would fail alike.
    int http = r.error.http_status;
    if (http == 0 || http == 401 || http == 403 || http == 404) return r.status;
    // Otherwise the server rejected the batch itself (a key XML 1.0 cannot
    // carry makes S3 answer MalformedXML; other servers fail with a 500), and
    // one such key must not keep the other 999 from being deleted: each key
    // goes on its own, and only the ones that fail are reported.
    for (const std::string& key : batch) {
      Status one = DeleteObject(bucket, key);
      if (!one.ok()) failures.push_back(key + ": " + one.message());
    }
  }
  if (!failures.empty())
    return Status::Failed("s3 DeleteObjects s3://" + bucket + ": " + std::to_string(failures.size()) +
                          " key(s) not deleted:\n  " + Join(failures, "\n  "));
  return Status::Ok();
}

}  // namespace ferry::aws
