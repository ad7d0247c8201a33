#include "remote_build/remote_dir.h"

#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <climits>
#include <cstring>
#include <filesystem>
#include <memory>
#include <mutex>
#include <set>
#include <unordered_map>

#include "aws/s3_types.h"
#include "remote_build/content_hash.h"
#include "remote_build/local_tree.h"
#include "remote_build/manifest.h"
#include "remote_build/path_filter.h"
#include "remote_build/three_way.h"
#include "util/hash.h"
#include "util/path.h"
#include "util/text.h"

namespace ferry::remote_build {
namespace {

// Collects the first error of many concurrent transfers.
class Errors {
 public:
  void Add(const std::string& what, const Status& s) {
    std::lock_guard<std::mutex> l(mu_);
    if (s.ok()) return;
    if (count_++ == 0) first_ = s.WithPrefix(what);
  }
  Status Result(const std::string& verb) const {
    if (count_ == 0) return Status::Ok();
    if (first_.kind() == Status::Kind::kInterrupted) return first_;
    return Status::Failed(std::to_string(count_) + " file(s) failed to " + verb + "; first: " + first_.message());
  }

 private:
  std::mutex mu_;
  int count_ = 0;
  Status first_;
};

bool ValidBucketChar(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '-' || c == '_'; }

std::string HostName() {
  char buf[HOST_NAME_MAX + 1] = {};
  if (gethostname(buf, sizeof buf - 1) != 0) return "";
  return buf;
}

// Reads an optional small object: NotFound gives "" and Ok.
Status GetOptional(aws::S3Client& s3, const std::string& bucket, const std::string& key, std::string* data) {
  data->clear();
  Status s = s3.GetSmall(bucket, key, data);
  if (s.kind() == Status::Kind::kNotFound) {
    data->clear();
    return Status::Ok();
  }
  return s;
}

Status ListTree(aws::S3Client& s3, const RemoteLocation& where, std::map<std::string, aws::S3Object>* out) {
  const std::string prefix = where.TreeKeyPrefix();
  return s3
      .ListAll(where.bucket, prefix,
               [&](const aws::S3Object& o) {
                 (*out)[o.key.substr(prefix.size())] = o;
                 return Status::Ok();
               })
      .WithPrefix("cannot list " + where.TreeUrl());
}

Status CheckLocation(const RemoteLocation& where) {
  if (where.bucket.empty() || where.dir_id.empty())
    return Status::Invalid("internal: the build directory's S3 location has no bucket or directory id");
  return Status::Ok();
}

std::string CacheFile(const std::string& configured, bool use, const std::string& dir_id) {
  if (!use) return "";
  return configured.empty() ? DefaultHashCacheFile(dir_id) : configured;
}

int64_t StatMtimeNs(const struct stat& st) {
  return static_cast<int64_t>(st.st_mtim.tv_sec) * 1000000000 + st.st_mtim.tv_nsec;
}

// Why a key's path relative to the tree must not be written locally, or "".
std::string UnsafeReason(const std::string& rel) {
  if (rel[0] == '/') return "absolute path";
  for (const auto& seg : Split(rel, '/')) {
    if (seg == "..") return "'..' would leave the directory";
    if (seg.empty() || seg == ".") return "empty or '.' path component";
  }
  return "";
}

// Where `rel` lands under `root` (a realpath), checking every existing
// component: a symlink must resolve inside root. Missing parents are fine
// (they will be created as plain directories). Returns "" or why not.
std::string ResolveDestination(const std::string& root, const std::string& rel, std::string* dest) {
  std::vector<std::string> segs = Split(rel, '/');
  std::string cur = root, shown;
  for (size_t i = 0; i < segs.size(); ++i) {
    bool last = i + 1 == segs.size();
    std::string next = cur + "/" + segs[i];
    shown += (shown.empty() ? "" : "/") + segs[i];
    struct stat st;
    if (lstat(next.c_str(), &st) != 0) {
      if (errno != ENOENT) return "cannot inspect '" + shown + "': " + std::strerror(errno);
      cur = next;
      continue;
    }
    if (S_ISLNK(st.st_mode)) {
      std::string target = RealPath(next);
      if (target.empty()) return "'" + shown + "' is a dangling symlink";
      if (!IsWithin(root, target)) return "'" + shown + "' is a symlink pointing outside the directory";
      if (stat(target.c_str(), &st) != 0) return "cannot inspect '" + shown + "': " + std::strerror(errno);
      next = target;
    }
    if (last) {
      if (S_ISDIR(st.st_mode)) return "a directory is in the way";
      if (!S_ISREG(st.st_mode)) return "'" + shown + "' is not a regular file";
    } else if (!S_ISDIR(st.st_mode)) {
      return "'" + shown + "' is not a directory";
    }
    cur = next;
  }
  *dest = cur;
  return "";
}

// Creates the missing parent directories of `dest` (under `root`), refusing
// to go through anything but real directories inside root.
Status MakeParents(const std::string& root, const std::string& dest) {
  std::string parent = dest.substr(0, dest.rfind('/'));
  if (!IsWithin(root, parent)) return Status::Failed(dest + " is outside " + root);
  for (size_t at = root.size(); at != std::string::npos;) {
    at = parent.find('/', at + 1);
    std::string p = parent.substr(0, at);
    if (::mkdir(p.c_str(), 0777) != 0 && errno != EEXIST)
      return Status::Failed("cannot create directory " + p + ": " + std::strerror(errno));
    struct stat st;
    if (lstat(p.c_str(), &st) != 0 || !S_ISDIR(st.st_mode)) {
      std::string real = RealPath(p);
      if (real.empty() || !IsWithin(root, real))
        return Status::Failed(p + " changed under us; refusing to write there");
    }
  }
  return Status::Ok();
}

}  // namespace

std::string RemoteLocation::BaseKey() const { return prefix + "ferry-build/" + dir_id + "/"; }
std::string RemoteLocation::BaseUrl() const { return "s3://" + bucket + "/" + BaseKey(); }
std::string RemoteLocation::TreeKeyPrefix() const { return BaseKey() + "tree/"; }
std::string RemoteLocation::TreeUrl() const { return "s3://" + bucket + "/" + TreeKeyPrefix(); }
std::string RemoteLocation::ManifestKey() const { return BaseKey() + "manifest.json"; }
std::string RemoteLocation::ResultsMtimesKey() const { return BaseKey() + "results-mtimes"; }
std::string RemoteLocation::InputMtimesKey() const { return BaseKey() + "input-mtimes"; }

Status ParseBucketSetting(const std::string& value, RemoteLocation* out) {
  std::string v(Trim(value));
  if (v.empty()) return Status::Invalid("no S3 bucket given: expected [s3://]bucket[/prefix]");
  std::string rest = v;
  size_t scheme_end = v.find("://");
  if (scheme_end != std::string::npos) {
    if (ToLower(v.substr(0, scheme_end)) != "s3")
      return Status::Invalid("expected an s3:// URL or a bucket name, got '" + v + "'");
    rest = v.substr(scheme_end + 3);
  } else if (v.find(':') != std::string::npos) {
    return Status::Invalid("expected an s3:// URL or a bucket name, got '" + v + "'");
  }
  size_t slash = rest.find('/');
  std::string bucket = rest.substr(0, slash);
  if (bucket.empty()) return Status::Invalid("no bucket name in '" + v + "' (expected [s3://]bucket[/prefix])");
  for (char c : bucket)
    if (!ValidBucketChar(c))
      return Status::Invalid("'" + bucket + "' in '" + v +
                             "' is not a valid S3 bucket name (letters, digits, '.', '-' and '_' only)");
  std::vector<std::string> parts;
  if (slash != std::string::npos)
    for (auto& p : Split(rest.substr(slash + 1), '/'))
      if (!p.empty()) parts.push_back(p);
  RemoteLocation loc;
  loc.bucket = bucket;
  loc.prefix = parts.empty() ? "" : Join(parts, "/") + "/";
  loc.dir_id = out->dir_id;
  *out = std::move(loc);
  return Status::Ok();
}

std::string DirId(const std::string& abs_dir) {
  // The same directory reached through a symlink or a relative path is the
  // same mirror.
  std::string path = RealPath(abs_dir);
  if (path.empty()) {
    char cwd[PATH_MAX];
    path = NormalizePath(AbsolutePath(getcwd(cwd, sizeof cwd) ? cwd : "/", abs_dir));
  }
  std::string name(PathBaseName(path));
  std::string clean;
  for (char c : name) {
    if (clean.size() >= 40) break;
    clean += (std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '-' || c == '_') ? c : '_';
  }
  if (clean.empty() || clean == "." || clean == "..") clean = "dir";
  Hasher h;
  h.Add(HostName()).Add(path);
  return clean + "-" + h.HexDigest(16);
}

Status UploadExcludes(const std::string& dir, const std::vector<std::string>& cli_excludes,
                      std::vector<std::string>* out) {
  std::vector<std::string> ignore;
  FERRY_RETURN_IF_ERROR(ReadFerryIgnore(dir, &ignore));
  *out = cli_excludes;
  out->insert(out->end(), ignore.begin(), ignore.end());
  return Status::Ok();
}

Status UploadDirectory(aws::S3Client& s3, const std::string& dir, const RemoteLocation& where,
                       const UploadOptions& options, UploadReport* report) {
  *report = UploadReport{};
  FERRY_RETURN_IF_ERROR(CheckLocation(where));
  std::string root = RealPath(dir);
  struct stat st;
  if (root.empty() || stat(root.c_str(), &st) != 0 || !S_ISDIR(st.st_mode))
    return Status::Invalid("build directory '" + dir + "' does not exist or is not a directory");
  std::vector<std::string> excludes;
  FERRY_RETURN_IF_ERROR(UploadExcludes(root, options.exclude, &excludes));
  std::vector<LocalFile> files;
  FERRY_RETURN_IF_ERROR(ScanDirectory(root, UploadFilter(excludes), &files, &report->warnings));

  aws::TransferOptions topts;
  topts.max_concurrent_requests = options.max_concurrent_requests;
  EtagLayout layout{topts.multipart_threshold, topts.part_size};
  HashCache cache(CacheFile(options.hash_cache_file, options.use_hash_cache, where.dir_id), layout);
  cache.Load();

  Manifest manifest;
  std::vector<LocalFile> kept;
  for (auto& f : files) {
    std::string etag;
    if (!cache.Lookup(f.rel, f.size, f.mtime_ns, f.inode, &etag)) {
      Status s = ContentEtag(f.path, f.size, layout, &etag);
      if (!s.ok()) {
        report->warnings.push_back("skipped " + f.rel + ": " + s.message());
        continue;
      }
      ++report->files_hashed;
      cache.Store(f.rel, f.size, f.mtime_ns, f.inode, etag);
    }
    manifest[f.rel] = ManifestEntry{etag, f.size, f.mtime_ns, f.mode};
    kept.push_back(std::move(f));
  }
  report->files_total = static_cast<int64_t>(kept.size());
  // Saved before any transfer: the hashes stay valid whatever S3 does next.
  cache.Retain([&](const std::string& rel) { return manifest.count(rel) > 0; });
  Status saved = cache.Save();
  if (!saved.ok()) report->warnings.push_back("hash cache not saved: " + saved.message());

  std::map<std::string, aws::S3Object> remote;
  FERRY_RETURN_IF_ERROR(ListTree(s3, where, &remote));
  std::string old_manifest;
  FERRY_RETURN_IF_ERROR(GetOptional(s3, where.bucket, where.ManifestKey(), &old_manifest)
                            .WithPrefix("cannot read " + where.BaseUrl() + "manifest.json"));

  Errors errors;
  {
    aws::TransferManager tm(s3, topts, options.progress);
    for (const auto& f : kept) {
      auto it = remote.find(f.rel);
      if (it != remote.end() && ToLower(it->second.etag) == manifest[f.rel].etag) continue;
      ++report->files_uploaded;
      report->bytes_uploaded += f.size;
      if (options.progress) {
        options.progress->files_total++;
        options.progress->bytes_total += f.size;
      }
      tm.Upload(f.path, f.size, aws::S3Location{where.bucket, where.TreeKeyPrefix() + f.rel},
                [&errors, rel = f.rel](Status s) { errors.Add(rel, s); });
    }
    tm.Wait();
  }
  FERRY_RETURN_IF_ERROR(errors.Result("upload"));

  std::vector<std::string> gone;
  for (const auto& [rel, obj] : remote)
    if (!manifest.count(rel)) gone.push_back(obj.key);
  if (!gone.empty())
    FERRY_RETURN_IF_ERROR(
        s3.DeleteObjects(where.bucket, gone).WithPrefix("cannot remove deleted files from the mirror"));
  report->files_deleted = static_cast<int64_t>(gone.size());

  // The input-mtimes script follows from the manifest, so both change
  // together; it goes first so a manifest on S3 always has its script.
  std::string text = ManifestToJson(manifest);
  if (text != old_manifest) {
    FERRY_RETURN_IF_ERROR(s3.PutSmall(where.bucket, where.InputMtimesKey(), InputTimesAndModesScript(manifest))
                              .WithPrefix("cannot write " + where.BaseUrl() + "input-mtimes"));
    FERRY_RETURN_IF_ERROR(s3.PutSmall(where.bucket, where.ManifestKey(), text)
                              .WithPrefix("cannot write " + where.BaseUrl() + "manifest.json"));
  }
  return Status::Ok();
}

Status DownloadResults(aws::S3Client& s3, const RemoteLocation& where, const std::string& dir,
                       const DownloadOptions& options, DownloadReport* report) {
  *report = DownloadReport{};
  FERRY_RETURN_IF_ERROR(CheckLocation(where));
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  std::string root = RealPath(dir);
  struct stat st;
  if (root.empty() || stat(root.c_str(), &st) != 0 || !S_ISDIR(st.st_mode))
    return Status::Invalid("cannot use '" + dir + "' as the build directory: it is not a directory");

  std::map<std::string, aws::S3Object> remote;
  FERRY_RETURN_IF_ERROR(ListTree(s3, where, &remote));
  std::string text;
  Manifest manifest;
  FERRY_RETURN_IF_ERROR(GetOptional(s3, where.bucket, where.ManifestKey(), &text));
  // A missing or damaged manifest leaves no base: the job's files then never
  // replace local ones that differ (they arrive beside them as conflicts).
  if (!text.empty()) (void)ParseManifest(text, &manifest);
  FERRY_RETURN_IF_ERROR(GetOptional(s3, where.bucket, where.ResultsMtimesKey(), &text));
  std::map<std::string, JobFileRecord> job_files = ParseResultsMtimes(text);

  aws::TransferOptions topts;
  topts.max_concurrent_requests = options.max_concurrent_requests;
  EtagLayout layout{topts.multipart_threshold, topts.part_size};
  HashCache cache(CacheFile(options.hash_cache_file, options.use_hash_cache, where.dir_id), layout);
  cache.Load();
  DownloadSelection selection(options.patterns, options.exclude);

  struct Fetched {
    std::string rel, dest, etag;
    uint32_t mode = 0;    // 0: as created
    int executable = -1;  // what the job said, for a file it wrote
    bool cache = true;    // a conflict copy is not the file the cache describes
    std::shared_ptr<std::atomic<bool>> ok = std::make_shared<std::atomic<bool>>(false);
  };
  // Every path the upload sent or the job left, with its base and theirs.
  std::map<std::string, std::pair<Version, Version>> paths;
  for (const auto& [rel, e] : manifest) paths[rel].first = e.etag;
  for (const auto& [rel, obj] : remote)
    if (!rel.empty() && rel.back() != '/') paths[rel].second = ToLower(obj.etag);  // not "folder" markers

  std::vector<Fetched> fetched;
  Errors errors;
  {
    aws::TransferManager tm(s3, topts, options.progress);
    for (const auto& [rel, versions] : paths) {
      const auto& [base, theirs] = versions;
      if (theirs == base) {
        ++report->files_unchanged;  // the job left it: never written, whatever happened locally
        continue;
      }
      std::string why = UnsafeReason(rel);
      std::string dest;
      if (why.empty() && !selection.Selected(rel)) continue;
      if (why.empty()) why = ResolveDestination(root, rel, &dest);
      if (!why.empty()) {
        report->refused.push_back(rel + ": " + why);
        continue;
      }
      struct stat ls;
      bool exists = lstat(dest.c_str(), &ls) == 0 && S_ISREG(ls.st_mode);
      Version ours;
      if (exists) {
        std::string local;
        if (!cache.Lookup(rel, ls.st_size, StatMtimeNs(ls), ls.st_ino, &local) &&
            !ContentEtag(dest, ls.st_size, layout, &local).ok())
          local = "unreadable";  // matches nothing: the file is kept
        ours = local;
      }
      MergeAction action = DecideMerge(base, theirs, ours);
      if (action == MergeAction::kSame || action == MergeAction::kLeave) {
        ++report->files_unchanged;
        if (ours) cache.Store(rel, ls.st_size, StatMtimeNs(ls), ls.st_ino, *ours);
        continue;
      }
      if (action == MergeAction::kKeepLocal) {
        report->kept.push_back(rel);
        continue;
      }
      if (action == MergeAction::kDelete) {
        if (::unlink(dest.c_str()) != 0) {
          errors.Add(rel, Status::Failed(std::string("cannot delete it: ") + std::strerror(errno)));
          continue;
        }
        report->deleted.push_back(rel);
        continue;
      }
      bool conflict = action == MergeAction::kConflict;
      if (conflict) {
        std::string copy = ConflictCopyPath(rel);
        why = ResolveDestination(root, copy, &dest);
        if (!why.empty()) {
          report->refused.push_back(rel + ": changed locally and by the job, and " + copy + ": " + why);
          continue;
        }
        report->conflicts.push_back(rel);
        exists = lstat(dest.c_str(), &ls) == 0 && S_ISREG(ls.st_mode);
      }
      Status made = MakeParents(root, dest);
      if (!made.ok()) {
        report->refused.push_back(rel + ": " + made.message());
        continue;
      }
      const aws::S3Object& obj = remote.at(rel);
      aws::S3Object info = obj;
      int executable = -1;
      if (auto j = job_files.find(rel); j != job_files.end()) {
        info.mtime = j->second.mtime_seconds;
        executable = j->second.executable;
      }
      uint32_t mode = exists ? (ls.st_mode & 07777) : 0;
      fetched.push_back(Fetched{rel, dest, *theirs, mode, executable, !conflict});
      auto ok = fetched.back().ok;
      ++report->files_downloaded;
      report->bytes_downloaded += obj.size;
      if (options.progress) {
        options.progress->files_total++;
        options.progress->bytes_total += obj.size;
      }
      tm.Download(aws::S3Location{where.bucket, obj.key}, info, dest, [&errors, rel, ok](Status s) {
        *ok = s.ok();
        errors.Add(rel, s);
      });
    }
    tm.Wait();
  }
  for (const auto& f : fetched) {
    // Only what arrived: the cache must never vouch for a local file's old bytes.
    struct stat fs;
    if (!*f.ok || lstat(f.dest.c_str(), &fs) != 0) continue;
    uint32_t mode = ModeForJobFile(f.mode != 0 ? f.mode : fs.st_mode & 07777, f.executable);
    if ((fs.st_mode & 07777) != mode) ::chmod(f.dest.c_str(), mode);
    if (f.cache) cache.Store(f.rel, fs.st_size, StatMtimeNs(fs), fs.st_ino, f.etag);
  }
  Status saved = cache.Save();
  (void)saved;  // the cache only saves work
  return errors.Result("download");
}

}  // namespace ferry::remote_build
