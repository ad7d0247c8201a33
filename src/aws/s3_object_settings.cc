#include "aws/s3_object_settings.h"

#include <algorithm>

#include "util/text.h"

namespace ferry::aws {

namespace {

// Object canned ACLs (botocore's ObjectCannedACL). log-delivery-write is a
// bucket ACL only, so S3 refuses it on objects.
const std::vector<std::string>& CannedAcls() {
  static const std::vector<std::string> kAcls = {
      "private",       "public-read",       "public-read-write",        "authenticated-read",
      "aws-exec-read", "bucket-owner-read", "bucket-owner-full-control"};
  return kAcls;
}

// "BucketOwnerFullControl" and "bucket-owner-full-control" compare equal:
// case and dashes are dropped.
std::string Folded(const std::string& s) {
  std::string out;
  for (char c : ToLower(s))
    if (c != '-' && c != '_') out.push_back(c);
  return out;
}

}  // namespace

const std::vector<std::string>& StorageClasses() {
  // General purpose buckets' classes (OUTPOSTS needs an Outpost, so no).
  static const std::vector<std::string> kClasses = {"STANDARD",     "REDUCED_REDUNDANCY",  "STANDARD_IA",
                                                    "ONEZONE_IA",   "INTELLIGENT_TIERING", "GLACIER",
                                                    "DEEP_ARCHIVE", "GLACIER_IR"};
  return kClasses;
}

Status ParseEncryption(const std::string& text, const std::string& what, std::string* out) {
  if (text.empty() || text == "AES256" || text == "aws:kms") {
    *out = text;
    return Status::Ok();
  }
  if (ToLower(text) == "aes256" || ToLower(text) == "aws:kms") {
    *out = ToLower(text) == "aes256" ? "AES256" : "aws:kms";
    return Status::Ok();
  }
  return Status::Invalid(what + " must be AES256 (keys managed by S3) or aws:kms (a KMS key), got '" + text + "'");
}

Status ParseStorageClass(const std::string& text, const std::string& what, std::string* out) {
  std::string upper;
  for (char c : text) upper.push_back(static_cast<char>(std::toupper(static_cast<unsigned char>(c))));
  const auto& all = StorageClasses();
  if (text.empty() || std::find(all.begin(), all.end(), upper) != all.end()) {
    *out = upper;
    return Status::Ok();
  }
  return Status::Invalid(what + " '" + text + "' is not an S3 storage class" + DidYouMean(upper, all) + " (one of " +
                         Join(all, ", ") + ")");
}

Status ParseCannedAcl(const std::string& text, const std::string& what, std::string* out) {
  if (text.empty()) {
    out->clear();
    return Status::Ok();
  }
  for (const std::string& acl : CannedAcls()) {
    if (Folded(acl) == Folded(text)) {
      *out = acl;
      return Status::Ok();
    }
  }
  if (Folded(text) == "logdeliverywrite")
    return Status::Invalid(what + " '" + text +
                           "' is an ACL for buckets, not objects (use e.g. bucket-owner-full-control)");
  // Typos are judged in the folded form, so BucketOwnerFullControll finds
  // bucket-owner-full-control.
  std::vector<std::string> folded;
  for (const std::string& acl : CannedAcls()) folded.push_back(Folded(acl));
  std::string close = ClosestMatch(Folded(text), folded), hint;
  for (size_t i = 0; i < folded.size(); ++i)
    if (!close.empty() && folded[i] == close) hint = " (did you mean '" + CannedAcls()[i] + "'?)";
  return Status::Invalid(what + " '" + text + "' is not a canned ACL for objects" + hint + " (one of " +
                         Join(CannedAcls(), ", ") +
                         ", or their names as the SDKs write them, e.g. "
                         "BucketOwnerFullControl)");
}

Status CheckKmsKey(S3ObjectSettings* s, const std::string& key_what) {
  if (s->kms_key_id.empty()) return Status::Ok();
  if (s->encryption == "AES256")
    return Status::Invalid(key_what +
                           " names a KMS key but the encryption is AES256, which uses S3's own keys "
                           "(set the encryption to aws:kms, or drop the key)");
  s->encryption = "aws:kms";
  return Status::Ok();
}

Status S3ObjectSettingsFromConfig(const ConfigText& get, S3ObjectSettings* out, std::string* bad_key) {
  S3ObjectSettings s;
  const std::string k = "aws.client.";
  std::string text, upload_class, flag;
  auto fail = [&](const std::string& key, Status st) {
    *bad_key = key;
    return st;
  };
  FERRY_RETURN_IF_ERROR(get(k + "storageEncryption", &text));
  if (Status st = ParseEncryption(text, k + "storageEncryption", &s.encryption); !st.ok())
    return fail(k + "storageEncryption", st);
  FERRY_RETURN_IF_ERROR(get(k + "storageKmsKeyId", &s.kms_key_id));
  if (Status st = CheckKmsKey(&s, k + "storageKmsKeyId"); !st.ok()) return fail(k + "storageKmsKeyId", st);
  FERRY_RETURN_IF_ERROR(get(k + "storageClass", &text));
  FERRY_RETURN_IF_ERROR(get(k + "uploadStorageClass", &upload_class));
  if (!text.empty() && !upload_class.empty() && ToLower(text) != ToLower(upload_class))
    return fail(k + "uploadStorageClass",
                Status::Invalid(k + "uploadStorageClass '" + upload_class + "' contradicts " + k + "storageClass '" +
                                text + "' (uploadStorageClass is the older name of storageClass: keep one)"));
  const std::string class_key = text.empty() ? k + "uploadStorageClass" : k + "storageClass";
  if (Status st = ParseStorageClass(text.empty() ? upload_class : text, class_key, &s.storage_class); !st.ok())
    return fail(class_key, st);
  FERRY_RETURN_IF_ERROR(get(k + "s3Acl", &text));
  if (Status st = ParseCannedAcl(text, k + "s3Acl", &s.acl); !st.ok()) return fail(k + "s3Acl", st);
  FERRY_RETURN_IF_ERROR(get(k + "requesterPays", &flag));
  s.requester_pays = flag == "true";
  FERRY_RETURN_IF_ERROR(get(k + "anonymous", &flag));
  s.anonymous = flag == "true";
  *out = std::move(s);
  return Status::Ok();
}

bool CreatesObject(const std::string& operation) {
  return operation == "PutObject" || operation == "CreateMultipartUpload" || operation == "CopyObject";
}

bool WritesS3(const std::string& operation) {
  static const char* const kWrites[] = {"PutObject",
                                        "CreateMultipartUpload",
                                        "UploadPart",
                                        "UploadPartCopy",
                                        "CompleteMultipartUpload",
                                        "AbortMultipartUpload",
                                        "CopyObject",
                                        "DeleteObject",
                                        "DeleteObjects",
                                        "CreateBucket"};
  return std::find(std::begin(kWrites), std::end(kWrites), operation) != std::end(kWrites);
}

void AddObjectHeaders(const S3ObjectSettings& s, HeaderList* headers) {
  if (!s.encryption.empty()) headers->emplace_back("x-amz-server-side-encryption", s.encryption);
  if (s.encryption == "aws:kms" && !s.kms_key_id.empty())
    headers->emplace_back("x-amz-server-side-encryption-aws-kms-key-id", s.kms_key_id);
  if (!s.storage_class.empty()) headers->emplace_back("x-amz-storage-class", s.storage_class);
  if (!s.acl.empty()) headers->emplace_back("x-amz-acl", s.acl);
}

std::vector<std::string> S3CliFlags(const S3ObjectSettings& s, bool copies) {
  std::vector<std::string> flags;
  if (!copies) {
    S3ObjectSettings access;
    access.requester_pays = s.requester_pays;
    access.anonymous = s.anonymous;
    return S3CliFlags(access);
  }
  if (!s.encryption.empty()) flags.insert(flags.end(), {"--sse", s.encryption});
  if (s.encryption == "aws:kms" && !s.kms_key_id.empty()) flags.insert(flags.end(), {"--sse-kms-key-id", s.kms_key_id});
  if (!s.storage_class.empty()) flags.insert(flags.end(), {"--storage-class", s.storage_class});
  if (!s.acl.empty()) flags.insert(flags.end(), {"--acl", s.acl});
  if (s.requester_pays) flags.insert(flags.end(), {"--request-payer", "requester"});
  if (s.anonymous) flags.push_back("--no-sign-request");
  return flags;
}

}  // namespace ferry::aws
