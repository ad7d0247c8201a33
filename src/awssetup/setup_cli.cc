#include "awssetup/setup_cli.h"

#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <random>

#include <nlohmann/json.hpp>

#include "aws/api_call.h"
#include "aws/s3_cli_table.h"
#include "aws/s3_client.h"
#include "aws/session.h"
#include "aws/sts.h"
#include "awssetup/applier.h"
#include "awssetup/observed.h"
#include "awssetup/planner.h"
#include "awssetup/policy_check.h"
#include "awssetup/setup_config_block.h"
#include "cmdline/help_text.h"
#include "config/user_config.h"
#include "util/atomic_file.h"
#include "util/text.h"
#include "util/units.h"
#include "util/user_file.h"

namespace ferry::awssetup {

namespace {

using nlohmann::json;

struct Args {
  SetupOptions options;
  aws::AwsSettings settings;
  bool dry_run = false, json = false, yes = false, delete_data = false;
  bool name_given = false;
};

Status ParseCount(const std::string& option, const std::string& text, int* out) {
  try {
    size_t used = 0;
    long v = std::stol(text, &used);
    if (used == text.size() && v >= 0 && v <= 1000000) {
      *out = static_cast<int>(v);
      return Status::Ok();
    }
  } catch (const std::exception&) {
  }
  return Status::Invalid(option + " takes a whole number, not '" + text + "'");
}

std::vector<std::string> SplitList(const std::string& s) {
  std::vector<std::string> out;
  for (const std::string& part : Split(s, ','))
    if (!Trim(part).empty()) out.push_back(std::string(Trim(part)));
  return out;
}

Status FromParsed(const cmdline::Parsed& p, Args* a) {
  for (const auto& h : p.options) {
    const std::string& v = h.value;
    if (h.is("--name")) {
      a->options.name = v;
      a->name_given = true;
    } else if (h.is("--bucket")) a->options.bucket = v;
    else if (h.is("--expire-days")) FERRY_RETURN_IF_ERROR(ParseCount("--expire-days", v, &a->options.expire_days));
    else if (h.is("--max-vcpus")) FERRY_RETURN_IF_ERROR(ParseCount("--max-vcpus", v, &a->options.max_vcpus));
    else if (h.is("--instance-types")) a->options.instance_types = SplitList(v);
    else if (h.is("--spot")) a->options.spot = true;
    else if (h.is("--nvme")) a->options.nvme = true;
    else if (h.is("--image")) a->options.image = v;
    else if (h.is("--subnets")) a->options.subnets = SplitList(v);
    else if (h.is("--security-group")) a->options.security_group = v;
    else if (h.is("--dry-run")) a->dry_run = true;
    else if (h.is("--json")) a->json = true;
    else if (h.is("--yes")) a->yes = true;
    else if (h.is("--delete-data")) a->delete_data = true;
    else if (h.is("--disk")) {
      int64_t bytes = 0;
      if (!ParseMemory(v, &bytes) || bytes < (int64_t{1} << 30))
        return Status::Invalid("--disk takes a size of at least 1 GiB such as 200gib, not '" + v + "'");
      a->options.disk_gib = static_cast<int>(bytes >> 30);
    } else if (h.is("--region")) {
      a->settings.region = v;
      a->settings.region_origin = "--region";
    } else if (h.is("--endpoint-url")) {
      a->settings.endpoint_url = v;
      a->settings.endpoint_origin = "--endpoint-url";
    } else if (h.is("--profile")) {
      a->settings.profile = v;
      a->settings.profile_origin = "--profile";
      a->settings.profile_overrides_env = true;
    }
  }
  return CheckSetupOptions(a->options);
}

const cmdline::Command& Table(const std::string& word) {
  static const cmdline::Command kSetup = aws::AwsSetupCommand("setup");
  static const cmdline::Command kCheck = aws::AwsSetupCommand("check");
  static const cmdline::Command kTeardown = aws::AwsSetupCommand("teardown");
  return word == "setup" ? kSetup : word == "check" ? kCheck : kTeardown;
}

class Runner {
 public:
  Runner(std::string word, Args args, std::shared_ptr<const aws::Env> env, const SetupIo& io)
      : word_(std::move(word)), a_(std::move(args)), env_(std::move(env)), io_(io) {}

  int Run() {
    Status s = Open();
    if (s.ok()) {
      if (word_ == "setup") s = Setup();
      else if (word_ == "check") s = Check();
      else s = Teardown();
    }
    EndProgressLine();
    if (!s.ok()) {
      std::fprintf(io_.err, "ferry aws %s: %s\n", word_.c_str(), s.message().c_str());
      return s.exit_code();
    }
    return exit_;
  }

