#include "epic_generator.h"

#include <array>
#include <random>
#include <sstream>

namespace epicsync::bench {
namespace {

using model::PriorityMeaning;
using model::StatusMeaning;

constexpr std::array<std::pair<StatusMeaning, const char*>, 5> kStatuses{{
    {StatusMeaning::kToDo, "📋 Planned"},
    {StatusMeaning::kInProgress, "🔄 In Progress"},
    {StatusMeaning::kInReview, "👀 In Review"},
    {StatusMeaning::kDone, "✅ Done"},
    {StatusMeaning::kCancelled, "❌ Won't Do"},
}};

constexpr std::array<std::pair<PriorityMeaning, const char*>, 5> kPriorities{{
    {PriorityMeaning::kHighest, "🔴 Critical"},
    {PriorityMeaning::kHigh, "🟡 High"},
    {PriorityMeaning::kMedium, "🟢 Medium"},
    {PriorityMeaning::kLow, "🔵 Low"},
    {PriorityMeaning::kLowest, "⚪ Lowest"},
}};

constexpr std::array<const char*, 12> kWords{"checkout", "payment", "guest",   "address",
                                             "audit",    "token",   "refund",  "invoice",
                                             "search",   "report",  "session", "export"};

class Gen {
 public:
  explicit Gen(uint32_t seed) : rng_(seed) {}
  size_t pick(size_t n) { return static_cast<size_t>(rng_() % n); }
  bool chance(int percent) { return static_cast<int>(rng_() % 100) < percent; }
  std::string word() { return kWords[pick(kWords.size())]; }
  std::string words(int n) {
    std::string out;
    for (int i = 0; i < n; ++i) out += (i ? " " : "") + word();
    return out;
  }
  std::string sentence() {
    std::string s = words(4 + static_cast<int>(pick(8)));
    s[0] = static_cast<char>(s[0] - 'a' + 'A');
    return s + ".";
  }

