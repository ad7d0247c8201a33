#include "remote_build/remote_dir.h"

#include <sys/stat.h>

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <set>

#include "aws/s3_types.h"
#include "remote_build/emulator_fixture.h"
#include "remote_build/forwarded_credentials.h"
#include "util/text.h"

namespace ferry::remote_build {
namespace {

namespace fs = std::filesystem;
using testing::Emulator;
using testing::MakeTempDir;
using testing::RunProcess;

void WriteFile(const std::string& path, const std::string& content) {
  fs::create_directories(fs::path(path).parent_path());
  std::ofstream(path, std::ios::binary | std::ios::trunc) << content;
}

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

int64_t MtimeSeconds(const std::string& path) {
  struct stat st;
  return stat(path.c_str(), &st) == 0 ? st.st_mtime : -1;
}

// ------------------------------------------------------------ pure parts

TEST(ParseBucketSetting, AcceptsBucketAndPrefixWithOrWithoutScheme) {
  RemoteLocation loc;
  ASSERT_TRUE(ParseBucketSetting("my-bucket", &loc).ok());
  EXPECT_EQ(loc.bucket, "my-bucket");
  EXPECT_EQ(loc.prefix, "");
  ASSERT_TRUE(ParseBucketSetting("s3://my-bucket/team/jobs/", &loc).ok());
  EXPECT_EQ(loc.bucket, "my-bucket");
  EXPECT_EQ(loc.prefix, "team/jobs/");
  ASSERT_TRUE(ParseBucketSetting("S3://b//x//y", &loc).ok());
  EXPECT_EQ(loc.prefix, "x/y/");
  loc.dir_id = "d-1";
  EXPECT_EQ(loc.TreeUrl(), "s3://b/x/y/ferry-build/d-1/tree/");
  EXPECT_EQ(loc.TreeKeyPrefix(), "x/y/ferry-build/d-1/tree/");
  EXPECT_EQ(loc.ManifestKey(), "x/y/ferry-build/d-1/manifest.json");
}

TEST(ParseBucketSetting, ClearErrors) {
  RemoteLocation loc;
  Status s = ParseBucketSetting("s3://", &loc);
  EXPECT_EQ(s.exit_code(), 2);
  EXPECT_NE(s.message().find("no bucket name in 's3://'"), std::string::npos) << s.message();
  s = ParseBucketSetting("gs://x", &loc);
  EXPECT_EQ(s.exit_code(), 2);
  EXPECT_NE(s.message().find("expected an s3:// URL or a bucket name, got 'gs://x'"), std::string::npos);
  EXPECT_FALSE(ParseBucketSetting("", &loc).ok());
  EXPECT_FALSE(ParseBucketSetting("bad bucket", &loc).ok());
}

TEST(DirId, StablePerPathDistinctAcrossPathsAndReadable) {
  EXPECT_EQ(DirId("/home/u/zika-tutorial"), DirId("/home/u/zika-tutorial"));
  EXPECT_NE(DirId("/home/u/zika-tutorial"), DirId("/home/v/zika-tutorial"));
  EXPECT_TRUE(StartsWith(DirId("/home/u/zika-tutorial"), "zika-tutorial-"));
  EXPECT_TRUE(StartsWith(DirId("/x/it's a $dir"), "it_s_a__dir-"));
  std::string tmp = MakeTempDir("dirid");
  fs::create_directories(tmp + "/real");
  fs::create_directory_symlink(tmp + "/real", tmp + "/alias");
  EXPECT_EQ(DirId(tmp + "/alias"), DirId(tmp + "/real/"));
  EXPECT_EQ(DirId(tmp + "/real/../real"), DirId(tmp + "/real"));
  fs::remove_all(tmp);
}

TEST(JobScript, QuotesValuesAndCarriesEndpointRegionAndFilters) {
  JobScriptOptions o;
  o.cli = "/opt/my tools/aws";
  o.endpoint_url = "http://127.0.0.1:9000";
  o.region = "eu-west-1";
  o.tree_url = "s3://b/p/ferry-build/d-1/tree/";
  o.exclude = {"*.bam"};
  std::string s = JobScript(o);
  EXPECT_NE(s.find("ferry_cli='/opt/my tools/aws'"), std::string::npos) << s;
  EXPECT_NE(s.find("--only-show-errors --region eu-west-1 --endpoint-url http://127.0.0.1:9000"), std::string::npos);
  EXPECT_NE(s.find("ferry_s3 sync \"$ferry_tree\" ."), std::string::npos);
  EXPECT_NE(s.find("ferry_s3 sync --delete . \"$ferry_tree\""), std::string::npos);
  EXPECT_NE(s.find("--exclude '.snakemake/*'"), std::string::npos);
  EXPECT_NE(s.find("--include '.snakemake/log/*'"), std::string::npos);
  EXPECT_NE(s.find("--exclude '*.bam'"), std::string::npos);
  EXPECT_NE(s.find("s3://b/p/ferry-build/d-1/results-mtimes"), std::string::npos);
  EXPECT_NE(s.find("exit \"$ferry_status\""), std::string::npos);
  EXPECT_EQ(s.find("credentials"), std::string::npos);  // nothing forwarded, nothing fetched
  EXPECT_EQ(s.find("set -x"), std::string::npos);
  o.credentials_url = "s3://b/p/ferry-build/d-1/credentials-abc";
  o.endpoint_url.clear();
  s = JobScript(o);
  EXPECT_NE(s.find("ferry_creds=s3://b/p/ferry-build/d-1/credentials-abc"), std::string::npos);
  EXPECT_NE(s.find("ferry_s3_rm \"$ferry_creds\""), std::string::npos);
  EXPECT_EQ(s.find("--endpoint-url"), std::string::npos);
}

// The mirror's objects the job writes back carry the account's settings;
// `s3 rm` gets only what the aws CLI's rm accepts (the payer).
TEST(JobScript, CopiesCarryTheObjectSettings) {
  JobScriptOptions o;
  o.tree_url = "s3://b/p/ferry-build/d-1/tree/";
  o.credentials_url = "s3://b/p/ferry-build/d-1/credentials-abc";
  o.s3.encryption = "aws:kms";
  o.s3.kms_key_id = "alias/team key";
  o.s3.storage_class = "STANDARD_IA";
  o.s3.requester_pays = true;
  std::string s = JobScript(o);
  EXPECT_NE(s.find("ferry_s3() { \"$ferry_cli\" s3 \"$@\" --only-show-errors --sse aws:kms --sse-kms-key-id "
                   "'alias/team key' --storage-class STANDARD_IA --request-payer requester; }"),
            std::string::npos)
      << s;
  EXPECT_NE(s.find("ferry_s3_rm() { \"$ferry_cli\" s3 rm \"$@\" --only-show-errors --request-payer requester; }"),
            std::string::npos)
      << s;
}

// ------------------------------------------------------------ against ferry-awsemu

class RemoteDirTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    emu_ = new Emulator;
    start_error_ = new std::string(emu_->Start());
  }
  static void TearDownTestSuite() {
    delete emu_;
    delete start_error_;
  }
  void SetUp() override {
    ASSERT_EQ(*start_error_, "");
    s3_ = emu_->S3();
    ASSERT_TRUE(s3_);
    tmp_ = MakeTempDir("build-sync");
    dir_ = tmp_ + "/work dir";
    fs::create_directories(dir_);
    std::string name = ::testing::UnitTest::GetInstance()->current_test_info()->name();
    where_.bucket = "bs-" + ToLower(name.substr(0, 40));
    for (char& c : where_.bucket)
      if (!std::isalnum(static_cast<unsigned char>(c)) && c != '-') c = '-';
    where_.prefix = "jobs/";
    where_.dir_id = DirId(dir_);
    ASSERT_TRUE(s3_->CreateBucket(where_.bucket).ok());
    up_.hash_cache_file = tmp_ + "/cache.json";
    down_.hash_cache_file = tmp_ + "/cache.json";
  }
  void TearDown() override { fs::remove_all(tmp_); }

