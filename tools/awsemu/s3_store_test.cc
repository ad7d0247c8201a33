#include "awsemu/s3_store.h"

#include <gtest/gtest.h>

#include <filesystem>

namespace awsemu {
namespace {

class S3StoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    root_ = std::filesystem::temp_directory_path() / ("s3_store_test-" + std::to_string(::getpid()) + "-" +
                                                      ::testing::UnitTest::GetInstance()->current_test_info()->name());
    store_ = std::make_unique<S3Store>(root_.string());
    ASSERT_TRUE(store_->Open().ok());
    ASSERT_TRUE(store_->CreateBucket("b", "us-east-1").ok());
  }
  void TearDown() override { std::filesystem::remove_all(root_); }

  void Put(const std::string& key, const std::string& data) {
    auto w = store_->NewWriter();
    ASSERT_TRUE(w);
    ASSERT_TRUE(w->Write(data.data(), data.size()));
    ASSERT_TRUE(w->Finish());
    ObjectMeta m;
    m.key = key;
    m.etag = w->md5_hex();
    ASSERT_TRUE(store_->CommitObject("b", w.get(), m, nullptr).ok());
  }

  std::vector<std::string> Page(const std::string& prefix, const std::string& delim, const std::string& after,
                                bool after_prefix, size_t max, ListResult* r) {
    *r = ListResult{};
    EXPECT_TRUE(store_->List("b", prefix, delim, after, after_prefix, max, r).ok());
    std::vector<std::string> out;
    for (const auto& p : r->prefixes) out.push_back(p);
    for (const auto& o : r->objects) out.push_back(o.key);
    std::sort(out.begin(), out.end());
    return out;
  }

  std::filesystem::path root_;
  std::unique_ptr<S3Store> store_;
};

TEST_F(S3StoreTest, EtagIsMd5AndDataSurvivesReopen) {
  Put("k", "hello");
  ObjectMeta m;
  ASSERT_TRUE(store_->HeadObject("b", "k", &m).ok());
  EXPECT_EQ(m.etag, "5d41402abc4b2a76b9719d911017c592");
  EXPECT_EQ(m.size, 5u);
  S3Store again(root_.string());
  ASSERT_TRUE(again.Open().ok());
  ASSERT_TRUE(again.HeadObject("b", "k", &m).ok());
  EXPECT_EQ(m.etag, "5d41402abc4b2a76b9719d911017c592");
}

// S3 takes any bytes in a user metadata value; the store keeps its metadata
// as JSON, which must be UTF-8. A PUT carrying Latin-1 bytes once ended the
// emulator on nlohmann's type_error (found by fuzz/awsemu_request): now the
// object is stored, and the bytes that are not UTF-8 read back as U+FFFD.
TEST_F(S3StoreTest, MetadataThatIsNotUtf8IsStoredWithReplacementCharacters) {
  auto w = store_->NewWriter();
  ASSERT_TRUE(w);
  ASSERT_TRUE(w->Write("x", 1));
  ASSERT_TRUE(w->Finish());
  ObjectMeta m;
  m.key = "k";
  m.etag = w->md5_hex();
  m.user_metadata["note"] = "caf\xe9";
  ASSERT_TRUE(store_->CommitObject("b", w.get(), m, nullptr).ok());
  S3Store again(root_.string());
  ASSERT_TRUE(again.Open().ok());
  ObjectMeta got;
  ASSERT_TRUE(again.HeadObject("b", "k", &got).ok());
  EXPECT_EQ(got.size, 1u);
  EXPECT_EQ(got.user_metadata["note"], "caf\xef\xbf\xbd");
}

