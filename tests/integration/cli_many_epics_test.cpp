// Many epics in one run (issue 15, item 4): -m repeated or a folder, one tracker pool shared by
// every epic, each epic with its own lock, lease, backup and journal, one summary, the most
// severe exit code, and a failing epic that does not stop the others. The real binary against
// jira-sim.
#include <gtest/gtest.h>

#include <filesystem>
#include <nlohmann/json.hpp>

#include "support/cli_sim_test.h"

namespace epicsync::testing {
namespace {

using nlohmann::json;
namespace fs = std::filesystem;

class CliManyEpicsTest : public CliSimTest {
 protected:
  CliManyEpicsTest() { no_color_ = true; }
  // Three epics (PROJ-1 is seeded), a file for each in epics/, and a README that is no epic.
  void SetUp() override {
    CliSimTest::SetUp();
    fs::create_directories(dir_ + "/epics");
    epics_ = {"PROJ-1", sim().create_issue("Epic", "Search"), sim().create_issue("Epic", "Cards")};
    const char* names[] = {"checkout", "search", "cards"};
    for (size_t i = 0; i < 3; ++i) {
      write("epics/" + std::string(names[i]) + ".md",
            "# Epic " + std::string(names[i]) +
                "\n\n## Epic Summary\n| Field | Value |\n|---|---|\n"
                "| Epic Key | " +
                epics_[i] + " |\n\n### US-1: First of " + names[i] +
                "\n**Story Points**: 2\n\nOne.\n\n### US-2: Second of " + names[i] +
                "\n**Status**: In Progress\n\nTwo.\n");
    }
    write("epics/README.md", "# How we write epics\n\nNotes.\n");
    sim().clear_log();  // the epics made above are not the run's writes
  }
  std::vector<std::string> epics_;
};

TEST_F(CliManyEpicsTest, AFolderSyncsEveryEpicItNamesWithOneSummary) {
  auto plan = run({"-m", dir_ + "/epics"});
  ASSERT_EQ(plan.exit_code, 0) << plan.out << plan.err;
  for (const auto& e : epics_) {
    EXPECT_NE(plan.out.find("== " + e + "  "), std::string::npos) << plan.out;
  }
  EXPECT_NE(plan.out.find("3 epics: 3 ok"), std::string::npos) << plan.out;
  EXPECT_NE(plan.out.find("skipped " + dir_ + "/epics/README.md: names no Epic Key"),
            std::string::npos)
      << plan.out;
  EXPECT_EQ(writes(), 0) << "a dry run";

  auto refused = run({"-m", dir_ + "/epics", "--execute"});
  EXPECT_EQ(refused.exit_code, 2) << "many epics apply without a prompt only";

  auto applied = run({"-m", dir_ + "/epics", "--execute", "--no-confirm"});
  ASSERT_EQ(applied.exit_code, 0) << applied.out << applied.err;
  EXPECT_EQ(key_of("First of search").empty(), false);
  EXPECT_EQ(key_of("Second of cards").empty(), false);
  EXPECT_EQ(key_of("First of checkout").empty(), false);
  // One backup per epic, as each run alone takes.
  const json listed = json::parse(run({"--list-backups", "-o", "json"}).out);
  EXPECT_EQ(listed["backups"].size(), 3u) << listed.dump();

  sim().clear_log();
  auto again = run({"-m", dir_ + "/epics", "--execute", "--no-confirm"});
  EXPECT_EQ(again.exit_code, 0) << again.out << again.err;
  EXPECT_EQ(writes(), 0) << "every epic in step: nothing written";
}

// Conflicts (10) say everything else was applied: an epic that failed outright outranks them,
// though its code is lower.
TEST_F(CliManyEpicsTest, AnEpicThatFailedOutranksAnotherEpicsConflicts) {
  ASSERT_EQ(run({"-m", dir_ + "/epics/search.md", "--execute", "--no-confirm"}).exit_code, 0);
  ASSERT_EQ(sim()
                .edit_as_other(key_of("First of search"),
                               {{"fields", {{"summary", "First of search, renamed"}}}})
                .status,
            200);
  auto alone = run({"-m", dir_ + "/epics/search.md"});
  EXPECT_EQ(alone.exit_code, 10) << alone.out << alone.err;
  write("gone.md",
        "# Gone\n\n## Epic Summary\n| Field | Value |\n|---|---|\n"
        "| Epic Key | PROJ-404 |\n\n### US-1: Lost\n");
  auto r = run({"-m", dir_ + "/epics/search.md", "-m", dir_ + "/gone.md"});
  EXPECT_EQ(r.exit_code, 7) << r.out << r.err;
}

TEST_F(CliManyEpicsTest, AFailingEpicDoesNotStopTheOthersAndSetsTheExitCode) {
  write("gone.md",
        "# Gone\n\n## Epic Summary\n| Field | Value |\n|---|---|\n"
        "| Epic Key | PROJ-404 |\n\n### US-1: Lost\n");
  auto r = run({"-m", dir_ + "/epics/search.md", "-m", dir_ + "/gone.md", "-m",
                dir_ + "/epics/cards.md", "--execute", "--no-confirm", "-o", "json"});
  EXPECT_EQ(r.exit_code, 7) << r.out << r.err;
  const json doc = json::parse(r.out, nullptr, false);
  ASSERT_TRUE(doc.is_object()) << r.out;
  EXPECT_EQ(doc["mode"], "many");
  EXPECT_FALSE(doc["ok"].get<bool>());
  ASSERT_EQ(doc["epics"].size(), 3u);
  EXPECT_EQ(doc["epics"][0]["exit_code"], 0);
  EXPECT_EQ(doc["epics"][1]["epic"], "PROJ-404");
  EXPECT_EQ(doc["epics"][1]["exit_code"], 7);
  EXPECT_EQ(doc["epics"][1]["result"]["error"]["kind"], "not_found");
  EXPECT_EQ(doc["epics"][2]["result"]["mode"], "execute");
  EXPECT_EQ(key_of("First of cards").empty(), false) << "the epic after the failing one ran";

  // The same file twice (or through its folder too) runs once; two files for one epic would
  // undo each other: refused before anything.
  auto same = run({"-m", dir_ + "/epics/cards.md", "-m", dir_ + "/epics/../epics/cards.md"});
  EXPECT_EQ(same.exit_code, 0) << same.out << same.err;
  EXPECT_NE(same.out.find("1 epic: 1 ok"), std::string::npos) << same.out;
  write("copy.md", read(dir_ + "/epics/cards.md"));
  auto twice = run({"-m", dir_ + "/epics/cards.md", "-m", dir_ + "/copy.md"});
  EXPECT_EQ(twice.exit_code, 2) << twice.out << twice.err;
  // In a folder, a file with a broken Epic Key is an error, not a file to skip.
  write("epics/typo.md",
        "# Typo\n\n## Epic Summary\n| Field | Value |\n|---|---|\n"
        "| Epic Key | proj-9 |\n\n### US-1: T\n");
  auto typo = run({"-m", dir_ + "/epics"});
  EXPECT_EQ(typo.exit_code, 6) << typo.out << typo.err;
  EXPECT_NE(typo.err.find("typo.md:6:14: Epic Key 'proj-9' is not a tracker key"),
            std::string::npos)
      << typo.err;
  // --story takes, in each file, the stories it has.
  auto one_story = run({"-m", dir_ + "/epics/cards.md", "-m", dir_ + "/epics/search.md", "--story",
                        "US-2", "-o", "json"});
  EXPECT_NE(one_story.exit_code, 2) << one_story.out << one_story.err;
  EXPECT_EQ(run({"-m", dir_ + "/epics", "--story", "US-77"}).exit_code, 2);
  EXPECT_EQ(run({"-m", dir_ + "/epics", "-e", "PROJ-1"}).exit_code, 2);
}

}  // namespace
}  // namespace epicsync::testing
