// S3 client behaviour a user would notice: keys reach the server verbatim
// and correctly signed, addressing styles, multipart part sizing and abort on
// failure, end-to-end checksum checks on upload and download, the sync and
// filter rules, and the XML S3 speaks.
#include <gtest/gtest.h>

#include <fcntl.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <mutex>

#include "aws/crypto.h"
#include "aws/s3_client.h"
#include "aws/s3_progress.h"
#include "aws/s3_sync.h"
#include "aws/s3_transfer.h"
#include "aws/s3_xml.h"
#include "aws/test_server_util.h"

namespace ferry::aws {
namespace {

namespace fs = std::filesystem;

std::shared_ptr<AwsClient> Client(const std::string& endpoint, const std::string& addressing = "auto") {
  auto env = std::make_shared<MapEnv>();
  if (!endpoint.empty()) env->Set("AWS_ENDPOINT_URL_S3", endpoint);
  AwsClient::Options o;
  o.credentials = std::make_shared<StaticCredentials>(Credentials{"AKIDS3", "S3SECRET", "", std::nullopt});
  o.region = "eu-west-1";
  o.env = env;
  o.settings.s3_addressing = addressing;
  o.retry.base_delay = std::chrono::milliseconds(2);
  return std::make_shared<AwsClient>(std::move(o));
}

std::unique_ptr<S3Client> S3(const std::string& endpoint, const std::string& addressing = "auto") {
  std::unique_ptr<S3Client> s3;
  EXPECT_TRUE(S3Client::Create(Client(endpoint, addressing), &s3).ok());
  return s3;
}

// Rebuilds what the client signed from what the server received, and checks
// the signature with S3's path rules.
Status VerifyReceived(const httplib::Request& req, const std::string& body) {
  SigV4Request s;
  s.method = req.method;
  std::string target = req.target;
  size_t q = target.find('?');
  s.path = target.substr(0, q);
  if (q != std::string::npos) s.query = ParseQueryString(target.substr(q + 1));
  for (const auto& [k, v] : req.headers) s.headers.emplace_back(k, v);
  ParsedAuth auth;
  FERRY_RETURN_IF_ERROR(ParseAuthorizationHeader(req.get_header_value("Authorization"), &auth));
  std::string hash = req.get_header_value("x-amz-content-sha256");
  if (hash != kUnsignedPayload && hash != Sha256Hex(body)) return Status::Failed("payload hash mismatch");
  return VerifySignature(s, auth, "S3SECRET", PathOptions::ForService("s3"), hash);
}

TEST(S3Keys, DoubleSlashAndDotsReachTheServerVerbatim) {
  testing::LoopbackServer srv;
  std::mutex mu;
  std::vector<std::string> targets;
  std::vector<std::string> verdicts;
  srv.server().Put(".*", [&](const httplib::Request& req, httplib::Response& res) {
    std::lock_guard<std::mutex> l(mu);
    targets.push_back(req.target);
    Status v = VerifyReceived(req, req.body);
    verdicts.push_back(v.ok() ? "ok" : v.message());
    res.set_header("ETag", "\"" + HexEncode(Md5(req.body)) + "\"");
  });
  srv.Start();
  auto s3 = S3(srv.url());
  std::vector<std::string> keys = {"a//b.txt", "dots/../x", "./y", "sp ace+plus%25/ሴ", "trailing/"};
  for (const auto& k : keys) ASSERT_TRUE(s3->PutSmall("bkt", k, "data").ok()) << k;
  ASSERT_EQ(targets.size(), keys.size());
  EXPECT_EQ(targets[0], "/bkt/a//b.txt");
  EXPECT_EQ(targets[1], "/bkt/dots/../x");
  EXPECT_EQ(targets[2], "/bkt/./y");
  EXPECT_EQ(targets[3], "/bkt/sp%20ace%2Bplus%2525/%E1%88%B4");
  EXPECT_EQ(targets[4], "/bkt/trailing/");
  for (const auto& v : verdicts) EXPECT_EQ(v, "ok");
}

TEST(S3Addressing, VirtualHostOnAwsPathStyleOnCustomEndpoints) {
  auto aws = S3("");
  ServiceRequest r = aws->Request("GetObject", "GET", "my-bucket", "k 1");
  EXPECT_EQ(r.endpoint.host, "my-bucket.s3.eu-west-1.amazonaws.com");
  EXPECT_EQ(r.endpoint.scheme, "https");
  EXPECT_EQ(r.path, "/k%201");
  // Dots break wildcard TLS certificates: path-style.
  r = aws->Request("GetObject", "GET", "my.bucket", "k");
  EXPECT_EQ(r.endpoint.host, "s3.eu-west-1.amazonaws.com");
  EXPECT_EQ(r.path, "/my.bucket/k");
  auto custom = S3("http://127.0.0.1:9000/base/");
  r = custom->Request("GetObject", "GET", "b", "k");
  EXPECT_EQ(r.endpoint.host, "127.0.0.1:9000");
  EXPECT_EQ(r.path, "/base/b/k");
  auto forced = S3("http://s3.local:9000", "virtual");
  EXPECT_EQ(forced->Request("GetObject", "GET", "b", "k").endpoint.host, "b.s3.local:9000");
}

class TempDir {
 public:
  TempDir() {
    path_ = fs::temp_directory_path() / ("ferry_s3_" + std::to_string(::getpid()) + "_" +
                                         ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::create_directories(path_);
  }
  ~TempDir() { fs::remove_all(path_); }
  std::string File(const std::string& name, const std::string& content) {
    std::ofstream(path_ / name, std::ios::binary) << content;
    return (path_ / name).string();
  }
  fs::path path_;
};

// A fake multipart endpoint where part 2 always fails: the upload must be
// aborted and the error reported.
TEST(S3Multipart, FailedPartAbortsTheUpload) {
  testing::LoopbackServer srv;
  std::atomic<int> aborts{0}, completes{0}, parts{0};
  srv.server().Post("/b/big", [&](const httplib::Request& req, httplib::Response& res) {
    if (req.has_param("uploads")) {
      res.set_content("<InitiateMultipartUploadResult><UploadId>U1</UploadId></InitiateMultipartUploadResult>",
                      "application/xml");
    } else {
      completes++;
    }
  });
  srv.server().Put("/b/big", [&](const httplib::Request& req, httplib::Response& res) {
    parts++;
    if (req.get_param_value("partNumber") == "2") {
      res.status = 400;
      res.set_content("<Error><Code>InvalidPart</Code><Message>nope</Message></Error>", "application/xml");
      return;
    }
    res.set_header("ETag", "\"" + HexEncode(Md5(req.body)) + "\"");
  });
  srv.server().Delete("/b/big", [&](const httplib::Request& req, httplib::Response& res) {
    if (req.get_param_value("uploadId") == "U1") aborts++;
    res.status = 204;
  });
  srv.Start();
  TempDir dir;
  std::string path = dir.File("big", std::string(12 << 20, 'x'));
  auto s3 = S3(srv.url());
  TransferOptions opt;
  opt.multipart_threshold = 5 << 20;
  opt.part_size = 5 << 20;
  TransferProgress progress;
  TransferManager tm(*s3, opt, &progress);
  Status result;
  tm.Upload(path, 12 << 20, {"b", "big"}, [&](Status s) { result = s; });
  tm.Wait();
  EXPECT_FALSE(result.ok());
  EXPECT_NE(result.message().find("InvalidPart"), std::string::npos) << result.message();
  EXPECT_EQ(aborts.load(), 1);
  EXPECT_EQ(completes.load(), 0);
}

// The server acknowledges a PUT with an ETag that is not the MD5 of what we
// sent (bytes were corrupted): retried, then reported.
TEST(S3Checksums, UploadEtagMismatchIsRetriedThenReported) {
  testing::LoopbackServer srv;
  std::atomic<int> puts{0};
  srv.server().Put("/b/k", [&](const httplib::Request&, httplib::Response& res) {
    puts++;
    res.set_header("ETag", "\"" + HexEncode(Md5("something else")) + "\"");
  });
  srv.Start();
  TempDir dir;
  std::string path = dir.File("k", "payload");
  auto s3 = S3(srv.url());
  TransferProgress progress;
  TransferManager tm(*s3, TransferOptions{}, &progress);
  Status result;
  tm.Upload(path, 7, {"b", "k"}, [&](Status s) { result = s; });
  tm.Wait();
  EXPECT_FALSE(result.ok());
  EXPECT_EQ(puts.load(), 3);
  EXPECT_NE(result.message().find("different bytes than were sent"), std::string::npos) << result.message();
}

// A download whose bytes do not hash to the ETag is retried; when a retry
// gets good bytes the file is right, and nothing partial is left behind.
TEST(S3Checksums, CorruptDownloadIsRetriedAndFileIsCorrect) {
  testing::LoopbackServer srv;
  std::atomic<int> gets{0};
  std::string good = "the real content";
  srv.server().Get("/b/k", [&](const httplib::Request&, httplib::Response& res) {
    int n = ++gets;
    res.set_header("ETag", "\"" + HexEncode(Md5(good)) + "\"");
    res.set_content(n == 1 ? std::string("the FAKE content") : good, "application/octet-stream");
  });
  srv.Start();
  TempDir dir;
  auto s3 = S3(srv.url());
  TransferProgress progress;
  TransferManager tm(*s3, TransferOptions{}, &progress);
  Status result;
  S3Object info{"k", static_cast<int64_t>(good.size()), HexEncode(Md5(good)), 1700000000, ""};
  std::string out = (dir.path_ / "sub" / "k").string();
  tm.Download({"b", "k"}, info, out, [&](Status s) { result = s; });
  tm.Wait();
  ASSERT_TRUE(result.ok()) << result.message();
  EXPECT_EQ(gets.load(), 2);
  std::ifstream in(out);
  std::string got((std::istreambuf_iterator<char>(in)), {});
  EXPECT_EQ(got, good);
  EXPECT_EQ(fs::last_write_time(out).time_since_epoch().count() != 0, true);
  int files = 0;
  for (auto& e : fs::directory_iterator(dir.path_ / "sub")) files += e.is_regular_file();
  EXPECT_EQ(files, 1);  // no temporary file left
}

// A large single-part object under SSE-KMS (a bucket's default encryption
// makes every object one) has a plain ETag that is not its MD5: the ranged
// download must not take it for one and fail a correct file.
TEST(S3Checksums, RangedDownloadOfAKmsObjectSkipsTheMd5Check) {
  testing::LoopbackServer srv;
  std::string data(12 << 20, 'k');
  const std::string kms_etag = "0123456789abcdef0123456789abcdef";
  srv.server().Get("/b/k", [&](const httplib::Request&, httplib::Response& res) {
    res.set_header("ETag", "\"" + kms_etag + "\"");
    res.set_header("x-amz-server-side-encryption", "aws:kms");
    res.set_content(data, "application/octet-stream");
  });
  srv.Start();
  TempDir dir;
  auto s3 = S3(srv.url());
  TransferManager tm(*s3, TransferOptions{}, nullptr);
  Status result;
  S3Object info{"k", static_cast<int64_t>(data.size()), kms_etag, 1700000000, "STANDARD"};  // as a listing says
  std::string out = (dir.path_ / "k").string();
  tm.Download({"b", "k"}, info, out, [&](Status s) { result = s; });
  tm.Wait();
  ASSERT_TRUE(result.ok()) << result.message();
  EXPECT_EQ(fs::file_size(out), data.size());
}

// Parallel ranged download of a multipart object verifies the composite ETag.
TEST(S3Checksums, RangedDownloadChecksCompositeEtag) {
  const int64_t part = 5 << 20;
  std::string data(2 * part + 1000, '\0');
  for (size_t i = 0; i < data.size(); ++i) data[i] = static_cast<char>(i * 7 % 251);
  std::vector<std::string> md5s = {Md5(data.substr(0, part)), Md5(data.substr(part, part)), Md5(data.substr(2 * part))};
  std::string etag = MultipartEtag(md5s);
  bool corrupt = false;
  testing::LoopbackServer srv;
  auto handler = [&](const httplib::Request& req, httplib::Response& res) {
    res.set_header("ETag", "\"" + etag + "\"");
    if (req.has_param("partNumber")) {
      res.set_header("x-amz-mp-parts-count", "3");
      res.set_header("Content-Length", std::to_string(part));
      return;
    }
    std::string body = data;
    if (corrupt) body[part + 5] ^= 1;
    res.set_content(body, "application/octet-stream");  // cpp-httplib applies the Range itself
  };
  srv.server().Get("/b/k", handler);
  srv.server().set_pre_routing_handler([&](const httplib::Request& req, httplib::Response& res) {
    if (req.method == "HEAD") {
      handler(req, res);
      return httplib::Server::HandlerResponse::Handled;
    }
    return httplib::Server::HandlerResponse::Unhandled;
  });
  srv.Start();
  TempDir dir;
  auto s3 = S3(srv.url());
  TransferOptions opt;
  opt.multipart_threshold = part;
  opt.part_size = part;
  TransferProgress progress;
  S3Object info{"k", static_cast<int64_t>(data.size()), etag, 0, ""};
  {
    TransferManager tm(*s3, opt, &progress);
    Status result;
    tm.Download({"b", "k"}, info, (dir.path_ / "ok").string(), [&](Status s) { result = s; });
    tm.Wait();
    ASSERT_TRUE(result.ok()) << result.message();
    std::ifstream in(dir.path_ / "ok", std::ios::binary);
    std::string got((std::istreambuf_iterator<char>(in)), {});
    EXPECT_TRUE(got == data);
  }
  corrupt = true;
  {
    TransferManager tm(*s3, opt, &progress);
    Status result;
    tm.Download({"b", "k"}, info, (dir.path_ / "bad").string(), [&](Status s) { result = s; });
    tm.Wait();
    EXPECT_FALSE(result.ok());
    EXPECT_NE(result.message().find("not the object's ETag"), std::string::npos) << result.message();
    EXPECT_FALSE(fs::exists(dir.path_ / "bad"));
  }
}

TEST(S3Sync, FiltersLastMatchWins) {
  std::vector<PathFilter> f = {{false, "*"}, {true, "*.txt"}, {false, "tmp/*"}};
  EXPECT_TRUE(IsIncluded(f, "a.txt"));
  EXPECT_TRUE(IsIncluded(f, "dir/b.txt"));  // '*' crosses '/'
  EXPECT_FALSE(IsIncluded(f, "a.log"));
  EXPECT_FALSE(IsIncluded(f, "tmp/c.txt"));
  EXPECT_TRUE(IsIncluded({}, "anything"));
}

TEST(S3Sync, SizeAndTimeRulesLikeTheAwsCli) {
  SyncEntry src{10, 1000};
  EXPECT_TRUE(NeedsTransfer(SyncDirection::kUpload, src, nullptr));
  SyncEntry same{10, 1000}, older{10, 900}, newer{10, 1100}, bigger{11, 1000};
  EXPECT_FALSE(NeedsTransfer(SyncDirection::kUpload, src, &same));
  EXPECT_TRUE(NeedsTransfer(SyncDirection::kUpload, src, &older));
  EXPECT_FALSE(NeedsTransfer(SyncDirection::kUpload, src, &newer));
  EXPECT_TRUE(NeedsTransfer(SyncDirection::kUpload, src, &bigger));
  // Downloads: a local file newer than the object is fetched again.
  EXPECT_TRUE(NeedsTransfer(SyncDirection::kDownload, src, &newer));
  EXPECT_FALSE(NeedsTransfer(SyncDirection::kDownload, src, &older));
  EXPECT_FALSE(SafeRelativePath("../etc/passwd"));
  EXPECT_FALSE(SafeRelativePath("a/../../b"));
  EXPECT_FALSE(SafeRelativePath("/abs"));
  EXPECT_TRUE(SafeRelativePath("a/b..c/d"));
  EXPECT_EQ(DirectoryPrefix("dir"), "dir/");
  EXPECT_EQ(DirectoryPrefix(""), "");
}

TEST(S3Sync, DownloadDropsTheLeadingSlashesOfAKeysRestLikeTheAwsCli) {
  EXPECT_EQ(DownloadRelativePath("/x"), "x");  // s3://b/p//x under s3://b/p/
  EXPECT_EQ(DownloadRelativePath("///d/z"), "d/z");
  EXPECT_EQ(DownloadRelativePath("d//z"), "d//z");
  EXPECT_EQ(DownloadRelativePath("/"), "");
  EXPECT_TRUE(SafeRelativePath(DownloadRelativePath("/x")));
  EXPECT_FALSE(SafeRelativePath(DownloadRelativePath("/../x")));
}

TEST(S3Xml, UrlEncodedListingIsDecodedOnlyWhenTheResponseSaysSo) {
  S3ListPage page;
  // S3 form-encodes: a space is '+', a '+' is %2B; a CR survives as %0D.
  ASSERT_TRUE(ParseListObjectsV2("<ListBucketResult><EncodingType>url</EncodingType>"
                                 "<Contents><Key>a%0Db+c%2Bd%25</Key></Contents>"
                                 "<CommonPrefixes><Prefix>p%01/</Prefix></CommonPrefixes></ListBucketResult>",
                                 &page)
                  .ok());
  ASSERT_EQ(page.objects.size(), 1u);
  EXPECT_EQ(page.objects[0].key, "a\rb c+d%");
  EXPECT_EQ(page.prefixes, std::vector<std::string>{"p\x01/"});
  // A server that ignored encoding-type sends keys as they are.
  ASSERT_TRUE(
      ParseListObjectsV2("<ListBucketResult><Contents><Key>a+b%41</Key></Contents></ListBucketResult>", &page).ok());
  EXPECT_EQ(page.objects[0].key, "a+b%41");
}

TEST(S3Delete, ListingAsksForUrlEncodedKeys) {
  testing::LoopbackServer srv;
  std::string target;
  srv.server().Get("/b", [&](const httplib::Request& req, httplib::Response& res) {
    target = req.target;
    res.set_content(
        "<ListBucketResult><EncodingType>url</EncodingType><IsTruncated>false</IsTruncated>"
        "<Contents><Key>k%0D</Key></Contents></ListBucketResult>",
        "application/xml");
  });
  srv.Start();
  auto s3 = S3(srv.url());
  std::vector<std::string> keys;
  ASSERT_TRUE(s3->ListAll("b", "", [&](const S3Object& o) {
                  keys.push_back(o.key);
                  return Status::Ok();
                }).ok());
  EXPECT_NE(target.find("encoding-type=url"), std::string::npos) << target;
  EXPECT_EQ(keys, std::vector<std::string>{"k\r"});
}

TEST(S3Delete, ARejectedBatchFallsBackToSingleDeletes) {
  testing::LoopbackServer srv;
  std::mutex mu;
  int batches = 0;
  std::vector<std::string> single;
  srv.server().Post("/b", [&](const httplib::Request&, httplib::Response& res) {
    std::lock_guard<std::mutex> l(mu);
    batches++;
    res.status = 400;
    res.set_content(
        "<Error><Code>MalformedXML</Code><Message>The XML you provided was not well-formed</Message>"
        "</Error>",
        "application/xml");
  });
  srv.server().Delete(".*", [&](const httplib::Request& req, httplib::Response& res) {
    std::lock_guard<std::mutex> l(mu);
    single.push_back(req.path);
    res.status = req.path == "/b/locked" ? 403 : 204;
    if (res.status == 403)
      res.set_content("<Error><Code>AccessDenied</Code><Message>Access Denied</Message></Error>", "application/xml");
  });
  srv.Start();
  auto s3 = S3(srv.url());
  Status s = s3->DeleteObjects("b", {"ok1", "ctl\x01", "locked", "ok2"});
  EXPECT_EQ(batches, 1);
  EXPECT_EQ(single, (std::vector<std::string>{"/b/ok1", "/b/ctl\x01", "/b/locked", "/b/ok2"}));
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.message().find("1 key(s) not deleted"), std::string::npos) << s.message();
  EXPECT_NE(s.message().find("locked"), std::string::npos) << s.message();
  EXPECT_EQ(s.message().find("ok1"), std::string::npos) << s.message();
}

TEST(S3Delete, NoSuchBucketIsNotRetriedKeyByKey) {
  testing::LoopbackServer srv;
  int singles = 0;
  srv.server().Post("/b", [&](const httplib::Request&, httplib::Response& res) {
    res.status = 404;
    res.set_content("<Error><Code>NoSuchBucket</Code><Message>The specified bucket does not exist</Message></Error>",
                    "application/xml");
  });
  srv.server().Delete(".*", [&](const httplib::Request&, httplib::Response& res) {
    singles++;
    res.status = 404;
  });
  srv.Start();
  auto s3 = S3(srv.url());
  EXPECT_FALSE(s3->DeleteObjects("b", {"a", "b"}).ok());
  EXPECT_EQ(singles, 0);
}

TEST(S3Xml, ListingPagesDeleteErrorsAndErrorsInside200) {
  S3ListPage page;
  ASSERT_TRUE(ParseListObjectsV2(
                  "<ListBucketResult><IsTruncated>true</IsTruncated><NextContinuationToken>T2</NextContinuationToken>"
                  "<Contents><Key>a &amp; b</Key><Size>12</Size><ETag>&quot;abc&quot;</ETag>"
                  "<LastModified>2009-10-12T17:50:30.000Z</LastModified></Contents>"
                  "<CommonPrefixes><Prefix>dir/</Prefix></CommonPrefixes></ListBucketResult>",
                  &page)
                  .ok());
  EXPECT_TRUE(page.truncated);
  EXPECT_EQ(page.next_token, "T2");
  ASSERT_EQ(page.objects.size(), 1u);
  EXPECT_EQ(page.objects[0].key, "a & b");
  EXPECT_EQ(page.objects[0].etag, "abc");
  EXPECT_EQ(page.objects[0].mtime, 1255369830);
  EXPECT_EQ(page.prefixes, std::vector<std::string>{"dir/"});
  std::vector<std::string> failures;
  ASSERT_TRUE(ParseDeleteResult("<DeleteResult><Error><Key>k</Key><Code>AccessDenied</Code><Message>no</Message>"
                                "</Error></DeleteResult>",
                                &failures)
                  .ok());
  EXPECT_EQ(failures, std::vector<std::string>{"k: AccessDenied no"});
  EXPECT_FALSE(CheckCompleteMultipart("<Error><Code>InternalError</Code><Message>x</Message></Error>").ok());
  std::string body = BuildDeleteObjects({"a<b", "c"});
  EXPECT_NE(body.find("<Key>a&lt;b</Key>"), std::string::npos) << body;
  int64_t t;
  ASSERT_TRUE(ParseHttpDate("Wed, 12 Oct 2009 17:50:00 GMT", &t));
  EXPECT_EQ(t, 1255369800);
  S3Location loc;
  EXPECT_TRUE(ParseS3Uri("s3://b/k/x", &loc).ok());
  EXPECT_EQ(loc.key, "k/x");
  EXPECT_FALSE(ParseS3Uri("s3:///k", &loc).ok());
  EXPECT_FALSE(ParseS3Uri("/local", &loc).ok());
}

}  // namespace
}  // namespace ferry::aws

