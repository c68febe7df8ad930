// Issue 11, item 5: runs on different machines (or with different backup folders) do not see
// each other's file lock; the lease held on the tracker keeps them from writing the same epic at
// once, and so from creating it twice.

#include <gtest/gtest.h>

#include <chrono>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <thread>

#include "epic_generator.h"
#include "support/cli_sim_test.h"
#include "support/jira_sim_fixture.h"
#include "support/subprocess.h"

namespace epicsync::testing {
namespace {

using nlohmann::json;

std::string utc_in(std::chrono::seconds from_now) {
  std::time_t t = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now() + from_now);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

class CliLeaseTest : public CliSimTest {
 protected:
  // A second "machine": its own HOME and backup folder, so the file lock cannot see the first.
  ProcessOptions machine(const std::string& name) {
    ProcessOptions o = options();
    const std::string home = dir_ + "/" + name;
    std::filesystem::create_directories(home);
    o.env["HOME"] = home;
    o.env["EPICSYNC_BACKUP_DIR"] = home + "/backups";
    return o;
  }
  ProcessResult sync_on(const std::string& name) {
    return run_process({EPICSYNC_PATH, "-m", fixture("checkout.md"), "-e", "PROJ-1", "--execute",
                        "--no-confirm", "--no-color"},
                       machine(name));
  }
  std::map<std::string, int> copies() {
    const json state = sim().state();
    std::map<std::string, int> out;
    for (const auto& i : state["issues"]) out[i.value("summary", "")]++;
    return out;
  }
  int duplicates() {
    int n = 0;
    for (const auto& [summary, count] : copies()) n += count - 1;
    return n;
  }
  json lease() {
    auto r = sim().get("/rest/api/3/issue/PROJ-1/properties/epicsync.lease");
    return r.status == 200 ? r.body["value"] : json(nullptr);
  }
  void put_lease(const json& value) {
    auto r = sim().put("/rest/api/3/issue/PROJ-1/properties/epicsync.lease", value);
    ASSERT_TRUE(r.status == 200 || r.status == 201) << r.raw;
  }
};

TEST_F(CliLeaseTest, ALiveHolderOnAnotherMachineStopsTheRunBeforeAnyWrite) {
  put_lease({{"holder", "ci"},
             {"host", "runner-7.example"},
             {"pid", 4242},
             {"token", "0123456789abcdef"},
             {"mode", "sync"},
             {"acquired", utc_in(std::chrono::seconds(-5))},
             {"expires", utc_in(std::chrono::seconds(115))}});
  sim().clear_log();
  auto r = sync_on("a");
  EXPECT_EQ(r.exit_code, 9) << r.out << r.err;
  EXPECT_NE(r.err.find("runner-7.example"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("4242"), std::string::npos) << r.err;
  EXPECT_EQ(writes(), 0) << "it saw the lease before its first write";
  EXPECT_EQ(sim().state()["issues"].size(), 1u) << "nothing was created";
  EXPECT_EQ(lease().value("token", ""), "0123456789abcdef") << "the holder's lease is untouched";
}

TEST_F(CliLeaseTest, AnExpiredLeaseOfADeadRunnerIsTakenOverAndReleasedAtTheEnd) {
  put_lease({{"holder", "ci"},
             {"host", "runner-7.example"},
             {"pid", 4242},
             {"token", "0123456789abcdef"},
             {"mode", "sync"},
             {"acquired", utc_in(std::chrono::seconds(-600))},
             {"expires", utc_in(std::chrono::seconds(-480))}});
  auto r = sync_on("a");
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_EQ(duplicates(), 0);
  const json after = lease();
  ASSERT_TRUE(after.is_object());
  EXPECT_NE(after.value("token", ""), "0123456789abcdef");
  EXPECT_TRUE(after.contains("released")) << after.dump();
  EXPECT_EQ(after["created"].size(), 11u) << "3 stories and 8 sub-tasks, for the next run";

  // The next run takes the released lease: it has nothing to do and writes nothing at all.
  sim().clear_log();
  auto again = sync_on("b");
  EXPECT_EQ(again.exit_code, 0) << again.out << again.err;
  EXPECT_EQ(writes(), 0);
}

// Two runners at once, each with its own backup folder: one creates the epic's issues, the
// other stops (exit 9) or, if it came late, finds nothing to do. Never a duplicate.
TEST_F(CliLeaseTest, TwoRunnersAtOnceNeverDuplicateTheEpic) {
  for (int round = 0; round < 3; ++round) {
    sim().reset(true);
    ProcessResult a, b;
    std::thread ta([&] { a = sync_on("a" + std::to_string(round)); });
    std::thread tb([&] { b = sync_on("b" + std::to_string(round)); });
    ta.join();
    tb.join();
    EXPECT_EQ(duplicates(), 0) << "round " << round << "\n" << a.out << a.err << b.out << b.err;
    EXPECT_EQ(sim().state()["issues"].size(), 12u);
    const bool a_won = a.exit_code == 0, b_won = b.exit_code == 0;
    EXPECT_TRUE(a_won || b_won) << a.out << a.err << b.out << b.err;
    for (const auto* loser : {&a, &b}) {
      if (loser->exit_code == 0) continue;
      EXPECT_EQ(loser->exit_code, 9) << loser->out << loser->err;
      EXPECT_NE(loser->err.find("pid "), std::string::npos) << loser->err;
    }
  }
}

// A run on another machine created more issues than Jira reconciles in one search (50), and
// search lags: the next runner, which has no journal of them, waits until search shows them
// (asking search, not sleeping the whole jira.search_wait) and then creates none of them again.
TEST_F(CliLeaseTest, AnotherRunnersLargeCreateIsWaitedForNotMadeAgain) {
  bench::GeneratorOptions g;
  g.stories = 20;
  g.subtasks_per_story = 3;
  g.seed = 5;
  const std::string file = dir_ + "/big.md";
  std::ofstream(file) << bench::render_epic(bench::generate_epic_for_sim(g));
  auto run_on = [&](const std::string& name) {
    return run_process(
        {EPICSYNC_PATH, "-m", file, "-e", "PROJ-1", "--execute", "--no-confirm", "--no-color"},
        machine(name));
  };
  ASSERT_EQ(run_on("a").exit_code, 0);
  const size_t created = sim().state()["issues"].size() - 1;
  ASSERT_GT(created, 50u);
  // The index now lags 6 s behind every write: machine A's issues, written moments ago, are
  // hidden from search (long enough that a slow machine, or a sanitizer build, cannot have
  // outrun the lag before the next runner starts).
  sim().put("/_sim/config", {{"search_lag_ms", 6000}});
  auto b = run_on("b");
  ASSERT_EQ(b.exit_code, 0) << b.out << b.err;
  EXPECT_NE(b.err.find("Waiting up to"), std::string::npos) << b.err;
  std::map<std::string, int> per_identity;
  const json state = sim().state();
  for (const auto& i : state["issues"]) {
    const std::string id = i["properties"].value("epicsync", json::object()).value("id", "");
    if (!id.empty()) per_identity[id]++;
  }
  EXPECT_EQ(per_identity.size(), created);
  for (const auto& [id, n] : per_identity) EXPECT_EQ(n, 1) << id << " was created twice";
}

}  // namespace
}  // namespace epicsync::testing
