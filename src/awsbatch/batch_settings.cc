#include "awsbatch/batch_settings.h"

#include <algorithm>
#include <cctype>
#include <cmath>

#include "awsbatch/fair_share.h"
#include "awsbatch/job_definitions.h"
#include "rules/rate.h"
#include "util/text.h"
#include "util/units.h"

namespace ferry {

namespace {

Status KeyError(const std::string& key, const std::string& what, const std::string& fix) {
  return Status::Invalid("config " + key + " " + what + " (" + fix + ")");
}

// `s` with the file:line:col where `key` was set in front.
Status At(const Config& c, const std::string& key, const Status& s) {
  const SourceLoc* loc = c.WhereSet(key);
  return loc ? Status::Invalid(loc->ToString() + ": config " + s.message()) : Status::Invalid("config " + s.message());
}

// The value shown in an error (never a secret's).
std::string Shown(const Value& v) { return v.is_string() ? "'" + v.as_string() + "'" : v.ToJson(); }

Status GetString(const Config& c, const std::string& key, std::string* out) {
  const Value* v = c.Get(key);
  if (!v || v->is_null()) return Status::Ok();
  if (!v->is_string()) return KeyError(key, "must be a string, got " + Shown(*v), "put the value in quotes");
  *out = v->as_string();
  return Status::Ok();
}

Status GetInt(const Config& c, const std::string& key, int64_t min, int64_t* out) {
  const Value* v = c.Get(key);
  if (!v || v->is_null()) return Status::Ok();
  bool integral = v->is_int() || (v->is_double() && v->as_double() == std::floor(v->as_double()));
  if (!integral)
    return KeyError(key, "must be a whole number, got " + Shown(*v), "write a number without quotes, e.g. 4");
  if (v->as_int() < min)
    return KeyError(key, "must be at least " + std::to_string(min) + ", got " + std::to_string(v->as_int()),
                    "raise it to " + std::to_string(min) + " or more");
  *out = v->as_int();
  return Status::Ok();
}

Status GetDuration(const Config& c, const std::string& key, int64_t* out_ms) {
  const Value* v = c.Get(key);
  if (!v || v->is_null()) return Status::Ok();
  if (v->is_int() && v->as_int() >= 0) {
    *out_ms = v->as_int();
    return Status::Ok();
  }
  int64_t ms;
  if (!v->is_string() || !ParseDuration(v->as_string(), &ms))
    return KeyError(key, "must be a duration, got " + Shown(*v), "write e.g. '10s', '1m' or '500ms'");
  *out_ms = ms;
  return Status::Ok();
}

// executor.$awsbatch.<name> wins over executor.<name>.
std::string ExecutorKey(const Config& c, const std::string& name) {
  std::string specific = "executor.$awsbatch." + name;
  return c.Get(specific) ? specific : "executor." + name;
}

Status GetVolumes(const Config& c, std::vector<std::string>* out) {
  const std::string key = "aws.batch.volumes";
  const Value* v = c.Get(key);
  if (!v || v->is_null()) return Status::Ok();
  std::vector<std::string> vols;
  if (v->is_string()) {
    for (const auto& part : Split(v->as_string(), ',')) vols.emplace_back(Trim(part));
  } else if (v->is_list()) {
    for (const auto& e : v->as_list()) {
      if (!e.is_string())
        return KeyError(key, "must list paths as strings, got " + Shown(e), "write e.g. ['/tmp', '/host:/mnt:ro']");
      vols.emplace_back(Trim(e.as_string()));
    }
  } else {
    return KeyError(key, "must be a string or a list, got " + Shown(*v),
                    "write e.g. '/tmp,/data' or ['/tmp', '/data']");
  }
  // By the rule the job definitions are made with (job_definitions.h): a
  // malformed entry, or a mount that would hide the image's own /usr (and
  // the like), which would fail every job at start or run the host's files.
  for (const auto& vol : vols) {
    VolumeMount mount;
    if (Status s = ParseVolume(vol, &mount); !s.ok()) return At(c, key, s);
  }
  *out = std::move(vols);
  return Status::Ok();
}

Status GetBool(const Config& c, const std::string& key, bool* out) {
  const Value* v = c.Get(key);
  if (!v || v->is_null()) return Status::Ok();
  if (!v->is_bool())
    return KeyError(key, "must be true or false, got " + Shown(*v), "write true or false without quotes");
  *out = v->as_bool();
  return Status::Ok();
}

// aws.batch.platformType and what Fargate jobs need; refuses, with the key's
// file:line:col, what no Fargate job could run with.
Status FargateOptions(const Config& c, AwsBatchOptions* o) {
  std::string platform = "ec2";
  FERRY_RETURN_IF_ERROR(GetString(c, "aws.batch.platformType", &platform));
  if (platform != "ec2" && platform != "fargate")
    return KeyError("aws.batch.platformType", "must be 'ec2' or 'fargate', got '" + platform + "'",
                    "write e.g. platformType = 'fargate'");
  o->fargate = platform == "fargate";
  FERRY_RETURN_IF_ERROR(GetString(c, "aws.batch.executionRole", &o->execution_role));
  if (!o->execution_role.empty() && !StartsWith(o->execution_role, "arn:"))
    return KeyError("aws.batch.executionRole", "must be an IAM role ARN, got '" + o->execution_role + "'",
                    "write e.g. 'arn:aws:iam::123456789012:role/ecsTaskExecutionRole'");
  FERRY_RETURN_IF_ERROR(GetBool(c, "aws.batch.assignPublicIp", &o->assign_public_ip));
  FERRY_RETURN_IF_ERROR(GetString(c, "aws.batch.fargatePlatformVersion", &o->fargate_platform_version));
  if (o->fargate_platform_version.empty())
    return KeyError("aws.batch.fargatePlatformVersion", "is empty", "write e.g. 'LATEST' or '1.4.0'");
  if (!o->fargate) {
    for (const char* k : {"aws.batch.assignPublicIp", "aws.batch.fargatePlatformVersion"})
      if (const Value* v = c.Get(k); v && !v->is_null())
        return At(c, k,
                  Status::Invalid(std::string(k) + " applies to Fargate jobs only (set aws.batch.platformType = "
                                                   "'fargate', or remove it)"));
    return Status::Ok();
  }
  const std::string where = "aws.batch.platformType = 'fargate'";
  if (o->execution_role.empty())
    return At(
        c, "aws.batch.platformType",
        Status::Invalid(where + " needs aws.batch.executionRole: Fargate pulls the image and writes the job's logs "
                                "with that role (e.g. 'arn:aws:iam::123456789012:role/ecsTaskExecutionRole', with the "
                                "AmazonECSTaskExecutionRolePolicy attached)"));
  if (!o->cli_path.empty())
    return At(c, "aws.batch.cliPath",
              Status::Invalid("aws.batch.cliPath mounts the CLI from the host, and Fargate jobs have no host to "
                              "mount from (" +
                              where +
                              "): unset it and use an image with the aws CLI (or ferry-job installed as `aws`) on its "
                              "PATH"));
  if (!o->volumes.empty())
    return At(c, "aws.batch.volumes",
              Status::Invalid("aws.batch.volumes mounts host directories, and Fargate jobs have no host to mount "
                              "from (" +
                              where + "): remove it, and stage the files as task inputs instead"));
  return Status::Ok();
}

// aws.batch.shareIdentifier and schedulingPriority, for fair-share queues
// (whether the queue is one is checked before the run: fair_share.h).
Status FairShareOptions(const Config& c, AwsBatchOptions* o) {
  FERRY_RETURN_IF_ERROR(GetString(c, "aws.batch.shareIdentifier", &o->share_identifier));
  const std::string& share = o->share_identifier;
  // Batch's rule: up to 255 letters, digits and _, and an optional trailing *.
  bool ok = share.size() <= 255;
  for (size_t i = 0; i < share.size() && ok; i++) {
    unsigned char ch = static_cast<unsigned char>(share[i]);
    ok = std::isalnum(ch) || ch == '_' || (ch == '*' && i + 1 == share.size());
  }
  if (!ok)
    return KeyError("aws.batch.shareIdentifier", "must be up to 255 letters, digits and _, got '" + share + "'",
                    "write e.g. shareIdentifier = 'genomics'");
  FERRY_RETURN_IF_ERROR(GetInt(c, "aws.batch.schedulingPriority", 0, &o->scheduling_priority));
  if (o->scheduling_priority > kMaxSchedulingPriority)
    return KeyError(
        "aws.batch.schedulingPriority",
        "must be at most " + std::to_string(kMaxSchedulingPriority) + ", got " + std::to_string(o->scheduling_priority),
        "Batch takes 0 (lowest) to 9999");
  if (o->scheduling_priority >= 0 && share.empty())
    return KeyError("aws.batch.schedulingPriority", "is set but aws.batch.shareIdentifier is not",
                    "a scheduling priority orders jobs of a fair-share queue, which also needs "
                    "aws.batch.shareIdentifier");
  return Status::Ok();
}

// The S3 object settings' keys as text, each checked for its type.
Status S3ObjectSettingsFromConfig(const Config& c, aws::S3ObjectSettings* out) {
  std::string bad_key;
  Status st = aws::S3ObjectSettingsFromConfig(
      [&c](const std::string& key, std::string* text) {
        text->clear();
        const Value* v = c.Get(key);
        if (!v || v->is_null()) return Status::Ok();
        if (key == "aws.client.requesterPays" || key == "aws.client.anonymous") {
          bool on = false;
          FERRY_RETURN_IF_ERROR(GetBool(c, key, &on));
          *text = on ? "true" : "false";
          return Status::Ok();
        }
        return GetString(c, key, text);
      },
      out, &bad_key);
  return st.ok() || bad_key.empty() ? st : At(c, bad_key, st);
}

}  // namespace

Status ParseSubmitRate(const std::string& text, const std::string& key, double* per_second) {
  const std::string fix = std::string("write e.g. ") + rules::kRateExamples;
  double rate = 0;
  if (!rules::ParseRate(text, &rate)) return KeyError(key, "must be a rate, got '" + text + "'", fix);
  if (rate <= 0) return KeyError(key, "must allow at least one call, got '" + text + "'", fix);
  *per_second = rate;
  return Status::Ok();
}

Status AwsSettingsFromConfig(const Config& c, aws::AwsSettings* out) {
  aws::AwsSettings s;
  FERRY_RETURN_IF_ERROR(GetString(c, "aws.accessKey", &s.access_key));
  FERRY_RETURN_IF_ERROR(GetString(c, "aws.secretKey", &s.secret_key));
  if (s.access_key.empty() != s.secret_key.empty())
    return KeyError(s.access_key.empty() ? "aws.secretKey" : "aws.accessKey",
                    "is set but " + std::string(s.access_key.empty() ? "aws.accessKey" : "aws.secretKey") + " is not",
                    "set both aws.accessKey and aws.secretKey, or neither to use the environment or a profile");
  FERRY_RETURN_IF_ERROR(GetString(c, "aws.region", &s.region));
  FERRY_RETURN_IF_ERROR(GetString(c, "aws.profile", &s.profile));
  FERRY_RETURN_IF_ERROR(GetString(c, "aws.client.endpoint", &s.endpoint_url));
  if (!s.endpoint_url.empty() && !StartsWith(s.endpoint_url, "http://") && !StartsWith(s.endpoint_url, "https://"))
    return KeyError("aws.client.endpoint", "must be an http:// or https:// URL, got '" + s.endpoint_url + "'",
                    "write e.g. 'https://s3.eu-west-1.amazonaws.com' or 'http://127.0.0.1:9000'");
  if (const Value* v = c.Get("aws.client.s3PathStyleAccess"); v && !v->is_null()) {
    if (!v->is_bool())
      return KeyError("aws.client.s3PathStyleAccess", "must be true or false, got " + Shown(*v),
                      "write true or false without quotes");
    s.s3_addressing = v->as_bool() ? "path" : "auto";
  }
  int64_t retries = -1;
  FERRY_RETURN_IF_ERROR(GetInt(c, "aws.client.maxErrorRetry", 0, &retries));
  if (retries >= 0) s.max_attempts = static_cast<int>(retries) + 1;
  FERRY_RETURN_IF_ERROR(S3ObjectSettingsFromConfig(c, &s.s3));
  *out = std::move(s);
  return Status::Ok();
}

Status BatchOptionsFromConfig(const Config& c, AwsBatchOptions* out, double* submit_per_second) {
  AwsBatchOptions o = *out;
  FERRY_RETURN_IF_ERROR(GetString(c, "aws.batch.cliPath", &o.cli_path));
  if (!o.cli_path.empty() && o.cli_path[0] != '/')
    return KeyError("aws.batch.cliPath", "must be an absolute path, got '" + o.cli_path + "'",
                    "give where the aws CLI is installed in the job's host or container, e.g. "
                    "'/home/ec2-user/miniconda/bin/aws'");
  FERRY_RETURN_IF_ERROR(GetVolumes(c, &o.volumes));
  // A cliPath whose install dir would hide the image's own /usr (and the
  // like) is refused before anything is submitted, as volumes are.
  std::string install_dir;
  if (!o.cli_path.empty())
    if (Status s = CliInstallDir(o.cli_path, &install_dir); !s.ok()) return At(c, "aws.batch.cliPath", s);
  FERRY_RETURN_IF_ERROR(GetString(c, "aws.batch.jobRole", &o.job_role));
  if (!o.job_role.empty() && !StartsWith(o.job_role, "arn:"))
    return KeyError("aws.batch.jobRole", "must be an IAM role ARN, got '" + o.job_role + "'",
                    "write e.g. 'arn:aws:iam::123456789012:role/my-batch-job-role'");
  FERRY_RETURN_IF_ERROR(GetString(c, "aws.batch.logsGroup", &o.logs_group));
  // CloudWatch's rule for log group names: 1-512 of these characters.
  if (o.logs_group.size() > 512 ||
      o.logs_group.find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-/#") !=
          std::string::npos)
    return KeyError("aws.batch.logsGroup", "is not a CloudWatch log group name, got '" + o.logs_group + "'",
                    "use letters, digits and _ - / . # only, e.g. '/ferry/jobs'");
  FERRY_RETURN_IF_ERROR(FargateOptions(c, &o));
  FERRY_RETURN_IF_ERROR(FairShareOptions(c, &o));
  int64_t n = o.max_parallel_transfers;
  FERRY_RETURN_IF_ERROR(GetInt(c, "aws.batch.maxParallelTransfers", 1, &n));
  o.max_parallel_transfers = static_cast<int>(n);
  n = o.max_transfer_attempts;
  FERRY_RETURN_IF_ERROR(GetInt(c, "aws.batch.maxTransferAttempts", 1, &n));
  o.max_transfer_attempts = static_cast<int>(n);
  FERRY_RETURN_IF_ERROR(GetDuration(c, "aws.batch.delayBetweenAttempts", &o.delay_between_attempts_ms));
  // ferry's own key: how long a job may sit in RUNNABLE before ferry warns
  // that the queue's compute environments may never run it.
  FERRY_RETURN_IF_ERROR(GetDuration(c, "aws.batch.runnableWarning", &o.runnable_warning_ms));
  n = o.max_spot_attempts;
  FERRY_RETURN_IF_ERROR(GetInt(c, "aws.batch.maxSpotAttempts", 0, &n));
  o.max_spot_attempts = static_cast<int>(n);
  FERRY_RETURN_IF_ERROR(GetString(c, "aws.batch.retryMode", &o.retry_mode));
  static const std::vector<std::string> kModes = {"standard", "legacy", "adaptive", "built-in"};
  if (std::find(kModes.begin(), kModes.end(), o.retry_mode) == kModes.end())
    return KeyError("aws.batch.retryMode",
                    "must be one of standard, legacy, adaptive, built-in, got '" + o.retry_mode + "'" +
                        DidYouMean(o.retry_mode, kModes),
                    "write e.g. retryMode = 'standard'");

  std::string key = ExecutorKey(c, "queueSize");
  n = o.queue_size;
  FERRY_RETURN_IF_ERROR(GetInt(c, key, 1, &n));
  o.queue_size = static_cast<int>(n);
  FERRY_RETURN_IF_ERROR(GetDuration(c, ExecutorKey(c, "pollInterval"), &o.poll_interval_ms));
  if (o.poll_interval_ms <= 0)
    return KeyError(ExecutorKey(c, "pollInterval"), "must be longer than 0", "write e.g. '10s'");

  double rate = 50;
  key = ExecutorKey(c, "submitRateLimit");
  if (const Value* v = c.Get(key); v && !v->is_null()) {
    if (v->is_number()) {
      if (v->as_double() <= 0)
        return KeyError(key, "must allow at least one call, got " + Shown(*v), "write e.g. '50/s'");
      rate = v->as_double();
    } else if (v->is_string()) {
      FERRY_RETURN_IF_ERROR(ParseSubmitRate(v->as_string(), key, &rate));
    } else {
      return KeyError(key, "must be a rate, got " + Shown(*v), "write e.g. '50/s', '100/1min' or '10 sec'");
    }
  }
  *submit_per_second = rate;
  *out = std::move(o);
  return Status::Ok();
}

}  // namespace ferry