TEST_F(S3StoreTest, ListingRollsUpPrefixesAndPages) {
  for (const char* k : {"a/1", "a/2", "a/b/3", "b", "c/4"}) Put(k, "x");
  ListResult r;
  EXPECT_EQ(Page("", "/", "", false, 1000, &r), (std::vector<std::string>{"a/", "b", "c/"}));
  EXPECT_EQ(Page("a/", "/", "", false, 1000, &r), (std::vector<std::string>{"a/1", "a/2", "a/b/"}));
  EXPECT_EQ(Page("", "/", "", false, 1, &r), (std::vector<std::string>{"a/"}));
  EXPECT_TRUE(r.truncated);
  EXPECT_TRUE(r.last_is_prefix);
  // The next page skips everything under the returned prefix.
  const std::string last = r.last;
  EXPECT_EQ(Page("", "/", last, true, 1, &r), (std::vector<std::string>{"b"}));
  EXPECT_EQ(Page("", "", "a/2", false, 1000, &r), (std::vector<std::string>{"a/b/3", "b", "c/4"}));
}

TEST_F(S3StoreTest, BucketRules) {
  EXPECT_EQ(store_->CreateBucket("b", "us-east-1").code, "BucketAlreadyOwnedByYou");
  Put("k", "x");
  EXPECT_EQ(store_->DeleteBucket("b").code, "BucketNotEmpty");
  ASSERT_TRUE(store_->DeleteObject("b", "k").ok());
  EXPECT_TRUE(store_->DeleteBucket("b").ok());
  EXPECT_EQ(store_->DeleteBucket("b").code, "NoSuchBucket");
}

TEST_F(S3StoreTest, MultipartEtagAndAssembly) {
  std::string id;
  ObjectMeta proto;
  proto.key = "big";
  ASSERT_TRUE(store_->CreateUpload("b", proto, &id).ok());
  std::string p1(5 << 20, 'a'), p2 = "tail";
  std::vector<std::pair<int, std::string>> listed;
  int n = 1;
  for (const std::string* p : {&p1, &p2}) {
    auto w = store_->NewWriter();
    ASSERT_TRUE(w->Write(p->data(), p->size()));
    ASSERT_TRUE(w->Finish());
    PartMeta part;
    ASSERT_TRUE(store_->CommitPart("b", "big", id, n, w.get(), &part).ok());
    listed.emplace_back(n++, "\"" + part.etag + "\"");
  }
  EXPECT_EQ(store_->CompleteUpload("b", "big", id, {listed[1], listed[0]}, nullptr).code, "InvalidPartOrder");
  ObjectMeta done;
  ASSERT_TRUE(store_->CompleteUpload("b", "big", id, listed, &done).ok());
  EXPECT_EQ(done.size, p1.size() + p2.size());
  EXPECT_EQ(done.etag.substr(done.etag.size() - 2), "-2");
  EXPECT_EQ(done.etag.size(), 34u);
  UploadMeta gone;
  EXPECT_EQ(store_->GetUpload("b", "big", id, &gone).code, "NoSuchUpload");

  // The parts are kept as segments; reads cross their boundary.
  ObjectMeta meta;
  std::shared_ptr<ObjectReader> reader;
  ASSERT_TRUE(store_->OpenObject("b", "big", &meta, &reader).ok());
  EXPECT_EQ(meta.segments.size(), 2u);
  ASSERT_EQ(reader->size(), p1.size() + p2.size());
  std::string all;
  char buf[3000];
  for (uint64_t off = 0;;) {
    ssize_t n = reader->ReadAt(off, buf, sizeof buf);
    ASSERT_GE(n, 0);
    if (n == 0) break;
    all.append(buf, static_cast<size_t>(n));
    off += static_cast<uint64_t>(n);
  }
  EXPECT_EQ(all, p1 + p2);
  // Replacing the object leaves an open reader on the old bytes and removes
  // the old files once the reader is gone.
  Put("big", "new");
  EXPECT_EQ(reader->ReadAt(p1.size(), buf, 4), 4);
  EXPECT_EQ(std::string(buf, 4), "tail");
  reader.reset();
  size_t files = 0;
  for (const auto& e : std::filesystem::directory_iterator(root_ / "buckets" / "b" / "objects")) {
    files += e.path().extension() != ".json";
  }
  EXPECT_EQ(files, 1u);
}

}  // namespace
}  // namespace awsemu
