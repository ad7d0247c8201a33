// S3WorkStore: the engine's WorkStore for s3:// work dirs (tasks on the
// awsbatch executor) and for everything else a run does on S3: downloading a
// local task's s3:// inputs into its work dir, and publishing to or from S3.
// Outputs are checked with one listing of the task's prefix; -resume reads
// the task's .exitcode object; failure reports read the tail of its logs
// with GetObject. Downloads land under a temporary name and are renamed into
// place; S3-to-S3 publishing is a server-side copy. Blocking calls, made from
// the engine's loop when a task ends.
#pragma once

#include <memory>
#include <set>
#include <string>

#include "aws/s3_client.h"
#include "engine/work_store.h"

namespace ferry {

class S3WorkStore : public WorkStore {
 public:
  S3WorkStore(std::shared_ptr<aws::S3Client> s3, int max_parallel_transfers);

  Status Prepare(const Task& task, const Directives& d, const std::string& script) override;
  Status FetchInputs(const Task& task) override;
  // Late outputs are what the job listed in its .command.found (so files
  // an earlier attempt left under the same prefix are never taken).
  Status CheckOutputs(const Task& task, ValueMap* found) override;
  bool CompletedOutputsPresent(const Task& task, ValueMap* found) override;
  Status Publish(const Task& task, const std::string& dest) override;
  std::string Tail(const Task& task, const std::string& file, int lines) override;
  void Discard(const Task& task) override;
  std::string InspectHint(const Task& task) override;

 private:
  // Every object under the task's work dir: key relative to the dir -> object.
  Status ListWorkDir(const Task& task, std::map<std::string, aws::S3Object>* out);
  Status Download(const std::string& from_url, const std::string& local_path, const std::string& what);
  Status PublishFromS3(const Task& task, const std::string& dest);
  Status PublishToS3(const Task& task, const std::string& dest);

  std::shared_ptr<aws::S3Client> s3_;
  int max_parallel_;
};

// Objects of a listing that make up output `rel`: the object `rel` itself,
// or every object under `rel/` (a directory output). Pure, for tests.
std::vector<std::string> OutputKeys(const std::map<std::string, aws::S3Object>& listing, const std::string& rel);

}  // namespace ferry
