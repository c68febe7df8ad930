// Portable backups (issue 16, items 4 and 5): a backup exported on one machine and imported into
// another store is a backup like any other there: --rollback from it undoes the sync. A changed,
// newer or path-smuggling export is refused and adds nothing; an identical one is skipped; a
// different one under an id the store holds is never merged.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "backup/sha256.h"
#include "support/cli_sim_test.h"

namespace epicsync::testing {
namespace {

using nlohmann::json;
namespace fs = std::filesystem;

class CliPortableBackupTest : public CliSimTest {
 protected:
  CliPortableBackupTest() { no_color_ = true; }
  void write(const std::string& path, const std::string& text) {
    std::ofstream(path, std::ios::binary) << text;
  }
  // The export with its checksum made right again after a change, as a forger would.
  std::string resealed(json doc) {
    doc.erase("sha256");
    doc["sha256"] = backup::sha256_hex(doc.dump());
    return doc.dump();
  }
  ProcessResult in_store(const std::string& store, std::vector<std::string> args) {
    args.push_back("--backup-dir");
    args.push_back(store);
    return run(args);
  }
  size_t backups_in(const std::string& store) {
    auto listed = in_store(store, {"--list-backups", "-o", "json"});
    const json doc = json::parse(listed.out, nullptr, false);
    return doc.is_object() ? doc["backups"].size() : 999;
  }
};

TEST_F(CliPortableBackupTest, AnExportImportedElsewhereRollsTheSyncBack) {
  auto synced = run({"-m", fixture("checkout.md"), "-e", "PROJ-1", "--execute", "--no-confirm"});
  ASSERT_EQ(synced.exit_code, 0) << synced.out << synced.err;
  auto listed = run({"--list-backups", "-o", "json"});
  const json backups = json::parse(listed.out)["backups"];
  ASSERT_EQ(backups.size(), 1u);
  const std::string id = backups[0]["id"];
  EXPECT_FALSE(backups[0]["host"].get<std::string>().empty()) << "who took it is recorded";
  EXPECT_FALSE(backups[0]["user"].get<std::string>().empty());
  auto text_list = run({"--list-backups"});
  EXPECT_NE(text_list.out.find(backups[0]["user"].get<std::string>() + "@"), std::string::npos)
      << text_list.out;

  const std::string file = dir_ + "/shared.epicsync-backup";
  auto exported = run({"--export-backup", id, file});
  ASSERT_EQ(exported.exit_code, 0) << exported.out << exported.err;
  EXPECT_EQ(run({"--export-backup", id, file}).exit_code, 2) << "an existing file is kept";

  // Another machine: an empty store.
  const std::string other = dir_ + "/other-store";
  auto imported = in_store(other, {"--import-backup", file});
  ASSERT_EQ(imported.exit_code, 0) << imported.out << imported.err;
  EXPECT_NE(imported.out.find("Imported backup " + id + " of PROJ-1"), std::string::npos)
      << imported.out;
  auto again = in_store(other, {"--import-backup", file, "-o", "json"});
  ASSERT_EQ(again.exit_code, 0) << again.out << again.err;
  EXPECT_EQ(json::parse(again.out)["already_there"], true);
  auto verified = in_store(other, {"--verify-backups"});
  EXPECT_EQ(verified.exit_code, 0) << verified.out << verified.err;

  auto undo = in_store(other, {"--rollback", "-e", "PROJ-1", "--execute", "--no-confirm"});
  ASSERT_EQ(undo.exit_code, 0) << undo.out << undo.err;
  EXPECT_EQ(sim().state()["issues"].size(), 1u) << "only the epic is left";
  EXPECT_EQ(sim().get("/rest/api/3/issue/PROJ-1").body["fields"]["summary"], "Demo epic");
}

TEST_F(CliPortableBackupTest, AChangedNewerOrPathSmugglingExportIsRefusedAndAddsNothing) {
  ASSERT_EQ(
      run({"-m", fixture("checkout.md"), "-e", "PROJ-1", "--execute", "--no-confirm"}).exit_code,
      0);
  const std::string id = json::parse(run({"--list-backups", "-o", "json"}).out)["backups"][0]["id"];
  const std::string file = dir_ + "/b.json";
  ASSERT_EQ(run({"--export-backup", id, file, "-e", "PROJ-1"}).exit_code, 0);
  const std::string original = read(file);
  const json doc = json::parse(original);
  const std::string store = dir_ + "/fresh";

  // One character changed inside the snapshot.
  std::string tampered = original;
  const auto at = tampered.find("Guest checkout");
  ASSERT_NE(at, std::string::npos);
  tampered[at] = 'X';
  write(dir_ + "/tampered.json", tampered);
  auto r = in_store(store, {"--import-backup", dir_ + "/tampered.json"});
  EXPECT_EQ(r.exit_code, 3) << r.out << r.err;
  EXPECT_NE(r.err.find("checksum does not match"), std::string::npos) << r.err;

  // Re-sealed, the changed snapshot still fails the manifest's own checksum.
  json forged = doc;
  forged["files"]["snapshot.json"] = forged["files"]["snapshot.json"].get<std::string>() + " ";
  write(dir_ + "/forged.json", resealed(forged));
  r = in_store(store, {"--import-backup", dir_ + "/forged.json"});
  EXPECT_EQ(r.exit_code, 3) << r.out << r.err;
  EXPECT_NE(r.err.find("snapshot.json does not match"), std::string::npos) << r.err;

  // A member named like a path is never written anywhere.
  json smuggled = doc;
  smuggled["files"]["../../escaped.txt"] = "x";
  write(dir_ + "/smuggled.json", resealed(smuggled));
  r = in_store(store, {"--import-backup", dir_ + "/smuggled.json"});
  EXPECT_EQ(r.exit_code, 3) << r.out << r.err;
  EXPECT_NE(r.err.find("not a plain file"), std::string::npos) << r.err;
  EXPECT_FALSE(fs::exists(dir_ + "/escaped.txt"));
  EXPECT_FALSE(fs::exists(store + "/escaped.txt"));

  // A newer export format.
  json newer = doc;
  newer["version"] = 99;
  write(dir_ + "/newer.json", resealed(newer));
  r = in_store(store, {"--import-backup", dir_ + "/newer.json"});
  EXPECT_EQ(r.exit_code, 3) << r.out << r.err;
  EXPECT_NE(r.err.find("newer than this epicsync reads"), std::string::npos) << r.err;

  // Not an export at all.
  write(dir_ + "/other.json", "{\"hello\": 1}");
  EXPECT_EQ(in_store(store, {"--import-backup", dir_ + "/other.json"}).exit_code, 3);
  EXPECT_EQ(backups_in(store), 0u) << "nothing was added";
  if (fs::exists(store + "/PROJ-1")) {
    for (const auto& e : fs::directory_iterator(store + "/PROJ-1")) ADD_FAILURE() << e.path();
  }

  // A different backup under an id the store holds: refused, the held one unchanged.
  ASSERT_EQ(in_store(store, {"--import-backup", file}).exit_code, 0);
  json different = doc;
  json manifest = json::parse(different["files"]["manifest.json"].get<std::string>());
  manifest["notes"] = "someone else's";
  different["files"]["manifest.json"] = manifest.dump(2) + "\n";
  write(dir_ + "/different.json", resealed(different));
  r = in_store(store, {"--import-backup", dir_ + "/different.json"});
  EXPECT_EQ(r.exit_code, 2) << r.out << r.err;
  EXPECT_NE(r.err.find("already in the store and differs"), std::string::npos) << r.err;
  EXPECT_EQ(backups_in(store), 1u);
  auto verified = in_store(store, {"--verify-backups"});
  EXPECT_EQ(verified.exit_code, 0) << verified.out << verified.err;
}

// A backup whose journal is unsealed (its run was cut short on the other machine) is imported,
// but never continued here: this machine's sync takes a backup of its own.
TEST_F(CliPortableBackupTest, AnImportedUnsealedRunIsNotContinuedHere) {
  ASSERT_EQ(
      run({"-m", fixture("checkout.md"), "-e", "PROJ-1", "--execute", "--no-confirm"}).exit_code,
      0);
  const json listed = json::parse(run({"--list-backups", "-o", "json"}).out)["backups"][0];
  const std::string id = listed["id"];
  ASSERT_TRUE(fs::remove(listed["path"].get<std::string>() + "/journal.sealed"));
  const std::string file = dir_ + "/cut-short.json";
  ASSERT_EQ(run({"--export-backup", id, file}).exit_code, 0);
  const std::string other = dir_ + "/other-store";
  ASSERT_EQ(in_store(other, {"--import-backup", file}).exit_code, 0);

  auto synced = in_store(
      other, {"-m", fixture("mixed-formats.md"), "-e", "PROJ-1", "--execute", "--no-confirm"});
  ASSERT_EQ(synced.exit_code, 0) << synced.out << synced.err;
  EXPECT_EQ(synced.out.find("continu"), std::string::npos) << synced.out;
  EXPECT_EQ(backups_in(other), 2u) << "its own backup, beside the imported one";
}

// A backup imported after its sync was already undone elsewhere: the issues that sync deleted
// are back under new keys, and a rollback from the import must restore those, not create a
// second copy of each.
TEST_F(CliPortableBackupTest, ARollbackFromAnImportNeverMakesASecondCopy) {
  std::ofstream(dir_ + "/.epicsync.yaml") << "jira:\n  prune: delete\n";
  const std::string two =
      "# E\n\n### US-1: First story\nOne.\n\n#### Subtasks\n- [ ] Alpha\n- [ ] Beta\n\n"
      "### US-2: Second story\nTwo.\n\n#### Subtasks\n- [ ] Gamma\n";
  write(dir_ + "/epic.md", two);
  auto args = [&](std::vector<std::string> more) {
    std::vector<std::string> a = {"-m", dir_ + "/epic.md", "-e", "PROJ-1", "-x", "--no-confirm"};
    a.insert(a.end(), more.begin(), more.end());
    return a;
  };
  ASSERT_EQ(run(args({})).exit_code, 0);
  write(dir_ + "/epic.md", two.substr(0, two.find("### US-2")));
  auto pruned = run(args({"--prune"}));
  ASSERT_EQ(pruned.exit_code, 0) << pruned.out << pruned.err;
  EXPECT_NE(pruned.out.find("deleted 1 issue"), std::string::npos) << pruned.out;
  const json listed = json::parse(run({"--list-backups", "-o", "json"}).out)["backups"];
  const std::string id = listed.back()["id"];
  auto local = run({"--rollback", "-e", "PROJ-1", "-x", "--no-confirm"});
  ASSERT_EQ(local.exit_code, 0) << local.out << local.err;
  ASSERT_EQ(run({"--export-backup", id, dir_ + "/prune.json"}).exit_code, 0);
  const std::string other = dir_ + "/other-store";
  ASSERT_EQ(in_store(other, {"--import-backup", dir_ + "/prune.json"}).exit_code, 0);

  auto undo = in_store(other, {"--rollback", "-e", "PROJ-1", "-x", "--no-confirm"});
  EXPECT_EQ(undo.exit_code, 0) << undo.out << undo.err;
  std::map<std::string, int> per_summary;
  const json state = sim().state();  // held: a range-for over a temporary dangles
  for (const auto& i : state["issues"]) per_summary[i.value("summary", "")]++;
  std::string all;
  for (const auto& [summary, n] : per_summary) all += summary + " x" + std::to_string(n) + "; ";
  EXPECT_EQ(per_summary["Second story"], 1) << undo.out << all;
  EXPECT_EQ(per_summary["Gamma"], 1) << undo.out;
  EXPECT_EQ(per_summary["Beta"], 1) << undo.out;
}

// jira.notify: false (issue 17, item 3): Cloud edits ask Jira not to e-mail watchers; a user
// who may not switch that off gets one warning and the edits go through as usual.
class CliNotifyTest : public CliSimTest {
 protected:
  std::vector<std::pair<std::string, std::string>> edits() {
    std::vector<std::pair<std::string, std::string>> out;
    for (const auto& r : sim().request_log()) {
      if (r.value("method", "") == "PUT" &&
          r.value("path", "").rfind("/rest/api/3/issue/", 0) == 0 &&
          r.value("path", "").find("/properties/") == std::string::npos) {
        out.emplace_back(r.value("query", ""), std::to_string(r.value("status", 0)));
      }
    }
    return out;
  }
  ProcessResult sync() {
    return run({"-m", fixture("checkout.md"), "-e", "PROJ-1", "--execute", "--no-confirm"});
  }
};

TEST_F(CliNotifyTest, EditsAskJiraNotToNotifyWhenConfigured) {
  std::ofstream(dir_ + "/.epicsync.yaml") << "jira:\n  notify: false\n";
  auto r = sync();
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  const auto sent = edits();
  ASSERT_FALSE(sent.empty()) << "the epic's own fields are edited";
  for (const auto& [query, status] : sent) {
    EXPECT_EQ(query, "notifyUsers=false");
    EXPECT_EQ(status, "204");
  }
  EXPECT_EQ(r.err.find("jira.notify"), std::string::npos) << r.err;
}

TEST_F(CliNotifyTest, ByDefaultEditsNotifyAsUsual) {
  auto r = sync();
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  ASSERT_FALSE(edits().empty());
  for (const auto& [query, status] : edits()) EXPECT_EQ(query, "") << status;
}

class CliNotifyRefusedTest : public CliNotifyTest {
 protected:
  std::vector<std::string> sim_args() const override { return {"--seed", "--no-project-admin"}; }
};

TEST_F(CliNotifyRefusedTest, AUserWhoMayNotSilenceEditsIsWarnedOnceAndTheEditsGoThrough) {
  std::ofstream(dir_ + "/.epicsync.yaml") << "jira:\n  notify: false\n";
  // A second epic version edits several issues, so the fallback is seen to stick.
  ASSERT_EQ(sync().exit_code, 0);
  std::string v2;
  {
    std::ifstream in(fixture("checkout.md"));
    std::stringstream s;
    s << in.rdbuf();
    v2 = s.str();
  }
  for (const char* from : {"| **Story Points** | 5 |", "| **Story Points** | 3 |"}) {
    const auto at = v2.find(from);
    ASSERT_NE(at, std::string::npos) << from;
    v2.replace(at, std::string(from).size(), "| **Story Points** | 13 |");
  }
  const std::string file = dir_ + "/v2.md";
  std::ofstream(file) << v2;
  sim().clear_log();
  auto r = run({"-m", file, "-e", "PROJ-1", "--execute", "--no-confirm"});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  const auto sent = edits();
  size_t refused = 0, quiet = 0;
  for (const auto& [query, status] : sent) {
    refused += status == "400";
    quiet += query == "notifyUsers=false";
  }
  EXPECT_LE(refused, 2u) << "at most the edits already in flight are refused";
  EXPECT_EQ(quiet, refused) << "after the refusal no edit asks again";
  EXPECT_GE(sent.size() - refused, 2u) << "both stories were edited";
  EXPECT_NE(r.err.find("warning: jira.notify: false needs the Administer Projects permission"),
            std::string::npos)
      << r.err;
  const auto first = r.err.find("jira.notify: false needs");
  EXPECT_EQ(r.err.find("jira.notify: false needs", first + 1), std::string::npos) << "once";
}

}  // namespace
}  // namespace epicsync::testing