namespace ferry::aws {
namespace {

TEST(S3Progress, LineShowsBytesRateAndFilesLeft) {
  EXPECT_EQ(FormatProgress(1536LL << 20, 4LL << 30, 300.5 * (1 << 20), 3),
            "Completed 1.5 GiB/4.0 GiB (300.5 MiB/s) with 3 file(s) remaining");
  EXPECT_EQ(FormatProgress(10, 20, 5, 0), "Completed 10 Bytes/20 Bytes (5 Bytes/s)");
}

}  // namespace
}  // namespace ferry::aws

namespace ferry::aws {
namespace {

// A bucket in another region: S3 answers 301 with x-amz-bucket-region; the
// client re-signs for that region and remembers it for the next request.
TEST(S3Region, RedirectToTheBucketsRegionIsFollowedAndRemembered) {
  testing::LoopbackServer srv;
  std::mutex mu;
  std::vector<std::string> scopes;
  srv.server().Get("/far/k", [&](const httplib::Request& req, httplib::Response& res) {
    std::string auth = req.get_header_value("Authorization");
    bool right = auth.find("/ap-southeast-2/s3/") != std::string::npos;
    {
      std::lock_guard<std::mutex> l(mu);
      scopes.push_back(right ? "ap-southeast-2" : "other");
    }
    if (!right) {
      res.status = 301;
      res.set_header("x-amz-bucket-region", "ap-southeast-2");
      res.set_content("<Error><Code>PermanentRedirect</Code><Message>wrong endpoint</Message></Error>",
                      "application/xml");
      return;
    }
    res.set_content("far away", "text/plain");
  });
  srv.Start();
  auto s3 = S3(srv.url());
  std::string data;
  ASSERT_TRUE(s3->GetSmall("far", "k", &data).ok());
  EXPECT_EQ(data, "far away");
  ASSERT_TRUE(s3->GetSmall("far", "k", &data).ok());
  EXPECT_EQ(scopes, (std::vector<std::string>{"other", "ap-southeast-2", "ap-southeast-2"}));
}

}  // namespace
}  // namespace ferry::aws

