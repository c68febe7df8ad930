#pragma once

// What the integration tests compare to say "the tracker is as it was": every field epicsync
// manages, per issue, as jira-sim holds it. Header-only, for the CLI-against-jira-sim tests.

#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <string>

namespace epicsync::testing {

using nlohmann::json;

inline std::string read(const std::string& path) {
  std::ifstream in(path);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

inline void replace(std::string& text, const std::string& from, const std::string& to) {
  const auto at = text.find(from);
  ASSERT_NE(at, std::string::npos) << from;
  text.replace(at, from.size(), to);
}

// Every field epicsync manages, per issue, as the simulator holds it: the comparison that says a
// rollback really restored. Keyed by "parent summary / summary" so that issues created again
// under new keys compare with the ones they replace; comment and link ids, which a tracker
// always assigns anew, are left out.
inline json managed_state(const json& state) {
  std::map<std::string, std::string> summary_of;
  for (const auto& i : state["issues"]) summary_of[i["key"]] = i.value("summary", "");
  json out = json::object();
  for (const auto& i : state["issues"]) {
    json property = i.value("properties", json::object()).value("epicsync", json(nullptr));
    // The run trace (the runs that last wrote and created the issue, the value a run replaced)
    // is no state a rollback restores or a re-run converges to: each run stamps its own. The
    // tests of the trace read it from the state directly (cli_runs_test.cpp).
    if (property.is_object()) {
      property.erase("run");
      property.erase("created_by");
      property.erase("prior");
    }
    if (property.is_object() && property.contains("comments")) {
      for (auto& [name, c] : property["comments"].items()) c.erase("id");
    }
    json comments = json::array();
    for (const auto& c : i.value("comments", json::array())) comments.push_back(c["body"]);
    std::sort(comments.begin(), comments.end());
    const std::string parent = i.value("parent", "");
    out[summary_of[parent] + " / " + i.value("summary", "")] = {
        {"description", i.value("description", json(nullptr))},
        {"points", i.value("storyPoints", json(nullptr))},
        {"priority", i.value("priority", json(nullptr))},
        {"labels", i.value("labels", json::array())},
        {"assignee", i.value("assignee", json(nullptr))},
        {"status", i.value("status", json(nullptr))},
        {"resolution", i.value("resolution", json(nullptr))},
        {"property", property},
        {"comments", comments}};
  }
  json links = json::array();
  for (const auto& l : state.value("links", json::array())) {
    links.push_back({summary_of[l.value("outward", "")], l.value("type", ""),
                     summary_of[l.value("inward", "")]});
  }
  std::sort(links.begin(), links.end());
  out["(links)"] = links;
  return out;
}

// The field-by-field difference, for a readable failure.
inline std::string differences(const json& want, const json& got) {
  std::string out;
  for (const auto& op : json::diff(want, got)) out += op.dump() + "\n";
  return out;
}

}  // namespace epicsync::testing