 private:
  Status Open() {
    aws::SessionOptions so;
    FERRY_RETURN_IF_ERROR(aws::OpenSession(a_.settings, env_, so, &session_));
    aws::CallerIdentity id;
    FERRY_RETURN_IF_ERROR(aws::GetCallerIdentity(*session_.client, &id)
                              .WithPrefix("could not ask STS which account these credentials belong to"));
    FERRY_RETURN_IF_ERROR(aws::LiveAwsApi::Create(session_.client, &api_));
    config_path_ = config::UserConfigPath(Var("FERRY_CONFIG"), Var("HOME"));
    if (!config_path_.empty()) {
      Status r = ReadUserFile(config_path_, &config_text_);
      // A config ferry cannot read is never overwritten.
      if (!r.ok() && r.kind() != Status::Kind::kNotFound) return r.WithPrefix("user config " + config_path_);
      if (!r.ok()) config_text_.clear();
    }
    // check and teardown act on what setup was asked for.
    if (word_ != "setup") SetupOptionsFromConfig(config_text_, a_.options.name, &a_.options);
    desired_ = MakeDesired(a_.options, id.account, session_.region.region);
    return Status::Ok();
  }

  const char* Var(const char* name) {
    auto v = env_->Get(name);
    if (!v) return nullptr;
    vars_.push_back(*v);
    return vars_.back().c_str();
  }

  Status Setup() {
    Observed observed;
    FERRY_RETURN_IF_ERROR(Observe(*api_, desired_, &observed));
    Plan plan;
    FERRY_RETURN_IF_ERROR(PlanSetup(desired_, observed, &plan));
    if (a_.dry_run) {
      Print(plan, "dry run: nothing was changed");
      return Status::Ok();
    }
    if (!plan.HasChanges()) {
      FERRY_RETURN_IF_ERROR(WriteConfig(SetupConfigBlock(desired_)));
      if (a_.json) {
        Json({{"plan", PlanJson(plan)}, {"changed", false}, {"config", config_path_}});
      } else {
        std::fputs(RenderPlan(plan, false).c_str(), io_.out);
        std::fprintf(io_.out, "nothing to change: set-up '%s' is as wanted\n", desired_.options.name.c_str());
      }
      if (plan.HasBroken()) exit_ = 1;
      return Status::Ok();
    }
    if (!a_.json) std::fputs(RenderPlan(plan, false).c_str(), io_.out);
    FERRY_RETURN_IF_ERROR(ApplyPlan(*api_, plan, ApplyOpts()));
    FERRY_RETURN_IF_ERROR(WriteConfig(SetupConfigBlock(desired_)));
    if (a_.json) {
      Json({{"plan", PlanJson(plan)}, {"changed", true}, {"config", config_path_}});
    } else {
      std::fprintf(io_.out, "set-up '%s' is ready; %s now names bucket %s, queue %s and job definition %s\n",
                   desired_.options.name.c_str(), config_path_.c_str(), desired_.bucket.c_str(), desired_.queue.c_str(),
                   desired_.job_definition.c_str());
    }
    if (plan.HasBroken()) exit_ = 1;
    return Status::Ok();
  }

  Status Check() {
    Observed observed;
    FERRY_RETURN_IF_ERROR(Observe(*api_, desired_, &observed));
    Plan plan;
    Status planned = PlanSetup(desired_, observed, &plan);
    json pieces = json::array();
    bool all_ok = planned.ok();
    for (const Step& s : plan.steps) {
      std::string verdict = s.action == Action::kKeep ? "ok" : s.action == Action::kCreate ? "missing" : "wrong";
      if (s.action != Action::kKeep) all_ok = false;
      std::string fix;
      if (s.action != Action::kKeep && s.action != Action::kBroken)
        fix = "run ferry aws setup" + NameFlag() + (s.fix.empty() ? "" : ", or: " + s.fix);
      pieces.push_back(Piece(verdict, s.piece, s.resource, s.reason, fix));
    }
    if (!planned.ok()) pieces.push_back(Piece("wrong", "network", desired_.region, planned.message(), ""));
    if (observed.bucket.exists) all_ok = TestWrite(&pieces) && all_ok;
    if (observed.queue.exists) all_ok = ExplainRunnable(observed, &pieces) && all_ok;
    if (observed.group.exists || observed.job_role.exists) all_ok = SimulateSubmit(observed, &pieces) && all_ok;
    exit_ = all_ok ? 0 : 1;
    if (a_.json) {
      Json({{"ok", all_ok}, {"pieces", pieces}});
      return Status::Ok();
    }
    for (const json& p : pieces) {
      std::string verdict = p["verdict"];
      verdict.resize(8, ' ');
      std::fprintf(io_.out, "%s%s %s: %s\n", verdict.c_str(), p["piece"].get<std::string>().c_str(),
                   p["resource"].get<std::string>().c_str(), p["reason"].get<std::string>().c_str());
      if (p.contains("fix")) std::fprintf(io_.out, "        fix: %s\n", p["fix"].get<std::string>().c_str());
    }
    std::fprintf(io_.out, all_ok ? "set-up '%s' is ready\n" : "set-up '%s' is not ready: see the fixes above\n",
                 desired_.options.name.c_str());
    return Status::Ok();
  }

