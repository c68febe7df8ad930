#include "report/json_vocabulary.h"

#include <array>
#include <utility>

namespace epicsync::report {

std::string field_id(std::string_view label) {
  static constexpr std::array<std::pair<std::string_view, std::string_view>, 13> kIds{{
      {"Summary", "summary"},
      {"Description", "description"},
      {"Story Points", "points"},
      {"Priority", "priority"},
      {"Labels", "labels"},
      {"Assignee", "assignee"},
      {"Status", "status"},
      {"Resolution", "resolution"},
      {"Parent", "parent"},
      {"Sub-task", "subtask"},
      // The field table's system fields by their Jira ids; a custom field keeps the name
      // jira.fields gives it.
      {"Components", "components"},
      {"Fix Versions", "fixVersions"},
      {"Due Date", "duedate"},
  }};
  for (const auto& [shown, id] : kIds) {
    if (shown == label) return std::string(id);
  }
  return std::string(label);
}

nlohmann::json text_or_null(const std::string& s) {
  return s.empty() ? nlohmann::json(nullptr) : nlohmann::json(s);
}

nlohmann::json field_change_json(const plan::FieldChange& c) {
  // The plan shows a missing points, priority or assignee as "-"; as data it is null, as in the
  // backup diff. A summary is text whatever it says.
  const std::string id = field_id(c.field);
  const bool dash_is_none = id != "summary";
  const auto value = [&](const std::string& v) {
    return dash_is_none && v == "-" ? nlohmann::json(nullptr) : text_or_null(v);
  };
  return {{"field", id}, {"from", value(c.before)}, {"to", value(c.after)}};
}

nlohmann::json description_change_json(const std::string& diff) {
  return {{"field", "description"}, {"diff", diff}};
}

nlohmann::json status_change_json(const std::string& from, const std::string& to) {
  return {{"from", text_or_null(from)}, {"to", to}};
}

nlohmann::json backup_json(const backup::Manifest& m, const std::optional<std::string>& path) {
  nlohmann::json j = {{"id", m.id},
                      {"epic", m.epic},
                      {"trigger", backup::trigger_name(m.trigger)},
                      {"name", m.name},
                      {"notes", m.notes},
                      {"issues", m.issue_count},
                      {"created", backup::format_utc(m.created_at)},
                      {"host", m.host},
                      {"user", m.user}};
  if (path) j["path"] = *path;
  return j;
}

}  // namespace epicsync::report
