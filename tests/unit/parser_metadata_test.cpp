#include <gtest/gtest.h>

#include "parse_helpers.h"

namespace epicsync::testing {
namespace {

using model::PriorityMeaning;
using model::StatusMeaning;

TEST(StoryHeading, LevelThreeWithEmojiAndLevelTwoPlain) {
  auto r = parse("### 🔧 US-001: Guest checkout\n\ntext\n\n## STORY-12: Audit log\n");
  ASSERT_EQ(r.epic.stories.size(), 2u) << diagnostics_text(r);
  EXPECT_EQ(r.epic.stories[0].id, "US-001");
  EXPECT_EQ(r.epic.stories[0].title, "Guest checkout");
  EXPECT_EQ(r.epic.stories[0].heading_level, 3);
  EXPECT_EQ(r.epic.stories[0].pos, (model::SourcePos{1, 1}));
  EXPECT_EQ(r.epic.stories[1].id, "STORY-12");
  EXPECT_EQ(r.epic.stories[1].heading_level, 2);
  EXPECT_EQ(r.epic.stories[1].pos.line, 5);
}

TEST(StoryHeading, IdFormsAndWordsBeforeTheId) {
  auto r =
      parse("### #123: Hash id\n### FEAT2-7: Digits in prefix\n### Story PROJ-42: With words\n");
  ASSERT_EQ(r.epic.stories.size(), 3u) << diagnostics_text(r);
  EXPECT_EQ(r.epic.stories[0].id, "#123");
  EXPECT_EQ(r.epic.stories[1].id, "FEAT2-7");
  EXPECT_EQ(r.epic.stories[2].id, "PROJ-42");
  EXPECT_EQ(r.epic.stories[2].title, "With words");
}

TEST(StoryHeading, HeadingsThatAreNotStories) {
  auto r =
      parse("### lower-1: not an id\n### US-1 no colon\n#### US-2: too deep\n# US-3: too high\n");
  EXPECT_TRUE(r.epic.stories.empty());
}

TEST(StoryHeading, InsideCodeQuoteAndHtmlIsContent) {
  auto r = parse(
      "### US-1: Real\n\n```\n### US-2: in a fence\n```\n\n    ### US-3: indented code\n\n"
      "> ### US-4: in a quote\n\n<div>\n### US-5: in html\n</div>\n");
  ASSERT_EQ(r.epic.stories.size(), 1u) << diagnostics_text(r);
  EXPECT_NE(r.epic.stories[0].description.find("### US-2: in a fence"), std::string::npos);
  EXPECT_NE(r.epic.stories[0].description.find("### US-5: in html"), std::string::npos);
}

TEST(Metadata, TableWithFieldValueHeader) {
  auto r = parse(
      "### US-1: T\n\n| Field | Value |\n|---|---|\n| **Story Points** | 5 |\n"
      "| **Priority** | 🔴 Critical |\n| **Status** | 🔄 In Progress |\n| Assignee | "
      "dana@example.com |\n"
      "| Labels | checkout, web |\n| Issue | [SHOP-7](https://x.atlassian.net/browse/SHOP-7) |\n");
  ASSERT_EQ(r.epic.stories.size(), 1u);
  const auto& s = r.epic.stories[0];
  EXPECT_EQ(s.points, 5.0);
  ASSERT_TRUE(s.priority);
  EXPECT_EQ(s.priority->meaning, PriorityMeaning::kHighest);
  EXPECT_EQ(s.priority->text, "🔴 Critical");
  ASSERT_TRUE(s.status);
  EXPECT_EQ(s.status->meaning, StatusMeaning::kInProgress);
  EXPECT_EQ(s.assignee, "dana@example.com");
  EXPECT_EQ(s.labels, (std::vector<std::string>{"checkout", "web"}));
  EXPECT_EQ(s.tracker_key, "SHOP-7");
  EXPECT_EQ(s.tracker_key_pos.line, 10);
  EXPECT_TRUE(r.diagnostics.empty()) << diagnostics_text(r);
  EXPECT_TRUE(s.description.empty());
}

TEST(Metadata, TableWhoseHeaderIsAField) {
  auto r = parse("### US-1: T\n\n| Points | 3 |\n|---|---|\n| Status | Done |\n");
  const auto& s = r.epic.stories.at(0);
  EXPECT_EQ(s.points, 3.0);
  EXPECT_EQ(s.status->meaning, StatusMeaning::kDone);
}

TEST(Metadata, TwoColumnContentTableIsDescription) {
  auto r = parse("### US-1: T\n\n| Country | Provider |\n|---|---|\n| DE | Post |\n");
  const auto& s = r.epic.stories.at(0);
  EXPECT_FALSE(s.points);
  EXPECT_NE(s.description.find("| DE | Post |"), std::string::npos);
}

TEST(Metadata, InlineBoldLabelsBothColonPlacements) {
  auto r = parse(
      "### OPS-7: T\n\n**Story Points**: 5\n**Priority:** P1\n**Status**: In Review\n"
      "**Labels**: security, database\n");
  const auto& s = r.epic.stories.at(0);
  EXPECT_EQ(s.points, 5.0);
  EXPECT_EQ(s.priority->meaning, PriorityMeaning::kHigh);
  EXPECT_EQ(s.status->meaning, StatusMeaning::kInReview);
  EXPECT_EQ(s.labels, (std::vector<std::string>{"security", "database"}));
  EXPECT_EQ(s.status->pos.line, 5);
}

TEST(Metadata, Blockquote) {
  auto r = parse("### OPS-8: T\n\n> **Points**: 3\n> **Prio**: Medium\n> **State**: To Do\n");
  const auto& s = r.epic.stories.at(0);
  EXPECT_EQ(s.points, 3.0);
  EXPECT_EQ(s.priority->meaning, PriorityMeaning::kMedium);
  EXPECT_EQ(s.status->meaning, StatusMeaning::kToDo);
}

TEST(Metadata, AliasesAreCaseInsensitive) {
  auto r = parse(
      "### US-1: T\n\n**SP**: 0.5\n**OWNER**: lee\n**tags**: a,b\n**Jira**: PROJ-9\n\n"
      "### US-2: U\n\n**Estimate**: 2\n**key**: PROJ-10\n");
  EXPECT_EQ(r.epic.stories[0].points, 0.5);
  EXPECT_EQ(r.epic.stories[0].assignee, "lee");
  EXPECT_EQ(r.epic.stories[0].tracker_key, "PROJ-9");
  EXPECT_EQ(r.epic.stories[1].points, 2.0);
  EXPECT_EQ(r.epic.stories[1].tracker_key, "PROJ-10");
}

TEST(Metadata, MissingFieldsAreNotManaged) {
  auto r = parse("### US-1: T\n\n**Points**: 1\n");
  const auto& s = r.epic.stories.at(0);
  EXPECT_FALSE(s.priority);
  EXPECT_FALSE(s.status);
  EXPECT_FALSE(s.assignee);
  EXPECT_FALSE(s.labels);
  EXPECT_FALSE(s.tracker_key);
}

TEST(Metadata, UnknownFieldIsKeptAndWarned) {
  auto r = parse("### US-1: T\n\n**Points**: 1\n**Team**: Payments\n");
  const auto& s = r.epic.stories.at(0);
  ASSERT_EQ(s.unknown_fields.size(), 1u);
  EXPECT_EQ(s.unknown_fields[0].name, "Team");
  EXPECT_EQ(s.unknown_fields[0].value, "Payments");
  EXPECT_EQ(diagnostics_text(r), "4:1 warning: unknown field 'Team' is kept but not synced\n");
  EXPECT_TRUE(r.ok());
}

TEST(Metadata, BoldSentenceIsNotMetadata) {
  auto r = parse("### US-1: T\n\n**As a** shopper\n**I want** to pay\n");
  const auto& s = r.epic.stories.at(0);
  EXPECT_EQ(s.description, "**As a** shopper\n**I want** to pay");
  EXPECT_TRUE(r.diagnostics.empty());
}

TEST(Metadata, EpicSummaryTable) {
  auto r = parse(
      "# 🚀 Checkout Revamp\n\n> **Epic: Rebuild**\n\n## Epic Summary\n| Field | Value |\n"
      "|---|---|\n| **Epic Key** | SHOP-100 |\n| **Status** | 🔄 In Progress |\n"
      "| **Priority** | P2 |\n\n## User Stories\n\n### US-1: T\n");
  EXPECT_EQ(r.epic.title, "Checkout Revamp");
  EXPECT_EQ(r.epic.key, "SHOP-100");
  EXPECT_EQ(r.epic.status->meaning, StatusMeaning::kInProgress);
  EXPECT_EQ(r.epic.priority->meaning, PriorityMeaning::kMedium);
  EXPECT_EQ(r.epic.description, "> **Epic: Rebuild**");
  EXPECT_EQ(r.epic.metadata.size(), 3u);
  EXPECT_TRUE(r.diagnostics.empty()) << diagnostics_text(r);
}

TEST(Metadata, ComponentsVersionsDueDateAndConfiguredCustomFieldsAreFields) {
  const std::string text =
      "### US-1: T\n| Field | Value |\n|---|---|\n| Component/s | API, Backend |\n"
      "| Fix Version | 2.0 |\n| **Due** | 2026-03-31 |\n| team | Search |\n";
  auto configured = markdown::parse_epic(text, {false, {}, {"Team"}});
  ASSERT_TRUE(configured.ok()) << diagnostics_text(configured);
  EXPECT_TRUE(configured.diagnostics.empty()) << diagnostics_text(configured);
  const auto& f = configured.epic.stories.at(0).fields;
  ASSERT_EQ(f.size(), 4u);
  EXPECT_EQ(f[0], (model::FieldSetting{"Components", "Component/s", "API, Backend", {4, 17}}));
  EXPECT_EQ(f[1].field, "Fix Versions");
  EXPECT_EQ(f[2].field, "Due Date");
  EXPECT_EQ(f[2].value, "2026-03-31");
  EXPECT_EQ(f[3].field, "Team");
  EXPECT_EQ(f[3].name, "team");

  // Without the configuration a custom name is an unknown field, with a hint to map it.
  auto plain = parse(text);
  EXPECT_EQ(plain.epic.stories.at(0).fields.size(), 3u);
  EXPECT_NE(diagnostics_text(plain).find("unknown field 'team'"), std::string::npos);
  EXPECT_NE(plain.diagnostics.at(0).hint.find("jira.fields"), std::string::npos);
}

TEST(Metadata, ADueDateThatIsNoDateIsAnErrorAtItsValue) {
  auto r = parse("### US-1: T\n| Field | Value |\n|---|---|\n| Due Date | 31/03/2026 |\n");
  EXPECT_EQ(diagnostics_text(r), "4:14 error: Due Date: '31/03/2026' is not a date\n");
  EXPECT_EQ(parse("### US-1: T\n**Due date**: -\n").epic.stories.at(0).fields.at(0).value, "-");
}

TEST(Metadata, TheEpicSummaryTakesTheTableFieldsToo) {
  auto r = parse(
      "# Checkout\n\n## Epic Summary\n| Field | Value |\n|---|---|\n| Fix Versions | 1.0, 2.0 "
      "|\n\n### US-1: T\n");
  ASSERT_EQ(r.epic.fields.size(), 1u);
  EXPECT_EQ(r.epic.fields[0].field, "Fix Versions");
  EXPECT_EQ(r.epic.fields[0].value, "1.0, 2.0");
  EXPECT_TRUE(r.diagnostics.empty()) << diagnostics_text(r);
}

}  // namespace
}  // namespace epicsync::testing