  std::set<std::string> TreeKeys() {
    std::set<std::string> keys;
    std::string prefix = where_.TreeKeyPrefix();
    EXPECT_TRUE(s3_->ListAll(where_.bucket, prefix,
                             [&](const aws::S3Object& o) {
                               keys.insert(o.key.substr(prefix.size()));
                               return Status::Ok();
                             })
                    .ok());
    return keys;
  }
  void Upload(UploadReport* r) {
    Status s = UploadDirectory(*s3_, dir_, where_, up_, r);
    ASSERT_TRUE(s.ok()) << s.message();
  }
  void PutTree(const std::string& rel, const std::string& data) {
    ASSERT_TRUE(s3_->PutSmall(where_.bucket, where_.TreeKeyPrefix() + rel, data).ok());
  }
  int TreePuts(size_t since) {
    return emu_->Count(since, "PutObject", "/tree/") + emu_->Count(since, "UploadPart", "/tree/");
  }

  // Environment of a Batch job in these tests: the emulator's keys, no ~/.aws.
  std::vector<std::string> JobEnv(bool with_keys) {
    WriteFile(tmp_ + "/aws-config", "");
    // Without keys in the environment, the job role's (here a default
    // profile) fetch the forwarded ones.
    WriteFile(tmp_ + "/aws-credentials", with_keys ? ""
                                                   : "[default]\naws_access_key_id = " + emu_->access_key +
                                                         "\naws_secret_access_key = " + emu_->secret_key + "\n");
    fs::create_directories(tmp_ + "/home");
    fs::create_directories(tmp_ + "/jobtmp");
    std::vector<std::string> env = {"PATH=/usr/bin:/bin",
                                    "HOME=" + tmp_ + "/home",
                                    "TMPDIR=" + tmp_ + "/jobtmp",
                                    "AWS_CONFIG_FILE=" + tmp_ + "/aws-config",
                                    "AWS_SHARED_CREDENTIALS_FILE=" + tmp_ + "/aws-credentials",
                                    "AWS_EC2_METADATA_DISABLED=true",
                                    "LC_ALL=C.UTF-8",
                                    "PYTHONDONTWRITEBYTECODE=1"};
    if (with_keys) {
      env.push_back("AWS_ACCESS_KEY_ID=" + emu_->access_key);
      env.push_back("AWS_SECRET_ACCESS_KEY=" + emu_->secret_key);
    }
    return env;
  }

