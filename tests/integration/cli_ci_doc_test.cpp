// docs/ci.md (issue 15, item 5): every epicsync command of its CI workflows, run in the order
// written against jira-sim, as the jobs would run them. The CI services themselves (checkout,
// artifacts, comments) are not exercised; the commands are.
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "support/cli_sim_test.h"

namespace epicsync::testing {
namespace {

namespace fs = std::filesystem;

// The epicsync lines of the document's code blocks: a shell line in a `run: |` block, or a
// GitLab `- epicsync …` script item.
std::vector<std::string> epicsync_lines(const std::string& doc) {
  std::vector<std::string> out;
  std::istringstream lines(doc);
  bool in_code = false;
  for (std::string line; std::getline(lines, line);) {
    const size_t start = line.find_first_not_of(' ');
    std::string t = start == std::string::npos ? "" : line.substr(start);
    if (t.rfind("```", 0) == 0) {
      in_code = !in_code;
      continue;
    }
    if (!in_code) continue;
    if (t.rfind("- ", 0) == 0) t = t.substr(2);
    if (t.rfind("epicsync ", 0) == 0) out.push_back(t);
  }
  return out;
}

class CliCiDocTest : public CliSimTest {};

TEST_F(CliCiDocTest, EveryCommandOfTheWorkflowsRunsAsWritten) {
  const fs::path root = fs::path(FIXTURES_DIR).parent_path();
  const auto commands = epicsync_lines(read((root / "docs/ci.md").string()));
  ASSERT_GE(commands.size(), 7u) << "the document's commands were not found";
  write("checkout.md",
        "# Checkout\n\n### US-1: Guest checkout\n**Story Points**: 3\n\nPay as a guest.\n\n"
        "### US-2: Saved cards\n**Status**: In Progress\n\nKeep cards.\n");
  ProcessOptions o = options();
  o.env["EPIC_FILE"] = "checkout.md";
  o.env["EPIC"] = "PROJ-1";
  const char* path = std::getenv("PATH");
  o.env["PATH"] =
      fs::path(EPICSYNC_PATH).parent_path().string() + ":" + (path ? path : "/usr/bin:/bin");
  bool applied = false;
  for (const auto& command : commands) {
    auto r = run_process({"/bin/sh", "-c", command}, o);
    EXPECT_EQ(r.exit_code, 0) << command << "\n" << r.out << r.err;
    if (command.find("--apply") != std::string::npos && !applied) {
      applied = true;
      // The first apply is the reviewed plan of the first plan step: the stories exist now.
      EXPECT_EQ(sim().state()["issues"].size(), 3u) << command;
      EXPECT_EQ(read(dir_ + "/plan.md").rfind("### epicsync: plan for PROJ-1", 0), 0u)
          << "the pull request comment";
    }
  }
  EXPECT_TRUE(applied);
  EXPECT_EQ(key_of("Saved cards").empty(), false);
}

}  // namespace
}  // namespace epicsync::testing
