#pragma once

#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <regex>
#include <string>
#include <vector>

namespace jira_sim {

enum class FaultAction {
  kError500,
  kDrop,
  kHang,
  kTooMany,
  kApplyThen500,
  kApplyThenDrop,
  kHugeBody,
  kHtml,
  kLoseWrite
};

struct FaultRule {
  int id = 0;
  std::string method;  // empty: any method
  std::string path;    // ECMAScript regex matched against the whole request path
  std::regex path_re;
  int nth = 1;    // the first matching request that fails
  int times = 1;  // how many matching requests fail from the nth on (0: all of them)
  FaultAction action = FaultAction::kError500;
  int hang_ms = 60'000;
  int retry_after_s = 1;
  int status = 200;      // kHtml: the status the page comes with
  long long bytes = 0;   // kHugeBody: the length of the streamed answer
  bool chunked = false;  // kHugeBody: no Content-Length, so the size shows only while reading
  int seen = 0;
  int fired = 0;
};

// Fault injection rules installed through the control API. Each rule counts the requests it
// matches, so "fail the 3rd POST /issue" is deterministic however the requests interleave.
class FaultRules {
 public:
  // Throws std::invalid_argument with a readable reason for a malformed rule.
  nlohmann::json add(const nlohmann::json& spec);
  nlohmann::json list() const;
  void clear();
  bool remove(int id);
  // The rule that fires for this request, if any; counts the request against every rule.
  std::optional<FaultRule> match(const std::string& method, const std::string& path);

 private:
  static nlohmann::json describe(const FaultRule& r);
  mutable std::mutex mu_;
  std::vector<FaultRule> rules_;
  int next_id_ = 1;
};

}  // namespace jira_sim
