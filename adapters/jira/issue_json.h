#pragma once

// Jira issue JSON to and from the tracker model. Pure: no requests, so every case is testable.

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "tracker/remote_issue.h"

namespace epicsync::jira {

// The custom fields discovery found for this project.
struct FieldIds {
  std::string story_points;  // e.g. customfield_10016; empty: none
  std::string epic_link;     // e.g. customfield_10014; empty: stories join epics by parent
};

// The property holding what epicsync records on an issue (the story id it belongs to, the
// comments it added), so identity survives renames.
inline constexpr const char* kPropertyKey = "epicsync";

// The `fields` a search asks for: only what the model uses.
std::vector<std::string> search_fields(const FieldIds& ids);

tracker::RemoteIssue issue_from_json(const nlohmann::json& issue, const FieldIds& ids,
                                     tracker::Deployment deployment);

tracker::StatusCategory category_from_key(const std::string& key);

// Rich text as the deployment wants it: an ADF document (Cloud) or a wiki string (Data Center).
nlohmann::json rich_text_value(const std::string& markdown, tracker::Deployment deployment);
nlohmann::json raw_rich_text_value(const tracker::RichText& text);

// {"fields": {...}, "properties": [...]} for POST issue and issue/bulk.
nlohmann::json create_payload(const tracker::IssueDraft& draft, const tracker::TrackerInfo& info,
                              const FieldIds& ids);

// {"fields": {...}} for PUT issue/{key}, with only the changed fields.
nlohmann::json update_payload(const tracker::FieldChanges& changes,
                              const tracker::TrackerInfo& info, const FieldIds& ids);

// The identity recorded on an issue by a previous sync, or "" when there is none.
std::string identity_of(const tracker::RemoteIssue& issue);

}  // namespace epicsync::jira