 private:
  std::mt19937 rng_;
};

std::string points_text(double p) {
  std::ostringstream s;
  s << p;
  return s.str();
}

std::string description(Gen& g, int story) {
  std::string d =
      "**As a** " + g.word() + " user\n**I want** to " + g.words(3) + "\n**So that** " + g.words(4);
  d += "\n\n" + g.sentence() + " See `" + g.word() + "()` and [the docs](https://example.com/" +
       std::to_string(story) + ").";
  if (g.chance(50)) d += "\n\n1. " + g.sentence() + "\n2. " + g.sentence() + "\n   - " + g.word();
  if (g.chance(30)) d += "\n\n```json\n{ \"story\": " + std::to_string(story) + " }\n```";
  if (g.chance(20)) d += "\n\n| Key | Value |\n|-----|-------|\n| " + g.word() + " | 1 |";
  return d;
}

}  // namespace

model::Epic generate_epic(const GeneratorOptions& o) {
  Gen g(o.seed);
  model::Epic e;
  e.title = "Generated epic " + std::to_string(o.seed);
  e.key = o.project + "-1";
  e.description = "> **Epic: " + g.sentence() + "**";
  e.status = model::Status{StatusMeaning::kInProgress, "🔄 In Progress", {}, {}};
  e.metadata = {{"Epic Key", *e.key, {}}, {"Status", "🔄 In Progress", {}}};
  for (int i = 0; i < o.stories; ++i) {
    model::Story s;
    s.id = "US-" + std::to_string(i + 1);
    s.title = g.sentence();
    s.title.pop_back();
    s.heading_level = 3;
    if (g.chance(90)) s.points = static_cast<double>(g.pick(13));
    if (g.chance(90)) {
      const auto& [m, text] = kPriorities[g.pick(kPriorities.size())];
      s.priority = model::Priority{m, text, {}};
    }
    const auto& [sm, stext] = kStatuses[g.pick(kStatuses.size())];
    s.status = model::Status{sm, stext, {}, {}};
    if (g.chance(30)) s.assignee = g.word() + "@example.com";
    if (g.chance(30)) {
      // Two different words: labels are a set, and the parser keeps each once.
      std::string a = g.word(), b = g.word();
      while (b == a) b = g.word();
      s.labels = std::vector<std::string>{a, b};
    }
    if (g.chance(20)) s.tracker_key = o.project + "-" + std::to_string(1000 + i);
    s.description = description(g, i);
    const int criteria = static_cast<int>(g.pick(4));
    std::string criteria_md;
    for (int c = 0; c < criteria; ++c) {
      model::Criterion cr{g.sentence(), g.chance(50), {}};
      criteria_md += std::string(c ? "\n" : "") + (cr.checked ? "- [x] " : "- [ ] ") + cr.text;
      s.acceptance_criteria.push_back(cr);
    }
    if (criteria > 0) {
      s.description_parts.push_back(
          {model::SectionKind::kAcceptanceCriteria, {"Acceptance Criteria", criteria_md, {}}});
    }
    if (g.chance(40)) {
      s.technical_notes = g.sentence();
      s.description_parts.push_back(
          {model::SectionKind::kTechnicalNotes, {"Technical Notes", s.technical_notes, {}}});
    }
    const bool table = i % 2 == 0;
    for (int k = 0; k < o.subtasks_per_story; ++k) {
      model::Subtask st;
      st.name = "Subtask " + std::to_string(k + 1) + " " + g.words(2);
      st.description = g.sentence();
      st.points = static_cast<double>(1 + g.pick(5));
      if (table) {
        st.number = k + 1;
        const auto& [m, text] = kStatuses[g.pick(kStatuses.size())];
        st.status = model::Status{m, text, {}, {}};
      } else if (g.chance(50)) {
        st.status = model::Status{StatusMeaning::kDone, "Done", {}, {}};
      }
      s.subtasks.push_back(st);
    }
    if (g.chance(30)) s.commits.push_back({"a1b2c3d", "feat: " + g.words(3), {}});
    if (g.chance(20)) s.comments.push_back({g.word(), "2025-03-02", g.sentence(), {}});
    e.stories.push_back(std::move(s));
  }
  return e;
}

std::string render_epic(const model::Epic& e) {
  std::ostringstream out;
  out << "# 🚀 " << e.title << "\n\n" << e.description << "\n\n---\n\n## Epic Summary\n\n";
  out << "| Field | Value |\n|-------|-------|\n";
  for (const auto& f : e.metadata) out << "| **" << f.name << "** | " << f.value << " |\n";
  out << "\n---\n\n## User Stories\n";
  for (size_t i = 0; i < e.stories.size(); ++i) {
    const auto& s = e.stories[i];
    out << "\n---\n\n### 🔧 " << s.id << ": " << s.title << "\n\n";
    std::vector<std::pair<std::string, std::string>> fields;
    if (s.points) fields.emplace_back("Story Points", points_text(*s.points));
    if (s.priority) fields.emplace_back("Priority", s.priority->text);
    if (s.status) fields.emplace_back("Status", s.status->text);
    if (s.assignee) fields.emplace_back("Assignee", *s.assignee);
    if (s.labels) fields.emplace_back("Labels", (*s.labels)[0] + ", " + (*s.labels)[1]);
    if (s.tracker_key) fields.emplace_back("Issue", *s.tracker_key);
    switch (i % 3) {
      case 0:
        out << "| Field | Value |\n|-------|-------|\n";
        for (const auto& [k, v] : fields) out << "| **" << k << "** | " << v << " |\n";
        break;
      case 1:
        for (const auto& [k, v] : fields) out << "**" << k << "**: " << v << "\n";
        break;
      default:
        for (const auto& [k, v] : fields) out << "> **" << k << "**: " << v << "\n";
        break;
    }
    out << "\n#### Description\n\n" << s.description << "\n";
    for (const auto& p : s.description_parts) {
      out << "\n#### " << p.section.heading << "\n\n" << p.section.markdown << "\n";
    }
    if (!s.subtasks.empty()) {
      out << "\n#### Subtasks\n\n";
      if (i % 2 == 0) {
        out << "| # | Subtask | Description | SP | Status |\n|---|---|---|:--:|---|\n";
        for (const auto& st : s.subtasks) {
          out << "| " << *st.number << " | " << st.name << " | " << st.description << " | "
              << points_text(*st.points) << " | " << (st.status ? st.status->text : "") << " |\n";
        }
      } else {
        for (const auto& st : s.subtasks) {
          out << "- [" << (st.status ? "x" : " ") << "] " << st.name << " ("
              << points_text(*st.points) << " SP) - " << st.description << "\n";
        }
      }
    }
    if (!s.commits.empty()) {
      out << "\n#### Related Commits\n\n| Commit | Message |\n|--------|---------|\n";
      for (const auto& c : s.commits) out << "| `" << c.sha << "` | " << c.message << " |\n";
    }
    if (!s.comments.empty()) {
      out << "\n#### Comments\n";
      for (const auto& c : s.comments) {
        out << "\n> **@" << c.author << "** (" << c.date << "):\n> " << c.body << "\n";
      }
    }
  }
  out << "\n---\n";
  return out.str();
}

model::Epic generate_epic_for_sim(const GeneratorOptions& options) {
  model::Epic epic = generate_epic(options);
  for (auto& s : epic.stories) {
    s.tracker_key.reset();
    s.assignee.reset();
  }
  return epic;
}

}  // namespace epicsync::bench
