// --pull's promise as a property: for random tracker states (rich descriptions, every status of
// the workflow, every managed field, sub-tasks, links), the pulled file read back and planned
// against the same state plans nothing; and whatever a file cannot hold is listed, never lost
// silently. Cloud (ADF) and Data Center (wiki) alike.

#include <gtest/gtest.h>

#include <cstdlib>
#include <random>
#include <set>

#include "corpus_generator.h"
#include "epic_parser.h"
#include "plan/planner.h"
#include "pull/epic_writer.h"
#include "pull/pull_text.h"
#include "pull/story_splice.h"
#include "richtext/adf.h"
#include "richtext/wiki.h"
#include "sync/rich_text_ops.h"
#include "tracker/identity_property.h"

namespace epicsync::pull::roundtrip_test {

using tracker::RemoteIssue;
using tracker::RemoteStatus;
using tracker::StatusCategory;

const std::vector<RemoteStatus> kStatuses = {
    {"10000", "To Do", StatusCategory::kToDo},
    {"3", "In Progress", StatusCategory::kInProgress},
    {"10001", "In Review", StatusCategory::kInProgress},
    {"10002", "Done", StatusCategory::kDone},
    {"10003", "Blocked", StatusCategory::kInProgress},
    {"10004", "Backlog", StatusCategory::kToDo},
};

struct User {
  std::string id, display, name;
};
const std::vector<User> kUsers = {{"5b10a2844c20165700ede21g", "Alice Smith", "alice"},
                                  {"5b10ac8d82e05b22cc7d4ef5", "Bob O'Neil", "bob"},
                                  {"712020:9f3c", "Chloé Dupont", "chloe"}};

std::vector<tracker::FieldSpec> specs() {
  auto spec = [](std::string key, std::string name, tracker::FieldKind kind,
                 std::vector<std::string> allowed) {
    tracker::FieldSpec s;
    s.key = std::move(key);
    s.name = std::move(name);
    s.kind = kind;
    s.allowed = std::move(allowed);
    s.on_story = s.on_epic = s.on_subtask = true;
    return s;
  };
  using K = tracker::FieldKind;
  return {spec("components", "Components", K::kComponents, {"Backend", "Search", "Web UI"}),
          spec("fixVersions", "Fix Versions", K::kVersions, {"1.0", "2.0", "2.1-beta"}),
          spec("duedate", "Due Date", K::kDate, {}),
          spec("customfield_10040", "Team", K::kOption, {"Search", "Core Platform"}),
          spec("customfield_10041", "Platforms", K::kOptions, {"iOS", "Web", "Android"}),
          spec("customfield_10042", "Hours", K::kNumber, {}),
          spec("customfield_10043", "Target", K::kText, {})};
}

class Gen {
 public:
  Gen(uint64_t seed, bool dc) : rng_(seed), seed_(seed), dc_(dc) {}

  int n(int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng_); }
  bool coin(int percent = 50) { return n(1, 100) <= percent; }
  template <typename T>
  const T& pick(const std::vector<T>& v) {
    return v[static_cast<size_t>(n(0, static_cast<int>(v.size()) - 1))];
  }

  std::string words(int lo, int hi) {
    static const std::vector<std::string> w = {
        "login",  "Search",   "résumé", "checkout", "API",         "v2.0",  "o'clock",
        "50%",    "C++",      "a/b",    "(beta)",   "x_y",         "R&D",   "#42",
        "e-mail", "«quoted»", "naïve",  "QA:",      "[draft]",     "*wip*", "`code`",
        "<tag>",  "pipe|bar", "dash-",  "100$",     "under_score_"};
    std::string out;
    const int count = n(lo, hi);
    for (int i = 0; i < count; ++i) out += (i ? " " : "") + pick(w);
    return out;
  }

  // A title that a file can hold: a title loses emoji and decoration at its ends.
  std::string title() {
    std::string t = words(1, 6);
    static const std::vector<std::string> starts = {"Build", "Fix", "Add", "Über", "Make"};
    static const std::vector<std::string> ends = {"now", "page", "flow", "v2", "API"};
    return pick(starts) + " " + t + " " + pick(ends);
  }

