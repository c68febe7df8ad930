#pragma once

// The fixture of the tests that run the real epicsync binary against a real jira-sim: a scratch
// folder (HOME, working directory, backups), the sim's URL and credentials in the environment
// for its flavour (Cloud: email and token; Data Center: a PAT), and nothing of the machine's own
// configuration leaking in. Header-only: each test target defines EPICSYNC_PATH and
// FIXTURES_DIR.

#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "support/fixture_path.h"
#include "support/jira_sim_fixture.h"
#include "support/subprocess.h"

namespace epicsync::testing {

class CliSimTest : public JiraSimTest {
 protected:
  void SetUp() override {
    JiraSimTest::SetUp();
    std::string tmpl = (std::filesystem::temp_directory_path() / "epicsync-cli-XXXXXX").string();
    dir_ = mkdtemp(tmpl.data());
  }
  void TearDown() override {
    std::filesystem::remove_all(dir_);
    JiraSimTest::TearDown();
  }

  ProcessOptions options() {
    ProcessOptions o;
    o.cwd = dir_;
    o.unset_env = {"JIRA_PAT", "JIRA_PROJECT", "NO_COLOR"};
    o.env = {{"HOME", dir_},
             {"JIRA_URL", sim().url()},
             {"JIRA_EMAIL", "sim@example.com"},
             {"JIRA_API_TOKEN", "sim-token"},
             {"EPICSYNC_BACKUP_DIR", backups()}};
    if (sim().datacenter()) {
      o.env.erase("JIRA_EMAIL");
      o.env.erase("JIRA_API_TOKEN");
      o.env["JIRA_PAT"] = "sim-pat";
      o.unset_env = {"JIRA_EMAIL", "JIRA_API_TOKEN", "JIRA_PROJECT", "NO_COLOR"};
    }
    o.timeout = std::chrono::seconds(180);
    return o;
  }
  // The binary with these arguments, as a user would run it (with --no-color when no_color_).
  ProcessResult run(std::vector<std::string> args) {
    if (no_color_) args.push_back("--no-color");
    args.insert(args.begin(), EPICSYNC_PATH);
    return run_process(args, options());
  }
  std::string backups() const { return dir_ + "/backups"; }

  // A file in the scratch folder, byte for byte; its path.
  std::string write(const std::string& name, const std::string& text) {
    const std::string path = dir_ + "/" + name;
    std::ofstream(path, std::ios::binary) << text;
    return path;
  }
  // A file's bytes ("" when it cannot be read).
  std::string read(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
  }

  // The key of the issue with this summary in the simulator (a failure when there is none).
  std::string key_of(const std::string& summary) {
    std::string found;
    const nlohmann::json state = sim().state();  // held: a range-for over a temporary dangles
    for (const auto& i : state["issues"]) {
      if (i.value("summary", "") != summary) continue;
      EXPECT_TRUE(found.empty()) << "two issues titled '" << summary << "'";
      found = i["key"].get<std::string>();
    }
    EXPECT_FALSE(found.empty()) << "no issue titled '" << summary << "'";
    return found;
  }
  // Requests that changed something (not reads, not searches) since the log was cleared.
  int writes() {
    int n = 0;
    for (const auto& r : sim().request_log()) {
      if (r.value("method", "") != "GET" &&
          r.value("path", "").find("/search") == std::string::npos) {
        ++n;
      }
    }
    return n;
  }

  std::string dir_;
  bool no_color_ = false;  // fixtures whose assertions read plain text set it
};

}  // namespace epicsync::testing
