#include "jira/discovery.h"

#include "jira/ascii.h"

#include <algorithm>
#include <map>

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

namespace {

// A member as text, or "" when it is missing or not a string: metadata from plugins and older
// servers does not always have the shape the documentation gives.
std::string text_of(const json& j, const char* name) {
  if (!j.is_object()) return {};
  auto it = j.find(name);
  return it != j.end() && it->is_string() ? it->get<std::string>() : std::string();
}

}  // namespace

tracker::FieldKind field_kind_of(const json& schema) {
  using tracker::FieldKind;
  const std::string type = text_of(schema, "type");
  const std::string items = text_of(schema, "items");
  const std::string custom = text_of(schema, "custom");
  if (type == "array") {
    if (items == "option") return FieldKind::kOptions;
    if (items == "component") return FieldKind::kComponents;
    if (items == "version") return FieldKind::kVersions;
    return FieldKind::kUnsupported;
  }
  if (type == "option") return FieldKind::kOption;
  if (type == "number") return FieldKind::kNumber;
  if (type == "date") return FieldKind::kDate;
  if (type == "user") return FieldKind::kUser;
  // Only a single-line text field is plain text; a multi-line one holds rich text (ADF on
  // Cloud), as do system text fields such as the description and the environment.
  if (type == "string" && custom.find("textfield") != std::string::npos) return FieldKind::kText;
  return FieldKind::kUnsupported;
}

namespace {

// The field's entry on a createmeta screen, in either of Jira's shapes, or nullptr.
const json* screen_entry(const json* page, const std::string& id) {
  if (!page || !page->is_object()) return nullptr;
  for (const auto& f : items_of(*page, {"fields", "values", "results"})) {
    const std::string field = text_of(f, "fieldId");
    if ((field.empty() ? text_of(f, "key") : field) == id) return &f;
  }
  if (page->contains("fields") && (*page)["fields"].is_object() && (*page)["fields"].contains(id)) {
    return &(*page)["fields"][id];
  }
  return nullptr;
}

// The values a screen offers: option values, component and version names; archived versions
// and disabled options cannot be chosen any more.
void add_allowed(tracker::FieldSpec& spec, const json* entry) {
  if (!entry || !entry->is_object() || !entry->contains("allowedValues") ||
      !(*entry)["allowedValues"].is_array()) {
    return;
  }
  for (const auto& v : (*entry)["allowedValues"]) {
    if (!v.is_object()) continue;
    std::string text = text_of(v, "value");
    if (text.empty()) text = text_of(v, "name");
    auto flag = [&](const char* k) {
      return v.contains(k) && v[k].is_boolean() && v[k].get<bool>();
    };
    if (flag("archived") || flag("disabled")) continue;
    if (!text.empty() &&
        std::find(spec.allowed.begin(), spec.allowed.end(), text) == spec.allowed.end()) {
      spec.allowed.push_back(std::move(text));
    }
  }
}

std::string schema_text(const json& schema) {
  std::string t = text_of(schema, "custom");
  if (t.empty()) t = text_of(schema, "type");
  if (t.empty()) t = "unknown";
  if (auto colon = t.rfind(':'); colon != std::string::npos) t = t.substr(colon + 1);
  return t;
}

}  // namespace

epicsync::Result<std::vector<tracker::FieldSpec>> field_table(
    const json& all_fields, const Screens& screens,
    const std::vector<std::pair<std::string, std::string>>& configured,
    const std::vector<std::string>& taken) {
  std::vector<tracker::FieldSpec> out;
  auto add = [&](const json& field, const std::string& name, tracker::FieldKind kind) {
    tracker::FieldSpec spec;
    spec.key = text_of(field, "id");
    spec.name = name;
    spec.kind = kind;
    spec.type_text = schema_text(field.contains("schema") ? field["schema"] : json());
    const json* story = screen_entry(screens.story, spec.key);
    const json* subtask = screen_entry(screens.subtask, spec.key);
    const json* epic = screen_entry(screens.epic, spec.key);
    spec.on_story = story != nullptr;
    spec.on_subtask = subtask != nullptr;
    spec.on_epic = epic != nullptr;
    for (const json* e : {story, epic, subtask}) add_allowed(spec, e);
    out.push_back(std::move(spec));
  };
  const json fields = all_fields.is_array() ? all_fields : json::array();
  for (const auto& b : tracker::builtin_fields()) {
    for (const auto& f : fields) {
      if (text_of(f, "id") == b.key) add(f, std::string(b.name), b.kind);
    }
  }
  auto usage = [](std::string message, std::string hint) {
    return Error{epicsync::ErrorKind::kUsage, "jira.fields: " + std::move(message),
                 std::move(hint)};
  };
  std::map<std::string, std::string> named;  // field id → the first name configured for it
  for (const auto& [name, wanted] : configured) {
    std::vector<const json*> hits;
    for (const auto& f : fields) {
      if (ascii_lower(text_of(f, "id")) == ascii_lower(wanted)) hits = {&f};
    }
    if (hits.empty()) {
      for (const auto& f : fields) {
        if (ascii_lower(text_of(f, "name")) == ascii_lower(wanted)) hits.push_back(&f);
      }
    }
    if (hits.empty()) {
      return usage("'" + name + "' names field '" + wanted + "', which this Jira does not have",
                   "give a field id (customfield_10040) or the field's name in Jira");
    }
    if (hits.size() > 1) {
      std::string ids;
      for (const auto* h : hits) ids += (ids.empty() ? "" : ", ") + text_of(*h, "id");
      return usage("'" + name + "': several fields are named '" + wanted + "' (" + ids + ")",
                   "give the field id instead");
    }
    const json& field = *hits[0];
    const std::string id = text_of(field, "id");
    const bool custom = field.contains("custom") && field["custom"].is_boolean()
                            ? field["custom"].get<bool>()
                            : id.rfind("customfield_", 0) == 0;
    if (!custom || std::find(taken.begin(), taken.end(), id) != taken.end()) {
      // Components, fix versions and the due date are in the table already, and the summary,
      // description, points and the rest are the file's own fields: a second way to write one
      // of them would make two rows fight over it.
      return usage("'" + name + "' names " + id + ", which epicsync already manages as " +
                       (tracker::find_spec(out, id) ? tracker::find_spec(out, id)->name
                                                    : std::string("one of the file's own fields")),
                   "jira.fields is for custom fields; write that field under its own name");
    }
    if (auto [it, fresh] = named.emplace(id, name); !fresh) {
      return usage("'" + it->second + "' and '" + name + "' both name " + id,
                   "give each custom field one name");
    }
    add(field, name, field_kind_of(field.contains("schema") ? field["schema"] : json()));
  }
  return out;
}

tracker::Deployment deployment_from_server_info(const json& info) {
  return ascii_lower(info.value("deploymentType", "")) == "cloud"
             ? tracker::Deployment::kCloud
             : tracker::Deployment::kDataCenter;
}

}  // namespace epicsync::jira
