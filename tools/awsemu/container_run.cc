#include "awsemu/container_run.h"

#include <map>

#include "awsemu/batch_fields.h"

namespace awsemu {
namespace {

using json = nlohmann::json;

const json& ListField(const json& obj, const char* key) {
  static const json kEmpty = json::array();
  auto it = obj.find(key);
  if (it == obj.end() || it->is_null()) return kEmpty;
  if (!it->is_array()) ThrowClient(std::string(key) + " must be a list");
  return *it;
}

bool BoolField(const json& obj, const char* key) {
  auto it = obj.find(key);
  if (it == obj.end() || it->is_null()) return false;
  if (!it->is_boolean()) ThrowClient(std::string(key) + " must be true or false");
  return it->get<bool>();
}

// Device permissions as Docker's --device takes them.
std::string DevicePermissions(const json& dev) {
  std::string perms;
  for (const auto& p : ListField(dev, "permissions")) {
    std::string v = p.is_string() ? p.get<std::string>() : "";
    if (v == "READ") perms += 'r';
    else if (v == "WRITE") perms += 'w';
    else if (v == "MKNOD") perms += 'm';
    else ThrowClient("linuxParameters.devices.permissions must be READ, WRITE or MKNOD, not " + p.dump());
  }
  return perms.empty() ? "rwm" : perms;
}

void ParseLinuxParameters(const json& lp, ContainerOptions* o) {
  if (!lp.is_object()) ThrowClient("linuxParameters must be an object");
  o->init = BoolField(lp, "initProcessEnabled");
  o->shm_mib = OptInt(lp, "sharedMemorySize").value_or(0);
  if (o->shm_mib < 0) ThrowClient("linuxParameters.sharedMemorySize must not be negative");
  for (const auto& d : ListField(lp, "devices")) {
    ContainerOptions::Device dev;
    dev.host_path = ReqStr(d, "hostPath");
    dev.container_path = OptStr(d, "containerPath", dev.host_path);
    dev.permissions = DevicePermissions(d);
    o->devices.push_back(dev);
  }
  for (const auto& t : ListField(lp, "tmpfs")) {
    ContainerOptions::Tmpfs fs;
    fs.container_path = ReqStr(t, "containerPath");
    auto size = OptInt(t, "size");
    if (!size || *size <= 0) ThrowClient("linuxParameters.tmpfs.size is required (MiB, greater than 0)");
    fs.size_mib = *size;
    fs.mount_options = OptStrList(t, "mountOptions");
    for (const std::string& opt : fs.mount_options)
      if (opt.find_first_of(",:") != std::string::npos)
        ThrowClient("linuxParameters.tmpfs.mountOptions: '" + opt + "' is not one mount option");
    o->tmpfs.push_back(fs);
  }
  for (const char* key : {"maxSwap", "swappiness"})
    if (lp.contains(key) && !lp[key].is_null()) o->unsupported.push_back(std::string("linuxParameters.") + key);
}

}  // namespace

ContainerOptions ParseContainerOptions(const json& cp) {
  ContainerOptions o;
  if (!cp.is_object()) return o;
  o.image = OptStr(cp, "image");
  o.user = OptStr(cp, "user");
  o.privileged = BoolField(cp, "privileged");
  o.read_only_root = BoolField(cp, "readonlyRootFilesystem");
  for (const auto& u : ListField(cp, "ulimits")) {
    ContainerOptions::Ulimit ul;
    ul.name = ReqStr(u, "name");
    auto soft = OptInt(u, "softLimit"), hard = OptInt(u, "hardLimit");
    if (!soft || !hard) ThrowClient("ulimits: " + ul.name + " needs softLimit and hardLimit");
    ul.soft = *soft;
    ul.hard = *hard;
    o.ulimits.push_back(ul);
  }
  if (cp.contains("linuxParameters") && !cp["linuxParameters"].is_null())
    ParseLinuxParameters(cp["linuxParameters"], &o);
  return o;
}

std::vector<std::string> PodmanRunArgs(const ContainerRunInput& in) {
  const ContainerOptions& o = in.options;
  // --pull never: images come only from the local store. --network host:
  // the job reaches the emulator (and its credentials endpoint) on
  // 127.0.0.1. passthrough: the container writes straight into the job's
  // output pipe, with no copy kept on disk. --replace: a name left over by
  // an emulator that was killed does not block the attempt.
  std::vector<std::string> a = {"run",   "--rm",      "--replace", "--name",       in.name,      "--pull",
                                "never", "--network", "host",      "--log-driver", "passthrough"};
  a.push_back("--env-file");
  a.push_back(in.env_file);
  for (const std::string& name : in.env_inherited) {
    a.push_back("--env");
    a.push_back(name);
  }
  for (const MountSpec& m : in.mounts) {
    a.push_back("--volume");
    a.push_back(m.host_path + ":" + m.container_path + (m.read_only ? ":ro" : ""));
  }
  if (!o.user.empty()) a.insert(a.end(), {"--user", o.user});
  if (o.privileged) a.push_back("--privileged");
  if (o.read_only_root) a.push_back("--read-only");
  if (o.init) a.push_back("--init");
  if (o.shm_mib > 0) a.insert(a.end(), {"--shm-size", std::to_string(o.shm_mib) + "m"});
  for (const auto& u : o.ulimits)
    a.insert(a.end(), {"--ulimit", u.name + "=" + std::to_string(u.soft) + ":" + std::to_string(u.hard)});
  for (const auto& d : o.devices)
    a.insert(a.end(), {"--device", d.host_path + ":" + d.container_path + ":" + d.permissions});
  for (const auto& t : o.tmpfs) {
    std::string spec = t.container_path + ":size=" + std::to_string(t.size_mib) + "m";
    for (const std::string& opt : t.mount_options) spec += "," + opt;
    a.insert(a.end(), {"--tmpfs", spec});
  }
  a.push_back(o.image);
  a.insert(a.end(), in.command.begin(), in.command.end());
  return a;
}

std::string StartFailureReason(int exit_code, const std::string& last_line) {
  if (exit_code != 126 && exit_code != 127) return "";
  // podman prints its own failures as "Error: <runtime>: <what>: OCI ...";
  // a program in the container writing such a line is not expected.
  const std::string prefix = "Error: ";
  if (last_line.rfind(prefix, 0) != 0 || last_line.find("OCI ") == std::string::npos) return "";
  std::string what = last_line.substr(prefix.size());
  for (const char* runtime : {"runc: ", "crun: "})
    if (what.rfind(runtime, 0) == 0) what = what.substr(std::string(runtime).size());
  return "CannotStartContainerError: Error response from daemon: failed to create task for container: " + what;
}

void SplitEnvironment(const std::vector<std::pair<std::string, std::string>>& env, std::string* file_text,
                      std::vector<std::pair<std::string, std::string>>* inherited) {
  std::map<std::string, std::string> last;
  std::vector<std::string> order;
  for (const auto& [k, v] : env) {
    if (!last.count(k)) order.push_back(k);
    last[k] = v;
  }
  file_text->clear();
  inherited->clear();
  for (const std::string& k : order) {
    const std::string& v = last[k];
    if (v.find('\n') != std::string::npos) inherited->emplace_back(k, v);
    else *file_text += k + "=" + v + "\n";
  }
}

}  // namespace awsemu
