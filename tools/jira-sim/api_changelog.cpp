// The changelog APIs (Jira Cloud only; Jira Server/Data Center 8.x has none of these paths and
// offers the changelog through expand=changelog on GET issue and search instead):
//   GET  issue/{key}/changelog        one issue's histories, oldest first, paged by startAt
//   POST issue/{key}/changelog/list   one issue's histories picked by id (PageOfChangelogs)
//   POST changelog/bulkfetch          the histories of up to 1000 issues, oldest first, paged by
//                                     an opaque token (BulkChangelogRequestBean/ResponseBean)
#include <algorithm>
#include <optional>
#include <set>

#include "http_util.h"
#include "jira_api.h"

namespace jira_sim {
namespace {

constexpr size_t kBulkMaxIssues = 1000;
constexpr size_t kBulkMaxFieldIds = 10;
constexpr long long kBulkDefaultMax = 1000;
constexpr long long kBulkMaxMax = 10000;
constexpr int kPageMax = 100;  // GET issue/{key}/changelog: default and cap of maxResults
constexpr const char* kBadToken = "The provided next page token is invalid or expired.";

long history_id(const json& h) {
  const json id = h.value("id", json(nullptr));
  if (id.is_number_integer()) return id.get<long>();
  if (id.is_string()) {
    const std::string s = id.get<std::string>();
    if (!s.empty() && s.size() < 18 && s.find_first_not_of("0123456789") == std::string::npos) {
      return std::stol(s);
    }
  }
  return 0;
}

// Where a history sits in bulkfetch's order: by date, then issue id, then history id (a
// history's id grows with time, so it breaks the remaining ties in creation order).
struct Position {
  long long created = 0;
  long issue = 0;
  long history = 0;
  bool operator<(const Position& o) const {
    if (created != o.created) return created < o.created;
    if (issue != o.issue) return issue < o.issue;
    return history < o.history;
  }
};

// The token names the last history served, so a page continues after it even when histories
// were added meanwhile (they sort after it: they are newer).
std::string token_of(const Position& p) {
  return base64_encode("changelog1:" + std::to_string(p.created) + ":" + std::to_string(p.issue) +
                       ":" + std::to_string(p.history));
}

std::optional<Position> position_of(const std::string& token) {
  const std::string raw = base64_decode(token);
  const std::string prefix = "changelog1:";
  if (raw.rfind(prefix, 0) != 0) return std::nullopt;
  std::vector<long long> parts;
  std::string rest = raw.substr(prefix.size());
  size_t start = 0;
  while (true) {
    size_t colon = rest.find(':', start);
    std::string num = rest.substr(start, colon == std::string::npos ? colon : colon - start);
    if (num.empty() || num.size() > 18 ||
        num.find_first_not_of("0123456789") != std::string::npos) {
      return std::nullopt;
    }
    parts.push_back(std::stoll(num));
    if (colon == std::string::npos) break;
    start = colon + 1;
  }
  if (parts.size() != 3) return std::nullopt;
  return Position{parts[0], static_cast<long>(parts[1]), static_cast<long>(parts[2])};
}

// BulkChangelogRequestBean, checked against its schema. Returns the message of the 400.
struct BulkRequest {
  std::vector<std::string> refs;
  std::set<std::string> field_ids;  // empty: every field
  long long max_results = kBulkDefaultMax;
  std::optional<Position> after;
};

std::optional<std::string> read_bulk_request(const json& body, BulkRequest& out) {
  if (!body.is_object()) return "The request body must be a JSON object.";
  const json refs = body.value("issueIdsOrKeys", json(nullptr));
  if (refs.is_null()) return "issueIdsOrKeys is required.";
  if (!refs.is_array()) return "issueIdsOrKeys must be an array of issue ids or keys.";
  for (const auto& r : refs) {
    if (!r.is_string() || r.get<std::string>().empty()) {
      return "issueIdsOrKeys must be an array of issue ids or keys.";
    }
    out.refs.push_back(r.get<std::string>());
  }
  if (out.refs.empty() || out.refs.size() > kBulkMaxIssues) {
    return "issueIdsOrKeys must contain between 1 and " + std::to_string(kBulkMaxIssues) +
           " issue ids or keys; " + std::to_string(out.refs.size()) + " were given.";
  }
  const json fields = body.value("fieldIds", json(nullptr));
  if (!fields.is_null()) {
    if (!fields.is_array()) return "fieldIds must be an array of field ids.";
    for (const auto& f : fields) {
      if (!f.is_string() || f.get<std::string>().empty()) {
        return "fieldIds must be an array of field ids.";
      }
      if (!out.field_ids.insert(f.get<std::string>()).second) {
        return "fieldIds must not repeat a field id (" + f.get<std::string>() + ").";
      }
    }
    if (out.field_ids.size() > kBulkMaxFieldIds) {
      return "fieldIds may contain at most " + std::to_string(kBulkMaxFieldIds) + " field ids; " +
             std::to_string(out.field_ids.size()) + " were given.";
    }
  }
  const json max = body.value("maxResults", json(nullptr));
  if (!max.is_null()) {
    if (!max.is_number_integer() || max.get<long long>() < 1 ||
        max.get<long long>() > kBulkMaxMax) {
      return "maxResults must be an integer between 1 and " + std::to_string(kBulkMaxMax) + ".";
    }
    out.max_results = max.get<long long>();
  }
  const json token = body.value("nextPageToken", json(nullptr));
  if (!token.is_null()) {
    if (!token.is_string()) return kBadToken;
    out.after = position_of(token.get<std::string>());
    if (!out.after) return kBadToken;
  }
  return std::nullopt;
}

}  // namespace

void JiraApi::changelog(Call& c) {
  std::lock_guard lock(ctx_.mu);
  const Issue* issue = ctx_.state.find(c.args[0]);
  if (!issue) return send_error(c.res, 404, {kIssueMissing});
  int start = std::max(0, int_param(c.req, "startAt", 0));
  int max = std::clamp(int_param(c.req, "maxResults", kPageMax), 1, kPageMax);
  Renderer r(ctx_, c.version);
  json values = json::array();
  int total = static_cast<int>(issue->changelog.size());
  for (int n = start; n < total && n < start + max; ++n) {
    values.push_back(r.history(issue->changelog[static_cast<size_t>(n)]));
  }
  std::string self = r.api_base() + "/issue/" + issue->key + "/changelog";
  bool last = start + static_cast<int>(values.size()) >= total;
  json out = {
      {"self", self + "?startAt=" + std::to_string(start) + "&maxResults=" + std::to_string(max)},
      {"maxResults", max},
      {"startAt", start},
      {"total", total},
      {"isLast", last},
      {"values", values}};
  if (!last) {
    out["nextPage"] =
        self + "?startAt=" + std::to_string(start + max) + "&maxResults=" + std::to_string(max);
  }
  send_json(c.res, 200, out);
}

void JiraApi::changelog_list(Call& c) {
  std::lock_guard lock(ctx_.mu);
  const Issue* issue = ctx_.state.find(c.args[0]);
  if (!issue) return send_error(c.res, 404, {kIssueMissing});
  const json ids = c.body.is_object() ? c.body.value("changelogIds", json(nullptr)) : json(nullptr);
  if (!ids.is_array()) return send_error(c.res, 400, {"changelogIds is required."});
  std::set<long> wanted;
  for (const auto& id : ids) {
    if (!id.is_number_integer()) {
      return send_error(c.res, 400, {"changelogIds must be an array of changelog ids (integers)."});
    }
    wanted.insert(id.get<long>());
  }
  Renderer r(ctx_, c.version);
  json histories = json::array();
  for (const auto& h : issue->changelog) {
    if (wanted.count(history_id(h))) histories.push_back(r.history(h));
  }
  send_json(c.res, 200,
            {{"histories", histories},
             {"maxResults", histories.size()},
             {"startAt", 0},
             {"total", histories.size()}});
}

void JiraApi::bulk_changelog(Call& c) {
  BulkRequest req;
  if (auto problem = read_bulk_request(c.body, req)) return send_error(c.res, 400, {*problem});
  std::lock_guard lock(ctx_.mu);
  const SimState& s = ctx_.state;
  // Issues that do not exist (or that the caller could not see) are left out, not refused.
  std::set<long> seen;
  std::vector<const Issue*> issues;
  for (const auto& ref : req.refs) {
    const Issue* issue = s.find(ref);
    if (issue && seen.insert(issue->id).second) issues.push_back(issue);
  }
  struct Entry {
    Position pos;
    const Issue* issue = nullptr;
    const json* history = nullptr;
    json items;  // the history's items, only those of the requested fields
  };
  std::vector<Entry> entries;
  for (const Issue* issue : issues) {
    for (const auto& h : issue->changelog) {
      Entry e{{h.value("created", 0LL), issue->id, history_id(h)}, issue, &h, json::array()};
      if (req.after && !(*req.after < e.pos)) continue;
      for (const auto& item : h.value("items", json::array())) {
        if (req.field_ids.empty() || req.field_ids.count(item.value("fieldId", std::string()))) {
          e.items.push_back(item);
        }
      }
      if (!e.items.empty()) entries.push_back(std::move(e));
    }
  }
  std::sort(entries.begin(), entries.end(),
            [](const Entry& a, const Entry& b) { return a.pos < b.pos; });
  const size_t count = std::min(entries.size(), static_cast<size_t>(req.max_results));
  // One IssueChangeLog per issue on the page, in the order of its first history there; an issue
  // whose histories straddle two pages is on both.
  Renderer r(ctx_, c.version);
  json logs = json::array();
  std::vector<long> order;
  for (size_t n = 0; n < count; ++n) {
    const Entry& e = entries[n];
    auto at = std::find(order.begin(), order.end(), e.issue->id);
    if (at == order.end()) {
      order.push_back(e.issue->id);
      logs.push_back(
          {{"issueId", std::to_string(e.issue->id)}, {"changeHistories", json::array()}});
      at = order.end() - 1;
    }
    json h = r.history(*e.history);
    h["items"] = e.items;
    logs[static_cast<size_t>(at - order.begin())]["changeHistories"].push_back(std::move(h));
  }
  json out = {{"issueChangeLogs", logs}};
  if (count < entries.size()) out["nextPageToken"] = token_of(entries[count - 1].pos);
  send_json(c.res, 200, out);
}

}  // namespace jira_sim
