// Positions inside YAML scalars: whatever quoting or folding the scalar uses,
// offset i of its value must map to the file position of that character.
#include "pipeline/yaml_source.h"

#include <gtest/gtest.h>

#include <yaml-cpp/yaml.h>

namespace ferry {
namespace {

// Loads `text`, takes the scalar at key `key`, and returns where the first
// occurrence of `needle` in its value sits in the file.
std::string WhereIs(const std::string& text, const std::string& key, const std::string& needle) {
  YAML::Node root = YAML::Load(text);
  YAML::Node n = root[key];
  YamlSource src(text, "f.yml");
  SourceMap map = src.ScalarMap(n);
  size_t off = n.Scalar().find(needle);
  EXPECT_NE(off, std::string::npos) << needle << " not in [" << n.Scalar() << "]";
  return map.Locate(off).ToString();
}

TEST(YamlSourceTest, PlainAndMultiLinePlain) {
  EXPECT_EQ(WhereIs("a: hello X\n", "a", "X"), "f.yml:1:10");
  EXPECT_EQ(WhereIs("a: first\n   second\n     third X\n", "a", "X"), "f.yml:3:12");
}

TEST(YamlSourceTest, SingleQuotedWithEscapedQuotes) {
  EXPECT_EQ(WhereIs("a: 'it''s a ''b'' X'\n", "a", "X"), "f.yml:1:19");
  EXPECT_EQ(WhereIs("a: 'one\n  two X'\n", "a", "X"), "f.yml:2:7");
}

TEST(YamlSourceTest, DoubleQuotedWithEscapes) {
  EXPECT_EQ(WhereIs("a: \"tab\\there \\\"q\\\" \\u00e9 X\"\n", "a", "X"), "f.yml:1:28");
  EXPECT_EQ(WhereIs("a: \"line\\nbreak X\"\n", "a", "X"), "f.yml:1:17");
  EXPECT_EQ(WhereIs("a: \"joined \\\n    here X\"\n", "a", "X"), "f.yml:2:10");
}

TEST(YamlSourceTest, BlockScalars) {
  EXPECT_EQ(WhereIs("a: |\n  one\n    two X\n  three\n", "a", "X"), "f.yml:3:9");
  EXPECT_EQ(WhereIs("a: >\n  one\n  two\n\n  three X\nb: 1\n", "a", "X"), "f.yml:5:9");
  EXPECT_EQ(WhereIs("a: |-  # comment\n    keep X\n", "a", "X"), "f.yml:2:10");
  EXPECT_EQ(WhereIs("a: |2\n    deeper X\n", "a", "X"), "f.yml:2:12");
}

TEST(YamlSourceTest, WindowsLineEndsAndProperties) {
  EXPECT_EQ(WhereIs("a: |\r\n  one\r\n  two X\r\n", "a", "X"), "f.yml:3:7");
  EXPECT_EQ(WhereIs("a: &anchor !!str tagged X\n", "a", "X"), "f.yml:1:25");
}

}  // namespace
}  // namespace ferry