namespace ferry::aws {
namespace {

// One request as the fake S3 below saw it.
struct Seen {
  std::string method, target;
  httplib::Headers headers;
  std::string verdict;  // of the signature check
  std::string Header(const std::string& name) const {
    auto it = headers.find(name);
    return it == headers.end() ? "" : it->second;
  }
  bool Signed(const std::string& lower_name) const {
    auto it = headers.find("Authorization");
    return it != headers.end() && it->second.find(lower_name) != std::string::npos;
  }
};

// A fake S3 answering simple and multipart uploads, copies and GETs, and
// remembering every request.
class RecordingS3 {
 public:
  RecordingS3() {
    auto record = [this](const httplib::Request& req) {
      std::lock_guard<std::mutex> l(mu_);
      std::string auth = req.get_header_value("Authorization");
      Status v = auth.empty() ? Status::Ok() : VerifyReceived(req, req.body);
      seen_.push_back({req.method, req.target, req.headers, v.ok() ? "ok" : v.message()});
    };
    srv_.server().Post(".*", [record](const httplib::Request& req, httplib::Response& res) {
      record(req);
      if (req.has_param("uploads"))
        res.set_content("<InitiateMultipartUploadResult><UploadId>U1</UploadId></InitiateMultipartUploadResult>",
                        "application/xml");
      else res.set_content("<CompleteMultipartUploadResult></CompleteMultipartUploadResult>", "application/xml");
    });
    srv_.server().Put(".*", [record](const httplib::Request& req, httplib::Response& res) {
      record(req);
      if (req.has_header("x-amz-copy-source"))
        res.set_content("<CopyObjectResult><ETag>\"e\"</ETag></CopyObjectResult>", "application/xml");
      else res.set_header("ETag", "\"" + HexEncode(Md5(req.body)) + "\"");
    });
    srv_.server().Get(".*", [record](const httplib::Request& req, httplib::Response& res) {
      record(req);
      res.set_content("data", "binary/octet-stream");
    });
    srv_.Start();
  }
  std::unique_ptr<S3Client> Client(const S3ObjectSettings& settings) {
    auto env = std::make_shared<MapEnv>();
    env->Set("AWS_ENDPOINT_URL_S3", srv_.url());
    AwsClient::Options o;
    o.credentials = std::make_shared<StaticCredentials>(Credentials{"AKIDS3", "S3SECRET", "", std::nullopt});
    o.region = "eu-west-1";
    o.env = env;
    o.settings.s3 = settings;
    std::unique_ptr<S3Client> s3;
    EXPECT_TRUE(S3Client::Create(std::make_shared<AwsClient>(std::move(o)), &s3).ok());
    return s3;
  }
  std::vector<Seen> seen() {
    std::lock_guard<std::mutex> l(mu_);
    return seen_;
  }

