#include "jira/jira_tracker.h"

#include <algorithm>
#include <set>
#include <thread>

#include "jira/ascii.h"
#include "jira/discovery.h"
#include "jira/http_date.h"
#include "richtext/adf.h"
#include "richtext/normalize.h"
#include "richtext/wiki.h"

namespace epicsync::jira {
namespace {

using nlohmann::json;

std::string quote_list(const std::vector<std::string>& keys) {
  std::string out;
  for (const auto& k : keys) out += (out.empty() ? "" : ", ") + k;
  return out;
}

}  // namespace

Error to_error(const HttpError& e) {
  epicsync::ErrorKind kind = epicsync::ErrorKind::kRejected;
  switch (e.kind) {
    case jira::HttpFailure::kConnect:
    case jira::HttpFailure::kDns:
    case jira::HttpFailure::kTls:
    case jira::HttpFailure::kTimeout:
    case jira::HttpFailure::kRateLimited:
      kind = epicsync::ErrorKind::kUnreachable;
      break;
    case jira::HttpFailure::kAuth:
    case jira::HttpFailure::kForbidden:
      kind = epicsync::ErrorKind::kAuth;
      break;
    case jira::HttpFailure::kNotFound:
      kind = epicsync::ErrorKind::kNotFound;
      break;
    case jira::HttpFailure::kInsecureUrl:
    case jira::HttpFailure::kInvalidUrl:
      kind = epicsync::ErrorKind::kUsage;
      break;
    case jira::HttpFailure::kGone:
    case jira::HttpFailure::kRejected:
    case jira::HttpFailure::kServer:
    case jira::HttpFailure::kProtocol:
      kind = epicsync::ErrorKind::kRejected;
      break;
    case jira::HttpFailure::kTooLarge:
      // Not retried and not "unreachable": the tracker answered, with something we refuse.
      return Error{epicsync::ErrorKind::kRejected, e.to_string() + " (jira.max_response_mb)",
                   "raise jira.max_response_mb (at most 4096) if answers that large are "
                   "expected; otherwise check what sits between epicsync and Jira"};
    case jira::HttpFailure::kNotJira:
      // Whatever answered is not Jira: for the user the tracker is not reachable at that URL.
      return Error{epicsync::ErrorKind::kUnreachable, e.to_string(),
                   "JIRA_URL probably points at a login page or proxy: give the site's base URL, "
                   "such as https://yourcompany.atlassian.net"};
    case jira::HttpFailure::kAmbiguousWrite:
      // Sent, but no answer says whether it was applied: never a refusal (docs/transport.md).
      kind = epicsync::ErrorKind::kUnknownOutcome;
      break;
  }
  if (e.kind == jira::HttpFailure::kTimeout) {
    return Error{kind, e.to_string(),
                 "the tracker accepted the connection but did not answer in time; if it is just "
                 "slow, raise --timeout (jira.timeout, at most 600 seconds)"};
  }
  return Error{kind, e.to_string(), ""};
}

JiraTracker::JiraTracker(std::shared_ptr<HttpClient> client, JiraOptions options)
    : client_(std::move(client)), options_(std::move(options)) {
  if (!options_.sleep) {
    options_.sleep = [](std::chrono::milliseconds d) { std::this_thread::sleep_for(d); };
  }
}

std::string JiraTracker::api(const std::string& tail) const {
  return std::string(info_.deployment == tracker::Deployment::kCloud ? "/rest/api/3/"
                                                                     : "/rest/api/2/") +
         tail;
}

jira::Result<Response> JiraTracker::send_counted(const Request& r) {
  // Whether a run changed anything at all is told by what it sent, not by what it planned: a
  // run whose every operation turned out to be in place already keeps no backup.
  if (r.method != Method::kGet && !r.read_only) ++writes_;
  return client_->send(r);
}

epicsync::Result<json> JiraTracker::call(Method method, const std::string& path, const json& body,
                                         std::vector<std::pair<std::string, std::string>> query,
                                         bool read_only) {
  Request r;
  r.method = method;
  r.path = path;
  r.query = std::move(query);
  r.read_only = read_only;
  r.headers.emplace_back("Accept", "application/json");
  if (!body.is_null()) {
    r.body = body.dump();
    r.headers.emplace_back("Content-Type", "application/json");
  }
  auto response = send_counted(r);
  if (!response) return to_error(response.error());
  if (response->body.empty()) return json(nullptr);
  json parsed = json::parse(response->body, nullptr, false);
  if (parsed.is_discarded()) {
    return Error{
        epicsync::ErrorKind::kRejected,
        std::string(method_name(method)) + " " + path + ": the tracker's answer is not JSON", ""};
  }
  return parsed;
}

std::unique_ptr<JiraTracker> JiraTracker::sibling() const {
  auto other = std::make_unique<JiraTracker>(client_, options_);
  other->info_ = info_;
  other->ids_ = ids_;
  other->connected_ = connected_;
  other->all_fields_ = all_fields_;
  other->story_screen_ = story_screen_;
  other->project_key_ = project_key_;
  other->clock_offset_ = clock_offset_;
  return other;
}

epicsync::Result<std::vector<tracker::FieldSpec>> JiraTracker::fields_on_every_screen() {
  std::lock_guard lock(screens_mu_);
  if (all_screens_read_) return info_.fields;
  std::vector<Request> reqs;
  std::vector<const std::string*> types;
  for (const auto* type : {&info_.subtask_type_id, &info_.epic_type_id}) {
    if (type->empty()) continue;
    types.push_back(type);
    reqs.push_back(Request{Method::kGet,
                           api("issue/createmeta/" + project_key_ + "/issuetypes/" + *type),
                           {{"maxResults", "200"}},
                           {{"Accept", "application/json"}},
                           "",
                           true,
                           std::nullopt});
  }
  std::map<const std::string*, json> screens;
  auto answers = client_->send_all(reqs);
  for (size_t i = 0; i < answers.size(); ++i) {
    if (!answers[i]) return to_error(answers[i].error());
    json page = json::parse(answers[i]->body, nullptr, false);
    if (!page.is_object()) {
      return Error{epicsync::ErrorKind::kRejected,
                   "GET " + reqs[i].path + ": the tracker's answer is not JSON", ""};
    }
    screens[types[i]] = std::move(page);
  }
  auto screen_of = [&](const std::string& type) -> const json* {
    auto it = screens.find(&type);
    return it == screens.end() ? nullptr : &it->second;
  };
  auto table =
      field_table(all_fields_,
                  {&story_screen_, screen_of(info_.subtask_type_id), screen_of(info_.epic_type_id)},
                  options_.fields, {ids_.story_points, ids_.epic_link});
  if (!table) return table.error();
  ids_.extra = *table;
  info_.fields = *table;
  all_screens_read_ = true;
  return info_.fields;
}

epicsync::Result<std::string> JiraTracker::account() {
  if (account_) return *account_;
  auto me = call(Method::kGet, api("myself"));
  if (!me) return me.error();
  const char* member = info_.deployment == tracker::Deployment::kCloud ? "accountId" : "name";
  account_ = me->is_object() && me->contains(member) && (*me)[member].is_string()
                 ? (*me)[member].get<std::string>()
                 : std::string();
  return *account_;
}

epicsync::Result<tracker::TrackerInfo> JiraTracker::connect(const std::string& project_key) {
  // Both deployments answer serverInfo on v2; it decides which API the rest of the run uses.
  const auto asked = std::chrono::system_clock::now();
  auto server = call(Method::kGet, "/rest/api/2/serverInfo");
  const auto answered = std::chrono::system_clock::now();
  if (!server && server.error().kind == epicsync::ErrorKind::kNotFound) {
    // Every Jira answers serverInfo: a 404 means the URL's path is not where Jira's REST API is
    // (a context path missing or added), not that the epic is missing.
    return Error{epicsync::ErrorKind::kUnreachable,
                 "JIRA_URL does not serve Jira's REST API: " + server.error().message,
                 "give the site's base URL, such as https://yourcompany.atlassian.net, or for "
                 "Data Center the URL with its context path (https://host/jira)"};
  }
  if (!server) return server.error();
  info_.deployment = deployment_from_server_info(*server);
  info_.server_title = server->value("serverTitle", "");
  info_.version = server->value("version", "");
  // The server's clock read halfway through the round trip: good to half of it, which is what
  // the run record's times need to bracket the run's changelog entries.
  if (server->contains("serverTime") && (*server)["serverTime"].is_string()) {
    if (auto t = parse_iso8601((*server)["serverTime"].get<std::string>())) {
      clock_offset_ = std::chrono::duration_cast<std::chrono::milliseconds>(
          *t - (asked + (answered - asked) / 2));
    }
  }
  info_.project_key = project_key;

  // The field list and the project's issue types are independent: fetch them together.
  Request fields_req{Method::kGet, api("field"), {},          {{"Accept", "application/json"}},
                     "",           false,        std::nullopt};
  Request types_req{Method::kGet,
                    api("issue/createmeta/" + project_key + "/issuetypes"),
                    {{"maxResults", "200"}},
                    {{"Accept", "application/json"}},
                    "",
                    false,
                    std::nullopt};
  auto both = client_->send_all({fields_req, types_req});
  for (auto& r : both) {
    if (!r) {
      if (r.error().kind == jira::HttpFailure::kNotFound) {
        return Error{epicsync::ErrorKind::kNotFound, "project " + project_key + " does not exist",
                     "check the project key (--project or jira.project)"};
      }
      return to_error(r.error());
    }
  }
  const json all_fields = json::parse(both[0]->body, nullptr, false);
  const json types_page = json::parse(both[1]->body, nullptr, false);
  auto types = choose_issue_types(types_page);
  if (!types) return types.error();
  info_.story_type_id = types->story_id;
  info_.subtask_type_id = types->subtask_id;
  info_.epic_type_id = types->epic_id;

  // The story's create screen: the fields a story can set, the story points field on it, and
  // the allowed values of the field table's fields. The sub-task's and the epic's screens are
  // read only when a run needs them (fields_on_every_screen).
  auto screen = call(Method::kGet,
                     api("issue/createmeta/" + project_key + "/issuetypes/" + info_.story_type_id),
                     nullptr, {{"maxResults", "200"}});
  if (!screen) return screen.error();
  if (!screen->is_object()) {
    return Error{epicsync::ErrorKind::kRejected,
                 "the story's create screen (createmeta) is not a JSON object", ""};
  }
  const auto on_screen = screen_field_ids(*screen);
  auto points = choose_points_field(all_fields, on_screen, options_.story_points_field);
  if (!points) return points.error();
  ids_.story_points = *points;
  ids_.epic_link = choose_epic_link_field(all_fields, on_screen);
  info_.story_points_field = ids_.story_points;
  info_.epic_link_field = ids_.epic_link;
  auto table = field_table(all_fields, {&*screen, nullptr, nullptr}, options_.fields,
                           {ids_.story_points, ids_.epic_link});
  if (!table) return table.error();
  ids_.extra = *table;
  info_.fields = *table;
  all_fields_ = all_fields;
  story_screen_ = *screen;
  project_key_ = project_key;
  connected_ = true;
  return info_;
}

void JiraTracker::remember_written(const std::string& issue_id) {
  std::lock_guard lock(mu_);
  if (!issue_id.empty()) written_ids_.push_back(issue_id);
}

void JiraTracker::reconcile(const std::vector<std::string>& issue_ids) {
  for (const auto& id : issue_ids) remember_written(id);
}

epicsync::Result<bool> JiraTracker::search_shows(const std::vector<std::string>& issue_ids) {
  // 100 ids a query (one page each, a JQL of about 1 KB), all queries at once. What search
  // itself shows: no reconcileIssues, which would show the ids whatever the index.
  std::vector<Request> queries;
  for (size_t from = 0; from < issue_ids.size(); from += 100) {
    const size_t to = std::min(issue_ids.size(), from + 100);
    std::string jql = "id in (";
    for (size_t i = from; i < to; ++i) jql += (i == from ? "" : ",") + issue_ids[i];
    jql += ")";
    Request r;
    r.headers = {{"Accept", "application/json"}, {"Content-Type", "application/json"}};
    r.read_only = true;
    r.method = Method::kPost;
    r.path = api(info_.deployment == tracker::Deployment::kCloud ? "search/jql" : "search");
    r.body = json{{"jql", jql}, {"fields", json::array({"summary"})}, {"maxResults", 100}}.dump();
    queries.push_back(std::move(r));
  }
  std::set<std::string> seen;
  for (auto& response : client_->send_all(queries)) {
    if (!response) return to_error(response.error());
    json page = json::parse(response->body, nullptr, false);
    if (!page.is_object()) {
      return Error{epicsync::ErrorKind::kRejected, "search: unreadable answer", ""};
    }
    for (const auto& i : page.value("issues", json::array())) seen.insert(i.value("id", ""));
  }
  for (const auto& id : issue_ids) {
    if (seen.count(id)) continue;
    // Not in search: lagging, or deleted since. Reading the issue itself is consistent, and the
    // first one that exists settles it.
    auto read = call(Method::kGet, api("issue/" + id), nullptr, {{"fields", "summary"}}, true);
    if (read) return false;
    if (read.error().kind != epicsync::ErrorKind::kNotFound) return read.error();
  }
  return true;
}

epicsync::Result<std::vector<tracker::RemoteIssue>> JiraTracker::read_issues(
    const std::vector<std::string>& issue_ids) {
  // Search by id, each query naming its ids in reconcileIssues (at most 50 on Cloud), so the
  // answer is what Jira holds now even while its index lags; the first pages all at once.
  const size_t chunk = info_.deployment == tracker::Deployment::kCloud ? 50 : 100;
  auto jql_of = [](const std::vector<std::string>& ids) {
    std::string jql = "id in (";
    for (size_t i = 0; i < ids.size(); ++i) jql += (i ? "," : "") + ids[i];
    return jql + ") ORDER BY key ASC";
  };
  std::vector<std::vector<std::string>> chunks;
  std::vector<Request> queries;
  for (size_t from = 0; from < issue_ids.size(); from += chunk) {
    chunks.emplace_back(
        issue_ids.begin() + static_cast<long>(from),
        issue_ids.begin() + static_cast<long>(std::min(issue_ids.size(), from + chunk)));
    queries.push_back(search_request(jql_of(chunks.back()), "", 0, &chunks.back()));
  }
  auto responses = client_->send_all(queries);
  std::vector<tracker::RemoteIssue> out;
  for (size_t c = 0; c < chunks.size(); ++c) {
    auto response = std::move(responses[c]);
    json page = response ? json::parse(response->body, nullptr, false) : json();
    const bool more = response && page.is_object() &&
                      (info_.deployment == tracker::Deployment::kCloud
                           ? !page.value("isLast", true)
                           : page.value("total", 0) >
                                 static_cast<int>(page.value("issues", json::array()).size()));
    if (response && page.is_object() && page.contains("issues") && page["issues"].is_array() &&
        !more) {
      for (const auto& i : page["issues"]) {
        out.push_back(issue_from_json(i, ids_, info_.deployment));
      }
      continue;
    }
    // More than one page (Jira may cut a page short when many fields are asked for), or Jira
    // refused the query because an id no longer exists ("An issue with key '10012' does not
    // exist for field 'id'"): read the chunk page by page, without the ids the refusal names.
    std::optional<epicsync::Result<std::vector<tracker::RemoteIssue>>> all;
    for (int retry = 0; retry < 4 && !chunks[c].empty(); ++retry) {
      all = search(jql_of(chunks[c]), &chunks[c]);
      if (*all) break;
      const epicsync::Error& e = all->error();
      if (e.message.find("does not exist") == std::string::npos) return e;
      std::vector<std::string> left;
      for (const auto& id : chunks[c]) {
        if (e.message.find("'" + id + "'") == std::string::npos) left.push_back(id);
      }
      if (left.size() == chunks[c].size()) return e;
      chunks[c] = std::move(left);
      all.reset();
    }
    if (chunks[c].empty()) continue;  // every one of them is gone
    if (!all)
      return epicsync::Error{epicsync::ErrorKind::kRejected, "search: unreadable answer", ""};
    if (!*all) return all->error();
    for (auto& i : **all) out.push_back(std::move(i));
  }
  return out;
}

std::string JiraTracker::epic_children_jql(const std::string& epic_key) const {
  if (!ids_.epic_link.empty()) return "\"Epic Link\" = " + epic_key;
  return "parent = " + epic_key;
}

Request JiraTracker::search_request(const std::string& jql, const std::string& page_token,
                                    int start_at,
                                    const std::vector<std::string>* reconcile_ids) const {
  Request r;
  r.headers = {{"Accept", "application/json"}, {"Content-Type", "application/json"}};
  r.read_only = true;
  r.method = Method::kPost;
  json body = {{"jql", jql},
               {"fields", search_fields(ids_)},
               {"properties", json::array({kPropertyKey})},
               {"maxResults", options_.page_size}};
  if (info_.deployment == tracker::Deployment::kCloud) {
    r.path = api("search/jql");
    if (!page_token.empty()) body["nextPageToken"] = page_token;
    std::vector<long long> reconcile;
    if (reconcile_ids) {
      for (const auto& id : *reconcile_ids) reconcile.push_back(std::atoll(id.c_str()));
    } else {
      std::lock_guard lock(const_cast<std::mutex&>(mu_));
      // Jira accepts at most 50 ids: the newest writes are the ones search may not show yet.
      const size_t from = written_ids_.size() > 50 ? written_ids_.size() - 50 : 0;
      for (size_t i = from; i < written_ids_.size(); ++i) {
        reconcile.push_back(std::atoll(written_ids_[i].c_str()));
      }
    }
    if (!reconcile.empty()) body["reconcileIssues"] = reconcile;
  } else {
    r.path = api("search");
    body["startAt"] = start_at;
  }
  r.body = body.dump();
  return r;
}

epicsync::Result<std::vector<tracker::RemoteIssue>> JiraTracker::search(
    const std::string& jql, const std::vector<std::string>* reconcile_ids) {
  std::vector<tracker::RemoteIssue> out;
  std::string token;
  int start_at = 0;
  for (;;) {
    auto response = client_->send(search_request(jql, token, start_at, reconcile_ids));
    if (!response) return to_error(response.error());
    json page = json::parse(response->body, nullptr, false);
    if (!page.is_object())
      return Error{epicsync::ErrorKind::kRejected, "search: unreadable answer", ""};
    const json& issues = page.contains("issues") ? page["issues"] : json::array();
    for (const auto& i : issues) out.push_back(issue_from_json(i, ids_, info_.deployment));
    if (info_.deployment == tracker::Deployment::kCloud) {
      token = page.value("nextPageToken", "");
      if (page.value("isLast", true) || token.empty()) break;
    } else {
      start_at += static_cast<int>(issues.size());
      if (issues.empty() || start_at >= page.value("total", 0)) break;
    }
  }
  return out;
}

epicsync::Result<tracker::EpicSnapshot> JiraTracker::read_epic(const std::string& epic_key) {
  tracker::EpicSnapshot snap;
  // The epic and its stories in one search: one request fewer than reading the epic apart.
  auto found =
      search("key = " + epic_key + " OR " + epic_children_jql(epic_key) + " ORDER BY key ASC");
  if (!found) {
    // Jira refuses a JQL that names a key it does not know.
    if (found.error().message.find("does not exist") != std::string::npos) {
      return epicsync::Error{epicsync::ErrorKind::kNotFound, "epic " + epic_key + " does not exist",
                             "check the key given with --epic or in the file's Epic Key field"};
    }
    return found.error();
  }
  bool have_epic = false;
  for (auto& issue : *found) {
    if (issue.key == epic_key) {
      snap.epic = std::move(issue);
      have_epic = true;
    } else {
      snap.stories.push_back(std::move(issue));
    }
  }
  if (!have_epic) {
    // A search index that lags behind a write to the epic (a sync that just renamed it) may leave
    // it out: the issue itself is read directly before it is called missing.
    auto direct = call(Method::kGet, api("issue/" + epic_key), nullptr,
                       {{"fields", quote_list(search_fields(ids_))}, {"properties", kPropertyKey}});
    if (!direct) {
      if (direct.error().kind != epicsync::ErrorKind::kNotFound) return direct.error();
      return epicsync::Error{epicsync::ErrorKind::kNotFound, "epic " + epic_key + " does not exist",
                             "check the key given with --epic or in the file's Epic Key field"};
    }
    snap.epic = issue_from_json(*direct, ids_, info_.deployment);
  }

  // Sub-tasks: batches of parents whose sub-tasks fill about one page each, read concurrently.
  std::vector<std::vector<std::string>> batches(1);
  size_t in_batch = 0;
  for (const auto& s : snap.stories) {
    if (s.subtask_keys.empty()) continue;
    if (in_batch + s.subtask_keys.size() > static_cast<size_t>(options_.page_size) &&
        !batches.back().empty()) {
      batches.emplace_back();
      in_batch = 0;
    }
    batches.back().push_back(s.key);
    in_batch += s.subtask_keys.size();
  }
  std::vector<Request> first_pages;
  std::vector<std::string> jqls;
  for (const auto& b : batches) {
    if (b.empty()) continue;
    jqls.push_back("parent in (" + quote_list(b) + ") ORDER BY key ASC");
    first_pages.push_back(search_request(jqls.back(), "", 0));
  }
  auto pages = client_->send_all(first_pages);
  for (size_t i = 0; i < pages.size(); ++i) {
    if (!pages[i]) return to_error(pages[i].error());
    json page = json::parse(pages[i]->body, nullptr, false);
    const bool more = info_.deployment == tracker::Deployment::kCloud
                          ? !page.value("isLast", true)
                          : page.value("total", 0) > static_cast<int>(page["issues"].size());
    if (more) {
      // More sub-tasks than the stories listed (created since): page through this batch.
      auto all = search(jqls[i]);
      if (!all) return all.error();
      for (auto& s : *all) snap.subtasks.push_back(std::move(s));
      continue;
    }
    for (const auto& issue : page["issues"]) {
      snap.subtasks.push_back(issue_from_json(issue, ids_, info_.deployment));
    }
  }
  return snap;
}

std::vector<epicsync::Result<tracker::RemoteIssue>> JiraTracker::create_issues(
    const std::vector<tracker::IssueDraft>& drafts) {
  std::vector<epicsync::Result<tracker::RemoteIssue>> out;
  out.reserve(drafts.size());
  // Chunks of 50 go out together; their results come back in order.
  std::vector<std::vector<tracker::IssueDraft>> chunks;
  for (size_t i = 0; i < drafts.size(); i += static_cast<size_t>(options_.bulk_size)) {
    chunks.emplace_back(
        drafts.begin() + static_cast<long>(i),
        drafts.begin() + static_cast<long>(
                             std::min(drafts.size(), i + static_cast<size_t>(options_.bulk_size))));
  }
  std::vector<std::vector<epicsync::Result<tracker::RemoteIssue>>> results(chunks.size());
  std::vector<std::thread> workers;
  for (size_t c = 0; c < chunks.size(); ++c) {
    workers.emplace_back([&, c] { results[c] = create_chunk(chunks[c]); });
  }
  for (auto& w : workers) w.join();
  for (auto& r : results) {
    for (auto& one : r) out.push_back(std::move(one));
  }
  return out;
}

jira::Result<Response> JiraTracker::send_json(Method method, const std::string& path,
                                              const json& body) {
  Request r;
  r.method = method;
  r.path = path;
  r.headers = {{"Accept", "application/json"}};
  if (!body.is_null()) {
    r.headers.emplace_back("Content-Type", "application/json");
    r.body = body.dump();
  }
  return send_counted(r);
}

namespace {

std::string element_message(const json& element_errors) {
  std::string message;
  for (const auto& m : element_errors.value("errorMessages", json::array())) {
    if (m.is_string()) message += (message.empty() ? "" : "; ") + m.get<std::string>();
  }
  const json fields = element_errors.value("errors", json::object());
  for (const auto& [field, m] : fields.items()) {
    if (m.is_string())
      message += (message.empty() ? "" : "; ") + field + ": " + m.get<std::string>();
  }
  return message;
}

bool ambiguous(const HttpError& e) {
  return e.kind == jira::HttpFailure::kAmbiguousWrite || e.kind == jira::HttpFailure::kServer ||
         e.kind == jira::HttpFailure::kTimeout || e.kind == jira::HttpFailure::kConnect ||
         e.kind == jira::HttpFailure::kProtocol;
}

// Whether the value the tracker holds is the one that was sent. Rich text is compared in
// canonical form (Jira adds ids and defaults), options by id or name, users by id or name.
bool same_field_value(const std::string& field, const json& have, const json& wanted) {
  if (have == wanted) return true;
  if (wanted.is_null()) return have.is_null() || (have.is_array() && have.empty());
  if (wanted.is_object() && wanted.value("type", "") == "doc" && have.is_object()) {
    return richtext::same_adf_content(have, wanted);
  }
  if (wanted.is_string() && have.is_string() && field == "description") {
    return richtext::canonical_text(richtext::wiki_to_adf(have.get<std::string>())) ==
           richtext::canonical_text(richtext::wiki_to_adf(wanted.get<std::string>()));
  }
  if (wanted.is_object() && have.is_object()) {
    for (const char* k : {"id", "name", "accountId", "key"}) {
      if (wanted.contains(k)) return have.value(k, "") == wanted.value(k, "");
    }
  }
  if (wanted.is_number() && have.is_number()) return have.get<double>() == wanted.get<double>();
  return false;
}

}  // namespace

std::vector<epicsync::Result<tracker::RemoteIssue>> JiraTracker::create_chunk(
    const std::vector<tracker::IssueDraft>& drafts) {
  std::vector<std::optional<epicsync::Result<tracker::RemoteIssue>>> slots(drafts.size());
  std::vector<json> payloads(drafts.size());
  std::vector<size_t> pending;
  for (size_t i = 0; i < drafts.size(); ++i) {
    auto payload = create_payload(drafts[i], info_, ids_);
    if (!payload) {
      slots[i] = Error{payload.error().kind,
                       "create '" + drafts[i].summary + "': " + payload.error().message, ""};
      continue;
    }
    payloads[i] = std::move(*payload);
    pending.push_back(i);
  }
  auto created = [&](size_t i, const std::string& id, const std::string& key) {
    tracker::RemoteIssue issue;
    issue.id = id;
    issue.key = key;
    issue.summary = drafts[i].summary;
    remember_written(id);
    slots[i] = issue;
  };

  // A create whose answer was lost is never sent again in this run: it may exist, and Jira's
  // search may not show it yet. It is looked for by identity for up to the search wait; what is
  // still not found ends as an unknown outcome, for the next run to settle (docs/transport.md).
  std::vector<size_t> unsure;
  std::optional<HttpError> lost;
  json updates = json::array();
  for (size_t i : pending) updates.push_back(payloads[i]);
  auto response = pending.empty()
                      ? jira::Result<Response>(Response{})
                      : send_json(Method::kPost, api("issue/bulk"), {{"issueUpdates", updates}});
  if (pending.empty()) {
    // Nothing valid to send.
  } else if (response) {
    // 201, possibly with some elements refused: `issues` lists the others in order.
    json body = json::parse(response->body, nullptr, false);
    std::set<size_t> failed;
    for (const auto& err : body.value("errors", json::array())) {
      const size_t n = err.value("failedElementNumber", pending.size());
      if (n >= pending.size()) continue;
      failed.insert(n);
      slots[pending[n]] = Error{epicsync::ErrorKind::kRejected,
                                "create '" + drafts[pending[n]].summary + "': " +
                                    element_message(err.value("elementErrors", json::object())),
                                ""};
    }
    size_t next = 0;
    for (const auto& issue : body.value("issues", json::array())) {
      while (next < pending.size() && failed.count(next)) ++next;
      if (next >= pending.size()) break;
      created(pending[next], issue.value("id", ""), issue.value("key", ""));
      ++next;
    }
  } else if (response.error().kind == jira::HttpFailure::kRejected) {
    // Jira refuses the whole batch when every element is bad; one create per draft gives each
    // draft its own verdict (and creates those that were only refused alongside the others).
    for (size_t i : pending) {
      auto one = send_json(Method::kPost, api("issue"), payloads[i]);
      if (one) {
        json body = json::parse(one->body, nullptr, false);
        created(i, body.value("id", ""), body.value("key", ""));
      } else if (ambiguous(one.error())) {
        unsure.push_back(i);
        lost = one.error();
      } else {
        slots[i] = to_error(one.error());
      }
    }
  } else if (!ambiguous(response.error())) {
    for (size_t i : pending) slots[i] = to_error(response.error());
  } else {
    unsure = pending;
    lost = response.error();
  }
  if (!unsure.empty()) {
    std::vector<tracker::IssueDraft> asked;
    for (size_t i : unsure) asked.push_back(drafts[i]);
    auto found = find_by_identity(asked);
    for (size_t i : unsure) {
      auto it = found.find(drafts[i].identity);
      if (it != found.end()) {
        created(i, it->second.id, it->second.key);
        continue;
      }
      slots[i] = Error{epicsync::ErrorKind::kUnknownOutcome,
                       "create '" + drafts[i].summary + "': the answer was lost (" +
                           lost->to_string() + ") and search did not show the issue within " +
                           std::to_string(options_.search_wait.count() / 1000) +
                           " s; it was not sent again",
                       "run the same command again: it looks for the issue once search has "
                       "caught up, and creates it only if it is not there"};
    }
  }
  std::vector<epicsync::Result<tracker::RemoteIssue>> out;
  for (auto& s : slots) {
    out.push_back(s ? std::move(*s)
                    : epicsync::Result<tracker::RemoteIssue>(
                          Error{epicsync::ErrorKind::kInternal, "not created", ""}));
  }
  return out;
}

std::map<std::string, tracker::RemoteIssue> JiraTracker::find_by_identity(
    const std::vector<tracker::IssueDraft>& drafts) {
  std::map<std::string, tracker::RemoteIssue> found;
  std::set<std::string> parents;
  std::set<std::string> wanted;
  bool stories = false;
  for (const auto& d : drafts) {
    if (d.identity.empty()) continue;
    wanted.insert(d.identity);
    if (d.subtask) {
      parents.insert(d.parent_key);
    } else {
      stories = true;
      parents.insert(d.parent_key);
    }
  }
  if (wanted.empty()) return found;
  std::vector<std::string> parent_list(parents.begin(), parents.end());
  const std::string jql = stories ? epic_children_jql(parent_list.front()) + " ORDER BY key ASC"
                                  : "parent in (" + quote_list(parent_list) + ") ORDER BY key ASC";
  // Search lags behind writes on Jira Cloud (seconds, sometimes more): look at once, then back
  // off (250 ms doubling, at most 4 s a wait) until the search wait is spent.
  std::chrono::milliseconds waited{0};
  std::chrono::milliseconds next{250};
  for (;;) {
    auto hits = search(jql);
    if (hits) {
      for (auto& issue : *hits) {
        std::string id = identity_of(issue);
        if (wanted.count(id)) found.emplace(id, std::move(issue));
      }
    }
    if (found.size() == wanted.size() || waited >= options_.search_wait) break;
    const auto wait = std::min(next, options_.search_wait - waited);
    options_.sleep(wait);
    waited += wait;
    next = std::min(next * 2, std::chrono::milliseconds(4000));
  }
  return found;
}

epicsync::Result<tracker::Done> JiraTracker::update_issue(const std::string& key,
                                                          const tracker::FieldChanges& changes) {
  if (changes.empty()) return tracker::Done{};
  auto built = update_payload(changes, info_, ids_);
  if (!built) return built.error();
  const json& payload = *built;
  auto sent = send_edit(key, payload);
  if (sent) return tracker::Done{};
  if (!ambiguous(sent.error())) return to_error(sent.error());
  // The answer was lost: read the issue back and send again only what did not arrive.
  auto now = call(Method::kGet, api("issue/" + key), nullptr,
                  {{"fields", quote_list(search_fields(ids_))}});
  if (!now) {
    // Neither the answer nor a read-back says whether it was applied: the journal must keep it
    // as "maybe written", so that a rollback puts the old values back if they arrived.
    return Error{epicsync::ErrorKind::kUnknownOutcome,
                 "update " + key + ": the answer was lost (" + sent.error().to_string() +
                     ") and reading the issue back failed: " + now.error().message,
                 "run the same command again: it reads the issue and sends what is missing"};
  }
  json missing = json::object();
  const json& have = now->contains("fields") ? (*now)["fields"] : json::object();
  for (const auto& [field, wanted] : payload["fields"].items()) {
    const json& now_value = have.contains(field) ? have[field] : json(nullptr);
    // A field of the table compares as the planner does: in canonical form, by kind.
    const tracker::FieldSpec* spec = tracker::find_spec(ids_.extra, field);
    const bool arrived =
        spec ? field_value_from_json(*spec, now_value) == field_value_from_json(*spec, wanted)
             : have.contains(field) && same_field_value(field, now_value, wanted);
    if (!arrived) missing[field] = wanted;
  }
  if (missing.empty()) return tracker::Done{};
  json resend = {{"fields", missing}};
  if (payload.contains("properties")) resend["properties"] = payload["properties"];
  auto again = send_edit(key, resend);
  if (!again) return to_error(again.error());
  return tracker::Done{};
}

jira::Result<Response> JiraTracker::send_edit(const std::string& key, const json& body) {
  // Only Cloud's edit has notifyUsers (Data Center's has no such parameter).
  const bool quiet =
      !options_.notify && info_.deployment == tracker::Deployment::kCloud && !quiet_edits_refused_;
  if (!quiet) return send_json(Method::kPut, api("issue/" + key), body);
  Request r;
  r.method = Method::kPut;
  r.path = api("issue/" + key);
  r.query = {{"notifyUsers", "false"}};
  r.headers = {{"Accept", "application/json"}, {"Content-Type", "application/json"}};
  r.body = body.dump();
  auto sent = send_counted(r);
  // Jira refuses the whole edit when the user may not silence it: nothing was written, so the
  // edit is sent again the usual way, and so is every later one.
  const bool refused =
      !sent && (sent.error().status == 400 || sent.error().status == 403) &&
      std::any_of(sent.error().messages.begin(), sent.error().messages.end(),
                  [](const std::string& m) { return m.find("notification") != std::string::npos; });
  if (!refused) return sent;
  quiet_edits_refused_ = true;
  std::call_once(quiet_edits_warned_, [&] {
    if (options_.warn) {
      options_.warn(
          "jira.notify: false needs the Administer Projects permission, which this user "
          "does not have; watchers are notified of the edits as usual (" +
          sent.error().messages.front() + ")");
    }
  });
  return send_json(Method::kPut, api("issue/" + key), body);
}

epicsync::Result<std::map<std::string, std::string>> JiraTracker::resolve_users(
    const std::vector<std::string>& written) {
  std::map<std::string, std::string> out;
  const bool cloud = info_.deployment == tracker::Deployment::kCloud;
  for (const auto& who : std::set<std::string>(written.begin(), written.end())) {
    if (who.empty()) continue;
    auto found = call(Method::kGet, api("user/search"), nullptr,
                      {{cloud ? "query" : "username", who}, {"maxResults", "50"}});
    if (!found) return found.error();
    // A search matches substrings: take only an exact email, name or display name, and only
    // when exactly one user has it.
    std::vector<std::string> ids;
    for (const auto& u : *found) {
      const std::string id = u.value(cloud ? "accountId" : "name", "");
      if (id == who || ascii_lower(u.value("emailAddress", "")) == ascii_lower(who) ||
          ascii_lower(u.value("displayName", "")) == ascii_lower(who) ||
          u.value("name", "") == who) {
        ids.push_back(id);
      }
    }
    if (ids.size() == 1) out[who] = ids[0];
  }
  return out;
}

epicsync::Result<tracker::WorkflowStatuses> JiraTracker::workflow_statuses() {
  std::lock_guard lock(workflow_mu_);
  if (statuses_by_type_) return *statuses_by_type_;
  tracker::WorkflowStatuses out;
  auto add = [](std::vector<tracker::RemoteStatus>& to, const json& s) {
    tracker::RemoteStatus st;
    st.id = s.value("id", "");
    st.name = s.value("name", "");
    if (s.contains("statusCategory")) {
      st.category = category_from_key(s["statusCategory"].value("key", ""));
    }
    for (const auto& have : to) {
      if (have.id == st.id) return;
    }
    to.push_back(st);
  };
  // The project's own workflows, per issue type: an instance's status list (GET status) also
  // holds other projects' statuses, and a story's workflow may differ from a sub-task's.
  if (!info_.project_key.empty()) {
    auto r = call(Method::kGet, api("project/" + info_.project_key + "/statuses"));
    if (r && r->is_array()) {
      for (const auto& type : *r) {
        const std::string id = type.value("id", "");
        std::vector<tracker::RemoteStatus>* to = id == info_.story_type_id     ? &out.story
                                                 : id == info_.subtask_type_id ? &out.subtask
                                                 : id == info_.epic_type_id    ? &out.epic
                                                                               : nullptr;
        if (to == nullptr) continue;
        for (const auto& s : type.value("statuses", json::array())) add(*to, s);
      }
      if (!out.story.empty() || !out.subtask.empty() || !out.epic.empty()) {
        statuses_by_type_ = out;
        return out;
      }
    } else if (!r && r.error().kind != epicsync::ErrorKind::kNotFound) {
      return r.error();
    }
  }
  auto r = call(Method::kGet, api("status"));
  if (!r) return r.error();
  for (const auto& s : *r) add(out.story, s);
  out.subtask = out.epic = out.story;
  statuses_by_type_ = out;
  return out;
}

epicsync::Result<std::vector<tracker::RemoteStatus>> JiraTracker::statuses() {
  auto by_type = workflow_statuses();
  if (!by_type) return by_type.error();
  std::vector<tracker::RemoteStatus> out;
  for (const auto* list : {&by_type->story, &by_type->subtask, &by_type->epic}) {
    for (const auto& s : *list) {
      if (std::none_of(out.begin(), out.end(), [&](const auto& o) { return o.id == s.id; })) {
        out.push_back(s);
      }
    }
  }
  return out;
}

epicsync::Result<std::vector<std::string>> JiraTracker::resolutions() {
  std::vector<std::string> out;
  auto add = [&](const json& list) {
    if (!list.is_array()) return;
    for (const auto& r : list) {
      if (r.is_object() && r.contains("name") && r["name"].is_string()) out.push_back(r["name"]);
    }
  };
  if (info_.deployment != tracker::Deployment::kCloud) {
    auto r = call(Method::kGet, api("resolution"));
    if (!r) return r.error();
    add(*r);
    return out;
  }
  // Cloud deprecated GET resolution for the paged search.
  for (int start = 0;;) {
    auto r = call(Method::kGet, api("resolution/search"), nullptr,
                  {{"startAt", std::to_string(start)}, {"maxResults", "50"}});
    if (!r) return r.error();
    const json values = r->value("values", json::array());
    add(values);
    if (r->value("isLast", true) || values.empty()) return out;
    start += static_cast<int>(values.size());
  }
}

epicsync::Result<tracker::RemoteIssue> JiraTracker::read_issue_status(const std::string& key) {
  auto r = call(Method::kGet, api("issue/" + key), nullptr, {{"fields", "status"}});
  if (!r) return r.error();
  return issue_from_json(*r, ids_, info_.deployment);
}

epicsync::Result<tracker::RemoteStatus> JiraTracker::learn_transitions(
    const std::string& key, const tracker::RemoteStatus& at) {
  auto listed = call(Method::kGet, api("issue/" + key + "/transitions"), nullptr,
                     {{"expand", "transitions.fields"}});
  if (!listed) return listed.error();
  // Jira lists the transitions out of the status the issue is in when it answers, without
  // naming that status: while a bulk task may still move the issue, its status is read again
  // afterwards, and the list is kept only when the issue is still where it was.
  if (bulk_sent_) {
    auto now = read_issue_status(key);
    if (!now) return now.error();
    if (now->status.id != at.id) return now->status;
  }
  workflow_.learn(at.id, transitions_from_json(*listed));
  return at;
}

epicsync::Result<tracker::TransitionPath> JiraTracker::transition(
    const std::string& key, const tracker::RemoteStatus& from, const tracker::RemoteStatus& target,
    bool cancel, const std::string& property_json) {
  tracker::TransitionPath path;
  tracker::RemoteStatus at = from;
  if (at.id.empty()) {
    auto current = read_issue_status(key);
    if (!current) return current.error();
    at = current->status;
  }
  path.from = at;
  std::set<std::string> visited{at.id};
  for (int step = 0; step < options_.max_transition_steps; ++step) {
    if (at.id == target.id || (target.id.empty() && at.name == target.name)) return path;
    if (!workflow_.knows(at.id)) {
      auto learned = learn_transitions(key, at);
      if (!learned) return learned.error();
      if (learned->id != at.id) {
        // It moved meanwhile (a bulk task of an earlier request still at work): walk from there.
        at = *learned;
        visited.insert(at.id);
        continue;
      }
    }
    auto edge = workflow_.next_step(at, target, visited);
    if (!edge) {
      return Error{epicsync::ErrorKind::kRejected,
                   key + ": no transition leads from " + at.name + " to " + target.name,
                   "check the project's workflow or jira.status_map"};
    }
    auto fields = fill_required_fields(*edge, cancel);
    if (!fields.unfillable.empty()) {
      return Error{epicsync::ErrorKind::kRejected,
                   key + ": the transition '" + edge->name + "' requires " + fields.unfillable +
                       ", which epicsync cannot choose",
                   "move the issue by hand once, or make the field optional"};
    }
    json body = {{"transition", {{"id", edge->id}}}};
    if (!fields.fields.empty()) body["fields"] = fields.fields;
    // The last step records the property with it (Cloud), so the walk and the record are one.
    const bool with_property =
        !property_json.empty() && edits_carry_property() && edge->to.id == target.id;
    if (with_property) body["properties"] = property_list(property_json);
    auto done = call(Method::kPost, api("issue/" + key + "/transitions"), body);
    path.property_written = with_property && static_cast<bool>(done);
    if (!done) {
      // The cached edge may not apply to this issue (conditions differ), or a lost answer may
      // hide a transition that happened: re-read before deciding anything.
      auto again = read_issue_status(key);
      if (!again) return done.error();
      if (again->status.id != edge->to.id) {
        if (again->status.id != at.id) {
          at = again->status;
          visited.insert(at.id);
          continue;
        }
        auto listed = call(Method::kGet, api("issue/" + key + "/transitions"), nullptr,
                           {{"expand", "transitions.fields"}});
        if (!listed) return done.error();
        workflow_.learn(at.id, transitions_from_json(*listed));
        if (step + 1 == options_.max_transition_steps) return done.error();
        continue;
      }
    }
    at = edge->to;
    visited.insert(at.id);
    path.statuses.push_back(at.name);
  }
  if (at.id == target.id) return path;
  return Error{epicsync::ErrorKind::kRejected,
               key + ": could not reach " + target.name + " within " +
                   std::to_string(options_.max_transition_steps) + " transitions",
               ""};
}

epicsync::Result<std::string> JiraTracker::add_comment(const std::string& key,
                                                       const std::string& markdown) {
  return post_comment(key, rich_text_value(markdown, info_.deployment));
}

epicsync::Result<std::string> JiraTracker::add_comment_raw(const std::string& key,
                                                           const tracker::RichText& body) {
  if (body.format == tracker::RichText::Format::kEmpty) {
    return Error{epicsync::ErrorKind::kInternal, key + ": a comment cannot be empty", ""};
  }
  auto value = raw_rich_text_value(body, info_.deployment);
  if (!value) return Error{value.error().kind, key + ": " + value.error().message, ""};
  return post_comment(key, *value);
}

epicsync::Result<std::string> JiraTracker::post_comment(const std::string& key, const json& body) {
  auto sent = send_json(Method::kPost, api("issue/" + key + "/comment"), {{"body", body}});
  if (sent) return json::parse(sent->body, nullptr, false).value("id", "");
  if (!ambiguous(sent.error())) return to_error(sent.error());
  // Look for the comment before posting it again, so a lost answer never doubles it. If the
  // comments cannot be read, posting again could double it: the outcome is unknown.
  auto listed =
      call(Method::kGet, api("issue/" + key + "/comment"), nullptr, {{"maxResults", "5000"}});
  if (!listed) {
    return Error{epicsync::ErrorKind::kUnknownOutcome,
                 "comment on " + key + ": the answer was lost (" + sent.error().to_string() +
                     ") and the comments could not be read: " + listed.error().message,
                 "run the same command again: it looks for the comment before posting it"};
  }
  for (const auto& c : listed->value("comments", json::array())) {
    if (c.contains("body") && same_field_value("description", c["body"], body)) {
      return c.value("id", "");
    }
  }
  auto again = send_json(Method::kPost, api("issue/" + key + "/comment"), {{"body", body}});
  if (!again) return to_error(again.error());
  return json::parse(again->body, nullptr, false).value("id", "");
}

epicsync::Result<tracker::Done> JiraTracker::delete_comment(const std::string& key,
                                                            const std::string& comment_id) {
  // A comment already deleted (by someone, or by an earlier run cut short) is what was asked.
  return remove(api("issue/" + key + "/comment/" + comment_id), {});
}

epicsync::Result<tracker::Done> JiraTracker::set_property(const std::string& key,
                                                          const std::string& name,
                                                          const std::string& json_value) {
  json value = json::parse(json_value, nullptr, false);
  if (value.is_discarded()) {
    return Error{epicsync::ErrorKind::kInternal, "property " + name + " is not JSON", ""};
  }
  // Putting the same value twice changes nothing, so a lost answer is settled by sending again.
  auto r = send_json(Method::kPut, api("issue/" + key + "/properties/" + name), value);
  if (!r && ambiguous(r.error())) {
    r = send_json(Method::kPut, api("issue/" + key + "/properties/" + name), value);
  }
  if (!r) return to_error(r.error());
  return tracker::Done{};
}

epicsync::Result<std::optional<std::string>> JiraTracker::get_property(const std::string& key,
                                                                       const std::string& name) {
  auto r = send_json(Method::kGet, api("issue/" + key + "/properties/" + name), nullptr);
  if (!r) {
    if (r.error().kind == jira::HttpFailure::kNotFound && r.error().messages.size() == 1 &&
        r.error().messages[0].find("property") != std::string::npos) {
      return std::optional<std::string>();
    }
    return to_error(r.error());
  }
  json doc = json::parse(r->body, nullptr, false);
  if (doc.is_discarded() || !doc.is_object() || !doc.contains("value")) {
    return Error{epicsync::ErrorKind::kRejected,
                 "GET issue/" + key + "/properties/" + name + ": the tracker's answer has no value",
                 ""};
  }
  return std::optional<std::string>(doc["value"].dump());
}

epicsync::Result<tracker::Done> JiraTracker::delete_property(const std::string& key,
                                                             const std::string& name) {
  return remove(api("issue/" + key + "/properties/" + name), {});
}

epicsync::Result<json> JiraTracker::link_types() {
  {
    std::lock_guard lock(mu_);
    if (link_types_) return *link_types_;
  }
  auto r = call(Method::kGet, api("issueLinkType"));
  if (!r) return r.error();
  std::lock_guard lock(mu_);
  link_types_ = r->value("issueLinkTypes", json::array());
  return *link_types_;
}

epicsync::Result<tracker::Done> JiraTracker::add_link(const std::string& type,
                                                      const std::string& outward_key,
                                                      const std::string& inward_key) {
  auto types = link_types();
  if (!types) return types.error();
  // "blocks" is an outward description, "is blocked by" an inward one, "Blocks" a name.
  std::string name;
  bool swap = false;
  const std::string wanted = ascii_lower(type);
  for (const auto& t : *types) {
    if (ascii_lower(t.value("outward", "")) == wanted ||
        ascii_lower(t.value("name", "")) == wanted) {
      name = t.value("name", "");
      break;
    }
    if (ascii_lower(t.value("inward", "")) == wanted) {
      name = t.value("name", "");
      swap = true;
      break;
    }
  }
  if (name.empty()) {
    return Error{epicsync::ErrorKind::kRejected, "the tracker has no link type '" + type + "'",
                 "use a link phrase such as 'blocks' or 'relates to'"};
  }
  // `from` reads the type's outward phrase to `to` ("A blocks B"). Jira's names are the other
  // way round: the request's inwardIssue is that issue, and each issue's `issuelinks` then list
  // the other end under the key the request used for it (A shows outwardIssue B, "blocks").
  const std::string& from = swap ? inward_key : outward_key;
  const std::string& to = swap ? outward_key : inward_key;
  const json link = {{"type", {{"name", name}}},
                     {"inwardIssue", {{"key", from}}},
                     {"outwardIssue", {{"key", to}}}};
  auto sent = send_json(Method::kPost, api("issueLink"), link);
  if (sent) return tracker::Done{};
  if (!ambiguous(sent.error())) return to_error(sent.error());
  // Is the link there now? Only then is it safe to decide.
  auto links = call(Method::kGet, api("issue/" + from), nullptr, {{"fields", "issuelinks"}});
  if (!links) {
    return Error{epicsync::ErrorKind::kUnknownOutcome,
                 "link " + from + " " + type + " " + to + ": the answer was lost (" +
                     sent.error().to_string() +
                     ") and the links could not be read: " + links.error().message,
                 "run the same command again: it looks for the link before adding it"};
  }
  if (links->contains("fields")) {
    for (const auto& l : (*links)["fields"].value("issuelinks", json::array())) {
      if (l.contains("type") && l["type"].value("name", "") == name && l.contains("outwardIssue") &&
          l["outwardIssue"].value("key", "") == to) {
        return tracker::Done{};
      }
    }
  }
  auto again = send_json(Method::kPost, api("issueLink"), link);
  if (!again) return to_error(again.error());
  return tracker::Done{};
}

epicsync::Result<tracker::Done> JiraTracker::delete_link(const std::string& link_id) {
  return remove(api("issueLink/" + link_id), {});
}

epicsync::Result<tracker::Done> JiraTracker::delete_issue(const std::string& key,
                                                          bool with_subtasks) {
  return remove(api("issue/" + key), {{"deleteSubtasks", with_subtasks ? "true" : "false"}},
                api("issue/" + key));
}

epicsync::Result<tracker::Done> JiraTracker::remove(
    const std::string& path, std::vector<std::pair<std::string, std::string>> query,
    const std::string& probe) {
  Request r;
  r.method = Method::kDelete;
  r.path = path;
  r.query = std::move(query);
  r.headers = {{"Accept", "application/json"}};
  // Not found: already gone, which is what was asked (a re-run of a rollback deletes again).
  auto gone = [](const jira::Result<Response>& x) {
    return x || x.error().kind == jira::HttpFailure::kNotFound;
  };
  auto sent = send_counted(r);
  if (gone(sent)) return tracker::Done{};
  if (!ambiguous(sent.error())) return to_error(sent.error());
  // Gone now means the delete went through; otherwise deleting again is harmless.
  if (!probe.empty()) {
    auto still = send_json(Method::kGet, probe, nullptr);
    if (!still && still.error().kind == jira::HttpFailure::kNotFound) return tracker::Done{};
  }
  auto again = send_counted(r);
  if (!gone(again)) return to_error(again.error());
  return tracker::Done{};
}

}  // namespace epicsync::jira
