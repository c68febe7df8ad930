// What hangs off an issue: comments, entity properties and links (the changelog:
// api_changelog.cpp).
#include <algorithm>

#include "adf_check.h"
#include "http_util.h"
#include "jira_api.h"

namespace jira_sim {
namespace {

// A comment body in the stored form, or an error body when this API version would refuse it.
json comment_body(const json& body, int version, bool cloud, json& stored) {
  if (!body.is_object() || !body.contains("body")) {
    return error_body({}, {{"comment", "Comment body can not be empty!"}});
  }
  const json& b = body["body"];
  if (version == 3) {
    if (adf_problem(b)) {
      return error_body(
          {},
          {{"comment",
            "Operation value must be an Atlassian Document (see the Atlassian Document Format)"}});
    }
    stored = b;
    return nullptr;
  }
  if (!b.is_string()) return error_body({}, {{"comment", "Operation value must be a string"}});
  if (b.get<std::string>().find_first_not_of(" \t\n") == std::string::npos) {
    return error_body({}, {{"comment", "Comment body can not be empty!"}});
  }
  stored = cloud ? text_to_adf(b.get<std::string>()) : b;
  return nullptr;
}

Comment* find_comment(Issue& issue, const std::string& id) {
  for (auto& c : issue.comments) {
    if (std::to_string(c.id) == id) return &c;
  }
  return nullptr;
}

// The issue and comment a call names (args 0 and 1), or nullptr after answering 404 as Jira
// does. The caller holds the state lock.
Comment* comment_of_call(SimState& s, Call& c, Issue*& issue) {
  issue = s.find(c.args[0]);
  if (!issue) {
    send_error(c.res, 404, {kIssueMissing});
    return nullptr;
  }
  Comment* comment = find_comment(*issue, c.args[1]);
  if (!comment) {
    send_error(c.res, 404, {"Can not find a comment for the id: " + c.args[1] + "."});
  }
  return comment;
}

}  // namespace

void JiraApi::list_comments(Call& c) {
  std::lock_guard lock(ctx_.mu);
  const Issue* issue = ctx_.state.find(c.args[0]);
  if (!issue) return send_error(c.res, 404, {kIssueMissing});
  int start = std::max(0, int_param(c.req, "startAt", 0));
  int max = std::clamp(int_param(c.req, "maxResults", 5000), 0, 5000);
  Renderer r(ctx_, c.version);
  send_json(c.res, 200, r.comments_page(*issue, start, max));
}

void JiraApi::add_comment(Call& c) {
  std::lock_guard lock(ctx_.mu);
  SimState& s = ctx_.state;
  Issue* issue = s.find(c.args[0]);
  if (!issue) return send_error(c.res, 404, {kIssueMissing});
  json stored;
  if (json err = comment_body(c.body, c.version, s.cloud(), stored); !err.is_null()) {
    return send_json(c.res, 400, err);
  }
  long long now = s.now_ms();
  issue->comments.push_back({s.next_comment_id(), s.me().account_id, stored, now, now});
  issue->updated = now;
  issue->indexed_at = std::chrono::steady_clock::now();
  Renderer r(ctx_, c.version);
  send_json(c.res, 201, r.comment(*issue, issue->comments.back()));
}

void JiraApi::get_comment(Call& c) {
  std::lock_guard lock(ctx_.mu);
  Issue* issue = nullptr;
  Comment* comment = comment_of_call(ctx_.state, c, issue);
  if (!comment) return;
  Renderer r(ctx_, c.version);
  send_json(c.res, 200, r.comment(*issue, *comment));
}

void JiraApi::update_comment(Call& c) {
  std::lock_guard lock(ctx_.mu);
  SimState& s = ctx_.state;
  Issue* issue = nullptr;
  Comment* comment = comment_of_call(s, c, issue);
  if (!comment) return;
  json stored;
  if (json err = comment_body(c.body, c.version, s.cloud(), stored); !err.is_null()) {
    return send_json(c.res, 400, err);
  }
  comment->body = stored;
  comment->updated = s.now_ms();
  issue->updated = comment->updated;
  issue->indexed_at = std::chrono::steady_clock::now();
  Renderer r(ctx_, c.version);
  send_json(c.res, 200, r.comment(*issue, *comment));
}

void JiraApi::delete_comment(Call& c) {
  std::lock_guard lock(ctx_.mu);
  SimState& s = ctx_.state;
  Issue* issue = s.find(c.args[0]);
  if (!issue) return send_error(c.res, 404, {kIssueMissing});
  auto& list = issue->comments;
  auto it = std::find_if(list.begin(), list.end(),
                         [&](const Comment& cm) { return std::to_string(cm.id) == c.args[1]; });
  if (it == list.end()) {
    return send_error(c.res, 404, {"Can not find a comment for the id: " + c.args[1] + "."});
  }
  list.erase(it);
  issue->updated = s.now_ms();
  issue->indexed_at = std::chrono::steady_clock::now();
  send_empty(c.res, 204);
}

void JiraApi::list_properties(Call& c) {
  std::lock_guard lock(ctx_.mu);
  const Issue* issue = ctx_.state.find(c.args[0]);
  if (!issue) return send_error(c.res, 404, {kIssueMissing});
  Renderer r(ctx_, c.version);
  json keys = json::array();
  for (const auto& [k, v] : issue->properties) {
    keys.push_back(
        {{"self", r.api_base() + "/issue/" + std::to_string(issue->id) + "/properties/" + k},
         {"key", k}});
  }
  send_json(c.res, 200, {{"keys", keys}});
}

void JiraApi::get_property(Call& c) {
  std::lock_guard lock(ctx_.mu);
  const Issue* issue = ctx_.state.find(c.args[0]);
  if (!issue) return send_error(c.res, 404, {kIssueMissing});
  auto it = issue->properties.find(c.args[1]);
  if (it == issue->properties.end()) {
    return send_error(c.res, 404, {"The property with key '" + c.args[1] + "' does not exist."});
  }
  send_json(c.res, 200, {{"key", it->first}, {"value", it->second}});
}

void JiraApi::put_property(Call& c) {
  std::lock_guard lock(ctx_.mu);
  Issue* issue = ctx_.state.find(c.args[0]);
  if (!issue) return send_error(c.res, 404, {kIssueMissing});
  if (auto problem = property_problem(c.args[1], c.req.body.size())) {
    return send_error(c.res, 400, {*problem});
  }
  send_empty(c.res, store_property(*issue, c.args[1], c.body) ? 200 : 201);
}

std::optional<std::string> property_problem(const std::string& key, size_t size) {
  if (key.empty()) return "The property key cannot be empty.";
  if (key.size() > 255) return "The property key cannot be longer than 255 characters.";
  if (size == 0) return "The property value must be a valid JSON document.";
  if (size > 32768) return "The property value is too long; the limit is 32768 bytes.";
  return std::nullopt;
}

bool JiraApi::store_property(Issue& issue, const std::string& key, const json& value) {
  bool existed = issue.properties.count(key) > 0;
  issue.note_property_write(key, std::chrono::milliseconds(ctx_.search_lag_ms.load()));
  issue.properties[key] = value;
  return existed;
}

void JiraApi::delete_property(Call& c) {
  std::lock_guard lock(ctx_.mu);
  Issue* issue = ctx_.state.find(c.args[0]);
  if (!issue) return send_error(c.res, 404, {kIssueMissing});
  if (issue->properties.count(c.args[1]) == 0) {
    return send_error(c.res, 404, {"The property with key '" + c.args[1] + "' does not exist."});
  }
  issue->note_property_write(c.args[1], std::chrono::milliseconds(ctx_.search_lag_ms.load()));
  issue->properties.erase(c.args[1]);
  send_empty(c.res, 204);
}

void JiraApi::create_link(Call& c) {
  std::lock_guard lock(ctx_.mu);
  SimState& s = ctx_.state;
  const json& b = c.body;
  if (!b.is_object()) return send_error(c.res, 400, {"The request must be a JSON object."});
  auto ref = [](const json& v, const char* a, const char* bkey) -> std::string {
    if (!v.is_object()) return "";
    if (v.contains(a) && v[a].is_string()) return v[a].get<std::string>();
    if (v.contains(bkey) && v[bkey].is_string()) return v[bkey].get<std::string>();
    return "";
  };
  std::string type_ref = ref(b.value("type", json(nullptr)), "name", "id");
  const LinkType* type = s.link_type(type_ref);
  if (!type) {
    return send_error(c.res, 404, {"No issue link type with name '" + type_ref + "' found."});
  }
  const Issue* in = s.find(ref(b.value("inwardIssue", json(nullptr)), "key", "id"));
  const Issue* out = s.find(ref(b.value("outwardIssue", json(nullptr)), "key", "id"));
  if (!in || !out) return send_error(c.res, 404, {kIssueMissing});
  long id = s.next_link_id();
  s.links()[id] = {id, type->id, in->key, out->key};
  Renderer r(ctx_, c.version);
  c.res.set_header("Location", r.api_base() + "/issueLink/" + std::to_string(id));
  send_empty(c.res, 201);
}

void JiraApi::get_link(Call& c) {
  std::lock_guard lock(ctx_.mu);
  SimState& s = ctx_.state;
  for (const auto& [id, l] : s.links()) {
    if (std::to_string(id) != c.args[0]) continue;
    Renderer r(ctx_, c.version);
    json out = r.link(l, l.outward_key);
    const Issue* in = s.find(l.inward_key);
    const Issue* o = s.find(l.outward_key);
    if (in) out["inwardIssue"] = r.issue_ref(*in);
    if (o) out["outwardIssue"] = r.issue_ref(*o);
    return send_json(c.res, 200, out);
  }
  send_error(c.res, 404, {"No issue link with id '" + c.args[0] + "' exists."});
}

void JiraApi::delete_link(Call& c) {
  std::lock_guard lock(ctx_.mu);
  auto& links = ctx_.state.links();
  for (auto it = links.begin(); it != links.end(); ++it) {
    if (std::to_string(it->first) == c.args[0]) {
      links.erase(it);
      return send_empty(c.res, 204);
    }
  }
  send_error(c.res, 404, {"No issue link with id '" + c.args[0] + "' exists."});
}

}  // namespace jira_sim
