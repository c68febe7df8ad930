// --pull against jira-sim, Cloud and Data Center: an epic made in Jira (rich ADF or wiki written
// straight through the REST API, statuses moved, fields set, sub-tasks, a link, a Task) is
// written as a file, and a sync of that file plans nothing and writes nothing. An existing file
// is never overwritten without --force, and then kept in a backup; --pull --story takes the
// tracker's side of one story and keeps every other byte of the file.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "support/cli_sim_test.h"
#include "support/subprocess.h"

namespace epicsync::testing {
namespace pull_test {

using nlohmann::json;

json text(const std::string& t, json marks = nullptr) {
  json n = {{"type", "text"}, {"text", t}};
  // A braced list of one mark is that mark to some compilers: always an array.
  if (marks.is_object()) marks = json::array({marks});
  if (!marks.is_null()) n["marks"] = marks;
  return n;
}
json para(json content) {
  if (content.is_object()) content = json::array({content});  // one node braced is that node
  return {{"type", "paragraph"}, {"content", content}};
}

// A description as someone writes it in Jira Cloud's editor: a table, code with its language,
// nested and ordered lists, a link, emphasis, headings, a quote, a panel and a mention.
json rich_adf() {
  return {
      {"type", "doc"},
      {"version", 1},
      {"content",
       {
           {{"type", "heading"},
            {"attrs", {{"level", 2}}},
            {"content", json::array({text("Context")})}},
           para({text("Checkout must "), text("never", {{{"type", "strong"}}}),
                 text(" lose a cart; see "),
                 text("the spec",
                      {{{"type", "link"}, {"attrs", {{"href", "https://example.com/s"}}}}}),
                 text(".")}),
           {{"type", "bulletList"},
            {"content",
             {{{"type", "listItem"},
               {"content",
                {para({text("guests")}),
                 {{"type", "orderedList"},
                  {"attrs", {{"order", 3}}},
                  {"content",
                   {{{"type", "listItem"}, {"content", json::array({para({text("first")})})}},
                    {{"type", "listItem"},
                     {"content", json::array({para({text("second")})})}}}}}}}},
              {{"type", "listItem"}, {"content", json::array({para({text("members")})})}}}}},
           {{"type", "codeBlock"},
            {"attrs", {{"language", "java"}}},
            {"content", json::array({text("class Cart {\n  int items;\n}")})}},
           {{"type", "table"},
            {"content",
             {{{"type", "tableRow"},
               {"content",
                {{{"type", "tableHeader"}, {"content", json::array({para({text("Case")})})}},
                 {{"type", "tableHeader"}, {"content", json::array({para({text("Result")})})}}}}},
              {{"type", "tableRow"},
               {"content",
                {{{"type", "tableCell"}, {"content", json::array({para({text("empty cart")})})}},
                 {{"type", "tableCell"},
                  {"content", json::array({para({text("error", {{{"type", "em"}}})})})}}}}}}}},
           {{"type", "blockquote"},
            {"content", json::array({para({text("Quoted from support.")})})}},
           {{"type", "panel"},
            {"attrs", {{"panelType", "warning"}}},
            {"content", json::array({para({text("Payments are live.")})})}},
           para({text("Ask "),
                 {{"type", "mention"},
                  {"attrs", {{"id", "557058:0f3c1a2b-sim-0002"}, {"text", "@Other User"}}}},
                 text(" before merging.")}),
           {{"type", "heading"},
            {"attrs", {{"level", 3}}},
            {"content", json::array({text("Acceptance Criteria")})}},
           {{"type", "taskList"},
            {"attrs", {{"localId", "tl-1"}}},
            {"content",
             {{{"type", "taskItem"},
               {"attrs", {{"localId", "ti-1"}, {"state", "DONE"}}},
               {"content", json::array({text("cart survives a reload")})}},
              {{"type", "taskItem"},
               {"attrs", {{"localId", "ti-2"}, {"state", "TODO"}}},
               {"content", json::array({text("totals are right")})}}}}},
       }}};
}

// The same as Data Center's wiki markup.
std::string rich_wiki() {
  return "h2. Context\n\nCheckout must *never* lose a cart; see [the spec|https://example.com/s]."
         "\n\n* guests\n*# first\n*# second\n* members\n\n{code:java}\nclass Cart {\n  int "
         "items;\n}"
         "\n{code}\n\n||Case||Result||\n|empty cart|_error_|\n\n{quote}\nQuoted from support.\n"
         "{quote}\n\n{warning}\nPayments are live.\n{warning}\n\nAsk [~other] before merging.\n\n"
         "h3. Acceptance Criteria\n\n* cart survives a reload\n* totals are right";
}

class CliPullTest : public CliSimTest, public ::testing::WithParamInterface<std::string> {
 protected:
  CliPullTest() { no_color_ = true; }
  std::vector<std::string> sim_args() const override { return {"--seed", "--flavour", GetParam()}; }
  bool dc() { return sim().datacenter(); }
  std::string api() { return dc() ? "/rest/api/2" : "/rest/api/3"; }