  static Emulator* emu_;
  static std::string* start_error_;
  std::unique_ptr<aws::S3Client> s3_;
  std::string tmp_, dir_;
  RemoteLocation where_;
  UploadOptions up_;
  DownloadOptions down_;
};
Emulator* RemoteDirTest::emu_ = nullptr;
std::string* RemoteDirTest::start_error_ = nullptr;

TEST_F(RemoteDirTest, SecondUploadSendsNothingAndAChangedFileOnlyItself) {
  WriteFile(dir_ + "/a.txt", "hello");
  WriteFile(dir_ + "/sub/b.txt", "bee");
  WriteFile(dir_ + "/odd $name 'q' \"dq\".txt", "odd");
  std::string big(9 << 20, 'z');  // above the multipart threshold: its ETag is an MD5 of MD5s
  big[12345] = 'y';
  WriteFile(dir_ + "/big.bin", big);

  UploadReport r;
  size_t before = emu_->RequestCount();
  Upload(&r);
  EXPECT_EQ(r.files_total, 4);
  EXPECT_EQ(r.files_uploaded, 4);
  EXPECT_EQ(r.bytes_uploaded, 5 + 3 + 3 + (9 << 20));
  EXPECT_EQ(r.files_hashed, 4);
  EXPECT_EQ(emu_->Count(before, "CreateMultipartUpload"), 1);
  EXPECT_EQ(emu_->Count(before, "PutObject", "manifest.json"), 1);
  EXPECT_EQ(emu_->Count(before, "PutObject", "input-mtimes"), 1);
  EXPECT_EQ(TreeKeys(), (std::set<std::string>{"a.txt", "sub/b.txt", "odd $name 'q' \"dq\".txt", "big.bin"}));

  before = emu_->RequestCount();
  Upload(&r);
  EXPECT_EQ(r.files_uploaded, 0);
  EXPECT_EQ(r.files_hashed, 0);  // all from the cache
  EXPECT_EQ(emu_->Count(before, "PutObject"), 0);
  EXPECT_EQ(emu_->Count(before, "UploadPart"), 0);
  EXPECT_EQ(emu_->Count(before, "CreateMultipartUpload"), 0);

  // Same size, new content: hashes decide, not sizes.
  WriteFile(dir_ + "/a.txt", "jello");
  before = emu_->RequestCount();
  Upload(&r);
  EXPECT_EQ(r.files_uploaded, 1);
  EXPECT_EQ(r.files_hashed, 1);
  EXPECT_EQ(TreePuts(before), 1);
  EXPECT_EQ(emu_->Count(before, "PutObject", "a.txt"), 1);
  std::string got;
  ASSERT_TRUE(s3_->GetSmall(where_.bucket, where_.TreeKeyPrefix() + "a.txt", &got).ok());
  EXPECT_EQ(got, "jello");

  // A new mtime with the same content is re-hashed but not re-sent.
  struct timespec ts[2] = {{0, UTIME_OMIT}, {1000000000, 0}};
  ASSERT_EQ(utimensat(AT_FDCWD, (dir_ + "/sub/b.txt").c_str(), ts, 0), 0);
  before = emu_->RequestCount();
  Upload(&r);
  EXPECT_EQ(r.files_hashed, 1);
  EXPECT_EQ(TreePuts(before), 0);

  // Without the cache everything is read again, and still nothing is sent.
  UploadOptions no_cache = up_;
  no_cache.use_hash_cache = false;
  before = emu_->RequestCount();
  ASSERT_TRUE(UploadDirectory(*s3_, dir_, where_, no_cache, &r).ok());
  EXPECT_EQ(r.files_hashed, 4);
  EXPECT_EQ(emu_->Count(before, "PutObject"), 0);
}

