#include "awsbatch/s3_work_store.h"

#include <sys/stat.h>

#include <algorithm>
#include <filesystem>
#include <map>
#include <mutex>

#include "aws/s3_transfer.h"
#include "awsbatch/batch_wrapper.h"
#include "engine/work_dir.h"
#include "util/text.h"

namespace ferry {

namespace fs = std::filesystem;

namespace {

// Collects the first failure of many transfers started at once.
class Batch {
 public:
  Batch(aws::S3Client& s3, int parallel) : tm_(s3, Options(parallel), nullptr) {}
  ~Batch() { tm_.Wait(); }  // an early return still waits for what was started
  aws::TransferManager::Done Done(std::string what) {
    return [this, what](Status st) {
      if (st.ok()) return;
      std::lock_guard<std::mutex> lock(mu_);
      if (first_.ok()) first_ = Status::Failed(what + ": " + st.message());
    };
  }
  aws::TransferManager& tm() { return tm_; }
  Status Wait() {
    tm_.Wait();
    std::lock_guard<std::mutex> lock(mu_);
    return first_;
  }

 private:
  static aws::TransferOptions Options(int parallel) {
    aws::TransferOptions o;
    o.max_concurrent_requests = std::max(parallel, 1);
    return o;
  }
  aws::TransferManager tm_;
  std::mutex mu_;
  Status first_;
};

std::string Slash(std::string s) {
  if (!s.empty() && s.back() != '/') s += '/';
  return s;
}

bool SameAsLocal(const std::string& path, const aws::S3Object& o) {
  struct stat st;
  return ::stat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode) && st.st_size == o.size && st.st_mtime == o.mtime;
}

}  // namespace

std::vector<std::string> OutputKeys(const std::map<std::string, aws::S3Object>& listing, const std::string& rel) {
  std::vector<std::string> out;
  if (listing.count(rel)) out.push_back(rel);
  std::string dir = Slash(rel);
  for (auto it = listing.lower_bound(dir); it != listing.end() && StartsWith(it->first, dir); ++it)
    out.push_back(it->first);
  return out;
}

S3WorkStore::S3WorkStore(std::shared_ptr<aws::S3Client> s3, int max_parallel_transfers)
    : s3_(std::move(s3)), max_parallel_(max_parallel_transfers > 0 ? max_parallel_transfers : 4) {}

Status S3WorkStore::Prepare(const Task&, const Directives&, const std::string&) { return Status::Ok(); }

Status S3WorkStore::ListWorkDir(const Task& task, std::map<std::string, aws::S3Object>* out) {
  aws::S3Location dir;
  FERRY_RETURN_IF_ERROR(aws::ParseS3Uri(task.work_dir, &dir));
  std::string prefix = Slash(dir.key);
  return s3_->ListAll(dir.bucket, prefix, [&](const aws::S3Object& o) {
    out->emplace(o.key.substr(prefix.size()), o);
    return Status::Ok();
  });
}

Status S3WorkStore::Download(const std::string& from_url, const std::string& local_path, const std::string& what) {
  aws::S3Location from;
  FERRY_RETURN_IF_ERROR(aws::ParseS3Uri(from_url, &from));
  // One object, or a "directory": every object under from/.
  std::vector<std::pair<aws::S3Object, std::string>> items;
  aws::S3ObjectInfo info;
  Status head = s3_->Head(from.bucket, from.key, &info);
  if (head.ok()) {
    aws::S3Object o;
    o.key = from.key;
    o.size = info.size;
    o.etag = info.etag;
    o.mtime = info.mtime;
    items.emplace_back(o, local_path);
  } else if (head.kind() == Status::Kind::kNotFound) {
    std::string prefix = Slash(from.key);
    FERRY_RETURN_IF_ERROR(s3_->ListAll(from.bucket, prefix, [&](const aws::S3Object& o) {
      items.emplace_back(o, local_path + "/" + o.key.substr(prefix.size()));
      return Status::Ok();
    }));
    if (items.empty()) return Status::Failed(what + ": " + from_url + " does not exist");
  } else {
    return Status::Failed(what + ": " + head.message());
  }
  Batch batch(*s3_, max_parallel_);
  for (const auto& [o, path] : items) {
    if (SameAsLocal(path, o)) continue;
    aws::S3Location loc{from.bucket, o.key};
    batch.tm().Download(loc, o, path, batch.Done(what));
  }
  return batch.Wait();
}