 private:
  testing::LoopbackServer srv_;
  std::mutex mu_;
  std::vector<Seen> seen_;
};

// Every object ferry writes carries the encryption, class and ACL, signed:
// simple and multipart uploads (on CreateMultipartUpload, not the parts) and
// server-side copies, which would otherwise lose the encryption.
TEST(S3ObjectHeaders, UploadsMultipartAndCopiesCarryThemSigned) {
  RecordingS3 fake;
  S3ObjectSettings settings;
  settings.encryption = "aws:kms";
  settings.kms_key_id = "alias/ferry";
  settings.storage_class = "STANDARD_IA";
  settings.acl = "bucket-owner-full-control";
  auto s3 = fake.Client(settings);
  TempDir dir;
  std::string small = dir.File("small", "hello"), big = dir.File("big", std::string(11 << 20, 'x'));
  TransferOptions opt;
  opt.multipart_threshold = 5 << 20;
  opt.part_size = 5 << 20;
  TransferManager tm(*s3, opt, nullptr);
  Status up, mp, cp;
  tm.Upload(small, 5, {"b", "small"}, [&](Status s) { up = s; });
  tm.Upload(big, 11 << 20, {"b", "big"}, [&](Status s) { mp = s; });
  tm.Wait();
  tm.Copy({"b", "small"}, 5, {"b", "copy"}, [&](Status s) { cp = s; });
  tm.Wait();
  ASSERT_TRUE(up.ok() && mp.ok() && cp.ok()) << up.message() << mp.message() << cp.message();
  int creating = 0, parts = 0;
  for (const Seen& r : fake.seen()) {
    EXPECT_EQ(r.verdict, "ok") << r.target;
    const bool creates = (r.method == "PUT" && r.target.find("partNumber") == std::string::npos) ||
                         r.target.find("?uploads") != std::string::npos;
    if (!creates) {
      parts += r.method == "PUT";
      EXPECT_EQ(r.Header("x-amz-server-side-encryption"), "") << r.method << " " << r.target;
      continue;
    }
    creating++;
    EXPECT_EQ(r.Header("x-amz-server-side-encryption"), "aws:kms") << r.target;
    EXPECT_EQ(r.Header("x-amz-server-side-encryption-aws-kms-key-id"), "alias/ferry") << r.target;
    EXPECT_EQ(r.Header("x-amz-storage-class"), "STANDARD_IA") << r.target;
    EXPECT_EQ(r.Header("x-amz-acl"), "bucket-owner-full-control") << r.target;
    for (const char* h : {"x-amz-server-side-encryption", "x-amz-server-side-encryption-aws-kms-key-id",
                          "x-amz-storage-class", "x-amz-acl"})
      EXPECT_TRUE(r.Signed(h)) << h << " unsigned on " << r.target;
  }
  EXPECT_EQ(creating, 3);  // PutObject, CreateMultipartUpload, CopyObject
  EXPECT_EQ(parts, 3);     // 11 MiB in 5 MiB parts
}

// Requester pays: every request to the bucket says so, parts and reads too.
TEST(S3ObjectHeaders, RequesterPaysOnEveryRequest) {
  RecordingS3 fake;
  S3ObjectSettings settings;
  settings.requester_pays = true;
  auto s3 = fake.Client(settings);
  TempDir dir;
  std::string big = dir.File("big", std::string(6 << 20, 'y'));
  TransferOptions opt;
  opt.multipart_threshold = 5 << 20;
  opt.part_size = 5 << 20;
  TransferManager tm(*s3, opt, nullptr);
  Status mp;
  tm.Upload(big, 6 << 20, {"b", "big"}, [&](Status s) { mp = s; });
  tm.Wait();
  ASSERT_TRUE(mp.ok()) << mp.message();
  std::string data;
  ASSERT_TRUE(s3->GetSmall("b", "big", &data).ok());
  auto seen = fake.seen();
  EXPECT_EQ(seen.size(), 5u);  // create, 2 parts, complete, get
  for (const Seen& r : seen) {
    EXPECT_EQ(r.Header("x-amz-request-payer"), "requester") << r.method << " " << r.target;
    EXPECT_TRUE(r.Signed("x-amz-request-payer")) << r.target;
  }
}

// Anonymous: reads go unsigned; writes are refused before anything is sent.
TEST(S3ObjectHeaders, AnonymousReadsUnsignedAndRefusesWrites) {
  RecordingS3 fake;
  S3ObjectSettings settings;
  settings.anonymous = true;
  auto s3 = fake.Client(settings);
  std::string data;
  ASSERT_TRUE(s3->GetSmall("public", "k", &data).ok());
  EXPECT_EQ(data, "data");
  Status put = s3->PutSmall("public", "k", "x");
  EXPECT_EQ(put.exit_code(), 2);
  EXPECT_NE(put.message().find("anonymous access"), std::string::npos) << put.message();
  auto seen = fake.seen();
  ASSERT_EQ(seen.size(), 1u);
  EXPECT_EQ(seen[0].method, "GET");
  EXPECT_EQ(seen[0].Header("Authorization"), "");
}

}  // namespace
}  // namespace ferry::aws