  // A description as Jira holds it: what markdown, someone's Jira editor and wiki produce,
  // nodes markdown has no syntax for included.
  tracker::RichText description(bool story) {
    if (coin(15)) return {};
    // A generated document cut to a few blocks: descriptions of the size teams write, so a run
    // covers thousands of epics (a cut inside a fence is still a document: the converter is total).
    std::string md = richtext::testing::generate_markdown_document(seed_ * 7919 + counter_++);
    size_t cut = 0;
    for (int blocks = n(1, 6); blocks > 0 && cut != std::string::npos; --blocks) {
      cut = md.find("\n\n", cut == 0 ? 0 : cut + 2);
    }
    if (cut != std::string::npos) md.resize(cut);
    if (story && coin(40))
      md += "\n\n### Acceptance Criteria\n\n- [ ] it works\n- [x] it is fast\n";
    if (coin(20)) md = "## Context\n\n" + md;
    if (coin(10)) md += "\n\n### Subtasks\n\nnot a table\n";
    if (coin(10)) md += "\n\n## US-99: looks like a story\n\ntext\n";
    nlohmann::json doc = richtext::markdown_to_adf(md);
    if (coin(30)) {
      doc["content"].push_back(
          {{"type", "panel"},
           {"attrs",
            {{"panelType",
              pick(std::vector<std::string>{"info", "note", "warning", "success", "error"})}}},
           {"content",
            {{{"type", "paragraph"}, {"content", {{{"type", "text"}, {"text", words(1, 5)}}}}}}}});
    }
    if (coin(30)) {
      const User& u = pick(kUsers);
      doc["content"].push_back(
          {{"type", "paragraph"},
           {"content",
            {{{"type", "text"}, {"text", "ask "}},
             {{"type", "mention"}, {"attrs", {{"id", u.id}, {"text", "@" + u.display}}}},
             {{"type", "text"}, {"text", " first"}}}}});
    }
    if (coin(15)) {
      doc["content"].push_back(
          {{"type", "paragraph"},
           {"content",
            {{{"type", "text"},
              {"text", "coloured"},
              {"marks", {{{"type", "textColor"}, {"attrs", {{"color", "#ff5630"}}}}}}},
             {{"type", "emoji"}, {"attrs", {{"shortName", ":smile:"}, {"text", "😄"}}}}}}});
    }
    if (dc_) return {tracker::RichText::Format::kWiki, richtext::adf_to_wiki(doc)};
    return {tracker::RichText::Format::kAdf, doc.dump()};
  }

  tracker::RichText one_line() {
    if (coin(30)) return {};
    nlohmann::json doc = richtext::markdown_to_adf(words(1, 8));
    if (dc_) return {tracker::RichText::Format::kWiki, richtext::adf_to_wiki(doc)};
    return {tracker::RichText::Format::kAdf, doc.dump()};
  }

  void status(RemoteIssue& r) {
    r.status = pick(kStatuses);
    if (r.status.category == StatusCategory::kDone) {
      r.resolution = coin(30) ? "Won't Do" : "Done";
    }
  }

  void fields(RemoteIssue& r, const std::vector<tracker::FieldSpec>& all) {
    for (const auto& s : all) {
      tracker::FieldValue v;
      if (coin(50)) {
        switch (s.kind) {
          case tracker::FieldKind::kComponents:
          case tracker::FieldKind::kVersions:
          case tracker::FieldKind::kOptions:
            for (const auto& a : s.allowed) {
              if (coin()) v.push_back(a);
            }
            break;
          case tracker::FieldKind::kOption:
            v.push_back(pick(s.allowed));
            break;
          case tracker::FieldKind::kDate:
            v.push_back("2026-0" + std::to_string(n(1, 9)) + "-1" + std::to_string(n(0, 9)));
            break;
          case tracker::FieldKind::kNumber:
            v.push_back(exact_number(n(-50, 5000) / 4.0));
            break;
          case tracker::FieldKind::kText:
            v.push_back(title());
            break;
          default:
            break;
        }
      }
      r.fields[s.key] = tracker::canonical(s.kind, v);
    }
  }

