#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace jira_sim {

struct Status {
  std::string id;
  std::string name;
  std::string category;  // Jira's status category key: new, indeterminate or done
};

struct TransitionField {
  std::string id;
  bool required = false;
};

struct Transition {
  std::string id;
  std::string name;
  std::vector<std::string> from;  // "*" makes it a global transition
  std::string to;
  std::vector<TransitionField> fields;
  // A post-function's resolution (name or id, as the file gives it): set when the transition is
  // taken without a resolution in its fields, as Jira Cloud's simplified workflow does on Done.
  // Empty: none. The server checks at start that the instance has it.
  std::string resolution;
  bool global() const;
};

// A workflow as Jira runs it: statuses, and transitions that exist only from some statuses, so
// a client must walk the graph instead of jumping straight to the status it wants.
class Workflow {
 public:
  // Throws std::runtime_error with a readable reason when the document is inconsistent.
  static Workflow parse(const nlohmann::json& doc);
  static Workflow builtin();

  const std::string& name() const { return name_; }
  const std::string& initial() const { return initial_; }
  const std::vector<Status>& statuses() const { return statuses_; }
  const std::vector<Transition>& transitions() const { return transitions_; }
  const Status* status_by_id(const std::string& id) const;
  const Status* status_by_name(const std::string& name) const;
  const Transition* transition(const std::string& id) const;
  std::vector<const Transition*> available_from(const std::string& status_id) const;
  // "resolutions": ["Done", ...] in the file; empty: the simulator's usual three.
  const std::vector<std::string>& resolutions() const { return resolutions_; }

 private:
  std::string name_;
  std::string initial_;
  std::vector<Status> statuses_;
  std::vector<Transition> transitions_;
  std::vector<std::string> resolutions_;
};

}  // namespace jira_sim
