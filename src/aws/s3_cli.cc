#include "aws/s3_cli.h"

#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>
#include <ctime>
#include <filesystem>
#include <map>
#include <mutex>
#include <set>

#include "aws/s3_cli_table.h"
#include "aws/s3_client.h"
#include "aws/s3_progress.h"
#include "aws/s3_sync.h"
#include "aws/s3_transfer.h"
#include "aws/s3_xml.h"
#include "aws/session.h"
#include "aws/whoami.h"
#include "cmdline/help_text.h"
#include "util/interrupt.h"
#include "util/text.h"

namespace ferry::aws {

namespace fs = std::filesystem;

namespace {

struct S3Args {
  std::string sub;
  std::vector<std::string> positional;
  bool recursive = false, quiet = false, only_errors = false, no_progress = false, dryrun = false;
  bool del = false, human = false, summarize = false, size_only = false;
  std::vector<PathFilter> filters;
  AwsSettings settings;
  int concurrency = 0;
};

// Fills a from what the table parser found for one subcommand (or for
// `ferry aws`, whose only words are whoami and the global options).
Status FromParsed(const cmdline::Parsed& p, S3Args* a) {
  a->positional = p.positional;
  for (const auto& h : p.options) {
    if (h.is("--region")) {
      a->settings.region = h.value;
      a->settings.region_origin = "--region";
    } else if (h.is("--endpoint-url")) {
      a->settings.endpoint_url = h.value;
      a->settings.endpoint_origin = "--endpoint-url";
    } else if (h.is("--profile")) {
      a->settings.profile = h.value;
      a->settings.profile_origin = "--profile";
      a->settings.profile_overrides_env = true;
    } else if (h.is("--recursive")) a->recursive = true;
    else if (h.is("--quiet")) a->quiet = true;
    else if (h.is("--only-show-errors")) a->only_errors = true;
    else if (h.is("--no-progress")) a->no_progress = true;
    else if (h.is("--dryrun")) a->dryrun = true;
    else if (h.is("--delete")) a->del = true;
    else if (h.is("--human-readable")) a->human = true;
    else if (h.is("--summarize")) a->summarize = true;
    else if (h.is("--size-only")) a->size_only = true;
    else if (h.is("--exclude")) a->filters.push_back({false, h.value});
    else if (h.is("--include")) a->filters.push_back({true, h.value});
    else if (h.is("--sse")) FERRY_RETURN_IF_ERROR(ParseEncryption(h.value, "--sse", &a->settings.s3.encryption));
    else if (h.is("--sse-kms-key-id")) a->settings.s3.kms_key_id = h.value;
    else if (h.is("--storage-class"))
      FERRY_RETURN_IF_ERROR(ParseStorageClass(h.value, "--storage-class", &a->settings.s3.storage_class));
    else if (h.is("--acl")) FERRY_RETURN_IF_ERROR(ParseCannedAcl(h.value, "--acl", &a->settings.s3.acl));
    else if (h.is("--request-payer")) {
      if (h.value != "requester")
        return Status::Invalid("--request-payer takes only 'requester', got '" + h.value + "'");
      a->settings.s3.requester_pays = true;
    } else if (h.is("--no-sign-request")) a->settings.s3.anonymous = true;
    else if (h.is("--max-concurrent-requests")) {
      try {
        a->concurrency = std::stoi(h.value);
      } catch (const std::exception&) {
        a->concurrency = 0;
      }
      if (a->concurrency < 1 || a->concurrency > 512)
        return Status::Invalid("--max-concurrent-requests must be a number from 1 to 512, got '" + h.value + "'");
    }
    // The compatibility options (see s3_cli_table.cc) change nothing.
  }
  FERRY_RETURN_IF_ERROR(CheckKmsKey(&a->settings.s3, "--sse-kms-key-id"));
  // Unsigned requests cannot write: refused before anything is sent.
  const bool to_s3 = (a->sub == "cp" || a->sub == "sync") && a->positional.size() == 2 && IsS3Uri(a->positional[1]);
  if (a->settings.s3.anonymous && (to_s3 || a->sub == "rm" || a->sub == "mb"))
    return Status::Invalid("ferry s3 " + a->sub +
                           ": --no-sign-request only reads public buckets; writing to S3 needs credentials "
                           "(drop --no-sign-request)");
  return Status::Ok();
}

// Parses `ferry s3 ...` or `ferry aws ...` by table: the subcommand may come
// after global options. *help_for is set when the user asked for help (the
// subcommand's if one was named, else table's), and nothing else is checked.
Status ParseArgs(const cmdline::Command& table, const std::vector<std::string>& args, S3Args* a,
                 const cmdline::Command** help_for) {
  const cmdline::Command* sub = nullptr;
  std::vector<std::string> rest;
  Status s = cmdline::FindSubcommand(table, args, &sub, &rest);
  cmdline::Parsed p;
  if (s.ok()) s = cmdline::Parse(sub ? *sub : table, rest, &p);
  if (p.help || (!sub && cmdline::WantsHelp(table, args))) {
    *help_for = sub ? sub : &table;
    return Status::Ok();
  }
  FERRY_RETURN_IF_ERROR(s);
  if (!sub)
    return Status::Invalid("usage: " + cmdline::UsageLines(table).front() + "; see: " + table.Name() + " --help");
  a->sub = sub->Word();
  return FromParsed(p, a);
}

int PrintHelp(const cmdline::Command& c, const CliIo& io) {
  std::fputs(cmdline::HelpText(c).c_str(), io.out);
  return 0;
}

struct LocalFile {
  std::string rel, full;
  int64_t size = 0, mtime = 0;
};

Status WalkLocal(const std::string& root, std::vector<LocalFile>* out) {
  std::error_code ec;
  fs::recursive_directory_iterator it(root, fs::directory_options::follow_directory_symlink, ec), end;
  if (ec) return Status::Failed("cannot read directory " + root + ": " + ec.message());
  for (; it != end; it.increment(ec)) {
    if (ec) return Status::Failed("cannot read directory " + root + ": " + ec.message());
    struct stat st;
    if (::stat(it->path().c_str(), &st) != 0 || !S_ISREG(st.st_mode)) continue;
    LocalFile f;
    f.full = it->path().string();
    f.rel = fs::relative(it->path(), root, ec).generic_string();
    f.size = st.st_size;
    f.mtime = st.st_mtime;
    out->push_back(std::move(f));
  }
  std::sort(out->begin(), out->end(), [](const auto& a, const auto& b) { return a.rel < b.rel; });
  return Status::Ok();
}

std::string JoinLocal(const std::string& dir, const std::string& rel) {
  if (dir.empty()) return rel;
  return dir.back() == '/' ? dir + rel : dir + "/" + rel;
}

std::string Basename(const std::string& path) {
  size_t slash = path.find_last_of('/');
  return slash == std::string::npos ? path : path.substr(slash + 1);
}

class Runner {
 public:
  Runner(S3Args a, std::shared_ptr<const Env> env, const CliIo& io) : a_(std::move(a)), env_(std::move(env)), io_(io) {}

