#include <gtest/gtest.h>

#include "parse_helpers.h"

namespace epicsync::testing {
namespace {

using model::StatusMeaning;

const char* kRich = R"(### US-1: Rich

| Field | Value |
|---|---|
| Points | 2 |

#### Description

**As a** user
**I want** things
**So that** it works

More text with `code` and a [link](https://example.com).

1. first
2. second
   - nested *one*

```cpp
int main() {}
```

| A | B |
|---|---|
| 1 | 2 |

#### Acceptance Criteria

- [x] Done thing
- [ ] Open thing with **bold**

#### Technical Notes

Use the cache.

#### Rollout Plan

Ship behind a flag.

---
)";

TEST(Sections, DescriptionKeepsEveryConstructByteForByte) {
  auto r = parse(kRich);
  const auto& s = r.epic.stories.at(0);
  const std::string expected =
      "**As a** user\n**I want** things\n**So that** it works\n\nMore text with `code` and a "
      "[link](https://example.com).\n\n1. first\n2. second\n   - nested *one*\n\n```cpp\nint "
      "main() {}\n```\n\n| A | B |\n|---|---|\n| 1 | 2 |";
  EXPECT_EQ(s.description, expected);
}

TEST(Sections, CriteriaNotesAndUnknownSectionsInOrder) {
  auto r = parse(kRich);
  const auto& s = r.epic.stories.at(0);
  ASSERT_EQ(s.acceptance_criteria.size(), 2u);
  EXPECT_TRUE(s.acceptance_criteria[0].checked);
  EXPECT_EQ(s.acceptance_criteria[0].text, "Done thing");
  EXPECT_FALSE(s.acceptance_criteria[1].checked);
  EXPECT_EQ(s.acceptance_criteria[1].text, "Open thing with **bold**");
  EXPECT_EQ(s.technical_notes, "Use the cache.");
  ASSERT_EQ(s.description_parts.size(), 3u);
  EXPECT_EQ(s.description_parts[0].kind, model::SectionKind::kAcceptanceCriteria);
  EXPECT_EQ(s.description_parts[2].kind, model::SectionKind::kOther);
  EXPECT_EQ(s.description_parts[2].section.heading, "Rollout Plan");
  EXPECT_EQ(s.description_parts[2].section.markdown, "Ship behind a flag.");
  EXPECT_EQ(diagnostics_text(r),
            "36:1 warning: unknown section 'Rollout Plan' is kept in the description\n");
}

TEST(Sections, ImplicitDescriptionBetweenMetadataAndFirstSection) {
  auto r =
      parse("### US-1: T\n**Points**: 1\n\nFree text.\n\n- a list\n\n#### Subtasks\n- [ ] x\n");
  const auto& s = r.epic.stories.at(0);
  EXPECT_EQ(s.description, "Free text.\n\n- a list");
  EXPECT_EQ(s.subtasks.size(), 1u);
}

TEST(Sections, StoryEndsAtHigherLevelHeading) {
  auto r = parse("## Stories\n### US-1: T\nbody\n## Appendix\nnot the story\n");
  const auto& s = r.epic.stories.at(0);
  EXPECT_EQ(s.description, "body");
  EXPECT_EQ(r.epic.description, "## Appendix\nnot the story");
}

TEST(Sections, DeeperHeadingsAreContent) {
  auto r = parse("### US-1: T\n#### Description\nintro\n##### Detail\nmore\n");
  EXPECT_EQ(r.epic.stories.at(0).description, "intro\n##### Detail\nmore");
}

TEST(Subtasks, TableWithColumnsInAnyOrderAndCase) {
  auto r = parse(
      "### US-1: T\n#### Subtasks\n| STATUS | sp | Task | ID | Key | Details | No |\n"
      "|---|---|---|---|---|---|---|\n"
      "| ✅ Done | 2 | **Guest** form | US-1-01 | PROJ-5 | Email `form` \\| x | 1 |\n"
      "| | | Second | | | | |\n");
  ASSERT_EQ(r.epic.stories.at(0).subtasks.size(), 2u) << diagnostics_text(r);
  const auto& a = r.epic.stories[0].subtasks[0];
  EXPECT_EQ(a.name, "Guest form");
  EXPECT_EQ(a.description, "Email `form` \\| x");
  EXPECT_EQ(a.points, 2.0);
  EXPECT_EQ(a.status->meaning, StatusMeaning::kDone);
  EXPECT_EQ(a.tracker_key, "PROJ-5");
  EXPECT_EQ(a.local_id, "US-1-01");
  EXPECT_EQ(a.number, 1);
  EXPECT_EQ(a.pos.line, 5);
  const auto& b = r.epic.stories[0].subtasks[1];
  EXPECT_EQ(b.name, "Second");
  EXPECT_FALSE(b.points);
  EXPECT_FALSE(b.status);
  EXPECT_FALSE(b.tracker_key);
  EXPECT_TRUE(r.ok());
}

TEST(Subtasks, TaskListForm) {
  auto r = parse(
      "### US-1: T\n#### Tasks\n- [x] Rotation job (3 SP) - Cron job that rotates\n"
      "- [ ] Client reload (2 SP) - Services pick up the secret\n- [ ] Plain-name\n");
  const auto& st = r.epic.stories.at(0).subtasks;
  ASSERT_EQ(st.size(), 3u);
  EXPECT_EQ(st[0].name, "Rotation job");
  EXPECT_EQ(st[0].points, 3.0);
  EXPECT_EQ(st[0].description, "Cron job that rotates");
  EXPECT_EQ(st[0].status->meaning, StatusMeaning::kDone);
  EXPECT_FALSE(st[1].status);
  EXPECT_EQ(st[2].name, "Plain-name");
  EXPECT_FALSE(st[2].points);
}

TEST(Comments, AuthorDateAndBody) {
  auto r = parse(
      "### US-1: T\n#### Comments\n> **@dana** (2025-03-02):\n> Legal asked.\n> Second line.\n\n"
      "> Just a note\n");
  const auto& c = r.epic.stories.at(0).comments;
  ASSERT_EQ(c.size(), 2u);
  EXPECT_EQ(c[0].author, "dana");
  EXPECT_EQ(c[0].date, "2025-03-02");
  EXPECT_EQ(c[0].body, "Legal asked.\nSecond line.");
  EXPECT_EQ(c[1].author, "");
  EXPECT_EQ(c[1].body, "Just a note");
}

TEST(Commits, TableAndList) {
  auto r = parse(
      "### US-1: T\n#### Related Commits\n| Commit | Message |\n|---|---|\n| `a1b2c3d` | feat: x "
      "|\n"
      "\n### US-2: U\n#### Commits\n- `e4f5a6b` fix: y\n");
  ASSERT_EQ(r.epic.stories.at(0).commits.size(), 1u);
  EXPECT_EQ(r.epic.stories[0].commits[0].sha, "a1b2c3d");
  EXPECT_EQ(r.epic.stories[0].commits[0].message, "feat: x");
  ASSERT_EQ(r.epic.stories.at(1).commits.size(), 1u);
  EXPECT_EQ(r.epic.stories[1].commits[0].sha, "e4f5a6b");
  EXPECT_EQ(r.epic.stories[1].commits[0].message, "fix: y");
}

TEST(Links, ListAndTable) {
  auto r = parse(
      "### US-1: T\n#### Links\n- blocks PROJ-7\n- relates to PROJ-9\n\n### US-2: U\n"
      "#### Dependencies\n| Type | Issue |\n|---|---|\n| is blocked by | "
      "[PROJ-3](http://x/browse/PROJ-3) |\n");
  const auto& l = r.epic.stories.at(0).links;
  ASSERT_EQ(l.size(), 2u);
  EXPECT_EQ(l[0].type, "blocks");
  EXPECT_EQ(l[0].target, "PROJ-7");
  EXPECT_EQ(l[1].type, "relates to");
  ASSERT_EQ(r.epic.stories.at(1).links.size(), 1u);
  EXPECT_EQ(r.epic.stories[1].links[0].type, "is blocked by");
  EXPECT_EQ(r.epic.stories[1].links[0].target, "PROJ-3");
}

TEST(Attachments, LinksAndPaths) {
  auto r =
      parse("### US-1: T\n#### Attachments\n- [mockup.png](./att/mockup.png)\n- ./att/spec.pdf\n");
  const auto& a = r.epic.stories.at(0).attachments;
  ASSERT_EQ(a.size(), 2u);
  EXPECT_EQ(a[0].name, "mockup.png");
  EXPECT_EQ(a[0].path, "./att/mockup.png");
  EXPECT_EQ(a[1].name, "spec.pdf");
}

TEST(Document, CrlfAndByteOrderMark) {
  auto r = parse("\xEF\xBB\xBF# Title\r\n\r\n### US-1: T\r\n**Points**: 2\r\n\r\nBody\r\n");
  EXPECT_EQ(r.epic.title, "Title");
  ASSERT_EQ(r.epic.stories.size(), 1u);
  EXPECT_EQ(r.epic.stories[0].points, 2.0);
  EXPECT_EQ(r.epic.stories[0].description, "Body");
  EXPECT_EQ(r.epic.stories[0].pos.line, 3);
}

}  // namespace
}  // namespace epicsync::testing
