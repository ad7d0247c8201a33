#include "awsbatch/job_definitions.h"

#include "aws/crypto.h"
#include "util/path.h"
#include "util/text.h"

namespace ferry {

namespace {
constexpr const char* kPrefix = "job-definition://";
constexpr const char* kTokenParam = "ferry-token";
constexpr size_t kMaxName = 128;

std::string ParentDir(std::string p) {
  while (p.size() > 1 && p.back() == '/') p.pop_back();
  size_t slash = p.rfind('/');
  if (slash == std::string::npos) return "";
  return slash == 0 ? "/" : p.substr(0, slash);
}

std::string VolumeName(size_t i) { return "ferry-vol-" + std::to_string(i); }

// What images keep their programs, libraries and settings in: a host volume
// at (or above) one of these leaves the image without them.
// Outer directories first, so the one named is the first a mount hides.
constexpr const char* kImageDirs =
    "/bin /sbin /lib /lib32 /lib64 /libx32 /usr /usr/bin /usr/sbin /usr/lib /usr/lib64 /usr/libexec /usr/share "
    "/usr/include /usr/local /usr/local/bin /usr/local/sbin /usr/local/lib /usr/local/share /etc /opt /var /var/lib "
    "/proc /sys /dev /run";

bool IsUnder(const std::string& path, const std::string& dir) {
  return dir == "/" || path == dir ||
         (path.size() > dir.size() && path.compare(0, dir.size(), dir) == 0 && path[dir.size()] == '/');
}
}  // namespace

std::string HiddenImageDir(const std::string& container_path) {
  std::string p = NormalizePath(container_path);
  if (p == "/") return "/";
  // The first (outermost) image dir at or under the mount point.
  for (const std::string& d : Split(kImageDirs, ' '))
    if (IsUnder(d, p)) return d;
  return "";
}

Status CliInstallDir(const std::string& cli_path, std::string* dir) {
  const std::string layout =
      "ferry mounts the directory two levels above the CLI into each job (INSTALL/bin/aws mounts INSTALL), so "
      "install it in a directory of its own, e.g. /home/ec2-user/miniconda/bin/aws or /opt/ferry-job/bin/aws "
      "(docs/aws-batch.md, 'The AWS CLI inside jobs'), or leave aws.batch.cliPath unset to run the `aws` on the "
      "image's PATH";
  if (cli_path.empty() || cli_path[0] != '/')
    return Status::Invalid("aws.batch.cliPath '" + cli_path + "' is not an absolute path (" + layout + ")");
  std::string install = ParentDir(ParentDir(NormalizePath(cli_path)));
  if (install.empty() || install == "/")
    return Status::Invalid("aws.batch.cliPath '" + cli_path +
                           "' has no install dir to mount (two levels up is /): " + layout);
  std::string hidden = HiddenImageDir(install);
  if (!hidden.empty())
    return Status::Invalid("aws.batch.cliPath '" + cli_path + "' would mount its install dir " + install +
                           " from the host over the image's own " + hidden +
                           ", hiding the image's programs and libraries there (jobs would fail to start or run the "
                           "host's files): " +
                           layout);
  *dir = install;
  return Status::Ok();
}

std::string JobDefinitionUri(const std::string& container) {
  if (container.rfind(kPrefix, 0) != 0) return "";
  return container.substr(std::string(kPrefix).size());
}

std::string JobDefinitionName(const std::string& image) {
  std::string name = "ferry-";
  bool in_run = false;
  for (unsigned char c : image) {
    if (std::isalnum(c) || c == '-' || c == '_') {
      name += static_cast<char>(c);
      in_run = false;
    } else if (!in_run) {
      name += '-';
      in_run = true;
    }
  }
  if (name.size() <= kMaxName) return name;
  // Past the limit: a readable prefix plus a hash of the whole image.
  return name.substr(0, 46) + "-" + aws::HexEncode(aws::Md5(image));
}

Status ParseVolume(const std::string& entry, VolumeMount* out) {
  std::vector<std::string> parts;
  size_t start = 0;
  while (true) {
    size_t colon = entry.find(':', start);
    parts.push_back(entry.substr(start, colon == std::string::npos ? std::string::npos : colon - start));
    if (colon == std::string::npos) break;
    start = colon + 1;
  }
  auto bad = [&](const std::string& why) {
    return Status::Invalid("aws.batch.volumes entry '" + entry + "': " + why +
                           " (use /path, /host/path:/container/path or /host/path:/container/path:ro|rw)");
  };
  VolumeMount v;
  if (parts.size() == 1) {
    v.host = v.container = parts[0];
  } else if (parts.size() == 2 || parts.size() == 3) {
    v.host = parts[0];
    v.container = parts[1];
    if (parts.size() == 3) {
      if (parts[2] == "ro") v.read_only = true;
      else if (parts[2] != "rw") return bad("the mode must be ro or rw");
    }
  } else {
    return bad("too many ':'");
  }
  if (v.host.empty() || v.host[0] != '/' || v.container.empty() || v.container[0] != '/')
    return bad("paths must be absolute");
  std::string hidden = HiddenImageDir(v.container);
  if (!hidden.empty())
    return Status::Invalid("aws.batch.volumes entry '" + entry + "' would mount over the image's own " + hidden +
                           ", hiding the image's programs and libraries there (mount it at a path of its own, e.g. "
                           "/host/path:/mnt/data)");
  *out = v;
  return Status::Ok();
}

std::string JobDefinitionToken(const nlohmann::json& request) {
  nlohmann::json copy = request;
  if (copy.contains("parameters")) copy["parameters"].erase(kTokenParam);
  // nlohmann's objects are ordered by key, so the dump is canonical.
  return aws::Sha256Hex(copy.dump()).substr(0, 32);
}

Status JobDefinitionRequest(const std::string& image, const JobDefinitionSettings& s, nlohmann::json* out,
                            int storage_gib) {
  // Placeholder resources (each job's own come with SubmitJob); on Fargate
  // a pair it offers.
  nlohmann::json props = {
      {"image", image},
      {"command", {"true"}},
      {"resourceRequirements",
       {{{"type", "VCPU"}, {"value", "1"}}, {{"type", "MEMORY"}, {"value", s.fargate ? "2048" : "1024"}}}}};
  if (!s.job_role.empty()) props["jobRoleArn"] = s.job_role;
  if (!s.execution_role.empty()) props["executionRoleArn"] = s.execution_role;
  if (s.fargate) {
    // Fargate has no host to mount from: the CLI must be in the image.
    if (!s.cli_path.empty() || !s.volumes.empty())
      return Status::Invalid(
          "Fargate jobs cannot mount host directories (aws.batch.cliPath, aws.batch.volumes): unset them and use an "
          "image with the aws CLI (or ferry-job as `aws`) on its PATH");
    props["networkConfiguration"] = {{"assignPublicIp", s.assign_public_ip ? "ENABLED" : "DISABLED"}};
    props["fargatePlatformConfiguration"] = {{"platformVersion", s.platform_version}};
    if (storage_gib > 0) props["ephemeralStorage"] = {{"sizeInGiB", storage_gib}};
  }
  if (!s.logs_group.empty())
    props["logConfiguration"] = {{"logDriver", "awslogs"}, {"options", {{"awslogs-group", s.logs_group}}}};
  std::vector<VolumeMount> mounts;
  if (!s.cli_path.empty()) {
    std::string dir;
    FERRY_RETURN_IF_ERROR(CliInstallDir(s.cli_path, &dir));
    mounts.push_back({dir, dir, true});
  }
  for (const auto& e : s.volumes) {
    VolumeMount v;
    FERRY_RETURN_IF_ERROR(ParseVolume(e, &v));
    mounts.push_back(v);
  }
  if (!mounts.empty()) {
    nlohmann::json volumes = nlohmann::json::array(), points = nlohmann::json::array();
    for (size_t i = 0; i < mounts.size(); i++) {
      volumes.push_back({{"name", VolumeName(i)}, {"host", {{"sourcePath", mounts[i].host}}}});
      points.push_back(
          {{"sourceVolume", VolumeName(i)}, {"containerPath", mounts[i].container}, {"readOnly", mounts[i].read_only}});
    }
    props["volumes"] = volumes;
    props["mountPoints"] = points;
  }
  nlohmann::json req = {{"jobDefinitionName", JobDefinitionName(image)},
                        {"type", "container"},
                        {"containerProperties", props},
                        {"parameters", nlohmann::json::object()}};
  if (s.fargate) {
    req["platformCapabilities"] = {"FARGATE"};
    // The job's tags go on to its Fargate task, where the bill sees them.
    req["propagateTags"] = true;
  }
  req["parameters"][kTokenParam] = JobDefinitionToken(req);
  *out = std::move(req);
  return Status::Ok();
}

std::string FindReusable(const std::vector<nlohmann::json>& definitions, const nlohmann::json& request) {
  std::string token = request["parameters"].value(kTokenParam, std::string());
  for (const auto& d : definitions) {
    if (d.value("status", std::string("ACTIVE")) != "ACTIVE") continue;
    if (!d.contains("parameters") || !d["parameters"].is_object()) continue;
    if (d["parameters"].value(kTokenParam, std::string()) != token) continue;
    if (!d.contains("revision") || !d["revision"].is_number_integer()) continue;
    return d.value("jobDefinitionName", std::string()) + ":" + std::to_string(d["revision"].get<int64_t>());
  }
  return "";
}

}  // namespace ferry