TEST_F(RemoteDirTest, ExcludesFerryignoreSymlinksAndDeletions) {
  WriteFile(dir_ + "/keep.txt", "k");
  WriteFile(dir_ + "/.git/config", "g");
  WriteFile(dir_ + "/.snakemake/log/run.log", "l");
  WriteFile(dir_ + "/.snakemake/metadata/m", "m");
  WriteFile(dir_ + "/.snakemake/storage/s", "s");
  WriteFile(dir_ + "/.snakemake/incomplete/x", "x");
  WriteFile(dir_ + "/pkg/__pycache__/m.cpython-311.pyc", "c");
  WriteFile(dir_ + "/mod.pyc", "c");
  WriteFile(dir_ + "/data/raw.fastq", "ACGT");
  WriteFile(dir_ + "/secret.key", "no");
  WriteFile(dir_ + "/scratch/x", "no");
  WriteFile(dir_ + "/logs/a.log", "a");
  WriteFile(dir_ + "/.ferryignore", "# local stuff\n*.key\nscratch/\n");
  WriteFile(tmp_ + "/outside.txt", "outside");
  fs::create_symlink("keep.txt", dir_ + "/link-in");
  fs::create_symlink(tmp_ + "/outside.txt", dir_ + "/link-out");
  fs::create_directory_symlink("logs", dir_ + "/logs-alias");
  fs::create_directory_symlink("..", dir_ + "/logs/loop");
  fs::create_directory_symlink(tmp_, dir_ + "/dir-out");
  up_.exclude = {"data/"};

  UploadReport r;
  Upload(&r);
  EXPECT_EQ(TreeKeys(),
            (std::set<std::string>{"keep.txt", "link-in", ".snakemake/log/run.log", ".snakemake/metadata/m",
                                   ".snakemake/storage/s", "logs/a.log", "logs-alias/a.log", ".ferryignore"}));
  std::string got;
  ASSERT_TRUE(s3_->GetSmall(where_.bucket, where_.TreeKeyPrefix() + "link-in", &got).ok());
  EXPECT_EQ(got, "k");
  bool warned = false;
  for (const auto& w : r.warnings)
    warned |= w.find("link-out") != std::string::npos && w.find("outside") != std::string::npos;
  EXPECT_TRUE(warned) << Join(r.warnings, "\n");
  EXPECT_NE(Join(r.warnings, "\n").find("logs/loop: it links back"), std::string::npos) << Join(r.warnings, "\n");
  EXPECT_NE(Join(r.warnings, "\n").find("dir-out: it points outside"), std::string::npos) << Join(r.warnings, "\n");
  fs::remove(dir_ + "/logs-alias");

  fs::remove(dir_ + "/logs/a.log");
  fs::remove(dir_ + "/link-in");
  Upload(&r);
  EXPECT_EQ(r.files_deleted, 3);
  EXPECT_EQ(TreeKeys(), (std::set<std::string>{"keep.txt", ".snakemake/log/run.log", ".snakemake/metadata/m",
                                               ".snakemake/storage/s", ".ferryignore"}));
}

