#pragma once

// Issues that bulk operations refuse (POST /_sim/bulk-refuse): inside a bulk task they fail as a
// workflow validator or a locked issue would make them fail in Jira, while the single-issue
// endpoints still accept them. That is the case a client's per-issue error handling must survive.

#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

namespace jira_sim {

class BulkRefusals {
 public:
  static constexpr const char* kDefaultMessage =
      "The issue was refused by a workflow validator (jira-sim bulk-refuse).";

  // `refs`: issue keys (any case) or ids; an empty message means the default one.
  void add(const std::vector<std::string>& refs, const std::string& message);
  void clear();
  // Why a bulk operation must refuse the issue with this key and id, if it must.
  std::optional<std::string> reason(const std::string& key, long id) const;
  nlohmann::json list() const;  // [{"key": "PROJ-3", "message": "..."}]

 private:
  mutable std::mutex mu_;
  std::map<std::string, std::string> refused_;  // upper-cased key or id -> message
};

}  // namespace jira_sim
