#include <gtest/gtest.h>

#include "description.h"
#include "parse_helpers.h"

namespace epicsync::testing {
namespace {

TEST(ComposeDescription, KeepsEveryPartInOrderUnderHeadings) {
  auto r = parse(
      "### US-1: T\n#### Description\nIntro.\n\n#### Acceptance Criteria\n- [x] a\n- [ ] b\n\n"
      "#### Technical Notes\nNotes.\n\n#### Risks\n1. one\n");
  EXPECT_EQ(markdown::compose_description(r.epic.stories.at(0)),
            "Intro.\n\n### Acceptance Criteria\n\n- [x] a\n- [ ] b\n\n### Technical Notes\n\n"
            "Notes.\n\n### Risks\n\n1. one");
}

TEST(ComposeDescription, SectionsNotInTheDescriptionStayOut) {
  auto r = parse(
      "### US-1: T\nIntro.\n#### Subtasks\n- [ ] x\n#### Comments\n> **@a** (1):\n> hi\n"
      "#### Related Commits\n- `abc` m\n");
  EXPECT_EQ(markdown::compose_description(r.epic.stories.at(0)), "Intro.");
}

}  // namespace
}  // namespace epicsync::testing
