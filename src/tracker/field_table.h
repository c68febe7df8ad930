#pragma once

// The table of the fields epicsync manages beyond the fixed six (summary, description, points,
// priority, labels, assignee): components, fix versions, due date and the custom fields a team
// names in jira.fields. Each is one entry (its Jira id, its name, its kind) and every layer loops
// over the table: the adapter reads and writes a field by its kind, the planner compares
// canonical values, a backup keeps them, a rollback puts them back, a diff shows them. Adding a
// field is one entry here (a system field) or one line of configuration (a custom field).

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace epicsync::tracker {

// How a field's value is read, compared and sent.
enum class FieldKind {
  kText,        // a single-line text custom field
  kNumber,      // a number custom field
  kDate,        // due date, date custom fields: YYYY-MM-DD
  kOption,      // a single-select custom field, by option value
  kOptions,     // a multi-select custom field, by option values
  kUser,        // a user picker custom field: account id (Cloud) or user name (Data Center)
  kComponents,  // the project's components, by name
  kVersions,    // fix versions, by name
  kUnsupported  // exists, but of a type epicsync cannot write (named in the error)
};

// A field's value in canonical form: for a set kind (components, versions, options) its members
// sorted and each once; for the others one element, or none when the field is empty. Two values
// are the same when they are equal in this form.
using FieldValue = std::vector<std::string>;

// Every managed extra field of an issue, by Jira field id. An issue read from the tracker holds
// an entry for every field of the table (empty when the field is empty), so a backup knows the
// field was empty then; a field absent from the map was not read (an older backup) and is left
// alone by a restore.
using FieldValues = std::map<std::string, FieldValue>;

struct FieldSpec {
  std::string key;   // Jira's field id: components, fixVersions, duedate, customfield_10040
  std::string name;  // as shown in plans and written in the file: "Components", "Team"
  FieldKind kind = FieldKind::kUnsupported;
  std::string type_text;  // the tracker's schema type, for the message of an unsupported kind
  // Option values (select kinds), component or version names; empty for the other kinds.
  std::vector<std::string> allowed;
  // Whether the field can be set on each kind of issue (it is on that type's screen).
  bool on_story = false;
  bool on_subtask = false;
  bool on_epic = false;
  friend bool operator==(const FieldSpec&, const FieldSpec&) = default;
};

// The system fields every Jira has and epicsync manages when the file names them.
struct BuiltinField {
  std::string_view key;
  std::string_view name;
  FieldKind kind;
};
const std::vector<BuiltinField>& builtin_fields();

bool is_set_kind(FieldKind kind);

// The key a field's value is journalled under, next to "summary" and "labels": "field:<id>".
std::string journal_key(const std::string& field_id);
// The field id of a journal key, or nullopt when it names none of these fields.
std::optional<std::string> field_of_journal_key(std::string_view key);

// A value put in canonical form: set kinds sorted and made unique, numbers written as numbers
// are ("3", "2.5"), blank members dropped.
FieldValue canonical(FieldKind kind, FieldValue value);

// A value as a person reads it: "Backend, Search", or "-" when empty.
std::string value_text(const FieldValue& value);

// The value the file wrote, read for this field: a comma-separated list for set kinds, one value
// for the others; "-" alone clears the field. Option, component and version names are matched to
// the allowed ones without regard to case (and take their spelling). On failure, the reason, for
// a message that names the field and the line.
struct ParsedValue {
  FieldValue value;
  std::string error;  // empty: parsed
};
ParsedValue parse_value(const FieldSpec& spec, std::string_view written);

// How a field of the table is named to a person when no table is at hand (a backup diff): the
// system field's name ("Fix Versions"), or its id.
std::string field_name(const std::string& key);

const FieldSpec* find_spec(const std::vector<FieldSpec>& specs, std::string_view key);

}  // namespace epicsync::tracker
