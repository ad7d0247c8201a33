// Job names, SubmitJob requests and array grouping: the fields AWS Batch
// documents, the spot retry strategy, no credentials, arrays of one key.
#include "awsbatch/job_request.h"

#include <gtest/gtest.h>

#include "awsbatch/job_definitions.h"
#include "awsbatch/job_diagnosis.h"

namespace ferry {
namespace {
using nlohmann::json;

TEST(JobRequest, NamesAreSanitized) {
  EXPECT_EQ(BatchJobName("count (3)"), "count_3_");
  EXPECT_EQ(BatchJobName("__x.y"), "x_y");
  EXPECT_EQ(BatchJobName("!!!"), "ferry-task");
  EXPECT_EQ(BatchJobName(std::string(300, 'a')).size(), 128u);
}

TEST(JobRequest, TaskJobNameEndsWithRunHashAndAttemptAndFits128) {
  const std::string hash = "0123456789abcdef0123";
  EXPECT_EQ(TaskJobName("count (3)", "brave_turing", hash, 2), "count_3_-brave_turing-0123456789ab-2");
  EXPECT_EQ(TaskJobName("count", "", hash, 1), "count");
  // A long process name is cut, never the suffix that identifies the task.
  std::string name = TaskJobName(std::string(300, 'p'), "brave_turing", hash, 12);
  EXPECT_EQ(name.size(), 128u);
  EXPECT_EQ(name.substr(name.size() - 29), "-brave_turing-0123456789ab-12");
  // A long run name is cut from its front, and the result stays a valid name.
  name = TaskJobName("align", std::string(200, 'r'), hash, 1);
  EXPECT_LE(name.size(), 128u);
  EXPECT_EQ(name.rfind("align-", 0), 0u);
  EXPECT_EQ(name.substr(name.size() - 14), "0123456789ab-1");
}

TEST(JobRequest, SubmitJobIsNamedAfterTheTaskAttemptWhenTheRunIsNamed) {
  TaskRun r;
  r.process = "align";
  r.queue = "q1";
  r.hash = "feedfacecafebeef00";
  r.attempt = 3;
  SubmitSettings s;
  s.run_name = "happy_hopper";
  EXPECT_EQ(SubmitJobRequest(r, "def:1", {"bash"}, s)["jobName"], "align-happy_hopper-feedfacecafe-3");
}

TEST(JobRequest, SubmitJobCarriesResourcesTimeoutAndSpotRetries) {
  TaskRun r;
  r.process = "align";
  r.queue = "q1";
  r.cpus = 4;
  r.memory_bytes = 3LL << 30;
  r.accelerators = 1;
  r.time_limit_ms = 10000;
  SubmitSettings s;
  s.max_spot_attempts = 3;
  json req = SubmitJobRequest(r, "ferry-x:2", {"bash", "-c", "true"}, s);
  EXPECT_EQ(req["jobName"], "align");
  EXPECT_EQ(req["jobQueue"], "q1");
  EXPECT_EQ(req["jobDefinition"], "ferry-x:2");
  auto rr = req["containerOverrides"]["resourceRequirements"];
  EXPECT_EQ(rr[0], (json{{"type", "VCPU"}, {"value", "4"}}));
  EXPECT_EQ(rr[1], (json{{"type", "MEMORY"}, {"value", "3072"}}));
  EXPECT_EQ(rr[2], (json{{"type", "GPU"}, {"value", "1"}}));
  EXPECT_EQ(req["timeout"]["attemptDurationSeconds"], 60);  // Batch's minimum
  EXPECT_EQ(req["retryStrategy"]["attempts"], 3);
  EXPECT_EQ(req["retryStrategy"]["evaluateOnExit"][0]["onStatusReason"], "Host EC2*");
  EXPECT_EQ(req["retryStrategy"]["evaluateOnExit"][0]["action"], "RETRY");
  EXPECT_EQ(req["retryStrategy"]["evaluateOnExit"][1]["onReason"], "*");
  EXPECT_EQ(req["retryStrategy"]["evaluateOnExit"][1]["action"], "EXIT");
  EXPECT_FALSE(req.contains("arrayProperties"));
  std::string text = req.dump();
  EXPECT_EQ(text.find("SECRET"), std::string::npos);
  EXPECT_NE(text.find("AWS_RETRY_MODE"), std::string::npos);
  s.max_spot_attempts = 0;
  json plain = SubmitJobRequest(r, "d", {"true"}, s, 7);
  EXPECT_FALSE(plain.contains("retryStrategy"));
  EXPECT_EQ(plain["arrayProperties"]["size"], 7);
}

TEST(JobRequest, ArraysGroupBySharedKeyUpToTheirSize) {
  std::vector<TaskRun> runs(7);
  for (int i = 0; i < 5; i++) {
    runs[i].array_key = "p/a";
    runs[i].array_size = 2;
  }
  runs[5].array_key = "";  // plain
  runs[6].array_key = "p/b";
  runs[6].array_size = 10;  // alone: a group of one goes as a plain job
  std::vector<const TaskRun*> ptrs;
  for (auto& r : runs) ptrs.push_back(&r);
  auto groups = GroupJobs(ptrs);
  std::vector<std::vector<size_t>> want = {{0, 1}, {2, 3}, {4}, {5}, {6}};
  EXPECT_EQ(groups, want);
  runs[1].cpus = 8;  // different settings cannot share an array
  groups = GroupJobs(ptrs);
  EXPECT_EQ(groups[0], (std::vector<size_t>{0, 2}));
}

TEST(JobDefinitions, NameRequestTokenAndReuse) {
  EXPECT_EQ(JobDefinitionName("quay.io/biocontainers/salmon:1.0"), "ferry-quay-io-biocontainers-salmon-1-0");
  std::string longname = JobDefinitionName("registry.example.com/" + std::string(200, 'x') + ":1");
  EXPECT_LE(longname.size(), 128u);
  EXPECT_NE(longname, JobDefinitionName("registry.example.com/" + std::string(200, 'x') + ":2"));
  EXPECT_EQ(JobDefinitionUri("job-definition://my-def"), "my-def");
  EXPECT_EQ(JobDefinitionUri("ubuntu:22.04"), "");

  JobDefinitionSettings s;
  s.cli_path = "/home/ec2-user/miniconda/bin/aws";
  s.volumes = {"/scratch", "/data:/mnt/data:ro"};
  s.job_role = "arn:aws:iam::1:role/r";
  s.logs_group = "/ferry/jobs";
  json req;
  ASSERT_TRUE(JobDefinitionRequest("ubuntu:22.04", s, &req).ok());
  const json& p = req["containerProperties"];
  EXPECT_EQ(req["jobDefinitionName"], "ferry-ubuntu-22-04");
  EXPECT_EQ(p["image"], "ubuntu:22.04");
  EXPECT_EQ(p["command"], json::array({"true"}));
  EXPECT_EQ(p["jobRoleArn"], "arn:aws:iam::1:role/r");
  EXPECT_EQ(p["logConfiguration"]["options"]["awslogs-group"], "/ferry/jobs");
  ASSERT_EQ(p["mountPoints"].size(), 3u);
  EXPECT_EQ(p["volumes"][0]["host"]["sourcePath"], "/home/ec2-user/miniconda");
  EXPECT_EQ(p["mountPoints"][0]["containerPath"], "/home/ec2-user/miniconda");
  EXPECT_EQ(p["mountPoints"][0]["readOnly"], true);
  EXPECT_EQ(p["mountPoints"][2]["containerPath"], "/mnt/data");
  EXPECT_EQ(p["volumes"][2]["host"]["sourcePath"], "/data");
  std::string token = req["parameters"]["ferry-token"];
  EXPECT_EQ(token, JobDefinitionToken(req));

  std::vector<json> defs = {{{"jobDefinitionName", "ferry-ubuntu-22-04"},
                             {"revision", 1},
                             {"status", "ACTIVE"},
                             {"parameters", {{"ferry-token", "other"}}}},
                            {{"jobDefinitionName", "ferry-ubuntu-22-04"},
                             {"revision", 4},
                             {"status", "ACTIVE"},
                             {"parameters", {{"ferry-token", token}}}}};
  EXPECT_EQ(FindReusable(defs, req), "ferry-ubuntu-22-04:4");
  s.job_role.clear();  // different contents: not reusable
  json other;
  ASSERT_TRUE(JobDefinitionRequest("ubuntu:22.04", s, &other).ok());
  EXPECT_EQ(FindReusable(defs, other), "");

  s.volumes = {"relative:/x"};
  Status bad = JobDefinitionRequest("ubuntu:22.04", s, &other);
  EXPECT_EQ(bad.kind(), Status::Kind::kInvalidInput);
  EXPECT_NE(bad.message().find("relative:/x"), std::string::npos);
}

TEST(JobDefinitions, MountsNeverHideTheImagesOwnDirectories) {
  // {mount point, the image dir it hides}
  const std::pair<const char*, const char*> cases[] = {{"/", "/"},
                                                       {"/usr", "/usr"},
                                                       {"/usr/local/", "/usr/local"},
                                                       {"/usr//local/../lib", "/usr/lib"},
                                                       {"/var", "/var"},
                                                       {"/tmp", ""},
                                                       {"/home/ec2-user/miniconda", ""},
                                                       {"/opt/conda", ""},
                                                       {"/usr/local/aws-cli", ""}};
  for (const auto& [mount, hidden] : cases) EXPECT_EQ(HiddenImageDir(mount), hidden) << mount;

  std::string dir;
  ASSERT_TRUE(CliInstallDir("/home/ec2-user/miniconda/bin/aws", &dir).ok());
  EXPECT_EQ(dir, "/home/ec2-user/miniconda");
  ASSERT_TRUE(CliInstallDir("/opt/ferry-job/bin/aws", &dir).ok());
  EXPECT_EQ(dir, "/opt/ferry-job");
  for (const char* bad : {"/usr/local/bin/aws", "/usr/bin/aws", "/bin/aws", "/aws", "/opt/aws", "aws"}) {
    Status st = CliInstallDir(bad, &dir);
    EXPECT_EQ(st.exit_code(), 2) << bad;
    EXPECT_NE(st.message().find(std::string("'") + bad + "'"), std::string::npos) << st.message();
    EXPECT_NE(st.message().find("INSTALL/bin/aws"), std::string::npos) << st.message();
  }

  // The job definition is refused rather than registered with such a mount.
  JobDefinitionSettings s;
  json req;
  s.cli_path = "/usr/local/bin/aws";
  EXPECT_EQ(JobDefinitionRequest("ubuntu:22.04", s, &req).exit_code(), 2);
  s.cli_path = "/opt/aws";  // two levels up is /: it used to mount nothing, silently
  EXPECT_EQ(JobDefinitionRequest("ubuntu:22.04", s, &req).exit_code(), 2);
  s.cli_path.clear();
  s.volumes = {"/srv/lib:/lib"};
  Status st = JobDefinitionRequest("ubuntu:22.04", s, &req);
  EXPECT_NE(st.message().find("'/srv/lib:/lib' would mount over the image's own /lib"), std::string::npos)
      << st.message();
}

TEST(JobDiagnosis, UnknownFailureNamesReasonsLogAndCauses) {
  json job = {{"jobId", "j-1"},
              {"status", "FAILED"},
              {"statusReason", "Essential container in task exited"},
              {"container", {{"exitCode", 127}, {"reason", "CannotStartContainerError"}, {"logStreamName", "s/1"}}},
              {"attempts",
               {{{"statusReason", "Host EC2 (instance i-1) terminated."}},
                {{"statusReason", "Essential container in task exited"}}}}};
  EXPECT_EQ(CountSpotRetries(job), 1);
  EXPECT_EQ(LogStreamOf(job), "s/1");
  std::string m = UnknownFailureMessage(job, "/aws/batch/job", {"bash: aws: command not found"}, "", JobSource{"aws"});
  EXPECT_NE(m.find("j-1"), std::string::npos);
  EXPECT_NE(m.find("Essential container in task exited"), std::string::npos);
  EXPECT_NE(m.find("CannotStartContainerError"), std::string::npos);
  EXPECT_NE(m.find("bash: aws: command not found"), std::string::npos);
  EXPECT_NE(m.find("entrypoint"), std::string::npos);
  EXPECT_NE(m.find("cliPath"), std::string::npos);

  json spot = {{"jobId", "j-3"},
               {"statusReason", "Host EC2 (instance i-2) terminated."},
               {"attempts",
                {{{"statusReason", "Host EC2 (instance i-1) terminated."}},
                 {{"statusReason", "Host EC2 (instance i-2) terminated."}}}}};
  m = UnknownFailureMessage(spot, "/aws/batch/job", {}, "no log stream", JobSource{"aws"});
  EXPECT_NE(m.find("terminated (e.g. a spot instance reclaimed) on 2 attempts"), std::string::npos) << m;
  EXPECT_NE(m.find("maxSpotAttempts"), std::string::npos) << m;
  EXPECT_EQ(m.find("entrypoint"), std::string::npos) << m;

  json stuck = {{"jobId", "j-2"}, {"statusReason", "MISCONFIGURATION:JOB_RESOURCE_REQUIREMENT - x"}};
  std::string w = RunnableWarning("big (1)", stuck, "q1", 64, 512LL << 30, 600000);
  EXPECT_NE(w.find("big (1)"), std::string::npos);
  EXPECT_NE(w.find("j-2"), std::string::npos);
  EXPECT_NE(w.find("'q1'"), std::string::npos);
  EXPECT_NE(w.find("64 vCPUs"), std::string::npos);
  EXPECT_NE(w.find("524288 MiB"), std::string::npos);
  EXPECT_NE(w.find("MISCONFIGURATION:JOB_RESOURCE_REQUIREMENT"), std::string::npos);
  EXPECT_NE(w.find("maximum vCPUs"), std::string::npos);
}

TEST(JobDiagnosis, WhatWasMissingIsNamedWithTheFix) {
  const std::string pull =
      "CannotPullContainerError: Error response from daemon: manifest for nosuch/image:1 not found: manifest unknown";
  json job = {{"jobId", "j-9"},
              {"status", "FAILED"},
              {"statusReason", pull},
              {"container", {{"image", "nosuch/image:1"}, {"reason", pull}}}};
  std::string m = UnknownFailureMessage(job, "/aws/batch/job", {}, "the job has no log stream (it never started)",
                                        JobSource{"/opt/ferry-job/bin/aws"});
  EXPECT_EQ(m.find("unknown reason"), std::string::npos) << m;
  EXPECT_NE(m.find("j-9 failed before its task ran: the image 'nosuch/image:1' could not be pulled "
                   "(CannotPullContainerError)"),
            std::string::npos)
      << m;
  EXPECT_NE(m.find("docker manifest inspect nosuch/image:1"), std::string::npos) << m;
  EXPECT_NE(m.find("Batch status reason: " + pull), std::string::npos) << m;
  EXPECT_EQ(m.find("entrypoint"), std::string::npos) << m;  // nothing ran: not a suspect

  // Docker's words for an image without the container's first program.
  json no_shell = {{"jobId", "j-8"},
                   {"statusReason", "Task failed to start"},
                   {"container",
                    {{"reason",
                      "CannotStartContainerError: Error response from daemon: failed to create task for container: "
                      "exec: \"sh\": executable file not found in $PATH"}}}};
  EXPECT_NE(StartFailureCause(no_shell, {}, JobSource{"aws"}).find("the image has no sh"), std::string::npos);
  no_shell["container"]["reason"] =
      "CannotStartContainerError: Error response from daemon: exec: \"/docker-entrypoint.sh\": stat "
      "/docker-entrypoint.sh: no such file or directory";
  std::string cause = StartFailureCause(no_shell, {}, JobSource{"aws"});
  EXPECT_NE(cause.find("no program '/docker-entrypoint.sh'"), std::string::npos) << cause;
  EXPECT_NE(cause.find("entrypoint"), std::string::npos) << cause;

  // The shell could not find (or run) the cliPath binary: bash's words, dash's, busybox's.
  json exited = {
      {"jobId", "j-7"}, {"statusReason", "Essential container in task exited"}, {"container", {{"exitCode", 1}}}};
  cause = StartFailureCause(exited, {"bash: line 12: /opt/ferry-job/bin/aws: No such file or directory"},
                            JobSource{"/opt/ferry-job/bin/aws"});
  EXPECT_NE(cause.find("the CLI '/opt/ferry-job/bin/aws' (aws.batch.cliPath) does not run in the container"),
            std::string::npos)
      << cause;
  EXPECT_NE(cause.find("ferry-job"), std::string::npos) << cause;
  for (const char* line : {"sh: 12: /opt/ferry-job/bin/aws: not found", "sh: /opt/ferry-job/bin/aws: not found"})
    EXPECT_NE(
        StartFailureCause(exited, {line}, JobSource{"/opt/ferry-job/bin/aws"}).find("(aws.batch.cliPath) does not run"),
        std::string::npos)
        << line;
  EXPECT_NE(StartFailureCause(exited, {"bash: aws: command not found"}, JobSource{"aws"})
                .find("no working `aws` on its PATH"),
            std::string::npos);
  // A task's own failure names nothing.
  EXPECT_EQ(StartFailureCause(exited, {"grep: pattern not found in /data/x"}, JobSource{"/opt/ferry-job/bin/aws"}), "");
  EXPECT_EQ(StartFailureCause(exited, {}, JobSource{"aws"}), "");
}

TEST(JobDiagnosis, FixesNameTheSettingOfWhoSubmittedTheJob) {
  // A `ferry build` job's image is its job definition's: the fix names the
  // definition and the setting that chose it, not a task's `container`.
  const std::string pull = "CannotPullContainerError: Error response from daemon: manifest for nosuch/tool:2 not found";
  json job = {{"jobId", "j-5"},
              {"status", "FAILED"},
              {"statusReason", pull},
              {"container", {{"image", "nosuch/tool:2"}, {"reason", pull}}}};
  std::string run = StartFailureCause(job, {}, JobSource{"aws"});
  EXPECT_NE(run.find("fix the task's `container`"), std::string::npos) << run;
  std::string build = StartFailureCause(job, {}, JobSource{"aws", "build-tools", "--aws-batch-job"});
  EXPECT_NE(build.find("the image 'nosuch/tool:2' could not be pulled"), std::string::npos) << build;
  EXPECT_NE(build.find("docker manifest inspect nosuch/tool:2"), std::string::npos) << build;
  EXPECT_NE(build.find("the `image` of job definition 'build-tools' (named by --aws-batch-job)"), std::string::npos)
      << build;
  EXPECT_EQ(build.find("`container`"), std::string::npos) << build;
  // A build's CLI is on the job definition's volumes, not mounted by ferry.
  json exited = {{"jobId", "j-6"}, {"container", {{"exitCode", 1}}}};
  build = StartFailureCause(exited, {"sh: 1: /opt/tools/bin/aws: not found"},
                            JobSource{"/opt/tools/bin/aws", "ferry-job", "default"});
  EXPECT_NE(build.find("(--aws-batch-cli) does not run in the container"), std::string::npos) << build;
  EXPECT_NE(build.find("job definition 'ferry-job' mounts"), std::string::npos) << build;

  // Ran nothing: the image's entrypoint is named as the likely cause.
  json swallowed = {{"jobId", "j-4"},
                    {"status", "SUCCEEDED"},
                    {"statusReason", "Essential container in task exited"},
                    {"container", {{"image", "swallow:1"}, {"exitCode", 0}}}};
  std::string m = RanNothingMessage(swallowed, JobSource{"aws"}, "it left no .exitcode");
  EXPECT_NE(m.find("j-4 SUCCEEDED but ran nothing: it left no .exitcode"), std::string::npos) << m;
  EXPECT_NE(m.find("Likely cause: the entrypoint of the image 'swallow:1'"), std::string::npos) << m;
  EXPECT_NE(m.find("\"terminated for an unknown reason\""), std::string::npos) << m;
  EXPECT_NE(m.find("docker image inspect --format '{{json .Config.Entrypoint}}' swallow:1"), std::string::npos) << m;
  EXPECT_NE(m.find("Fix: set the task's `container` (or the job definition) to an image whose entrypoint runs"),
            std::string::npos)
      << m;
  m = RanNothingMessage(swallowed, JobSource{"aws", "build-tools", ""}, "no results");
  EXPECT_NE(m.find("set the `image` of job definition 'build-tools' to an image"), std::string::npos) << m;
}

TEST(JobDiagnosis, UsageIsTheJobsOwnReportPlusItsQueueTime) {
  json job = {
      {"jobId", "j-1"}, {"createdAt", 1000}, {"startedAt", 4500}, {"container", {{"instanceType", "c5.xlarge"}}}};
  TaskUsage u = JobUsage(job, "job_id: j-1\nrealtime_ms: 20\npeak_rss: 100\ninstance_type: m5.large\n");
  EXPECT_EQ(u.peak_rss, 100);
  EXPECT_EQ(u.realtime_ms, 20);
  EXPECT_EQ(u.queue_ms, 3500);
  EXPECT_EQ(u.instance_type, "m5.large");  // the host's own word over Batch's
  // A report an earlier job left in the work dir is not this job's.
  u = JobUsage(job, "job_id: j-0\npeak_rss: 100\n");
  EXPECT_EQ(u.peak_rss, -1);
  EXPECT_EQ(u.queue_ms, 3500);
  EXPECT_EQ(u.instance_type, "c5.xlarge");
  // No report (the aws CLI measures nothing), a job that never started.
  u = JobUsage({{"jobId", "j-2"}, {"createdAt", 1000}}, "");
  EXPECT_EQ(u.peak_rss, -1);
  EXPECT_EQ(u.realtime_ms, -1);
  EXPECT_EQ(u.queue_ms, -1);
  EXPECT_EQ(u.instance_type, "");
}

TEST(JobRequest, FairShareTagsAndFargateSizes) {
  TaskRun r;
  r.process = "align";
  r.queue = "q";
  r.cpus = 3;
  r.memory_bytes = int64_t{5} << 30;
  r.resource_labels = {{"team", "genomics"}};
  SubmitSettings s;
  s.run_name = "happy_turing";
  s.pipeline = "rnaseq";
  json req = SubmitJobRequest(r, "d:1", {"sh"}, s);
  EXPECT_FALSE(req.contains("shareIdentifier"));
  EXPECT_FALSE(req.contains("schedulingPriorityOverride"));
  EXPECT_EQ(req["tags"], json({{"team", "genomics"},
                               {"ferry-run", "happy_turing"},
                               {"ferry-task", "align"},
                               {"ferry-pipeline", "rnaseq"}}));
  EXPECT_EQ(req["propagateTags"], true);
  EXPECT_EQ(req["containerOverrides"]["resourceRequirements"][0]["value"], "3");
  s.share_identifier = "genomics";
  s.scheduling_priority = 0;  // the lowest is a priority too
  s.fargate = true;
  req = SubmitJobRequest(r, "d:1", {"sh"}, s);
  EXPECT_EQ(req["shareIdentifier"], "genomics");
  EXPECT_EQ(req["schedulingPriorityOverride"], 0);
  EXPECT_EQ(req["containerOverrides"]["resourceRequirements"],
            json::parse(R"([{"type": "VCPU", "value": "4"}, {"type": "MEMORY", "value": "8192"}])"));
  // Tasks with other labels or disks go in other array jobs.
  TaskRun a = r, b = r;
  a.array_key = b.array_key = "k";
  a.array_size = b.array_size = 10;
  b.resource_labels = {{"team", "other"}};
  EXPECT_EQ(GroupJobs({&a, &b}).size(), 2u);
  b = a;
  b.disk_bytes = 1;
  EXPECT_EQ(GroupJobs({&a, &b}).size(), 2u);
}

TEST(JobDefinitions, FargateDefinitionsHaveWhatFargateNeedsAndNoHostMounts) {
  JobDefinitionSettings s;
  s.fargate = true;
  s.execution_role = "arn:aws:iam::1:role/exec";
  s.job_role = "arn:aws:iam::1:role/job";
  s.assign_public_ip = false;
  s.platform_version = "1.4.0";
  json req;
  ASSERT_TRUE(JobDefinitionRequest("debian:12", s, &req, 50).ok());
  const json& p = req["containerProperties"];
  EXPECT_EQ(req["platformCapabilities"], json::array({"FARGATE"}));
  EXPECT_EQ(req["propagateTags"], true);
  EXPECT_EQ(p["executionRoleArn"], "arn:aws:iam::1:role/exec");
  EXPECT_EQ(p["jobRoleArn"], "arn:aws:iam::1:role/job");
  EXPECT_EQ(p["networkConfiguration"]["assignPublicIp"], "DISABLED");
  EXPECT_EQ(p["fargatePlatformConfiguration"]["platformVersion"], "1.4.0");
  EXPECT_EQ(p["ephemeralStorage"]["sizeInGiB"], 50);
  EXPECT_EQ(p["resourceRequirements"][1]["value"], "2048");  // a pair Fargate offers
  EXPECT_FALSE(p.contains("volumes"));
  json small;
  ASSERT_TRUE(JobDefinitionRequest("debian:12", s, &small).ok());
  EXPECT_FALSE(small["containerProperties"].contains("ephemeralStorage"));
  EXPECT_NE(small["parameters"]["ferry-token"], req["parameters"]["ferry-token"]);  // another definition
  s.cli_path = "/opt/ferry-job/bin/aws";
  Status st = JobDefinitionRequest("debian:12", s, &req);
  EXPECT_EQ(st.exit_code(), 2);
  EXPECT_NE(st.message().find("Fargate jobs cannot mount host directories"), std::string::npos) << st.message();
  // EC2 definitions carry none of Fargate's settings.
  JobDefinitionSettings ec2;
  ASSERT_TRUE(JobDefinitionRequest("debian:12", ec2, &req, 50).ok());
  EXPECT_FALSE(req.contains("platformCapabilities"));
  EXPECT_FALSE(req["containerProperties"].contains("networkConfiguration"));
  EXPECT_FALSE(req["containerProperties"].contains("ephemeralStorage"));
}

}  // namespace
}  // namespace ferry
