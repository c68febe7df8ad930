// JQL search: the enhanced Cloud endpoint (search/jql, token paging, eventually consistent), the
// classic Data Center one (startAt/total), and the 410 Cloud now gives the removed endpoint.
#include <algorithm>
#include <functional>
#include <set>

#include "http_util.h"
#include "jira_api.h"
#include "jql.h"

namespace jira_sim {
namespace {

constexpr const char* kUnbounded =
    "Unbounded JQL queries are not allowed here. Please add a search restriction to your query.";
constexpr const char* kGone =
    "The requested API has been removed. Please migrate to the /rest/api/3/search/jql API. A full "
    "migration guideline is available at https://developer.atlassian.com/changelog/#CHANGE-2046";
constexpr const char* kBadToken = "The provided next page token is invalid or expired.";

struct SearchParams {
  std::string jql;
  std::vector<std::string> fields;
  std::vector<std::string> properties;
  bool changelog = false;  // expand=changelog
  std::set<long> reconcile;
  int max_results = 50;
  int start_at = 0;
  std::string token;
};

std::vector<std::string> strings_of(const json& v) {
  std::vector<std::string> out;
  if (v.is_string()) return split_csv(v.get<std::string>());
  if (v.is_array()) {
    for (const auto& s : v) {
      if (s.is_string()) out.push_back(s.get<std::string>());
    }
  }
  return out;
}

// GET carries everything in the query string (lists comma-separated or repeated), POST in a body.
SearchParams read_params(const Call& c) {
  SearchParams p;
  if (c.req.method == "POST" && c.body.is_object()) {
    const json& b = c.body;
    p.jql = b.value("jql", std::string());
    p.fields = strings_of(b.value("fields", json::array()));
    p.properties = strings_of(b.value("properties", json::array()));
    // Cloud's search/jql takes expand as a comma-separated string, Data Center's search as an
    // array of strings; both are read either way.
    for (const auto& e : strings_of(b.value("expand", json::array()))) {
      p.changelog = p.changelog || e == "changelog";
    }
    const json reconcile = b.value("reconcileIssues", json::array());
    for (const auto& id : reconcile) {
      if (id.is_number_integer()) p.reconcile.insert(id.get<long>());
    }
    if (b.contains("maxResults") && b["maxResults"].is_number_integer()) {
      p.max_results = b["maxResults"].get<int>();
    }
    if (b.contains("startAt") && b["startAt"].is_number_integer()) {
      p.start_at = b["startAt"].get<int>();
    }
    p.token = b.value("nextPageToken", std::string());
    return p;
  }
  p.jql = param(c.req, "jql");
  auto collect = [&](const char* name, std::vector<std::string>& out) {
    for (size_t i = 0; i < c.req.get_param_value_count(name); ++i) {
      for (auto& v : split_csv(c.req.get_param_value(name, i))) out.push_back(v);
    }
  };
  collect("fields", p.fields);
  collect("properties", p.properties);
  std::vector<std::string> expand;
  collect("expand", expand);
  p.changelog = std::find(expand.begin(), expand.end(), "changelog") != expand.end();
  std::vector<std::string> ids;
  collect("reconcileIssues", ids);
  for (const auto& id : ids) {
    if (!id.empty() && id.find_first_not_of("0123456789") == std::string::npos && id.size() < 18) {
      p.reconcile.insert(std::stol(id));
    }
  }
  p.max_results = int_param(c.req, "maxResults", 50);
  p.start_at = int_param(c.req, "startAt", 0);
  p.token = param(c.req, "nextPageToken");
  return p;
}

std::string token_for(const std::string& jql, int offset) {
  return base64_encode("sim1:" + std::to_string(offset) + ":" +
                       std::to_string(std::hash<std::string>{}(jql)&0xffffffff));
}

// The offset a token stands for, or -1 when it was not issued for this query.
int offset_of(const std::string& token, const std::string& jql) {
  std::string raw = base64_decode(token);
  std::string expect_tail = ":" + std::to_string(std::hash<std::string>{}(jql)&0xffffffff);
  if (raw.rfind("sim1:", 0) != 0 || raw.size() <= expect_tail.size() ||
      raw.compare(raw.size() - expect_tail.size(), expect_tail.size(), expect_tail) != 0) {
    return -1;
  }
  std::string num = raw.substr(5, raw.size() - 5 - expect_tail.size());
  if (num.empty() || num.size() > 9 || num.find_first_not_of("0123456789") != std::string::npos) {
    return -1;
  }
  return std::stoi(num);
}

}  // namespace

// Runs a query against the state; the caller holds the mutex. Returns an error body or fills
// `hits` in the query's order.
static json run_query(const SimContext& ctx, const std::string& jql, bool require_bounded,
                      const std::set<long>& reconcile, std::vector<const Issue*>& hits) {
  const SimState& s = ctx.state;
  JqlQuery q;
  try {
    q = JqlQuery::parse(jql);
  } catch (const JqlError& e) {
    return error_body({e.what()});
  }
  if (require_bounded && !q.bounded()) return error_body({kUnbounded});
  std::vector<std::string> problems;
  for (const JqlClause* cl : q.clauses()) {
    for (const auto& v : cl->values) {
      bool ok = true;
      if (cl->field == "project") {
        ok = iequals(v, s.project_key()) || v == s.project_id() || iequals(v, s.project_name());
      } else if (cl->field == "issuetype") {
        ok = s.issue_type(v) != nullptr;
      } else if (cl->field == "status") {
        ok = ctx.workflow.status_by_name(v) || ctx.workflow.status_by_id(v);
      } else if (cl->field == "statuscategory") {
        ok = iequals(v, "new") || iequals(v, "indeterminate") || iequals(v, "done") ||
             iequals(v, "To Do") || iequals(v, "In Progress");
      } else if (cl->field == "key") {
        if (!s.find(v)) {
          problems.push_back("An issue with key '" + v + "' does not exist for field '" +
                             cl->written + "'.");
        }
        continue;
      }
      if (!ok) {
        problems.push_back("The value '" + v + "' does not exist for the field '" + cl->written +
                           "'.");
      }
    }
  }
  if (!problems.empty()) return error_body(problems);

  const auto lag = std::chrono::milliseconds(ctx.search_lag_ms.load());
  const auto now = std::chrono::steady_clock::now();
  for (const auto& [id, issue] : s.issues()) {
    if (lag.count() > 0 && now - issue.indexed_at < lag && !reconcile.count(id)) continue;
    const Issue& i = issue;
    auto lookup = [&](const std::string& f) -> std::vector<std::string> {
      auto with_id = [&](const std::string& key) -> std::vector<std::string> {
        if (key.empty()) return {};
        const Issue* other = s.find(key);
        return {key, other ? std::to_string(other->id) : ""};
      };
      if (f == "project") return {s.project_key(), s.project_id(), s.project_name()};
      if (f == "issuetype") {
        const IssueType* t = s.issue_type(i.type_id);
        return {t->name, t->id};
      }
      if (f == "parent") {
        if (!i.parent_key.empty()) return with_id(i.parent_key);
        return with_id(i.epic_link);
      }
      if (f == "epiclink") {
        if (!i.epic_link.empty()) return with_id(i.epic_link);
        const Issue* p = i.parent_key.empty() ? nullptr : s.find(i.parent_key);
        if (p && s.issue_type(p->type_id)->name == "Epic") return with_id(p->key);
        return {};
      }
      if (f == "key") return {i.key, std::to_string(i.id)};
      if (f == "summary") return {i.summary};
      if (f == "status" || f == "statuscategory") {
        const Status* st = ctx.workflow.status_by_id(i.status_id);
        if (!st) return {};
        if (f == "status") return {st->name, st->id};
        std::string name = st->category == "new"    ? "To Do"
                           : st->category == "done" ? "Done"
                                                    : "In Progress";
        return {st->category, name};
      }
      if (f == "labels") return i.labels;
      if (f == "assignee") {
        const User* u = s.user_by_account(i.assignee);
        if (!u) return {};
        return {u->account_id, u->name, u->display_name, u->email};
      }
      return {};
    };
    if (q.matches(lookup)) hits.push_back(&issue);
  }

  auto status_rank = [&](const Issue* i) {
    const auto& all = ctx.workflow.statuses();
    for (size_t n = 0; n < all.size(); ++n) {
      if (all[n].id == i->status_id) return static_cast<long>(n);
    }
    return static_cast<long>(all.size());
  };
  std::stable_sort(hits.begin(), hits.end(), [&](const Issue* a, const Issue* b) {
    for (const auto& o : q.order()) {
      int cmp = 0;
      auto three_way = [](auto x, auto y) { return x < y ? -1 : (y < x ? 1 : 0); };
      if (o.field == "key" || o.field == "rank") {
        cmp = three_way(a->id, b->id);
      } else if (o.field == "created") {
        cmp = three_way(a->created, b->created);
      } else if (o.field == "updated") {
        cmp = three_way(a->updated, b->updated);
      } else if (o.field == "summary") {
        cmp = three_way(lower(a->summary), lower(b->summary));
      } else if (o.field == "priority") {
        // Jira ranks priorities by their sequence: ascending means least urgent first.
        cmp = three_way(std::stoi(b->priority_id), std::stoi(a->priority_id));
      } else if (o.field == "status") {
        cmp = three_way(status_rank(a), status_rank(b));
      } else if (o.field == "issuetype") {
        cmp = three_way(a->type_id, b->type_id);
      }
      if (cmp != 0) return o.descending ? cmp > 0 : cmp < 0;
    }
    return a->id < b->id;
  });
  return nullptr;
}

void JiraApi::search_jql(Call& c) {
  SearchParams p = read_params(c);
  std::lock_guard lock(ctx_.mu);
  std::vector<const Issue*> hits;
  if (json err = run_query(ctx_, p.jql, true, p.reconcile, hits); !err.is_null()) {
    return send_json(c.res, 400, err);
  }
  int offset = 0;
  if (!p.token.empty()) {
    offset = offset_of(p.token, p.jql);
    if (offset < 0) return send_error(c.res, 400, {kBadToken});
  }
  // Ids alone page up to 5000 at a time; full issues are capped lower, as Jira does.
  int cap = p.fields.empty() && !p.changelog ? 5000 : 100;
  int max = std::clamp(p.max_results <= 0 ? 50 : p.max_results, 1, cap);
  Renderer r(ctx_, c.version);
  json issues = json::array();
  int end = std::min(static_cast<int>(hits.size()), offset + max);
  for (int n = offset; n < end; ++n) {
    const Issue& i = *hits[static_cast<size_t>(n)];
    if (p.fields.empty() && p.properties.empty() && !p.changelog) {
      issues.push_back({{"id", std::to_string(i.id)}});
    } else {
      // Issues asked for by reconcileIssues are read after their writes, properties included.
      issues.push_back(r.issue(i, p.fields, p.properties, p.changelog, !p.reconcile.count(i.id)));
    }
  }
  bool last = end >= static_cast<int>(hits.size());
  json out = {{"issues", issues}, {"isLast", last}};
  if (!last) out["nextPageToken"] = token_for(p.jql, end);
  send_json(c.res, 200, out);
}

void JiraApi::search_classic(Call& c) {
  SearchParams p = read_params(c);
  std::lock_guard lock(ctx_.mu);
  std::vector<const Issue*> hits;
  if (json err = run_query(ctx_, p.jql, false, {}, hits); !err.is_null()) {
    return send_json(c.res, 400, err);
  }
  if (p.fields.empty()) p.fields = {"*navigable"};
  int start = std::max(0, p.start_at);
  int max = std::clamp(p.max_results < 0 ? 50 : p.max_results, 0, 1000);
  Renderer r(ctx_, c.version);
  json issues = json::array();
  int total = static_cast<int>(hits.size());
  for (int n = start; n < total && n < start + max; ++n) {
    issues.push_back(
        r.issue(*hits[static_cast<size_t>(n)], p.fields, p.properties, p.changelog, true));
  }
  send_json(c.res, 200,
            {{"expand", "schema,names"},
             {"startAt", start},
             {"maxResults", max},
             {"total", total},
             {"issues", issues}});
}

void JiraApi::search_gone(Call& c) {
  send_error(c.res, 410, {kGone});
}

}  // namespace jira_sim
