#pragma once

// The fields with a ValueKind (components, fixVersions, duedate and the select, multiselect,
// date, number, text and user custom fields): one place that knows how each is written over
// REST, checked, stored, compared and recorded in the changelog, so that create, edit, the
// control API and state loading all agree.

#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "screens.h"
#include "state.h"

namespace jira_sim {

using nlohmann::json;

inline bool is_managed(const FieldDef& def) {
  return def.kind != ValueKind::kSpecial;
}

// The stored value (see Issue::custom_fields): null when empty; components and fixVersions as
// a JSON array of ids, empty when none.
json stored_value(const Issue& issue, const FieldDef& def);

// Reads a value as PUT issue's `fields` takes it into the stored form. Returns Jira's message
// for the field when the value is refused.
std::optional<std::string> parse_value(const SimState& s, const FieldDef& def, const json& v,
                                       json& out);

// `fields`/`set`: replaces the value. A real change appends Jira's changelog items to `items`
// when `record` (creation records none). On a refusal the issue is left as it was.
std::optional<std::string> set_value(const SimState& s, const FieldDef& def, const json& v,
                                     Issue& issue, json& items, bool record);

// `update` verbs `add` and `remove` of the array fields: `v` is one element ({"name"}, {"id"},
// {"value"}). Removing a valid value the issue does not have changes nothing, as in Jira.
std::optional<std::string> add_or_remove_value(const SimState& s, const FieldDef& def,
                                               const std::string& verb, const json& v, Issue& issue,
                                               json& items, bool record);

// The state dump's form of a stored value: names and option values instead of ids, so that a
// hand-written seed is readable ({"customfield_10040": "Search"}). Null when empty.
json dump_value(const SimState& s, const FieldDef& def, const Issue& issue);
// The reverse; accepts names/values or ids. Throws std::runtime_error naming the problem.
void load_value(const SimState& s, const FieldDef& def, const json& v, Issue& issue);

bool valid_date(const std::string& yyyy_mm_dd);

}  // namespace jira_sim
