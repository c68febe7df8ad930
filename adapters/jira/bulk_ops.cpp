// Jira Cloud's bulk API: transitions and deletes of up to 1,000 issues per request, and the
// epicsync property of up to 100 issues per request, each run by Jira as an asynchronous task
// that is polled until it ends. Whatever a bulk request cannot do (a transition with a screen,
// an issue the task refused, a user without the global Bulk change permission, a lost answer)
// is done issue by issue, as without the bulk API, so the outcome never depends on it.
#include <algorithm>
#include <atomic>
#include <set>
#include <thread>

#include "jira/jira_tracker.h"
#include "tracker/concurrently.h"

namespace epicsync::jira {
namespace {

using nlohmann::json;

using tracker::concurrently;

// A bulk task's id as Jira writes issue ids in its answers: numbers, sometimes strings.
std::string id_text(const json& v) {
  if (v.is_number_integer()) return std::to_string(v.get<long long>());
  if (v.is_string()) return v.get<std::string>();
  return "";
}

bool terminal(const std::string& status) {
  return status == "COMPLETE" || status == "FAILED" || status == "CANCELLED" || status == "DEAD";
}

}  // namespace

bool JiraTracker::bulk() const {
  return info_.deployment == tracker::Deployment::kCloud && options_.bulk && !bulk_refused_.load();
}

void JiraTracker::refuse_bulk(const std::string& why) {
  bulk_refused_ = true;
  std::call_once(bulk_refused_warned_, [&] {
    if (options_.warn) {
      options_.warn("Jira refused its bulk API (" + why +
                    "): issues are moved and deleted one request at a time; the global Bulk "
                    "change permission makes this faster");
    }
  });
}

epicsync::Result<std::string> JiraTracker::submit_bulk(const std::string& tail, const json& body) {
  bulk_sent_ = true;
  auto sent = send_json(Method::kPost, api(tail), body);
  if (!sent) {
    if (sent.error().kind == jira::HttpFailure::kForbidden) {
      refuse_bulk(sent.error().to_string());
      return Error{epicsync::ErrorKind::kAuth, sent.error().to_string(), ""};
    }
    return to_error(sent.error());
  }
  json answer = json::parse(sent->body, nullptr, false);
  std::string task = answer.is_object() ? id_text(answer.value("taskId", json())) : "";
  if (task.empty()) {
    return Error{epicsync::ErrorKind::kRejected, "POST " + api(tail) + ": no task id in the answer",
                 ""};
  }
  return task;
}

epicsync::Result<json> JiraTracker::wait_task(const std::string& path) {
  // Polled with a growing pause: a task of a few issues ends in a moment, one of a thousand in
  // seconds, and a poll is a request like any other.
  std::chrono::milliseconds pause{100};
  std::chrono::milliseconds waited{0};
  const auto started = std::chrono::steady_clock::now();
  for (;;) {
    options_.sleep(pause);
    // The bound counts the polls' own time too (a slow answer, its retries).
    waited = std::max(waited + pause, std::chrono::duration_cast<std::chrono::milliseconds>(
                                          std::chrono::steady_clock::now() - started));
    auto r = call(Method::kGet, path);
    if (!r) return r.error();
    const std::string status = r->is_object() ? r->value("status", "") : "";
    if (terminal(status)) return *r;
    if (waited >= options_.bulk_task_wait) {
      return Error{epicsync::ErrorKind::kUnknownOutcome,
                   "the bulk task at " + path + " was still " +
                       (status.empty() ? "running" : status) + " after " +
                       std::to_string(waited.count() / 1000) + " s",
                   "run the same command again: it waits for the task before reading"};
    }
    pause = std::min(pause * 3 / 2, std::chrono::milliseconds(500));
  }
}

epicsync::Result<tracker::Done> JiraTracker::wait_for_tasks(const std::vector<std::string>& ids) {
  if (info_.deployment != tracker::Deployment::kCloud) return tracker::Done{};
  for (const auto& id : ids) {
    auto r = wait_task(api("bulk/queue/" + id));
    // Gone (Jira keeps tasks 14 days) or not a bulk task: nothing to wait for. Any other
    // failure leaves the task possibly running: the run stops rather than read under it.
    if (!r && (r.error().kind == epicsync::ErrorKind::kNotFound ||
               r.error().kind == epicsync::ErrorKind::kRejected)) {
      continue;
    }
    if (!r) return r.error();
  }
  return tracker::Done{};
}

std::vector<epicsync::Result<tracker::TransitionPath>> JiraTracker::transition_many(
    const std::vector<tracker::TransitionWalk>& walks, const tracker::BulkTaskListener& on_task) {
  struct Walk {
    tracker::RemoteStatus at;
    std::set<std::string> visited;
    tracker::TransitionPath path;
    std::optional<epicsync::Result<tracker::TransitionPath>> result;
    bool alone = false;  // walks on issue by issue from `at` (empty id: read first)
  };
  std::vector<Walk> state(walks.size());
  std::vector<epicsync::Result<tracker::TransitionPath>> out;
  if (!bulk()) {
    out.resize(walks.size(), epicsync::Error{});
    concurrently(walks.size(), options_.concurrency, [&](size_t i) {
      out[i] = transition(walks[i].key, walks[i].from, walks[i].target, walks[i].cancel);
    });
    return out;
  }

  // Where the new issues are: read together, as a search (one per 50 issues), not one by one.
  std::vector<std::string> unknown_ids;
  for (const auto& w : walks) {
    if (w.from.id.empty() && !w.id.empty()) unknown_ids.push_back(w.id);
  }
  std::map<std::string, tracker::RemoteStatus> read_status;
  if (!unknown_ids.empty()) {
    auto read = read_issues(unknown_ids);
    if (read) {
      for (const auto& issue : *read) read_status[issue.id] = issue.status;
    }
  }
  for (size_t i = 0; i < walks.size(); ++i) {
    Walk& w = state[i];
    w.at = walks[i].from;
    if (w.at.id.empty()) {
      auto it = read_status.find(walks[i].id);
      if (it == read_status.end()) {
        w.alone = true;  // transition() reads it, and says why it cannot when it is gone
        continue;
      }
      w.at = it->second;
    }
    w.path.from = w.at;
    w.visited.insert(w.at.id);
  }

  auto reached = [&](size_t i) {
    const auto& t = walks[i].target;
    return state[i].at.id == t.id || (t.id.empty() && state[i].at.name == t.name);
  };
  for (int step = 0; step < options_.max_transition_steps && bulk(); ++step) {
    // Learn the transitions out of each status the walks stand in, one issue per status.
    std::map<std::string, std::string> to_learn;  // status id → an issue there
    for (size_t i = 0; i < walks.size(); ++i) {
      const Walk& w = state[i];
      if (w.result || w.alone || reached(i) || workflow_.knows(w.at.id)) continue;
      to_learn.emplace(w.at.id, walks[i].key);
    }
    for (const auto& [status, key] : to_learn) {
      tracker::RemoteStatus at;
      at.id = status;
      (void)learn_transitions(key, at);  // not learned: those issues walk alone
    }
    // This step's moves, by transition: the ones a bulk request can make.
    std::map<std::string, std::vector<size_t>> by_transition;
    std::map<std::string, TransitionEdge> edges;
    for (size_t i = 0; i < walks.size(); ++i) {
      Walk& w = state[i];
      if (w.result || w.alone) continue;
      if (reached(i)) {
        w.result = w.path;
        continue;
      }
      auto edge = workflow_.knows(w.at.id) ? workflow_.next_step(w.at, walks[i].target, w.visited)
                                           : std::nullopt;
      if (!edge || !edge->bulk_ok()) {
        w.alone = true;  // transition() finds the way, fills the screen, or says why not
        continue;
      }
      by_transition[edge->id].push_back(i);
      edges.emplace(edge->id, *edge);
    }
    if (by_transition.empty()) break;
    // One request carries every transition of the step, up to 1,000 issues.
    std::vector<std::vector<std::pair<std::string, size_t>>> requests(1);
    size_t in_request = 0;
    for (const auto& [transition_id, members] : by_transition) {
      for (size_t i : members) {
        if (in_request == options_.bulk_issue_limit) {
          requests.emplace_back();
          in_request = 0;
        }
        requests.back().emplace_back(transition_id, i);
        ++in_request;
      }
    }
    std::mutex mu;
    concurrently(requests.size(), options_.concurrency, [&](size_t r) {
      json inputs = json::array();
      std::map<std::string, json> ids_by_transition;
      std::vector<size_t> carried;
      for (const auto& [transition_id, i] : requests[r]) {
        auto& list = ids_by_transition[transition_id];
        if (list.is_null()) list = json::array();
        list.push_back(walks[i].id.empty() ? walks[i].key : walks[i].id);
        carried.push_back(i);
      }
      for (const auto& [transition_id, list] : ids_by_transition) {
        inputs.push_back({{"selectedIssueIdsOrKeys", list}, {"transitionId", transition_id}});
      }
      json body = {{"bulkTransitionInputs", inputs}};
      if (!options_.notify) body["sendBulkNotification"] = false;
      auto task = submit_bulk("bulk/issues/transition", body);
      if (!task) {
        std::lock_guard lock(mu);
        for (size_t i : carried) {
          if (task.error().kind == epicsync::ErrorKind::kUnknownOutcome) {
            // A lost answer: a task may have been made and may still move these issues, with
            // no id to wait for. Walking on now could cross it (a global transition taken
            // twice), so the outcome is unknown; the next run plans from where they are.
            state[i].result = epicsync::Error{
                epicsync::ErrorKind::kUnknownOutcome,
                walks[i].key + ": the answer to the bulk transition was lost (" +
                    task.error().message + ")",
                "run the same command again: it walks on from where the issues are"};
          } else {
            state[i].alone = true;  // refused as a whole: each walks alone
          }
        }
        return;
      }
      if (on_task) on_task(*task, carried);
      auto progress = wait_task(api("bulk/queue/" + *task));
      std::lock_guard lock(mu);
      if (!progress || progress->value("status", "") != "COMPLETE") {
        for (size_t i : carried) {
          if (!progress && progress.error().kind == epicsync::ErrorKind::kUnknownOutcome) {
            state[i].result = progress.error();
          } else {
            state[i].alone = true;
            state[i].at = {};
          }
        }
        return;
      }
      std::set<std::string> processed;
      for (const auto& id : progress->value("processedAccessibleIssues", json::array())) {
        processed.insert(id_text(id));
      }
      for (const auto& [transition_id, i] : requests[r]) {
        Walk& w = state[i];
        const std::string id = walks[i].id.empty() ? walks[i].key : walks[i].id;
        if (!processed.count(id)) {
          // Refused inside the task (a validator, a condition, a status changed meanwhile):
          // the issue walks on alone, which reads why from Jira's own answer.
          w.alone = true;
          w.at = {};
          continue;
        }
        const TransitionEdge& edge = edges.at(transition_id);
        w.at = edge.to;
        w.visited.insert(w.at.id);
        w.path.statuses.push_back(w.at.name);
      }
    });
  }

  // What the bulk steps could not do, issue by issue, side by side.
  std::vector<size_t> alone;
  for (size_t i = 0; i < walks.size(); ++i) {
    if (!state[i].result) alone.push_back(i);
  }
  concurrently(alone.size(), options_.concurrency, [&](size_t n) {
    const size_t i = alone[n];
    Walk& w = state[i];
    auto rest = transition(walks[i].key, w.at, walks[i].target, walks[i].cancel);
    if (!rest) {
      w.result = rest.error();
      return;
    }
    tracker::TransitionPath path = w.path;
    if (path.from.id.empty()) path.from = rest->from;
    for (auto& s : rest->statuses) path.statuses.push_back(std::move(s));
    w.result = std::move(path);
  });
  for (auto& w : state) out.push_back(std::move(*w.result));
  return out;
}

std::vector<epicsync::Result<tracker::Done>> JiraTracker::delete_many(
    const std::vector<tracker::IssueRef>& issues, const tracker::BulkTaskListener& on_task) {
  std::vector<std::optional<epicsync::Result<tracker::Done>>> results(issues.size());
  if (bulk()) {
    std::mutex mu;
    std::vector<std::vector<size_t>> requests;
    for (size_t i = 0; i < issues.size(); ++i) {
      if (requests.empty() || requests.back().size() == options_.bulk_issue_limit) {
        requests.emplace_back();
      }
      requests.back().push_back(i);
    }
    concurrently(requests.size(), options_.concurrency, [&](size_t r) {
      json selected = json::array();
      for (size_t i : requests[r]) {
        selected.push_back(issues[i].id.empty() ? issues[i].key : issues[i].id);
      }
      json body = {{"selectedIssueIdsOrKeys", selected}};
      if (!options_.notify) body["sendBulkNotification"] = false;
      auto task = submit_bulk("bulk/issues/delete", body);
      if (!task) return;  // each is deleted alone below, which settles a lost answer too
      if (on_task) on_task(*task, requests[r]);
      auto progress = wait_task(api("bulk/queue/" + *task));
      std::lock_guard lock(mu);
      if (!progress) {
        if (progress.error().kind == epicsync::ErrorKind::kUnknownOutcome) {
          for (size_t i : requests[r]) results[i] = progress.error();
        }
        return;
      }
      if (progress->value("status", "") != "COMPLETE") return;
      for (const auto& id : progress->value("processedAccessibleIssues", json::array())) {
        for (size_t i : requests[r]) {
          if ((issues[i].id.empty() ? issues[i].key : issues[i].id) == id_text(id)) {
            results[i] = tracker::Done{};
          }
        }
      }
    });
  }
  // Refused in the task, or already gone (an invalid issue): deleted alone, where a missing
  // issue is done and a refusal comes with Jira's reason.
  std::vector<size_t> alone;
  for (size_t i = 0; i < issues.size(); ++i) {
    if (!results[i]) alone.push_back(i);
  }
  concurrently(alone.size(), options_.concurrency,
               [&](size_t n) { results[alone[n]] = delete_issue(issues[alone[n]].key, true); });
  std::vector<epicsync::Result<tracker::Done>> out;
  for (auto& r : results) out.push_back(std::move(*r));
  return out;
}

std::vector<epicsync::Result<tracker::Done>> JiraTracker::set_properties(
    const std::vector<std::pair<tracker::IssueRef, std::string>>& values, const std::string& name) {
  std::vector<std::optional<epicsync::Result<tracker::Done>>> results(values.size());
  if (info_.deployment == tracker::Deployment::kCloud && options_.bulk) {
    // Issues by id, 100 per request (Jira's limit); the rest (no id known) go one by one.
    std::vector<std::vector<size_t>> requests;
    for (size_t i = 0; i < values.size(); ++i) {
      const auto& id = values[i].first.id;
      if (id.empty() || id.find_first_not_of("0123456789") != std::string::npos) continue;
      if (requests.empty() || requests.back().size() == options_.property_batch) {
        requests.emplace_back();
      }
      requests.back().push_back(i);
    }
    std::mutex mu;
    concurrently(requests.size(), options_.concurrency, [&](size_t r) {
      json issues = json::array();
      std::vector<size_t> carried;  // a value that is not JSON is left to set_property's error
      for (size_t i : requests[r]) {
        json value = json::parse(values[i].second, nullptr, false);
        if (value.is_discarded()) continue;
        carried.push_back(i);
        issues.push_back({{"issueID", std::stoll(values[i].first.id)},
                          {"properties", {{name, std::move(value)}}}});
      }
      Request req;
      req.method = Method::kPost;
      req.path = api("issue/properties/multi");
      req.headers = {{"Accept", "application/json"}, {"Content-Type", "application/json"}};
      req.body = json{{"issues", issues}}.dump();
      req.redirect_is_answer = true;  // 303: the task that sets them
      auto sent = send_counted(req);
      if (!sent) return;  // each alone below: setting a property twice changes nothing
      auto location = sent->header("location");
      const size_t at = location ? location->find("/rest/") : std::string_view::npos;
      if (at == std::string_view::npos) return;
      auto done = wait_task(std::string(location->substr(at)));
      if (!done || done->value("status", "") != "COMPLETE") return;
      // Atlassian leaves the result's shape open: none, or a list of the issues that failed
      // (jira-sim's), is understood; anything else confirms nothing, and each issue is then
      // written alone (setting a property twice changes nothing).
      std::set<std::string> failed;
      const json result = done->value("result", json());
      if (result.is_object() && result.contains("failed") && result["failed"].is_array()) {
        for (const auto& f : result["failed"]) {
          if (f.is_object()) failed.insert(id_text(f.value("issueID", json())));
        }
      } else if (!result.is_null()) {
        return;
      }
      std::lock_guard lock(mu);
      for (size_t i : carried) {
        if (!failed.count(values[i].first.id)) results[i] = tracker::Done{};
      }
    });
  }
  std::vector<size_t> alone;
  for (size_t i = 0; i < values.size(); ++i) {
    if (!results[i]) alone.push_back(i);
  }
  concurrently(alone.size(), options_.concurrency, [&](size_t n) {
    const auto& [issue, value] = values[alone[n]];
    results[alone[n]] = set_property(issue.key, name, value);
  });
  std::vector<epicsync::Result<tracker::Done>> out;
  for (auto& r : results) out.push_back(std::move(*r));
  return out;
}

}  // namespace epicsync::jira
