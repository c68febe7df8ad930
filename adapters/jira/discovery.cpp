#include "jira/discovery.h"

#include "jira/ascii.h"

#include <algorithm>

namespace epicsync::jira {
namespace {

using nlohmann::json;

// Jira has answered these pages under more than one name over the years.
const json& items_of(const json& page, std::initializer_list<const char*> names) {
  static const json kEmpty = json::array();
  if (page.is_array()) return page;
  for (const char* n : names) {
    if (page.contains(n) && page[n].is_array()) return page[n];
  }
  return kEmpty;
}

bool on(const std::vector<std::string>& ids, const std::string& id) {
  return std::find(ids.begin(), ids.end(), id) != ids.end();
}

}  // namespace

epicsync::Result<IssueTypes> choose_issue_types(const json& page) {
  IssueTypes out;
  std::string names;
  for (const auto& t : items_of(page, {"issueTypes", "values", "issuetypes"})) {
    const std::string name = t.value("name", "");
    const std::string id = t.value("id", "");
    names += (names.empty() ? "" : ", ") + name;
    if (t.value("subtask", false)) {
      // Prefer the standard sub-task type when a project has several.
      if (out.subtask_id.empty() || ascii_lower(name) == "sub-task" ||
          ascii_lower(name) == "subtask") {
        out.subtask_id = id;
      }
    } else if (ascii_lower(name) == "story") {
      out.story_id = id;
    } else if ((t.contains("hierarchyLevel") && t["hierarchyLevel"].is_number_integer() &&
                t["hierarchyLevel"].get<int>() == 1) ||
               (!t.contains("hierarchyLevel") && ascii_lower(name) == "epic")) {
      // Cloud says which type sits above stories; Data Center's Jira Software calls it Epic.
      out.epic_id = id;
    }
  }
  if (out.story_id.empty()) {
    return Error{epicsync::ErrorKind::kRejected,
                 "the project has no Story issue type (it has: " + names + ")",
                 "epicsync creates stories; ask an admin to add the Story type"};
  }
  return out;
}

std::vector<std::string> screen_field_ids(const json& page) {
  std::vector<std::string> ids;
  const json& items = items_of(page, {"fields", "values", "results"});
  for (const auto& f : items) {
    std::string id = f.value("fieldId", f.value("key", ""));
    if (!id.empty()) ids.push_back(id);
  }
  // The classic createmeta shape: {"fields": {"summary": {...}, ...}}
  if (ids.empty() && page.is_object() && page.contains("fields") && page["fields"].is_object()) {
    for (const auto& [k, v] : page["fields"].items()) ids.push_back(k);
  }
  return ids;
}

epicsync::Result<std::string> choose_points_field(const json& all_fields,
                                                  const std::vector<std::string>& on_screen,
                                                  const std::string& override_id) {
  if (!override_id.empty()) {
    for (const auto& f : all_fields) {
      if (f.value("id", "") == override_id) return override_id;
    }
    return Error{epicsync::ErrorKind::kRejected,
                 "the configured story points field " + override_id + " does not exist",
                 "check jira.story_points_field in the config file"};
  }
  std::vector<std::pair<std::string, std::string>> candidates;
  for (const auto& f : all_fields) {
    const std::string name = ascii_lower(f.value("name", ""));
    if (name != "story points" && name != "story point estimate") continue;
    if (!f.value("custom", true)) continue;
    const std::string id = f.value("id", "");
    if (on(on_screen, id)) candidates.emplace_back(id, f.value("name", ""));
  }
  if (candidates.size() > 1) {
    std::string list;
    for (const auto& [id, name] : candidates)
      list += (list.empty() ? "" : ", ") + id + " (" + name + ")";
    return Error{epicsync::ErrorKind::kRejected,
                 "several story points fields are on the story screen: " + list,
                 "set jira.story_points_field to one of them in the config file"};
  }
  return candidates.empty() ? std::string() : candidates[0].first;
}

std::string choose_epic_link_field(const json& all_fields,
                                   const std::vector<std::string>& on_screen) {
  for (const auto& f : all_fields) {
    const std::string id = f.value("id", "");
    const bool by_name = ascii_lower(f.value("name", "")) == "epic link";
    const bool by_schema = f.contains("schema") && f["schema"].value("custom", "") ==
                                                       "com.pyxis.greenhopper.jira:gh-epic-link";
    if ((by_name || by_schema) && on(on_screen, id)) return id;
  }
  return {};
}

tracker::Deployment deployment_from_server_info(const json& info) {
  return ascii_lower(info.value("deploymentType", "")) == "cloud"
             ? tracker::Deployment::kCloud
             : tracker::Deployment::kDataCenter;
}

}  // namespace epicsync::jira
