#pragma once

// Jira issue JSON to and from the tracker model. Pure: no requests, so every case is testable.

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "error.h"
#include "tracker/identity_property.h"
#include "tracker/remote_issue.h"

namespace epicsync::jira {

using tracker::identity_of;
using tracker::kPropertyKey;

// The custom fields discovery found for this project.
struct FieldIds {
  std::string story_points;  // e.g. customfield_10016; empty: none
  std::string epic_link;     // e.g. customfield_10014; empty: stories join epics by parent
  std::vector<tracker::FieldSpec> extra;  // the field table: read on every issue, written by kind
};

// The `fields` a search asks for: only what the model uses.
std::vector<std::string> search_fields(const FieldIds& ids);

tracker::RemoteIssue issue_from_json(const nlohmann::json& issue, const FieldIds& ids,
                                     tracker::Deployment deployment);

// One extra field's value as Jira holds it, in canonical form, and as Jira wants it sent (null
// clears a scalar field, [] a list).
tracker::FieldValue field_value_from_json(const tracker::FieldSpec& spec, const nlohmann::json& v);
nlohmann::json field_value_json(const tracker::FieldSpec& spec, const tracker::FieldValue& value,
                                tracker::Deployment deployment);

tracker::StatusCategory category_from_key(const std::string& key);

// Rich text as the deployment wants it: an ADF document (Cloud) or a wiki string (Data Center).
nlohmann::json rich_text_value(const std::string& markdown, tracker::Deployment deployment);

// Rich text kept exactly as a tracker returned it (a backup's), as the deployment wants it: the
// ADF text parsed into its JSON object on Cloud, the wiki string on Data Center; kEmpty is null
// (no description, or clear it). Text in the other deployment's format is converted, since Jira
// refuses it as it is. ADF text that is not a JSON object is an error.
epicsync::Result<nlohmann::json> raw_rich_text_value(const tracker::RichText& text,
                                                     tracker::Deployment deployment);

// {"fields": {...}, "properties": [...]} for POST issue and issue/bulk. Fails only on a
// description_raw that raw_rich_text_value refuses.
epicsync::Result<nlohmann::json> create_payload(const tracker::IssueDraft& draft,
                                                const tracker::TrackerInfo& info,
                                                const FieldIds& ids);

// [{"key": "epicsync", "value": …}]: the epicsync property as Cloud's edit and transition take it.
nlohmann::json property_list(const std::string& property_json);

// {"fields": {...}} for PUT issue/{key}, with only the changed fields. Fails like create_payload.
epicsync::Result<nlohmann::json> update_payload(const tracker::FieldChanges& changes,
                                                const tracker::TrackerInfo& info,
                                                const FieldIds& ids);

}  // namespace epicsync::jira