  static json Piece(const std::string& verdict, const std::string& piece, const std::string& resource,
                    const std::string& reason, const std::string& fix) {
    json j = {{"verdict", verdict}, {"piece", piece}, {"resource", resource}, {"reason", reason}};
    if (!fix.empty()) j["fix"] = fix;
    return j;
  }

  std::string NameFlag() const { return desired_.options.name == "ferry" ? "" : " --name " + desired_.options.name; }

  // What these credentials may do with the bucket: a small object written
  // and deleted again.
  bool TestWrite(json* pieces) {
    std::mt19937_64 rng{std::random_device{}()};
    std::string key = ".ferry-check/" + std::to_string(getpid()) + "-" + std::to_string(rng() % 1000000000);
    std::string where = "s3://" + desired_.bucket + "/" + key;
    Status s = api_->s3().PutSmall(desired_.bucket, key, "ferry aws check\n");
    if (!s.ok() && api_->s3().endpoint().scheme == "http" &&
        (s.aws_code() == "AccessDenied" || s.message().find("HTTP 403") != std::string::npos)) {
      // Over plain HTTP the TLS-only policy must refuse the write.
      pieces->push_back(Piece("ok", "test write", where,
                              "refused over plain HTTP by the TLS-only bucket policy, as it should be (an https "
                              "endpoint tests the write itself)",
                              ""));
      return true;
    }
    if (!s.ok()) {
      pieces->push_back(Piece(
          "wrong", "test write", where, s.message(),
          "give these credentials s3:PutObject on " + desired_.bucket + " (add them to group " + desired_.group + ")"));
      return false;
    }
    s = api_->s3().DeleteObject(desired_.bucket, key);
    if (!s.ok()) {
      pieces->push_back(Piece("wrong", "test write", where, "written, but not deleted: " + s.message(),
                              "give these credentials s3:DeleteObject on " + desired_.bucket));
      return false;
    }
    pieces->push_back(Piece("ok", "test write", where, "written and deleted", ""));
    return true;
  }

  // Jobs of the queue waiting for a size its compute environment never has.
  bool ExplainRunnable(const Observed& o, json* pieces) {
    json r;
    Status s = api_->Call({"batch", "ListJobs", {{"jobQueue", desired_.queue}, {"jobStatus", "RUNNABLE"}}}, &r);
    if (!s.ok()) {
      pieces->push_back(Piece("wrong", "simulated submit", desired_.queue,
                              "these credentials may not list the queue's jobs: " + s.message(),
                              "add them to group " + desired_.group));
      return false;
    }
    std::vector<std::string> ids;
    for (const json& j : AsList(r.value("jobSummaryList", json()))) ids.push_back(j.value("jobId", ""));
    bool ok = true;
    if (!ids.empty() && o.compute_env.exists) {
      json jobs;
      if (!api_->Call({"batch", "DescribeJobs", {{"jobs", ids}}}, &jobs).ok()) return ok;
      for (const json& j : AsList(jobs.value("jobs", json()))) {
        int vcpus = 0;
        const json& c = j.value("container", json::object());
        for (const json& req : AsList(c.value("resourceRequirements", json())))
          if (req.value("type", "") == "VCPU") vcpus = std::atoi(req.value("value", "0").c_str());
        if (vcpus <= o.compute_env.max_vcpus) continue;
        ok = false;
        pieces->push_back(Piece("wrong", "RUNNABLE job", j.value("jobName", "") + " (" + j.value("jobId", "") + ")",
                                "asks for " + std::to_string(vcpus) + " vCPUs but compute environment " +
                                    desired_.compute_env + " has at most " + std::to_string(o.compute_env.max_vcpus) +
                                    ": it will stay RUNNABLE",
                                "ferry aws setup" + NameFlag() + " --max-vcpus " + std::to_string(vcpus) +
                                    ", or run the job with fewer cpus"));
      }
    }
    if (ok)
      pieces->push_back(Piece("ok", "simulated submit", desired_.queue,
                              "the queue's jobs can be listed; none waits for a size the compute environment lacks",
                              ""));
    return ok;
  }