TEST_F(RemoteDirTest, DownloadFetchesOnlyChangesKeepsJobMtimesAndHonoursGlobs) {
  WriteFile(dir_ + "/in.txt", "input");
  WriteFile(dir_ + "/tool.sh", "#!/bin/sh\n");
  fs::permissions(dir_ + "/tool.sh", fs::perms(0755));
  UploadReport ur;
  Upload(&ur);
  // What a job leaves: new results, one of them with its time recorded.
  PutTree("results/a.json", "{}");
  PutTree("results/b.txt", "bee");
  PutTree("results/c d.tsv", "x\ty");
  std::string rec = std::string("1600000000 ./results/a.json") + '\0';
  ASSERT_TRUE(s3_->PutSmall(where_.bucket, where_.ResultsMtimesKey(), rec).ok());

  DownloadReport r;
  size_t before = emu_->RequestCount();
  Status s = DownloadResults(*s3_, where_, dir_, down_, &r);
  ASSERT_TRUE(s.ok()) << s.message();
  EXPECT_EQ(r.files_downloaded, 3);
  EXPECT_EQ(r.files_unchanged, 2);
  EXPECT_TRUE(r.refused.empty());
  EXPECT_EQ(emu_->Count(before, "GetObject", "/tree/"), 3);
  EXPECT_EQ(ReadFile(dir_ + "/results/c d.tsv"), "x\ty");
  EXPECT_EQ(MtimeSeconds(dir_ + "/results/a.json"), 1600000000);
  EXPECT_LT(std::abs(MtimeSeconds(dir_ + "/results/b.txt") - time(nullptr)), 3600);
  EXPECT_EQ(fs::status(dir_ + "/tool.sh").permissions() & fs::perms::owner_exec, fs::perms::owner_exec);
  for (const auto& e : fs::directory_iterator(dir_ + "/results"))
    EXPECT_EQ(e.path().filename().string().find(".ferry-"), std::string::npos) << "temp file left: " << e.path();

  before = emu_->RequestCount();
  ASSERT_TRUE(DownloadResults(*s3_, where_, dir_, down_, &r).ok());
  EXPECT_EQ(r.files_downloaded, 0);
  EXPECT_EQ(r.files_unchanged, 5);
  EXPECT_EQ(emu_->Count(before, "GetObject", "/tree/"), 0);

  // A changed remote file overwrites the local one.
  PutTree("in.txt", "input v2");
  ASSERT_TRUE(DownloadResults(*s3_, where_, dir_, down_, &r).ok());
  EXPECT_EQ(r.files_downloaded, 1);
  EXPECT_EQ(ReadFile(dir_ + "/in.txt"), "input v2");

  // Globs, into fresh directories.
  auto fetch = [&](std::vector<std::string> patterns, std::vector<std::string> exclude) {
    std::string d = tmp_ + "/g" + std::to_string(patterns.size()) + std::to_string(exclude.size());
    fs::remove_all(d);
    DownloadOptions o = down_;
    o.patterns = std::move(patterns);
    o.exclude = std::move(exclude);
    DownloadReport rr;
    EXPECT_TRUE(DownloadResults(*s3_, where_, d, o, &rr).ok());
    std::set<std::string> got;
    for (const auto& e : fs::recursive_directory_iterator(d))
      if (e.is_regular_file()) got.insert(fs::relative(e.path(), d).string());
    return got;
  };
  EXPECT_EQ(fetch({"results/*.json"}, {}), (std::set<std::string>{"results/a.json"}));
  EXPECT_EQ(fetch({"!*.json", "!tool.sh"}, {}), (std::set<std::string>{"in.txt", "results/b.txt", "results/c d.tsv"}));
  // Only what the job changed arrives: tool.sh is as uploaded.
  EXPECT_EQ(fetch({}, {"results/"}), (std::set<std::string>{"in.txt"}));
}

