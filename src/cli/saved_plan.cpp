#include "cli/saved_plan.h"

#include <chrono>
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

// The issues a plan writes to: every operation on an existing issue names it.
std::set<std::string> written_keys(const plan::Plan& plan) {
  std::set<std::string> keys;
  for (const auto& op : plan.operations) {
    if (!op.issue_key.empty()) keys.insert(op.issue_key);
  }
  return keys;
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
  std::string out = op.value("kind", "?");
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

json saved_plan_json(const SavedPlan& saved, const plan::Plan& plan,
                     const tracker::EpicSnapshot& snapshot) {
  const std::set<std::string> keys = written_keys(plan);
  tracker::EpicSnapshot touched;
  touched.epic = snapshot.epic;  // the snapshot format needs the epic; compared only if written
  for (const auto& i : snapshot.stories) {
    if (keys.count(i.key)) touched.stories.push_back(i);
  }
  for (const auto& i : snapshot.subtasks) {
    if (keys.count(i.key)) touched.subtasks.push_back(i);
  }
  return {{"format", "epicsync-plan"},
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
          {"writes_to", std::vector<std::string>(keys.begin(), keys.end())},
          {"issues", backup::snapshot_to_json(touched)}};
}

Result<SavedPlan> read_saved_plan(const std::string& path) {
  auto text = read_input_file(path);
  if (!text) return text.error();
  const json doc = json::parse(*text, nullptr, false);
  if (!doc.is_object() || doc.value("format", "") != "epicsync-plan") {
    return damaged(path, "it is not an epicsync plan file (made with --plan-out)");
  }
  const json& version = doc["version"];
  if (!version.is_number_integer() || version.get<int>() < 1) {
    return damaged(path, "its version is missing");
  }
  if (version.get<int>() > kSavedPlanVersion) {
    return Error{ErrorKind::kInputFile,
                 path + " was made by a newer epicsync (plan format " +
                     std::to_string(version.get<int>()) + "; this one reads " +
                     std::to_string(kSavedPlanVersion) + ")",
                 "apply it with the epicsync that made it, or make the plan again"};
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
                                       const plan::Plan& replanned) {
  std::vector<std::string> out;
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
  if (before.value("operations", json::array()) != again["operations"] ||
      before.value("orphans", json::array()) != again["orphans"]) {
    std::multiset<std::string> a, b;
    std::map<std::string, std::string> text;
    for (const auto& op : before.value("operations", json::array())) {
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
