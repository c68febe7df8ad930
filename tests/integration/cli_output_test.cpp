// Output that reads as a person writes it (issue 18, item 5): plurals, the past tense after an
// execute, new sub-tasks inside their story's block, -q for rollback and restore, long lists cut
// with "and N more" while JSON keeps them all.

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "support/cli_sim_test.h"
#include "support/cmark_shape.h"
#include "support/managed_state.h"

namespace epicsync::testing {
namespace {

using nlohmann::json;

class CliOutputTest : public CliSimTest {
 protected:
  CliOutputTest() { no_color_ = true; }
  ProcessResult sync(const std::string& file) {
    return run({"-m", file, "-e", "PROJ-1", "--execute", "--no-confirm"});
  }
  static std::vector<std::string> lines(const std::string& text) {
    std::vector<std::string> out;
    std::istringstream in(text);
    for (std::string l; std::getline(in, l);) out.push_back(l);
    return out;
  }
};

TEST_F(CliOutputTest, TheSyncSummaryIsInThePastTenseWithPlurals) {
  auto first = sync(fixture("checkout.md"));
  ASSERT_EQ(first.exit_code, 0) << first.out << first.err;
  // The epic itself is updated (title, description, priority) and moved to In Progress.
  EXPECT_NE(first.out.find("Synced PROJ-1: 23 of 23 operations applied: created 3 stories and 8 "
                           "sub-tasks, updated 1 issue, made 8 transitions, posted 3 comments\n"),
            std::string::npos)
      << first.out;

  const std::string one = write("one.md",
                                "# Demo epic\n\n### US-1: Only story\n\n**Story Points**: 2\n\n"
                                "#### Description\n\nOne.\n");
  // A fresh tracker and no journals of the first run (whose issues would be waited for).
  sim().reset(/*seed=*/true);
  std::filesystem::remove_all(backups());
  auto single = sync(one);
  ASSERT_EQ(single.exit_code, 0) << single.out << single.err;
  EXPECT_NE(single.out.find("Synced PROJ-1: 1 of 1 operation applied: created 1 story\n"),
            std::string::npos)
      << single.out;
  EXPECT_EQ(single.out.find("1 stories"), std::string::npos) << single.out;
}

TEST_F(CliOutputTest, ANewSubtaskOfAnExistingStoryIsShownInsideItsStorysBlock) {
  ASSERT_EQ(sync(fixture("checkout.md")).exit_code, 0);
  const std::string guest = key_of("Guest checkout");
  std::string text = read(fixture("checkout.md"));
  const std::string row = "| 1 | Guest form | Email and address form with inline validation | 2 |";
  const auto at = text.find(row);
  ASSERT_NE(at, std::string::npos);
  const auto end = text.find('\n', at);
  text.insert(end + 1, "| 9 | Guest survey | Ask why they skipped the account | 1 | 📋 Planned |\n");
  auto plan = run({"-m", write("v2.md", text), "-e", "PROJ-1"});
  ASSERT_EQ(plan.exit_code, 0) << plan.out << plan.err;
  const auto all = lines(plan.out);
  size_t header = all.size(), added = all.size();
  for (size_t i = 0; i < all.size(); ++i) {
    if (all[i].rfind(guest + "  ", 0) == 0) header = i;
    if (all[i] == "  + Guest survey (NEW)") added = i;
  }
  ASSERT_LT(header, all.size()) << "the story's own block\n" << plan.out;
  ASSERT_LT(added, all.size()) << plan.out;
  EXPECT_GT(added, header) << plan.out;
  // Nothing but the story's own lines between its header and the new sub-task.
  for (size_t i = header + 1; i < added; ++i) {
    EXPECT_EQ(all[i].rfind("  ", 0), 0u) << "another block began before it:\n" << plan.out;
  }
}

TEST_F(CliOutputTest, QuietRollbackAndRestorePrintTheSummaryAndProblemsOnly) {
  ASSERT_EQ(sync(fixture("checkout.md")).exit_code, 0);
  auto preview = run({"--rollback", "-e", "PROJ-1", "-q"});
  ASSERT_EQ(preview.exit_code, 0) << preview.out << preview.err;
  ASSERT_EQ(lines(preview.out).size(), 1u) << preview.out;
  EXPECT_EQ(preview.out.rfind("Preview of the rollback to backup backup_", 0), 0u) << preview.out;
  EXPECT_NE(preview.out.find("8 sub-tasks deleted, 3 stories deleted"), std::string::npos)
      << preview.out;
  EXPECT_NE(preview.out.find("nothing was changed"), std::string::npos) << preview.out;

  // The full preview, for comparison, lists every issue.
  auto full = run({"--rollback", "-e", "PROJ-1"});
  EXPECT_GT(lines(full.out).size(), 10u) << full.out;

  auto undone = run({"--rollback", "-e", "PROJ-1", "--execute", "--no-confirm", "-q"});
  ASSERT_EQ(undone.exit_code, 0) << undone.out << undone.err;
  EXPECT_EQ(undone.out.rfind("Rolled back PROJ-1 to backup backup_", 0), 0u) << undone.out;
  EXPECT_EQ(undone.out.find("delete story"), std::string::npos) << "no plan listing\n"
                                                                << undone.out;
  EXPECT_NE(undone.out.find("Undo it with: epicsync --restore-backup"), std::string::npos)
      << undone.out;
  EXPECT_EQ(undone.out.find(" 0 "), std::string::npos) << "no row of zeros\n" << undone.out;
}

TEST_F(CliOutputTest, LongProblemListsAreCutWithAndNMoreWhileJsonListsThemAll) {
  std::string text = "# Epic\n\n";
  for (int i = 1; i <= 25; ++i) {
    text += "### US-" + std::to_string(i) + ": Story " + std::to_string(i) +
            "\n\n**Story Points**: lots\n\n";
  }
  const std::string file = write("bad.md", text);
  auto r = run({"--validate", "-m", file});
  EXPECT_EQ(r.exit_code, 6) << r.out << r.err;
  size_t shown = 0;
  for (const auto& l : lines(r.out)) shown += l.find(": error: ") != std::string::npos;
  EXPECT_EQ(shown, 20u) << r.out;
  EXPECT_NE(r.out.find("… and 5 more (--output json lists them all)"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("invalid: 25 errors"), std::string::npos) << r.out;

  auto j = run({"--validate", "-m", file, "-o", "json"});
  EXPECT_EQ(json::parse(j.out)["diagnostics"].size(), 25u);
}

// Issue 13, item 6: --epic must name an epic. A story's key is refused (exit 7) before any backup
// or write; a file whose Epic Key differs from --epic is synced to --epic, with a warning.
TEST_F(CliOutputTest, AStoryKeyAsTheEpicIsRefusedBeforeAnyBackupOrWrite) {
  ASSERT_EQ(sync(fixture("checkout.md")).exit_code, 0);
  const std::string story = key_of("Guest checkout");
  std::filesystem::remove_all(backups());
  sim().clear_log();
  for (const bool execute : {false, true}) {
    std::vector<std::string> args = {"-m", fixture("checkout.md"), "-e", story};
    if (execute) args.insert(args.end(), {"--execute", "--no-confirm"});
    auto r = run(args);
    EXPECT_EQ(r.exit_code, 7) << r.out << r.err;
    EXPECT_NE(r.err.find(story + " is a Story, not an epic"), std::string::npos) << r.err;
  }
  EXPECT_EQ(writes(), 0);
  // The run's lock file may be there; no backup is.
  if (std::filesystem::exists(backups())) {
    for (const auto& e : std::filesystem::recursive_directory_iterator(backups())) {
      EXPECT_EQ(e.path().filename().string().rfind("backup_", 0), std::string::npos)
          << "a backup was taken: " << e.path();
    }
  }
}

TEST_F(CliOutputTest, AnEpicKeyInTheFileThatDiffersFromEpicIsNamedNotIgnored) {
  std::string text = read(fixture("checkout.md"));
  const std::string row = "| **Epic Name** | Checkout Revamp |\n";
  ASSERT_NE(text.find(row), std::string::npos);
  text.insert(text.find(row) + row.size(), "| **Epic Key** | PROJ-9 |\n");
  const std::string file = write("other.md", text);
  auto r = run({"-m", file, "-e", "PROJ-1"});
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_NE(r.err.find("names PROJ-9 as its epic (Epic Key); syncing PROJ-1 as --epic says"),
            std::string::npos)
      << r.err;
  auto quiet = run({"-m", file, "-e", "PROJ-1", "-q"});
  EXPECT_EQ(quiet.err.find("names PROJ-9"), std::string::npos) << quiet.err;
}

// -o markdown (issue 15, item 3): a dry run, a diff and a rollback preview read as a pull request
// comment, the same every time for the same plan, and never for an --execute.
TEST_F(CliOutputTest, MarkdownForReviewIsStableAndOnlyForPreviews) {
  const std::string file = fixture("checkout.md");
  auto plan = run({"-m", file, "-e", "PROJ-1", "-o", "markdown"});
  ASSERT_EQ(plan.exit_code, 0) << plan.out << plan.err;
  EXPECT_EQ(plan.out.rfind("### epicsync: plan for PROJ-1 from ", 0), 0u) << plan.out;
  EXPECT_NE(plan.out.find("| stories to create | 3 |"), std::string::npos) << plan.out;
  EXPECT_NE(plan.out.find("<summary>+ SHOP-101: Guest checkout (NEW) (9 changes)</summary>"),
            std::string::npos)
      << plan.out;
  EXPECT_NE(plan.out.find("- \\+ Guest form (NEW)"), std::string::npos) << "not a nested list";
  EXPECT_NE(plan.out.find("```diff\n@@"), std::string::npos) << "the epic's description";
  EXPECT_EQ(plan.out.find("\x1b["), std::string::npos) << "no terminal colours";
  auto again = run({"-m", file, "-e", "PROJ-1", "-o", "markdown"});
  EXPECT_EQ(again.out, plan.out) << "the same plan renders the same comment";
  // As GFM reads it: the heading, the counts table intact, and every block (details, lists, the
  // diff's code block) where it belongs.
  size_t tables = 0, html = 0, code = 0;
  for (const auto& [type, first, last] : whole_document_shape(plan.out)) {
    // The table is an extension's node: a type that is none of CommonMark's blocks.
    tables += type != CMARK_NODE_HEADING && type != CMARK_NODE_PARAGRAPH &&
              type != CMARK_NODE_HTML_BLOCK && type != CMARK_NODE_CODE_BLOCK &&
              type != CMARK_NODE_LIST && type != CMARK_NODE_BLOCK_QUOTE &&
              type != CMARK_NODE_THEMATIC_BREAK;
    html += type == CMARK_NODE_HTML_BLOCK;
    code += type == CMARK_NODE_CODE_BLOCK;
    (void)first;
    (void)last;
  }
  EXPECT_EQ(tables, 1u) << "the counts";
  EXPECT_EQ(html, 2u * 4u) << "<details><summary> and </details> for the epic and 3 stories";
  EXPECT_EQ(code, 1u) << "the epic's description diff";

  auto refused = run({"-m", file, "-e", "PROJ-1", "-o", "markdown", "-x", "--no-confirm"});
  EXPECT_EQ(refused.exit_code, 2) << refused.out << refused.err;
  EXPECT_EQ(run({"--list-backups", "-o", "markdown"}).exit_code, 2);

  ASSERT_EQ(sync(file).exit_code, 0);
  auto diff = run({"--diff-latest", "-e", "PROJ-1", "-o", "markdown"});
  ASSERT_EQ(diff.exit_code, 0) << diff.out << diff.err;
  EXPECT_NE(diff.out.find("| stories added | 3 |"), std::string::npos) << diff.out;
  EXPECT_NE(diff.out.find("- Summary: Demo epic → Checkout Revamp"), std::string::npos) << diff.out;
  auto undo = run({"--rollback", "-e", "PROJ-1", "-o", "markdown"});
  ASSERT_EQ(undo.exit_code, 0) << undo.out << undo.err;
  EXPECT_NE(undo.out.find("### epicsync: rollback of PROJ-1 to backup "), std::string::npos)
      << undo.out;
  EXPECT_NE(undo.out.find("```text\nPROJ-1  Checkout Revamp\n  restore Summary"), std::string::npos)
      << undo.out;

  auto same = run({"-m", file, "-e", "PROJ-1", "-o", "markdown"});
  EXPECT_NE(same.out.find("is in step with"), std::string::npos) << same.out;
}

}  // namespace
}  // namespace epicsync::testing
