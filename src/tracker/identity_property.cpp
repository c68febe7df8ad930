#include "tracker/identity_property.h"

#include <nlohmann/json.hpp>

namespace epicsync::tracker {

IdentityProperty identity_property(const RemoteIssue& issue) {
  IdentityProperty out;
  auto it = issue.properties.find(kPropertyKey);
  if (it == issue.properties.end()) return out;
  auto j = nlohmann::json::parse(it->second, nullptr, false);
  if (!j.is_object()) return out;
  if (j.contains("id") && j["id"].is_string()) out.id = j["id"].get<std::string>();
  if (j.contains("epic") && j["epic"].is_string()) out.epic = j["epic"].get<std::string>();
  if (j.contains("comments") && j["comments"].is_object()) {
    for (const auto& [key, c] : j["comments"].items()) {
      if (!c.is_object()) continue;
      out.comments[key] = {c.value("hash", ""), c.value("id", "")};
    }
  }
  if (j.contains("base") && j["base"].is_object()) {
    for (const auto& [field, value] : j["base"].items()) {
      if (value.is_string()) out.base[field] = value.get<std::string>();
    }
  }
  if (j.contains("run") && j["run"].is_string()) out.run = j["run"].get<std::string>();
  if (j.contains("prior") && j["prior"].is_object()) {
    for (const auto& [field, value] : j["prior"].items()) out.prior[field] = value.dump();
  }
  if (j.contains("created_by") && j["created_by"].is_string()) {
    out.created_by = j["created_by"].get<std::string>();
  }
  return out;
}

std::string identity_of(const RemoteIssue& issue) {
  return identity_property(issue).id;
}

std::string to_json_text(const IdentityProperty& p) {
  nlohmann::json j = {{"id", p.id}, {"comments", nlohmann::json::object()}};
  if (!p.epic.empty()) j["epic"] = p.epic;
  for (const auto& [key, c] : p.comments) j["comments"][key] = {{"hash", c.hash}, {"id", c.id}};
  if (!p.base.empty()) j["base"] = p.base;
  if (!p.run.empty()) j["run"] = p.run;
  if (!p.created_by.empty()) j["created_by"] = p.created_by;
  for (const auto& [field, text] : p.prior) {
    auto value = nlohmann::json::parse(text, nullptr, false);
    j["prior"][field] = value.is_discarded() ? nlohmann::json(text) : value;
  }
  return j.dump();
}

}  // namespace epicsync::tracker
