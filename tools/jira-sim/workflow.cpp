#include "workflow.h"

#include <algorithm>
#include <set>
#include <stdexcept>

#include "http_util.h"

namespace jira_sim {

bool Transition::global() const {
  return std::find(from.begin(), from.end(), "*") != from.end();
}

Workflow Workflow::parse(const nlohmann::json& doc) {
  auto fail = [](const std::string& why) { throw std::runtime_error("workflow: " + why); };
  if (!doc.is_object()) fail("the document must be a JSON object");
  Workflow wf;
  wf.name_ = doc.value("name", std::string("workflow"));
  if (!doc.contains("statuses") || !doc["statuses"].is_array() || doc["statuses"].empty()) {
    fail("'statuses' must be a non-empty array");
  }
  std::set<std::string> ids;
  for (const auto& s : doc["statuses"]) {
    Status st{s.value("id", std::string()), s.value("name", std::string()),
              s.value("category", std::string())};
    if (st.id.empty() || st.name.empty()) fail("every status needs an id and a name");
    if (st.category != "new" && st.category != "indeterminate" && st.category != "done") {
      fail("status '" + st.name + "' has category '" + st.category +
           "'; use new, indeterminate or done");
    }
    if (!ids.insert(st.id).second) fail("duplicate status id " + st.id);
    wf.statuses_.push_back(st);
  }
  for (const auto& r : doc.value("resolutions", nlohmann::json::array())) {
    if (!r.is_string() || r.get<std::string>().empty()) fail("'resolutions' must be names");
    wf.resolutions_.push_back(r.get<std::string>());
  }
  wf.initial_ = doc.value("initial", wf.statuses_.front().id);
  if (!ids.count(wf.initial_)) fail("initial status " + wf.initial_ + " is not a status");
  std::set<std::string> tids;
  const nlohmann::json transitions = doc.value("transitions", nlohmann::json::array());
  for (const auto& t : transitions) {
    Transition tr;
    tr.id = t.value("id", std::string());
    tr.name = t.value("name", std::string());
    tr.to = t.value("to", std::string());
    if (tr.id.empty() || tr.name.empty()) fail("every transition needs an id and a name");
    if (!tids.insert(tr.id).second) fail("duplicate transition id " + tr.id);
    if (!ids.count(tr.to)) fail("transition " + tr.id + " goes to unknown status " + tr.to);
    const nlohmann::json from = t.value("from", nlohmann::json::array());
    for (const auto& f : from) {
      std::string origin = f.get<std::string>();
      if (origin != "*" && !ids.count(origin)) {
        fail("transition " + tr.id + " starts from unknown status " + origin);
      }
      tr.from.push_back(origin);
    }
    if (tr.from.empty()) fail("transition " + tr.id + " has no 'from' statuses");
    const nlohmann::json screen = t.value("fields", nlohmann::json::object());
    for (const auto& [fid, spec] : screen.items()) {
      if (fid != "resolution") fail("transition screens support only the resolution field");
      tr.fields.push_back({fid, spec.value("required", false)});
    }
    if (t.contains("resolution")) {
      if (!t["resolution"].is_string() || t["resolution"].get<std::string>().empty()) {
        fail("transition " + tr.id + ": 'resolution' must be a resolution name or id");
      }
      tr.resolution = t["resolution"].get<std::string>();
    }
    wf.transitions_.push_back(tr);
  }
  return wf;
}

Workflow Workflow::builtin() {
  static const char* const kDefault =
#include "default_workflow.inc"
      ;
  return parse(nlohmann::json::parse(kDefault));
}

const Status* Workflow::status_by_id(const std::string& id) const {
  for (const auto& s : statuses_) {
    if (s.id == id) return &s;
  }
  return nullptr;
}

const Status* Workflow::status_by_name(const std::string& name) const {
  for (const auto& s : statuses_) {
    if (iequals(s.name, name)) return &s;
  }
  return nullptr;
}

const Transition* Workflow::transition(const std::string& id) const {
  for (const auto& t : transitions_) {
    if (t.id == id) return &t;
  }
  return nullptr;
}

std::vector<const Transition*> Workflow::available_from(const std::string& status_id) const {
  std::vector<const Transition*> out;
  for (const auto& t : transitions_) {
    if (t.global() || std::find(t.from.begin(), t.from.end(), status_id) != t.from.end()) {
      out.push_back(&t);
    }
  }
  return out;
}

}  // namespace jira_sim
