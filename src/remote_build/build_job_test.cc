#include "remote_build/build_job.h"

#include <gtest/gtest.h>

#include "remote_build/build_signals.h"

namespace ferry::remote_build {
namespace {

using nlohmann::json;

TEST(BuildJob, SubmitRequestCarriesSizeCommandAndLocation) {
  SubmitSpec s;
  s.job_name = "ferry-build-x";
  s.queue = "q";
  s.job_definition = "jd";
  s.cpus = 8;
  s.memory_mib = 14336;
  s.script = "echo script";
  s.workflow = {"make", "-j8"};
  s.environment = {{kTreeUrlVariable, "s3://b/ferry-build/id/tree/"}};
  json r = SubmitJobRequest(s);
  EXPECT_EQ(r["jobQueue"], "q");
  EXPECT_EQ(r["jobDefinition"], "jd");
  const json& o = r["containerOverrides"];
  EXPECT_EQ(o["command"], json::array({"sh", "-c", "echo script", "sh", "make", "-j8"}));
  EXPECT_EQ(o["resourceRequirements"],
            json::parse(R"([{"type":"VCPU","value":"8"},{"type":"MEMORY","value":"14336"}])"));
  EXPECT_EQ(o["environment"][0]["name"], "FERRY_BUILD_TREE_URL");

  s.cpus = 0;
  s.memory_mib = 0;
  EXPECT_FALSE(SubmitJobRequest(s)["containerOverrides"].contains("resourceRequirements"));
}

TEST(BuildJob, ParsesDescribeJobsAndReportsTheEnd) {
  json j = json::parse(R"({"jobId":"j1","status":"FAILED","statusReason":"Essential container in task exited",
    "jobQueue":"arn:q","createdAt":1000,"startedAt":60000,"stoppedAt":150000,
    "container":{"exitCode":3,"logStreamName":"ferry-job/default/abc",
      "environment":[{"name":"FERRY_BUILD_TREE_URL","value":"s3://b/p/ferry-build/id/tree/"}],
      "resourceRequirements":[{"type":"VCPU","value":"8"}]}})");
  JobState s = ParseJobState(j);
  EXPECT_EQ(s.log_stream, "ferry-job/default/abc");
  EXPECT_EQ(s.tree_url, "s3://b/p/ferry-build/id/tree/");
  EXPECT_EQ(s.vcpus, "8");
  EXPECT_EQ(s.described, j);  // what job_diagnosis reads
  EXPECT_EQ(EndReport(s), "Job FAILED after 1.5 minutes (exited 3)");
  EXPECT_EQ(ExitCodeFor(s), 3);
  s.exit_code.reset();
  EXPECT_EQ(ExitCodeFor(s), 1);
  s.status = "SUCCEEDED";
  EXPECT_EQ(EndReport(s), "Job SUCCEEDED after 1.5 minutes");
  EXPECT_EQ(ExitCodeFor(s), 0);
  s.status = "FAILED";
  s.status_reason = s.container_reason = "CannotPullContainerError: manifest for x:1 not found";
  EXPECT_EQ(EndReport(s), "Job FAILED after 1.5 minutes (CannotPullContainerError: manifest for x:1 not found)");
}

TEST(BuildJob, StatusChangesAreAnnouncedAndAQuickRunIsNotHidden) {
  JobState j;
  j.status = "RUNNABLE";
  EXPECT_EQ(StatusChangeLines("", j), std::vector<std::string>{"Job is RUNNABLE"});
  EXPECT_TRUE(StatusChangeLines("RUNNABLE", j).empty());
  j.status = "RUNNING";
  EXPECT_EQ(StatusChangeLines("RUNNABLE", j), std::vector<std::string>{"Job now RUNNING"});
  // Started and ended between two looks: it ran, so RUNNING is told first.
  j.status = "SUCCEEDED";
  j.started_ms = 1000;
  EXPECT_EQ(StatusChangeLines("RUNNABLE", j), (std::vector<std::string>{"Job now RUNNING", "Job now SUCCEEDED"}));
  EXPECT_EQ(StatusChangeLines("RUNNING", j), std::vector<std::string>{"Job now SUCCEEDED"});
  // Attaching to a job that already ended tells only where it is.
  EXPECT_EQ(StatusChangeLines("", j), std::vector<std::string>{"Job is SUCCEEDED"});
  // Failed before it ever started (cancelled while RUNNABLE): no RUNNING.
  j.status = "FAILED";
  j.started_ms = 0;
  EXPECT_EQ(StatusChangeLines("RUNNABLE", j), std::vector<std::string>{"Job now FAILED"});
}

TEST(BuildJob, TreeUrlRoundTrips) {
  RemoteLocation l;
  ASSERT_TRUE(LocationFromTreeUrl("s3://bkt/some/prefix/ferry-build/abc123/tree/", &l));
  EXPECT_EQ(l.bucket, "bkt");
  EXPECT_EQ(l.prefix, "some/prefix/");
  EXPECT_EQ(l.dir_id, "abc123");
  ASSERT_TRUE(LocationFromTreeUrl("s3://bkt/ferry-build/abc/tree/", &l));
  EXPECT_EQ(l.prefix, "");
  EXPECT_FALSE(LocationFromTreeUrl("s3://bkt/elsewhere/", &l));
  EXPECT_FALSE(LocationFromTreeUrl("https://bkt/ferry-build/a/tree/", &l));
}

TEST(BuildJob, JobNameIsBatchSafe) { EXPECT_EQ(JobNameFor("/home/u/my build.v2/"), "ferry-build-my-build-v2"); }

TEST(CancelPolicy, TwiceWithinTenSecondsOnATerminal) {
  CancelPolicy p(/*on_terminal=*/true);
  EXPECT_EQ(p.OnInterrupt(0), CancelPolicy::Action::kWarn);
  EXPECT_EQ(p.OnInterrupt(11000), CancelPolicy::Action::kWarn);  // too late: warns again
  EXPECT_EQ(p.OnInterrupt(15000), CancelPolicy::Action::kCancel);
  EXPECT_EQ(p.OnInterrupt(15001), CancelPolicy::Action::kExit);
}

TEST(CancelPolicy, OnceWithoutATerminal) {
  CancelPolicy p(/*on_terminal=*/false);
  EXPECT_EQ(p.OnInterrupt(0), CancelPolicy::Action::kCancel);
  EXPECT_EQ(p.OnInterrupt(1), CancelPolicy::Action::kExit);
}

}  // namespace
}  // namespace ferry::remote_build
