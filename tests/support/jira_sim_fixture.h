#pragma once

// Runs the real jira-sim binary on an ephemeral port for one test and talks to it over HTTP.
// Every integration test that needs a Jira uses this; see docs/jira-sim.md for what the
// simulator serves.

#include <gtest/gtest.h>

#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "support/subprocess.h"

namespace epicsync::testing {

struct SimResponse {
  int status = 0;                              // 0 when the transport failed (dropped, timeout)
  nlohmann::json body;                         // parsed JSON, or null when the body is not JSON
  std::string raw;                             // the body as received
  std::map<std::string, std::string> headers;  // names lower-cased
  std::string header(const std::string& name) const;
};

class JiraSim {
 public:
  // `args` are jira-sim options, e.g. {"--seed", "--flavour", "datacenter"}; --port 0 is added.
  explicit JiraSim(std::vector<std::string> args = {});
  ~JiraSim();
  JiraSim(const JiraSim&) = delete;
  JiraSim& operator=(const JiraSim&) = delete;

  static std::string binary_path();
  const std::string& url() const { return url_; }
  int port() const { return port_; }
  // "Basic ..." for Cloud, "Bearer ..." for Data Center, from the options given.
  const std::string& auth_header() const { return auth_; }

  // REST calls with the default credentials; `path` starts with "/rest/api/...".
  SimResponse get(const std::string& path) const;
  SimResponse post(const std::string& path, const nlohmann::json& body) const;
  SimResponse put(const std::string& path, const nlohmann::json& body) const;
  SimResponse del(const std::string& path) const;
  // Anything else: another method, no or other auth (empty string: no header), a raw body.
  SimResponse request(const std::string& method, const std::string& path,
                      const std::optional<std::string>& body = std::nullopt,
                      const std::optional<std::string>& authorization = std::nullopt,
                      const std::string& content_type = "application/json",
                      int timeout_ms = 10'000) const;

  // Control API (/_sim/...).
  nlohmann::json state() const;
  void load_state(const nlohmann::json& state) const;
  void reset(bool seed = false) const;
  nlohmann::json request_log() const;  // the "requests" array
  nlohmann::json counts() const;       // {"POST /rest/api/3/issue": 2, ...}
  void clear_log() const;
  int add_fault(const nlohmann::json& rule) const;  // returns the rule id
  void clear_faults() const;
  // Changes an issue as another user would, to create drift ({"fields":..,"status":..}).
  SimResponse edit_as_other(const std::string& key, const nlohmann::json& change) const;

  // Creates an issue in the project (--project, default PROJ) through REST (v3 on Cloud, v2 on
  // Data Center) and returns its key.
  std::string create_issue(const std::string& type, const std::string& summary,
                           const std::string& parent_key = "") const;

  // Stops the simulator with a signal and returns its exit code.
  int stop(int signal_number = 15);
  bool datacenter() const { return datacenter_; }

 private:
  std::unique_ptr<BackgroundProcess> process_;
  std::string url_;
  int port_ = 0;
  std::string auth_;
  std::string project_;
  bool datacenter_ = false;
};

// A test whose SetUp starts a fresh simulator; override sim_args() for other options.
// The seeded users' Cloud account ids: the API client (sim@example.com) and "Other User", who
// makes the control API's edits.
inline const std::string kSimAccount = "557058:0f3c1a2b-sim-0001";
inline const std::string kOtherAccount = "557058:0f3c1a2b-sim-0002";

class JiraSimTest : public ::testing::Test {
 protected:
  void SetUp() override { sim_ = std::make_unique<JiraSim>(sim_args()); }
  // A clean exit also proves the simulator saved its state and, in sanitizer builds, that it
  // neither leaked nor tripped a check.
  void TearDown() override {
    if (sim_) {
      EXPECT_EQ(sim_->stop(15), 0) << "jira-sim did not exit cleanly";
    }
    sim_.reset();
  }
  virtual std::vector<std::string> sim_args() const { return {"--seed"}; }
  JiraSim& sim() { return *sim_; }

  std::unique_ptr<JiraSim> sim_;
};

}  // namespace epicsync::testing
