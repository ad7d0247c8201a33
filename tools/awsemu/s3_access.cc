#include "awsemu/s3_access.h"

#include "aws/sigv4.h"
#include "util/text.h"

namespace awsemu {

using ferry::Status;
using nlohmann::json;

bool DenyRule::Matches(const std::string& a, const std::string& b) const {
  // IAM action names are case-insensitive; bucket names are not.
  const std::string want = ferry::ToLower(action);
  const bool action_ok = want == "s3:*" || want == "*" || want == ferry::ToLower(a);
  const bool bucket_ok = bucket.empty() || bucket == "*" || bucket == b;
  return action_ok && bucket_ok;
}

json DenyRule::ToJson() const {
  json j{{"action", action}};
  if (!bucket.empty()) j["bucket"] = bucket;
  return j;
}

namespace {

Status CheckAction(const std::string& action, const std::string& where) {
  if (action != "*" && !ferry::StartsWith(ferry::ToLower(action), "s3:")) {
    return Status::Invalid(where + ": action '" + action +
                           "' is not an S3 action; use e.g. \"s3:PutObject\", or \"s3:*\" for all");
  }
  return Status::Ok();
}

}  // namespace

Status DenyRule::FromJson(const json& j, DenyRule* out) {
  if (!j.is_object() || !j.contains("action") || !j["action"].is_string()) {
    return Status::Invalid(
        "fault 'deny': each entry must be an object like {\"action\": \"s3:PutObject\", \"bucket\": \"name\"}");
  }
  for (const auto& [k, v] : j.items()) {
    if (k != "action" && k != "bucket") {
      return Status::Invalid("fault 'deny': unknown field '" + k + "' (known: action, bucket)");
    }
  }
  DenyRule r;
  r.action = j["action"].get<std::string>();
  if (j.contains("bucket")) {
    if (!j["bucket"].is_string()) return Status::Invalid("fault 'deny': 'bucket' must be a string");
    r.bucket = j["bucket"].get<std::string>();
  }
  FERRY_RETURN_IF_ERROR(CheckAction(r.action, "fault 'deny'"));
  *out = r;
  return Status::Ok();
}

Status DenyRule::FromFlag(const std::string& value, DenyRule* out) {
  DenyRule r;
  // "s3:PutObject:bucket": the action has one ':'; the rest is the bucket.
  auto first = value.find(':');
  auto second = first == std::string::npos ? std::string::npos : value.find(':', first + 1);
  r.action = value.substr(0, second);
  if (second != std::string::npos) r.bucket = value.substr(second + 1);
  FERRY_RETURN_IF_ERROR(CheckAction(r.action, "--fault deny=" + value));
  if (r.action.size() <= 3 && r.action != "*") {
    return Status::Invalid("--fault deny=" + value + ": expected ACTION[:BUCKET], e.g. deny=s3:PutObject:my-bucket");
  }
  *out = r;
  return Status::Ok();
}

std::string IamAction::Arn() const { return "arn:aws:s3:::" + bucket + (key.empty() ? "" : "/" + key); }

std::vector<IamAction> S3ActionsFor(const std::string& op, const std::string& bucket, const std::string& key,
                                    const std::string& copy_source) {
  auto one = [&](const char* action) { return std::vector<IamAction>{{action, bucket, key}}; };
  if (op == "GetObject" || op == "HeadObject") return one("s3:GetObject");
  if (op == "PutObject" || op == "CreateMultipartUpload" || op == "UploadPart" || op == "CompleteMultipartUpload") {
    return one("s3:PutObject");
  }
  if (op == "CopyObject" || op == "UploadPartCopy") {
    // x-amz-copy-source: "[/]bucket/key[?versionId=...]", maybe percent-encoded.
    std::string src = ferry::aws::UriDecode(copy_source);
    if (ferry::StartsWith(src, "/")) src = src.substr(1);
    src = src.substr(0, src.find("?versionId="));
    const size_t slash = src.find('/');
    const std::string src_key = slash == std::string::npos ? "" : src.substr(slash + 1);
    return {{"s3:GetObject", src.substr(0, slash), src_key}, {"s3:PutObject", bucket, key}};
  }
  auto on_bucket = [&](const std::string& action) { return std::vector<IamAction>{{action, bucket, ""}}; };
  if (op == "ListObjectsV2" || op == "ListObjects" || op == "HeadBucket") return on_bucket("s3:ListBucket");
  if (op == "DeleteObject" || op == "DeleteObjects") return one("s3:DeleteObject");
  if (op == "AbortMultipartUpload") return one("s3:AbortMultipartUpload");
  if (op == "ListParts") return one("s3:ListMultipartUploadParts");
  if (op == "ListMultipartUploads") return on_bucket("s3:ListBucketMultipartUploads");
  if (op == "ListBuckets") return {{"s3:ListAllMyBuckets", "", ""}};
  if (op.empty()) return {};
  // CreateBucket, DeleteBucket, GetBucketLocation, *ObjectTagging...: the
  // action shares the operation's name.
  return {{"s3:" + op, bucket, key}};
}

const IamAction* FirstDenied(const std::vector<DenyRule>& rules, const std::vector<IamAction>& actions) {
  for (const auto& a : actions) {
    for (const auto& r : rules) {
      if (r.Matches(a.action, a.bucket)) return &a;
    }
  }
  return nullptr;
}

}  // namespace awsemu
