#include "jira/workflow_walker.h"

#include "jira/ascii.h"

#include <algorithm>
#include <cstdlib>
#include <deque>

#include "jira/issue_json.h"

namespace epicsync::jira {
namespace {

using nlohmann::json;

int rank(tracker::StatusCategory c) {
  switch (c) {
    case tracker::StatusCategory::kToDo:
      return 0;
    case tracker::StatusCategory::kInProgress:
      return 1;
    case tracker::StatusCategory::kDone:
      return 2;
    case tracker::StatusCategory::kUnknown:
      return 1;
  }
  return 1;
}

}  // namespace

std::vector<TransitionEdge> transitions_from_json(const json& body) {
  std::vector<TransitionEdge> out;
  if (!body.is_object() || !body.contains("transitions")) return out;
  for (const auto& t : body["transitions"]) {
    TransitionEdge e;
    e.id = t.value("id", "");
    e.name = t.value("name", "");
    if (t.contains("to") && t["to"].is_object()) {
      const auto& to = t["to"];
      e.to.id = to.value("id", "");
      e.to.name = to.value("name", "");
      if (to.contains("statusCategory")) {
        e.to.category = category_from_key(to["statusCategory"].value("key", ""));
      }
    }
    e.has_screen = t.value("hasScreen", false);
    if (t.contains("fields") && t["fields"].is_object()) {
      if (!t["fields"].empty()) e.has_screen = true;
      for (const auto& [id, meta] : t["fields"].items()) {
        if (meta.value("required", false) && !meta.value("hasDefaultValue", false)) {
          e.required_fields[id] = meta;
        }
      }
    }
    out.push_back(std::move(e));
  }
  return out;
}

TransitionFields fill_required_fields(const TransitionEdge& edge, bool cancel) {
  TransitionFields out;
  const std::string target = ascii_lower(edge.to.name);
  const bool cancelling = cancel || target.find("cancel") != std::string::npos ||
                          target.find("won") != std::string::npos ||
                          target.find("declin") != std::string::npos ||
                          target.find("reject") != std::string::npos;
  for (const auto& [id, meta] : edge.required_fields.items()) {
    const json& allowed = meta.contains("allowedValues") ? meta["allowedValues"] : json::array();
    if (!allowed.is_array() || allowed.empty()) {
      out.unfillable = meta.value("name", id);
      continue;
    }
    const json* choice = &allowed[0];
    for (const auto& v : allowed) {
      const std::string name = ascii_lower(v.value("name", v.value("value", "")));
      const bool fits = cancelling ? (name.find("won") != std::string::npos ||
                                      name.find("cancel") != std::string::npos ||
                                      name.find("declin") != std::string::npos)
                                   : (name == "done" || name == "fixed");
      if (fits) {
        choice = &v;
        break;
      }
    }
    out.fields[id] = {{"id", choice->value("id", "")}};
  }
  return out;
}

void WorkflowMap::learn(const std::string& status_id, std::vector<TransitionEdge> edges) {
  std::lock_guard lock(mu_);
  edges_[status_id] = std::move(edges);
}

bool WorkflowMap::knows(const std::string& status_id) const {
  std::lock_guard lock(mu_);
  return edges_.count(status_id) > 0;
}

int WorkflowMap::known_distance(const std::string& from_id, const std::string& target_id) const {
  std::lock_guard lock(mu_);
  std::map<std::string, int> dist{{from_id, 0}};
  std::deque<std::string> queue{from_id};
  while (!queue.empty()) {
    std::string s = queue.front();
    queue.pop_front();
    if (s == target_id) return dist[s];
    auto it = edges_.find(s);
    if (it == edges_.end()) continue;
    for (const auto& e : it->second) {
      if (dist.emplace(e.to.id, dist[s] + 1).second) queue.push_back(e.to.id);
    }
  }
  return -1;
}

std::optional<TransitionEdge> WorkflowMap::next_step(const tracker::RemoteStatus& from,
                                                     const tracker::RemoteStatus& target,
                                                     const std::set<std::string>& visited) const {
  std::lock_guard lock(mu_);
  if (auto step = step_towards(from, target, visited)) return step;
  // A side status explored on the way (Blocked, whose only way out is back to In Progress) is a
  // dead end while the statuses already passed are closed: going back through them is the way
  // on. The walk's step budget still bounds it.
  return step_towards(from, target, {});
}

std::optional<TransitionEdge> WorkflowMap::step_towards(
    const tracker::RemoteStatus& from, const tracker::RemoteStatus& target,
    const std::set<std::string>& visited) const {
  // Breadth-first over known edges, remembering each status's first edge from `from`.
  struct Reach {
    const TransitionEdge* first;
    int depth;
  };
  std::map<std::string, Reach> reached;
  std::deque<std::string> queue;
  reached[from.id] = {nullptr, 0};
  queue.push_back(from.id);
  std::optional<TransitionEdge> best_frontier;
  int best_score = 1 << 30;
  while (!queue.empty()) {
    const std::string s = queue.front();
    queue.pop_front();
    auto it = edges_.find(s);
    if (it == edges_.end()) continue;
    for (const auto& e : it->second) {
      if (reached.count(e.to.id) || visited.count(e.to.id)) continue;
      const Reach r{reached[s].first ? reached[s].first : &e, reached[s].depth + 1};
      reached[e.to.id] = r;
      if (e.to.id == target.id) return *r.first;
      if (!edges_.count(e.to.id)) {
        // Unexplored: nearer the target's category first, then fewer steps. A done status that
        // is not the target comes last: it ends the work (Won't Do beside Done), and the way on
        // from it is usually only back to the start.
        const int closes = e.to.category == tracker::StatusCategory::kDone ? 1000 : 0;
        const int score =
            closes + std::abs(rank(e.to.category) - rank(target.category)) * 100 + r.depth;
        if (score < best_score) {
          best_score = score;
          best_frontier = *r.first;
        }
        continue;
      }
      queue.push_back(e.to.id);
    }
  }
  return best_frontier;
}

}  // namespace epicsync::jira
