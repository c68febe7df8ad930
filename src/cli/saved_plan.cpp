#include "cli/saved_plan.h"

#include <chrono>
#include <cstdint>
#include <map>
#include <set>

#include "backup/backup_id.h"
#include "backup/sha256.h"
#include "backup/snapshot_json.h"
#include "input_file.h"
#include "report/plan_render.h"
#include "report/snapshot_diff.h"
#include "sync/rich_text_ops.h"
#include "version.h"

namespace epicsync::cli {
namespace {

using nlohmann::json;
using tracker::RemoteIssue;

// The issues a plan writes to: every operation on an existing issue names it, and a story deleted
// with its sub-tasks takes them too.
std::set<std::string> written_keys(const plan::Plan& plan, const tracker::EpicSnapshot& snapshot) {
  std::set<std::string> keys;
  for (const auto& op : plan.operations) {
    if (op.issue_key.empty()) continue;
    keys.insert(op.issue_key);
    if (op.kind == plan::OpKind::kDeleteIssue && op.with_subtasks) {
      for (const auto& st : snapshot.subtasks) {
        if (st.parent_key == op.issue_key) keys.insert(st.key);
      }
    }
  }
  return keys;
}

// The file's checksum: over every member but itself, so no part of a reviewed plan can be
// edited by hand (the options, the issues it writes to, the plan).
std::string checksum_of(json doc) {
  doc.erase("checksum");
  return backup::sha256_hex(doc.dump());
}

// A URL without the user part ("https://me:secret@host" → "https://host"): what the plan names
// the tracker by, never a credential.
std::string tracker_of(const std::string& url) {
  const size_t scheme = url.find("://");
  const size_t from = scheme == std::string::npos ? 0 : scheme + 3;
  const size_t at = url.find('@', from);
  const size_t slash = url.find('/', from);
  std::string out = at != std::string::npos && (slash == std::string::npos || at < slash)
                        ? url.substr(0, from) + url.substr(at + 1)
                        : url;
  while (!out.empty() && out.back() == '/') out.pop_back();
  return out;
}

const RemoteIssue* find(const tracker::EpicSnapshot& s, const std::string& key) {
  if (s.epic.key == key) return &s.epic;
  for (const auto* list : {&s.stories, &s.subtasks}) {
    for (const auto& i : *list) {
      if (i.key == key) return &i;
    }
  }
  return nullptr;
}

Error damaged(const std::string& path, const std::string& why) {
  return Error{ErrorKind::kInputFile, path + " is not a plan this epicsync can apply: " + why,
               "make the plan again with --plan-out"};
}

// What changed on one issue, as the backup diff words it: "Status: To Do → In Review".
std::string how_changed(const RemoteIssue& then, const RemoteIssue& now) {
  tracker::EpicSnapshot a, b;
  a.epic = then;  // compared as the epic: every field, no parent
  b.epic = now;
  const auto diff = report::diff_snapshots(a, b, sync::rich_text_ops().to_markdown);
  std::string out;
  for (const auto& d : diff.issues) {
    for (const auto& f : d.fields) {
      out += (out.empty() ? "" : "; ") + f.field + ": " + (f.before.empty() ? "-" : f.before) +
             " → " + (f.after.empty() ? "-" : f.after);
    }
    if (d.status) {
      out += (out.empty() ? "" : "; ") + std::string("Status: ") + d.status->from + " → " +
             d.status->to;
    }
    if (!d.description_diff.empty()) out += (out.empty() ? "" : "; ") + std::string("Description");
    if (!d.comments.empty()) out += (out.empty() ? "" : "; ") + std::string("comments");
    if (!d.links_added.empty() || !d.links_removed.empty()) {
      out += (out.empty() ? "" : "; ") + std::string("links");
    }
  }
  return out;
}

// "create_story US-3 'Saved cards'", "update PROJ-2 'Guest checkout'".
std::string describe(const json& op) {
  std::string out = op.contains("kind") && op["kind"].is_string() ? op["kind"].get<std::string>()
                                                                  : std::string("?");
  if (op.contains("issue") && op["issue"].is_string()) {
    out += " " + op["issue"].get<std::string>();
  } else if (op.contains("story") && op["story"].is_string()) {
    out += " " + op["story"].get<std::string>();
  }
  if (op.contains("summary") && op["summary"].is_string()) {
    out += " '" + op["summary"].get<std::string>() + "'";
  }
  return out;
}

}  // namespace

json plan_context(const std::string& jira_url, const tracker::EpicSnapshot& snapshot,
                  const tracker::TrackerInfo& info,
                  const std::map<std::string, std::vector<std::string>>& status_map) {
  json fields = json::array();
  for (const auto& f : info.fields) {
    fields.push_back({{"id", f.key}, {"name", f.name}, {"type", f.type_text}});
  }
  return {{"tracker", tracker_of(jira_url)},
          {"epic_id", snapshot.epic.id},
          {"story_points_field", info.story_points_field},
          {"epic_link_field", info.epic_link_field},
          {"fields", fields},
          {"status_map", status_map}};
}

json saved_plan_json(const SavedPlan& saved, const plan::Plan& plan,
                     const tracker::EpicSnapshot& snapshot) {
  const std::set<std::string> keys = written_keys(plan, snapshot);
  tracker::EpicSnapshot touched;
  touched.epic = snapshot.epic;  // the snapshot format needs the epic; compared only if written
  for (const auto& i : snapshot.stories) {
    if (keys.count(i.key)) touched.stories.push_back(i);
  }
  for (const auto& i : snapshot.subtasks) {
    if (keys.count(i.key)) touched.subtasks.push_back(i);
  }
  json doc = {
      {"format", "epicsync-plan"},
      {"version", kSavedPlanVersion},
      {"epicsync", kVersion},
      {"created", backup::format_utc(std::chrono::system_clock::now())},
      {"epic", saved.epic},
      {"source",
       {{"path", saved.source_path},
        {"sha256", backup::sha256_hex(saved.markdown)},
        {"markdown", saved.markdown}}},
      {"options", {{"stories", saved.stories}, {"phase", saved.phase}, {"prune", saved.prune}}},
      {"plan", report::plan_to_json(plan)},
      {"context", saved.context},
      {"writes_to", std::vector<std::string>(keys.begin(), keys.end())},
      {"issues", backup::snapshot_to_json(touched)}};
  doc["checksum"] = checksum_of(doc);
  return doc;
}

Result<SavedPlan> read_saved_plan(const std::string& path) {
  auto text = read_input_file(path);
  if (!text) return text.error();
  const json doc = json::parse(*text, nullptr, false);
  auto member = [&](const json& j, const char* name) -> const json* {
    if (!j.is_object()) return nullptr;
    auto it = j.find(name);
    return it == j.end() ? nullptr : &*it;
  };
  const json* format = member(doc, "format");
  if (!format || !format->is_string() || format->get<std::string>() != "epicsync-plan") {
    return damaged(path, "it is not an epicsync plan file (made with --plan-out)");
  }
  const json* version = member(doc, "version");
  if (!version || !version->is_number_unsigned() || version->get<uint64_t>() < 1) {
    return damaged(path, "its version is missing");
  }
  if (version->get<uint64_t>() > static_cast<uint64_t>(kSavedPlanVersion)) {
    return Error{ErrorKind::kInputFile,
                 path + " was made by a newer epicsync (plan format " + version->dump() +
                     "; this one reads " + std::to_string(kSavedPlanVersion) + ")",
                 "apply it with the epicsync that made it, or make the plan again"};
  }
  const json* checksum = member(doc, "checksum");
  if (!checksum || !checksum->is_string() || checksum->get<std::string>() != checksum_of(doc)) {
    return damaged(path, "it does not match its checksum (edited by hand?)");
  }
  try {
    SavedPlan s;
    s.epic = doc.at("epic").get<std::string>();
    const json& source = doc.at("source");
    s.source_path = source.at("path").get<std::string>();
    s.markdown = source.at("markdown").get<std::string>();
    if (backup::sha256_hex(s.markdown) != source.at("sha256").get<std::string>()) {
      return damaged(path, "its markdown does not match its checksum (edited by hand?)");
    }
    const json& options = doc.at("options");
    s.stories = options.at("stories").get<std::vector<std::string>>();
    s.phase = options.at("phase").get<std::string>();
    s.prune = options.at("prune").get<bool>();
    s.created = doc.value("created", "");
    s.plan = doc.at("plan");
    s.context = doc.at("context");
    const json& operations = s.plan.at("operations");
    const json& orphans = s.plan.at("orphans");
    if (!operations.is_array() || !orphans.is_array()) {
      return damaged(path, "its plan has no list of operations");
    }
    for (const auto& op : operations) {
      if (!op.is_object()) return damaged(path, "an operation of its plan is not an object");
    }
    auto touched = backup::snapshot_from_json(doc.at("issues"));
    if (!touched) return damaged(path, touched.error().message);
    s.touched = std::move(*touched);
    // Only the issues the plan writes to are compared; the epic is in the file either way.
    std::set<std::string> writes;
    for (const auto& k : doc.at("writes_to")) writes.insert(k.get<std::string>());
    if (!writes.count(s.touched.epic.key)) s.touched.epic.key.clear();
    return s;
  } catch (const json::exception& e) {
    return damaged(path,
                   std::string("a member is missing or of the wrong type (") + e.what() + ")");
  }
}

std::vector<std::string> stale_reasons(const SavedPlan& saved, const tracker::EpicSnapshot& now,
                                       const plan::Plan& replanned, const json& context) {
  std::vector<std::string> out;
  // Another tracker, another epic under the same key, or a configuration that maps the file
  // onto the tracker differently: the same plan text would write elsewhere.
  static const std::pair<const char*, const char*> kContext[] = {
      {"tracker", "it was made against another tracker"},
      {"epic_id", "the epic is another issue than when the plan was made"},
      {"story_points_field", "the story points field is another one now"},
      {"epic_link_field", "stories join the epic another way now (Epic Link)"},
      {"fields", "jira.fields maps the file's fields onto other Jira fields now"},
      {"status_map", "jira.status_map maps the statuses differently now"}};
  for (const auto& [key, why] : kContext) {
    const json was =
        saved.context.is_object() && saved.context.contains(key) ? saved.context[key] : json();
    const json is = context.contains(key) ? context[key] : json();
    if (was != is)
      out.push_back(std::string(why) + " (" + key + ": " + was.dump() + " → " + is.dump() + ")");
  }
  if (!out.empty()) return out;
  std::vector<const RemoteIssue*> then;
  if (!saved.touched.epic.key.empty()) then.push_back(&saved.touched.epic);
  for (const auto* list : {&saved.touched.stories, &saved.touched.subtasks}) {
    for (const auto& i : *list) then.push_back(&i);
  }
  for (const RemoteIssue* was : then) {
    const RemoteIssue* is = find(now, was->key);
    if (!is) {
      out.push_back(was->key + " '" + was->summary + "' is gone from the epic");
      continue;
    }
    if (is->updated == was->updated) continue;
    const std::string how = how_changed(*was, *is);
    out.push_back(was->key + " '" + was->summary + "' was changed since the plan was made" +
                  (how.empty() ? " (updated " + is->updated + ")" : ": " + how));
  }
  // The plan made now: the same operations, or the tracker moved in a way the issues above do
  // not show (an issue that appeared and would be matched instead of created, a status renamed).
  const json again = report::plan_to_json(replanned);
  const json& before = saved.plan;
  // Without --prune the orphans are only listed, never touched: a change to one is no reason.
  if (before.at("operations") != again["operations"] ||
      (saved.prune && before.at("orphans") != again["orphans"])) {
    std::multiset<std::string> a, b;
    std::map<std::string, std::string> text;
    for (const auto& op : before.at("operations")) {
      a.insert(op.dump());
      text[op.dump()] = describe(op);
    }
    for (const auto& op : again["operations"]) {
      b.insert(op.dump());
      text[op.dump()] = describe(op);
    }
    std::vector<std::string> gone, added;
    for (const auto& op : a) {
      if (b.count(op) < a.count(op) && (gone.empty() || gone.back() != text[op])) {
        gone.push_back(text[op]);
      }
    }
    for (const auto& op : b) {
      if (a.count(op) < b.count(op) && (added.empty() || added.back() != text[op])) {
        added.push_back(text[op]);
      }
    }
    std::string what = "the plan made now is not the saved one";
    auto list = [](const std::vector<std::string>& items) {
      std::string s;
      for (size_t i = 0; i < items.size() && i < 5; ++i) s += (i ? ", " : "") + items[i];
      if (items.size() > 5) s += ", … " + std::to_string(items.size() - 5) + " more";
      return s;
    };
    if (!gone.empty()) what += "; no longer: " + list(gone);
    if (!added.empty()) what += "; now also: " + list(added);
    if (gone.empty() && added.empty()) what += " (the issues it leaves alone changed)";
    out.push_back(what);
  }
  return out;
}

}  // namespace epicsync::cli
