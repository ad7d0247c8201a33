#include "awsemu/query_protocol.h"

#include <algorithm>
#include <atomic>
#include <cstdio>

#include <pugixml.hpp>

#include "aws/sigv4.h"
#include "awsemu/s3_xml.h"
#include "util/text.h"

namespace awsemu {
namespace {

using nlohmann::json;

bool AllDigits(const std::string& s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

// The flat names as a tree of segments, before arrays are made.
struct Node {
  std::string value;
  std::map<std::string, Node> kids;
};

json ToJson(const Node& n) {
  if (n.kids.empty()) return n.value;
  bool numbered = std::all_of(n.kids.begin(), n.kids.end(), [](const auto& k) { return AllDigits(k.first); });
  if (!numbered) {
    json out = json::object();
    for (const auto& [k, kid] : n.kids) out[k] = ToJson(kid);
    return out;
  }
  std::vector<std::pair<unsigned long long, const Node*>> items;
  for (const auto& [k, kid] : n.kids) items.emplace_back(std::strtoull(k.c_str(), nullptr, 10), &kid);
  std::sort(items.begin(), items.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
  json out = json::array();
  for (const auto& [_, kid] : items) out.push_back(ToJson(*kid));
  return out;
}

void AppendJson(pugi::xml_node parent, const json& value, const char* item_name) {
  if (value.is_object()) {
    for (const auto& [k, v] : value.items()) {
      // "name|item": a list whose elements are named <item> (EC2's string
      // lists, e.g. securityGroupIdSet of <groupId>).
      auto bar = k.find('|');
      if (bar == std::string::npos) {
        AppendJson(parent.append_child(k.c_str()), v, item_name);
        continue;
      }
      pugi::xml_node list = parent.append_child(k.substr(0, bar).c_str());
      for (const auto& e : v) AppendJson(list.append_child(k.substr(bar + 1).c_str()), e, item_name);
    }
  } else if (value.is_array()) {
    for (const auto& v : value) AppendJson(parent.append_child(item_name), v, item_name);
  } else if (value.is_boolean()) {
    parent.text().set(value.get<bool>() ? "true" : "false");
  } else if (value.is_string()) {
    parent.text().set(value.get<std::string>().c_str());
  } else if (!value.is_null()) {
    parent.text().set(value.dump().c_str());
  }
}

pugi::xml_node Root(pugi::xml_document* doc, const std::string& action, const std::string& xmlns) {
  doc->append_child(pugi::node_declaration).append_attribute("version") = "1.0";
  pugi::xml_node root = doc->append_child((action + "Response").c_str());
  root.append_attribute("xmlns") = xmlns.c_str();
  return root;
}

}  // namespace

std::map<std::string, std::string> QueryParams(const EmuRequest& req) {
  std::map<std::string, std::string> p;
  for (const auto& [k, v] : req.query) p[k] = v;
  std::string body = req.body;
  std::replace(body.begin(), body.end(), '+', ' ');
  for (const auto& [k, v] : ferry::aws::ParseQueryString(body)) p[k] = v;
  return p;
}

std::string QueryAction(const EmuRequest& req) {
  auto p = QueryParams(req);
  auto it = p.find("Action");
  return it == p.end() ? std::string() : it->second;
}

json QueryTree(const std::map<std::string, std::string>& params) {
  Node root;
  for (const auto& [name, value] : params) {
    Node* n = &root;
    for (const std::string& seg : ferry::Split(name, '.')) n = &n->kids[seg];
    // A name that is also the prefix of others ("A" and "A.1") keeps the
    // longer ones: the tree cannot hold both.
    if (n->kids.empty()) n->value = value;
  }
  json out = ToJson(root);
  return out.is_object() ? out : json::object();
}

json QueryMembers(const json& tree, const std::string& name) {
  if (!tree.is_object() || !tree.contains(name)) return json::array();
  const json& v = tree[name];
  if (v.is_array()) return v;
  if (v.is_object() && v.contains("member") && v["member"].is_array()) return v["member"];
  return json::array();
}

std::string QueryXml(const std::string& action, const std::string& xmlns, const std::string& request_id,
                     const json& result) {
  pugi::xml_document doc;
  pugi::xml_node root = Root(&doc, action, xmlns);
  AppendJson(root.append_child((action + "Result").c_str()), result, "member");
  XmlText(root.append_child("ResponseMetadata"), "RequestId", request_id);
  return XmlString(doc);
}

std::string Ec2Xml(const std::string& action, const std::string& request_id, const json& result) {
  pugi::xml_document doc;
  pugi::xml_node root = Root(&doc, action, "http://ec2.amazonaws.com/doc/2016-11-15/");
  XmlText(root, "requestId", request_id);
  AppendJson(root, result, "item");
  return XmlString(doc);
}

std::string NewQueryRequestId() {
  static std::atomic<uint64_t> n{0};
  char buf[64];
  snprintf(buf, sizeof buf, "c0ffee00-0000-4000-8000-%012llx", static_cast<unsigned long long>(++n));
  return buf;
}

}  // namespace awsemu
