#include "aws/api_call.h"

#include <algorithm>
#include <map>
#include <sstream>

#include <pugixml.hpp>

#include "aws/crypto.h"
#include "aws/s3_client.h"

namespace ferry::aws {

namespace {

using nlohmann::json;

constexpr const char* kS3Namespace = "http://s3.amazonaws.com/doc/2006-03-01/";

std::string Scalar(const json& v) {
  if (v.is_string()) return v.get<std::string>();
  if (v.is_boolean()) return v.get<bool>() ? "true" : "false";
  return v.dump();
}

// IAM's query flavour: lists as Name.member.N, structures as Name.Member.
void FlattenIam(const std::string& prefix, const json& v, QueryList* out) {
  if (v.is_object()) {
    for (auto it = v.begin(); it != v.end(); ++it)
      FlattenIam(prefix.empty() ? it.key() : prefix + "." + it.key(), it.value(), out);
  } else if (v.is_array()) {
    for (size_t i = 0; i < v.size(); i++) FlattenIam(prefix + ".member." + std::to_string(i + 1), v[i], out);
  } else {
    out->emplace_back(prefix, Scalar(v));
  }
}

// EC2's flavour: every list flattened as Name.N under the model's
// locationName, structures as Name.Member.
void FlattenEc2(const std::string& prefix, const json& v, QueryList* out) {
  if (v.is_object()) {
    for (auto it = v.begin(); it != v.end(); ++it) {
      std::string name = Ec2QueryName(it.key());
      FlattenEc2(prefix.empty() ? name : prefix + "." + name, it.value(), out);
    }
  } else if (v.is_array()) {
    for (size_t i = 0; i < v.size(); i++) FlattenEc2(prefix + "." + std::to_string(i + 1), v[i], out);
  } else {
    out->emplace_back(prefix, Scalar(v));
  }
}

void SetFormBody(const std::string& action, const std::string& version, QueryList params, ServiceRequest* r) {
  params.insert(params.begin(), {{"Action", action}, {"Version", version}});
  r->method = "POST";
  r->headers = {{"Content-Type", "application/x-www-form-urlencoded; charset=utf-8"}};
  r->body = std::make_shared<StringBody>(EncodeQuery(params));
}

// S3's XML bodies: which list members repeat their items bare (flattened)
// and which wrap them, and the item element's name.
struct XmlList {
  const char* item;
  bool flattened;
};
const std::map<std::string, XmlList>& S3Lists() {
  static const std::map<std::string, XmlList> kLists = {{"Rules", {"Rule", true}}, {"TagSet", {"Tag", false}}};
  return kLists;
}

void WriteXml(pugi::xml_node parent, const std::string& name, const json& v) {
  if (v.is_array()) {
    auto it = S3Lists().find(name);
    std::string item = it == S3Lists().end() ? "member" : it->second.item;
    bool flattened = it != S3Lists().end() && it->second.flattened;
    pugi::xml_node holder = flattened ? parent : parent.append_child(name.c_str());
    for (const auto& e : v) WriteXml(holder, item, e);
    return;
  }
  // A flattened list's items carry the list's XML name, not the member's.
  std::string element = name == "Rules" ? "Rule" : name;
  pugi::xml_node n = parent.append_child(element.c_str());
  if (v.is_object()) {
    for (auto it = v.begin(); it != v.end(); ++it) WriteXml(n, it.key(), it.value());
  } else {
    n.text().set(Scalar(v).c_str());
  }
}

std::string XmlBody(const std::string& root, const json& v) {
  pugi::xml_document doc;
  pugi::xml_node r = doc.append_child(root.c_str());
  r.append_attribute("xmlns") = kS3Namespace;
  for (auto it = v.begin(); it != v.end(); ++it) WriteXml(r, it.key(), it.value());
  std::ostringstream os;
  doc.save(os, "", pugi::format_raw | pugi::format_no_declaration);
  return os.str();
}

// The bucket-configuration calls: sub-resource, method, and the member that
// is the XML body (its root element has the member's name).
struct S3Op {
  const char* method;
  const char* subresource;  // "" for the bucket itself
  const char* body_member;  // "" for none
};
const std::map<std::string, S3Op>& S3Ops() {
  static const std::map<std::string, S3Op> kOps = {
      {"HeadBucket", {"HEAD", "", ""}},
      {"CreateBucket", {"PUT", "", "CreateBucketConfiguration"}},
      {"DeleteBucket", {"DELETE", "", ""}},
      {"GetBucketTagging", {"GET", "tagging", ""}},
      {"PutBucketTagging", {"PUT", "tagging", "Tagging"}},
      {"GetPublicAccessBlock", {"GET", "publicAccessBlock", ""}},
      {"PutPublicAccessBlock", {"PUT", "publicAccessBlock", "PublicAccessBlockConfiguration"}},
      {"GetBucketPolicy", {"GET", "policy", ""}},
      {"PutBucketPolicy", {"PUT", "policy", ""}},
      {"GetBucketLifecycleConfiguration", {"GET", "lifecycle", ""}},
      {"PutBucketLifecycleConfiguration", {"PUT", "lifecycle", "LifecycleConfiguration"}},
  };
  return kOps;
}

Status SerializeS3(const ApiCall& call, const S3Client* s3, ServiceRequest* out) {
  auto op = S3Ops().find(call.operation);
  if (op == S3Ops().end()) return Status::Invalid("ferry has no request builder for S3 " + call.operation);
  if (!s3) return Status::Invalid("S3 " + call.operation + " needs an S3 client");
  std::string bucket = call.params.value("Bucket", "");
  *out = s3->Request(call.operation, op->second.method, bucket, "");
  if (*op->second.subresource) out->query.emplace_back(op->second.subresource, "");
  std::string body;
  if (call.operation == "PutBucketPolicy") {
    body = call.params.value("Policy", "");
  } else if (*op->second.body_member && call.params.contains(op->second.body_member)) {
    body = XmlBody(op->second.body_member, call.params[op->second.body_member]);
  }
  if (!body.empty()) {
    out->body = std::make_shared<StringBody>(body);
    // S3 requires an integrity check on bucket-configuration bodies.
    out->headers.emplace_back("Content-MD5", Base64Encode(Md5(body)));
    if (call.operation != "PutBucketPolicy") out->headers.emplace_back("Content-Type", "application/xml");
  }
  return Status::Ok();
}

std::string Lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

json ElementToJson(const pugi::xml_node& n) {
  bool has_elements = false, all_items = true;
  std::map<std::string, int> counts;
  for (pugi::xml_node c = n.first_child(); c; c = c.next_sibling()) {
    if (c.type() != pugi::node_element) continue;
    has_elements = true;
    std::string name = c.name();
    counts[name]++;
    if (name != "member" && name != "item") all_items = false;
  }
  if (!has_elements) return json(n.text().get());
  if (all_items) {
    json arr = json::array();
    for (pugi::xml_node c = n.first_child(); c; c = c.next_sibling())
      if (c.type() == pugi::node_element) arr.push_back(ElementToJson(c));
    return arr;
  }
  json obj = json::object();
  for (pugi::xml_node c = n.first_child(); c; c = c.next_sibling()) {
    if (c.type() != pugi::node_element) continue;
    std::string name = c.name();
    if (counts[name] > 1) obj[name].push_back(ElementToJson(c));
    else obj[name] = ElementToJson(c);
  }
  return obj;
}

}  // namespace

std::string Ec2QueryName(const std::string& member) {
  static const std::map<std::string, std::string> kNames = {
      {"Filters", "Filter"},
      {"Values", "Value"},
      {"LaunchTemplateNames", "LaunchTemplateName"},
      {"BlockDeviceMappings", "BlockDeviceMapping"},
      {"TagSpecifications", "TagSpecification"},
      {"Tags", "Tag"},
      {"GroupIds", "GroupId"},
      {"SubnetIds", "SubnetId"},
      {"VpcIds", "VpcId"},
  };
  auto it = kNames.find(member);
  return it == kNames.end() ? member : it->second;
}

json XmlToJson(const std::string& xml) {
  pugi::xml_document doc;
  if (!doc.load_buffer(xml.data(), xml.size())) return json::object();
  pugi::xml_node root = doc.document_element();
  if (!root) return json::object();
  json j = ElementToJson(root);
  return j.is_object() ? j : json::object();
}

Status SerializeApiCall(const ApiCall& call, const S3Client* s3, ServiceRequest* out) {
  if (!call.params.is_object())
    return Status::Invalid(call.service + " " + call.operation + ": input is not an object");
  ServiceRequest r;
  r.service = call.service;
  r.operation = call.operation;
  if (call.service == "iam") {
    QueryList q;
    FlattenIam("", call.params, &q);
    SetFormBody(call.operation, "2010-05-08", std::move(q), &r);
    r.target = "IAM";
    // IAM is one global endpoint, signed for us-east-1.
    r.signing_region = "us-east-1";
  } else if (call.service == "ec2") {
    QueryList q;
    FlattenEc2("", call.params, &q);
    SetFormBody(call.operation, "2016-11-15", std::move(q), &r);
    r.target = "EC2";
  } else if (call.service == "logs") {
    r.method = "POST";
    r.headers = {{"Content-Type", "application/x-amz-json-1.1"}, {"X-Amz-Target", "Logs_20140328." + call.operation}};
    r.body = std::make_shared<StringBody>(call.params.dump());
    r.target = "CloudWatch Logs";
  } else if (call.service == "batch") {
    r.method = "POST";
    r.path = "/v1/" + Lower(call.operation);
    r.headers = {{"Content-Type", "application/json"}};
    r.body = std::make_shared<StringBody>(call.params.dump());
    r.target = "AWS Batch";
  } else if (call.service == "s3") {
    return SerializeS3(call, s3, out);
  } else {
    return Status::Invalid("ferry has no request builder for the " + call.service + " service");
  }
  *out = std::move(r);
  return Status::Ok();
}

Status LiveAwsApi::Create(std::shared_ptr<AwsClient> client, std::unique_ptr<LiveAwsApi>* out) {
  auto api = std::unique_ptr<LiveAwsApi>(new LiveAwsApi());
  FERRY_RETURN_IF_ERROR(S3Client::Create(client, &api->s3_));
  api->client_ = std::move(client);
  *out = std::move(api);
  return Status::Ok();
}

LiveAwsApi::~LiveAwsApi() = default;

Status LiveAwsApi::Call(const ApiCall& call, nlohmann::json* response, AwsError* error) {
  ServiceRequest r;
  FERRY_RETURN_IF_ERROR(SerializeApiCall(call, s3_.get(), &r));
  if (call.service == "iam") {
    Endpoint ep;
    FERRY_RETURN_IF_ERROR(client_->ResolveEndpointFor("iam", &ep));
    if (!ep.custom) ep.host = "iam.amazonaws.com";
    r.path = ep.base_path + r.path;
    r.endpoint = ep;
  }
  r.target += " in " + client_->region();
  ServiceResponse resp = client_->Call(std::move(r));
  if (!resp.status.ok()) {
    if (error) *error = resp.error;
    return resp.status;
  }
  json body = json::object();
  const std::string& text = resp.http.body;
  if (call.operation == "GetBucketPolicy") {
    body["Policy"] = text;
  } else if (call.service == "batch" || call.service == "logs") {
    if (!text.empty()) body = json::parse(text, nullptr, /*allow_exceptions=*/false);
    if (body.is_discarded())
      return Status::Failed(call.service + " " + call.operation + ": the response is not valid JSON");
  } else if (!text.empty()) {
    body = XmlToJson(text);
    // Query answers wrap the result: <OpResponse><OpResult>...</OpResult>.
    std::string result = call.operation + "Result";
    if (body.contains(result)) body = json(body[result]);
  }
  if (response) *response = std::move(body);
  return Status::Ok();
}

}  // namespace ferry::aws
