#include "restore/changelog_rollback.h"

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <ctime>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>

#include "tracker/identity_property.h"

namespace epicsync::restore {
namespace {

using nlohmann::json;
using tracker::ChangeHistory;
using tracker::ChangeItem;
using tracker::RemoteIssue;

// The managed field a changelog item is about ("summary", "points", "status", …), or empty.
std::string field_of(const ChangeItem& item, const std::string& points_field) {
  const std::string& id = item.field_id.empty() ? item.field : item.field_id;
  if (id == "summary" || id == "description" || id == "priority" || id == "labels" ||
      id == "assignee" || id == "status" || id == "resolution") {
    return id;
  }
  if (!points_field.empty() && id == points_field) return "points";
  if (item.field == "Link" || item.field_id == "issuelinks") return "link";
  return "other:" + id;
}

std::string text(const std::optional<std::string>& v) {
  return v ? *v : std::string();
}

std::vector<std::string> words(const std::string& s) {
  std::vector<std::string> out;
  std::istringstream in(s);
  for (std::string w; in >> w;) out.push_back(w);
  return out;
}

std::optional<double> number(const std::string& s) {
  if (s.empty()) return std::nullopt;
  char* end = nullptr;
  const double v = std::strtod(s.c_str(), &end);
  if (end == s.c_str()) return std::nullopt;
  return v;
}

// A changelog value in the journal's "sent" form (write_history.h), for drift checks.
json sent_value(const std::string& field, const std::optional<std::string>& id,
                const std::optional<std::string>& shown) {
  if (field == "summary" || field == "priority") return text(shown);
  if (field == "assignee") return text(id);
  if (field == "labels") return words(text(shown));
  if (field == "points") {
    auto n = number(text(shown));
    return n ? json(*n) : json(nullptr);
  }
  if (field == "description") return {{"format", "wiki"}, {"raw", text(shown)}};
  return text(shown);
}

// What the issue holds now, in the same form.
json current_value(const std::string& field, const RemoteIssue& r) {
  if (field == "summary") return r.summary;
  if (field == "priority") return r.priority_name;
  if (field == "assignee") return r.assignee;
  if (field == "labels") return r.labels;
  if (field == "points") return r.points ? json(*r.points) : json(nullptr);
  if (field == "description") {
    const char* format = r.description.format == tracker::RichText::Format::kAdf    ? "adf"
                         : r.description.format == tracker::RichText::Format::kWiki ? "wiki"
                                                                                    : "empty";
    return {{"format", format}, {"raw", r.description.raw}};
  }
  return nullptr;
}

// The field as it was before the run: the `from` side of its first item in the run.
void put_back(const std::string& field, const ChangeItem& first, RemoteIssue& b,
              const std::vector<tracker::RemoteStatus>& statuses) {
  if (field == "summary") b.summary = text(first.from_string);
  if (field == "description") {
    const std::string raw = text(first.from_string);
    b.description = raw.empty() ? tracker::RichText{}
                                : tracker::RichText{tracker::RichText::Format::kWiki, raw};
  }
  if (field == "points") b.points = number(text(first.from_string));
  if (field == "priority") {
    b.priority_id = text(first.from);
    b.priority_name = text(first.from_string);
  }
  if (field == "labels") b.labels = words(text(first.from_string));
  if (field == "assignee") {
    b.assignee = text(first.from);
    b.assignee_display = text(first.from_string);
  }
  if (field == "status") {
    tracker::RemoteStatus s{text(first.from), text(first.from_string),
                            tracker::StatusCategory::kUnknown};
    for (const auto& known : statuses) {
      if (known.id == s.id) s = known;
    }
    b.status = s;
  }
  if (field == "resolution") b.resolution = text(first.from_string);
}

// The three-way base key of a managed field in the property (tracker/identity_property.h).
std::string base_key(const std::string& field) {
  return field == "resolution" ? "status" : field;
}

}  // namespace

std::optional<std::chrono::system_clock::time_point> parse_jira_time(const std::string& s) {
  // YYYY-MM-DDTHH:MM:SS[.mmm](Z|±HHMM|±HH:MM)
  if (s.size() < 19 || s[4] != '-' || s[7] != '-' || s[10] != 'T') return std::nullopt;
  std::tm tm{};
  try {
    tm.tm_year = std::stoi(s.substr(0, 4)) - 1900;
    tm.tm_mon = std::stoi(s.substr(5, 2)) - 1;
    tm.tm_mday = std::stoi(s.substr(8, 2));
    tm.tm_hour = std::stoi(s.substr(11, 2));
    tm.tm_min = std::stoi(s.substr(14, 2));
    tm.tm_sec = std::stoi(s.substr(17, 2));
  } catch (const std::exception&) {
    return std::nullopt;
  }
  auto t = std::chrono::system_clock::from_time_t(::timegm(&tm));
  size_t at = 19;
  if (at < s.size() && s[at] == '.') {
    size_t end = at + 1;
    while (end < s.size() && std::isdigit(static_cast<unsigned char>(s[end]))) ++end;
    std::string frac = s.substr(at + 1, end - at - 1);
    frac = (frac + "000").substr(0, 3);
    t += std::chrono::milliseconds(std::atoi(frac.c_str()));
    at = end;
  }
  if (at < s.size() && (s[at] == '+' || s[at] == '-')) {
    std::string digits;
    for (size_t i = at + 1; i < s.size(); ++i) {
      if (std::isdigit(static_cast<unsigned char>(s[i]))) digits += s[i];
    }
    if (digits.size() != 4) return std::nullopt;
    const auto offset = std::chrono::hours(std::stoi(digits.substr(0, 2))) +
                        std::chrono::minutes(std::stoi(digits.substr(2, 2)));
    t += s[at] == '+' ? -offset : offset;  // local = UTC + offset
  } else if (at < s.size() && s[at] != 'Z') {
    return std::nullopt;
  }
  return t;
}

ChangelogRollback rollback_from_changelog(
    const tracker::EpicSnapshot& current,
    const std::map<std::string, std::vector<tracker::ChangeHistory>>& changelogs,
    const TrackedRun& run, const std::vector<tracker::RemoteStatus>& statuses,
    const std::string& story_points_field, const std::vector<std::string>& table, bool wiki_log) {
  ChangelogRollback out;
  out.before = current;
  const std::set<std::string> table_ids(table.begin(), table.end());
  auto in_run = [&](const ChangeHistory& h) {
    return h.author == run.account && h.created >= run.from && h.created <= run.to;
  };

  // Issues the run created: deleted by the rollback (the planner deletes what the history says
  // was created and the "before" epic does not hold). Found by the run trace on the issue.
  std::set<std::string> created;
  std::set<std::string> kept;  // created by the run, changed by someone since: not deleted
  for (const auto* list : {&current.stories, &current.subtasks}) {
    for (const auto& r : *list) {
      if (tracker::identity_property(r).created_by != run.id) continue;
      created.insert(r.key);
      // Anyone's change after the run (a later run's too) makes it someone's work now.
      std::string edited;
      if (auto log = changelogs.find(r.key); log != changelogs.end()) {
        for (const auto& h : log->second) {
          if (!in_run(h) && !h.items.empty()) edited = h.items.front().field;
        }
      }
      std::set<std::string> posted;
      for (const auto& c : r.comments) {
        auto at = parse_jira_time(c.created);
        if (c.author == run.account && at && *at >= run.from && *at <= run.to) {
          posted.insert(c.id);
        } else {
          edited = "comments";
        }
      }
      if (!edited.empty()) {
        kept.insert(r.key);
        out.conflicts.push_back(
            {r.key, "issue", "created by run " + run.id, "edited since: " + edited, "", ""});
        continue;
      }
      IssueWrites& w = out.writes.issues[r.key];
      w.created = true;
      w.comments_added = posted;
      const std::string identity = tracker::identity_of(r);
      out.writes.created[identity.empty() ? r.key : identity] = r.key;
    }
  }
  // A sub-task the run created under a story it created goes with the story; one it created
  // under an older story goes alone.
  auto drop_created = [&](std::vector<RemoteIssue>& list) {
    list.erase(std::remove_if(list.begin(), list.end(),
                              [&](const RemoteIssue& r) { return created.count(r.key) > 0; }),
               list.end());
  };
  drop_created(out.before.stories);
  drop_created(out.before.subtasks);
  out.issues_touched = created.size();

  auto restore_issue = [&](RemoteIssue& b, const RemoteIssue& now) {
    auto log = changelogs.find(now.key);
    std::map<std::string, const ChangeItem*> first;  // the run's first item per field
    std::map<std::string, const ChangeItem*> last;   // and its last
    std::map<std::string, std::chrono::system_clock::time_point> last_at;
    std::set<std::string> changed_after;  // fields someone changed after the run did
    std::set<std::string> links;
    if (log != changelogs.end()) {
      for (const auto& h : log->second) {
        const bool ours = in_run(h);
        for (const auto& item : h.items) {
          const std::string field = field_of(item, story_points_field);
          if (ours) {
            if (!first.count(field)) first[field] = &item;
            last[field] = &item;
            last_at[field] = h.created;
            changed_after.erase(field);
            if (field == "link") links.insert(text(item.to_string) + text(item.from_string));
          } else if (last.count(field) && h.created > last_at[field]) {
            changed_after.insert(field);
          }
        }
      }
    }
    // Comments the run posted: by its account, in its time.
    std::set<std::string> posted;
    for (const auto& c : now.comments) {
      auto at = parse_jira_time(c.created);
      if (c.author == run.account && at && *at >= run.from && *at <= run.to) posted.insert(c.id);
    }
    if (first.empty() && posted.empty()) return;
    ++out.issues_touched;
    IssueWrites& w = out.writes.issues[now.key];
    json property = json::parse(now.properties.count(tracker::kPropertyKey)
                                    ? now.properties.at(tracker::kPropertyKey)
                                    : std::string("null"),
                                nullptr, false);
    for (const auto& [field, item] : first) {
      if (field == "link") continue;
      if (field.rfind("other:", 0) == 0) {
        const std::string id = field.substr(6);
        if (table_ids.count(id)) {
          out.conflicts.push_back({now.key, item->field, text(last[field]->to_string),
                                   "not restored: Jira's changelog does not give the value back "
                                   "exactly (restore it from a backup, or by hand)",
                                   "", ""});
        }
        continue;
      }
      const ChangeItem& end = *last[field];
      if (field == "description" && !wiki_log) {
        // Cloud: exactly as the run trace kept it, or not at all.
        const auto trace = tracker::identity_property(now);
        auto prior = trace.prior.find("description");
        const json kept = trace.run == run.id && prior != trace.prior.end()
                              ? json::parse(prior->second, nullptr, false)
                              : json();
        if (!kept.is_object()) {
          out.conflicts.push_back({now.key, "Description", "(changed by run " + run.id + ")",
                                   "not restored: Jira Cloud's changelog keeps only a text "
                                   "rendition of the description before the run, and the run "
                                   "trace on the issue no longer holds it",
                                   "", ""});
          continue;
        }
        const std::string format = kept.value("format", "");
        b.description = format == "empty"
                            ? tracker::RichText{}
                            : tracker::RichText{format == "wiki" ? tracker::RichText::Format::kWiki
                                                                 : tracker::RichText::Format::kAdf,
                                                kept.value("raw", "")};
      } else {
        put_back(field, *item, b, statuses);
      }
      const bool drifted = changed_after.count(field) > 0;
      if (field == "status" || field == "resolution") {
        if (field == "status") {
          if (!w.status) w.status = Written{};
          w.status->add(drifted ? json(text(end.to_string)) : json(now.status.name), true);
        }
      } else {
        w.fields[field].add(
            drifted ? sent_value(field, end.to, end.to_string) : current_value(field, now), true);
      }
      if (property.is_object() && property.contains("base") && property["base"].is_object()) {
        property["base"].erase(base_key(field));
      }
    }
    // A comment the run replaced (Related Commits): its body is in no changelog.
    const auto trace = tracker::identity_property(now);
    if (trace.run == run.id) {
      for (const auto& [what, was] : trace.prior) {
        if (what.rfind("comment:", 0) != 0) continue;
        const json id = json::parse(was, nullptr, false);
        out.conflicts.push_back(
            {now.key, "comment",
             "replaced comment " + (id.is_string() ? id.get<std::string>() : was),
             "not restored: the run replaced it, and Jira keeps no copy of a deleted comment", "",
             ""});
      }
    }
    if (!links.empty()) {
      out.notes.push_back(now.key + ": the run changed " + std::to_string(links.size()) +
                          " issue link(s); a rollback from the changelog leaves links as they "
                          "are");
    }
    // The comments go; the property forgets them and the bases of the fields put back, so the
    // next sync neither posts them twice nor takes the restored values for someone's edit.
    b.comments.erase(std::remove_if(b.comments.begin(), b.comments.end(),
                                    [&](const auto& c) { return posted.count(c.id) > 0; }),
                     b.comments.end());
    w.comments_added = posted;
    if (property.is_object() && property.contains("comments") && property["comments"].is_object()) {
      for (auto it = property["comments"].begin(); it != property["comments"].end();) {
        const bool gone = it->is_object() && posted.count(it->value("id", ""));
        it = gone ? property["comments"].erase(it) : std::next(it);
      }
    }
    if (property.is_object()) {
      property.erase("prior");  // the undone run's
      property.erase("run");
      // A property that records nothing any more (an issue epicsync only wrote in that run,
      // such as an epic it never recorded) goes, as it was not there before.
      const bool empty = property.value("id", "").empty() &&
                         property.value("created_by", "").empty() &&
                         property.value("comments", json::object()).empty() &&
                         property.value("base", json::object()).empty();
      if (empty) {
        b.properties.erase(tracker::kPropertyKey);
      } else {
        b.properties[tracker::kPropertyKey] = property.dump();
      }
      w.property_written = true;
    }
  };

  std::map<std::string, const RemoteIssue*> by_key;
  for (const auto* cur : {&current.stories, &current.subtasks}) {
    for (const auto& r : *cur) by_key[r.key] = &r;
  }
  restore_issue(out.before.epic, current.epic);
  for (auto* list : {&out.before.stories, &out.before.subtasks}) {
    for (auto& b : *list) {
      if (auto it = by_key.find(b.key); it != by_key.end()) restore_issue(b, *it->second);
    }
  }
  out.notes.push_back(
      "rolled back from Jira's changelog (no local backup): issues the run deleted are not in "
      "the changelog and are not brought back");
  return out;
}

}  // namespace epicsync::restore