TEST_F(RemoteDirTest, DownloadNeverRevertsWhatTheUserChangedWhileTheJobRan) {
  WriteFile(dir_ + "/build.log", "Uploading\n");
  WriteFile(dir_ + "/notes.txt", "v1");
  WriteFile(dir_ + "/untouched.txt", "same");
  WriteFile(dir_ + "/done.tmp", "job deletes this");
  WriteFile(dir_ + "/kept.tmp", "job deletes this too");
  UploadReport ur;
  Upload(&ur);
  // While the job runs the user's shell appends to build.log and the user
  // edits notes.txt and kept.tmp; the job rewrites notes.txt and deletes
  // the two .tmp files.
  WriteFile(dir_ + "/build.log", "Uploading\nSubmitted\nRunning\n");
  WriteFile(dir_ + "/notes.txt", "v1 edited locally");
  WriteFile(dir_ + "/kept.tmp", "edited locally");
  PutTree("notes.txt", "v1 rewritten by the job");
  ASSERT_TRUE(
      s3_->DeleteObjects(where_.bucket, {where_.TreeKeyPrefix() + "done.tmp", where_.TreeKeyPrefix() + "kept.tmp"})
          .ok());
  struct timespec old_time[2] = {{0, UTIME_OMIT}, {1500000000, 0}};
  ASSERT_EQ(utimensat(AT_FDCWD, (dir_ + "/untouched.txt").c_str(), old_time, 0), 0);

  DownloadReport r;
  Status s = DownloadResults(*s3_, where_, dir_, down_, &r);
  ASSERT_TRUE(s.ok()) << s.message();
  EXPECT_EQ(ReadFile(dir_ + "/build.log"), "Uploading\nSubmitted\nRunning\n");
  EXPECT_EQ(ReadFile(dir_ + "/notes.txt"), "v1 edited locally");
  EXPECT_EQ(ReadFile(dir_ + "/notes.txt.ferry-remote"), "v1 rewritten by the job");
  EXPECT_EQ(r.conflicts, std::vector<std::string>{"notes.txt"});
  EXPECT_EQ(MtimeSeconds(dir_ + "/untouched.txt"), 1500000000) << "a file the job left alone was touched";
  EXPECT_FALSE(fs::exists(dir_ + "/done.tmp"));
  EXPECT_EQ(r.deleted, std::vector<std::string>{"done.tmp"});
  EXPECT_EQ(ReadFile(dir_ + "/kept.tmp"), "edited locally");
  EXPECT_EQ(r.kept, std::vector<std::string>{"kept.tmp"});
  EXPECT_EQ(r.files_downloaded, 1);
  EXPECT_EQ(r.files_unchanged, 2);  // build.log and untouched.txt
}

