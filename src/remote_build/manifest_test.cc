#include "remote_build/manifest.h"

#include <sys/stat.h>

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "remote_build/content_hash.h"
#include "remote_build/emulator_fixture.h"

namespace ferry::remote_build {
namespace {

TEST(Manifest, RoundTripsAndIsDeterministic) {
  Manifest m;
  m["b/odd name $'\".txt"] = ManifestEntry{"0123abcd", 5, 1700000000123456789, 0755};
  m["a.txt"] = ManifestEntry{"ffee-2", 9 << 20, 1, 0644};
  std::string text = ManifestToJson(m);
  EXPECT_EQ(text, ManifestToJson(m));
  Manifest back;
  ASSERT_TRUE(ParseManifest(text, &back).ok());
  ASSERT_EQ(back.size(), 2u);
  EXPECT_EQ(back["b/odd name $'\".txt"].mtime_ns, 1700000000123456789);
  EXPECT_EQ(back["b/odd name $'\".txt"].mode, 0755u);
  EXPECT_EQ(back["a.txt"].etag, "ffee-2");
  EXPECT_FALSE(ParseManifest("{not json", &back).ok());
  EXPECT_TRUE(back.empty());
}

TEST(ResultsMtimes, ParsesNulSeparatedRecordsFromTheJobScript) {
  std::string text = std::string("1700000001 x ./results/a b.json") + '\0' + "1700000002 - ./it's $x\n.txt" + '\0' +
                     "1700000003 ./older job script" + '\0' + "1700000004 ./x ./odd" + '\0' + "garbage" + '\0' +
                     "12x ./bad" + '\0' + "5 ./" + '\0' + "6 x ./" + '\0';
  auto m = ParseResultsMtimes(text);
  ASSERT_EQ(m.size(), 4u);
  EXPECT_EQ(m["results/a b.json"].mtime_seconds, 1700000001);
  EXPECT_EQ(m["results/a b.json"].executable, 1);
  EXPECT_EQ(m["it's $x\n.txt"].mtime_seconds, 1700000002);
  EXPECT_EQ(m["it's $x\n.txt"].executable, 0);
  EXPECT_EQ(m["older job script"].executable, -1);  // no flag: mode left alone
  EXPECT_EQ(m["x ./odd"].mtime_seconds, 1700000004);
}

TEST(ResultsMtimes, ExecutableBitsFollowReadBits) {
  EXPECT_EQ(ModeForJobFile(0644, 1), 0755u);
  EXPECT_EQ(ModeForJobFile(0600, 1), 0700u);
  EXPECT_EQ(ModeForJobFile(0755, 0), 0644u);
  EXPECT_EQ(ModeForJobFile(0750, -1), 0750u);
}

TEST(InputTimesAndModesScript, RestoresTimesAndModesOfOddNamesWithPosixTools) {
  std::string dir = testing::MakeTempDir("mtimes");
  Manifest m;
  std::vector<std::string> names = {"plain", "sp ace", "it's", "$HOME", "-dash", "sub/\"dq\" \\", "new\nline"};
  int64_t t = 1500000000;
  for (const auto& n : names) {
    std::filesystem::create_directories(std::filesystem::path(dir + "/" + n).parent_path());
    std::ofstream(dir + "/" + n) << "x";
    m[n] = ManifestEntry{"e", 1, (t += 61) * 1000000000 + 5, 0644};
  }
  m["same second"] = ManifestEntry{"e", 1, t * 1000000000, 0644};
  std::ofstream(dir + "/same second") << "x";
  m["missing"] = ManifestEntry{"e", 1, t * 1000000000, 0644};
  m["sp ace"].mode = 0755;  // a script the workflow runs as ./sp\ ace
  m["$HOME"].mode = 0600;
  std::string script = InputTimesAndModesScript(m);
  EXPECT_NE(script.find("TZ=UTC0"), std::string::npos);
  std::string out;
  ASSERT_EQ(testing::RunProcess({"/usr/bin/sh", "-c", script}, {"PATH=/usr/bin:/bin", "TZ=Europe/Paris"}, dir, &out), 0)
      << out << script;
  for (const auto& [rel, e] : m) {
    if (rel == "missing") continue;
    struct stat st;
    ASSERT_EQ(stat((dir + "/" + rel).c_str(), &st), 0) << rel;
    EXPECT_EQ(st.st_mtime, e.mtime_ns / 1000000000) << rel;
    if (e.mode != 0644) {  // 0644 is left as fetched
      EXPECT_EQ(st.st_mode & 07777, e.mode) << rel;
    }
  }
  EXPECT_FALSE(std::filesystem::exists(dir + "/missing"));  // touch -c creates nothing
  std::filesystem::remove_all(dir);
}

TEST(HashCache, HitsOnlyForSameSizeMtimeAndInodeAndSurvivesSaveLoad) {
  std::string dir = testing::MakeTempDir("cache");
  EtagLayout layout;
  HashCache c(dir + "/sub/cache.json", layout);
  c.Store("a", 5, 100, 7, "etag-a");
  c.Store("b", 6, 100, 8, "etag-b");
  c.Retain([](const std::string& rel) { return rel == "a"; });
  ASSERT_TRUE(c.Save().ok());
  HashCache d(dir + "/sub/cache.json", layout);
  d.Load();
  std::string e;
  EXPECT_TRUE(d.Lookup("a", 5, 100, 7, &e));
  EXPECT_EQ(e, "etag-a");
  EXPECT_FALSE(d.Lookup("a", 5, 101, 7, &e));
  EXPECT_FALSE(d.Lookup("a", 5, 100, 9, &e));
  EXPECT_FALSE(d.Lookup("b", 6, 100, 8, &e));
  HashCache other_layout(dir + "/sub/cache.json", EtagLayout{16 << 20, 16 << 20});
  other_layout.Load();
  EXPECT_FALSE(other_layout.Lookup("a", 5, 100, 7, &e));
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace ferry::remote_build
