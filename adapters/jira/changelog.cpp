// Reading issues' changelogs: what a rollback without a local backup rebuilds the state before a
// run from (docs/rollback.md). Cloud fetches them in bulk (POST changelog/bulkfetch: 1,000
// issues a request, pages of up to 10,000 histories joined by nextPageToken); Data Center has no
// such endpoint and gives them with a search's expand=changelog, 50 issues a page.
#include <algorithm>
#include <map>
#include <string>
#include <vector>

#include "jira/http_date.h"
#include "jira/jira_tracker.h"

namespace epicsync::jira {
namespace {

using nlohmann::json;

std::optional<std::string> text_or_none(const json& item, const char* name) {
  if (!item.contains(name)) return std::nullopt;
  const json& v = item[name];
  if (v.is_string()) return v.get<std::string>();
  if (v.is_number_integer()) return std::to_string(v.get<long long>());
  return std::nullopt;
}

tracker::ChangeHistory history_of(const json& h, tracker::Deployment deployment) {
  tracker::ChangeHistory out;
  if (h.contains("author") && h["author"].is_object()) {
    const char* who = deployment == tracker::Deployment::kCloud ? "accountId" : "name";
    out.author = h["author"].value(who, "");
  }
  if (h.contains("created") && h["created"].is_string()) {
    if (auto t = parse_iso8601(h["created"].get<std::string>())) out.created = *t;
  } else if (h.contains("created") && h["created"].is_number_integer()) {
    out.created = std::chrono::system_clock::time_point(
        std::chrono::milliseconds(h["created"].get<long long>()));
  }
  if (h.contains("items") && h["items"].is_array()) {
    for (const auto& i : h["items"]) {
      if (!i.is_object()) continue;
      out.items.push_back({i.value("field", ""), i.value("fieldId", ""), text_or_none(i, "from"),
                           text_or_none(i, "fromString"), text_or_none(i, "to"),
                           text_or_none(i, "toString")});
    }
  }
  return out;
}

void sort_oldest_first(std::map<std::string, std::vector<tracker::ChangeHistory>>& all) {
  for (auto& [key, list] : all) {
    std::stable_sort(list.begin(), list.end(),
                     [](const auto& a, const auto& b) { return a.created < b.created; });
  }
}

}  // namespace

epicsync::Result<std::map<std::string, std::vector<tracker::ChangeHistory>>>
JiraTracker::changelogs(const std::vector<tracker::IssueRef>& issues) {
  std::map<std::string, std::vector<tracker::ChangeHistory>> out;
  for (const auto& i : issues) out[i.key];  // an issue with no change has an empty changelog
  if (issues.empty()) return out;
  if (info_.deployment == tracker::Deployment::kCloud) {
    std::map<std::string, std::string> key_of;  // the answer names issues by id
    for (const auto& i : issues) {
      key_of[i.id.empty() ? i.key : i.id] = i.key;
      key_of[i.key] = i.key;
    }
    constexpr size_t kIssuesPerRequest = 1000;  // the bean's maxItems
    for (size_t from = 0; from < issues.size(); from += kIssuesPerRequest) {
      json ids = json::array();
      for (size_t n = from; n < std::min(issues.size(), from + kIssuesPerRequest); ++n) {
        ids.push_back(issues[n].id.empty() ? issues[n].key : issues[n].id);
      }
      std::string token;
      for (int page = 0;; ++page) {
        json body = {{"issueIdsOrKeys", ids}, {"maxResults", 10000}};
        if (!token.empty()) body["nextPageToken"] = token;
        auto answer = call(Method::kPost, api("changelog/bulkfetch"), body, {}, true);
        if (!answer) return answer.error();
        if (!answer->is_object()) {
          return epicsync::Error{epicsync::ErrorKind::kRejected,
                                 "changelog/bulkfetch: unreadable answer", ""};
        }
        for (const auto& log : answer->value("issueChangeLogs", json::array())) {
          auto it = key_of.find(log.value("issueId", ""));
          if (it == key_of.end()) continue;
          for (const auto& h : log.value("changeHistories", json::array())) {
            out[it->second].push_back(history_of(h, info_.deployment));
          }
        }
        const json next = answer->value("nextPageToken", json());
        if (!next.is_string() || next.get<std::string>().empty()) break;
        if (page > 10000) {
          return epicsync::Error{epicsync::ErrorKind::kRejected,
                                 "changelog/bulkfetch: the pages do not end", ""};
        }
        token = next.get<std::string>();
      }
    }
  } else {
    constexpr size_t kIssuesPerSearch = 50;
    for (size_t from = 0; from < issues.size(); from += kIssuesPerSearch) {
      std::string jql = "key in (";
      for (size_t n = from; n < std::min(issues.size(), from + kIssuesPerSearch); ++n) {
        jql += (n == from ? "" : ",") + issues[n].key;
      }
      jql += ")";
      for (int start = 0;;) {
        json body = {{"jql", jql},
                     {"startAt", start},
                     {"maxResults", static_cast<int>(kIssuesPerSearch)},
                     {"fields", json::array({"summary"})},
                     {"expand", json::array({"changelog"})}};
        auto answer = call(Method::kPost, api("search"), body, {}, true);
        if (!answer) return answer.error();
        const json found = answer->is_object() ? answer->value("issues", json::array()) : json();
        if (!found.is_array()) {
          return epicsync::Error{epicsync::ErrorKind::kRejected, "search: unreadable answer", ""};
        }
        for (const auto& issue : found) {
          const std::string key = issue.value("key", "");
          const json log = issue.value("changelog", json::object());
          const json histories = log.value("histories", json::array());
          // Jira Server caps the histories a search expands; more than it gave are read whole.
          if (log.value("total", 0) > static_cast<int>(histories.size())) {
            auto whole = call(Method::kGet, api("issue/" + key), nullptr,
                              {{"fields", "summary"}, {"expand", "changelog"}}, true);
            if (!whole) return whole.error();
            for (const auto& h :
                 whole->value("changelog", json::object()).value("histories", json::array())) {
              out[key].push_back(history_of(h, info_.deployment));
            }
            continue;
          }
          for (const auto& h : histories) out[key].push_back(history_of(h, info_.deployment));
        }
        start += static_cast<int>(found.size());
        if (found.empty() || start >= answer->value("total", 0)) break;
      }
    }
  }
  if (info_.deployment != tracker::Deployment::kCloud) {
    // Jira Server logs a user field by the user's key (JIRAUSER10100); epicsync knows users by
    // name, as the issue's fields give them. Each key is asked for once.
    std::map<std::string, std::string> name_of;
    for (auto& [key, list] : out) {
      for (auto& h : list) {
        for (auto& item : h.items) {
          if (item.field_id != "assignee" && item.field != "assignee") continue;
          for (auto* side : {&item.from, &item.to}) {
            if (!*side || (*side)->empty()) continue;
            auto known = name_of.find(**side);
            if (known == name_of.end()) {
              auto user = call(Method::kGet, api("user"), nullptr, {{"key", **side}}, true);
              std::string name = **side;  // a key of a user that is gone stays as it is
              if (user && user->is_object()) name = user->value("name", name);
              known = name_of.emplace(**side, name).first;
            }
            *side = known->second;
          }
        }
      }
    }
  }
  sort_oldest_first(out);
  return out;
}

}  // namespace epicsync::jira