  int Run() {
    Status s = Dispatch();
    Finish();
    if (InterruptCount() > 0) {
      PrintError(
          "interrupted: transfers in progress were stopped; partial downloads and "
          "multipart uploads were cleaned up");
      return 130;
    }
    if (!s.ok()) {
      if (!s.message().empty()) PrintError(s.message());
      return s.exit_code();
    }
    return failures_ > 0 ? 1 : 0;
  }

 private:
  Status Open() {
    SessionOptions so;
    so.fallback_region = "us-east-1";  // S3 works without a region, as with the aws CLI
    int conc = a_.concurrency > 0 ? a_.concurrency : 16;
    so.transport = std::make_shared<HttpTransport>(TransportOptions{conc * 2});
    FERRY_RETURN_IF_ERROR(OpenSession(a_.settings, env_, so, &session_));
    FERRY_RETURN_IF_ERROR(S3Client::Create(session_.client, &s3_));
    TransferOptions to;
    to.max_concurrent_requests = conc;
    tm_ = std::make_unique<TransferManager>(*s3_, to, &progress_);
    bool tty = io_.progress_allowed && isatty(fileno(io_.err));
    bar_ = std::make_unique<ProgressBar>(&progress_, tty && !a_.quiet && !a_.only_errors && !a_.no_progress);
    return Status::Ok();
  }

  void Finish() {
    if (tm_) tm_->Wait();
    bar_.reset();
  }

