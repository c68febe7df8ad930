#include "faults.h"

#include <map>
#include <stdexcept>

namespace jira_sim {
namespace {

const std::map<std::string, FaultAction>& action_names() {
  static const std::map<std::string, FaultAction> m = {
      {"error500", FaultAction::kError500},
      {"drop", FaultAction::kDrop},
      {"hang", FaultAction::kHang},
      {"429", FaultAction::kTooMany},
      {"apply_then_500", FaultAction::kApplyThen500},
      {"apply_then_drop", FaultAction::kApplyThenDrop},
      {"huge_body", FaultAction::kHugeBody},
      {"html", FaultAction::kHtml},
      {"lose_write", FaultAction::kLoseWrite}};
  return m;
}

std::string action_name(FaultAction a) {
  for (const auto& [name, value] : action_names()) {
    if (value == a) return name;
  }
  return "?";
}

}  // namespace

nlohmann::json FaultRules::add(const nlohmann::json& spec) {
  if (!spec.is_object()) throw std::invalid_argument("a fault rule is a JSON object");
  FaultRule r;
  r.method = spec.value("method", std::string());
  r.path = spec.value("path", std::string(".*"));
  try {
    r.path_re = std::regex(r.path, std::regex::ECMAScript);
  } catch (const std::regex_error&) {
    throw std::invalid_argument("'path' is not a valid regular expression: " + r.path);
  }
  r.nth = spec.value("nth", 1);
  r.times = spec.value("times", 1);
  r.hang_ms = spec.value("hang_ms", 60'000);
  r.retry_after_s = spec.value("retry_after", 1);
  r.status = spec.value("status", 200);
  if (r.status < 200 || r.status > 599) throw std::invalid_argument("'status' must be 200..599");
  r.bytes = spec.value("bytes", 256LL << 20);
  r.chunked = spec.value("chunked", false);
  if (r.bytes < 1) throw std::invalid_argument("'bytes' must be at least 1");
  if (r.nth < 1) throw std::invalid_argument("'nth' counts from 1");
  if (r.times < 0) throw std::invalid_argument("'times' must be 0 (always) or more");
  std::string action = spec.value("action", std::string());
  auto found = action_names().find(action);
  if (found == action_names().end()) {
    throw std::invalid_argument(
        "'action' must be one of error500, drop, hang, 429, apply_then_500, apply_then_drop, "
        "huge_body, html");
  }
  r.action = found->second;
  std::lock_guard lock(mu_);
  r.id = next_id_++;
  rules_.push_back(r);
  return describe(r);
}

nlohmann::json FaultRules::describe(const FaultRule& r) {
  return {{"id", r.id},           {"method", r.method},
          {"path", r.path},       {"nth", r.nth},
          {"times", r.times},     {"action", action_name(r.action)},
          {"seen", r.seen},       {"fired", r.fired},
          {"hang_ms", r.hang_ms}, {"retry_after", r.retry_after_s},
          {"bytes", r.bytes},     {"chunked", r.chunked},
          {"status", r.status}};
}

nlohmann::json FaultRules::list() const {
  std::lock_guard lock(mu_);
  nlohmann::json out = nlohmann::json::array();
  for (const auto& r : rules_) out.push_back(describe(r));
  return out;
}

void FaultRules::clear() {
  std::lock_guard lock(mu_);
  rules_.clear();
}

bool FaultRules::remove(int id) {
  std::lock_guard lock(mu_);
  for (auto it = rules_.begin(); it != rules_.end(); ++it) {
    if (it->id == id) {
      rules_.erase(it);
      return true;
    }
  }
  return false;
}

std::optional<FaultRule> FaultRules::match(const std::string& method, const std::string& path) {
  std::lock_guard lock(mu_);
  std::optional<FaultRule> hit;
  for (auto& r : rules_) {
    if (!r.method.empty() && r.method != method) continue;
    if (!std::regex_match(path, r.path_re)) continue;
    ++r.seen;
    bool due = r.seen >= r.nth && (r.times == 0 || r.fired < r.times);
    if (due && !hit) {
      ++r.fired;
      hit = r;
    }
  }
  return hit;
}

}  // namespace jira_sim
