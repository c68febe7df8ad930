#pragma once

#include <deque>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <string>

namespace jira_sim {

// What clients asked for, so a test can assert "exactly one POST /issue" and a benchmark can
// count round trips. Bounded so a long benchmark cannot grow it without limit.
class RequestLog {
 public:
  static constexpr size_t kMaxEntries = 100'000;

  // `query`: the request's query string ("a=1&b=2", names sorted), "" when it has none.
  void record(const std::string& method, const std::string& path, const std::string& query,
              int status, double duration_ms);
  nlohmann::json entries() const;
  nlohmann::json counts() const;
  void clear();
  // "/rest/api/3/issue/PROJ-12/comment/10001" -> "/rest/api/3/issue/{key}/comment/{id}"
  static std::string endpoint(const std::string& path);

 private:
  mutable std::mutex mu_;
  std::deque<nlohmann::json> entries_;
  std::map<std::string, long> counts_;
  long seq_ = 0;
};

}  // namespace jira_sim
