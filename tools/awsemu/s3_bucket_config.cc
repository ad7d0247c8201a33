#include "awsemu/s3_bucket_config.h"

#include <set>

#include <nlohmann/json.hpp>
#include <pugixml.hpp>

#include "awsemu/s3_xml.h"

namespace awsemu {
namespace {

const BucketConfigOp kOps[] = {
    {"PutBucketLifecycleConfiguration", "lifecycle", 'P'},
    {"GetBucketLifecycleConfiguration", "lifecycle", 'G'},
    {"DeleteBucketLifecycle", "lifecycle", 'D'},
    {"PutBucketPolicy", "policy", 'P'},
    {"GetBucketPolicy", "policy", 'G'},
    {"DeleteBucketPolicy", "policy", 'D'},
    {"PutPublicAccessBlock", "publicAccessBlock", 'P'},
    {"GetPublicAccessBlock", "publicAccessBlock", 'G'},
    {"DeletePublicAccessBlock", "publicAccessBlock", 'D'},
    {"PutBucketTagging", "tagging", 'P'},
    {"GetBucketTagging", "tagging", 'G'},
    {"DeleteBucketTagging", "tagging", 'D'},
    {"PutBucketRequestPayment", "requestPayment", 'P'},
    {"GetBucketRequestPayment", "requestPayment", 'G'},
};

const EmuError kMalformedXml{400, "MalformedXML",
                             "The XML you provided was not well-formed or did not validate against our published "
                             "schema"};

bool IsBool(const std::string& s) { return s == "true" || s == "false"; }

// A positive whole number of days.
bool PositiveDays(const std::string& s) {
  if (s.empty() || s.size() > 9 || s.find_first_not_of("0123456789") != std::string::npos) return false;
  return std::stol(s) > 0;
}

EmuError CheckLifecycle(const pugi::xml_node root) {
  if (std::string(root.name()) != "LifecycleConfiguration") return kMalformedXml;
  int rules = 0;
  std::set<std::string> ids;
  for (pugi::xml_node rule : root.children("Rule")) {
    ++rules;
    std::string status = rule.child("Status").text().get();
    if (status != "Enabled" && status != "Disabled") return kMalformedXml;
    std::string id = rule.child("ID").text().get();
    if (id.size() > 255) return {400, "InvalidArgument", "ID length should not exceed allowed limit of 255"};
    if (!id.empty() && !ids.insert(id).second)
      return {400, "InvalidArgument", "Rule ID must be unique. Found same ID for more than one rule"};
    if (!rule.child("Filter") && !rule.child("Prefix")) return kMalformedXml;
    bool action = false;
    if (pugi::xml_node e = rule.child("Expiration")) {
      action = true;
      if (e.child("Days") && !PositiveDays(e.child("Days").text().get()))
        return {400, "InvalidArgument", "'Days' for Expiration action must be a positive integer"};
    }
    if (pugi::xml_node a = rule.child("AbortIncompleteMultipartUpload")) {
      action = true;
      if (!PositiveDays(a.child("DaysAfterInitiation").text().get()))
        return {400, "InvalidArgument",
                "'DaysAfterInitiation' for AbortIncompleteMultipartUpload action must be a positive integer"};
    }
    for (const char* other : {"Transition", "NoncurrentVersionExpiration", "NoncurrentVersionTransition"})
      if (rule.child(other)) action = true;
    if (!action) return {400, "InvalidRequest", "At least one action needs to be specified in a rule"};
  }
  if (rules == 0 || rules > 1000) return kMalformedXml;
  return EmuError::Ok();
}

EmuError CheckPublicAccessBlock(const pugi::xml_node root) {
  if (std::string(root.name()) != "PublicAccessBlockConfiguration") return kMalformedXml;
  for (pugi::xml_node c : root.children()) {
    std::string name = c.name();
    if (name != "BlockPublicAcls" && name != "IgnorePublicAcls" && name != "BlockPublicPolicy" &&
        name != "RestrictPublicBuckets")
      return kMalformedXml;
    if (!IsBool(c.text().get())) return kMalformedXml;
  }
  return EmuError::Ok();
}

EmuError CheckTagging(const pugi::xml_node root) {
  if (std::string(root.name()) != "Tagging" || !root.child("TagSet")) return kMalformedXml;
  std::set<std::string> keys;
  for (pugi::xml_node tag : root.child("TagSet").children("Tag")) {
    std::string key = tag.child("Key").text().get();
    if (key.empty() || key.size() > 128) return {400, "InvalidTag", "The TagKey you have provided is invalid"};
    if (std::string(tag.child("Value").text().get()).size() > 256)
      return {400, "InvalidTag", "The TagValue you have provided is invalid"};
    if (!keys.insert(key).second) return {400, "InvalidTag", "Cannot provide multiple Tags with the same key"};
  }
  if (keys.size() > 50) return {400, "InvalidTag", "Bucket tag count cannot be greater than 50"};
  return EmuError::Ok();
}

EmuError CheckRequestPayment(const pugi::xml_node root) {
  if (std::string(root.name()) != "RequestPaymentConfiguration") return kMalformedXml;
  std::string payer = root.child("Payer").text().get();
  return payer == "Requester" || payer == "BucketOwner" ? EmuError::Ok() : kMalformedXml;
}

EmuError CheckPolicy(const std::string& body) {
  nlohmann::json j = nlohmann::json::parse(body, nullptr, false);
  if (j.is_discarded() || !j.is_object())
    return {400, "MalformedPolicy", "Policies must be valid JSON and the first byte must be '{'"};
  if (!j.contains("Statement") || !(j["Statement"].is_array() || j["Statement"].is_object()))
    return {400, "MalformedPolicy", "Missing required field Statement"};
  return EmuError::Ok();
}

}  // namespace

const BucketConfigOp* FindBucketConfigOp(const std::string& operation) {
  for (const BucketConfigOp& op : kOps)
    if (operation == op.operation) return &op;
  return nullptr;
}

const BucketConfigOp* BucketConfigOpFor(const std::string& method, const std::string& kind) {
  char verb = method == "PUT" ? 'P' : method == "GET" ? 'G' : method == "DELETE" ? 'D' : 0;
  for (const BucketConfigOp& op : kOps)
    if (op.verb == verb && kind == op.kind) return &op;
  return nullptr;
}

EmuError CheckBucketConfig(const std::string& kind, const std::string& body, std::string* document) {
  if (kind == "policy") {
    EmuError e = CheckPolicy(body);
    if (e.ok()) *document = body;
    return e;
  }
  pugi::xml_document in;
  if (body.empty() || !in.load_string(body.c_str())) return kMalformedXml;
  pugi::xml_node root = in.document_element();
  EmuError e = kind == "lifecycle"           ? CheckLifecycle(root)
               : kind == "publicAccessBlock" ? CheckPublicAccessBlock(root)
               : kind == "requestPayment"    ? CheckRequestPayment(root)
                                             : CheckTagging(root);
  if (!e.ok()) return e;
  pugi::xml_document out;
  pugi::xml_node copy = S3Root(&out, root.name());
  for (pugi::xml_node c : root.children()) copy.append_copy(c);
  *document = XmlString(out);
  return EmuError::Ok();
}

EmuError MissingBucketConfig(const std::string& kind, const std::string& bucket) {
  EmuError e;
  if (kind == "lifecycle") e = {404, "NoSuchLifecycleConfiguration", "The lifecycle configuration does not exist"};
  else if (kind == "policy") e = {404, "NoSuchBucketPolicy", "The bucket policy does not exist"};
  else if (kind == "publicAccessBlock")
    e = {404, "NoSuchPublicAccessBlockConfiguration", "The public access block configuration was not found"};
  else e = {404, "NoSuchTagSet", "The TagSet does not exist"};
  e.details = {{"BucketName", bucket}};
  return e;
}

const char* BucketConfigContentType(const std::string& kind) {
  return kind == "policy" ? "application/json" : "application/xml";
}

}  // namespace awsemu
