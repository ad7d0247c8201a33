#include "awsemu/logs_store.h"

#include <gtest/gtest.h>

namespace awsemu {
namespace {

std::vector<std::string> Messages(const std::vector<LogEvent>& ev) {
  std::vector<std::string> out;
  for (const auto& e : ev) out.push_back(e.message);
  return out;
}

class LogStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(store.CreateGroup("g", 1000).ok());
    ASSERT_TRUE(store.CreateStream("g", "s", 1000).ok());
    ASSERT_TRUE(store.Put("g", "s", {{10, "a"}, {20, "b"}, {30, "c"}}, 1000).ok());
  }
  LogStore store;
};

TEST_F(LogStoreTest, ForwardTokenRepeatsWhenNothingIsNew) {
  GetEventsQuery q{"g", "s", std::nullopt, std::nullopt, "", 2, true};
  GetEventsResult r;
  ASSERT_TRUE(store.GetEvents(q, 1000, &r).ok());
  EXPECT_EQ(Messages(r.events), (std::vector<std::string>{"a", "b"}));
  q.next_token = r.next_forward_token;
  ASSERT_TRUE(store.GetEvents(q, 1000, &r).ok());
  EXPECT_EQ(Messages(r.events), (std::vector<std::string>{"c"}));
  std::string at_end = r.next_forward_token;
  q.next_token = at_end;
  ASSERT_TRUE(store.GetEvents(q, 1000, &r).ok());
  EXPECT_TRUE(r.events.empty());
  EXPECT_EQ(r.next_forward_token, at_end);
  store.Append("g", "s", {{40, "d"}}, 1000);
  ASSERT_TRUE(store.GetEvents(q, 1000, &r).ok());
  EXPECT_EQ(Messages(r.events), (std::vector<std::string>{"d"}));
}

TEST_F(LogStoreTest, TailAndBackwardPaging) {
  GetEventsQuery q{"g", "s", std::nullopt, std::nullopt, "", 2, false};
  GetEventsResult r;
  ASSERT_TRUE(store.GetEvents(q, 1000, &r).ok());
  EXPECT_EQ(Messages(r.events), (std::vector<std::string>{"b", "c"}));
  q.next_token = r.next_backward_token;
  ASSERT_TRUE(store.GetEvents(q, 1000, &r).ok());
  EXPECT_EQ(Messages(r.events), (std::vector<std::string>{"a"}));
}

TEST_F(LogStoreTest, OutOfOrderPutsAreKeptInTimeOrder) {
  ASSERT_TRUE(store.Put("g", "s", {{15, "between"}}, 1000).ok());
  GetEventsQuery q{"g", "s", 11, 25, "", 100, true};
  GetEventsResult r;
  ASSERT_TRUE(store.GetEvents(q, 1000, &r).ok());
  EXPECT_EQ(Messages(r.events), (std::vector<std::string>{"between", "b"}));
}

TEST_F(LogStoreTest, ErrorsNameTheMissingResource) {
  GetEventsResult r;
  GetEventsQuery q;
  q.group = "nope";
  q.stream = "s";
  EmuError e = store.GetEvents(q, 1000, &r);
  EXPECT_EQ(e.code, "ResourceNotFoundException");
  EXPECT_EQ(e.message, "The specified log group does not exist.");
  q.group = "g";
  q.stream = "nope";
  e = store.GetEvents(q, 1000, &r);
  EXPECT_EQ(e.message, "The specified log stream does not exist.");
  GetEventsQuery bad = q;
  bad.stream = "s";
  bad.next_token = "x/1";
  EXPECT_EQ(store.GetEvents(bad, 1000, &r).code, "InvalidParameterException");
}

TEST_F(LogStoreTest, FilterPagesAcrossStreamsInTimeOrder) {
  store.Append("g", "t", {{12, "a2"}, {25, "skip me"}}, 1000);
  FilterQuery q;
  q.group = "g";
  q.filter_pattern = "-skip";
  q.limit = 2;
  FilterResult r;
  std::vector<std::string> all;
  do {
    ASSERT_TRUE(store.Filter(q, 1000, &r).ok());
    for (const auto& e : r.events) all.push_back(e.stream + ":" + e.event.message);
    q.next_token = r.next_token;
  } while (!r.next_token.empty());
  EXPECT_EQ(all, (std::vector<std::string>{"s:a", "t:a2", "s:b", "s:c"}));
}

TEST(MatchesFilterPattern, TermsQuotesAlternativesAndExclusions) {
  EXPECT_TRUE(MatchesFilterPattern("", "anything"));
  EXPECT_TRUE(MatchesFilterPattern("ERROR disk", "ERROR: disk full"));
  EXPECT_FALSE(MatchesFilterPattern("ERROR disk", "ERROR: memory"));
  EXPECT_TRUE(MatchesFilterPattern("\"disk full\"", "ERROR: disk full"));
  EXPECT_FALSE(MatchesFilterPattern("\"full disk\"", "ERROR: disk full"));
  EXPECT_TRUE(MatchesFilterPattern("?WARN ?ERROR", "ERROR x"));
  EXPECT_FALSE(MatchesFilterPattern("?WARN ?ERROR", "INFO x"));
  EXPECT_FALSE(MatchesFilterPattern("ERROR -disk", "ERROR disk"));
}

}  // namespace
}  // namespace awsemu
