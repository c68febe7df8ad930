#include "screens.h"

namespace jira_sim {

using nlohmann::json;

const std::vector<FieldDef>& field_defs() {
  static const std::vector<FieldDef> defs = [] {
    auto sys = [](const std::string& id, const std::string& name, json schema,
                  std::vector<std::string> ops = {"set"}, ValueKind kind = ValueKind::kSpecial) {
      schema["system"] = id;
      return FieldDef{id, name, false, schema, ops, kind, {}};
    };
    auto cf = [](const std::string& id, const std::string& name, const std::string& type,
                 const std::string& custom, ValueKind kind = ValueKind::kSpecial,
                 std::vector<FieldOption> options = {}) {
      return FieldDef{id,
                      name,
                      true,
                      {{"type", type}, {"custom", custom}, {"customId", std::stoi(id.substr(12))}},
                      {"set"},
                      kind,
                      std::move(options)};
    };
    const std::string types = "com.atlassian.jira.plugin.system.customfieldtypes:";
    // Jira's multi-value custom fields are arrays of their item type and take add/remove too.
    FieldDef platforms = cf(
        "customfield_10041", "Platforms", "array", types + "multiselect", ValueKind::kMultiSelect,
        {{"10110", "iOS"}, {"10111", "Android"}, {"10112", "Web"}, {"10113", "Desktop"}});
    platforms.schema["items"] = "option";
    platforms.operations = {"add", "set", "remove"};
    return std::vector<FieldDef>{
        sys("summary", "Summary", {{"type", "string"}}),
        sys("description", "Description", {{"type", "string"}}),
        sys("issuetype", "Issue Type", {{"type", "issuetype"}}),
        sys("parent", "Parent", {{"type", "issuelink"}}),
        sys("project", "Project", {{"type", "project"}}),
        sys("priority", "Priority", {{"type", "priority"}}),
        sys("labels", "Labels", {{"type", "array"}, {"items", "string"}}, {"add", "set", "remove"}),
        sys("assignee", "Assignee", {{"type", "user"}}),
        sys("reporter", "Reporter", {{"type", "user"}}),
        sys("status", "Status", {{"type", "status"}}, {}),
        sys("resolution", "Resolution", {{"type", "resolution"}}),
        sys("created", "Created", {{"type", "datetime"}}, {}),
        sys("updated", "Updated", {{"type", "datetime"}}, {}),
        sys("subtasks", "Sub-tasks", {{"type", "array"}, {"items", "issuelinks"}}, {}),
        sys("issuelinks", "Linked Issues", {{"type", "array"}, {"items", "issuelinks"}}, {}),
        sys("comment", "Comment", {{"type", "comments-page"}}, {"add", "edit", "remove"}),
        sys("components", "Components", {{"type", "array"}, {"items", "component"}},
            {"add", "set", "remove"}, ValueKind::kComponents),
        sys("fixVersions", "Fix versions", {{"type", "array"}, {"items", "version"}},
            {"add", "set", "remove"}, ValueKind::kVersions),
        sys("duedate", "Due date", {{"type", "date"}}, {"set"}, ValueKind::kDueDate),
        cf("customfield_10014", "Epic Link", "any", "com.pyxis.greenhopper.jira:gh-epic-link"),
        cf("customfield_10016", "Story point estimate", "number",
           "com.pyxis.greenhopper.jira:jsw-story-points"),
        cf("customfield_10026", "Story Points", "number", types + "float"),
        cf("customfield_10040", "Team", "option", types + "select", ValueKind::kSelect,
           {{"10100", "Platform"},
            {"10101", "Search"},
            {"10102", "Mobile"},
            {"10103", "Payments"}}),
        platforms,
        cf("customfield_10042", "Target start", "date", types + "datepicker", ValueKind::kDate),
        cf("customfield_10043", "Budget", "number", types + "float", ValueKind::kNumber),
        cf("customfield_10044", "Release notes", "string", types + "textfield", ValueKind::kText),
        cf("customfield_10045", "Reviewer", "user", types + "userpicker", ValueKind::kUser),
        // On no screen: it can hold a value (loaded from a dump) that no edit may change.
        cf("customfield_10046", "Legacy notes", "string", types + "textarea", ValueKind::kText),
    };
  }();
  return defs;
}

const FieldDef* field_def(const std::string& id) {
  for (const auto& d : field_defs()) {
    if (d.id == id) return &d;
  }
  return nullptr;
}

const FieldOption* option_by_id(const FieldDef& def, const std::string& id) {
  for (const auto& o : def.options) {
    if (o.id == id) return &o;
  }
  return nullptr;
}

const FieldOption* option_by_value(const FieldDef& def, const std::string& value) {
  for (const auto& o : def.options) {
    if (o.value == value) return &o;
  }
  return nullptr;
}

std::vector<std::string> screen_fields(const IssueType& type, bool company_managed) {
  std::vector<std::string> out = {"summary",  "issuetype", "project", "description",
                                  "priority", "labels",    "assignee"};
  bool standard = !type.subtask && type.hierarchy_level == 0;
  if (type.subtask) {
    out.push_back("parent");
    out.push_back("customfield_10016");
  } else if (standard) {
    out.push_back(company_managed ? "customfield_10014" : "parent");
    if (type.name == "Story") out.push_back("customfield_10016");
  }
  // Every issue type's screen has the project-level system fields.
  for (const char* f : {"components", "fixVersions", "duedate"}) out.push_back(f);
  // The custom fields were added to the Story and Epic screens only, so a Task or Sub-task
  // refuses them as Jira refuses any field its screen lacks.
  if (type.name == "Story" || type.name == "Epic") {
    for (const char* f : {"customfield_10040", "customfield_10041", "customfield_10042",
                          "customfield_10043", "customfield_10044", "customfield_10045"}) {
      out.push_back(f);
    }
  }
  return out;
}

bool required_on_create(const std::string& field, const IssueType& type) {
  return field == "summary" || field == "issuetype" || field == "project" ||
         (field == "parent" && type.subtask);
}

}  // namespace jira_sim
