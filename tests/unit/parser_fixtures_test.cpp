#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "parse_helpers.h"

namespace epicsync::testing {
namespace {

using model::PriorityMeaning;
using model::StatusMeaning;

std::string read_fixture(const std::string& name) {
  std::ifstream in(std::string(FIXTURES_DIR) + "/epics/" + name, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

TEST(Fixtures, Checkout) {
  auto r = parse(read_fixture("checkout.md"));
  ASSERT_TRUE(r.ok()) << diagnostics_text(r);
  EXPECT_EQ(r.epic.title, "Checkout Revamp");
  EXPECT_EQ(r.epic.status->meaning, StatusMeaning::kInProgress);
  ASSERT_EQ(r.epic.stories.size(), 3u);
  const auto& guest = r.epic.stories[0];
  EXPECT_EQ(guest.id, "SHOP-101");
  EXPECT_EQ(guest.points, 5.0);
  EXPECT_EQ(guest.priority->meaning, PriorityMeaning::kHighest);
  EXPECT_EQ(guest.acceptance_criteria.size(), 3u);
  EXPECT_EQ(guest.subtasks.size(), 3u);
  EXPECT_EQ(guest.subtasks[1].status->meaning, StatusMeaning::kInProgress);
  EXPECT_EQ(guest.commits.size(), 2u);
  EXPECT_EQ(guest.technical_notes,
            "Reuse the payment session from the cart service; see `CartSession::attach()`.");
  const auto& fraud = r.epic.stories[2];
  EXPECT_EQ(fraud.status->meaning, StatusMeaning::kDone);
  EXPECT_NE(fraud.description.find("```json\n{ \"threshold\": 80"), std::string::npos);
  EXPECT_NE(fraud.description.find("2. Hold orders scoring above **80**"), std::string::npos);
  ASSERT_EQ(fraud.comments.size(), 2u);
  EXPECT_EQ(fraud.comments[1].author, "lee");
  EXPECT_EQ(diagnostics_text(r),
            "14:1 warning: unknown epic field 'Target Release' is kept but not synced\n");
}

TEST(Fixtures, InvalidReportsEveryProblemWithItsLine) {
  auto r = parse(read_fixture("invalid.md"));
  EXPECT_EQ(diagnostics_text(r),
            "7:22 error: Story Points: 'lots' is not a number of points\n"
            "10:1 error: duplicate story id BAD-1 (first at line 3)\n"
            "14:1 error: subtasks table has no name column\n"
            "18:1 error: story BAD-3 has no title\n");
}

TEST(Fixtures, MixedFormats) {
  auto r = parse(read_fixture("mixed-formats.md"));
  ASSERT_TRUE(r.ok()) << diagnostics_text(r);
  ASSERT_EQ(r.epic.stories.size(), 3u);
  const auto& ops7 = r.epic.stories[0];
  EXPECT_EQ(ops7.status->meaning, StatusMeaning::kInReview);
  EXPECT_EQ(ops7.priority->meaning, PriorityMeaning::kHigh);
  EXPECT_EQ(ops7.labels, (std::vector<std::string>{"security", "database"}));
  ASSERT_EQ(ops7.subtasks.size(), 2u);
  EXPECT_EQ(ops7.subtasks[0].points, 3.0);
  EXPECT_EQ(ops7.subtasks[0].status->meaning, StatusMeaning::kDone);
  const auto& ops8 = r.epic.stories[1];
  EXPECT_EQ(ops8.points, 3.0);
  EXPECT_NE(ops8.description.find("### OPS-999: this heading is inside a code block"),
            std::string::npos);
  EXPECT_NE(ops8.description.find("  - before value"), std::string::npos);
  ASSERT_EQ(ops8.subtasks.size(), 2u);
  EXPECT_EQ(ops8.subtasks[0].local_id, "OPS-8-01");
  EXPECT_EQ(ops8.subtasks[1].points, 2.0);
  EXPECT_EQ(ops8.subtasks[1].status->meaning, StatusMeaning::kToDo);
  EXPECT_EQ(r.epic.stories[2].status->meaning, StatusMeaning::kCancelled);
  EXPECT_EQ(r.epic.stories[2].priority->meaning, PriorityMeaning::kLow);
}

}  // namespace
}  // namespace epicsync::testing