  void PrintLine(const std::string& line) {
    if (a_.quiet || a_.only_errors) return;
    if (bar_) bar_->Clear();
    std::lock_guard<std::mutex> l(out_mu_);
    std::fprintf(io_.out, "%s\n", line.c_str());
    std::fflush(io_.out);
  }
  void PrintError(const std::string& msg) {
    if (bar_) bar_->Clear();
    std::lock_guard<std::mutex> l(out_mu_);
    std::fprintf(io_.err, "%s\n", msg.c_str());
    std::fflush(io_.err);
  }
  // Completion callback for one file: prints "verb: from to to" or the error.
  TransferManager::Done Report(const std::string& verb, const std::string& from, const std::string& to) {
    return [this, verb, from, to](Status s) {
      std::string what = verb + ": " + from + (to.empty() ? "" : " to " + to);
      if (s.ok()) {
        PrintLine(what);
      } else {
        failures_++;
        PrintError(verb + " failed: " + from + (to.empty() ? "" : " to " + to) + ": " + s.message());
      }
    };
  }
  bool DryRun(const std::string& verb, const std::string& from, const std::string& to) {
    if (!a_.dryrun) return false;
    PrintLine("(dryrun) " + verb + ": " + from + (to.empty() ? "" : " to " + to));
    return true;
  }

  Status Dispatch() {
    if (a_.sub == "ls") return Ls();
    if (a_.sub == "mb") return Mb();
    if (a_.sub == "rm") return Rm();
    if (a_.positional.size() != 2)
      return Status::Invalid("usage: ferry s3 " + a_.sub + " SOURCE DESTINATION [options]; got " +
                             std::to_string(a_.positional.size()) + " path(s)");
    const std::string& src = a_.positional[0];
    const std::string& dst = a_.positional[1];
    if (a_.sub == "sync") return Sync(src, dst);
    return Cp(src, dst);
  }

  // ------------------------------------------------------------------ cp
  Status Cp(const std::string& src, const std::string& dst) {
    bool s3src = IsS3Uri(src), s3dst = IsS3Uri(dst);
    if (src == "-" || dst == "-") {
      if (a_.recursive) return Status::Invalid("streaming with '-' cannot be combined with --recursive");
      if (src == "-" && !s3dst) return Status::Invalid("cp - DEST: DEST must be an s3:// URI");
      if (dst == "-" && !s3src) return Status::Invalid("cp SOURCE -: SOURCE must be an s3:// URI");
    } else if (!s3src && !s3dst) {
      return Status::Invalid("cp " + src + " " + dst + ": one of the paths must be an s3:// URI");
    }
    S3Location from, to;
    if (s3src) FERRY_RETURN_IF_ERROR(ParseS3Uri(src, &from));
    if (s3dst) FERRY_RETURN_IF_ERROR(ParseS3Uri(dst, &to));
    FERRY_RETURN_IF_ERROR(Open());
    if (src == "-") {
      if (to.key.empty() || to.key.back() == '/')
        return Status::Invalid("cp - " + dst + ": give the full object key to write standard input to");
      if (DryRun("upload", "-", dst)) return Status::Ok();
      Status s = tm_->UploadStream(io_.stdin_fd, to);
      if (!s.ok()) return s.WithPrefix("upload failed: - to " + dst);
      PrintLine("upload: - to " + dst);
      return Status::Ok();
    }
    if (dst == "-") {
      if (DryRun("download", src, "-")) return Status::Ok();
      Status s = tm_->DownloadStream(from, io_.stdout_fd);
      return s.ok() ? s : s.WithPrefix("download failed: " + src + " to -");
    }
    if (!s3src) return a_.recursive ? UploadTree(src, to, nullptr) : UploadOne(src, to);
    if (!s3dst) return a_.recursive ? DownloadTree(from, dst, nullptr) : DownloadOne(from, dst);
    return a_.recursive ? CopyTree(from, to, nullptr) : CopyOne(from, to);
  }

  Status UploadOne(const std::string& src, S3Location to) {
    struct stat st;
    if (::stat(src.c_str(), &st) != 0) return Status::Invalid("the user-provided path " + src + " does not exist");
    if (S_ISDIR(st.st_mode)) return Status::Invalid(src + " is a directory; add --recursive to upload its files");
    if (to.key.empty() || to.key.back() == '/') to.key += Basename(src);
    if (DryRun("upload", src, to.ToString())) return Status::Ok();
    progress_.bytes_total += st.st_size;
    progress_.files_total++;
    tm_->Upload(src, st.st_size, to, Report("upload", src, to.ToString()));
    return Status::Ok();
  }

