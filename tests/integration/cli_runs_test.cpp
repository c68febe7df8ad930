// Issue 16, item 1 and 3: every run that writes leaves a trace in the tracker (its id on each
// issue it wrote, "created by" on each issue it created, an entry in the epic's run record),
// with no request of its own, and --list-runs shows the record from any machine, --no-backup
// runs included. Cloud and Data Center.
#include <gtest/gtest.h>

#include <filesystem>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <string>

#include "support/cli_sim_test.h"
#include "support/managed_state.h"
#include "support/subprocess.h"

namespace epicsync::testing {
namespace runs_test {

using nlohmann::json;

class CliRunsTest : public CliSimTest, public ::testing::WithParamInterface<std::string> {
 protected:
  CliRunsTest() { no_color_ = true; }
  std::vector<std::string> sim_args() const override { return {"--seed", "--flavour", GetParam()}; }
  std::string api() { return sim().datacenter() ? "/rest/api/2" : "/rest/api/3"; }

  ProcessResult sync(const std::string& file, bool backup = false) {
    std::vector<std::string> args = {"-m", file, "-e", "PROJ-1", "--execute", "--no-confirm"};
    if (!backup) args.push_back("--no-backup");
    return run(args);
  }
  json runs() {
    auto r = run({"--list-runs", "-e", "PROJ-1", "-o", "json"});
    EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
    const json doc = json::parse(r.out, nullptr, false);
    return doc.is_object() ? doc.value("runs", json::array()) : json::array();
  }
  // Each issue's epicsync property, by summary.
  std::map<std::string, json> properties() {
    std::map<std::string, json> out;
    const json state = sim().state();
    for (const auto& i : state["issues"]) {
      out[i.value("summary", "")] =
          i.value("properties", json::object()).value("epicsync", json::object());
    }
    return out;
  }
  // The account the simulator's API user is, as its changelog names authors.
  std::string me() {
    auto r = sim().get(api() + "/myself");
    return r.body.value(sim().datacenter() ? "name" : "accountId", "");
  }
};

TEST_P(CliRunsTest, NoBackupSyncLeavesItsRunOnEveryIssueItWroteAndOnTheEpic) {
  auto r = sync(fixture("checkout.md"));
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  const json list = runs();
  ASSERT_EQ(list.size(), 1u) << list.dump(2);
  const json& run = list[0];
  const std::string id = run.value("id", "");
  EXPECT_FALSE(id.empty());
  EXPECT_EQ(run.value("mode", ""), "sync");
  EXPECT_EQ(run.value("outcome", ""), "done");
  EXPECT_EQ(run.value("account", ""), me());
  EXPECT_TRUE(run["backup"].is_null());  // --no-backup: the tracker's record is all there is
  EXPECT_TRUE(run["finished"].is_string());
  EXPECT_LE(run.value("started", ""), run.value("finished", ""));
  EXPECT_EQ(run["counts"].value("created", -1), 11);  // 3 stories, 8 sub-tasks
  EXPECT_EQ(run["counts"].value("failed", -1), 0);

  int created = 0;
  for (const auto& [summary, p] : properties()) {
    EXPECT_EQ(p.value("run", ""), id) << summary << ": " << p.dump();
    if (summary == "Checkout Revamp") {
      EXPECT_FALSE(p.contains("created_by")) << "the epic was there before the run";
    } else {
      EXPECT_EQ(p.value("created_by", ""), id) << summary;
      ++created;
    }
  }
  EXPECT_EQ(created, 11);
}

TEST_P(CliRunsTest, ARunWithNothingToWriteRecordsNoRunAndALaterOneOnlyWhatItWrote) {
  const std::string file = write("epic.md", read(fixture("checkout.md")));
  ASSERT_EQ(sync(file).exit_code, 0);
  const std::string first = runs()[0].value("id", "");

  // Nothing changed: no write, so no run (and no lease, no property write).
  sim().clear_log();
  auto again = sync(file);
  ASSERT_EQ(again.exit_code, 0) << again.out << again.err;
  for (const auto& q : sim().request_log()) {
    const std::string m = q.value("method", "");
    EXPECT_TRUE(m == "GET" || q.value("path", "").find("search") != std::string::npos)
        << m << " " << q.value("path", "");
  }
  EXPECT_EQ(runs().size(), 1u);

  // One story's points change: that story alone carries the second run.
  std::string text = read(file);
  const std::string from = "| **Story Points** | 5 |";
  ASSERT_NE(text.find(from), std::string::npos);
  text.replace(text.find(from), from.size(), "| **Story Points** | 8 |");
  write("epic.md", text);
  auto changed = sync(file, /*backup=*/true);
  ASSERT_EQ(changed.exit_code, 0) << changed.out << changed.err;
  const json list = runs();
  ASSERT_EQ(list.size(), 2u);
  const std::string second = list[0].value("id", "");  // newest first
  EXPECT_EQ(list[1].value("id", ""), first);
  EXPECT_NE(second, first);
  EXPECT_FALSE(list[0].value("backup", "").empty());  // this one took a backup
  int carrying = 0;
  for (const auto& [summary, p] : properties()) {
    if (p.value("run", "") == second) {
      ++carrying;
      EXPECT_EQ(summary, "Guest checkout");
    } else {
      EXPECT_EQ(p.value("run", ""), first) << summary;
    }
    if (summary != "Checkout Revamp") {
      EXPECT_EQ(p.value("created_by", ""), first) << summary;
    }
  }
  EXPECT_EQ(carrying, 1);

  // Text: newest first, with what each did.
  auto shown = run({"--list-runs", "-e", "PROJ-1"});
  ASSERT_EQ(shown.exit_code, 0) << shown.err;
  const auto at_second = shown.out.find(second);
  const auto at_first = shown.out.find(first);
  ASSERT_NE(at_second, std::string::npos) << shown.out;
  ASSERT_NE(at_first, std::string::npos) << shown.out;
  EXPECT_LT(at_second, at_first);
  EXPECT_NE(shown.out.find("11 created"), std::string::npos) << shown.out;
}

TEST_P(CliRunsTest, ARollbackIsARunToo) {
  const std::string file = write("epic.md", read(fixture("checkout.md")));
  ASSERT_EQ(sync(file, /*backup=*/true).exit_code, 0);
  std::string text = read(file);
  const std::string from = "| **Story Points** | 5 |";
  text.replace(text.find(from), from.size(), "| **Story Points** | 8 |");
  write("epic.md", text);
  ASSERT_EQ(sync(file, /*backup=*/true).exit_code, 0);
  auto back = run({"--rollback", "-e", "PROJ-1", "--execute", "--no-confirm"});
  ASSERT_EQ(back.exit_code, 0) << back.out << back.err;
  const json list = runs();
  ASSERT_EQ(list.size(), 3u);
  EXPECT_EQ(list[0].value("mode", ""), "rollback");
  EXPECT_EQ(list[0].value("outcome", ""), "done");
  EXPECT_EQ(list[0]["counts"].value("failed", -1), 0);
  // The story's property is put back as the backup held it, stamped with the rollback's run.
  EXPECT_EQ(properties()["Guest checkout"].value("run", ""), list[0].value("id", ""));
  EXPECT_EQ(properties()["Guest checkout"].value("created_by", ""), list[2].value("id", ""));
  // The stamp is no difference to restore: nothing is left to undo.
  auto again = run({"--rollback", "-e", "PROJ-1"});
  EXPECT_EQ(again.exit_code, 0) << again.out << again.err;
  EXPECT_NE(again.out.find("Nothing to undo"), std::string::npos) << again.out;
}

TEST_P(CliRunsTest, TheRecordKeepsTheLastTwentyAndSaysWhichRunWasStopped) {
  // A record left by 20 earlier runs, the newest of them killed while it held the lease (never
  // released, expired since).
  json record = json::array();
  for (int i = 0; i < 20; ++i) {
    char id[32];
    std::snprintf(id, sizeof id, "20260101T0000%02dZ-aaaa%02d", i, i);
    char at[40];
    std::snprintf(at, sizeof at, "2026-01-01T00:00:%02d.000Z", i);
    json one = {{"id", id},         {"mode", "sync"}, {"user", "ci"},
                {"host", "runner"}, {"started", at},  {"outcome", i == 19 ? "running" : "done"}};
    if (i != 19) one["finished"] = at;
    record.push_back(one);
  }
  const json lease = {{"holder", "ci"},
                      {"host", "runner"},
                      {"pid", 1},
                      {"token", "dead"},
                      {"mode", "sync"},
                      {"acquired", "2026-01-01T00:00:19Z"},
                      {"expires", "2026-01-01T00:02:19Z"},
                      {"run", "20260101T000019Z-aaaa19"},
                      {"runs", record}};
  auto put = sim().put(api() + "/issue/PROJ-1/properties/epicsync.lease", lease);
  ASSERT_LT(put.status, 300) << put.raw;

  ASSERT_EQ(sync(fixture("checkout.md")).exit_code, 0);
  const json list = runs();
  ASSERT_EQ(list.size(), 20u) << list.dump(2);
  EXPECT_EQ(list[0].value("mode", ""), "sync");
  EXPECT_EQ(list[0].value("outcome", ""), "done");
  EXPECT_EQ(list[1].value("id", ""), "20260101T000019Z-aaaa19");
  EXPECT_EQ(list[1].value("outcome", ""), "stopped");  // killed: it never recorded its end
  EXPECT_EQ(list[19].value("id", ""), "20260101T000001Z-aaaa01");  // the oldest one dropped
}

TEST_P(CliRunsTest, ListRunsSaysSoWhenNothingIsRecordedAndRefusesWhatItDoesNotDo) {
  auto none = run({"--list-runs", "-e", "PROJ-1"});
  EXPECT_EQ(none.exit_code, 0) << none.err;
  EXPECT_NE(none.out.find("No run is recorded on PROJ-1"), std::string::npos) << none.out;
  auto json_none = run({"--list-runs", "-e", "PROJ-1", "-o", "json"});
  EXPECT_EQ(json::parse(json_none.out, nullptr, false).value("runs", json(nullptr)), json::array());

  auto missing = run({"--list-runs", "-e", "PROJ-999"});
  EXPECT_EQ(missing.exit_code, 7) << missing.out << missing.err;  // not found
  EXPECT_EQ(run({"--list-runs"}).exit_code, 2);
  EXPECT_EQ(run({"--list-runs", "-e", "PROJ-1", "--execute"}).exit_code, 2);
  EXPECT_EQ(run({"--list-runs", "-e", "PROJ-1", "--rollback"}).exit_code, 2);
  EXPECT_EQ(run({"--list-runs", "-e", "PROJ-1", "-o", "markdown"}).exit_code, 2);
}

// Issue 16, item 2: --rollback with no local backup of the sync, from Jira's changelog.
class CliTrackerRollbackTest : public CliRunsTest {
 protected:
  // Every managed field of every issue, and the comments and links, without the epicsync
  // property: a rollback from the changelog leaves the three-way base of what it put back
  // empty (the next sync records it), where a backup would put the old one back.
  json fields() {
    json all = managed_state(sim().state());
    for (auto& [name, issue] : all.items()) {
      if (issue.is_object()) issue.erase("property");
    }
    return all;
  }
  // Every kind of change a sync makes to existing issues and new ones (no comment rewritten:
  // Jira's changelog does not keep comments).
  std::string v2() {
    std::string t = read(fixture("checkout.md"));
    replace(
        t,
        "| **Story Points** | 5 |\n| **Priority** | 🔴 Critical |\n| **Status** | 🔄 In "
        "Progress |",
        "| **Story Points** | 8 |\n| **Priority** | 🟡 High |\n| **Status** | 🔄 In Progress "
        "|");
    replace(t,
            "| **Story Points** | 3 |\n| **Priority** | 🟡 High |\n| **Status** | 📋 Planned |",
            "| **Story Points** | 3 |\n| **Priority** | 🟡 High |\n| **Status** | ✅ Done |");
    replace(t, "### 🎨 SHOP-102: Address autocomplete", "### 🎨 SHOP-102: Address suggestions");
    replace(t, "Guests give an email address and a shipping address, nothing else.",
            "Guests give an email address only.");
    replace(t, "| 1 | Guest form | Email and address form with inline validation | 2 | ✅ Done |",
            "| 1 | Guest form | Email and address form with inline validation | 3 | 📋 Planned |\n"
            "| 4 | Guest analytics | Count guest conversions | 1 | 📋 Planned |");
    t += "\n---\n\n### SHOP-104: Saved carts\n\n**Story Points**: 2\n**Status**: 🔄 In "
         "Progress\n\n#### Description\n\nShoppers come back to the cart they left.\n";
    return t;
  }
  ProcessResult rollback(std::vector<std::string> extra = {}) {
    std::vector<std::string> args = {"--rollback", "-e", "PROJ-1", "--execute", "--no-confirm"};
    args.insert(args.end(), extra.begin(), extra.end());
    return run(args);
  }
};

TEST_P(CliTrackerRollbackTest, ANoBackupSyncIsUndoneFieldByFieldFromTheChangelog) {
  ASSERT_EQ(sync(fixture("checkout.md"), /*backup=*/true).exit_code, 0);
  const json after_first = fields();
  auto second = sync(write("v2.md", v2()));  // CI: --no-backup
  ASSERT_EQ(second.exit_code, 0) << second.out << second.err;
  ASSERT_NE(fields(), after_first);

  // The local backups hold only the first sync: the rollback sees from the run record that the
  // last sync is not among them, and goes to the tracker.
  sim().clear_log();
  auto preview = run({"--rollback", "-e", "PROJ-1"});
  ASSERT_EQ(preview.exit_code, 0) << preview.out << preview.err;
  EXPECT_NE(preview.err.find("is not in the local backups"), std::string::npos) << preview.err;
  EXPECT_NE(preview.out.find("Rolling back run"), std::string::npos) << preview.out;
  EXPECT_NE(preview.out.find("restore Story Points: 8 → 5"), std::string::npos) << preview.out;
  EXPECT_NE(preview.out.find("delete story"), std::string::npos) << preview.out;
  EXPECT_NE(preview.out.find("delete sub-task"), std::string::npos) << preview.out;
  for (const auto& q : sim().request_log()) {
    const std::string m = q.value("method", "");
    const std::string path = q.value("path", "");
    EXPECT_TRUE(m == "GET" || path.find("search") != std::string::npos ||
                path.find("changelog") != std::string::npos)
        << "a preview writes nothing: " << m << " " << path;
  }

  auto undone = rollback();
  ASSERT_EQ(undone.exit_code, 0) << undone.out << undone.err;
  EXPECT_EQ(fields(), after_first) << differences(after_first, fields());
  // Undoing again finds nothing left, and the file of the first sync is what Jira holds.
  auto twice = run({"--rollback", "-e", "PROJ-1"});
  EXPECT_EQ(twice.exit_code, 0) << twice.out << twice.err;
  EXPECT_NE(twice.out.find("Nothing to undo"), std::string::npos) << twice.out;
  auto resync = run({"-m", fixture("checkout.md"), "-e", "PROJ-1", "-o", "json"});
  ASSERT_EQ(resync.exit_code, 0) << resync.out << resync.err;
  const json plan = json::parse(resync.out, nullptr, false);
  ASSERT_TRUE(plan.is_object()) << resync.out;
  EXPECT_EQ(plan["plan"]["conflicts"], json::array()) << resync.out;
  // The rollback is in the run record, after the sync it undid.
  const json list = runs();
  ASSERT_GE(list.size(), 3u);
  EXPECT_EQ(list[0].value("mode", ""), "rollback");
}

TEST_P(CliTrackerRollbackTest, FromAnEmptyBackupFolderWhatOthersChangedSinceIsAConflict) {
  ASSERT_EQ(sync(fixture("checkout.md"), /*backup=*/true).exit_code, 0);
  const json after_first = fields();
  ASSERT_EQ(sync(write("v2.md", v2())).exit_code, 0);
  // Another machine: no backup at all.
  std::filesystem::remove_all(backups());
  // Someone changes a field the sync wrote.
  const std::string story = key_of("Guest checkout");
  const json points = json{{"customfield_10016", 13}};
  auto edited = sim().edit_as_other(story, {{"fields", points}});
  ASSERT_EQ(edited.status, 200) << edited.raw;

  auto undone = rollback();
  EXPECT_EQ(undone.exit_code, 10) << undone.out << undone.err;  // a conflict
  EXPECT_NE(undone.err.find("no local backup of PROJ-1"), std::string::npos) << undone.err;
  const json now = fields();
  // The other person's value stays; everything else the sync did is undone.
  const std::string guest = "Checkout Revamp / Guest checkout";
  EXPECT_EQ(now.at(guest).at("points"), 13);
  json expected = after_first;
  expected[guest]["points"] = 13;
  EXPECT_EQ(now, expected) << differences(expected, now);
}

TEST_P(CliTrackerRollbackTest, RunPicksTheRunAndOnlyARollbackTakesIt) {
  // The seeded epic only; the sync is --no-backup and the backup folder stays empty.
  const json before = managed_state(sim().state());
  ASSERT_EQ(sync(fixture("checkout.md")).exit_code, 0);
  int kept = 0;  // the lock file may be there; no backup is
  if (std::filesystem::exists(backups() + "/PROJ-1")) {
    for (const auto& e : std::filesystem::directory_iterator(backups() + "/PROJ-1")) {
      kept += e.path().filename().string().rfind("backup_", 0) == 0;
    }
  }
  ASSERT_EQ(kept, 0);
  const std::string first = runs()[0].value("id", "");
  auto unknown = run({"--rollback", "-e", "PROJ-1", "--run", "20200101T000000Z-000000"});
  EXPECT_EQ(unknown.exit_code, 7) << unknown.out << unknown.err;
  EXPECT_NE(unknown.err.find("--list-runs"), std::string::npos) << unknown.err;
  EXPECT_EQ(run({"--run", first, "-e", "PROJ-1"}).exit_code, 2);
  EXPECT_EQ(run({"--from-tracker", "-e", "PROJ-1", "--restore-backup", "x"}).exit_code, 2);
  auto named = rollback({"--run", first});
  ASSERT_EQ(named.exit_code, 0) << named.out << named.err;
  EXPECT_EQ(sim().state()["issues"].size(), 1u);  // what the run created is gone
  // Every managed field and status of the epic as before the sync, its epicsync property too
  // (it had none).
  const json after = managed_state(sim().state());
  EXPECT_EQ(after, before) << differences(before, after);
}

INSTANTIATE_TEST_SUITE_P(Flavours, CliTrackerRollbackTest, ::testing::Values("cloud", "datacenter"),
                         [](const auto& info) { return info.param; });

INSTANTIATE_TEST_SUITE_P(Flavours, CliRunsTest, ::testing::Values("cloud", "datacenter"),
                         [](const auto& info) { return info.param; });

}  // namespace runs_test
}  // namespace epicsync::testing
