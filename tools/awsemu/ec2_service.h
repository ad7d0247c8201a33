// EC2 as ferry-awsemu serves it: the calls a Batch set-up makes, in EC2's
// query protocol (Action=DescribeVpcs&Filter.1.Name=...; answers straight
// under <ActionResponse> with <item> lists; errors as <Response><Errors>).
// A fresh emulator has what a new AWS account has in its region: a default
// VPC (172.31.0.0/16) with one default subnet per availability zone and its
// "default" security group. Launch templates can be created, versioned,
// described and deleted; tags go on any of these resources (CreateTags,
// DeleteTags, DescribeTags and tag:KEY filters). No instances run: Batch
// jobs run on the emulator's host.
#pragma once

#include <map>
#include <mutex>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "awsemu/emu_error.h"
#include "awsemu/service.h"

namespace awsemu {

class Ec2Service : public Service {
 public:
  explicit Ec2Service(std::string region);
  std::string signing_name() const override { return "ec2"; }
  std::string OperationName(const EmuRequest& req) const override;
  void Handle(const EmuRequest& req, EmuResponse* resp) override;
  void Reset() override;

  // One resource EC2 describes: its id, its type as DescribeTags names it
  // ("vpc", "subnet", "security-group", "launch-template"), the values its
  // Describe filters match ("vpc-id" -> {...}), and its answer without tags
  // (EC2 wire names, e.g. {"vpcId": ..., "isDefault": "true"}).
  struct Resource {
    std::string id, type;
    std::map<std::string, std::vector<std::string>> filter_values;
    nlohmann::json view;
  };
  struct TemplateVersion {
    int number = 0;
    std::string description, create_time;
    nlohmann::json data;  // launchTemplateData in EC2's response wire names
  };
  struct LaunchTemplate {
    std::string id, name, create_time;
    std::vector<TemplateVersion> versions;
    int default_version = 1;
  };

  // Each operation answers from state, with mu_ held; `in` is the QueryTree.
  using Handler = EmuError (Ec2Service::*)(const nlohmann::json& in, nlohmann::json* out);
  EmuError DescribeVpcs(const nlohmann::json& in, nlohmann::json* out);
  EmuError DescribeSubnets(const nlohmann::json& in, nlohmann::json* out);
  EmuError DescribeSecurityGroups(const nlohmann::json& in, nlohmann::json* out);
  EmuError CreateLaunchTemplate(const nlohmann::json& in, nlohmann::json* out);
  EmuError CreateLaunchTemplateVersion(const nlohmann::json& in, nlohmann::json* out);
  EmuError ModifyLaunchTemplate(const nlohmann::json& in, nlohmann::json* out);
  EmuError DescribeLaunchTemplates(const nlohmann::json& in, nlohmann::json* out);
  EmuError DescribeLaunchTemplateVersions(const nlohmann::json& in, nlohmann::json* out);
  EmuError DeleteLaunchTemplate(const nlohmann::json& in, nlohmann::json* out);
  EmuError CreateTags(const nlohmann::json& in, nlohmann::json* out);
  EmuError DeleteTags(const nlohmann::json& in, nlohmann::json* out);
  EmuError DescribeTags(const nlohmann::json& in, nlohmann::json* out);

 private:
  void SeedDefaultVpc();
  // The resources of `type` that the request's ids (`id_param`) and
  // Filter.N ask for, with their tags, as `set_name` (e.g. "vpcSet").
  EmuError DescribeOf(const std::string& type, const nlohmann::json& in, const char* id_param,
                      const char* not_found_code, const char* set_name, nlohmann::json* out);
  // The template a request names by LaunchTemplateId or LaunchTemplateName.
  EmuError FindTemplate(const nlohmann::json& in, LaunchTemplate** out);
  nlohmann::json TemplateJson(const LaunchTemplate& t) const;
  nlohmann::json TagSet(const std::string& id) const;
  // Applies TagSpecification.N of `resource_type` to `id`.
  void TagOnCreate(const nlohmann::json& in, const std::string& resource_type, const std::string& id);

  std::string region_;
  std::mutex mu_;
  std::map<std::string, Resource> resources_;        // by id (VPCs, subnets, security groups)
  std::map<std::string, LaunchTemplate> templates_;  // by id
  std::map<std::string, std::vector<std::pair<std::string, std::string>>> tags_;  // by resource id
};

// EC2's response data of a launch template version from its request form
// (LaunchTemplateData.*): each field's name with its first letter lower-cased,
// and a list "X" (X.1, X.2, ...) renamed "xSet" (BlockDeviceMapping ->
// blockDeviceMappingSet), which is how EC2's model names every field ferry's
// set-up sends. Pure.
nlohmann::json LaunchTemplateDataView(const nlohmann::json& request_data);

}  // namespace awsemu
