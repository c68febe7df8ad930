#pragma once

// Choices made from what the tracker reports about itself. Pure, so each rule is testable.

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "error.h"
#include "jira/issue_json.h"
#include "tracker/remote_issue.h"

namespace epicsync::jira {

struct IssueTypes {
  std::string story_id;
  std::string subtask_id;
  std::string epic_id;  // empty when the project lists no epic type
};

// From createmeta/{project}/issuetypes: the Story type and the project's sub-task type (whatever
// it is called there), never a hard-coded name for the latter.
epicsync::Result<IssueTypes> choose_issue_types(const nlohmann::json& issuetypes_page);

// The field ids on a createmeta screen (createmeta/{project}/issuetypes/{id}).
std::vector<std::string> screen_field_ids(const nlohmann::json& fields_page);

// The story points field: the custom numeric fields named like story points (from GET field),
// narrowed to those on the story screen. An explicit override wins but must exist. Two
// candidates left is an error that lists them; none is "" (the project does not track points).
epicsync::Result<std::string> choose_points_field(const nlohmann::json& all_fields,
                                                  const std::vector<std::string>& on_screen,
                                                  const std::string& override_id);

// The Epic Link field id when it is on the story screen (company-managed projects), else "".
std::string choose_epic_link_field(const nlohmann::json& all_fields,
                                   const std::vector<std::string>& on_screen);

// The field table of this project: the built-in extra fields (components, fix versions, due date)
// that exist, and each configured custom field (jira.fields: the name the file writes → a field
// id, or the field's name in Jira), with its kind from the field's schema, whether the story,
// sub-task and epic screens have it, and its allowed values. A configured field that does not
// exist, or a name that matches several fields, is an error naming it.
struct Screens {
  const nlohmann::json* story = nullptr;
  const nlohmann::json* subtask = nullptr;
  const nlohmann::json* epic = nullptr;
};
epicsync::Result<std::vector<tracker::FieldSpec>> field_table(
    const nlohmann::json& all_fields, const Screens& screens,
    const std::vector<std::pair<std::string, std::string>>& configured,
    const std::vector<std::string>& taken = {});

// A field's kind from its schema (GET field): {"type": "array", "items": "option"} is a
// multi-select.
tracker::FieldKind field_kind_of(const nlohmann::json& schema);

tracker::Deployment deployment_from_server_info(const nlohmann::json& info);

}  // namespace epicsync::jira
