#include "awsemu/batch_job_spec.h"

#include <gtest/gtest.h>

namespace awsemu {
namespace {

using json = nlohmann::json;

class PlanSubmitJobTest : public ::testing::Test {
 protected:
  void SetUp() override {
    queue_.name = "q";
    queue_.arn = "arn:aws:batch:eu-west-1:000000000000:job-queue/q";
    def_.name = "tool";
    def_.arn = "arn:aws:batch:eu-west-1:000000000000:job-definition/tool:3";
    def_.revision = 3;
    def_.body = {
        {"jobDefinitionName", "tool"},
        {"type", "container"},
        {"parameters", {{"input", "default.txt"}}},
        {"retryStrategy", {{"attempts", 2}}},
        {"containerProperties",
         {{"image", "debian:12"},
          {"command", {"tool", "Ref::input"}},
          {"environment", {{{"name", "A"}, {"value", "def"}}, {{"name", "B"}, {"value", "def"}}}},
          {"resourceRequirements", {{{"type", "VCPU"}, {"value", "2"}}, {{"type", "MEMORY"}, {"value", "512"}}}},
          {"logConfiguration", {{"logDriver", "awslogs"}, {"options", {{"awslogs-group", "/my/logs"}}}}},
          {"volumes", {{{"name", "data"}, {"host", {{"sourcePath", "/srv/data"}}}}, {{"name", "tmp"}}}},
          {"mountPoints",
           {{{"sourceVolume", "data"}, {"containerPath", "/data"}, {"readOnly", true}},
            {{"sourceVolume", "tmp"}, {"containerPath", "/scratch"}}}}}}};
    lookups_.queue = [this](const std::string& ref) -> const JobQueue* {
      return ref == "q" || ref == queue_.arn ? &queue_ : nullptr;
    };
    lookups_.job_definition = [this](const std::string& ref) -> const JobDefinition* {
      return ref == "tool" || ref == "tool:3" ? &def_ : nullptr;
    };
    lookups_.job_array_size = [](const std::string& id) -> std::optional<int> {
      if (id == "plain") return 0;
      if (id == "array10") return 10;
      return std::nullopt;
    };
  }

  json Request() const { return {{"jobName", "j1"}, {"jobQueue", "q"}, {"jobDefinition", "tool"}}; }

  EmuError Plan(const json& in) { return PlanSubmitJob(in, lookups_, &plan_); }