  // Uploads files under `root` to `to` as a directory. With `remote` (sync),
  // only files that differ from the listed objects go.
  Status UploadTree(const std::string& root, const S3Location& to, const std::map<std::string, S3Object>* remote) {
    struct stat st;
    if (::stat(root.c_str(), &st) != 0 || !S_ISDIR(st.st_mode))
      return Status::Invalid("the user-provided path " + root + " is not a directory");
    std::vector<LocalFile> files;
    FERRY_RETURN_IF_ERROR(WalkLocal(root, &files));
    std::string prefix = DirectoryPrefix(to.key);
    std::vector<const LocalFile*> todo;
    for (const LocalFile& f : files) {
      if (!IsIncluded(a_.filters, f.rel)) continue;
      if (remote) {
        auto it = remote->find(f.rel);
        SyncEntry dst_entry;
        if (it != remote->end()) dst_entry = {it->second.size, a_.size_only ? 0 : it->second.mtime};
        SyncEntry src_entry{f.size, a_.size_only ? 0 : f.mtime};
        if (!NeedsTransfer(SyncDirection::kUpload, src_entry, it == remote->end() ? nullptr : &dst_entry)) continue;
      }
      todo.push_back(&f);
      progress_.bytes_total += f.size;
      progress_.files_total++;
    }
    for (const LocalFile* f : todo) {
      S3Location k{to.bucket, prefix + f->rel};
      std::string shown = JoinLocal(root, f->rel);
      if (DryRun("upload", shown, k.ToString())) continue;
      tm_->Upload(f->full, f->size, k, Report("upload", shown, k.ToString()));
    }
    if (remote && a_.del) {
      std::vector<std::string> keys;
      std::map<std::string, bool> local;
      for (const LocalFile& f : files) local[f.rel] = true;
      for (const auto& [rel, obj] : *remote)
        if (!local.count(rel) && IsIncluded(a_.filters, rel)) keys.push_back(obj.key);
      FERRY_RETURN_IF_ERROR(DeleteKeys(to.bucket, keys));
    }
    return Status::Ok();
  }

  Status DownloadOne(const S3Location& from, std::string dst) {
    if (from.key.empty()) return Status::Invalid("cp " + from.ToString() + ": name an object, or add --recursive");
    S3ObjectInfo info;
    Status s = s3_->Head(from.bucket, from.key, &info);
    if (!s.ok()) return s.WithPrefix("download failed: " + from.ToString());
    std::error_code ec;
    if (dst.back() == '/' || fs::is_directory(dst, ec)) dst = JoinLocal(dst, Basename(from.key));
    if (DryRun("download", from.ToString(), dst)) return Status::Ok();
    S3Object o{from.key, info.size, info.etag, info.mtime, ""};
    progress_.bytes_total += info.size;
    progress_.files_total++;
    tm_->Download(from, o, dst, Report("download", from.ToString(), dst));
    return Status::Ok();
  }

  Status ListUnder(const S3Location& loc, std::map<std::string, S3Object>* out) {
    std::string prefix = DirectoryPrefix(loc.key);
    return s3_->ListAll(loc.bucket, prefix, [&](const S3Object& o) {
      std::string rel = o.key.substr(prefix.size());
      if (!rel.empty()) (*out)[rel] = o;
      return Status::Ok();
    });
  }