  // The requests a submit and its job make, each decided against the
  // policies the account holds: a ferry user's (the users' group) and the
  // job's (the job role). The first one refused is named.
  bool SimulateSubmit(const Observed& o, json* pieces) {
    const Desired& d = desired_;
    std::string batch = "arn:" + d.partition + ":batch:" + d.region + ":" + d.account + ":";
    std::string object = d.BucketArn() + "/work/ferry-check";
    std::vector<PolicyRequest> user = {
        {"batch:RegisterJobDefinition", "*"},
        {"batch:SubmitJob", batch + "job-queue/" + d.queue},
        {"batch:SubmitJob", batch + "job-definition/" + d.job_definition + ":1"},
        {"iam:PassRole", d.RoleArn(d.job_role)},
        {"batch:DescribeJobs", "*"},
        {"batch:TerminateJob", batch + "job/ferry-check"},
        {"logs:GetLogEvents", "arn:" + d.partition + ":logs:" + d.region + ":" + d.account +
                                  ":log-group:" + d.log_group + ":log-stream:ferry-check"},
        {"s3:ListBucket", d.BucketArn()},
        {"s3:PutObject", object},
        {"s3:GetObject", object}};
    std::vector<PolicyRequest> job = {
        {"s3:ListBucket", d.BucketArn()}, {"s3:GetObject", object}, {"s3:PutObject", object}};
    auto refused = [](const std::map<std::string, std::string>& policies, const std::vector<PolicyRequest>& reqs,
                      std::string* why) {
      std::vector<std::string> docs;
      for (const auto& kv : policies) docs.push_back(kv.second);
      for (const PolicyRequest& r : reqs) {
        Decision dec = Evaluate(docs, r);
        if (dec == Decision::kAllowed) continue;
        *why = r.action + " on " + r.resource + (dec == Decision::kExplicitDeny ? " is denied" : " is not allowed");
        return true;
      }
      return false;
    };
    std::string why;
    if (o.group.exists && refused(o.group.inline_policies, user, &why)) {
      pieces->push_back(Piece("wrong", "submit permissions", d.group,
                              "a member of the group cannot submit and watch a job: " + why + " by its policies",
                              "run ferry aws setup" + NameFlag() + " (it rewrites the group's policies)"));
      return false;
    }
    if (o.job_role.exists && refused(o.job_role.inline_policies, job, &why)) {
      pieces->push_back(Piece("wrong", "submit permissions", d.job_role,
                              "a job cannot stage its files: " + why + " by the job role's policies",
                              "run ferry aws setup" + NameFlag() + " (it rewrites the job role's policy)"));
      return false;
    }
    pieces->push_back(Piece("ok", "submit permissions", d.group,
                            "the group's policies allow submitting, watching and stopping a job on " + d.queue +
                                " with role " + d.job_role + ", whose policy allows the job's staging in " + d.bucket,
                            ""));
    return true;
  }

  Status Teardown() {
    Observed observed;
    FERRY_RETURN_IF_ERROR(Observe(*api_, desired_, &observed));
    Plan plan = PlanTeardown(desired_, observed, a_.delete_data);
    if (a_.dry_run || !plan.HasChanges()) {
      if (!plan.HasChanges()) {
        if (!a_.dry_run) FERRY_RETURN_IF_ERROR(WriteConfig(""));
        Print(plan, "nothing of set-up '" + desired_.options.name + "' to remove");
      } else {
        Print(plan, "dry run: nothing was removed");
      }
      return Status::Ok();
    }
    if (!a_.json) std::fputs(RenderPlan(plan, false).c_str(), io_.out);
    if (!a_.yes) {
      if (!io_.confirm)
        return Status::Invalid("teardown deletes the resources above; not on a terminal, so add --yes to confirm");
      std::fflush(io_.out);
      if (!io_.confirm("delete these resources of set-up '" + desired_.options.name + "'? [y/N] "))
        return Status::Failed("nothing was removed (not confirmed)");
    }
    FERRY_RETURN_IF_ERROR(ApplyPlan(*api_, plan, ApplyOpts()));
    FERRY_RETURN_IF_ERROR(WriteConfig(""));
    if (a_.json) Json({{"plan", PlanJson(plan)}, {"changed", true}});
    else std::fprintf(io_.out, "set-up '%s' removed\n", desired_.options.name.c_str());
    return Status::Ok();
  }