TEST_F(RemoteDirTest, DownloadRefusesPathsLeavingTheDirectory) {
  std::string outside = tmp_ + "/outside";
  fs::create_directories(outside);
  fs::create_symlink(outside, dir_ + "/escape");
  WriteFile(outside + "/target.txt", "theirs");
  fs::create_symlink(outside + "/target.txt", dir_ + "/file-link");
  fs::create_symlink(outside + "/missing.txt", dir_ + "/dangling");
  PutTree("../evil", "evil");
  PutTree("/abs/path", "evil");
  PutTree("escape/pwned", "evil");
  PutTree("file-link", "evil");
  PutTree("dangling", "evil");
  PutTree("a//b", "odd");
  PutTree("x/./y", "odd");
  PutTree("fine/ok.txt", "ok");

  DownloadReport r;
  Status s = DownloadResults(*s3_, where_, dir_, down_, &r);
  ASSERT_TRUE(s.ok()) << s.message();
  EXPECT_EQ(r.files_downloaded, 1);
  EXPECT_EQ(ReadFile(dir_ + "/fine/ok.txt"), "ok");
  ASSERT_EQ(r.refused.size(), 7u) << Join(r.refused, "\n");
  std::string all = Join(r.refused, "\n");
  EXPECT_NE(all.find("../evil: '..' would leave the directory"), std::string::npos) << all;
  EXPECT_NE(all.find("/abs/path: absolute path"), std::string::npos) << all;
  EXPECT_NE(all.find("escape/pwned: 'escape' is a symlink pointing outside"), std::string::npos) << all;
  EXPECT_NE(all.find("file-link: 'file-link' is a symlink pointing outside"), std::string::npos) << all;
  EXPECT_NE(all.find("dangling: 'dangling' is a dangling symlink"), std::string::npos) << all;
  EXPECT_NE(all.find("a//b: empty or '.' path component"), std::string::npos) << all;
  EXPECT_NE(all.find("x/./y: empty or '.' path component"), std::string::npos) << all;
  EXPECT_FALSE(fs::exists(dir_ + "/a"));
  EXPECT_EQ(ReadFile(outside + "/target.txt"), "theirs");
  EXPECT_EQ(std::distance(fs::directory_iterator(outside), fs::directory_iterator()), 1);
  EXPECT_FALSE(fs::exists(tmp_ + "/evil"));
  EXPECT_FALSE(fs::exists(dir_ + "/abs"));
  EXPECT_FALSE(fs::exists("/abs/path"));
}

