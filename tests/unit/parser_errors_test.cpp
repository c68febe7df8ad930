#include <gtest/gtest.h>

#include "parse_helpers.h"

namespace epicsync::testing {
namespace {

TEST(Errors, InvalidUtf8PointsAtTheByte) {
  auto r = parse("### US-1: T\nok line\nbad \xC3\x28 here\n");
  EXPECT_EQ(diagnostics_text(r), "3:5 error: the file is not valid UTF-8\n");
  EXPECT_FALSE(r.ok());
}

TEST(Errors, OverlongAndSurrogateAreInvalid) {
  EXPECT_FALSE(parse("### US-1: T\n\xC0\xAF\n").ok());
  EXPECT_FALSE(parse("### US-1: T\n\xED\xA0\x80\n").ok());
  EXPECT_FALSE(parse("### US-1: T\n\xF4\x90\x80\x80\n").ok());
  EXPECT_FALSE(parse("### US-1: T\n\xE2\x82").ok());
}

TEST(Errors, EmptyAndBlankFiles) {
  EXPECT_EQ(diagnostics_text(parse("")), "1:1 error: the file is empty\n");
  EXPECT_EQ(diagnostics_text(parse(" \n\n\t\n")), "1:1 error: the file is empty\n");
}

TEST(Errors, DuplicateStoryIdNamesBothLines) {
  auto r = parse("### US-1: A\n\n### US-1: B\n");
  EXPECT_EQ(diagnostics_text(r), "3:1 error: duplicate story id US-1 (first at line 1)\n");
}

TEST(Errors, TrackerKeyPinnedTwice) {
  auto r = parse(
      "### US-1: A\n**Issue**: PROJ-5\n\n### US-2: B\n#### Subtasks\n| Task | Key |\n|---|---|\n"
      "| x | PROJ-5 |\n");
  EXPECT_EQ(diagnostics_text(r),
            "8:1 error: tracker key PROJ-5 is pinned twice (also at line 2)\n");
}

// Issue 13, item 5: headings meant as stories but written otherwise are warned about, with the
// line and the heading as it should be written; they are not guessed into stories.
TEST(Errors, NearMissStoryHeadingsAreWarnedAboutWithTheFix) {
  auto r = parse(
      "# Epic\n\n### US-001: Real\n\nText.\n\n### US-002 - Login\n\n### [US-003] Reset\n\n"
      "## Story 4: Remember me\n\n### US-005 \xE2\x80\x93 Dash\n\n## User Stories\n\n"
      "### Notes on PROJ-12\n\n## Story Map\n\n### US-006: Last\n\n#### Story Points\n");
  EXPECT_EQ(r.epic.stories.size(), 2u);
  EXPECT_EQ(diagnostics_text(r),
            "7:1 warning: heading 'US-002 - Login' looks like a story but is not one\n"
            "9:1 warning: heading '[US-003] Reset' looks like a story but is not one\n"
            "11:1 warning: heading 'Story 4: Remember me' looks like a story but is not one\n"
            "13:1 warning: heading 'US-005 \xE2\x80\x93 Dash' looks like a story but is not "
            "one\n"
            "17:1 warning: section 'Notes on PROJ-12' after the stories is part of the epic "
            "description\n"
            "19:1 warning: section 'Story Map' after the stories is part of the epic "
            "description\n"
            "23:1 warning: unknown section 'Story Points' is kept in the description\n");
  ASSERT_EQ(r.diagnostics.size(), 7u);
  EXPECT_EQ(r.diagnostics[0].hint,
            "a story heading is its id, a colon and the title: '### US-002: Login'");
  EXPECT_EQ(r.diagnostics[1].hint,
            "a story heading is its id, a colon and the title: '### US-003: Reset'");
  EXPECT_EQ(r.diagnostics[2].hint,
            "a story heading is its id, a colon and the title: '## US-004: Remember me'");
  EXPECT_EQ(r.diagnostics[3].hint,
            "a story heading is its id, a colon and the title: '### US-005: Dash'");
  EXPECT_TRUE(r.ok()) << "warnings, not errors";
}

// Issue 13, item 8: Jira's limits are found by --validate, pointing at the value, not by a
// create that fails at execute.
TEST(Errors, JirasLimitsAreCheckedUpFrontPointingAtTheValue) {
  const std::string long_title(256, 'x');
  const std::string long_name = std::string(300, 'n');
  auto r = parse("### US-1: " + long_title + "\n\n#### Subtasks\n\n| Task |\n|---|\n| " +
                 long_name + " |\n\n### US-2: \xC3\xA9" + std::string(254, 'e') + "\n");
  EXPECT_EQ(diagnostics_text(r),
            "1:11 error: story US-1: the title is 256 characters; Jira's summary takes at most "
            "255\n"
            "7:3 error: sub-task of US-1: the name is 300 characters; Jira's summary takes at "
            "most 255\n");
  EXPECT_FALSE(r.ok());
  EXPECT_EQ(r.epic.stories.size(), 2u) << "255 characters (256 bytes) is within the limit";

  std::string big = "### US-3: Big\n\n#### Description\n\n";
  for (int i = 0; i < 700; ++i) big += "A line of the description that goes on for a while.\n";
  auto d = parse(big);
  ASSERT_EQ(d.diagnostics.size(), 1u) << diagnostics_text(d);
  EXPECT_EQ(d.diagnostics[0].pos.line, 3);
  EXPECT_NE(d.diagnostics[0].message.find("Jira takes at most 32,767"), std::string::npos);
  std::string fits = "### US-4: Fits\n\n#### Description\n\n";
  for (int i = 0; i < 600; ++i) fits += "A line of the description that goes on for a while.\n";
  EXPECT_TRUE(parse(fits).diagnostics.empty()) << diagnostics_text(parse(fits));
}

TEST(Errors, HeadingWithIdButNoTitle) {
  auto r = parse("### BAD-3:\n");
  EXPECT_EQ(diagnostics_text(r), "1:1 error: story BAD-3 has no title\n");
}

TEST(Errors, ValuesThatCannotBeUnderstood) {
  auto r = parse(
      "### US-1: T\n| Field | Value |\n|---|---|\n| Story Points | lots |\n| Status | Sleeping |\n"
      "| Priority | Urgent-ish |\n| Labels | two words |\n| Issue | not-a-key |\n| Points | -1 "
      "|\n");
  EXPECT_EQ(diagnostics_text(r),
            "4:18 error: Story Points: 'lots' is not a number of points\n"
            "6:14 error: unknown priority 'Urgent-ish'\n"
            "7:12 error: labels cannot contain blanks: 'two words'\n"
            "8:11 error: 'not-a-key' is not a tracker key\n"
            "9:12 error: Points: '-1' is not a number of points\n");
}

// A status word that is none of the five meanings names a status of the team's workflow: the
// parser cannot check it (the plan does, against the tracker), so it is no error here.
TEST(Errors, AStatusOfTheTeamsOwnWorkflowIsNoError) {
  auto r = parse(
      "### US-1: T\n| Field | Value |\n|---|---|\n| Status | 🚧 Blocked |\n\n#### Subtasks\n"
      "| Task | Status |\n|---|---|\n| Form | In QA |\n| Pay | Done |\n");
  ASSERT_TRUE(r.ok()) << diagnostics_text(r);
  ASSERT_TRUE(r.epic.stories[0].status);
  EXPECT_EQ(r.epic.stories[0].status->named, "Blocked");
  EXPECT_EQ(r.epic.stories[0].status->pos.column, 12) << "points at the value";
  EXPECT_EQ(r.epic.stories[0].subtasks[0].status->named, "In QA");
  EXPECT_FALSE(r.epic.stories[0].subtasks[1].status->by_name());
}

TEST(Errors, EveryErrorHasAHint) {
  auto r = parse("### US-1: T\n**Points**: lots\n### US-1:\n");
  ASSERT_FALSE(r.diagnostics.empty());
  for (const auto& d : r.diagnostics) EXPECT_FALSE(d.hint.empty()) << d.message;
}

TEST(Errors, SubtaskTableWithoutNameColumn) {
  auto r =
      parse("### US-1: T\n#### Subtasks\n| # | Description | SP |\n|---|---|---|\n| 1 | d | 1 |\n");
  EXPECT_EQ(diagnostics_text(r), "3:1 error: subtasks table has no name column\n");
  EXPECT_TRUE(r.epic.stories.at(0).subtasks.empty());
}

TEST(Errors, SubtaskRowWithEmptyNameReportsItsLine) {
  auto r = parse(
      "### US-1: T\n#### Subtasks\n| Task | SP |\n|---|---|\n| ok | 1 |\n|  | 2 |\n| bad | x |\n");
  EXPECT_EQ(diagnostics_text(r),
            "6:1 error: subtask row has an empty name\n"
            "7:9 error: subtask points 'x' is not a number\n");
  EXPECT_EQ(r.epic.stories.at(0).subtasks.size(), 1u);
}

TEST(Warnings, NoStoriesAndStrictMode) {
  auto r = parse("# Just a title\n\nSome text.\n");
  EXPECT_EQ(diagnostics_text(r), "1:1 warning: no stories found\n");
  EXPECT_TRUE(r.ok());
  auto strict = parse("# Just a title\n\nSome text.\n", /*strict=*/true);
  EXPECT_FALSE(strict.ok());
  EXPECT_EQ(count_errors(strict), 1);
}

TEST(Warnings, UnderstoodNothingInASectionIsReported) {
  auto r = parse("### US-1: T\n#### Comments\nnot quoted\n");
  EXPECT_EQ(count_warnings(r), 1);
  EXPECT_TRUE(r.epic.stories.at(0).comments.empty());
}

TEST(Robustness, PathologicalInputsDoNotCrash) {
  std::string deep(5000, '>');
  EXPECT_NO_FATAL_FAILURE(parse(deep + " ### US-1: x\n"));
  std::string many;
  for (int i = 0; i < 2000; ++i) many += "```\n### US-" + std::to_string(i) + ": x\n";
  auto r = parse(many);
  EXPECT_EQ(r.epic.stories.size(), 1000u);
  std::string nul("### US-1: T\n\0body\n", 19);
  EXPECT_TRUE(parse(nul).ok());
}

}  // namespace
}  // namespace epicsync::testing
