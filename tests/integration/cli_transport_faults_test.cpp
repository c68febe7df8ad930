// Issue 11, items 9 and 10: a tracker that accepts the connection and never answers, and one
// that answers without end. Each run must end on its own (bounded by --timeout and the retry
// budget, not by the test's process timeout), say why, and leave the tracker as it was or as the
// journal says.

#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>

#include "support/cli_sim_test.h"
#include "support/jira_sim_fixture.h"
#include "support/subprocess.h"

namespace epicsync::testing {
namespace {

using nlohmann::json;

class CliTransportFaultsTest : public CliSimTest {
 protected:
  CliTransportFaultsTest() { no_color_ = true; }
  ProcessResult plan(std::vector<std::string> extra = {}) {
    std::vector<std::string> args = {"-m", fixture("checkout.md"), "-e", "PROJ-1"};
    args.insert(args.end(), extra.begin(), extra.end());
    return run(args);
  }
  void config(const std::string& yaml) { std::ofstream(dir_ + "/.epicsync.yaml") << yaml; }
  // Requests the simulator logged with this method whose path contains `part`.
  int requests(const std::string& method, const std::string& part) {
    int n = 0;
    for (const auto& r : sim().request_log()) {
      if (r.value("method", "") == method && r.value("path", "").find(part) != std::string::npos) {
        ++n;
      }
    }
    return n;
  }
  // How many requests the fault rule `id` caught: a hung request is in the request log only
  // once the hang ends, the rule counts it when it arrives.
  int fired(int id) {
    auto r = sim().get("/_sim/faults");
    for (const auto& f : r.body["faults"]) {
      if (f.value("id", 0) == id) return f.value("fired", -1);
    }
    return -1;
  }
  size_t issue_count() { return sim().state()["issues"].size(); }
  std::string search_path() {
    return sim().datacenter() ? ".*/rest/api/2/search" : ".*/rest/api/3/search/jql";
  }
};

// 9. A read that never gets an answer: every attempt ends at --timeout, the retries stop within
//    the budget, the run exits 4 and names the timeout and the setting to raise.
TEST_F(CliTransportFaultsTest, ATrackerThatNeverAnswersAReadEndsTheRunWithExit4) {
  const int rule = sim().add_fault(
      {{"path", search_path()}, {"action", "hang"}, {"times", 0}, {"hang_ms", 30000}});
  auto r = plan({"--timeout", "1"});
  EXPECT_EQ(r.exit_code, 4) << r.out << r.err;
  EXPECT_NE(r.err.find("1 s timeout per attempt"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("--timeout"), std::string::npos) << r.err;
  // Retried, as a read may be, and then given up: more than one attempt, at most five.
  const int searches = fired(rule);
  EXPECT_GE(searches, 2);
  EXPECT_LE(searches, 5);
}

// The same from the configuration file, which --timeout overrides.
TEST_F(CliTransportFaultsTest, JiraTimeoutInTheConfigurationBoundsEachAttempt) {
  config("jira:\n  timeout: 1\n");
  sim().add_fault({{"path", search_path()}, {"action", "hang"}, {"times", 0}, {"hang_ms", 30000}});
  auto r = plan();
  EXPECT_EQ(r.exit_code, 4) << r.out << r.err;
  EXPECT_NE(r.err.find("1 s timeout per attempt"), std::string::npos) << r.err;

  sim().clear_faults();
  auto shown = plan({"--timeout", "7", "--verbose"});
  ASSERT_EQ(shown.exit_code, 0) << shown.out << shown.err;
  const auto at = shown.err.find("jira.timeout");
  ASSERT_NE(at, std::string::npos) << shown.err;
  const std::string line = shown.err.substr(at, shown.err.find('\n', at) - at);
  EXPECT_NE(line.find("7"), std::string::npos) << line;
  EXPECT_NE(line.find("flag"), std::string::npos) << line;
}

// A write that never gets an answer may have been applied: it is never sent again in that run,
// the run exits 64 naming it, and the next run settles it without a duplicate.
TEST_F(CliTransportFaultsTest, AWriteThatNeverGetsAnAnswerIsUnknownAndNeverResent) {
  config("jira:\n  search_wait: 1\n");
  const std::string create = sim().datacenter() ? ".*/rest/api/2/issue/bulk" : ".*/issue/bulk";
  const int rule = sim().add_fault(
      {{"method", "POST"}, {"path", create}, {"action", "hang"}, {"times", 0}, {"hang_ms", 30000}});
  auto r = run({"-m", fixture("checkout.md"), "-e", "PROJ-1", "--execute", "--no-confirm",
                "--timeout", "1"});
  EXPECT_EQ(r.exit_code, 64) << r.out << r.err;
  EXPECT_NE((r.out + r.err).find("outcome unknown"), std::string::npos) << r.out << r.err;
  EXPECT_EQ(fired(rule), 1) << "an unanswered create is never sent again";
  EXPECT_EQ(issue_count(), 1u) << "the hang applied nothing";

  sim().clear_faults();
  std::this_thread::sleep_for(std::chrono::milliseconds(1100));  // past search_wait
  auto again = run({"-m", fixture("checkout.md"), "-e", "PROJ-1", "--execute", "--no-confirm"});
  ASSERT_EQ(again.exit_code, 0) << again.out << again.err;
  EXPECT_EQ(issue_count(), 12u);
  auto third = run({"-m", fixture("checkout.md"), "-e", "PROJ-1", "--execute", "--no-confirm"});
  EXPECT_EQ(third.exit_code, 0) << third.out << third.err;
  EXPECT_EQ(issue_count(), 12u) << "no duplicates";
}

TEST_F(CliTransportFaultsTest, ATimeoutOutsideItsRangeIsAUsageError) {
  for (const std::string bad : {"0", "601", "abc", "1.5", "-3"}) {
    auto r = plan({"--timeout", bad});
    EXPECT_EQ(r.exit_code, 2) << bad << ": " << r.out << r.err;
    EXPECT_NE(r.err.find("--timeout"), std::string::npos) << r.err;
  }
  EXPECT_EQ(requests("GET", "/"), 0) << "nothing was asked of the tracker";
  config("jira:\n  timeout: 0\n");
  auto r = plan();
  EXPECT_EQ(r.exit_code, 2) << r.out << r.err;
  EXPECT_NE(r.err.find("jira.timeout"), std::string::npos) << r.err;
  config("jira:\n  max_response_mb: 0\n");
  r = plan();
  EXPECT_EQ(r.exit_code, 2) << r.out << r.err;
  EXPECT_NE(r.err.find("jira.max_response_mb"), std::string::npos) << r.err;
}

// 10. An answer far larger than any Jira answer (80 MiB, announced by Content-Length) is cut at
//     the 64 MiB default: exit 8, naming the cap and the setting, instead of memory running out.
TEST_F(CliTransportFaultsTest, AnAnswerPastTheDefaultCapIsRefusedWithExit8) {
  sim().add_fault({{"path", search_path()}, {"action", "huge_body"}, {"bytes", 80LL << 20}});
  auto r = plan();
  EXPECT_EQ(r.exit_code, 8) << r.out << r.err;
  EXPECT_NE(r.err.find("larger than 64 MiB"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("jira.max_response_mb"), std::string::npos) << r.err;
  EXPECT_EQ(requests(sim().datacenter() ? "GET" : "POST", "/search"), 1)
      << "the same request gets the same answer: not retried";
}

// A streamed answer without a length is cut as it arrives, at the configured cap.
TEST_F(CliTransportFaultsTest, AStreamedAnswerPastAConfiguredCapIsRefusedWithExit8) {
  config("jira:\n  max_response_mb: 1\n");
  sim().add_fault(
      {{"path", search_path()}, {"action", "huge_body"}, {"bytes", 2LL << 20}, {"chunked", true}});
  auto r = plan();
  EXPECT_EQ(r.exit_code, 8) << r.out << r.err;
  EXPECT_NE(r.err.find("larger than 1 MiB"), std::string::npos) << r.err;

  // Under the cap the same epic plans normally.
  sim().clear_faults();
  auto ok = plan();
  EXPECT_EQ(ok.exit_code, 0) << ok.out << ok.err;
}

// A person watching a terminal is told why nothing seems to happen; scripts reading stderr are
// not (the line is for terminals only, like the progress bar).
TEST_F(CliTransportFaultsTest, RetriesAreAnnouncedOnATerminalOnly) {
  const json busy = {{"path", search_path()}, {"action", "429"}, {"retry_after", 1}};
  sim().add_fault(busy);
  auto piped = plan();
  EXPECT_EQ(piped.exit_code, 0) << piped.out << piped.err;
  EXPECT_EQ(piped.err.find("waiting for"), std::string::npos) << piped.err;

  sim().add_fault(busy);
  // script(1) gives the run a terminal and copies what it shows to our pipe.
  std::string cmd = std::string("'") + EPICSYNC_PATH + "' -m '" + fixture("checkout.md") +
                    "' -e PROJ-1 --no-color";
  auto tty = run_process({"/usr/bin/script", "-qec", cmd, "/dev/null"}, options());
  EXPECT_EQ(tty.exit_code, 0) << tty.out << tty.err;
  EXPECT_NE(tty.out.find("waiting for 127.0.0.1 (attempt 2 of 5)"), std::string::npos) << tty.out;
}

}  // namespace
}  // namespace epicsync::testing
