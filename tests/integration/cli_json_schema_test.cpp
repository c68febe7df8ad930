// Every JSON document epicsync prints, produced by the real binary against jira-sim and checked
// with ajv against its schema in docs/schema/ (issue 18, item 6): one vocabulary, written down.

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "support/cli_sim_test.h"
#include "support/managed_state.h"
#include "support/subprocess.h"

namespace epicsync::testing {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

class CliJsonSchemaTest : public CliSimTest {
 protected:
  // Runs the command with -o json, keeps its document for `schema`, and returns it.
  json document(const std::string& schema, std::vector<std::string> args, int want_exit = 0) {
    args.insert(args.end(), {"-o", "json"});
    auto r = run(args);
    EXPECT_EQ(r.exit_code, want_exit) << schema << ": " << r.out << r.err;
    const std::string file =
        dir_ + "/" + schema + "-" + std::to_string(docs_[schema].size()) + ".json";
    std::ofstream(file) << r.out;
    docs_[schema].push_back(file);
    auto doc = json::parse(r.out, nullptr, false);
    EXPECT_FALSE(doc.is_discarded()) << "not one JSON document:\n" << r.out;
    return doc;
  }
  // ajv's verdict on every document kept for `schema` (exit 0: all valid).
  ProcessResult check(const std::string& schema, const std::vector<std::string>& files) {
    std::vector<std::string> argv = {node_, SCHEMA_VALIDATOR_JS, SCHEMA_DIR, schema};
    argv.insert(argv.end(), files.begin(), files.end());
    ProcessOptions o;
    o.timeout = std::chrono::seconds(60);
    return run_process(argv, o);
  }
  void SetUp() override {
    CliSimTest::SetUp();
    node_ = find_program("node", "/usr/bin/node");
    ASSERT_FALSE(node_.empty()) << "node is not installed: run scripts/setup";
    ASSERT_TRUE(fs::exists(fs::path(SCHEMA_VALIDATOR_JS).parent_path() / "node_modules" / "ajv"))
        << "ajv is missing: run scripts/setup (npm ci in tools/adf-validate)";
  }
  std::map<std::string, std::vector<std::string>> docs_;
  std::string node_;
};

TEST_F(CliJsonSchemaTest, EveryDocumentOfEveryCommandMatchesItsSchema) {
  const std::string file = fixture("checkout.md");
  // Validate: a valid file and the deliberately invalid example.
  document("validate", {"--validate", "-m", file});
  document("validate", {"--validate", "-m", fixture("invalid.md")}, 6);
  // A dry run with everything to create, then the sync itself.
  json dry = document("dry-run", {"-m", file, "-e", "PROJ-1"});
  EXPECT_FALSE(dry["plan"]["operations"].empty());
  json done = document("execute", {"-m", file, "-e", "PROJ-1", "--execute", "--no-confirm"});
  EXPECT_TRUE(done["result"]["backup"].is_object()) << "the backup, named as everywhere";
  // Nothing left to do: the same document shape.
  document("execute", {"-m", file, "-e", "PROJ-1", "--execute", "--no-confirm"});

  // A second version of the file: field changes, a transition, a description diff.
  std::string text = read(file);
  const std::string from = "| **Story Points** | 5 |";
  ASSERT_NE(text.find(from), std::string::npos);
  text.replace(text.find(from), from.size(), "| **Story Points** | 8 |");
  const std::string planned = "| **Status** | 📋 Planned |";
  ASSERT_NE(text.find(planned), std::string::npos);
  text.replace(text.find(planned), planned.size(), "| **Status** | ✅ Done |");
  text += "\n---\n\n### SHOP-199: Gift wrap\n\n**Story Points**: 1\n\n#### Description\n\nWrap.\n";
  const std::string v2 = write("v2.md", text);
  json changed = document("dry-run", {"-m", v2, "-e", "PROJ-1", "--plan-out", dir_ + "/p.json"});
  EXPECT_EQ(changed["plan_file"], dir_ + "/p.json");
  bool saw_points = false, saw_status = false;
  for (const auto& op : changed["plan"]["operations"]) {
    for (const auto& c : op.value("changes", json::array())) {
      saw_points = saw_points || (c["field"] == "points" && c["from"] == "5" && c["to"] == "8");
    }
    saw_status = saw_status || (op["kind"] == "transition" && op["status"]["to"] == "Done");
  }
  EXPECT_TRUE(saw_points) << changed.dump(2);
  EXPECT_TRUE(saw_status) << changed.dump(2);
  document("execute", {"-m", v2, "-e", "PROJ-1", "--execute", "--no-confirm"});
  // The saved plan is what the tracker holds now: stale, as an error document.
  json stale = document("error", {"--apply", dir_ + "/p.json", "--no-confirm"}, 11);
  EXPECT_EQ(stale["error"]["kind"], "stale_plan");

  // Someone edits in Jira: the diff, then the rollback preview and the rollback (with a
  // conflict, exit 10), then --force.
  document("backups", {"--backup", "baseline", "-e", "PROJ-1"});
  json diff = document("diff", {"--diff-latest", "-e", "PROJ-1"});
  EXPECT_EQ(diff["backup"]["trigger"], "manual");
  document("rollback", {"--rollback", "-e", "PROJ-1"});
  json undone = document("rollback", {"--rollback", "-e", "PROJ-1", "--execute", "--no-confirm"});
  EXPECT_TRUE(undone["result"]["pre_rollback_backup"].is_object());
  const std::string pre = undone["result"]["pre_rollback_backup"]["id"];
  document("rollback", {"--restore-backup", pre, "-e", "PROJ-1"});

  document("backups", {"--list-backups"});
  document("backups", {"--list-backups", "-e", "PROJ-1"});
  document("backups", {"--verify-backups"});
  document("backups", {"--export-backup", pre, dir_ + "/pre.json", "-e", "PROJ-1"});
  document("backups", {"--import-backup", dir_ + "/pre.json", "--backup-dir", dir_ + "/elsewhere"});
  document("backups", {"--import-backup", dir_ + "/pre.json"});  // already there
  document("backups", {"--cleanup-backups", "--keep", "1", "-e", "PROJ-1"});

  // The run record, and a rollback from the tracker (issue 16): no backup, the run instead.
  json runs = document("runs", {"--list-runs", "-e", "PROJ-1"});
  EXPECT_FALSE(runs["runs"].empty());
  json tracked = document("rollback", {"--rollback", "-e", "PROJ-1", "--from-tracker"});
  EXPECT_TRUE(tracked["backup"].is_null());
  EXPECT_TRUE(tracked["run"].is_object());

  // Many epics in one run: each epic's document inside one.
  const std::string one = write("one.md",
                                "# One\n\n## Epic Summary\n| Field | Value |\n|---|---|\n"
                                "| Epic Key | PROJ-1 |\n\n### US-1: Alone\n");
  json many = document("many", {"-m", one, "-m", dir_ + "/missing.md"}, 3);
  EXPECT_EQ(many["mode"], "many");

  // --pull: a new file, an overwrite kept in a backup, one story refreshed in place.
  const std::string pulled = dir_ + "/pulled.md";
  document("pull", {"--pull", "-e", "PROJ-1", "-m", pulled});
  document("pull", {"--pull", "-e", "PROJ-1", "-m", pulled, "--force", "--pull-comments"});
  document("pull", {"--pull", "--issue", "PROJ-2", "-e", "PROJ-1", "-m", pulled});

  // Errors: a usage error, a file that is not there, an epic that does not exist.
  document("error", {"--rollback"}, 2);
  document("error", {"--validate", "-m", dir_ + "/missing.md"}, 3);
  document("error", {"-m", file, "-e", "PROJ-404"}, 7);

  for (const auto& [schema, files] : docs_) {
    auto verdict = check(schema, files);
    EXPECT_EQ(verdict.exit_code, 0) << schema << ":\n" << verdict.out << verdict.err;
  }
}

// The schemas are not vacuous: a document that renames a member or changes a status's shape is
// refused.
TEST_F(CliJsonSchemaTest, TheSchemasRefuseADocumentThatStrays) {
  json dry = document("dry-run", {"-m", fixture("checkout.md"), "-e", "PROJ-1"});
  ASSERT_TRUE(check("dry-run", {docs_["dry-run"][0]}).exit_code == 0);
  json renamed = dry;
  renamed["plan"]["operations"][0]["summery"] = "typo";
  json old_status = dry;
  int transitions = 0;
  for (auto& op : old_status["plan"]["operations"]) {
    if (op["kind"] == "transition") {
      op["to"] = op["status"]["to"];
      op.erase("status");
      ++transitions;
    }
  }
  ASSERT_GT(transitions, 0) << dry.dump(2);
  json old_field = dry;
  old_field["plan"]["operations"][0]["changes"] =
      json::array({{{"field", "Story Points"}, {"from", "3"}, {"to", "5"}}});
  for (const auto& [name, doc] : std::map<std::string, json>{
           {"renamed", renamed}, {"status", old_status}, {"field", old_field}}) {
    const std::string f = write("stray-" + name + ".json", doc.dump());
    auto verdict = check("dry-run", {f});
    EXPECT_EQ(verdict.exit_code, 1) << name << ": " << verdict.out << verdict.err;
  }
}

}  // namespace
}  // namespace epicsync::testing