// Runs JobScript() with /usr/bin/sh and a CLI against the emulator: the
// command sees the uploaded tree, its new files (odd names included) come
// back, excluded ones do not, and the download restores their times.
class JobScriptRun : public RemoteDirTest {
 protected:
  void Run(const std::string& cli, bool forward_credentials) {
    WriteFile(dir_ + "/in put.txt", "data");
    WriteFile(dir_ + "/weird $name 'q'.txt", "+x");
    WriteFile(dir_ + "/gone.txt", "the command deletes it");
    struct timespec old_time[2] = {{0, UTIME_OMIT}, {1500000000, 0}};
    ASSERT_EQ(utimensat(AT_FDCWD, (dir_ + "/in put.txt").c_str(), old_time, 0), 0);
    UploadReport ur;
    Upload(&ur);

    JobScriptOptions o;
    o.cli = cli;
    o.endpoint_url = emu_->endpoint;
    o.region = emu_->region;
    o.tree_url = where_.TreeUrl();
    o.exclude = {"*.tmp"};
    if (forward_credentials) {
      o.credentials_url = "s3://" + where_.bucket + "/" + where_.BaseKey() + "credentials-job";
      aws::StaticCredentials keys(aws::Credentials{emu_->access_key, emu_->secret_key, "", std::nullopt});
      CredentialForwarder forwarder(s3_.get(), &keys);
      std::optional<std::chrono::system_clock::duration> lifetime;
      ASSERT_TRUE(forwarder.Start(o.credentials_url, &lifetime).ok());
      EXPECT_FALSE(lifetime) << "long-lived keys do not expire";
    }
    std::string command =
        "set -e\n"
        "cat 'in put.txt' \"weird \\$name 'q'.txt\" > \"out \\$x 'q' \\\"dq\\\".txt\"\n"
        "mkdir -p .snakemake/log .snakemake/incomplete results\n"
        "echo log > .snakemake/log/run.log\n"
        "echo junk > .snakemake/incomplete/x\n"
        "echo tmp > scratch.tmp\n"
        "echo r > results/r.txt\n"
        "touch -d @4102444800 results/r.txt\n"
        // The key the job's S3 calls use: forwarded ones come in a file.
        "if [ -n \"${AWS_ACCESS_KEY_ID:-}\" ]; then printf %s \"$AWS_ACCESS_KEY_ID\"; else\n"
        "  sed -n \"/^\\[$AWS_PROFILE\\]/,/^\\[/s/^aws_access_key_id = //p\" \"$AWS_SHARED_CREDENTIALS_FILE\" | tr -d "
        "'\\n'\n"
        "fi > key-seen.txt\n"
        "date -r 'in put.txt' +%s > input-mtime.txt\n"
        "rm gone.txt\n"
        "exit 3\n";
    size_t before = emu_->RequestCount();
    std::string out;
    int rc = RunProcess({"/usr/bin/sh", "-c", JobScript(o), "sh", "/usr/bin/sh", "-c", command},
                        JobEnv(!forward_credentials), tmp_, &out);
    EXPECT_EQ(rc, 3) << out;
    EXPECT_EQ(out.find(emu_->secret_key), std::string::npos) << out;
    EXPECT_EQ(TreeKeys(),
              (std::set<std::string>{"in put.txt", "weird $name 'q'.txt", "out $x 'q' \"dq\".txt",
                                     ".snakemake/log/run.log", "results/r.txt", "key-seen.txt", "input-mtime.txt"}))
        << out;
    // Unchanged inputs are not sent back.
    EXPECT_EQ(emu_->Count(before, "PutObject", "/tree/"), 5) << out;
    if (forward_credentials) {
      aws::S3ObjectInfo info;
      EXPECT_FALSE(s3_->Head(where_.bucket, where_.BaseKey() + "credentials-job", &info).ok())
          << "the job must delete the forwarded credentials";
    }
    EXPECT_TRUE(fs::is_empty(tmp_ + "/jobtmp")) << "scratch directory left behind";

    DownloadReport r;
    Status s = DownloadResults(*s3_, where_, dir_, down_, &r);
    ASSERT_TRUE(s.ok()) << s.message();
    EXPECT_EQ(r.files_downloaded, 5);
    EXPECT_EQ(r.files_unchanged, 2);
    EXPECT_EQ(ReadFile(dir_ + "/out $x 'q' \"dq\".txt"), "data+x");
    EXPECT_EQ(ReadFile(dir_ + "/key-seen.txt"), emu_->access_key);
    EXPECT_EQ(MtimeSeconds(dir_ + "/results/r.txt"), 4102444800);
    // The job saw the input with the user's time, not its upload time.
    EXPECT_EQ(ReadFile(dir_ + "/input-mtime.txt"), "1500000000\n");
    EXPECT_EQ(MtimeSeconds(dir_ + "/in put.txt"), 1500000000);
    EXPECT_FALSE(fs::exists(dir_ + "/scratch.tmp"));
    EXPECT_FALSE(fs::exists(dir_ + "/.snakemake/incomplete"));
    EXPECT_FALSE(fs::exists(dir_ + "/gone.txt")) << "what the job deleted stays deleted";
    EXPECT_EQ(r.deleted, std::vector<std::string>{"gone.txt"});
  }
};

TEST_F(JobScriptRun, WithDebianAwsCli) { Run("/usr/bin/aws", false); }
TEST_F(JobScriptRun, WithDebianAwsCliAndForwardedCredentials) { Run("/usr/bin/aws", true); }
TEST_F(JobScriptRun, WithFerryAsTheCli) { Run(FERRY_BIN, false); }
TEST_F(JobScriptRun, WithFerryAsTheCliAndForwardedCredentials) { Run(FERRY_BIN, true); }

}  // namespace
}  // namespace ferry::remote_build
