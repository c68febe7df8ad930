#include "bulk_refusals.h"

#include <cctype>

namespace jira_sim {
namespace {

std::string upper(std::string s) {
  for (char& c : s) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return s;
}

}  // namespace

void BulkRefusals::add(const std::vector<std::string>& refs, const std::string& message) {
  std::lock_guard lock(mu_);
  for (const auto& r : refs) refused_[upper(r)] = message.empty() ? kDefaultMessage : message;
}

void BulkRefusals::clear() {
  std::lock_guard lock(mu_);
  refused_.clear();
}

std::optional<std::string> BulkRefusals::reason(const std::string& key, long id) const {
  std::lock_guard lock(mu_);
  for (const std::string& ref : {upper(key), std::to_string(id)}) {
    auto it = refused_.find(ref);
    if (it != refused_.end()) return it->second;
  }
  return std::nullopt;
}

nlohmann::json BulkRefusals::list() const {
  std::lock_guard lock(mu_);
  nlohmann::json out = nlohmann::json::array();
  for (const auto& [ref, message] : refused_) {
    out.push_back({{"key", ref}, {"message", message}});
  }
  return out;
}

}  // namespace jira_sim
