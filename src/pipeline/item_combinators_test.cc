// pairs, group_by, join_on and cross on plain values: what a per-sample
// pipeline's for_each gets, and the one-sentence errors a wrong call gives.
#include "pipeline/item_combinators.h"

#include <gtest/gtest.h>

namespace ferry {
namespace {

Value Row(std::vector<std::pair<std::string, Value>> fields) {
  ValueMap m;
  for (auto& [k, v] : fields) m.Append(k, std::move(v));
  return Value(std::move(m));
}

Value List(std::vector<Value> items) { return Value(ValueList(std::move(items))); }

Status Pairs(const std::string& pattern, std::vector<std::vector<std::string>> matches, Value* out) {
  PairPattern parsed;
  FERRY_RETURN_IF_ERROR(ParsePairPattern(pattern, &parsed));
  return MakePairs(pattern, parsed, matches, out);
}

TEST(PairPattern, SplitsAroundTheOneGroup) {
  PairPattern p;
  ASSERT_TRUE(ParsePairPattern("reads/*_R{1,2}_001.fastq.gz", &p).ok());
  EXPECT_EQ(p.head, "reads/*_R");
  EXPECT_EQ(p.alternatives, (std::vector<std::string>{"1", "2"}));
  EXPECT_EQ(p.tail, "_001.fastq.gz");
}

TEST(PairPattern, RefusesPatternsThatCannotPair) {
  PairPattern p;
  struct Case {
    const char* pattern;
    const char* says;
  } cases[] = {
      {"reads/*.fq", "needs one {A,B} group"},
      {"reads/*_{1,2.fq", "no closing '}'"},
      {"reads/*_{1,2}_{a,b}.fq", "more than one {...} group"},
      {"reads/{a,b}/*.fq", "in the file name"},
      {"reads/*_{1,2}*.fq", "must be plain"},
      {"reads/sample_{1,2}.fq", "needs a wildcard"},
      {"reads/*_{1}.fq", "at least two alternatives"},
      {"reads/*_{1,}.fq", "empty alternative"},
      {"reads/*_{1,?}.fq", "must be plain text"},
  };
  for (const auto& c : cases) {
    Status st = ParsePairPattern(c.pattern, &p);
    ASSERT_FALSE(st.ok()) << c.pattern;
    EXPECT_NE(st.message().find(c.says), std::string::npos) << c.pattern << ": " << st.message();
  }
}

TEST(Pairs, OneItemPerSampleWithItsFilesInBraceOrder) {
  Value out;
  ASSERT_TRUE(Pairs("reads/*_{1,2}.fq",
                    {{"/p/reads/lung_1.fq", "/p/reads/gut_1.fq"}, {"/p/reads/gut_2.fq", "/p/reads/lung_2.fq"}}, &out)
                  .ok());
  EXPECT_EQ(out.ToJson(), R"([{"id": "gut", "files": ["/p/reads/gut_1.fq", "/p/reads/gut_2.fq"]}, )"
                          R"({"id": "lung", "files": ["/p/reads/lung_1.fq", "/p/reads/lung_2.fq"]}])");
}

TEST(Pairs, KeysKeepHostileNamesWhole) {
  // Spaces, quotes, a leading '-', unicode and underscores inside the key.
  const std::string odd = "-it's a \"sample\" \xc3\xa9t\xc3\xa9_x";
  Value out;
  ASSERT_TRUE(Pairs("r/*_{1,2}.fq", {{"/r/" + odd + "_1.fq"}, {"/r/" + odd + "_2.fq"}}, &out).ok());
  ASSERT_EQ(out.as_list().size(), 1u);
  EXPECT_EQ(out.as_list()[0].Find("id")->as_string(), odd);
}

TEST(Pairs, FilesInOtherDirectoriesDoNotPair) {
  Value out;
  Status st = Pairs("*/*_{1,2}.fq", {{"/a/s_1.fq"}, {"/b/s_2.fq"}}, &out);
  ASSERT_FALSE(st.ok());
  EXPECT_NE(st.message().find("'s' has /a/s_1.fq but no file for '2'"), std::string::npos) << st.message();
}

TEST(Pairs, ALoneFileIsAnErrorNamingIt) {
  Value out;
  Status st = Pairs("reads/*_{1,2}.fq", {{"/p/reads/a_1.fq", "/p/reads/b_1.fq"}, {"/p/reads/a_2.fq"}}, &out);
  ASSERT_FALSE(st.ok());
  EXPECT_NE(st.message().find("'b' has /p/reads/b_1.fq but no file for '2' (expected b_2.fq beside it)"),
            std::string::npos)
      << st.message();
}

TEST(Pairs, NoMatchIsAnError) {
  Value out;
  Status st = Pairs("reads/*_{1,2}.fq", {{}, {}}, &out);
  ASSERT_FALSE(st.ok());
  EXPECT_NE(st.message().find("matched no files"), std::string::npos);
}

TEST(GroupBy, LanesOfOneSampleBecomeOneItemWithLists) {
  Value rows = List({Row({{"sample", "A"}, {"fastq", "a1.fq"}}), Row({{"sample", "B"}, {"fastq", "b1.fq"}}),
                     Row({{"sample", "A"}, {"fastq", "a2.fq"}})});
  Value out;
  ASSERT_TRUE(GroupBy(rows, "sample", &out).ok());
  EXPECT_EQ(out.ToJson(), R"([{"sample": "A", "fastq": ["a1.fq", "a2.fq"]}, {"sample": "B", "fastq": ["b1.fq"]}])");
}

TEST(GroupBy, AMissingFieldNamesTheItemAndItsFields) {
  Value rows = List({Row({{"sample", "A"}}), Row({{"smaple", "B"}})});
  Value out;
  Status st = GroupBy(rows, "sample", &out);
  ASSERT_FALSE(st.ok());
  EXPECT_NE(st.message().find("item 2 of the list has no field 'sample' (did you mean 'smaple'?)"), std::string::npos)
      << st.message();
}

TEST(GroupBy, ItemsWithoutFieldsAreRefused) {
  Value out;
  Status st = GroupBy(List({Value("a.txt")}), "sample", &out);
  ASSERT_FALSE(st.ok());
  EXPECT_NE(st.message().find("item 1 of the list is a string ('a.txt')"), std::string::npos) << st.message();
  st = GroupBy(Value("a.txt"), "sample", &out);
  EXPECT_NE(st.message().find("needs the list to be a list of items"), std::string::npos) << st.message();
}

TEST(GroupBy, ItemsWithOtherFieldsAreRefused) {
  Value out;
  Status st = GroupBy(List({Row({{"s", "A"}, {"x", 1}}), Row({{"s", "A"}, {"y", 2}})}), "s", &out);
  ASSERT_FALSE(st.ok());
  EXPECT_NE(st.message().find("field 'y' the items before it do not have"), std::string::npos) << st.message();
}

TEST(JoinOn, MeetsTheItemsOfOneSample) {
  Value quant = List({Row({{"id", "A"}, {"sf", "/w/1/A.sf"}}), Row({{"id", "B"}, {"sf", "/w/2/B.sf"}})});
  Value qc = List({Row({{"id", "B"}, {"html", "/w/4/B.html"}}), Row({{"id", "A"}, {"html", "/w/3/A.html"}})});
  Value out;
  ASSERT_TRUE(JoinOn(quant, qc, "id", &out).ok());
  EXPECT_EQ(
      out.ToJson(),
      R"([{"id": "A", "sf": "/w/1/A.sf", "html": "/w/3/A.html"}, {"id": "B", "sf": "/w/2/B.sf", "html": "/w/4/B.html"}])");
}

TEST(JoinOn, EveryMismatchSaysWhichKey) {
  Value a = List({Row({{"id", "A"}}), Row({{"id", "B"}})});
  Value out;
  // bad_arg: the argument the template points at (-1: the call).
  struct Case {
    Value right;
    const char* says;
    int bad_arg;
  } cases[] = {
      {List({Row({{"id", "A"}})}), "id 'B' is in the first list but not in the second", -1},
      {List({Row({{"id", "A"}}), Row({{"id", "B"}}), Row({{"id", "C"}})}),
       "id 'C' is in the second list but not in the first", -1},
      {List({Row({{"id", "A"}}), Row({{"id", "A"}})}), "id 'A' is in the second list twice (items 1 and 2)", 1},
      {List({Row({{"key", "A"}})}), "item 1 of the second list has no field 'id'", 1},
      {Value("x"), "needs the second list to be a list of items", 1},
  };
  for (auto& c : cases) {
    int bad_arg = -1;
    Status st = JoinOn(a, c.right, "id", &out, &bad_arg);
    ASSERT_FALSE(st.ok()) << c.says;
    EXPECT_NE(st.message().find(c.says), std::string::npos) << st.message();
    EXPECT_EQ(bad_arg, c.bad_arg) << c.says;
  }
  int bad_arg = -1;
  EXPECT_FALSE(JoinOn(List({Row({{"x", "A"}})}), a, "id", &out, &bad_arg).ok());
  EXPECT_EQ(bad_arg, 0);
  Status st = JoinOn(List({Row({{"id", "A"}, {"out", "x"}})}), List({Row({{"id", "A"}, {"out", "y"}})}), "id", &out);
  ASSERT_FALSE(st.ok());
  EXPECT_NE(st.message().find("both have a field 'out', with different values ('x' and 'y')"), std::string::npos)
      << st.message();
}

TEST(Cross, EverySampleWithTheOneIndex) {
  Value samples = List({Row({{"id", "A"}}), Row({{"id", "B"}})});
  Value out;
  ASSERT_TRUE(Cross(samples, "index", Value("/w/9/index"), &out).ok());
  EXPECT_EQ(out.ToJson(), R"([{"id": "A", "index": "/w/9/index"}, {"id": "B", "index": "/w/9/index"}])");
  ASSERT_TRUE(Cross(samples, "k", List({Value(1), Value(2)}), &out).ok());
  EXPECT_EQ(out.as_list().size(), 4u);
  EXPECT_EQ(out.as_list()[1].ToJson(), R"({"id": "A", "k": 2})");
}

TEST(Cross, RefusesAFieldTheItemsHaveAndAnEmptyList) {
  Value samples = List({Row({{"id", "A"}})});
  Value out;
  int bad_arg = -1;
  Status st = Cross(samples, "id", Value("x"), &out, &bad_arg);
  EXPECT_NE(st.message().find("item 1 already has a field 'id'"), std::string::npos) << st.message();
  EXPECT_EQ(bad_arg, 1);  // the field name
  st = Cross(samples, "k", Value::EmptyList(), &out, &bad_arg);
  EXPECT_NE(st.message().find("are an empty list"), std::string::npos) << st.message();
  EXPECT_EQ(bad_arg, 2);  // the values
}

}  // namespace
}  // namespace ferry