  Status DownloadTree(const S3Location& from, const std::string& dst, const std::map<std::string, LocalFile>* local) {
    std::map<std::string, S3Object> objects;
    FERRY_RETURN_IF_ERROR(ListUnder(from, &objects));
    std::vector<std::pair<std::string, const S3Object*>> todo;
    std::set<std::string> remote;  // local paths the objects go to
    for (const auto& [key_rest, o] : objects) {
      if (key_rest.back() == '/') continue;  // "directory" marker objects
      if (!IsIncluded(a_.filters, key_rest)) continue;
      std::string rel = DownloadRelativePath(key_rest);
      remote.insert(rel);
      if (!SafeRelativePath(rel)) {
        failures_++;
        PrintError("download skipped: s3://" + from.bucket + "/" + o.key + ": the key would be written outside " + dst);
        continue;
      }
      if (local) {
        auto it = local->find(rel);
        SyncEntry src_entry{o.size, a_.size_only ? 0 : o.mtime};
        SyncEntry dst_entry;
        if (it != local->end()) dst_entry = {it->second.size, a_.size_only ? 0 : it->second.mtime};
        if (!NeedsTransfer(SyncDirection::kDownload, src_entry, it == local->end() ? nullptr : &dst_entry)) continue;
      }
      todo.emplace_back(rel, &o);
      progress_.bytes_total += o.size;
      progress_.files_total++;
    }
    for (const auto& [rel, o] : todo) {
      S3Location src{from.bucket, o->key};
      std::string path = JoinLocal(dst, rel);
      if (DryRun("download", src.ToString(), path)) continue;
      tm_->Download(src, *o, path, Report("download", src.ToString(), path));
    }
    if (local && a_.del) {
      for (const auto& [rel, f] : *local) {
        if (remote.count(rel) || !IsIncluded(a_.filters, rel)) continue;
        if (DryRun("delete", f.full, "")) continue;
        if (::unlink(f.full.c_str()) != 0) {
          failures_++;
          PrintError("delete failed: " + f.full + ": " + std::strerror(errno));
        } else {
          PrintLine("delete: " + f.full);
        }
      }
    }
    return Status::Ok();
  }

  Status CopyOne(const S3Location& from, S3Location to) {
    if (from.key.empty()) return Status::Invalid("cp " + from.ToString() + ": name an object, or add --recursive");
    S3ObjectInfo info;
    Status s = s3_->Head(from.bucket, from.key, &info);
    if (!s.ok()) return s.WithPrefix("copy failed: " + from.ToString());
    if (to.key.empty() || to.key.back() == '/') to.key += Basename(from.key);
    if (DryRun("copy", from.ToString(), to.ToString())) return Status::Ok();
    progress_.bytes_total += info.size;
    progress_.files_total++;
    tm_->Copy(from, info.size, to, Report("copy", from.ToString(), to.ToString()));
    return Status::Ok();
  }

  Status CopyTree(const S3Location& from, const S3Location& to, const std::map<std::string, S3Object>* existing) {
    std::map<std::string, S3Object> objects;
    FERRY_RETURN_IF_ERROR(ListUnder(from, &objects));
    std::string prefix = DirectoryPrefix(to.key);
    for (const auto& [rel, o] : objects) {
      if (!IsIncluded(a_.filters, rel)) continue;
      if (existing) {
        auto it = existing->find(rel);
        SyncEntry src_entry{o.size, a_.size_only ? 0 : o.mtime};
        SyncEntry dst_entry;
        if (it != existing->end()) dst_entry = {it->second.size, a_.size_only ? 0 : it->second.mtime};
        if (!NeedsTransfer(SyncDirection::kCopy, src_entry, it == existing->end() ? nullptr : &dst_entry)) continue;
      }
      S3Location src{from.bucket, o.key}, dst{to.bucket, prefix + rel};
      if (DryRun("copy", src.ToString(), dst.ToString())) continue;
      progress_.bytes_total += o.size;
      progress_.files_total++;
      tm_->Copy(src, o.size, dst, Report("copy", src.ToString(), dst.ToString()));
    }
    if (existing && a_.del) {
      std::vector<std::string> keys;
      for (const auto& [rel, obj] : *existing)
        if (!objects.count(rel) && IsIncluded(a_.filters, rel)) keys.push_back(obj.key);
      tm_->Wait();
      FERRY_RETURN_IF_ERROR(DeleteKeys(to.bucket, keys));
    }
    return Status::Ok();
  }

  // ---------------------------------------------------------------- sync
  Status Sync(const std::string& src, const std::string& dst) {
    bool s3src = IsS3Uri(src), s3dst = IsS3Uri(dst);
    if (!s3src && !s3dst) return Status::Invalid("sync " + src + " " + dst + ": one of the paths must be an s3:// URI");
    FERRY_RETURN_IF_ERROR(Open());
    if (!s3src) {
      S3Location to;
      FERRY_RETURN_IF_ERROR(ParseS3Uri(dst, &to));
      std::map<std::string, S3Object> remote;
      FERRY_RETURN_IF_ERROR(ListUnder(to, &remote));
      return UploadTree(src, to, &remote);
    }
    S3Location from;
    FERRY_RETURN_IF_ERROR(ParseS3Uri(src, &from));
    if (!s3dst) {
      std::map<std::string, LocalFile> local;
      std::error_code ec;
      if (fs::exists(dst, ec)) {
        std::vector<LocalFile> files;
        FERRY_RETURN_IF_ERROR(WalkLocal(dst, &files));
        for (auto& f : files) local[f.rel] = f;
      }
      return DownloadTree(from, dst, &local);
    }
    S3Location to;
    FERRY_RETURN_IF_ERROR(ParseS3Uri(dst, &to));
    std::map<std::string, S3Object> existing;
    FERRY_RETURN_IF_ERROR(ListUnder(to, &existing));
    return CopyTree(from, to, &existing);
  }

