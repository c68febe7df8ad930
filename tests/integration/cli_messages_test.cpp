// Issue 18, item 4: when something is off, the message says what and what to do about it, with
// the exit code of docs/cli.md. Each against a real jira-sim.

#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <string>

#include "support/cli_sim_test.h"
#include "support/jira_sim_fixture.h"
#include "support/subprocess.h"

namespace epicsync::testing {
namespace {

using nlohmann::json;

class CliMessagesTest : public CliSimTest {
 protected:
  ProcessResult run(std::vector<std::string> args, ProcessOptions o) {
    args.insert(args.begin(), EPICSYNC_PATH);
    args.push_back("--no-color");
    return run_process(args, o);
  }
  ProcessResult plan(ProcessOptions o) {
    return run({"-m", fixture("checkout.md"), "-e", "PROJ-1"}, o);
  }
  void config(const std::string& yaml) { std::ofstream(dir_ + "/.epicsync.yaml") << yaml; }
  int requests() { return static_cast<int>(sim().request_log().size()); }
};

// A 401 names the credentials that were sent (setting and source, never the value) and what to
// check, and does not repeat the status.
TEST_F(CliMessagesTest, RefusedCredentialsAreNamedNeverShown) {
  ProcessOptions o = options();
  o.env["JIRA_API_TOKEN"] = "a-wrong-token-1234";
  auto r = plan(o);
  EXPECT_EQ(r.exit_code, 5) << r.err;
  EXPECT_NE(r.err.find("JIRA_EMAIL (from the environment)"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("JIRA_API_TOKEN (from the environment)"), std::string::npos) << r.err;
  EXPECT_EQ(r.err.find("a-wrong-token-1234"), std::string::npos) << "never the secret";
  EXPECT_EQ(r.err.find("(HTTP 401): 401"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("(HTTP 401): "), std::string::npos) << r.err;
}

TEST_F(CliMessagesTest, ARefusedPatIsNamedWithItsSource) {
  ProcessOptions o = options();
  o.env.erase("JIRA_EMAIL");
  o.env.erase("JIRA_API_TOKEN");
  o.unset_env.push_back("JIRA_EMAIL");
  o.unset_env.push_back("JIRA_API_TOKEN");
  std::ofstream(dir_ + "/.env") << "JIRA_PAT=not-the-pat-5678\n";
  auto r = plan(o);
  EXPECT_EQ(r.exit_code, 5) << r.err;
  EXPECT_NE(r.err.find("JIRA_PAT (from .env)"), std::string::npos) << r.err;
  EXPECT_EQ(r.err.find("not-the-pat-5678"), std::string::npos);
}

// A login page (or a proxy) answering instead of Jira: one sentence, no markup, exit 4.
TEST_F(CliMessagesTest, AnHtmlPageInsteadOfJiraSaysSoWithoutTheMarkup) {
  for (int status : {200, 401, 404}) {
    sim().clear_faults();
    sim().add_fault({{"action", "html"}, {"status", status}, {"times", 0}});
    auto r = plan(options());
    EXPECT_EQ(r.exit_code, 4) << status << ": " << r.err;
    EXPECT_NE(r.err.find("HTML page"), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("JIRA_URL probably points at a login page or proxy"), std::string::npos)
        << r.err;
    EXPECT_EQ(r.err.find("<html"), std::string::npos) << r.err;
  }
}

// A URL whose path is not where the REST API is: exit 4 with that sentence, not "epic not
// found" (exit 7).
TEST_F(CliMessagesTest, AUrlThatDoesNotServeTheRestApiIsExit4) {
  ProcessOptions o = options();
  o.env["JIRA_URL"] = sim().url() + "/wiki";
  auto r = plan(o);
  EXPECT_EQ(r.exit_code, 4) << r.err;
  EXPECT_NE(r.err.find("does not serve Jira's REST API"), std::string::npos) << r.err;
}

// Configuration warnings are shown on every run, not only with -v; -q silences them.
TEST_F(CliMessagesTest, ConfigurationWarningsAreShownUnlessQuiet) {
  config("jira:\n  concurency: 4\n");
  ProcessOptions o = options();
  o.env["JIRA_PAT"] = "a-pat";
  auto r = plan(o);
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.err.find("unknown key jira.concurency"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("a PAT are set; using the email and API token"), std::string::npos) << r.err;
  auto quiet = run({"-m", fixture("checkout.md"), "-e", "PROJ-1", "-q"}, o);
  EXPECT_EQ(quiet.exit_code, 0) << quiet.err;
  EXPECT_EQ(quiet.err.find("warning"), std::string::npos) << quiet.err;
}

// --rollback with no backup: exit 7 at once, without asking the tracker anything.
// With no local backup a rollback asks the tracker's run record (docs/rollback.md); with no run
// recorded there either it is exit 7, having only read.
TEST_F(CliMessagesTest, ARollbackWithNeitherABackupNorARecordedRunIsExit7) {
  sim().clear_log();
  auto r = run({"--rollback", "-e", "PROJ-1"}, options());
  EXPECT_EQ(r.exit_code, 7) << r.err;
  EXPECT_NE(r.err.find("no local backup"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("--list-runs"), std::string::npos) << r.err;
  for (const auto& q : sim().request_log()) {
    EXPECT_TRUE(q.value("method", "") == "GET" ||
                q.value("path", "").find("search") != std::string::npos)
        << q.dump();
  }
}

}  // namespace
}  // namespace epicsync::testing
