#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "state.h"

namespace jira_sim {

// How the shared code in field_values.cpp stores, validates and renders a field. The older
// fields (summary, parent, Epic Link, story points...) are `kSpecial`: each has its own code.
enum class ValueKind {
  kSpecial,
  kComponents,   // system components: component ids
  kVersions,     // system fixVersions: version ids
  kDueDate,      // system duedate: "yyyy-MM-dd"
  kSelect,       // custom select: one option id
  kMultiSelect,  // custom multiselect: option ids
  kDate,         // custom datepicker: "yyyy-MM-dd"
  kNumber,       // custom float
  kText,         // custom textfield / textarea
  kUser,         // custom userpicker: an account id
};

// An option of a select or multiselect field; ids are unique across the instance, as in Jira.
struct FieldOption {
  std::string id;
  std::string value;
};

struct FieldDef {
  std::string id;
  std::string name;
  bool custom = false;
  nlohmann::json schema;
  std::vector<std::string> operations;
  ValueKind kind = ValueKind::kSpecial;
  std::vector<FieldOption> options;  // in Jira's option order (their "sequence")
};

// Every field GET /field reports, including two story-point look-alikes so that discovery has to
// choose the one that is actually on the screens, and a custom field on no screen at all.
const std::vector<FieldDef>& field_defs();
const FieldDef* field_def(const std::string& id);
const FieldOption* option_by_id(const FieldDef& def, const std::string& id);
const FieldOption* option_by_value(const FieldDef& def, const std::string& value);

// The create/edit screen of an issue type: a field not listed here cannot be set, exactly like a
// field missing from a Jira screen.
std::vector<std::string> screen_fields(const IssueType& type, bool company_managed);
bool required_on_create(const std::string& field, const IssueType& type);

}  // namespace jira_sim
