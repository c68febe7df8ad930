#include <gtest/gtest.h>
#include <signal.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <regex>
#include <thread>

#include "backup/backup_store.h"
#include "backup/journal_record.h"
#include "backup/manifest.h"
#include "epic_generator.h"
#include "support/cli_sim_test.h"
#include "support/jira_sim_fixture.h"
#include "support/managed_state.h"
#include "support/subprocess.h"

namespace epicsync::testing {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

class CliRollbackTest : public CliSimTest {
 protected:
  CliRollbackTest() { no_color_ = true; }
  ProcessResult sync(const std::string& file) {
    return run({"-m", file, "-e", "PROJ-1", "--execute", "--no-confirm"});
  }
  ProcessResult rollback(std::vector<std::string> extra = {}) {
    std::vector<std::string> a = {"--rollback", "-e", "PROJ-1", "--execute", "--no-confirm"};
    a.insert(a.end(), extra.begin(), extra.end());
    return run(a);
  }
  json managed() { return managed_state(sim().state()); }
  // The checkout epic, changed the way a second sync would change it: points, statuses both
  // ways (Done → To Do, To Do → Done: several workflow steps each), a description, a new
  // sub-task, a new commit in the Related Commits comment, and a new story.
  std::string checkout_v2() {
    std::string t = read(fixture("checkout.md"));
    replace(
        t,
        "| **Story Points** | 5 |\n| **Priority** | 🔴 Critical |\n| **Status** | 🔄 In Progress |",
        "| **Story Points** | 8 |\n| **Priority** | 🔴 Critical |\n| **Status** | 🔄 In Progress |");
    replace(t,
            "| **Story Points** | 3 |\n| **Priority** | 🟡 High |\n| **Status** | 📋 Planned |",
            "| **Story Points** | 3 |\n| **Priority** | 🟡 High |\n| **Status** | ✅ Done |");
    replace(t, "Guests give an email address and a shipping address, nothing else.",
            "Guests give an email address only.");
    replace(t, "| 1 | Guest form | Email and address form with inline validation | 2 | ✅ Done |",
            "| 1 | Guest form | Email and address form with inline validation | 2 | 📋 Planned |\n"
            "| 4 | Guest analytics | Count guest conversions | 1 | 📋 Planned |");
    replace(t, "| `e4f5a6b` | test: guest form validation |",
            "| `e4f5a6b` | test: guest form validation |\n| `0a1b2c3` | fix: trim guest emails |");
    t += "\n---\n\n### SHOP-104: Saved carts\n\n**Story Points**: 2\n**Status**: 🔄 In Progress\n\n"
         "#### Description\n\nShoppers come back to the cart they left.\n";
    return t;
  }
};

TEST_F(CliRollbackTest, ExampleEpicsSyncedThenRolledBackLeaveTheTrackerAsBefore) {
  for (const std::string name : {"checkout.md", "mixed-formats.md"}) {
    sim().reset(/*seed=*/true);
    const json before = managed();
    auto synced = sync(fixture(name));
    ASSERT_EQ(synced.exit_code, 0) << synced.out << synced.err;
    ASSERT_NE(managed(), before);

    auto preview = run({"--rollback", "-e", "PROJ-1"});
    EXPECT_EQ(preview.exit_code, 0) << preview.err;
    EXPECT_NE(preview.out.find("Preview: nothing was changed"), std::string::npos) << preview.out;
    EXPECT_NE(preview.out.find("delete story"), std::string::npos) << preview.out;

    auto undone = rollback();
    ASSERT_EQ(undone.exit_code, 0) << name << "\n" << undone.out << undone.err;
    EXPECT_EQ(managed(), before) << name << "\n" << differences(before, managed());
    EXPECT_NE(undone.out.find("Undo it with: epicsync --restore-backup backup_"), std::string::npos)
        << undone.out;
  }
}

// The journal as epicsync 0.1 wrote it (backup format 1): each intent the plan's display JSON
// plus "sent" with the new issue's identity inside, each outcome {"ok", "unknown"}.
json first_format_intent(const backup::IntentRecord& r) {
  json sent = r.sent;
  if (!r.identity_of_issue.empty()) sent["identity_of_issue"] = r.identity_of_issue;
  return {{"kind", backup::write_kind_id(r.kind)},
          {"story", r.story},
          {"issue", r.issue.empty() ? json(nullptr) : json(r.issue)},
          {"summary", "as shown"},
          {"sent", sent}};
}
json first_format_outcome(const backup::OutcomeRecord& r) {
  json j = to_json(r);
  j.erase("v");
  j.erase("outcome");
  j["ok"] = r.outcome == backup::Outcome::kDone;
  if (r.outcome == backup::Outcome::kUnknown) j["unknown"] = true;
  return j;
}

// Backups taken by an older epicsync still undo what it did: the journal records have their own
// versioned schema, read whatever the version of epicsync that wrote them.
TEST_F(CliRollbackTest, ABackupInTheFirstFormatStillRollsBackExactly) {
  const json before = managed();
  auto synced = sync(fixture("checkout.md"));
  ASSERT_EQ(synced.exit_code, 0) << synced.out << synced.err;
  ASSERT_NE(managed(), before);

  backup::BackupStore store({backups(), "test", {}});
  auto latest = store.latest("PROJ-1", backup::Trigger::kPreSync);
  ASSERT_TRUE(latest) << latest.error().message;
  auto journal = store.read_journal(*latest);
  ASSERT_TRUE(journal) << journal.error().message;
  auto ops = backup::journal_ops(*journal);
  ASSERT_TRUE(ops) << ops.error().message;
  ASSERT_GT(ops->size(), 10u);
  EXPECT_EQ(journal->records.front().data["v"], backup::kJournalRecordVersion);

  // Rewrite the backup as 0.1 left it: journal records of version 1, manifest format 1.
  fs::remove(latest->dir / backup::kJournalFile);
  fs::remove(latest->dir / "journal.sealed");
  auto writer = backup::JournalWriter::open(latest->dir / backup::kJournalFile,
                                            [] { return std::chrono::system_clock::now(); });
  ASSERT_TRUE(writer) << writer.error().message;
  for (const auto& op : *ops) {
    ASSERT_TRUE(writer->intent(op.op, first_format_intent(op.intent)));
    if (op.outcome) {
      ASSERT_TRUE(writer->outcome(op.op, first_format_outcome(*op.outcome)));
    }
  }
  ASSERT_TRUE(writer->seal());
  const fs::path manifest_file = latest->dir / backup::kManifestFile;
  json manifest = json::parse(read(manifest_file.string()));
  manifest["format_version"] = 1;
  std::ofstream(manifest_file, std::ios::trunc) << manifest.dump(2);
  auto verified = run({"--verify-backups", "-e", "PROJ-1"});
  ASSERT_EQ(verified.exit_code, 0) << verified.out << verified.err;

  auto undone = rollback();
  ASSERT_EQ(undone.exit_code, 0) << undone.out << undone.err;
  EXPECT_EQ(managed(), before) << differences(before, managed());
  EXPECT_NE(undone.out.find("Rolled back PROJ-1"), std::string::npos) << undone.out;
}

TEST_F(CliRollbackTest, RollbackRestoresEveryFieldStatusAndCommentAndIsItselfUndoable) {
  ASSERT_EQ(sync(fixture("checkout.md")).exit_code, 0);
  const json after_first = managed();
  auto second = sync(write("v2.md", checkout_v2()));
  ASSERT_EQ(second.exit_code, 0) << second.out << second.err;
  const json after_second = managed();
  ASSERT_NE(after_second, after_first);

  sim().clear_log();
  auto preview = run({"--rollback", "-e", "PROJ-1"});
  ASSERT_EQ(preview.exit_code, 0) << preview.out << preview.err;
  EXPECT_EQ(writes(), 0) << "a preview writes nothing";
  EXPECT_NE(preview.out.find("restore Story Points: 8 → 5"), std::string::npos) << preview.out;
  EXPECT_NE(preview.out.find("transition back Done → To Do"), std::string::npos) << preview.out;
  EXPECT_NE(preview.out.find("transition back To Do → Done"), std::string::npos) << preview.out;
  EXPECT_NE(preview.out.find("delete sub-task"), std::string::npos) << preview.out;
  EXPECT_NE(preview.out.find("delete story"), std::string::npos) << preview.out;
  EXPECT_NE(preview.out.find("put back comment"), std::string::npos) << preview.out;

  auto undone = rollback();
  ASSERT_EQ(undone.exit_code, 0) << undone.out << undone.err;
  EXPECT_EQ(managed(), after_first) << differences(after_first, managed());
  EXPECT_NE(undone.out.find("Rolled back PROJ-1"), std::string::npos) << undone.out;
  // The first file is what the tracker says again: a sync of it has nothing to do.
  auto again = run({"-m", fixture("checkout.md"), "-e", "PROJ-1"});
  EXPECT_NE(again.out.find("Nothing to do"), std::string::npos) << again.out;
  // Rolling back again finds nothing left to undo.
  sim().clear_log();
  auto twice = rollback();
  EXPECT_EQ(twice.exit_code, 0) << twice.out;
  EXPECT_NE(twice.out.find("Nothing to undo"), std::string::npos) << twice.out;
  EXPECT_EQ(writes(), 0);

  // The pre-rollback backup brings back the state after the second sync.
  std::smatch m;
  ASSERT_TRUE(std::regex_search(undone.out, m, std::regex("--restore-backup (backup_\\S+)")));
  auto redo = run({"--restore-backup", m[1], "-e", "PROJ-1", "--execute", "--no-confirm"});
  ASSERT_EQ(redo.exit_code, 0) << redo.out << redo.err;
  EXPECT_EQ(managed(), after_second) << differences(after_second, managed());
  auto v2_again = run({"-m", dir_ + "/v2.md", "-e", "PROJ-1"});
  EXPECT_NE(v2_again.out.find("Nothing to do"), std::string::npos) << v2_again.out;
}

TEST_F(CliRollbackTest, AFieldSomeoneChangedIsAConflictUnlessForced) {
  ASSERT_EQ(sync(fixture("checkout.md")).exit_code, 0);
  const json after_first = managed();
  ASSERT_EQ(sync(write("v2.md", checkout_v2())).exit_code, 0);
  const std::string story = key_of("Guest checkout");
  const std::string analytics = key_of("Guest analytics");
  ASSERT_EQ(sim().edit_as_other(story, {{"fields", {{"customfield_10016", 13}}}}).status, 200);
  ASSERT_EQ(
      sim().edit_as_other(analytics, {{"fields", {{"summary", "Guest analytics (mine)"}}}}).status,
      200);

  auto r = rollback({"-o", "json"});
  EXPECT_EQ(r.exit_code, 10) << r.out << r.err;
  const json doc = json::parse(r.out);
  std::set<std::pair<std::string, std::string>> conflicts;
  for (const auto& c : doc["conflicts"])
    conflicts.insert({c["issue"].get<std::string>(), c["field"].get<std::string>()});
  EXPECT_TRUE(conflicts.count({story, "points"})) << doc["conflicts"].dump();
  EXPECT_TRUE(conflicts.count({analytics, "issue"})) << doc["conflicts"].dump();
  for (const auto& c : doc["conflicts"]) {
    if (c["issue"] == story) {
      EXPECT_EQ(c["wrote"], "8");
      EXPECT_EQ(c["now"], "13");
    }
  }
  json state = managed();
  EXPECT_EQ(state["Checkout Revamp / Guest checkout"]["points"], 13) << "kept";
  EXPECT_TRUE(state.contains("Guest checkout / Guest analytics (mine)")) << "not deleted";
  // Everything else was restored.
  EXPECT_EQ(state["Checkout Revamp / Guest checkout"]["description"],
            after_first["Checkout Revamp / Guest checkout"]["description"]);
  EXPECT_EQ(state["Checkout Revamp / Address autocomplete"],
            after_first["Checkout Revamp / Address autocomplete"]);

  auto forced = rollback({"--force"});
  EXPECT_EQ(forced.exit_code, 0) << forced.out << forced.err;
  EXPECT_EQ(managed(), after_first) << differences(after_first, managed());
}

TEST_F(CliRollbackTest, RestoreToAnOlderBackupAcrossTwoSyncsKeepsNewStories) {
  ASSERT_EQ(sync(fixture("checkout.md")).exit_code, 0);
  const json before = managed();
  auto manual = run({"--backup", "before-sprint", "-e", "PROJ-1", "-o", "json"});
  ASSERT_EQ(manual.exit_code, 0) << manual.out << manual.err;
  const std::string id = json::parse(manual.out)["backup"]["id"];
  std::string v2 = checkout_v2();
  ASSERT_EQ(sync(write("v2.md", v2)).exit_code, 0);
  std::string v3 = v2;
  replace(v3, "| **Story Points** | 8 |", "| **Story Points** | 13 |");
  v3 += "\n---\n\n### SHOP-105: Gift wrapping\n\n**Story Points**: 1\n**Status**: 📋 Planned\n";
  ASSERT_EQ(sync(write("v3.md", v3)).exit_code, 0);
  const std::string saved_carts = key_of("Saved carts");
  const std::string gift = key_of("Gift wrapping");

  auto preview = run({"--restore-backup", id, "-e", "PROJ-1"});
  EXPECT_EQ(preview.exit_code, 0);
  EXPECT_NE(preview.out.find("restore Story Points: 13 → 5"), std::string::npos) << preview.out;
  auto r = run({"--restore-backup", id, "-e", "PROJ-1", "--execute", "--no-confirm"});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_NE(r.out.find("kept " + saved_carts + " 'Saved carts'"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("kept " + gift + " 'Gift wrapping'"), std::string::npos) << r.out;
  json state = managed();
  EXPECT_TRUE(state.contains("Checkout Revamp / Saved carts"));
  EXPECT_TRUE(state.contains("Checkout Revamp / Gift wrapping"));
  EXPECT_FALSE(state.contains("Guest checkout / Guest analytics")) << "sub-task created since";
  state.erase("Checkout Revamp / Saved carts");
  state.erase("Checkout Revamp / Gift wrapping");
  EXPECT_EQ(state, before) << differences(before, state);
}

TEST_F(CliRollbackTest, IssueAndStoryFiltersLimitTheRollback) {
  ASSERT_EQ(sync(fixture("checkout.md")).exit_code, 0);
  const json after_first = managed();
  ASSERT_EQ(sync(write("v2.md", checkout_v2())).exit_code, 0);
  const json after_second = managed();
  const std::string autocomplete = key_of("Address autocomplete");
  auto r = rollback({"--issue", autocomplete});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  json state = managed();
  EXPECT_EQ(state["Checkout Revamp / Address autocomplete"],
            after_first["Checkout Revamp / Address autocomplete"]);
  EXPECT_EQ(state["Checkout Revamp / Guest checkout"],
            after_second["Checkout Revamp / Guest checkout"])
      << "outside --issue";
  auto s = rollback({"--story", "SHOP-101"});
  ASSERT_EQ(s.exit_code, 0) << s.out << s.err;
  state = managed();
  EXPECT_EQ(state["Checkout Revamp / Guest checkout"],
            after_first["Checkout Revamp / Guest checkout"]);
  EXPECT_FALSE(state.contains("Guest checkout / Guest analytics"));
  EXPECT_TRUE(state.contains("Checkout Revamp / Saved carts")) << "SHOP-104 is outside --story";
  EXPECT_EQ(run({"--rollback", "-e", "PROJ-1", "--issue", "PROJ-999"}).exit_code, 2);
}

TEST_F(CliRollbackTest, AGeneratedHundredStoryEpicRollsBack) {
  bench::GeneratorOptions g;
  g.stories = 100;
  g.subtasks_per_story = 2;
  g.seed = 7;
  model::Epic epic = bench::generate_epic_for_sim(g);
  auto first = sync(write("v1.md", bench::render_epic(epic)));
  ASSERT_EQ(first.exit_code, 0) << first.out << first.err;
  const json after_first = managed();
  // Every story moves: To Do ↔ Done and In Progress → In Review, several workflow steps each.
  using model::StatusMeaning;
  for (auto& s : epic.stories) {
    if (s.points) *s.points += 1;
    if (!s.status) continue;
    switch (s.status->meaning) {
      case StatusMeaning::kToDo:
        s.status->meaning = StatusMeaning::kDone;
        s.status->text = "Done";
        break;
      case StatusMeaning::kDone:
        s.status->meaning = StatusMeaning::kToDo;
        s.status->text = "To Do";
        break;
      default:
        s.status->meaning = StatusMeaning::kInReview;
        s.status->text = "In Review";
        break;
    }
  }
  auto second = sync(write("v2.md", bench::render_epic(epic)));
  ASSERT_EQ(second.exit_code, 0) << second.out << second.err;
  ASSERT_NE(managed(), after_first);
  auto undone = rollback();
  ASSERT_EQ(undone.exit_code, 0) << undone.out << undone.err;
  EXPECT_EQ(managed(), after_first) << differences(after_first, managed());
}

class CliRollbackDataCenterTest : public CliRollbackTest {
 protected:
  std::vector<std::string> sim_args() const override {
    return {"--seed", "--flavour", "datacenter"};
  }
};

// Wiki markup instead of ADF: descriptions and comments go back exactly as the backup holds them.
TEST_F(CliRollbackDataCenterTest, RollbackAndItsUndoOnDataCenter) {
  auto first = sync(fixture("checkout.md"));
  ASSERT_EQ(first.exit_code, 0) << first.out << first.err;
  const json after_first = managed();
  ASSERT_EQ(sync(write("v2.md", checkout_v2())).exit_code, 0);
  const json after_second = managed();
  auto undone = rollback();
  ASSERT_EQ(undone.exit_code, 0) << undone.out << undone.err;
  EXPECT_EQ(managed(), after_first) << differences(after_first, managed());
  std::smatch m;
  ASSERT_TRUE(std::regex_search(undone.out, m, std::regex("--restore-backup (backup_\\S+)")));
  auto redo = run({"--restore-backup", m[1], "-e", "PROJ-1", "--execute", "--no-confirm"});
  ASSERT_EQ(redo.exit_code, 0) << redo.out << redo.err;
  EXPECT_EQ(managed(), after_second) << differences(after_second, managed());
}

class CliRollbackKilledTest : public CliRollbackTest {
 protected:
  std::vector<std::string> sim_args() const override { return {"--seed", "--latency-ms", "15"}; }
  // Records in the journal of the newest backup of that trigger (0 when there is none yet).
  size_t journal_records(backup::Trigger trigger) {
    backup::BackupStore store({backups(), "test", {}});
    auto latest = store.latest("PROJ-1", trigger);
    if (!latest) return 0;
    auto journal = store.read_journal(*latest);
    return journal ? journal->records.size() : 0;
  }
  // Starts the run and kills it (-9) once its journal shows `records` records: half-way through
  // its writes, however slow the machine.
  void kill_midway(std::vector<std::string> args, backup::Trigger trigger, size_t records) {
    const size_t before = journal_records(trigger);
    args.insert(args.begin(), EPICSYNC_PATH);
    BackgroundProcess victim(args, options());
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(120);
    while (std::chrono::steady_clock::now() < deadline) {
      const size_t now = journal_records(trigger);
      if ((now != before && now >= records) || !victim.running()) break;
      std::this_thread::sleep_for(std::chrono::milliseconds(2));
    }
    EXPECT_TRUE(victim.running()) << "the run ended before its journal had " << records
                                  << " records: no kill happened";
    victim.stop(SIGKILL);
  }
};

// Kill points early, middle and late in the run: after the first writes, mid-way through the
// updates and transitions, and among the last ones.
constexpr size_t kKillPoints[] = {2, 6, 11};

TEST_F(CliRollbackKilledTest, ASyncKilledHalfWayRollsBackExactly) {
  for (size_t at : kKillPoints) {
    sim().reset(/*seed=*/true);
    fs::remove_all(backups());
    ASSERT_EQ(sync(fixture("checkout.md")).exit_code, 0);
    const json after_first = managed();
    const std::string v2 = write("v2.md", checkout_v2());
    kill_midway({"-m", v2, "-e", "PROJ-1", "--execute", "--no-confirm"}, backup::Trigger::kPreSync,
                at);
    ASSERT_GT(journal_records(backup::Trigger::kPreSync), 0u);
    auto undone = rollback();
    ASSERT_EQ(undone.exit_code, 0) << "killed at record " << at << "\n" << undone.out << undone.err;
    EXPECT_EQ(managed(), after_first) << "killed at record " << at << "\n"
                                      << differences(after_first, managed());
  }
}

TEST_F(CliRollbackKilledTest, ARollbackKilledHalfWayConvergesWhenRunAgain) {
  for (size_t at : kKillPoints) {
    sim().reset(/*seed=*/true);
    fs::remove_all(backups());
    ASSERT_EQ(sync(fixture("checkout.md")).exit_code, 0);
    const json after_first = managed();
    ASSERT_EQ(sync(write("v2.md", checkout_v2())).exit_code, 0);
    kill_midway({"--rollback", "-e", "PROJ-1", "--execute", "--no-confirm"},
                backup::Trigger::kPreRollback, at);
    ASSERT_GT(journal_records(backup::Trigger::kPreRollback), 0u) << "the rollback had begun";
    auto again = rollback();
    ASSERT_EQ(again.exit_code, 0) << "killed at record " << at << "\n" << again.out << again.err;
    EXPECT_EQ(managed(), after_first) << "killed at record " << at << "\n"
                                      << differences(after_first, managed());
    auto third = rollback();
    EXPECT_NE(third.out.find("Nothing to undo"), std::string::npos) << third.out;
  }
}

}  // namespace
}  // namespace epicsync::testing
