#include "jira/jira_error_body.h"

#include <nlohmann/json.hpp>

namespace epicsync::jira {

namespace {

std::string as_text(const nlohmann::json& v) {
  // Messages are strings in practice; anything else is kept as compact JSON rather than lost.
  return v.is_string() ? v.get<std::string>() : v.dump();
}

}  // namespace

JiraErrorBody parse_jira_error_body(std::string_view body) {
  JiraErrorBody out;
  auto doc = nlohmann::json::parse(body.begin(), body.end(), nullptr, /*allow_exceptions=*/false);
  if (doc.is_discarded() || !doc.is_object()) return out;
  out.was_json = true;

  if (auto it = doc.find("errorMessages"); it != doc.end() && it->is_array()) {
    for (const auto& m : *it) out.messages.push_back(as_text(m));
  }
  if (auto it = doc.find("errors"); it != doc.end() && it->is_object()) {
    for (const auto& [field, msg] : it->items()) out.field_errors[field] = as_text(msg);
  }
  // Shapes seen from Atlassian's gateway and older Data Center endpoints.
  for (const char* key : {"errorMessage", "message"}) {
    if (auto it = doc.find(key); it != doc.end() && it->is_string()) {
      out.messages.push_back(it->get<std::string>());
    }
  }
  return out;
}

}  // namespace epicsync::jira
