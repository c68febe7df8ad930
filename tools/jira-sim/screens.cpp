#include "screens.h"

namespace jira_sim {

using nlohmann::json;

const std::vector<FieldDef>& field_defs() {
  static const std::vector<FieldDef> defs = [] {
    auto sys = [](const std::string& id, const std::string& name, json schema,
                  std::vector<std::string> ops = {"set"}) {
      schema["system"] = id;
      return FieldDef{id, name, false, schema, ops};
    };
    auto cf = [](const std::string& id, const std::string& name, const std::string& type,
                 const std::string& custom) {
      return FieldDef{id,
                      name,
                      true,
                      {{"type", type}, {"custom", custom}, {"customId", std::stoi(id.substr(12))}},
                      {"set"}};
    };
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
        cf("customfield_10014", "Epic Link", "any", "com.pyxis.greenhopper.jira:gh-epic-link"),
        cf("customfield_10016", "Story point estimate", "number",
           "com.pyxis.greenhopper.jira:jsw-story-points"),
        cf("customfield_10026", "Story Points", "number",
           "com.atlassian.jira.plugin.system.customfieldtypes:float"),
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
  return out;
}

bool required_on_create(const std::string& field, const IssueType& type) {
  return field == "summary" || field == "issuetype" || field == "project" ||
         (field == "parent" && type.subtask);
}

}  // namespace jira_sim
