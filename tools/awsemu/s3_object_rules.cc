#include "awsemu/s3_object_rules.h"

#include <nlohmann/json.hpp>
#include <pugixml.hpp>

#include "awsemu/auth.h"

namespace awsemu {

namespace {

bool OneOf(const std::string& v, std::initializer_list<const char*> all) {
  for (const char* a : all)
    if (v == a) return true;
  return false;
}

EmuError Argument(const std::string& message, const std::string& name, const std::string& value) {
  return EmuError{400, "InvalidArgument", message, {{"ArgumentName", name}, {"ArgumentValue", value}}};
}

// Glob match of IAM policies: '*' any run, '?' one character.
bool Glob(const char* p, const char* s) {
  if (*p == '\0') return *s == '\0';
  if (*p == '*') return Glob(p + 1, s) || (*s != '\0' && Glob(p, s + 1));
  return *s != '\0' && (*p == '?' || *p == *s) && Glob(p + 1, s + 1);
}

// A policy field that is a string or a list of strings matches `value`.
bool AnyMatches(const nlohmann::json& field, const std::string& value) {
  if (field.is_string()) return Glob(field.get<std::string>().c_str(), value.c_str());
  if (!field.is_array()) return false;
  for (const auto& f : field)
    if (f.is_string() && Glob(f.get<std::string>().c_str(), value.c_str())) return true;
  return false;
}

bool ForAnyone(const nlohmann::json& principal) {
  if (principal.is_string()) return principal == "*";
  if (!principal.is_object() || !principal.contains("AWS")) return false;
  const auto& aws = principal["AWS"];
  return aws == "*" || (aws.is_array() && aws.size() == 1 && aws[0] == "*");
}

}  // namespace

EmuError CheckObjectSettings(const std::string& sse, const std::string& kms_key, const std::string& storage_class,
                             const std::string& acl, const std::string& region, ObjectSettings* out) {
  ObjectSettings s;
  if (!sse.empty() && !OneOf(sse, {"AES256", "aws:kms", "aws:kms:dsse"}))
    return Argument("The encryption method specified is not supported", "x-amz-server-side-encryption", sse);
  if (!kms_key.empty() && sse.rfind("aws:kms", 0) != 0)
    return Argument(
        "Server Side Encryption with AWS KMS managed key requires HTTP header "
        "x-amz-server-side-encryption : aws:kms",
        "x-amz-server-side-encryption-aws-kms-key-id", kms_key);
  s.sse = sse;
  if (sse.rfind("aws:kms", 0) == 0) {
    // S3 reports the key as an ARN whatever form named it; no key means the
    // account's AWS managed key for S3.
    const std::string arn = std::string("arn:aws:kms:") + region + ":" + kAccountId + ":";
    if (kms_key.empty()) s.kms_key_id = arn + "alias/aws/s3";
    else if (kms_key.rfind("arn:", 0) == 0) s.kms_key_id = kms_key;
    else if (kms_key.rfind("alias/", 0) == 0) s.kms_key_id = arn + kms_key;
    else s.kms_key_id = arn + "key/" + kms_key;
  }
  if (!storage_class.empty() &&
      !OneOf(storage_class, {"STANDARD", "REDUCED_REDUNDANCY", "STANDARD_IA", "ONEZONE_IA", "INTELLIGENT_TIERING",
                             "GLACIER", "DEEP_ARCHIVE", "OUTPOSTS", "GLACIER_IR", "SNOW", "EXPRESS_ONEZONE"}))
    return EmuError{400,
                    "InvalidStorageClass",
                    "The storage class you specified is not valid",
                    {{"StorageClassRequested", storage_class}}};
  s.storage_class = storage_class == "STANDARD" ? "" : storage_class;
  if (!acl.empty() && !OneOf(acl, {"private", "public-read", "public-read-write", "authenticated-read", "aws-exec-read",
                                   "bucket-owner-read", "bucket-owner-full-control"}))
    return Argument("The canned ACL is not one S3 knows", "x-amz-acl", acl);
  s.acl = acl;
  *out = s;
  return EmuError::Ok();
}

bool RequesterPays(const std::string& document) {
  pugi::xml_document doc;
  if (!doc.load_string(document.c_str())) return false;
  return std::string(doc.child("RequestPaymentConfiguration").child("Payer").text().get()) == "Requester";
}

bool PolicyAllowsAnyone(const std::string& policy, const std::string& action, const std::string& resource) {
  nlohmann::json j = nlohmann::json::parse(policy, nullptr, false);
  if (j.is_discarded() || !j.is_object() || !j.contains("Statement")) return false;
  nlohmann::json statements = j["Statement"].is_array() ? j["Statement"] : nlohmann::json::array({j["Statement"]});
  bool allowed = false;
  for (const auto& st : statements) {
    if (!st.is_object() || !ForAnyone(st.value("Principal", nlohmann::json())) ||
        !AnyMatches(st.value("Action", nlohmann::json()), action) ||
        !AnyMatches(st.value("Resource", nlohmann::json()), resource))
      continue;
    if (st.value("Effect", "") == "Deny") return false;
    if (st.value("Effect", "") == "Allow") allowed = true;
  }
  return allowed;
}

}  // namespace awsemu
