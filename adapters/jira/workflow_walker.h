#pragma once

// Finding the way through a workflow that is not all-to-all. Jira lists only the transitions
// available from an issue's current status, so the graph is learned as issues move, shared
// across issues (and threads), and used for the shortest known path.

#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "tracker/remote_issue.h"

namespace epicsync::jira {

struct TransitionEdge {
  std::string id;
  std::string name;
  tracker::RemoteStatus to;
  nlohmann::json required_fields = nlohmann::json::object();  // field id → its metadata
  // A transition screen (fields to fill, even optional ones): Jira's bulk transition leaves
  // such transitions out, so the issue takes that step alone.
  bool has_screen = false;
  bool bulk_ok() const { return !has_screen && required_fields.empty(); }
};

// Parses GET issue/{key}/transitions?expand=transitions.fields.
std::vector<TransitionEdge> transitions_from_json(const nlohmann::json& body);

// The "fields" to send with a transition: required fields without a default, filled with the
// allowed value that fits the target (a resolution of "Done" for a done status, "Won't Do" for a
// cancel), or nullopt naming a required field that cannot be filled automatically.
struct TransitionFields {
  nlohmann::json fields = nlohmann::json::object();
  std::string unfillable;  // a required field we cannot choose a value for
};
// `cancel` asks for a dropped-work value (Won't Do) even when the target is named Done.
TransitionFields fill_required_fields(const TransitionEdge& edge, bool cancel = false);

class WorkflowMap {
 public:
  void learn(const std::string& status_id, std::vector<TransitionEdge> edges);
  bool knows(const std::string& status_id) const;

  // The first transition to take from `from` towards `target`. A fully known path is the
  // shortest one; otherwise the step leads to an unexplored status whose category is nearest the
  // target's. Statuses in `visited` are not entered again. nullopt: no way forward.
  std::optional<TransitionEdge> next_step(const tracker::RemoteStatus& from,
                                          const tracker::RemoteStatus& target,
                                          const std::set<std::string>& visited) const;
  // Steps on the shortest fully known path, or -1 when there is none yet.
  int known_distance(const std::string& from_id, const std::string& target_id) const;

 private:
  // next_step's search, the lock held.
  std::optional<TransitionEdge> step_towards(const tracker::RemoteStatus& from,
                                             const tracker::RemoteStatus& target,
                                             const std::set<std::string>& visited) const;
  mutable std::mutex mu_;
  std::map<std::string, std::vector<TransitionEdge>> edges_;
};

}  // namespace epicsync::jira