  // An issue made through the REST API as a person in Jira would make it; its key.
  std::string create(json fields) {
    fields["project"] = {{"key", "PROJ"}};
    auto r = sim().post(api() + "/issue", {{"fields", fields}});
    EXPECT_EQ(r.status, 201) << r.raw;
    return r.body.is_object() ? r.body.value("key", "") : "";
  }
  json description(bool rich) {
    if (rich) return dc() ? json(rich_wiki()) : rich_adf();
    return dc() ? json("Plain words.")
                : json{{"type", "doc"},
                       {"version", 1},
                       {"content", json::array({para({text("Plain words.")})})}};
  }
  std::string story(const std::string& summary, bool rich, json more = json::object()) {
    json f = {
        {"summary", summary}, {"issuetype", {{"id", "10001"}}}, {"description", description(rich)}};
    f["parent"] = {{"key", "PROJ-1"}};
    for (auto& [k, v] : more.items()) f[k] = v;
    return create(f);
  }
  std::string subtask(const std::string& parent, const std::string& summary) {
    return create({{"summary", summary},
                   {"issuetype", {{"id", "10003"}}},
                   {"parent", {{"key", parent}}},
                   {"description", description(false)}});
  }

  // The epic of the tests: two stories (one rich, in review, with fields), sub-tasks, a link.
  void seed_epic() {
    const std::string a = story("Guest checkout", true,
                                {{"priority", {{"name", "High"}}}, {"labels", {"web", "pay"}}});
    const std::string b = story("Saved cards", false);
    subtask(a, "Guest form");
    const std::string done = subtask(a, "Payment | card");
    ASSERT_EQ(sim().edit_as_other(a, {{"status", "In Review"}}).status, 200);
    ASSERT_EQ(sim().edit_as_other(done, {{"status", "Done"}}).status, 200);
    auto link = sim().post(api() + "/issueLink", {{"type", {{"name", "Blocks"}}},
                                                  {"inwardIssue", {{"key", b}}},
                                                  {"outwardIssue", {{"key", a}}}});
    ASSERT_TRUE(link.status == 200 || link.status == 201) << link.raw;
  }