  // ------------------------------------------------------------------ rm
  Status DeleteKeys(const std::string& bucket, const std::vector<std::string>& keys) {
    if (keys.empty()) return Status::Ok();
    if (a_.dryrun) {
      for (const auto& k : keys) PrintLine("(dryrun) delete: s3://" + bucket + "/" + k);
      return Status::Ok();
    }
    Status s = s3_->DeleteObjects(bucket, keys);
    if (!s.ok()) return s;
    for (const auto& k : keys) PrintLine("delete: s3://" + bucket + "/" + k);
    return Status::Ok();
  }

  Status Rm() {
    if (a_.positional.size() != 1) return Status::Invalid("usage: ferry s3 rm s3://BUCKET/KEY [--recursive]");
    S3Location loc;
    FERRY_RETURN_IF_ERROR(ParseS3Uri(a_.positional[0], &loc));
    FERRY_RETURN_IF_ERROR(Open());
    if (!a_.recursive) {
      if (loc.key.empty()) return Status::Invalid("rm " + loc.ToString() + ": name an object, or add --recursive");
      if (DryRun("delete", loc.ToString(), "")) return Status::Ok();
      FERRY_RETURN_IF_ERROR(s3_->DeleteObject(loc.bucket, loc.key).WithPrefix("delete failed: " + loc.ToString()));
      PrintLine("delete: " + loc.ToString());
      return Status::Ok();
    }
    std::map<std::string, S3Object> objects;
    FERRY_RETURN_IF_ERROR(ListUnder(loc, &objects));
    std::vector<std::string> keys;
    for (const auto& [rel, o] : objects)
      if (IsIncluded(a_.filters, rel)) keys.push_back(o.key);
    return DeleteKeys(loc.bucket, keys);
  }

  Status Mb() {
    if (a_.positional.size() != 1) return Status::Invalid("usage: ferry s3 mb s3://BUCKET");
    S3Location loc;
    FERRY_RETURN_IF_ERROR(ParseS3Uri(a_.positional[0], &loc));
    FERRY_RETURN_IF_ERROR(Open());
    FERRY_RETURN_IF_ERROR(s3_->CreateBucket(loc.bucket).WithPrefix("make_bucket failed: " + loc.ToString()));
    PrintLine("make_bucket: " + loc.bucket);
    return Status::Ok();
  }

  // ------------------------------------------------------------------ ls
  static std::string LocalTime(int64_t t) {
    std::time_t tt = static_cast<std::time_t>(t);
    std::tm tm{};
    localtime_r(&tt, &tm);
    char buf[32];
    std::strftime(buf, sizeof buf, "%Y-%m-%d %H:%M:%S", &tm);
    return buf;
  }
  std::string Size(int64_t n) const {
    char buf[32];
    if (a_.human) std::snprintf(buf, sizeof buf, "%10s", FormatBytes(n).c_str());
    else std::snprintf(buf, sizeof buf, "%10lld", static_cast<long long>(n));
    return buf;
  }
  void Out(const std::string& line) {
    std::lock_guard<std::mutex> l(out_mu_);
    std::fprintf(io_.out, "%s\n", line.c_str());
  }

