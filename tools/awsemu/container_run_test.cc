#include "awsemu/container_run.h"

#include <gtest/gtest.h>

#include <algorithm>

#include "awsemu/emu_error.h"

namespace awsemu {
namespace {

using json = nlohmann::json;

// The value following `flag` in `args`, or "" when the flag is absent.
std::string After(const std::vector<std::string>& args, const std::string& flag) {
  auto it = std::find(args.begin(), args.end(), flag);
  return it == args.end() || it + 1 == args.end() ? "" : *(it + 1);
}

TEST(PodmanRunArgs, ImageThenCommandAndNeverAPull) {
  ContainerRunInput in;
  in.name = "ferry-job-1";
  in.options.image = "busybox:test";
  in.command = {"sh", "-c", "echo hi"};
  in.env_file = "/scratch/.container-env";
  std::vector<std::string> a = PodmanRunArgs(in);
  ASSERT_GE(a.size(), 4u);
  EXPECT_EQ(a[0], "run");
  EXPECT_EQ(After(a, "--pull"), "never");
  EXPECT_EQ(After(a, "--network"), "host");
  EXPECT_EQ(After(a, "--name"), "ferry-job-1");
  EXPECT_EQ(After(a, "--env-file"), "/scratch/.container-env");
  // The command follows the image, so it replaces CMD and ENTRYPOINT stays.
  EXPECT_EQ(std::vector<std::string>(a.end() - 4, a.end()),
            (std::vector<std::string>{"busybox:test", "sh", "-c", "echo hi"}));
}

TEST(PodmanRunArgs, NoCommandEndsWithTheImageSoItsCmdRuns) {
  ContainerRunInput in;
  in.options.image = "img:1";
  EXPECT_EQ(PodmanRunArgs(in).back(), "img:1");
}

TEST(PodmanRunArgs, MountsAreReadOnlyWhereAsked) {
  ContainerRunInput in;
  in.options.image = "img";
  in.mounts = {{"/host/in", "/in", true}, {"/host/out", "/out", false}};
  std::vector<std::string> a = PodmanRunArgs(in);
  EXPECT_NE(std::find(a.begin(), a.end(), "/host/in:/in:ro"), a.end());
  EXPECT_NE(std::find(a.begin(), a.end(), "/host/out:/out"), a.end());
}

TEST(ParseContainerOptions, ReadsUserUlimitsAndLinuxParameters) {
  json cp = json::parse(R"({
    "image": "img:2", "user": "nobody", "privileged": true, "readonlyRootFilesystem": true,
    "ulimits": [{"name": "nofile", "softLimit": 1024, "hardLimit": 4096}],
    "linuxParameters": {"initProcessEnabled": true, "sharedMemorySize": 64,
                        "devices": [{"hostPath": "/dev/fuse", "permissions": ["READ", "WRITE"]}],
                        "tmpfs": [{"containerPath": "/scratch", "size": 32, "mountOptions": ["noexec"]}]}})");
  ContainerRunInput in;
  in.options = ParseContainerOptions(cp);
  EXPECT_TRUE(in.options.unsupported.empty());
  std::vector<std::string> a = PodmanRunArgs(in);
  EXPECT_EQ(After(a, "--user"), "nobody");
  EXPECT_EQ(After(a, "--ulimit"), "nofile=1024:4096");
  EXPECT_EQ(After(a, "--shm-size"), "64m");
  EXPECT_EQ(After(a, "--device"), "/dev/fuse:/dev/fuse:rw");
  EXPECT_EQ(After(a, "--tmpfs"), "/scratch:size=32m,noexec");
  for (const char* flag : {"--privileged", "--read-only", "--init"})
    EXPECT_NE(std::find(a.begin(), a.end(), flag), a.end()) << flag;
  EXPECT_EQ(a.back(), "img:2");
}

TEST(ParseContainerOptions, SwapSettingsAreNamedAsUnsupported) {
  ContainerOptions o = ParseContainerOptions(json::parse(R"({"image": "i", "linuxParameters": {"maxSwap": 0}})"));
  EXPECT_EQ(o.unsupported, std::vector<std::string>{"linuxParameters.maxSwap"});
}

TEST(ParseContainerOptions, MalformedValuesAreClientErrors) {
  for (const char* bad : {R"({"ulimits": [{"name": "nofile"}]})", R"({"privileged": "yes"})",
                          R"({"linuxParameters": {"tmpfs": [{"containerPath": "/t"}]}})",
                          R"({"linuxParameters": {"devices": [{"hostPath": "/dev/x", "permissions": ["ALL"]}]}})"}) {
    try {
      ParseContainerOptions(json::parse(bad));
      ADD_FAILURE() << "accepted " << bad;
    } catch (const EmuError& e) {
      EXPECT_EQ(e.code, "ClientException") << bad;
    }
  }
}

TEST(SplitEnvironment, LaterWinsAndNewlinesGoThroughTheEnginesEnvironment) {
  std::string text;
  std::vector<std::pair<std::string, std::string>> inherited;
  SplitEnvironment({{"A", "1"}, {"B", "x\ny"}, {"A", "2"}, {"C", "has = sign"}}, &text, &inherited);
  EXPECT_EQ(text, "A=2\nC=has = sign\n");
  ASSERT_EQ(inherited.size(), 1u);
  EXPECT_EQ(inherited[0], std::make_pair(std::string("B"), std::string("x\ny")));
}

TEST(StartFailureReason, PodmansOwnExecErrorsAreStartFailuresAContainersExitIsNot) {
  // What podman 4 with runc prints when the image has no such command.
  const std::string missing =
      "Error: runc: runc create failed: unable to start container process: exec: \"bash\": executable file not "
      "found in $PATH: OCI runtime attempted to invoke a command that was not found";
  EXPECT_EQ(StartFailureReason(127, missing),
            "CannotStartContainerError: Error response from daemon: failed to create task for container: runc create "
            "failed: unable to start container process: exec: \"bash\": executable file not found in $PATH: OCI "
            "runtime attempted to invoke a command that was not found");
  EXPECT_NE(StartFailureReason(126,
                               "Error: runc: runc create failed: unable to start container process: exec: "
                               "\"/etc/passwd\": permission denied: OCI permission denied")
                .find("\"/etc/passwd\": permission denied"),
            std::string::npos);
  // The container's own exit codes: a shell's "command not found", or any
  // other last line.
  EXPECT_EQ(StartFailureReason(127, "sh: nosuch: not found"), "");
  EXPECT_EQ(StartFailureReason(1, missing), "");
  EXPECT_EQ(StartFailureReason(127, ""), "");
}

}  // namespace
}  // namespace awsemu
