#pragma once

#include <chrono>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "tracker/field_table.h"

namespace epicsync::tracker {

enum class Deployment { kCloud, kDataCenter };

// Jira's status categories: every workflow status belongs to one.
enum class StatusCategory { kToDo, kInProgress, kDone, kUnknown };

struct RemoteStatus {
  std::string id;
  std::string name;
  StatusCategory category = StatusCategory::kUnknown;
  friend bool operator==(const RemoteStatus&, const RemoteStatus&) = default;
};

// Rich text exactly as the tracker returned it, so a backup can restore it byte for byte:
// ADF as JSON text on Cloud, wiki markup on Data Center.
struct RichText {
  enum class Format { kEmpty, kAdf, kWiki };
  Format format = Format::kEmpty;
  std::string raw;
  friend bool operator==(const RichText&, const RichText&) = default;
};

// A link as Jira lists it on an issue: the phrase reads from this issue to the other one
// ("blocks", "is blocked by", "relates to").
struct RemoteLink {
  std::string id;
  std::string type_name;
  std::string phrase;
  std::string other_key;
  friend bool operator==(const RemoteLink&, const RemoteLink&) = default;
};

// A comment as the tracker holds it, kept so a backup can put back one that a sync replaced.
struct RemoteComment {
  std::string id;
  RichText body;
  std::string author;  // account id (Cloud) or user name (Data Center)
  std::string created;
  std::string author_display = {};  // the author's display name, when the tracker gave it
  friend bool operator==(const RemoteComment&, const RemoteComment&) = default;
};

// One issue as read from the tracker, with every field epicsync manages or might change.
struct RemoteIssue {
  std::string id;
  std::string key;
  std::string type_id;
  std::string type_name;
  bool subtask = false;
  std::string parent_key;  // the epic for a story (parent or Epic Link), the story for a sub-task
  std::string summary;
  RichText description;
  std::optional<double> points;
  std::string priority_id;  // empty: no priority
  std::string priority_name;
  std::vector<std::string> labels;
  std::string assignee;  // account id (Cloud) or user name (Data Center); empty: unassigned
  std::string assignee_display;
  RemoteStatus status;
  std::string resolution;  // its name; empty: unresolved
  // Components, fix versions, due date and configured custom fields (the field table), in
  // canonical form.
  FieldValues fields;
  std::vector<std::string> subtask_keys;
  std::vector<RemoteLink> links;
  std::vector<RemoteComment> comments;
  std::string created;
  std::string updated;
  std::map<std::string, std::string> properties;  // epicsync's issue properties, as JSON text
  friend bool operator==(const RemoteIssue&, const RemoteIssue&) = default;
};

struct EpicSnapshot {
  RemoteIssue epic;
  std::vector<RemoteIssue> stories;
  std::vector<RemoteIssue> subtasks;
};

// What discovery learned about the tracker and the project, once per run.
struct TrackerInfo {
  Deployment deployment = Deployment::kCloud;
  std::string server_title;
  std::string version;
  std::string project_key;
  std::string story_type_id;
  std::string subtask_type_id;
  std::string epic_type_id;        // empty: the project's create metadata lists no epic type
  std::string story_points_field;  // empty: the project has none on the story screen
  std::string epic_link_field;     // set when stories join epics through the Epic Link field
  // The extra fields epicsync manages in this project (the field table), with their allowed
  // values and screens.
  std::vector<FieldSpec> fields;
};

// An issue to create. The identity (a story id such as US-001, or a sub-task's stable id) is
// recorded on the issue at creation, so a create whose answer was lost can be found again.
// The statuses of the workflow of each kind of issue epicsync writes.
struct WorkflowStatuses {
  std::vector<RemoteStatus> story;
  std::vector<RemoteStatus> subtask;
  std::vector<RemoteStatus> epic;
};

struct IssueDraft {
  std::string identity;
  std::string epic_key;  // recorded with the identity (IdentityProperty::epic)
  bool subtask = false;
  std::string parent_key;
  std::string summary;
  std::string description_markdown;
  std::optional<double> points;
  std::optional<std::string> priority_name;
  std::optional<std::vector<std::string>> labels;
  std::optional<std::string> assignee;
  FieldValues fields;  // extra fields to set; an empty value is left unset
  // A restore re-creating an issue deleted since the backup: the description exactly as the
  // backup holds it, used instead of description_markdown.
  std::optional<RichText> description_raw;
  // The three-way base recorded with the identity (IdentityProperty::base): the values it is
  // created with.
  std::map<std::string, std::string> base;
  // The run creating it (IdentityProperty::run and created_by); empty: none recorded.
  std::string run = {};
};

// Fields to change on an existing issue; only those set are sent.
struct FieldChanges {
  std::optional<std::string> summary;
  std::optional<std::string> description_markdown;
  std::optional<std::optional<double>> points;  // nullopt inside: clear the field
  std::optional<std::string> priority_name;
  std::optional<std::vector<std::string>> labels;
  std::optional<std::string> assignee;
  FieldValues fields;  // extra fields to set; an empty value clears the field
  // Rich text to put back exactly as a backup holds it (a restore), instead of markdown.
  std::optional<RichText> description_raw;
  // The epicsync issue property to write in the same request, where the tracker can
  // (Tracker::edits_carry_property); not a field, so not counted by empty().
  std::optional<std::string> property_json;
  bool empty() const {
    return !summary && !description_markdown && !points && !priority_name && !labels && !assignee &&
           !description_raw && fields.empty();
  }
};

// An issue named both ways: bulk answers name issues by id, the rest of the API by key.
struct IssueRef {
  std::string key;
  std::string id;  // empty: not known (the key is used)
};

// One entry of an issue's changelog, as the tracker keeps it: who changed which fields when,
// each item with the value before and after (`from`/`to`: ids where the field has them,
// `*_string`: the text Jira shows). Absent values are empty.
struct ChangeItem {
  std::string field;     // the name Jira gives ("status", "Story point estimate")
  std::string field_id;  // "summary", "status", "customfield_10016"; empty on old entries
  std::optional<std::string> from;
  std::optional<std::string> from_string;
  std::optional<std::string> to;
  std::optional<std::string> to_string;
};

struct ChangeHistory {
  std::string author;                               // account id (Cloud) or user name (Data Center)
  std::chrono::system_clock::time_point created{};  // the tracker's clock
  std::vector<ChangeItem> items;
};

// One issue's walk through the workflow, for Tracker::transition_many.
struct TransitionWalk {
  std::string key;
  std::string id;
  RemoteStatus from;  // where the caller believes the issue is; empty id: unknown, it is read
  RemoteStatus target;
  bool cancel = false;
};

// Told a bulk task's id and the positions (in the caller's list) of what it carries.
using BulkTaskListener =
    std::function<void(const std::string& task_id, const std::vector<size_t>& positions)>;

struct TransitionPath {
  RemoteStatus from;                  // where the issue was when the walk began
  std::vector<std::string> statuses;  // the statuses passed through, the final one last
  bool property_written = false;      // the property asked for went with the last step
};

}  // namespace epicsync::tracker
