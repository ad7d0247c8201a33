// The container engine's command lines in a local task's wrapper, and the
// docker.* / podman.* settings they come from.
#include "engine/container_command.h"

#include <gtest/gtest.h>

#include "config/config_testing.h"
#include "engine/container_settings.h"

namespace ferry {
namespace {

ContainerSettings Podman() {
  ContainerSettings s;
  s.engine = "podman";
  return s;
}

ContainerTask Task1() {
  ContainerTask t;
  t.image = "quay.io/org/tool:1.2";
  t.work_dir = "/runs/work/ab/cdef0123456789";
  t.hash = "abcdef0123456789abcdef";
  t.inputs = {{"/data/real/reads.fq", "/launch/reads.fq", true}};
  return t;
}

std::string Lines(const ContainerSettings& s, const ContainerTask& t) {
  std::string out;
  Status st = ContainerRunLines(s, t, &out);
  EXPECT_TRUE(st.ok()) << st.message();
  return out;
}

TEST(ContainerCommand, MountsWorkDirReadWriteAndInputsReadOnlyAtTheirPaths) {
  ContainerSettings s = Podman();
  s.env_names = {"GREETING"};
  std::string l = Lines(s, Task1());
  EXPECT_NE(l.find("podman run --rm --name \"$ferry_name\" -v /runs/work/ab/cdef0123456789:/runs/work/ab/"
                   "cdef0123456789 -v /data/real/reads.fq:/launch/reads.fq:ro -w /runs/work/ab/cdef0123456789 "
                   "-e GREETING --entrypoint /bin/sh quay.io/org/tool:1.2 -c "),
            std::string::npos)
      << l;
  // bash when the image has it, else its sh.
  EXPECT_NE(l.find("then ferry_shell=bash; else ferry_shell=sh; fi; exec \"$ferry_shell\" -ue .command.sh"),
            std::string::npos)
      << l;
  EXPECT_NE(l.find("ferry_name=ferry-abcdef012345-$BASHPID-$RANDOM"), std::string::npos) << l;
}

TEST(ContainerCommand, PathsAndNamesAreShellQuoted) {
  ContainerTask t = Task1();
  t.inputs = {{"/data/my reads.fq", "/launch/it's.fq", true}};
  std::string l = Lines(Podman(), t);
  EXPECT_NE(l.find("-v '/data/my reads.fq:/launch/it'\\''s.fq:ro'"), std::string::npos) << l;
}

TEST(ContainerCommand, StoppingKillsTheContainerByNameAndRemovesIt) {
  std::string l = Lines(Podman(), Task1());
  EXPECT_NE(l.find("ferry_kill() { podman kill \"$ferry_name\" >/dev/null 2>&1; }\n"
                   "trap 'ferry_stopped=1; ferry_kill' TERM INT HUP"),
            std::string::npos)
      << l;
  EXPECT_NE(l.find("  podman rm -f \"$ferry_name\""), std::string::npos) << l;
  EXPECT_NE(l.find("exit 143"), std::string::npos) << l;
  EXPECT_NE(l.find("exit \"$ferry_status\""), std::string::npos) << l;
}

TEST(ContainerCommand, EngineOptionsGoOnEveryCommandRunOptionsOnRun) {
  ContainerSettings s = Podman();
  s.engine_options = "--root /s/root --runroot /s/run";
  s.run_options = "--pull never --memory 1g";
  std::string l = Lines(s, Task1());
  EXPECT_NE(l.find("podman --root /s/root --runroot /s/run run --rm"), std::string::npos) << l;
  EXPECT_NE(l.find("podman --root /s/root --runroot /s/run kill"), std::string::npos) << l;
  EXPECT_NE(l.find("podman --root /s/root --runroot /s/run rm -f"), std::string::npos) << l;
  EXPECT_NE(l.find("--entrypoint /bin/sh --pull never --memory 1g quay.io/org/tool:1.2"), std::string::npos) << l;
}

TEST(ContainerCommand, RemoveFalseKeepsTheContainer) {
  ContainerSettings s = Podman();
  s.remove = false;
  std::string l = Lines(s, Task1());
  EXPECT_EQ(l.find("--rm"), std::string::npos) << l;
  EXPECT_EQ(l.find("rm -f"), std::string::npos) << l;
}

TEST(ContainerCommand, MountFlagsAndTemp) {
  ContainerSettings s = Podman();
  s.mount_flags = "z";
  s.temp = "auto";
  std::string l = Lines(s, Task1());
  EXPECT_NE(l.find("-v /data/real/reads.fq:/launch/reads.fq:ro,z "), std::string::npos) << l;
  EXPECT_NE(l.find("cdef0123456789:/runs/work/ab/cdef0123456789:z "), std::string::npos) << l;
  EXPECT_NE(l.find("ferry_tmp=$(mktemp -d"), std::string::npos) << l;
  EXPECT_NE(l.find("-v \"$ferry_tmp\":/tmp:z"), std::string::npos) << l;
  EXPECT_NE(l.find("rm -rf \"$ferry_tmp\""), std::string::npos) << l;
  s.temp = "/scratch/t";
  s.mount_flags = "";
  l = Lines(s, Task1());
  EXPECT_NE(l.find("-v /scratch/t:/tmp "), std::string::npos) << l;
  EXPECT_EQ(l.find("mktemp"), std::string::npos) << l;
}

TEST(ContainerCommand, EngineNotOnPathSaysWhichAndHowToFix) {
  ContainerSettings s;
  s.engine = "docker";
  std::string l = Lines(s, Task1());
  EXPECT_NE(l.find("if ! command -v docker >/dev/null 2>&1; then"), std::string::npos) << l;
  EXPECT_NE(l.find("docker.enabled = true in the config, but docker is not on PATH (install docker or add its "
                   "directory to PATH, or set docker.enabled = false"),
            std::string::npos)
      << l;
  EXPECT_NE(l.find("  exit 127\n"), std::string::npos) << l;
}

TEST(ContainerCommand, PathWithColonCannotBeMounted) {
  ContainerTask t = Task1();
  t.inputs = {{"/data/a:b.txt", "/launch/a:b.txt", true}};
  std::string out;
  Status st = ContainerRunLines(Podman(), t, &out);
  ASSERT_FALSE(st.ok());
  EXPECT_NE(st.message().find("cannot mount /data/a:b.txt into the container"), std::string::npos) << st.message();
}

TEST(ContainerCommand, RegistryPrefixesOnlyImagesWithoutOne) {
  ContainerSettings s = Podman();
  EXPECT_EQ(QualifiedImage(s, "ubuntu:22.04"), "ubuntu:22.04");
  s.registry = "quay.io";
  EXPECT_EQ(QualifiedImage(s, "ubuntu:22.04"), "quay.io/ubuntu:22.04");
  EXPECT_EQ(QualifiedImage(s, "biocontainers/samtools:1.9"), "quay.io/biocontainers/samtools:1.9");
  EXPECT_EQ(QualifiedImage(s, "ghcr.io/org/tool"), "ghcr.io/org/tool");
  EXPECT_EQ(QualifiedImage(s, "localhost/tool:1"), "localhost/tool:1");
  EXPECT_EQ(QualifiedImage(s, "myhost:5000/tool"), "myhost:5000/tool");
}

Status Settings(const std::string& text, ContainerSettings* out) {
  Config c;
  FERRY_RETURN_IF_ERROR(config_testing::LoadFrom(text, &c));
  return ContainerSettingsFromConfig(c, {"GREETING"}, out);
}

TEST(ContainerSettings, NoneEnabledRunsOnTheHost) {
  ContainerSettings s;
  ASSERT_TRUE(Settings("docker.runOptions = '-m 1g'\n", &s).ok());
  EXPECT_FALSE(s.enabled());
}

TEST(ContainerSettings, ReadsTheEnabledEnginesScope) {
  ContainerSettings s;
  Status st = Settings(R"(docker.runOptions = '--nope'
podman {
  enabled = true
  engineOptions = '--root /r'
  runOptions = '--pull never'
  registry = 'quay.io/'
  remove = false
  temp = 'auto'
  mountFlags = 'Z'
  envWhitelist = 'A_B, C'
}
)",
                       &s);
  ASSERT_TRUE(st.ok()) << st.message();
  EXPECT_EQ(s.engine, "podman");
  EXPECT_EQ(s.engine_options, "--root /r");
  EXPECT_EQ(s.run_options, "--pull never");
  EXPECT_EQ(s.registry, "quay.io");
  EXPECT_FALSE(s.remove);
  EXPECT_EQ(s.temp, "auto");
  EXPECT_EQ(s.mount_flags, "Z");
  EXPECT_EQ(s.env_names, (std::vector<std::string>{"GREETING", "A_B", "C"}));
  ASSERT_TRUE(Settings("docker = [enabled: true, envWhitelist: ['X', 'Y']]\n", &s).ok());
  EXPECT_EQ(s.engine, "docker");
  EXPECT_TRUE(s.remove);
  EXPECT_EQ(s.env_names, (std::vector<std::string>{"GREETING", "X", "Y"}));
}

TEST(ContainerSettings, BothEnabledNamesBothSettingsWhereSet) {
  ContainerSettings s;
  Status st = Settings("docker.enabled = true\npodman {\n  enabled = true\n}\n", &s);
  ASSERT_FALSE(st.ok());
  EXPECT_EQ(st.exit_code(), 2);
  EXPECT_NE(st.message().find("ferry.config:1:8: docker.enabled = true and ferry.config:3:3: podman.enabled = true"),
            std::string::npos)
      << st.message();
  // The second set to false is fine.
  EXPECT_TRUE(Settings("docker.enabled = true\npodman.enabled = true\npodman.enabled = false\n", &s).ok());
  EXPECT_EQ(s.engine, "docker");
}

TEST(ContainerSettings, BadTempAndEnvNamesAreErrorsWithTheirPlace) {
  ContainerSettings s;
  Status st = Settings("podman.enabled = true\npodman.temp = 'tmpdir'\n", &s);
  ASSERT_FALSE(st.ok());
  EXPECT_NE(st.message().find("ferry.config:2:8: podman.temp must be 'auto' or an absolute directory, got 'tmpdir'"),
            std::string::npos)
      << st.message();
  st = Settings("podman.enabled = true\npodman.envWhitelist = ['OK', 'NOT-A-NAME']\n", &s);
  ASSERT_FALSE(st.ok());
  EXPECT_NE(st.message().find("ferry.config:2:8: podman.envWhitelist: 'NOT-A-NAME' is not a variable name"),
            std::string::npos)
      << st.message();
}

}  // namespace
}  // namespace ferry
