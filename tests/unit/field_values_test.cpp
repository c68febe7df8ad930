#include <gtest/gtest.h>

#include "field_values.h"

namespace epicsync::markdown {
namespace {

using model::PriorityMeaning;
using model::StatusMeaning;

TEST(FieldValues, EveryStatusWordWithOrWithoutEmoji) {
  const std::vector<std::pair<std::string, StatusMeaning>> cases = {
      {"✅ Done", StatusMeaning::kDone},
      {"Resolved", StatusMeaning::kDone},
      {"closed", StatusMeaning::kDone},
      {"Complete", StatusMeaning::kDone},
      {"🔄 In Progress", StatusMeaning::kInProgress},
      {"Active", StatusMeaning::kInProgress},
      {"Doing", StatusMeaning::kInProgress},
      {"WIP", StatusMeaning::kInProgress},
      {"in-progress", StatusMeaning::kInProgress},
      {"👀 In Review", StatusMeaning::kInReview},
      {"Review", StatusMeaning::kInReview},
      {"Testing", StatusMeaning::kInReview},
      {"QA", StatusMeaning::kInReview},
      {"📋 Planned", StatusMeaning::kToDo},
      {"To Do", StatusMeaning::kToDo},
      {"Todo", StatusMeaning::kToDo},
      {"Open", StatusMeaning::kToDo},
      {"New", StatusMeaning::kToDo},
      {"Backlog", StatusMeaning::kToDo},
      {"❌ Cancelled", StatusMeaning::kCancelled},
      {"Canceled", StatusMeaning::kCancelled},
      {"Won't Do", StatusMeaning::kCancelled},
      {"Won\xE2\x80\x99t Do", StatusMeaning::kCancelled},
      {"**Done**", StatusMeaning::kDone},
  };
  for (const auto& [text, meaning] : cases) {
    auto got = parse_status(text);
    ASSERT_TRUE(got) << text;
    EXPECT_EQ(*got, meaning) << text;
  }
  EXPECT_FALSE(parse_status("Sleeping"));
  EXPECT_FALSE(parse_status(""));
}

TEST(FieldValues, EveryPriorityWord) {
  const std::vector<std::pair<std::string, PriorityMeaning>> cases = {
      {"🔴 Critical", PriorityMeaning::kHighest},  {"Blocker", PriorityMeaning::kHighest},
      {"Highest", PriorityMeaning::kHighest},     {"P0", PriorityMeaning::kHighest},
      {"🟠 High", PriorityMeaning::kHigh},      {"🟡 High", PriorityMeaning::kHigh},
      {"🟠/🟡 High", PriorityMeaning::kHigh}, {"p1", PriorityMeaning::kHigh},
      {"🟢 Medium", PriorityMeaning::kMedium},  {"Normal", PriorityMeaning::kMedium},
      {"P2", PriorityMeaning::kMedium},           {"🔵 Low", PriorityMeaning::kLow},
      {"Minor", PriorityMeaning::kLow},           {"P3", PriorityMeaning::kLow},
      {"⚪ Lowest", PriorityMeaning::kLowest},     {"Trivial", PriorityMeaning::kLowest},
      {"P4", PriorityMeaning::kLowest},
  };
  for (const auto& [text, meaning] : cases) {
    auto got = parse_priority(text);
    ASSERT_TRUE(got) << text;
    EXPECT_EQ(*got, meaning) << text;
  }
  EXPECT_FALSE(parse_priority("Urgent-ish"));
}

TEST(FieldValues, Points) {
  EXPECT_EQ(parse_points("3"), 3.0);
  EXPECT_EQ(parse_points("0.5"), 0.5);
  EXPECT_EQ(parse_points("5 SP"), 5.0);
  EXPECT_EQ(parse_points("2 points"), 2.0);
  EXPECT_EQ(parse_points("**8**"), 8.0);
  EXPECT_FALSE(parse_points("lots"));
  EXPECT_FALSE(parse_points("-1"));
  EXPECT_FALSE(parse_points("1.2.3"));
  EXPECT_FALSE(parse_points("3 apples"));
}

TEST(FieldValues, TrackerKeys) {
  EXPECT_EQ(parse_tracker_key("PROJ-124"), "PROJ-124");
  EXPECT_EQ(parse_tracker_key("[PROJ-124](https://x.atlassian.net/browse/PROJ-124)"), "PROJ-124");
  EXPECT_EQ(parse_tracker_key("https://x.atlassian.net/browse/AB_2-9"), "AB_2-9");
  EXPECT_FALSE(parse_tracker_key("proj-1"));
  EXPECT_FALSE(parse_tracker_key("PROJ-"));
  EXPECT_FALSE(parse_tracker_key("PROJ"));
}

TEST(FieldValues, StoryIds) {
  EXPECT_TRUE(is_story_id("US-001"));
  EXPECT_TRUE(is_story_id("FEAT2-7"));
  EXPECT_TRUE(is_story_id("#123"));
  EXPECT_FALSE(is_story_id("2FA-1"));
  EXPECT_FALSE(is_story_id("US-"));
  EXPECT_FALSE(is_story_id("Us-1"));
  EXPECT_FALSE(is_story_id("#"));
}

TEST(FieldValues, LabelsAndDecoration) {
  EXPECT_EQ(parse_labels("a, b ,c,,"), (std::vector<std::string>{"a", "b", "c"}));
  EXPECT_EQ(parse_labels("`x`, y"), (std::vector<std::string>{"x", "y"}));
  EXPECT_EQ(parse_labels("a, b, a"), (std::vector<std::string>{"a", "b"}));
  EXPECT_FALSE(parse_labels("two words"));
  EXPECT_EQ(strip_decoration("🚀 Checkout Revamp ✨"), "Checkout Revamp");
  EXPECT_EQ(strip_decoration("Müller"), "Müller");
  EXPECT_EQ(fold("In_Progress  Now"), "in progress now");
}

}  // namespace
}  // namespace epicsync::markdown
