#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "support/fixture_path.h"
#include "support/jira_sim_fixture.h"
#include "support/subprocess.h"

namespace epicsync::testing {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

// Runs the real binary in an empty directory with a fresh HOME and only the environment the
// test gives it, so no .env, config file or JIRA_* variable of the machine leaks in.
class CliSyncTest : public JiraSimTest {
 protected:
  void SetUp() override {
    JiraSimTest::SetUp();
    std::string tmpl = (fs::temp_directory_path() / "epicsync-sync-XXXXXX").string();
    dir_ = mkdtemp(tmpl.data());
  }
  void TearDown() override {
    fs::remove_all(dir_);
    JiraSimTest::TearDown();
  }

  ProcessResult run(std::vector<std::string> args, std::map<std::string, std::string> env = {}) {
    args.insert(args.begin(), EPICSYNC_PATH);
    ProcessOptions o;
    o.cwd = dir_;
    o.unset_env = {"JIRA_URL",     "JIRA_EMAIL",          "JIRA_API_TOKEN", "JIRA_PAT",
                   "JIRA_PROJECT", "EPICSYNC_BACKUP_DIR", "NO_COLOR"};
    o.env = {{"HOME", dir_}};
    for (const auto& [k, v] : env) o.env[k] = v;
    o.timeout = std::chrono::seconds(60);
    return run_process(args, o);
  }

  std::map<std::string, std::string> creds(const std::string& token = "sim-token") {
    return {
        {"JIRA_URL", sim().url()}, {"JIRA_EMAIL", "sim@example.com"}, {"JIRA_API_TOKEN", token}};
  }

  int writes() {
    int n = 0;
    for (const auto& r : sim().request_log()) {
      const std::string m = r.value("method", "");
      if (m != "GET" && r.value("path", "").find("/search") == std::string::npos) ++n;
    }
    return n;
  }