Status S3WorkStore::FetchInputs(const Task& task) {
  for (const auto& in : task.staged) {
    if (!IsS3Path(in.source)) continue;
    FERRY_RETURN_IF_ERROR(Download(in.source, task.work_dir + "/" + in.name,
                                   "cannot stage input " + in.source + " into " + task.work_dir));
  }
  return Status::Ok();
}

Status S3WorkStore::CheckOutputs(const Task& task, ValueMap* found) {
  std::map<std::string, aws::S3Object> listing;
  FERRY_RETURN_IF_ERROR(ListWorkDir(task, &listing));
  const bool late = task.spec && task.spec->late_outputs;
  std::map<std::string, std::vector<std::string>> listed;
  if (late) {
    const std::string url = WorkPath(task.work_dir, kFoundOutputsFile);
    aws::S3Location loc;
    FERRY_RETURN_IF_ERROR(aws::ParseS3Uri(url, &loc));
    std::string text;
    Status st = s3_->GetSmall(loc.bucket, loc.key, &text);
    if (!st.ok())
      return Status::Failed("cannot read which outputs the job found (" + url + "): " + st.message() +
                            " (the job uploads it after the task's outputs; see .command.log there)");
    FERRY_RETURN_IF_ERROR(ParseFoundOutputs(text, &listed).WithPrefix(url));
  }
  for (const auto& [name, v] : task.outputs) {
    const OutputDecl& decl = late ? task.spec->FindOutputDecl(name) : OutputDecl::Plain();
    if (!decl.late()) {
      for (const auto& rel : OutputPaths(v))
        if (OutputKeys(listing, rel).empty())
          return Status::Failed("missing " + OutputLabel(task, name) + ": the script did not create '" + rel +
                                "' in its work dir (" + WorkPath(task.work_dir, rel) + ")");
      continue;
    }
    const std::vector<std::string>& paths = listed[name];
    for (const auto& rel : paths)
      if (OutputKeys(listing, rel).empty())
        return Status::Failed("output '" + name + "': the job found '" + rel + "' but it is not in the work dir " +
                              task.work_dir + " (its upload failed; see .command.log there)");
    if (decl.pattern) {
      if (paths.empty() && !decl.optional)
        return Status::Failed(OutputLabel(task, name) + " matched nothing: no file in its work dir " + task.work_dir +
                              " matches '" + v.ToString() +
                              "' (if the task may make none, declare it { path: ..., optional: true })");
      ValueList l;
      for (const auto& p : paths) l.emplace_back(p);
      found->Set(name, Value(std::move(l)));
      continue;
    }
    auto has = [&](const std::string& rel) { return std::find(paths.begin(), paths.end(), rel) != paths.end(); };
    if (v.is_list()) {
      ValueList l;
      for (const auto& e : v.as_list())
        if (has(e.ToString())) l.push_back(e);
      found->Set(name, Value(std::move(l)));
    } else {
      found->Set(name, has(v.ToString()) ? v : Value());
    }
  }
  return Status::Ok();
}

bool S3WorkStore::CompletedOutputsPresent(const Task& task, ValueMap* found) {
  aws::S3Location loc;
  if (!aws::ParseS3Uri(WorkPath(task.work_dir, ".exitcode"), &loc).ok()) return false;
  std::string code;
  if (!s3_->GetSmall(loc.bucket, loc.key, &code).ok() || Trim(code) != "0") return false;
  return CheckOutputs(task, found).ok();
}

