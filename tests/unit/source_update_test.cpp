#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "parse_helpers.h"
#include "source_update.h"

namespace epicsync::testing {
namespace {

std::string updated(const std::string& text, const std::map<std::string, std::string>& keys) {
  return markdown::with_tracker_keys(text, parse(text).epic, keys);
}

TEST(SourceUpdate, EachMetadataStyleGetsTheKeyItsOwnWay) {
  const std::string text =
      "# Epic\n\n### A-1: Table\n| Field | Value |\n|---|---|\n| Points | 3 |\n\nBody A.\n\n"
      "### B-2: Bold\n**Points**: 2\n**Status**: Done\n\nBody B.\n\n"
      "### C-3: Quote\n> **Points**: 1\n\n### D-4: Bare\nBody D.\n";
  const std::string out =
      updated(text, {{"A-1", "P-10"}, {"B-2", "P-11"}, {"C-3", "P-12"}, {"D-4", "P-13"}});
  EXPECT_EQ(out,
            "# Epic\n\n### A-1: Table\n| Field | Value |\n|---|---|\n| Points | 3 |\n"
            "| **Issue** | P-10 |\n\nBody A.\n\n"
            "### B-2: Bold\n**Points**: 2\n**Status**: Done\n**Issue**: P-11\n\nBody B.\n\n"
            "### C-3: Quote\n> **Points**: 1\n> **Issue**: P-12\n\n"
            "### D-4: Bare\n\n**Issue**: P-13\n\nBody D.\n");
  // And the file now pins every story, with nothing else changed in the model.
  auto before = parse(text), after = parse(out);
  ASSERT_TRUE(after.ok()) << diagnostics_text(after);
  for (size_t i = 0; i < after.epic.stories.size(); ++i) {
    EXPECT_TRUE(after.epic.stories[i].tracker_key) << i;
    EXPECT_EQ(after.epic.stories[i].points, before.epic.stories[i].points);
    EXPECT_EQ(after.epic.stories[i].description, before.epic.stories[i].description);
  }
}

TEST(SourceUpdate, AnExistingKeyIsUpdatedInPlaceAndOthersAreLeftAlone) {
  const std::string text = "### A-1: T\n**Issue**: [P-1](https://x/browse/P-1)\n\n### B-2: U\nx\n";
  EXPECT_EQ(updated(text, {{"A-1", "P-1"}}), text) << "already right: not a byte changes";
  EXPECT_EQ(updated(text, {{"A-1", "P-9"}}),
            "### A-1: T\n**Issue**: [P-9](https://x/browse/P-1)\n\n### B-2: U\nx\n");
  EXPECT_EQ(updated(text, {}), text);
}

TEST(SourceUpdate, KeepsWindowsLineEndings) {
  const std::string text = "### A-1: T\r\n**Points**: 2\r\n\r\nBody\r\n";
  EXPECT_EQ(updated(text, {{"A-1", "P-5"}}),
            "### A-1: T\r\n**Points**: 2\r\n**Issue**: P-5\r\n\r\nBody\r\n");
}

TEST(SourceUpdate, TheExampleEpicsKeepEveryOtherByte) {
  for (const char* name : {"checkout.md", "mixed-formats.md"}) {
    std::ifstream in(std::string(FIXTURES_DIR) + "/epics/" + name, std::ios::binary);
    const std::string text((std::istreambuf_iterator<char>(in)), {});
    auto epic = parse(text).epic;
    std::map<std::string, std::string> keys;
    int n = 100;
    for (const auto& s : epic.stories) keys[s.id] = "PROJ-" + std::to_string(n++);
    const std::string out = markdown::with_tracker_keys(text, epic, keys);
    // Removing the added lines gives the original back exactly.
    std::string stripped;
    std::istringstream lines(out);
    for (std::string line; std::getline(lines, line);) {
      if (line.find("**Issue**") == std::string::npos) stripped += line + "\n";
    }
    EXPECT_EQ(stripped, text) << name;
    auto reparsed = parse(out);
    ASSERT_TRUE(reparsed.ok()) << name << diagnostics_text(reparsed);
    for (const auto& s : reparsed.epic.stories) EXPECT_EQ(s.tracker_key, keys[s.id]) << s.id;
  }
}

TEST(SourceUpdate, SubtaskKeysGoIntoTheKeyColumnAddedWhenTheTableHasNone) {
  const std::string text =
      "### A-1: T\nx\n\n#### Subtasks\n| # | Task | SP |\n|---|---|---|\n| 1 | Form | 2 |\n"
      "| 2 | Pay | |\n| 3 | Mail |\n\n### B-2: U\n#### Subtasks\n| Task | Key | SP |\n"
      "|:--|---|--:|\n| Index | | 1 |\n| Rank | P-9 | 2 |\n";
  const auto epic = parse(text).epic;
  const std::string out = markdown::with_tracker_keys(
      text, epic, {},
      {{{"A-1", 0}, "P-20"}, {{"A-1", 2}, "P-22"}, {{"B-2", 0}, "P-30"}, {{"B-2", 1}, "P-99"}});
  EXPECT_EQ(out,
            "### A-1: T\nx\n\n#### Subtasks\n| # | Task | SP | Key |\n|---|---|---| --- |\n"
            "| 1 | Form | 2 | P-20 |\n| 2 | Pay | |\n| 3 | Mail | | P-22 |\n\n### B-2: U\n"
            "#### Subtasks\n| Task | Key | SP |\n|:--|---|--:|\n| Index | P-30 | 1 |\n"
            "| Rank | P-9 | 2 |\n")
      << "a row already pinned keeps its key";
  auto reparsed = parse(out);
  ASSERT_TRUE(reparsed.ok()) << diagnostics_text(reparsed);
  const auto& a = reparsed.epic.stories[0].subtasks;
  ASSERT_EQ(a.size(), 3u);
  EXPECT_EQ(a[0].tracker_key, "P-20");
  EXPECT_EQ(a[0].points, 2.0);
  EXPECT_FALSE(a[1].tracker_key);
  EXPECT_EQ(a[2].tracker_key, "P-22");
  EXPECT_EQ(a[2].name, "Mail");
  EXPECT_EQ(reparsed.epic.stories[1].subtasks[0].tracker_key, "P-30");
}

TEST(SourceUpdate, ATaskListItemGetsATrailingKeyThatReadsBack) {
  const std::string text =
      "### A-1: T\n#### Subtasks\n- [ ] Form (2 SP) - the `guest` form\n- [x] Pay\n"
      "- [ ] Mail - send it - twice\n";
  const auto epic = parse(text).epic;
  const std::string out = markdown::with_tracker_keys(
      text, epic, {}, {{{"A-1", 0}, "P-20"}, {{"A-1", 1}, "P-21"}, {{"A-1", 2}, "P-22"}});
  EXPECT_EQ(out,
            "### A-1: T\n#### Subtasks\n- [ ] Form (2 SP) (P-20) - the `guest` form\n"
            "- [x] Pay (P-21)\n- [ ] Mail (P-22) - send it - twice\n");
  auto reparsed = parse(out);
  ASSERT_TRUE(reparsed.ok()) << diagnostics_text(reparsed);
  const auto& subs = reparsed.epic.stories[0].subtasks;
  ASSERT_EQ(subs.size(), 3u);
  for (size_t i = 0; i < subs.size(); ++i) {
    EXPECT_EQ(subs[i].name, epic.stories[0].subtasks[i].name) << i;
    EXPECT_EQ(subs[i].description, epic.stories[0].subtasks[i].description) << i;
    EXPECT_EQ(subs[i].points, epic.stories[0].subtasks[i].points) << i;
  }
  EXPECT_EQ(subs[0].tracker_key, "P-20");
  EXPECT_EQ(subs[1].tracker_key, "P-21");
  EXPECT_EQ(subs[2].tracker_key, "P-22");
  // Written the other way round, the key and the points still read.
  auto other = parse("### A-1: T\n#### Subtasks\n- [ ] Form (P-7) (3 SP)\n").epic;
  EXPECT_EQ(other.stories[0].subtasks[0].tracker_key, "P-7");
  EXPECT_EQ(other.stories[0].subtasks[0].points, 3.0);
  EXPECT_EQ(other.stories[0].subtasks[0].name, "Form");
}

// Only a key of the epic's project pins an item: "(UTF-8)" at the end of a name stays a name.
TEST(SourceUpdate, ATrailingKeyOfAnotherProjectIsPartOfTheName) {
  const std::string text = "### A-1: T\n#### Subtasks\n- [ ] Support (UTF-8)\n- [ ] Form (P-7)\n";
  auto r = markdown::parse_epic(text, {false, "P", {}});
  ASSERT_TRUE(r.ok()) << diagnostics_text(r);
  const auto& subs = r.epic.stories[0].subtasks;
  EXPECT_EQ(subs[0].name, "Support (UTF-8)");
  EXPECT_FALSE(subs[0].tracker_key);
  EXPECT_EQ(subs[1].tracker_key, "P-7");
  // Without --epic, the file's Epic Key names the project.
  auto from_file = parse(
      "# E\n\n## Epic Summary\n\n| Field | Value |\n|---|---|\n"
      "| Epic Key | P-1 |\n\n" +
      text);
  EXPECT_EQ(from_file.epic.stories[0].subtasks[0].name, "Support (UTF-8)");
  EXPECT_EQ(from_file.epic.stories[0].subtasks[1].tracker_key, "P-7");
}

}  // namespace
}  // namespace epicsync::testing
