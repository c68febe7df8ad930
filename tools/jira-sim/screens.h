#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "state.h"

namespace jira_sim {

struct FieldDef {
  std::string id;
  std::string name;
  bool custom = false;
  nlohmann::json schema;
  std::vector<std::string> operations;
};

// Every field GET /field reports, including two story-point look-alikes so that discovery has to
// choose the one that is actually on the screens.
const std::vector<FieldDef>& field_defs();
const FieldDef* field_def(const std::string& id);

// The create/edit screen of an issue type: a field not listed here cannot be set, exactly like a
// field missing from a Jira screen.
std::vector<std::string> screen_fields(const IssueType& type, bool company_managed);
bool required_on_create(const std::string& field, const IssueType& type);

}  // namespace jira_sim