Status S3WorkStore::PublishFromS3(const Task& task, const std::string& dest) {
  std::map<std::string, aws::S3Object> listing;
  FERRY_RETURN_IF_ERROR(ListWorkDir(task, &listing));
  aws::S3Location dir, to_root;
  FERRY_RETURN_IF_ERROR(aws::ParseS3Uri(task.work_dir, &dir));
  bool to_s3 = IsS3Path(dest);
  if (to_s3) FERRY_RETURN_IF_ERROR(aws::ParseS3Uri(dest, &to_root));
  Batch batch(*s3_, max_parallel_);
  for (const auto& rel : task.OutputPaths()) {
    std::vector<std::string> keys = OutputKeys(listing, rel);
    if (keys.empty()) return Status::Failed("cannot publish " + WorkPath(task.work_dir, rel) + ": it does not exist");
    for (const auto& k : keys) {
      const aws::S3Object& o = listing.at(k);
      aws::S3Location from{dir.bucket, Slash(dir.key) + k};
      std::string what = "cannot publish " + from.ToString() + " to " + WorkPath(dest, k);
      if (to_s3) {
        aws::S3Location to{to_root.bucket, Slash(to_root.key) + k};
        batch.tm().Copy(from, o.size, to, batch.Done(what));
      } else {
        std::string path = dest + "/" + k;
        if (SameAsLocal(path, o)) continue;  // a resumed run does not copy again
        batch.tm().Download(from, o, path, batch.Done(what));
      }
    }
  }
  return batch.Wait();
}

Status S3WorkStore::PublishToS3(const Task& task, const std::string& dest) {
  aws::S3Location to_root;
  FERRY_RETURN_IF_ERROR(aws::ParseS3Uri(dest, &to_root));
  Batch batch(*s3_, max_parallel_);
  for (const auto& rel : task.OutputPaths()) {
    std::error_code ec;
    fs::path src = fs::canonical(fs::path(task.work_dir) / rel, ec);  // outputs may be symlinks
    if (ec) return Status::Failed("cannot read output " + task.work_dir + "/" + rel + ": " + ec.message());
    std::vector<std::pair<std::string, std::string>> files;  // local path, key relative to dest
    if (fs::is_directory(src)) {
      for (auto it = fs::recursive_directory_iterator(src, fs::directory_options::follow_directory_symlink, ec);
           !ec && it != fs::recursive_directory_iterator(); it.increment(ec))
        if (it->is_regular_file())
          files.emplace_back(it->path().string(), rel + "/" + it->path().lexically_relative(src).string());
    } else {
      files.emplace_back(src.string(), rel);
    }
    if (ec) return Status::Failed("cannot read output " + src.string() + ": " + ec.message());
    for (const auto& [path, key] : files) {
      aws::S3Location to{to_root.bucket, Slash(to_root.key) + key};
      int64_t size = static_cast<int64_t>(fs::file_size(path, ec));
      if (ec) return Status::Failed("cannot read output " + path + ": " + ec.message());
      batch.tm().Upload(path, size, to, batch.Done("cannot publish " + path + " to " + to.ToString()));
    }
  }
  return batch.Wait();
}

Status S3WorkStore::Publish(const Task& task, const std::string& dest) {
  if (IsS3Path(task.work_dir)) return PublishFromS3(task, dest);
  return PublishToS3(task, dest);
}

std::string S3WorkStore::Tail(const Task& task, const std::string& file, int lines) {
  aws::S3Location loc;
  if (!aws::ParseS3Uri(WorkPath(task.work_dir, file), &loc).ok()) return "";
  std::string data;
  if (!s3_->GetSmall(loc.bucket, loc.key, &data).ok()) return "";
  return TailText(data, lines);
}

void S3WorkStore::Discard(const Task&) {}

std::string S3WorkStore::InspectHint(const Task& task) {
  return "look at its files: ferry s3 ls " + ShellQuote(task.work_dir + "/") + "  (e.g. ferry s3 cp " +
         ShellQuote(task.work_dir + "/.command.log") + " -)";
}

}  // namespace ferry