  JobQueue queue_;
  JobDefinition def_;
  SubmitLookups lookups_;
  SubmitPlan plan_;
};

TEST_F(PlanSubmitJobTest, DefinitionValuesUnderTheRequestsOverrides) {
  json in = Request();
  in["parameters"] = {{"input", "s3://b/in.txt"}};
  in["containerOverrides"] = {{"environment", {{{"name", "B"}, {"value", "override"}}}},
                              {"resourceRequirements", {{{"type", "MEMORY"}, {"value", "1024"}}}}};
  in["timeout"] = {{"attemptDurationSeconds", 5}};
  ASSERT_TRUE(Plan(in).ok());
  const JobSpec& s = plan_.spec;
  EXPECT_EQ(s.name, "j1");
  EXPECT_EQ(s.queue, "q");
  EXPECT_EQ(s.queue_arn, queue_.arn);
  EXPECT_EQ(s.job_definition_arn, def_.arn);
  EXPECT_EQ(s.command, (std::vector<std::string>{"tool", "s3://b/in.txt"}));
  EXPECT_EQ(s.environment, (std::vector<std::pair<std::string, std::string>>{{"A", "def"}, {"B", "override"}}));
  EXPECT_EQ(s.needs.vcpus, 2);
  EXPECT_EQ(s.needs.memory_mib, 1024);
  EXPECT_EQ(s.retry.attempts, 2);
  EXPECT_EQ(s.timeout_seconds, 5);
  EXPECT_EQ(s.log_group, "/my/logs");
  EXPECT_EQ(s.stream_prefix, "tool");
  ASSERT_EQ(s.mounts.size(), 2u);
  EXPECT_EQ(s.mounts[0].host_path, "/srv/data");
  EXPECT_TRUE(s.mounts[0].read_only);
  EXPECT_EQ(s.mounts[1].host_path, "@scratch/tmp");
  EXPECT_EQ(s.array_size, 0);
  EXPECT_TRUE(plan_.deps.empty());
  // The container as DescribeJobs shows it.
  EXPECT_EQ(s.container["image"], "debian:12");
  EXPECT_EQ(s.container["command"], json({"tool", "s3://b/in.txt"}));
  EXPECT_EQ(s.container["resourceRequirements"],
            json({{{"value", "2"}, {"type", "VCPU"}}, {{"value", "1024"}, {"type", "MEMORY"}}}));
}

TEST_F(PlanSubmitJobTest, ArraysAndDependencies) {
  json in = Request();
  in["arrayProperties"] = {{"size", 10}};
  in["dependsOn"] = {{{"jobId", "array10"}, {"type", "N_TO_N"}}, {{"type", "SEQUENTIAL"}}, {{"jobId", "plain"}}};
  ASSERT_TRUE(Plan(in).ok());
  EXPECT_EQ(plan_.spec.array_size, 10);
  ASSERT_EQ(plan_.deps.size(), 3u);
  EXPECT_EQ(plan_.deps[0].job_id, "array10");
  EXPECT_EQ(plan_.deps[0].type, "N_TO_N");
  EXPECT_EQ(plan_.deps[1].job_id, "");
  EXPECT_EQ(plan_.deps[1].type, "SEQUENTIAL");
  EXPECT_EQ(plan_.deps[2].job_id, "plain");
  EXPECT_EQ(plan_.spec.depends_on, in["dependsOn"]);
}

// Each invalid request comes back as the ClientException Batch answers,
// returned, not thrown.
TEST_F(PlanSubmitJobTest, InvalidRequestsAreClientExceptions) {
  struct Case {
    std::function<void(json&)> change;
    std::string message;
  };
  const std::vector<Case> cases = {
      {[](json& in) { in.erase("jobName"); }, "jobName is required"},
      {[](json& in) { in["jobName"] = "-bad"; }, "Job name should be up to 128 characters long"},
      {[](json& in) { in["jobQueue"] = "nope"; }, "JobQueue nope not found."},
      {[](json& in) { in["jobDefinition"] = "missing"; }, "JobDefinition missing does not exist"},
      {[](json& in) {
         in["containerOverrides"] = {{"environment", {{{"name", "AWS_BATCH_X"}, {"value", "1"}}}}};
       },
       "Environment variable names starting with AWS_BATCH are reserved."},
      {[](json& in) {
         in["arrayProperties"] = {{"size", 1}};
       },
       "Array job size must be between 2 and 10000"},
      {[](json& in) {
         in["dependsOn"] = {{{"jobId", "ghost"}}};
       },
       "Dependent job ID ghost does not exist"},
      {[](json& in) {
         in["dependsOn"] = {{{"type", "SEQUENTIAL"}}};
       },
       "SEQUENTIAL dependencies are only valid"},
      {[](json& in) {
         in["arrayProperties"] = {{"size", 5}};
         in["dependsOn"] = {{{"jobId", "array10"}, {"type", "N_TO_N"}}};
       },
       "N_TO_N dependencies need two array jobs of the same size"},
      {[](json& in) {
         in["timeout"] = {{"attemptDurationSeconds", 0}};
       },
       "must be a positive number of seconds"},
      {[](json& in) {
         in["retryStrategy"] = {{"attempts", 11}};
       },
       "Retry attempts should be between 1 and 10."},
  };
  for (const Case& c : cases) {
    json in = Request();
    c.change(in);
    EmuError e = Plan(in);
    EXPECT_EQ(e.status, 400) << in.dump();
    EXPECT_EQ(e.code, "ClientException") << in.dump();
    EXPECT_NE(e.message.find(c.message), std::string::npos) << e.message;
  }
  queue_.state = "DISABLED";
  EmuError e = Plan(Request());
  EXPECT_EQ(e.message, "Job queue q is DISABLED and does not accept new jobs.");
}

}  // namespace
}  // namespace awsemu
