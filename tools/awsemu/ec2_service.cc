#include "awsemu/ec2_service.h"

#include <algorithm>
#include <cctype>
#include <chrono>

#include "awsemu/auth.h"
#include "awsemu/batch_ids.h"
#include "awsemu/operation_table.h"
#include "awsemu/query_protocol.h"
#include "awsemu/sts.h"

namespace awsemu {
namespace {

using nlohmann::json;

// EC2 resource ids: a prefix and 17 hex digits.
std::string NewEc2Id(const char* prefix) {
  std::string hex;
  for (char c : NewUuid())
    if (c != '-') hex += c;
  return std::string(prefix) + "-" + hex.substr(0, 17);
}

std::string Str(const json& in, const char* name) {
  return in.contains(name) && in[name].is_string() ? in[name].get<std::string>() : std::string();
}

std::vector<std::string> Strings(const json& in, const char* name) {
  std::vector<std::string> out;
  for (const json& v : QueryMembers(in, name))
    if (v.is_string()) out.push_back(v.get<std::string>());
  return out;
}

EmuError Missing(const char* name) {
  return EmuError::Client("MissingParameter", std::string("The request must contain the parameter ") + name);
}

// Filter values may end in '*' (a prefix match), as EC2 allows.
bool ValueMatches(const std::string& want, const std::string& have) {
  if (!want.empty() && want.back() == '*') return have.rfind(want.substr(0, want.size() - 1), 0) == 0;
  return want == have;
}

std::string LowerFirst(std::string s) {
  if (!s.empty()) s[0] = static_cast<char>(std::tolower(static_cast<unsigned char>(s[0])));
  return s;
}

// Request lists of strings whose response elements are not <item>.
const std::pair<const char*, const char*> kStringLists[] = {
    {"SecurityGroupId", "securityGroupIdSet|groupId"},
    {"SecurityGroup", "securityGroupSet|groupName"},
};

json DataView(const json& v) {
  if (v.is_array()) {
    json out = json::array();
    for (const json& e : v) out.push_back(DataView(e));
    return out;
  }
  if (!v.is_object()) return v;
  json out = json::object();
  for (const auto& [k, e] : v.items()) {
    if (!e.is_array()) {
      out[LowerFirst(k)] = DataView(e);
      continue;
    }
    std::string name = LowerFirst(k) + "Set";
    for (const auto& [request, response] : kStringLists)
      if (k == request) name = response;
    out[name] = DataView(e);
  }
  return out;
}

std::string Now() { return Iso8601(std::chrono::system_clock::now()); }

// Sets tag k=v in `tags`, keeping the order in which keys first came.
void SetTag(std::vector<std::pair<std::string, std::string>>* tags, const std::string& k, const std::string& v) {
  auto it = std::find_if(tags->begin(), tags->end(), [&](const auto& x) { return x.first == k; });
  if (it == tags->end()) tags->emplace_back(k, v);
  else it->second = v;
}

}  // namespace

json LaunchTemplateDataView(const json& request_data) {
  return request_data.is_object() ? DataView(request_data) : json::object();
}

Ec2Service::Ec2Service(std::string region) : region_(std::move(region)) {
  std::lock_guard<std::mutex> lock(mu_);
  SeedDefaultVpc();
}

void Ec2Service::Reset() {
  std::lock_guard<std::mutex> lock(mu_);
  resources_.clear();
  templates_.clear();
  tags_.clear();
  SeedDefaultVpc();
}

void Ec2Service::SeedDefaultVpc() {
  const std::string vpc = NewEc2Id("vpc");
  Resource v;
  v.id = vpc;
  v.type = "vpc";
  v.filter_values = {{"vpc-id", {vpc}},           {"is-default", {"true"}},          {"isDefault", {"true"}},
                     {"cidr", {"172.31.0.0/16"}}, {"cidr-block", {"172.31.0.0/16"}}, {"state", {"available"}},
                     {"owner-id", {kAccountId}}};
  v.view = {{"vpcId", vpc},
            {"ownerId", kAccountId},
            {"instanceTenancy", "default"},
            {"cidrBlockAssociationSet",
             {{{"associationId", NewEc2Id("vpc-cidr-assoc")},
               {"cidrBlock", "172.31.0.0/16"},
               {"cidrBlockState", {{"state", "associated"}}}}}},
            {"isDefault", true},
            {"state", "available"},
            {"cidrBlock", "172.31.0.0/16"},
            {"dhcpOptionsId", NewEc2Id("dopt")}};
  resources_[vpc] = v;

  const char* zones[] = {"a", "b", "c"};
  for (int i = 0; i < 3; ++i) {
    const std::string id = NewEc2Id("subnet");
    const std::string az = region_ + zones[i];
    const std::string cidr = "172.31." + std::to_string(16 * i) + ".0/20";
    Resource s;
    s.id = id;
    s.type = "subnet";
    s.filter_values = {{"subnet-id", {id}},        {"vpc-id", {vpc}},           {"default-for-az", {"true"}},
                       {"defaultForAz", {"true"}}, {"availability-zone", {az}}, {"cidr-block", {cidr}},
                       {"state", {"available"}},   {"owner-id", {kAccountId}}};
    s.view = {{"availabilityZoneId", "use1-az" + std::to_string(i + 1)},
              {"mapCustomerOwnedIpOnLaunch", false},
              {"ownerId", kAccountId},
              {"assignIpv6AddressOnCreation", false},
              {"subnetArn", std::string("arn:aws:ec2:") + region_ + ":" + kAccountId + ":subnet/" + id},
              {"enableDns64", false},
              {"ipv6Native", false},
              {"subnetId", id},
              {"state", "available"},
              {"vpcId", vpc},
              {"cidrBlock", cidr},
              {"availableIpAddressCount", 4091},
              {"availabilityZone", az},
              {"defaultForAz", true},
              {"mapPublicIpOnLaunch", true}};
    resources_[id] = s;
  }

  const std::string sg = NewEc2Id("sg");
  Resource g;
  g.id = sg;
  g.type = "security-group";
  g.filter_values = {{"group-id", {sg}},
                     {"group-name", {"default"}},
                     {"vpc-id", {vpc}},
                     {"owner-id", {kAccountId}},
                     {"description", {"default VPC security group"}}};
  g.view = {{"groupId", sg},
            {"ipPermissionsEgress", {{{"ipProtocol", "-1"}, {"ipRanges", {{{"cidrIp", "0.0.0.0/0"}}}}}}},
            {"vpcId", vpc},
            {"securityGroupArn", std::string("arn:aws:ec2:") + region_ + ":" + kAccountId + ":security-group/" + sg},
            {"ownerId", kAccountId},
            {"groupName", "default"},
            {"groupDescription", "default VPC security group"},
            {"ipPermissions", {{{"ipProtocol", "-1"}, {"groups", {{{"groupId", sg}, {"userId", kAccountId}}}}}}}};
  resources_[sg] = g;
}

json Ec2Service::TagSet(const std::string& id) const {
  json out = json::array();
  auto it = tags_.find(id);
  if (it != tags_.end())
    for (const auto& [k, v] : it->second) out.push_back({{"key", k}, {"value", v}});
  return out;
}

namespace {

// Whether every Filter.N of the request matches: its name's values (or the
// resource's tags for tag:KEY and tag-key) hold one of the filter's values.
bool PassesFilters(const json& in, const std::map<std::string, std::vector<std::string>>& values,
                   const std::vector<std::pair<std::string, std::string>>& tags) {
  for (const json& f : QueryMembers(in, "Filter")) {
    std::string name = Str(f, "Name");
    std::vector<std::string> have;
    if (name.rfind("tag:", 0) == 0) {
      for (const auto& [k, v] : tags)
        if (k == name.substr(4)) have.push_back(v);
    } else if (name == "tag-key") {
      for (const auto& [k, v] : tags) have.push_back(k);
    } else if (auto it = values.find(name); it != values.end()) {
      have = it->second;
    }
    std::vector<std::string> wanted = Strings(f, "Value");
    bool any = std::any_of(wanted.begin(), wanted.end(), [&](const std::string& w) {
      return std::any_of(have.begin(), have.end(), [&](const std::string& h) { return ValueMatches(w, h); });
    });
    if (!any) return false;
  }
  return true;
}

}  // namespace

EmuError Ec2Service::DescribeOf(const std::string& type, const json& in, const char* id_param,
                                const char* not_found_code, const char* set_name, json* out) {
  std::vector<std::string> ids = Strings(in, id_param);
  for (const std::string& id : ids) {
    auto it = resources_.find(id);
    if (it == resources_.end() || it->second.type != type)
      return EmuError::Client(not_found_code, "The " + type + " ID '" + id + "' does not exist");
  }
  json list = json::array();
  for (const auto& [id, r] : resources_) {
    if (r.type != type) continue;
    if (!ids.empty() && std::find(ids.begin(), ids.end(), id) == ids.end()) continue;
    if (!PassesFilters(in, r.filter_values, tags_[id])) continue;
    json v = r.view;
    json tags = TagSet(id);
    if (!tags.empty()) v["tagSet"] = tags;
    list.push_back(v);
  }
  (*out)[set_name] = list;
  return EmuError::Ok();
}

EmuError Ec2Service::DescribeVpcs(const json& in, json* out) {
  return DescribeOf("vpc", in, "VpcId", "InvalidVpcID.NotFound", "vpcSet", out);
}

EmuError Ec2Service::DescribeSubnets(const json& in, json* out) {
  return DescribeOf("subnet", in, "SubnetId", "InvalidSubnetID.NotFound", "subnetSet", out);
}

EmuError Ec2Service::DescribeSecurityGroups(const json& in, json* out) {
  for (const std::string& name : Strings(in, "GroupName")) {
    bool found = std::any_of(resources_.begin(), resources_.end(), [&](const auto& r) {
      return r.second.type == "security-group" && r.second.view.value("groupName", "") == name;
    });
    if (!found)
      return EmuError::Client("InvalidGroup.NotFound",
                              "The security group '" + name + "' does not exist in default VPC");
  }
  json group_names = QueryMembers(in, "GroupName");
  EmuError e = DescribeOf("security-group", in, "GroupId", "InvalidGroup.NotFound", "securityGroupInfo", out);
  if (!e.ok() || group_names.empty()) return e;
  json kept = json::array();
  for (const json& g : (*out)["securityGroupInfo"])
    if (std::find(group_names.begin(), group_names.end(), g["groupName"]) != group_names.end()) kept.push_back(g);
  (*out)["securityGroupInfo"] = kept;
  return EmuError::Ok();
}

void Ec2Service::TagOnCreate(const json& in, const std::string& resource_type, const std::string& id) {
  for (const json& spec : QueryMembers(in, "TagSpecification")) {
    if (Str(spec, "ResourceType") != resource_type) continue;
    for (const json& t : QueryMembers(spec, "Tag")) SetTag(&tags_[id], Str(t, "Key"), Str(t, "Value"));
  }
}

json Ec2Service::TemplateJson(const LaunchTemplate& t) const {
  json j = {{"launchTemplateId", t.id},
            {"launchTemplateName", t.name},
            {"createTime", t.create_time},
            {"createdBy", std::string("arn:aws:iam::") + kAccountId + ":root"},
            {"defaultVersionNumber", t.default_version},
            {"latestVersionNumber", t.versions.back().number}};
  json tags = TagSet(t.id);
  if (!tags.empty()) j["tagSet"] = tags;
  return j;
}

namespace {

// Names of launch templates: 3 to 128 letters, digits and ( ) . - / _.
bool ValidTemplateName(const std::string& name) {
  return name.size() >= 3 && name.size() <= 128 && std::all_of(name.begin(), name.end(), [](unsigned char c) {
           return std::isalnum(c) || std::string_view("().-/_").find(static_cast<char>(c)) != std::string::npos;
         });
}

}  // namespace

EmuError Ec2Service::CreateLaunchTemplate(const json& in, json* out) {
  std::string name = Str(in, "LaunchTemplateName");
  if (name.empty()) return Missing("LaunchTemplateName");
  if (!ValidTemplateName(name))
    return EmuError::Client("InvalidLaunchTemplateName.MalformedException",
                            "A launch template name must be between 3 and 128 characters, and may contain letters, "
                            "numbers, and the following characters: - ( ) . / _.'");
  if (!in.contains("LaunchTemplateData")) return Missing("LaunchTemplateData");
  for (const auto& [id, t] : templates_)
    if (t.name == name)
      return EmuError::Client("InvalidLaunchTemplateName.AlreadyExistsException",
                              "Launch template name already in use.");
  LaunchTemplate t;
  t.id = NewEc2Id("lt");
  t.name = name;
  t.create_time = Now();
  t.versions.push_back(
      {1, Str(in, "VersionDescription"), t.create_time, LaunchTemplateDataView(in["LaunchTemplateData"])});
  TagOnCreate(in, "launch-template", t.id);
  (*out)["launchTemplate"] = TemplateJson(templates_[t.id] = t);
  return EmuError::Ok();
}

EmuError Ec2Service::FindTemplate(const json& in, LaunchTemplate** out) {
  std::string id = Str(in, "LaunchTemplateId"), name = Str(in, "LaunchTemplateName");
  if (id.empty() && name.empty()) return Missing("LaunchTemplateId or LaunchTemplateName");
  for (auto& [tid, t] : templates_)
    if ((!id.empty() && tid == id) || (id.empty() && t.name == name)) {
      *out = &t;
      return EmuError::Ok();
    }
  if (!id.empty())
    return EmuError::Client("InvalidLaunchTemplateId.NotFound",
                            "The specified launch template, with template ID " + id + ", does not exist.");
  return EmuError::Client("InvalidLaunchTemplateName.NotFoundException",
                          "The specified launch template, with template name " + name + ", does not exist.");
}

namespace {

// A version reference ("$Latest", "$Default" or a number) to its number; 0
// when it names none.
int VersionNumber(const Ec2Service::LaunchTemplate& t, const std::string& ref) {
  if (ref == "$Latest") return t.versions.back().number;
  if (ref == "$Default") return t.default_version;
  char* end = nullptr;
  long n = std::strtol(ref.c_str(), &end, 10);
  if (ref.empty() || *end != '\0') return 0;
  for (const auto& v : t.versions)
    if (v.number == n) return v.number;
  return 0;
}

json VersionJson(const Ec2Service::LaunchTemplate& t, const Ec2Service::TemplateVersion& v) {
  return {{"launchTemplateId", t.id},
          {"launchTemplateName", t.name},
          {"versionNumber", v.number},
          {"versionDescription", v.description},
          {"createTime", v.create_time},
          {"createdBy", std::string("arn:aws:iam::") + kAccountId + ":root"},
          {"defaultVersion", v.number == t.default_version},
          {"launchTemplateData", v.data}};
}

const Ec2Service::TemplateVersion* VersionOf(const Ec2Service::LaunchTemplate& t, int number) {
  for (const auto& v : t.versions)
    if (v.number == number) return &v;
  return nullptr;
}

}  // namespace

EmuError Ec2Service::CreateLaunchTemplateVersion(const json& in, json* out) {
  LaunchTemplate* t = nullptr;
  EmuError e = FindTemplate(in, &t);
  if (!e.ok()) return e;
  if (!in.contains("LaunchTemplateData")) return Missing("LaunchTemplateData");
  json data = LaunchTemplateDataView(in["LaunchTemplateData"]);
  std::string source = Str(in, "SourceVersion");
  if (!source.empty()) {
    const TemplateVersion* from = VersionOf(*t, VersionNumber(*t, source));
    if (!from)
      return EmuError::Client("InvalidLaunchTemplateVersion.NotFound",
                              "Could not find launch template version " + source);
    json merged = from->data;
    merged.update(data);
    data = merged;
  }
  TemplateVersion v{t->versions.back().number + 1, Str(in, "VersionDescription"), Now(), data};
  t->versions.push_back(v);
  (*out)["launchTemplateVersion"] = VersionJson(*t, v);
  return EmuError::Ok();
}

EmuError Ec2Service::ModifyLaunchTemplate(const json& in, json* out) {
  LaunchTemplate* t = nullptr;
  EmuError e = FindTemplate(in, &t);
  if (!e.ok()) return e;
  std::string ref = Str(in, "SetDefaultVersion");
  if (!ref.empty()) {
    int n = VersionNumber(*t, ref);
    if (n == 0)
      return EmuError::Client("InvalidLaunchTemplateVersion.NotFound", "Could not find launch template version " + ref);
    t->default_version = n;
  }
  (*out)["launchTemplate"] = TemplateJson(*t);
  return EmuError::Ok();
}

EmuError Ec2Service::DescribeLaunchTemplates(const json& in, json* out) {
  std::vector<std::string> ids = Strings(in, "LaunchTemplateId"), names = Strings(in, "LaunchTemplateName");
  for (const std::string& name : names)
    if (std::none_of(templates_.begin(), templates_.end(), [&](const auto& t) { return t.second.name == name; }))
      return EmuError::Client("InvalidLaunchTemplateName.NotFoundException",
                              "At least one of the launch templates specified in the request does not exist.");
  for (const std::string& id : ids)
    if (!templates_.count(id))
      return EmuError::Client("InvalidLaunchTemplateId.NotFound",
                              "The specified launch template, with template ID " + id + ", does not exist.");
  json list = json::array();
  for (const auto& [id, t] : templates_) {
    if (!ids.empty() && std::find(ids.begin(), ids.end(), id) == ids.end()) continue;
    if (!names.empty() && std::find(names.begin(), names.end(), t.name) == names.end()) continue;
    if (!PassesFilters(in, {{"launch-template-name", {t.name}}}, tags_[id])) continue;
    list.push_back(TemplateJson(t));
  }
  (*out)["launchTemplates"] = list;
  return EmuError::Ok();
}

EmuError Ec2Service::DescribeLaunchTemplateVersions(const json& in, json* out) {
  LaunchTemplate* t = nullptr;
  EmuError e = FindTemplate(in, &t);
  if (!e.ok()) return e;
  std::vector<int> wanted;
  for (const std::string& ref : Strings(in, "LaunchTemplateVersion")) {
    int n = VersionNumber(*t, ref);
    if (n == 0)
      return EmuError::Client("InvalidLaunchTemplateVersion.NotFound", "Could not find launch template version " + ref);
    wanted.push_back(n);
  }
  json list = json::array();
  for (const TemplateVersion& v : t->versions) {
    if (!wanted.empty() && std::find(wanted.begin(), wanted.end(), v.number) == wanted.end()) continue;
    list.push_back(VersionJson(*t, v));
  }
  (*out)["launchTemplateVersionSet"] = list;
  return EmuError::Ok();
}

EmuError Ec2Service::DeleteLaunchTemplate(const json& in, json* out) {
  LaunchTemplate* t = nullptr;
  EmuError e = FindTemplate(in, &t);
  if (!e.ok()) return e;
  (*out)["launchTemplate"] = TemplateJson(*t);
  tags_.erase(t->id);
  templates_.erase(t->id);
  return EmuError::Ok();
}

EmuError Ec2Service::CreateTags(const json& in, json* out) {
  std::vector<std::string> ids = Strings(in, "ResourceId");
  if (ids.empty()) return Missing("ResourceId");
  json tags = QueryMembers(in, "Tag");
  if (tags.empty()) return Missing("Tag");
  for (const std::string& id : ids)
    if (!resources_.count(id) && !templates_.count(id))
      return EmuError::Client("InvalidID", "The ID '" + id + "' is not valid");
  for (const std::string& id : ids)
    for (const json& t : tags) SetTag(&tags_[id], Str(t, "Key"), Str(t, "Value"));
  (*out)["return"] = true;
  return EmuError::Ok();
}

EmuError Ec2Service::DeleteTags(const json& in, json* out) {
  std::vector<std::string> ids = Strings(in, "ResourceId");
  if (ids.empty()) return Missing("ResourceId");
  json keys = QueryMembers(in, "Tag");
  for (const std::string& id : ids) {
    auto& list = tags_[id];
    if (keys.empty()) {
      list.clear();  // no Tag.N: every tag goes
      continue;
    }
    for (const json& t : keys) {
      std::string k = Str(t, "Key"), v = Str(t, "Value");
      list.erase(std::remove_if(list.begin(), list.end(),
                                [&](const auto& x) { return x.first == k && (!t.contains("Value") || x.second == v); }),
                 list.end());
    }
  }
  (*out)["return"] = true;
  return EmuError::Ok();
}

EmuError Ec2Service::DescribeTags(const json& in, json* out) {
  json list = json::array();
  for (const auto& [id, tags] : tags_) {
    std::string type;
    if (auto r = resources_.find(id); r != resources_.end()) type = r->second.type;
    else if (templates_.count(id)) type = "launch-template";
    else continue;
    for (const auto& [k, v] : tags) {
      if (!PassesFilters(in, {{"resource-id", {id}}, {"resource-type", {type}}, {"key", {k}}, {"value", {v}}}, {}))
        continue;
      list.push_back({{"key", k}, {"resourceId", id}, {"resourceType", type}, {"value", v}});
    }
  }
  (*out)["tagSet"] = list;
  return EmuError::Ok();
}

namespace {

const OperationRow<Ec2Service::Handler> kOperations[] = {
    {"DescribeVpcs", &Ec2Service::DescribeVpcs},
    {"DescribeSubnets", &Ec2Service::DescribeSubnets},
    {"DescribeSecurityGroups", &Ec2Service::DescribeSecurityGroups},
    {"CreateLaunchTemplate", &Ec2Service::CreateLaunchTemplate},
    {"CreateLaunchTemplateVersion", &Ec2Service::CreateLaunchTemplateVersion},
    {"ModifyLaunchTemplate", &Ec2Service::ModifyLaunchTemplate},
    {"DescribeLaunchTemplates", &Ec2Service::DescribeLaunchTemplates},
    {"DescribeLaunchTemplateVersions", &Ec2Service::DescribeLaunchTemplateVersions},
    {"DeleteLaunchTemplate", &Ec2Service::DeleteLaunchTemplate},
    {"CreateTags", &Ec2Service::CreateTags},
    {"DeleteTags", &Ec2Service::DeleteTags},
    {"DescribeTags", &Ec2Service::DescribeTags},
};

}  // namespace

std::string Ec2Service::OperationName(const EmuRequest& req) const { return QueryAction(req); }

void Ec2Service::Handle(const EmuRequest& req, EmuResponse* resp) {
  const std::string request_id = NewQueryRequestId();
  json in = QueryTree(QueryParams(req));
  const std::string action = Str(in, "Action");
  Handler handler = FindHandler(kOperations, action);
  json out = json::object();
  EmuError e;
  if (!handler) {
    e = EmuError::Client("InvalidAction", "The action " + action + " is not valid for this web service.");
  } else if (Str(in, "DryRun") == "true") {
    // The caller may: EC2 says so with this error.
    e = {412, "DryRunOperation", "Request would have succeeded, but DryRun flag is set."};
  } else {
    std::lock_guard<std::mutex> lock(mu_);
    e = (this->*handler)(in, &out);
  }
  if (!e.ok()) return RenderError(WireProtocol::kEc2, e, request_id, resp);
  resp->status = 200;
  resp->content_type = "text/xml";
  resp->body = Ec2Xml(action, request_id, out);
}

}  // namespace awsemu