  json dry_run(const std::string& file) {
    auto r = run({"-m", file, "-e", "PROJ-1", "-o", "json"});
    EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
    return json::parse(r.out, nullptr, false);
  }
};

TEST_P(CliPullTest, APulledEpicSyncsWithZeroWrites) {
  seed_epic();
  const std::string file = dir_ + "/EPIC.md";
  auto r = run({"--pull", "--epic", "PROJ-1", "--markdown", file});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  const std::string md = read(file);
  EXPECT_NE(md.find("# Demo epic"), std::string::npos) << md;
  EXPECT_NE(md.find("## PROJ-2: Guest checkout"), std::string::npos) << md;
  EXPECT_NE(md.find("| Issue | PROJ-2 |"), std::string::npos) << md;
  EXPECT_NE(md.find("| Status | In Review |"), std::string::npos) << md;
  EXPECT_NE(md.find("```java"), std::string::npos) << md;
  EXPECT_NE(md.find("### Acceptance Criteria"), std::string::npos) << md;
  EXPECT_NE(md.find("> [!WARNING]"), std::string::npos) << md;
  EXPECT_NE(md.find("Payment \\| card"), std::string::npos) << md;
  EXPECT_NE(md.find("- is blocked by PROJ-3"), std::string::npos) << md;
  EXPECT_NE(r.out.find("a sync of it plans nothing"), std::string::npos) << r.out << r.err;
  EXPECT_EQ(r.err.find("not held"), std::string::npos) << r.err;

  auto v = run({"--validate", "-m", file, "--strict"});
  EXPECT_EQ(v.exit_code, 0) << v.out << v.err << md;

  sim().clear_log();
  const json plan = dry_run(file);
  EXPECT_EQ(plan["plan"]["operations"].size(), 0u) << plan.dump(2) << md;
  auto x = run({"-m", file, "-e", "PROJ-1", "-x", "--no-confirm"});
  EXPECT_EQ(x.exit_code, 0) << x.out << x.err;
  EXPECT_EQ(writes(), 0);
}

TEST_P(CliPullTest, NeverOverwritesWithoutForceAndKeepsTheOldFile) {
  seed_epic();
  const std::string file = write("EPIC.md", "# My own notes\n");
  auto r = run({"--pull", "-e", "PROJ-1", "-m", file});
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_NE(r.err.find("--force"), std::string::npos) << r.err;
  EXPECT_EQ(read(file), "# My own notes\n");

  auto f = run({"--pull", "-e", "PROJ-1", "-m", file, "--force", "-o", "json"});
  ASSERT_EQ(f.exit_code, 0) << f.out << f.err;
  const json doc = json::parse(f.out);
  EXPECT_EQ(doc["mode"], "pull");
  EXPECT_EQ(doc["in_step"], true) << doc.dump(2);
  ASSERT_TRUE(doc["previous_backup"].is_string()) << doc.dump(2);
  const std::string id = doc["previous_backup"];
  EXPECT_EQ(read(backups() + "/PROJ-1/" + id + "/source.md"), "# My own notes\n");
  EXPECT_NE(read(file).find("## PROJ-2: Guest checkout"), std::string::npos);
}

TEST_P(CliPullTest, ToStandardOutput) {
  seed_epic();
  auto r = run({"--pull", "-e", "PROJ-1", "-m", "-"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out.rfind("# Demo epic\n", 0), 0u) << r.out;
  EXPECT_NE(r.err.find("a sync of it plans nothing"), std::string::npos) << r.err;
}

TEST_P(CliPullTest, PullStoryTakesTheTrackersSideAndKeepsEveryOtherByte) {
  const std::string file =
      write("EPIC.md",
            "# Checkout\n\nIntro *kept* as written.\n\n"
            "### US-1: Guest checkout\n**Story Points**: 3\n\nPay as a guest.\n\n"
            "### US-2: Saved cards\n**Story Points**: 2\n\nKeep cards.\n");
  auto s = run({"-m", file, "-e", "PROJ-1", "-x", "--no-confirm"});
  ASSERT_EQ(s.exit_code, 0) << s.out << s.err;
  const std::string us1 = key_of("Guest checkout");
  // Someone changes US-1 in Jira; the file also changed there, so a sync has a conflict.
  json change = {{"fields", {{"summary", "Guest checkout v2"}, {"description", description(true)}}},
                 {"status", "In Progress"}};
  ASSERT_EQ(sim().edit_as_other(us1, change).status, 200);
  const std::string before = read(file);
  write("EPIC.md", before.substr(0, before.find("Pay as a guest.")) + "Pay as a guest, quickly." +
                       before.substr(before.find("Pay as a guest.") + 15));
  auto c = run({"-m", file, "-e", "PROJ-1"});
  EXPECT_EQ(c.exit_code, 10) << c.out << c.err;

  auto p = run({"--pull", "--story", "US-1", "-m", file, "-e", "PROJ-1"});
  ASSERT_EQ(p.exit_code, 0) << p.out << p.err;
  const std::string after = read(file);
  EXPECT_NE(after.find("### US-1: Guest checkout v2"), std::string::npos) << after;
  EXPECT_EQ(after.rfind("# Checkout\n\nIntro *kept* as written.\n\n### US-1:", 0), 0u) << after;
  const std::string tail = "### US-2: Saved cards\n**Story Points**: 2\n\nKeep cards.\n";
  EXPECT_EQ(after.substr(after.size() - tail.size()), tail) << after;
  EXPECT_NE(after.find("| Status | In Progress |"), std::string::npos) << after;

  // The tracker's side taken: no conflict, no field written; the new agreement is recorded.
  sim().clear_log();
  const json plan = dry_run(file);
  for (const auto& op : plan["plan"]["operations"]) {
    EXPECT_EQ(op["kind"], "record_identity") << plan.dump(2);
  }
  EXPECT_EQ(plan["plan"]["conflicts"].size(), 0u) << plan.dump(2);
}

TEST_P(CliPullTest, PullStoryKeepsTheFilesLevelsAndWhatOnlyTheFileHolds) {
  const std::string file =
      write("EPIC.md",
            "# Checkout\n\n### US-1: Guest checkout\n**Priority**: High\n\nPay as a guest.\n\n"
            "#### Acceptance Criteria\n- [ ] works\n- [x] fast\n\n"
            "#### Technical Notes\nUse the cart API.\n\n"
            "#### Related Commits\n| Commit | Message |\n|---|---|\n| `abc1234` | feat: cart |\n\n"
            "#### Comments\n> **@dana** (2025-03-02):\n> Looks good to me.\n\n"
            "### US-2: Saved cards\n\nKeep cards.\n");
  ASSERT_EQ(run({"-m", file, "-e", "PROJ-1", "-x", "--no-confirm"}).exit_code, 0);
  ASSERT_EQ(
      sim()
          .edit_as_other(key_of("Guest checkout"), {{"fields", {{"priority", {{"name", "Low"}}}}}})
          .status,
      200);
  auto p = run({"--pull", "--story", "US-1", "-m", file, "-e", "PROJ-1"});
  ASSERT_EQ(p.exit_code, 0) << p.out << p.err;
  const std::string after = read(file);
  EXPECT_NE(after.find("| Priority | Low |"), std::string::npos) << after;
  EXPECT_NE(after.find("\n#### Acceptance Criteria\n"), std::string::npos) << after;
  EXPECT_NE(after.find("\n#### Technical Notes\n"), std::string::npos) << after;
  EXPECT_NE(after.find("> **@dana** (2025-03-02):"), std::string::npos) << after;
  EXPECT_NE(after.find("`abc1234`"), std::string::npos) << after;
  EXPECT_EQ(after.find("```adf"), std::string::npos) << after;
  auto v = run({"--validate", "-m", file, "-o", "json"});
  ASSERT_EQ(v.exit_code, 0) << v.out << v.err;
  const json model = json::parse(v.out);
  const json& us1 = model["epic"]["stories"][0];
  EXPECT_EQ(us1["acceptance_criteria"].size(), 2u) << us1.dump(2);
  EXPECT_EQ(us1["comments"].size(), 1u) << us1.dump(2);
  EXPECT_EQ(us1["commits"].size(), 1u) << us1.dump(2);
  // Nothing to write: the comment and the commits were posted by the first sync.
  sim().clear_log();
  const json plan = dry_run(file);
  for (const auto& op : plan["plan"]["operations"]) {
    EXPECT_EQ(op["kind"], "record_identity") << plan.dump(2);
  }
}

TEST_P(CliPullTest, AUserPickerOnCloudIsListedNotWritten) {
  write(".epicsync.yaml", "jira:\n  fields:\n    Reviewer: customfield_10045\n");
  const std::string a = story("Reviewed", false);
  json user = dc() ? json{{"name", "sim"}} : json{{"accountId", "557058:0f3c1a2b-sim-0001"}};
  ASSERT_EQ(sim().edit_as_other(a, {{"fields", {{"customfield_10045", user}}}}).status, 200);
  const std::string file = dir_ + "/EPIC.md";
  auto p = run({"--pull", "-e", "PROJ-1", "-m", file, "-o", "json"});
  ASSERT_EQ(p.exit_code, 0) << p.out << p.err;
  const json doc = json::parse(p.out);
  const std::string md = read(file);
  if (dc()) {
    EXPECT_NE(md.find("| Reviewer | sim |"), std::string::npos) << md;
    EXPECT_EQ(doc["not_held"].size(), 0u) << doc.dump(2);
  } else {
    EXPECT_EQ(md.find("| Reviewer |"), std::string::npos) << md;
    ASSERT_EQ(doc["not_held"].size(), 1u) << doc.dump(2);
    EXPECT_EQ(doc["not_held"][0]["key"], a);
  }
  const json plan = dry_run(file);
  EXPECT_EQ(plan["plan"]["operations"].size(), 0u) << plan.dump(2) << md;
}

TEST_P(CliPullTest, PullIssueAddsAStoryTheFileLacks) {
  const std::string file = write("EPIC.md", "# Checkout\n\n## US-1: Guest checkout\n\nPay.\n");
  ASSERT_EQ(run({"-m", file, "-e", "PROJ-1", "-x", "--no-confirm"}).exit_code, 0);
  const std::string other = story("Made in Jira", true);
  auto p = run({"--pull", "--issue", other, "-m", file, "-e", "PROJ-1"});
  ASSERT_EQ(p.exit_code, 0) << p.out << p.err;
  const std::string after = read(file);
  EXPECT_EQ(after.rfind("# Checkout\n\n## US-1: Guest checkout\n\nPay.\n", 0), 0u) << after;
  EXPECT_NE(after.find("## " + other + ": Made in Jira"), std::string::npos) << after;
  sim().clear_log();
  const json plan = dry_run(file);
  EXPECT_EQ(plan["plan"]["operations"].size(), 0u) << plan.dump(2) << after;
}

TEST_P(CliPullTest, WhatAFileCannotHoldIsListedNeverDropped) {
  // A sub-task whose description is more than a table cell holds; a Task under the epic.
  const std::string a = story("Odd one", false);
  const std::string st = subtask(a, "Long notes");
  json two =
      dc() ? json("First line.\n\nSecond paragraph.")
           : json{{"type", "doc"},
                  {"version", 1},
                  {"content",
                   json::array({para({text("First line.")}), para({text("Second paragraph.")})})}};
  ASSERT_EQ(sim().edit_as_other(st, {{"fields", {{"description", two}}}}).status, 200);
  const std::string task = create({{"summary", "A task"},
                                   {"issuetype", {{"id", "10002"}}},
                                   {"parent", {{"key", "PROJ-1"}}},
                                   {"description", description(false)}});
  const std::string file = dir_ + "/EPIC.md";
  auto p = run({"--pull", "-e", "PROJ-1", "-m", file, "-o", "json"});
  ASSERT_EQ(p.exit_code, 0) << p.out << p.err;
  const json doc = json::parse(p.out);
  EXPECT_EQ(doc["in_step"], false);
  ASSERT_EQ(doc["not_held"].size(), 1u) << doc.dump(2);
  EXPECT_EQ(doc["not_held"][0]["key"], st);
  EXPECT_NE(doc["not_held"][0]["what"].get<std::string>().find("description"), std::string::npos);
  const std::string md = read(file);
  EXPECT_NE(md.find("## " + task + ": A task"), std::string::npos) << md;
  // The cell left empty means the sync leaves that description alone: nothing is planned.
  sim().clear_log();
  const json plan = dry_run(file);
  EXPECT_EQ(plan["plan"]["operations"].size(), 0u) << plan.dump(2) << md;
  auto x = run({"-m", file, "-e", "PROJ-1", "-x", "--no-confirm"});
  EXPECT_EQ(x.exit_code, 0) << x.out << x.err;
  EXPECT_EQ(writes(), 0);
  const json after = sim().get(api() + "/issue/" + st).body;
  EXPECT_EQ(after["fields"]["description"], two);
}

TEST_P(CliPullTest, CommentsArePulledAndNeverPostedAgain) {
  const std::string a = story("Odd one", false);
  auto r =
      sim().post(api() + "/issue/" + a + "/comment",
                 dc() ? json{{"body", "A word from support."}}
                      : json{{"body",
                              {{"type", "doc"},
                               {"version", 1},
                               {"content", json::array({para({text("A word from support.")})})}}}});
  ASSERT_EQ(r.status, 201) << r.raw;
  const std::string file = dir_ + "/EPIC.md";
  auto p = run({"--pull", "-e", "PROJ-1", "-m", file, "--pull-comments"});
  ASSERT_EQ(p.exit_code, 0) << p.out << p.err;
  const std::string md = read(file);
  EXPECT_NE(md.find("A word from support."), std::string::npos) << md;
  EXPECT_NE(md.find("> **@Sim User** (20"), std::string::npos) << md;
  // The comment the file quotes is the tracker's own: a sync posts nothing.
  sim().clear_log();
  const json plan = dry_run(file);
  EXPECT_EQ(plan["plan"]["operations"].size(), 0u) << plan.dump(2) << md;
}

TEST_P(CliPullTest, AFileASyncWouldRefuseIsWrittenAndSaidExit6) {
  // A description Jira holds within its limit whose markdown is over the file's (every '<' is
  // escaped): the read-back refuses it, as a sync of the file would.
  const std::string a = story("Angles", false);
  const std::string angles(20000, '<');
  json long_text =
      dc()
          ? json(angles)
          : json{{"type", "doc"}, {"version", 1}, {"content", json::array({para({text(angles)})})}};
  ASSERT_EQ(sim().edit_as_other(a, {{"fields", {{"description", long_text}}}}).status, 200);
  const std::string file = dir_ + "/EPIC.md";
  auto p = run({"--pull", "-e", "PROJ-1", "-m", file});
  EXPECT_EQ(p.exit_code, 6) << p.out << p.err;
  EXPECT_NE(p.err.find("stops a sync:"), std::string::npos) << p.err;
  EXPECT_NE(p.err.find("was written, but a sync of it would stop"), std::string::npos) << p.err;
  EXPECT_FALSE(read(file).empty());
}

TEST_P(CliPullTest, RefusesWhatItCannotDo) {
  EXPECT_EQ(run({"--pull", "-e", "bogus key", "-m", dir_ + "/E.md"}).exit_code, 2);
  EXPECT_EQ(run({"--pull", "-e", "PROJ-1", "-m", dir_ + "/no/such/folder/E.md"}).exit_code, 3);
  EXPECT_EQ(run({"--pull", "-m", dir_ + "/E.md"}).exit_code, 2);                // no epic
  EXPECT_EQ(run({"--pull", "-e", "PROJ-1", "-m", "a.md", "-x"}).exit_code, 2);  // a sync flag
  EXPECT_EQ(run({"--pull", "--story", "US-1", "-e", "PROJ-1", "-m", "-"}).exit_code, 2);
  EXPECT_EQ(run({"--pull-comments", "-e", "PROJ-1", "-m", "a.md"}).exit_code, 2);
  EXPECT_EQ(run({"--pull", "-e", "PROJ-999", "-m", dir_ + "/E.md"}).exit_code, 7);
}

INSTANTIATE_TEST_SUITE_P(Flavours, CliPullTest, ::testing::Values("cloud", "datacenter"),
                         [](const auto& info) { return info.param; });

}  // namespace pull_test
}  // namespace epicsync::testing