  std::string dir_;
};

TEST_F(CliSyncTest, DryRunShowsThePlanAndWritesNothing) {
  auto r = run({"--markdown", fixture("checkout.md"), "--epic", "PROJ-1"}, creds());
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("+ SHOP-101: Guest checkout (NEW)"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("  + Guest form (NEW)"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("Transition: (new) → Done"), std::string::npos);
  EXPECT_NE(r.out.find("Totals: 3 stories to create, 8 sub-tasks to create"), std::string::npos);
  EXPECT_NE(r.out.find("Dry run: nothing was changed."), std::string::npos);
  EXPECT_EQ(writes(), 0);
  EXPECT_EQ(sim().state()["issues"].size(), 1u);
}

TEST_F(CliSyncTest, DryRunAsJson) {
  auto r = run({"-m", fixture("checkout.md"), "-e", "PROJ-1", "-o", "json"}, creds());
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto doc = json::parse(r.out);
  EXPECT_EQ(doc["ok"], true);
  EXPECT_EQ(doc["mode"], "dry-run");
  EXPECT_EQ(doc["plan"]["totals"]["stories_created"], 3);
  EXPECT_EQ(doc["plan"]["totals"]["subtasks_created"], 8);
  // The epic's own fields first (the file's title, description and priority), then the stories.
  EXPECT_EQ(doc["plan"]["operations"][0]["kind"], "update");
  EXPECT_EQ(doc["plan"]["operations"][0]["issue"], "PROJ-1");
  EXPECT_EQ(doc["plan"]["operations"][1]["kind"], "transition");
  EXPECT_EQ(doc["plan"]["operations"][1]["issue"], "PROJ-1");
  EXPECT_EQ(doc["plan"]["operations"][2]["kind"], "create_story");
}

TEST_F(CliSyncTest, FiltersByStoryAndPhase) {
  auto one = run(
      {"-m", fixture("checkout.md"), "-e", "PROJ-1", "--story", "SHOP-102", "-o", "json"}, creds());
  ASSERT_EQ(one.exit_code, 0) << one.err;
  auto doc = json::parse(one.out);
  EXPECT_EQ(doc["plan"]["totals"]["stories_created"], 1);
  EXPECT_EQ(doc["plan"]["totals"]["subtasks_created"], 2);
  auto unknown = run({"-m", fixture("checkout.md"), "-e", "PROJ-1", "--story", "NOPE-1"}, creds());
  EXPECT_EQ(unknown.exit_code, 2);
  EXPECT_NE(unknown.err.find("no story NOPE-1"), std::string::npos);
  auto bad_phase = run({"-m", fixture("checkout.md"), "-e", "PROJ-1", "--phase", "x"}, creds());
  EXPECT_EQ(bad_phase.exit_code, 2);
}

TEST_F(CliSyncTest, TwoIssuesThatCouldBeOneStoryStopTheRunNamingBoth) {
  const std::string a = sim().create_issue("Story", "Guest checkout", "PROJ-1");
  const std::string b = sim().create_issue("Story", "Guest checkout", "PROJ-1");
  auto r =
      run({"-m", fixture("checkout.md"), "-e", "PROJ-1", "--execute", "--no-confirm"}, creds());
  EXPECT_EQ(r.exit_code, 6) << r.out << r.err;
  EXPECT_NE(r.out.find(a), std::string::npos) << r.out;
  EXPECT_NE(r.out.find(b), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("pin one with its key"), std::string::npos);
  EXPECT_EQ(writes(), 2) << "only the two issues the test itself created";
}

TEST_F(CliSyncTest, ExitCodesForWhatCanGoWrong) {
  EXPECT_EQ(run({"-m", fixture("checkout.md"), "-e", "PROJ-99"}, creds()).exit_code, 7);
  auto denied = run({"-m", fixture("checkout.md"), "-e", "PROJ-1"}, creds("wrong-token-123"));
  EXPECT_EQ(denied.exit_code, 5);
  EXPECT_EQ(denied.err.find("wrong-token-123"), std::string::npos) << denied.err;
  auto unreachable = run(
      {"-m", fixture("checkout.md"), "-e", "PROJ-1", "--jira-url", "http://127.0.0.1:1"}, creds());
  EXPECT_EQ(unreachable.exit_code, 4) << unreachable.err;
  EXPECT_EQ(
      run({"-m", fixture("checkout.md"), "-e", "PROJ-1"}, {{"JIRA_URL", sim().url()}}).exit_code,
      2);
  EXPECT_EQ(run({"-m", fixture("checkout.md")}, creds()).exit_code, 2) << "which epic?";
  const int before = static_cast<int>(sim().request_log().size());
  EXPECT_EQ(run({"-m", fixture("invalid.md"), "-e", "PROJ-1"}, creds()).exit_code, 6);
  EXPECT_EQ(static_cast<int>(sim().request_log().size()), before) << "no request for bad input";
}

class CliVerboseTest : public CliSyncTest {
 protected:
  std::vector<std::string> sim_args() const override {
    return {"--seed", "--token", "s3cr3t-token-value"};
  }
};

TEST_F(CliVerboseTest, VerboseLogsRequestsWithoutSecrets) {
  auto r = run({"-m", fixture("checkout.md"), "-e", "PROJ-1", "-v"}, creds("s3cr3t-token-value"));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.err.find("GET /rest/api/2/serverInfo 200"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("jira.api_token"), std::string::npos);
  EXPECT_EQ(r.err.find("s3cr3t"), std::string::npos) << r.err;
  EXPECT_EQ(r.out.find("s3cr3t"), std::string::npos);
}

TEST_F(CliSyncTest, ConfigurationFromAnEnvFile) {
  std::ofstream(dir_ + "/.env") << "JIRA_URL=" << sim().url()
                                << "\nJIRA_EMAIL=sim@example.com\nJIRA_API_TOKEN=sim-token\n";
  auto r = run({"-m", fixture("mixed-formats.md"), "-e", "PROJ-1", "-q"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("issues would change"), std::string::npos) << r.out;
}

}  // namespace
}  // namespace epicsync::testing