  void common(RemoteIssue& r, const std::vector<tracker::FieldSpec>& all, bool story) {
    status(r);
    if (coin(70)) {
      r.priority_name =
          pick(std::vector<std::string>{"Highest", "High", "Medium", "Low", "Lowest"});
      r.priority_id = "1";
    }
    if (coin(50)) {
      std::set<std::string> l;
      for (int i = n(1, 3); i > 0; --i) {
        l.insert(pick(std::vector<std::string>{"api", "web", "ux-review", "Q3", "tech_debt"}));
      }
      r.labels.assign(l.begin(), l.end());
    }
    if (story && coin(60)) {
      const User& u = pick(kUsers);
      r.assignee = dc_ ? u.name : u.id;
      r.assignee_display = u.display;
    }
    if (story && coin(60)) r.points = n(0, 40) / (coin() ? 1.0 : 2.0);
    fields(r, all);
  }

  tracker::EpicSnapshot snapshot(const std::vector<tracker::FieldSpec>& all) {
    tracker::EpicSnapshot s;
    s.epic.key = "PROJ-1";
    s.epic.summary = title();
    s.epic.type_name = "Epic";
    s.epic.description = description(false);
    common(s.epic, all, false);
    int next = 2;
    const int stories = n(0, 6);
    for (int i = 0; i < stories; ++i) {
      RemoteIssue r;
      r.key = "PROJ-" + std::to_string(next++);
      r.summary = title();
      r.type_name = "Story";
      r.parent_key = s.epic.key;
      r.description = description(true);
      common(r, all, true);
      if (coin(40)) {
        tracker::IdentityProperty p;
        p.id = "US-" + std::to_string(100 + i);
        p.epic = s.epic.key;
        r.properties[tracker::kPropertyKey] = tracker::to_json_text(p);
      }
      const int subtasks = n(0, 4);
      for (int j = 0; j < subtasks; ++j) {
        RemoteIssue st;
        st.key = "PROJ-" + std::to_string(next++);
        st.summary = title();
        st.subtask = true;
        st.type_name = "Sub-task";
        st.parent_key = r.key;
        st.description = one_line();
        status(st);
        if (coin()) st.points = n(0, 8);
        r.subtask_keys.push_back(st.key);
        s.subtasks.push_back(std::move(st));
      }
      s.stories.push_back(std::move(r));
    }
    for (auto& r : s.stories) {
      if (s.stories.size() > 1 && coin(30)) {
        const auto& other = pick(s.stories);
        if (other.key != r.key) {
          r.links.push_back({"1", "Blocks", "blocks", other.key});
        }
      }
    }
    return s;
  }

 private:
  std::mt19937_64 rng_;
  uint64_t seed_;
  uint64_t counter_ = 0;
  bool dc_;
};

plan::PlanOptions plan_options(bool dc, const std::vector<tracker::FieldSpec>& all) {
  plan::PlanOptions p;
  p.rich_text = sync::rich_text_ops();
  p.wiki = dc;
  p.fields = all;
  p.workflow = {kStatuses, kStatuses, kStatuses};
  for (const auto& u : kUsers) p.user_ids[dc ? u.name : u.display] = dc ? u.name : u.id;
  p.users_resolved = true;
  return p;
}

std::vector<std::string> names(const std::vector<tracker::FieldSpec>& all) {
  std::vector<std::string> out;
  for (const auto& s : all) {
    if (s.key.rfind("customfield_", 0) == 0) out.push_back(s.name);
  }
  return out;
}

std::string describe(const plan::Plan& plan) {
  std::string out;
  for (const auto& op : plan.operations) {
    out += "  " + op.issue_key + " " + std::to_string(static_cast<int>(op.kind));
    for (const auto& c : op.shown) out += " [" + c.field + ": " + c.before + " -> " + c.after + "]";
    out += "\n";
  }
  for (const auto& p : plan.problems) out += "  problem: " + p + "\n";
  return out;
}

class PullRoundTrip : public ::testing::TestWithParam<bool> {
 protected:
  bool dc = GetParam();
  std::vector<tracker::FieldSpec> all = specs();
  tracker::TrackerInfo info = [this] {
    tracker::TrackerInfo i;
    i.deployment = dc ? tracker::Deployment::kDataCenter : tracker::Deployment::kCloud;
    i.fields = all;
    return i;
  }();
  const TextWriter text = text_writer();
};

