#include "request_log.h"

#include <cctype>

namespace jira_sim {
namespace {

bool all_digits(const std::string& s) {
  if (s.empty()) return false;
  for (char c : s) {
    if (!std::isdigit(static_cast<unsigned char>(c))) return false;
  }
  return true;
}

bool issue_key(const std::string& s) {
  auto dash = s.rfind('-');
  if (dash == std::string::npos || dash == 0) return false;
  if (!std::isupper(static_cast<unsigned char>(s[0]))) return false;
  for (size_t i = 0; i < dash; ++i) {
    char c = s[i];
    if (!std::isupper(static_cast<unsigned char>(c)) &&
        !std::isdigit(static_cast<unsigned char>(c)) && c != '_') {
      return false;
    }
  }
  return all_digits(s.substr(dash + 1));
}

}  // namespace

std::string RequestLog::endpoint(const std::string& path) {
  std::string out;
  size_t start = 1;
  if (path.empty() || path[0] != '/') return path;
  std::string prev;
  std::string before_prev;
  while (start <= path.size()) {
    size_t slash = path.find('/', start);
    std::string seg =
        path.substr(start, slash == std::string::npos ? std::string::npos : slash - start);
    std::string shown = seg;
    bool api_version = prev == "api";
    if (!api_version && issue_key(seg)) {
      shown = "{key}";
    } else if (!api_version && all_digits(seg)) {
      shown = "{id}";
    } else if (prev == "project" || prev == "createmeta") {
      shown = "{project}";
    } else if (prev == "properties" && before_prev != "issue") {
      // issue/{key}/properties/{property}, but issue/properties/multi is an endpoint of its own.
      shown = "{property}";
    }
    out += "/" + shown;
    before_prev = prev;
    prev = seg;
    if (slash == std::string::npos) break;
    start = slash + 1;
  }
  return out;
}

void RequestLog::record(const std::string& method, const std::string& path,
                        const std::string& query, int status, double duration_ms) {
  std::lock_guard lock(mu_);
  entries_.push_back({{"seq", ++seq_},
                      {"method", method},
                      {"path", path},
                      {"query", query},
                      {"status", status},
                      {"duration_ms", duration_ms}});
  if (entries_.size() > kMaxEntries) entries_.pop_front();
  ++counts_[method + " " + endpoint(path)];
}

nlohmann::json RequestLog::entries() const {
  std::lock_guard lock(mu_);
  nlohmann::json out = nlohmann::json::array();
  for (const auto& e : entries_) out.push_back(e);
  return out;
}

nlohmann::json RequestLog::counts() const {
  std::lock_guard lock(mu_);
  nlohmann::json out = nlohmann::json::object();
  for (const auto& [k, v] : counts_) out[k] = v;
  return out;
}

void RequestLog::clear() {
  std::lock_guard lock(mu_);
  entries_.clear();
  counts_.clear();
}

}  // namespace jira_sim
