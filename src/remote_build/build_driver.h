// BuildDriver: one `ferry build --aws-batch` after its options are parsed:
// check the Batch set-up and the bucket, upload the directory's changes,
// submit the job and follow it (status, log, Control-C/Z), download the
// results, holding the directory's build lock (build_lock.h) throughout; or
// attach to an earlier job to follow or cancel it; and refresh
// the statuses `ferry build --list --aws-batch` shows. RunBuild() picks
// between that, a --local build and the list.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "aws/batch_client.h"
#include "aws/env.h"
#include "aws/logs_client.h"
#include "aws/s3_client.h"
#include "aws/session.h"
#include "aws/settings.h"
#include "awsbatch/job_diagnosis.h"
#include "remote_build/build_history.h"
#include "remote_build/build_job.h"
#include "remote_build/build_output.h"
#include "remote_build/build_settings.h"
#include "remote_build/forwarded_credentials.h"
#include "remote_build/remote_dir.h"
#include "store/run_lock.h"
#include "util/status.h"

namespace ferry::remote_build {

// What the command line asked of ferry build.
struct BuildRequest {
  bool local = false, aws_batch = false, list = false, json = false;
  std::string exec;  // --exec
  std::string dir;   // "" when not given
  std::vector<std::string> workflow_args;
  BuildFlags flags;
  aws::AwsSettings aws;
  std::vector<std::string> exclude_upload, download, exclude_download;
  bool no_download = false, no_logs = false, forward_credentials = false;
  bool detach = false, cancel = false;
  std::string attach;  // the job id of --attach
  std::optional<std::string> runnable_warning;
};

// The whole of ferry build after parsing; returns the exit code (the
// workflow's or job's own, 1 for AWS or setup problems, 2 for bad input, 130
// interrupted).
int RunBuild(const BuildRequest& request);

class BuildDriver {
 public:
  BuildDriver(BuildRequest request, std::shared_ptr<const aws::Env> env, BuildOutput* out)
      : a_(std::move(request)), env_(std::move(env)), out_(out) {}

  // Submits and follows the job, or attaches to one (--attach); returns the
  // exit code, having said any error through the output.
  int Run();

  // Asks Batch about every recorded build that has not ended, so the list
  // shows current statuses. Jobs Batch has forgotten keep their last
  // recorded status.
  Status RefreshHistory();
  // The job ids of this machine's builds with no recorded end (of `directory`
  // only, unless it is empty); none when there is no build history.
  Status UnfinishedJobs(const std::string& directory, std::vector<std::string>* job_ids);

 private:
  Status Main();
  // Asks Batch about job_ids, records what it says, returns the states.
  Status RefreshJobs(const std::vector<std::string>& job_ids, std::vector<JobState>* states);
  // Invalid when a build of this directory that holds no lock any more
  // (detached, or lost track of its job) still has a job going: that job
  // reads the mirror this build would upload over.
  Status CheckNoDetachedBuild();
  Status Attach();
  Status Follow(const std::string& job_id, bool download);
  // A job that SUCCEEDED but whose script never ran leaves no results.
  bool RanNothing(const JobState& job);
  // The job's definition and CLI, for awsbatch/job_diagnosis.h's fixes.
  JobSource Source() const;
  void PrintReattach(const std::string& job_id, const char* why);
  Status LoadSettings();
  Status OpenAws();
  Status CheckBatchSetup();
  Status BucketProblem(const std::string& what, const Status& s);
  Status CheckBucket();
  Status Upload();
  Status Download();
  Status ForwardCredentials(std::string* url, int* refresh_s);
  void RefreshForwardedCredentials();
  void WarnForwardedExpiry();
  void OpenHistory();
  void RecordPut();
  void RecordStatus(const JobState& j);

  BuildRequest a_;
  std::shared_ptr<const aws::Env> env_;
  BuildOutput* out_;
  std::string abs_dir_, config_path_;
  BuildSettings settings_;
  RemoteLocation where_;
  aws::AwsSession session_;
  std::unique_ptr<aws::BatchClient> batch_;
  std::unique_ptr<aws::LogsClient> logs_;
  std::unique_ptr<aws::S3Client> s3_;
  std::unique_ptr<RunLock> lock_;  // the build directory's, while a build of it goes on
  std::unique_ptr<BuildHistory> history_;
  std::unique_ptr<CredentialForwarder> forwarder_;  // set while credentials are forwarded to the job
  bool forward_warned_ = false;
  bool history_failed_ = false;
  BuildRecord record_;
  int exit_code_ = 0;
};

}  // namespace ferry::remote_build