  Status Ls() {
    if (a_.positional.size() > 1) return Status::Invalid("usage: ferry s3 ls [s3://BUCKET[/PREFIX]] [--recursive]");
    FERRY_RETURN_IF_ERROR(Open());
    if (a_.positional.empty() || a_.positional[0] == "s3://") {
      std::vector<S3Bucket> buckets;
      FERRY_RETURN_IF_ERROR(s3_->ListBuckets(&buckets));
      for (const auto& b : buckets) Out(LocalTime(b.created) + " " + b.name);
      return Status::Ok();
    }
    S3Location loc;
    FERRY_RETURN_IF_ERROR(ParseS3Uri(a_.positional[0], &loc));
    int64_t count = 0, total = 0;
    if (a_.recursive) {
      FERRY_RETURN_IF_ERROR(s3_->ListAll(loc.bucket, loc.key, [&](const S3Object& o) {
        Out(LocalTime(o.mtime) + " " + Size(o.size) + " " + o.key);
        count++;
        total += o.size;
        return Status::Ok();
      }));
    } else {
      // Names are shown relative to the "directory" part of the prefix.
      size_t dir_len = loc.key.rfind('/') == std::string::npos ? 0 : loc.key.rfind('/') + 1;
      std::string token;
      do {
        S3ListPage page;
        FERRY_RETURN_IF_ERROR(s3_->ListPage(loc.bucket, loc.key, "/", token, &page));
        for (const auto& p : page.prefixes) {
          Out(std::string(27, ' ') + "PRE " + p.substr(dir_len));
          count += 0;
        }
        for (const auto& o : page.objects) {
          Out(LocalTime(o.mtime) + " " + Size(o.size) + " " + o.key.substr(dir_len));
          count++;
          total += o.size;
        }
        if (count == 0 && page.prefixes.empty() && !page.truncated && token.empty() && !a_.summarize) {
          return Status::Failed("");  // like the aws CLI: nothing matched, exit 1 silently
        }
        token = page.truncated ? page.next_token : "";
      } while (!token.empty());
    }
    if (a_.summarize) {
      Out("");
      Out("Total Objects: " + std::to_string(count));
      Out("   Total Size: " + (a_.human ? FormatBytes(total) : std::to_string(total)));
    }
    return Status::Ok();
  }

  S3Args a_;
  std::shared_ptr<const Env> env_;
  CliIo io_;
  AwsSession session_;
  std::unique_ptr<S3Client> s3_;
  TransferProgress progress_;
  std::unique_ptr<TransferManager> tm_;
  std::unique_ptr<ProgressBar> bar_;
  std::mutex out_mu_;
  std::atomic<int> failures_{0};
};

}  // namespace

int RunS3Cli(const std::vector<std::string>& args, std::shared_ptr<const Env> env, const CliIo& io) {
  if (!env) env = std::make_shared<ProcessEnv>();
  S3Args a;
  const cmdline::Command* help = nullptr;
  Status s = ParseArgs(S3CliTable(), args, &a, &help);
  if (help) return PrintHelp(*help, io);
  if (!s.ok()) {
    std::fprintf(io.err, "%s\n", s.message().c_str());
    return s.exit_code();
  }
  InstallInterruptHandlers();
  Runner r(std::move(a), env, io);
  return r.Run();
}

int RunAwsCli(const std::vector<std::string>& args, std::shared_ptr<const Env> env, const CliIo& io,
              const ConfigSettingsLoader& load) {
  if (!env) env = std::make_shared<ProcessEnv>();
  S3Args a;
  const cmdline::Command* help = nullptr;
  Status s = ParseArgs(AwsCliTable(), args, &a, &help);  // global options may come before or after `whoami`
  if (help) return PrintHelp(*help, io);
  if (s.ok() && a.positional.size() > 1)
    s = Status::Invalid("ferry aws whoami takes at most one pipeline directory, got " +
                        std::to_string(a.positional.size()) + " arguments (see: ferry aws whoami --help)");
  AwsSettings settings = a.settings;
  if (s.ok() && load) {
    // The config's settings, with the command line's flags on top.
    s = load(a.positional.empty() ? "." : a.positional[0], &settings);
    if (!a.settings.region.empty()) {
      settings.region = a.settings.region;
      settings.region_origin = a.settings.region_origin;
    }
    if (!a.settings.endpoint_url.empty()) {
      settings.endpoint_url = a.settings.endpoint_url;
      settings.endpoint_origin = a.settings.endpoint_origin;
    }
    if (!a.settings.profile.empty()) {
      settings.profile = a.settings.profile;
      settings.profile_origin = a.settings.profile_origin;
      settings.profile_overrides_env = true;
    }
  }
  if (!s.ok()) {
    std::fprintf(io.err, "%s\n", s.message().c_str());
    return s.exit_code();
  }
  std::string report;
  s = Whoami(settings, env, &report);
  std::fputs(report.c_str(), io.out);
  if (!s.ok()) {
    std::fprintf(io.err, "%s\n", s.message().c_str());
    return s.exit_code();
  }
  return 0;
}

}  // namespace ferry::aws