  void Print(const Plan& plan, const std::string& last) {
    if (a_.json) {
      Json({{"plan", PlanJson(plan)}, {"changed", false}});
      return;
    }
    std::fputs(RenderPlan(plan, a_.dry_run).c_str(), io_.out);
    std::fprintf(io_.out, "%s\n", last.c_str());
  }

  void Json(const json& j) { std::fprintf(io_.out, "%s\n", j.dump(2).c_str()); }

  ApplyOptions ApplyOpts() {
    ApplyOptions o;
    o.progress = [this](const std::string& line, bool waiting) { Progress(line, waiting); };
    o.empty_bucket = [this](const std::string& bucket) {
      std::vector<std::string> keys;
      FERRY_RETURN_IF_ERROR(api_->s3().ListAll(bucket, "", [&](const aws::S3Object& obj) {
        keys.push_back(obj.key);
        return Status::Ok();
      }));
      return api_->s3().DeleteObjects(bucket, keys);
    };
    o.service_role_arn = [this](std::string* arn) {
      ObservedRole r;
      FERRY_RETURN_IF_ERROR(ObserveServiceLinkedRole(*api_, &r));
      if (!r.exists) return Status::Failed("IAM has no Batch service-linked role after creating it");
      *arn = r.arn;
      return Status::Ok();
    };
    if (auto v = env_->Get("FERRY_AWS_SETUP_POLL_MS")) o.poll = std::chrono::milliseconds(std::atoi(v->c_str()));
    return o;
  }

  // Progress goes to stderr; on a terminal a waiting line is redrawn in
  // place, elsewhere only the first of a run of waiting lines is printed.
  void Progress(const std::string& line, bool waiting) {
    if (io_.terminal) {
      std::fprintf(io_.err, "\r\033[K%s%s", line.c_str(), waiting ? "" : "\n");
      drawn_ = waiting;
    } else if (!waiting || !drawn_) {
      std::fprintf(io_.err, "%s\n", line.c_str());
      drawn_ = waiting;
    }
    std::fflush(io_.err);
  }

  void EndProgressLine() {
    if (io_.terminal && drawn_) std::fputs("\n", io_.err);
    drawn_ = false;
  }

  Status WriteConfig(const std::string& block) {
    if (config_path_.empty())
      return Status::Failed("no user config to write the set-up's names into: set HOME or FERRY_CONFIG");
    std::string updated = ReplaceSetupConfigBlock(config_text_, desired_.options.name, block);
    if (updated == config_text_) return Status::Ok();
    std::string dir = config_path_.substr(0, config_path_.rfind('/'));
    if (!dir.empty() && !MakeDirs(dir)) return Status::Failed("cannot create " + dir + " for the user config");
    FERRY_RETURN_IF_ERROR(WriteFileAtomically(config_path_, updated));
    config_text_ = updated;
    return Status::Ok();
  }

  static bool MakeDirs(const std::string& dir) {
    size_t pos = 0;
    while (pos != std::string::npos) {
      pos = dir.find('/', pos + 1);
      std::string part = dir.substr(0, pos);
      if (part.empty()) continue;
      if (::mkdir(part.c_str(), 0755) != 0 && errno != EEXIST) return false;
    }
    return true;
  }

  std::string word_;
  Args a_;
  std::shared_ptr<const aws::Env> env_;
  SetupIo io_;
  aws::AwsSession session_;
  std::unique_ptr<aws::LiveAwsApi> api_;
  Desired desired_;
  std::string config_path_, config_text_;
  std::vector<std::string> vars_;
  bool drawn_ = false;
  int exit_ = 0;
};

}  // namespace

int RunSetupCommand(const std::string& word, const std::vector<std::string>& args, std::shared_ptr<const aws::Env> env,
                    const SetupIo& io) {
  if (!env) env = std::make_shared<aws::ProcessEnv>();
  const cmdline::Command& table = Table(word);
  cmdline::Parsed p;
  Status s = cmdline::Parse(table, args, &p);
  if (s.ok() && p.help) {
    std::fputs(cmdline::HelpText(table).c_str(), io.out);
    return 0;
  }
  Args a;
  if (s.ok() && !p.positional.empty())
    s = Status::Invalid(table.Name() + " takes no arguments, got '" + p.positional[0] + "' (see: " + table.Name() +
                        " --help)");
  if (s.ok()) s = FromParsed(p, &a);
  if (!s.ok()) {
    std::fprintf(io.err, "%s\n", s.message().c_str());
    return s.exit_code();
  }
  Runner r(word, std::move(a), std::move(env), io);
  return r.Run();
}

}  // namespace ferry::awssetup