TEST_P(PullRoundTrip, RandomEpicsPlanNothingAfterAPull) {
  // Thousands per flavour; fewer under the sanitizers, which run everything ten times slower.
  // PULL_CASES and PULL_FROM rerun a range (a failure names its case).
  const int cases =
      std::getenv("PULL_CASES") ? std::atoi(std::getenv("PULL_CASES")) : 1000 / PULL_CASES_DIVISOR;
  int noted = 0;
  for (int c = std::getenv("PULL_FROM") ? std::atoi(std::getenv("PULL_FROM")) : 0; c < cases; ++c) {
    Gen gen(static_cast<uint64_t>(c) * 2654435761u + (dc ? 17 : 0), dc);
    const auto snapshot = gen.snapshot(all);
    const PulledEpic pulled = write_epic(snapshot, info, {false, names(all)}, text);
    const auto parsed = markdown::parse_epic(pulled.text, {false, "PROJ", names(all)});
    std::string diags;
    for (const auto& d : parsed.diagnostics) {
      diags += std::to_string(d.pos.line) + ": " + d.message + "\n";
    }
    ASSERT_TRUE(parsed.ok()) << "case " << c << "\n" << diags << pulled.text;
    const plan::Plan plan = plan::make_plan(parsed.epic, snapshot, plan_options(dc, all));
    std::set<std::string> keys;
    for (const auto& n : pulled.notes) keys.insert(n.key);
    noted += !pulled.notes.empty();
    // Nothing is lost silently: a write the sync would still make is on an issue the pull listed.
    for (const auto& op : plan.operations) {
      ASSERT_TRUE(keys.count(op.issue_key))
          << "case " << c << (dc ? " (DC)" : " (Cloud)") << ": unlisted write\n"
          << describe(plan) << "\n"
          << pulled.text;
    }
    ASSERT_TRUE(plan.problems.empty()) << "case " << c << "\n" << describe(plan) << pulled.text;
    ASSERT_EQ(pulled.stories.size(), snapshot.stories.size());
  }
  // The generator's states are ones a file can hold: listing must be the exception (multi-line
  // descriptions of sub-tasks never occur here), never the way the round trip is made to hold.
  EXPECT_EQ(noted, 0) << noted << " of " << cases << " cases listed something";
}

TEST_P(PullRoundTrip, ARefreshedStoryKeepsEveryOtherByte) {
  for (int c = 0; c < 200; ++c) {
    Gen gen(static_cast<uint64_t>(c) * 40503u + 5, dc);
    auto snapshot = gen.snapshot(all);
    if (snapshot.stories.size() < 2) continue;
    const PulledEpic pulled = write_epic(snapshot, info, {false, names(all)}, text);
    auto parsed = markdown::parse_epic(pulled.text, {false, "PROJ", names(all)});
    ASSERT_TRUE(parsed.ok());
    // Someone edits the first story in Jira; its refreshed block replaces it, the rest stays.
    const auto& first = parsed.epic.stories[0];
    RemoteIssue changed = snapshot.stories[0];
    changed.summary = "Changed in Jira " + std::to_string(c);
    std::vector<Note> notes;
    const std::string block = write_story(snapshot, info, changed, first.id, first.heading_level,
                                          {false, names(all)}, text, notes);
    const std::string updated =
        splice_story(pulled.text, first.pos.line, parsed.epic.stories[1].pos.line,
                     first.heading_level, block)
            .value_or("");
    const size_t second = pulled.text.find("\n## " + parsed.epic.stories[1].id + ":");
    ASSERT_NE(second, std::string::npos);
    EXPECT_EQ(updated.substr(updated.size() - (pulled.text.size() - second)),
              pulled.text.substr(second));
    EXPECT_EQ(updated.substr(0, pulled.text.find("\n## " + first.id + ":")),
              pulled.text.substr(0, pulled.text.find("\n## " + first.id + ":")));
    snapshot.stories[0] = changed;
    auto reparsed = markdown::parse_epic(updated, {false, "PROJ", names(all)});
    ASSERT_TRUE(reparsed.ok());
    const plan::Plan plan = plan::make_plan(reparsed.epic, snapshot, plan_options(dc, all));
    EXPECT_TRUE(plan.operations.empty()) << describe(plan) << updated;
  }
}

