#include "awsemu/batch_platform.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdio>
#include <cstdlib>

#include "awsemu/batch_fields.h"
#include "awsemu/batch_job_spec.h"

namespace awsemu {
namespace {

using json = nlohmann::json;

// Fargate's memory (MiB) per vCPU count: from min to max in step.
struct FargateRow {
  double vcpus;
  int64_t min, max, step;
};
constexpr FargateRow kFargate[] = {
    {0.25, 512, 2048, 512}, {0.5, 1024, 4096, 1024}, {1, 2048, 8192, 1024},     {2, 4096, 16384, 1024},
    {4, 8192, 30720, 1024}, {8, 16384, 61440, 4096}, {16, 32768, 122880, 8192},
};

bool ValidPair(double vcpus, int64_t mib) {
  for (const FargateRow& r : kFargate) {
    if (std::fabs(r.vcpus - vcpus) > 1e-9) continue;
    // 0.25 vCPU takes 512, 1024 or 2048 only.
    if (r.vcpus == 0.25) return mib == 512 || mib == 1024 || mib == 2048;
    return mib >= r.min && mib <= r.max && (mib - r.min) % r.step == 0;
  }
  return false;
}

size_t Utf8Length(const std::string& s) {
  size_t n = 0;
  for (unsigned char c : s) n += (c & 0xC0) != 0x80;
  return n;
}

}  // namespace

bool IsFargateDefinition(const json& def) {
  auto it = def.find("platformCapabilities");
  return it != def.end() && it->is_array() && std::find(it->begin(), it->end(), "FARGATE") != it->end();
}

void CheckPlatformDefinition(const json& def) {
  if (def.contains("platformCapabilities")) {
    const json& caps = def["platformCapabilities"];
    if (!caps.is_array() || caps.size() != 1 || !caps[0].is_string() || (caps[0] != "EC2" && caps[0] != "FARGATE"))
      ThrowClient("platformCapabilities must be [\"EC2\"] or [\"FARGATE\"]");
  }
  const json cp = def.value("containerProperties", json::object());
  if (!IsFargateDefinition(def)) {
    for (const char* k : {"networkConfiguration", "fargatePlatformConfiguration", "ephemeralStorage"})
      if (cp.contains(k))
        ThrowClient(std::string("Error executing request, Exception : ") + k +
                    " is only valid for jobs that run on Fargate resources (platformCapabilities FARGATE).");
    return;
  }
  if (OptStr(cp, "executionRoleArn").empty())
    ThrowClient("Error executing request, Exception : Execution role is required for Fargate jobs.");
  if (cp.value("privileged", false))
    ThrowClient("Error executing request, Exception : privileged is not supported for Fargate jobs.");
  if (cp.contains("ulimits") && cp["ulimits"].is_array() && !cp["ulimits"].empty())
    ThrowClient("Error executing request, Exception : ulimits are not supported for Fargate jobs.");
  if (cp.contains("volumes") && cp["volumes"].is_array())
    for (const auto& v : cp["volumes"])
      if (v.contains("host") && v["host"].is_object() && !OptStr(v["host"], "sourcePath").empty())
        ThrowClient(
            "Error executing request, Exception : host volumes (sourcePath) are not supported for Fargate "
            "jobs.");
  if (cp.contains("vcpus") || cp.contains("memory"))
    ThrowClient("Error executing request, Exception : Fargate jobs take vCPUs and memory in resourceRequirements.");
  Resources r;
  ApplyResources(cp, &r);
  CheckFargateResources(r.vcpus, r.memory_mib, r.gpus);
  if (cp.contains("networkConfiguration")) {
    std::string ip = OptStr(cp["networkConfiguration"], "assignPublicIp", "DISABLED");
    if (ip != "ENABLED" && ip != "DISABLED")
      ThrowClient("networkConfiguration.assignPublicIp must be ENABLED or DISABLED");
  }
  if (cp.contains("ephemeralStorage")) {
    auto g = OptInt(cp["ephemeralStorage"], "sizeInGiB");
    if (!g || *g < 21 || *g > 200)
      ThrowClient("Error executing request, Exception : ephemeralStorage.sizeInGiB must be between 21 and 200.");
  }
}

void CheckFargateResources(double vcpus, int64_t memory_mib, int gpus) {
  if (gpus > 0) ThrowClient("Error executing request, Exception : GPU resources are not supported on Fargate.");
  if (!ValidPair(vcpus, memory_mib)) {
    char buf[64];
    std::snprintf(buf, sizeof buf, "%g vCPU and %lld MiB", vcpus, static_cast<long long>(memory_mib));
    ThrowClient(std::string("Error executing request, Exception : Fargate resource requirements (") + buf +
                ") are not a supported combination of VCPU and MEMORY.");
  }
}

void CheckQueuePlatform(bool fargate, const std::string& queue, const std::vector<std::string>& ce_types) {
  for (const std::string& t : ce_types) {
    bool ce_fargate = t == "FARGATE" || t == "FARGATE_SPOT";
    if (ce_fargate != fargate)
      ThrowClient("Error executing request, Exception : Job queue " + queue + " has compute environments of type " + t +
                  ", which cannot run a job definition for " + (fargate ? "FARGATE" : "EC2") + ".");
  }
}

void CheckFairShare(const json& submit, const std::string& queue, const std::string& policy_arn) {
  bool has_share = submit.contains("shareIdentifier") && !submit["shareIdentifier"].is_null();
  if (policy_arn.empty()) {
    if (has_share)
      ThrowClient("Error executing request, Exception : Job queue " + queue +
                  " does not have a scheduling policy, so shareIdentifier must not be set.");
    if (submit.contains("schedulingPriorityOverride"))
      ThrowClient("Error executing request, Exception : Job queue " + queue +
                  " does not have a scheduling policy, so schedulingPriorityOverride must not be set.");
    return;
  }
  if (!has_share)
    ThrowClient("Error executing request, Exception : Job queue " + queue +
                " has a scheduling policy, so shareIdentifier is required.");
  if (auto p = OptInt(submit, "schedulingPriorityOverride"); p && (*p < 0 || *p > 9999))
    ThrowClient("schedulingPriorityOverride must be between 0 and 9999");
}

void CheckTags(const json& tags) {
  if (tags.is_null()) return;
  if (!tags.is_object()) ThrowClient("tags must be a map of strings");
  if (tags.size() > 50) ThrowClient("Error executing request, Exception : A resource can have at most 50 tags.");
  for (const auto& [k, v] : tags.items()) {
    if (!v.is_string()) ThrowClient("tags: the value of " + k + " must be a string");
    if (k.empty() || Utf8Length(k) > 128)
      ThrowClient("Error executing request, Exception : Tag keys must be 1 to 128 characters.");
    if (Utf8Length(v.get<std::string>()) > 256)
      ThrowClient("Error executing request, Exception : Tag values must be at most 256 characters.");
    std::string lower;
    for (char c : k.substr(0, 4)) lower += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (lower == "aws:") ThrowClient("Error executing request, Exception : Tag keys may not start with aws:.");
  }
}

}  // namespace awsemu