// A story ends where the parser ends it: at the next story of any level, and lines end as the
// parser ends them (a lone CR too).
TEST(StorySplice, EndsAtTheNextStoryOfAnyLevelAndKeepsLineEndings) {
  const std::string text = "# E\n\n## US-1: A\n\nold\n\n### US-2: B\n\nkept\n";
  EXPECT_EQ(splice_story(text, 3, 7, 2, "## US-1: A\n\nnew\n").value_or(""),
            "# E\n\n## US-1: A\n\nnew\n\n### US-2: B\n\nkept\n");
  const std::string crlf = "# E\r\n\r\n## US-1: A\r\nold\r\n\r\n## US-2: B\r\n";
  EXPECT_EQ(splice_story(crlf, 3, 6, 2, "## US-1: A\nnew\n").value_or(""),
            "# E\r\n\r\n## US-1: A\r\nnew\r\n\r\n## US-2: B\r\n");
  const std::string cr = "# E\r\r## US-1: A\rold\r\r## US-2: B\r";
  EXPECT_EQ(splice_story(cr, 3, 6, 2, "## US-1: A\nnew\n").value_or(""),
            "# E\r\r## US-1: A\rnew\r\r## US-2: B\r");
  EXPECT_FALSE(splice_story("# E\n", 9, 0, 2, "x\n"));
  EXPECT_EQ(splice_story("# E\n\n## US-1: A\n", 0, 0, 2, "## PROJ-9: B\n").value_or(""),
            "# E\n\n## US-1: A\n\n## PROJ-9: B\n");
}

// An issue pinned by its key that epicsync never recorded gets its identity with its first
// write, never as a write of its own; one adopted by its summary is recorded at once.
TEST(PinnedIdentity, RecordedWithTheFirstWriteOnly) {
  tracker::EpicSnapshot s;
  s.epic.key = "PROJ-1";
  s.epic.summary = "Epic";
  RemoteIssue r;
  r.key = "PROJ-2";
  r.summary = "Login";
  r.parent_key = "PROJ-1";
  r.points = 3;
  s.stories.push_back(r);
  plan::PlanOptions o;
  o.rich_text = sync::rich_text_ops();
  auto plan_of = [&](const std::string& md) {
    auto parsed = markdown::parse_epic(md, {false, "PROJ", {}});
    EXPECT_TRUE(parsed.ok());
    return plan::make_plan(parsed.epic, s, o);
  };
  EXPECT_TRUE(plan_of("# Epic\n\n## US-1: Login\n**Issue**: PROJ-2\n**Story Points**: 3\n")
                  .operations.empty());
  const auto changed =
      plan_of("# Epic\n\n## US-1: Login\n**Issue**: PROJ-2\n**Story Points**: 5\n");
  // Just before the write, so the update that carries the property carries the identity.
  ASSERT_EQ(changed.operations.size(), 2u);
  EXPECT_EQ(changed.operations[0].kind, plan::OpKind::kRecordIdentity);
  EXPECT_NE(changed.operations[0].property_json.find("US-1"), std::string::npos);
  EXPECT_EQ(changed.operations[1].kind, plan::OpKind::kUpdate);
  // A comment is a write too: the identity goes with it.
  const auto commented = plan_of(
      "# Epic\n\n## US-1: Login\n**Issue**: PROJ-2\n\n### Comments\n> **@dana** (2025-03-02):\n> "
      "Ship it.\n");
  ASSERT_EQ(commented.operations.size(), 2u);
  EXPECT_EQ(commented.operations[0].kind, plan::OpKind::kRecordIdentity);
  EXPECT_EQ(commented.operations[1].kind, plan::OpKind::kAddComment);
}

INSTANTIATE_TEST_SUITE_P(Trackers, PullRoundTrip, ::testing::Values(false, true),
                         [](const auto& info) { return info.param ? "DataCenter" : "Cloud"; });

}  // namespace epicsync::pull::roundtrip_test
