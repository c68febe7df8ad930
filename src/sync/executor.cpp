#include "sync/executor.h"

#include <algorithm>
#include <atomic>
#include <mutex>
#include <optional>
#include <set>
#include <thread>

#include "tracker/concurrently.h"
#include "tracker/identity_property.h"

namespace epicsync::sync {
namespace {

// What the epicsync property may grow to with the run trace's prior values: Jira stores at most
// 32,768 bytes per property value, and the rest of the property needs room.
constexpr size_t kPropertyBudget = 30000;

// A write the tracker confirmed, on issue `key`.
backup::OutcomeRecord done(const std::string& key) {
  backup::OutcomeRecord r;
  r.key = key;
  return r;
}

using plan::Operation;
using plan::OpKind;

using tracker::concurrently;

// A transition walked with others (bulk), waiting for its issue's turn to be recorded.
struct Walked {
  Result<tracker::TransitionPath> result;
  std::map<std::string, std::string> base;  // the status base it records
};

// An issue's property between the two parts of its operations (Run::apply_all).
struct Resume {
  tracker::IdentityProperty property;
  tracker::IdentityProperty original;
  std::optional<size_t> record_op;
};

// An issue's property write left for the end of its phase, to go with others.
struct Deferred {
  std::string key;
  std::string id;
  std::string json;
  std::optional<size_t> record_op;
  bool comments_changed = false;
  size_t first_op = 0;
};

class Run {
 public:
  Run(const plan::Plan& plan, const tracker::EpicSnapshot& before, tracker::Tracker& tracker,
      const ExecutorOptions& options, OperationLog* log)
      : plan_(plan), tracker_(tracker), o_(options), log_(log) {
    if (!before.epic.key.empty()) remote_[before.epic.key] = &before.epic;
    for (const auto& s : before.stories) remote_[s.key] = &s;
    for (const auto& s : before.subtasks) remote_[s.key] = &s;
    total_ = plan.operations.size();
    bulk_ = tracker_.bulk();
    // Issues whose property the plan sets itself (a restore) or that it deletes: not stamped
    // with the run trace as the rest are (see apply_issue).
    for (const auto& op : plan.operations) {
      if (op.kind == OpKind::kSetProperty || op.kind == OpKind::kDeleteIssue) {
        unstamped_.insert(op.issue_key);
      }
    }
  }

  ExecutionReport go() {
    // 1. Existing issues: each issue's operations in order, issues side by side.
    std::map<std::string, std::vector<size_t>> per_issue;
    std::vector<size_t> new_stories, new_subtasks, later;
    for (size_t i = 0; i < plan_.operations.size(); ++i) {
      const Operation& op = plan_.operations[i];
      if (op.kind == OpKind::kCreateStory) {
        new_stories.push_back(i);
      } else if (op.kind == OpKind::kCreateSubtask) {
        new_subtasks.push_back(i);
      } else if (!op.issue_key.empty() && op.link_target_story.empty()) {
        per_issue[op.issue_key].push_back(i);
      } else {
        later.push_back(i);
      }
    }
    if (bulk_) delete_in_bulk(per_issue);
    apply_all(per_issue);

    // 2. New stories, then their sub-tasks, each in bulk.
    create(new_stories, "Creating stories");
    create(new_subtasks, "Creating sub-tasks");

    // 3. What the new issues still need: transitions, comments, links.
    std::map<std::string, std::vector<size_t>> per_new;
    for (size_t i : later) {
      const std::string key = key_for(plan_.operations[i]);
      if (key.empty()) {
        const Operation& op = plan_.operations[i];
        const std::string& id = op.draft.identity.empty() ? op.story_id : op.draft.identity;
        if (unknown_creates_.count(id) || unknown_creates_.count(op.story_id)) {
          fail(i, Error{ErrorKind::kUnknownOutcome,
                        "not sent: whether the issue it belongs to was created is unknown", ""});
        } else if (was_interrupted()) {
          fail(i, stop_reason());
          std::lock_guard lock(mu_);
          ++report_.not_sent;
        } else {
          fail(i, "the issue it belongs to was not created");
        }
        continue;
      }
      per_new[key].push_back(i);
    }
    apply_all(per_new);
    std::sort(report_.failures.begin(), report_.failures.end(),
              [](const Failure& a, const Failure& b) { return a.index < b.index; });
    return std::move(report_);
  }

 private:
  // Each issue's operations in order, issues side by side. With the bulk API the issues'
  // transitions are walked together: what comes before an issue's transition in the plan (an
  // update: a status may forbid edits) is applied first, then every walk in bulk, then the rest.
  void apply_all(const std::map<std::string, std::vector<size_t>>& per_issue) {
    std::map<std::string, std::vector<size_t>> before, rest;
    for (const auto& [key, ops] : per_issue) {
      size_t first = ops.size();
      if (bulk_) {
        for (size_t n = 0; n < ops.size() && first == ops.size(); ++n) {
          if (plan_.operations[ops[n]].kind == OpKind::kTransition) first = n;
        }
      }
      if (first > 0 && first < ops.size()) {
        before[key].assign(ops.begin(), ops.begin() + static_cast<long>(first));
        rest[key].assign(ops.begin() + static_cast<long>(first), ops.end());
        // A restore's property goes with its update where the tracker takes it there (one
        // request, not two): it holds the backup's value, which the walk does not change.
        auto& later = rest[key];
        const bool updates = std::any_of(before[key].begin(), before[key].end(), [&](size_t i) {
          return plan_.operations[i].kind == OpKind::kUpdate;
        });
        auto property = std::find_if(later.begin(), later.end(), [&](size_t i) {
          return plan_.operations[i].kind == OpKind::kSetProperty;
        });
        // Not when comments put back rename ids in it: it is written after them.
        const bool renames = std::any_of(later.begin(), later.end(), [&](size_t i) {
          return plan_.operations[i].kind == OpKind::kRestoreComment;
        });
        if (updates && !renames && property != later.end() && tracker_.edits_carry_property()) {
          before[key].push_back(*property);
          later.erase(property);
        }
      } else {
        rest[key] = ops;
      }
    }
    std::vector<std::string> keys;
    for (const auto& [key, ops] : before) keys.push_back(key);
    concurrently(keys.size(), o_.concurrency,
                 [&](size_t k) { apply_issue(keys[k], before.at(keys[k]), /*first_part=*/true); });
    if (bulk_) walk_in_bulk(rest);
    keys.clear();
    for (const auto& [key, ops] : rest) keys.push_back(key);
    concurrently(keys.size(), o_.concurrency,
                 [&](size_t k) { apply_issue(keys[k], rest.at(keys[k])); });
    write_deferred_properties();
  }

  static std::string issue_named(const Operation& op) {
    return op.issue_key.empty() ? op.replaces_key : op.issue_key;
  }
  std::string what(const Operation& op) const {
    switch (op.kind) {
      case OpKind::kCreateStory:
        return "create " + op.story_id;
      case OpKind::kCreateSubtask:
        return "create sub-task '" + op.summary + "'";
      case OpKind::kUpdate:
        return "update " + op.issue_key;
      case OpKind::kTransition:
        return "transition " + (op.issue_key.empty() ? op.summary : op.issue_key);
      case OpKind::kAddComment:
        return "comment on " + op.story_id;
      case OpKind::kUpdateComment:
        return "update comment on " + op.story_id;
      case OpKind::kAddLink:
        return "link " + op.story_id + " " + op.link_phrase + " " +
               (op.link_target.empty() ? op.link_target_story : op.link_target);
      case OpKind::kRecordIdentity:
        return "record identity on " + op.issue_key;
      case OpKind::kDeleteIssue:
        return "delete " + op.issue_key;
      case OpKind::kDeleteComment:
        return "delete comment " + op.comment_id + " on " + op.issue_key;
      case OpKind::kRestoreComment:
        return "restore comment " + op.comment_id + " on " + issue_named(op);
      case OpKind::kDeleteLink:
        return "delete link " + op.link_phrase + " " + op.link_target + " on " + op.issue_key;
      case OpKind::kSetProperty:
        return "restore the epicsync property of " + issue_named(op);
    }
    return "";
  }

  void tick(const std::string& label) {
    const size_t done = ++done_;
    if (o_.progress) o_.progress(label, done, total_);
  }

  void fail(size_t i, const std::string& why) { fail(i, Error{ErrorKind::kRejected, why, ""}); }

  // Records the intent before anything is sent; false (and the operation failed, unsent) when
  // the run has stopped or the journal cannot take the record.
  bool begin(size_t i, const Operation& op) {
    if (!stopped_ && o_.interrupted && o_.interrupted()) interrupt();
    if (!stopped_ && o_.may_write && !o_.may_write()) lose_lease();
    if (!stopped_ && (!log_ || log_->intent(i, op))) return true;
    stop();
    fail(i, stop_reason());
    std::lock_guard lock(mu_);
    ++report_.not_sent;
    return false;
  }
  void stop() {
    if (stopped_.exchange(true)) return;
    std::lock_guard lock(mu_);
    report_.journal_failure = Error{ErrorKind::kLocalStorage, "the journal could not be written",
                                    "check free space and permissions of the backup folder"};
  }
  void lose_lease() {
    if (stopped_.exchange(true)) return;
    std::lock_guard lock(mu_);
    report_.lease_lost = true;
  }
  bool was_interrupted() {
    std::lock_guard lock(mu_);
    return report_.interrupted;
  }
  void interrupt() {
    if (stopped_.exchange(true)) return;
    std::lock_guard lock(mu_);
    report_.interrupted = true;
  }
  // Why an operation was not sent once the run has stopped.
  Error stop_reason() {
    std::lock_guard lock(mu_);
    if (report_.interrupted) {
      return Error{ErrorKind::kInterrupted, "not sent: the run was interrupted", ""};
    }
    if (report_.lease_lost) {
      return Error{ErrorKind::kLocked,
                   "not sent: another epicsync run took over the epic's lease on the tracker", ""};
    }
    return Error{ErrorKind::kLocalStorage,
                 "not sent: the journal could not be written, so it could not be undone", ""};
  }
  void record_outcome(size_t i, const backup::OutcomeRecord& result) {
    if (log_ && !log_->outcome(i, plan_.operations[i], result)) stop();
  }
  void fail(size_t i, Error e) {
    std::lock_guard lock(mu_);
    report_.failures.push_back({i, what(plan_.operations[i]), std::move(e)});
  }
  void succeed(size_t i, const backup::OutcomeRecord& result) {
    record_outcome(i, result);
    std::lock_guard lock(mu_);
    ++report_.applied;
  }
  // A refusal (nothing written), or an unknown outcome (maybe written: rollback treats it so).
  void failed_outcome(size_t i, const Error& e) {
    backup::OutcomeRecord result;
    result.outcome = e.kind == ErrorKind::kUnknownOutcome ? backup::Outcome::kUnknown
                                                          : backup::Outcome::kRefused;
    result.error = e.message;
    if (e.kind == ErrorKind::kUnknownOutcome) {
      // Still running when the wait ended: the next run waits for it (unfinished_tasks).
      std::lock_guard lock(mu_);
      if (auto t = task_of_.find(i); t != task_of_.end()) result.task = t->second;
    }
    record_outcome(i, result);
    fail(i, e);
  }

  // The key of a new issue an operation refers to, once it exists.
  std::string key_for(const Operation& op) {
    std::lock_guard lock(mu_);
    if (!op.issue_key.empty()) return op.issue_key;
    const std::string& id = op.draft.identity.empty() ? op.story_id : op.draft.identity;
    auto it = report_.created.find(id);
    return it == report_.created.end() ? std::string() : it->second;
  }

  // Deleting an issue with its sub-tasks takes every sub-task it has when the request arrives:
  // one added since the plan was made (by a person, or hidden then by a lagging index) is read
  // now, and the delete refused rather than losing an issue no backup holds.
  Result<tracker::Done> subtasks_unseen(const std::string& key) {
    auto it = remote_.find(key);
    if (it == remote_.end() || it->second->id.empty()) return tracker::Done{};
    auto fresh = tracker_.read_issues({it->second->id});
    if (!fresh.ok()) return fresh.error();
    const auto& planned = it->second->subtask_keys;
    std::vector<std::string> unseen;
    for (const auto& issue : *fresh) {
      for (const auto& k : issue.subtask_keys) {
        if (std::find(planned.begin(), planned.end(), k) == planned.end()) unseen.push_back(k);
      }
    }
    if (unseen.empty()) return tracker::Done{};
    std::string keys;
    for (const auto& k : unseen) keys += (keys.empty() ? "" : ", ") + k;
    return Error{ErrorKind::kRejected,
                 "not deleted: " + key + " now has sub-tasks the plan did not see (" + keys +
                     "), which deleting it would delete too",
                 "run the same command again: the new plan sees them"};
  }

  std::string created_key(const std::string& story_id) {
    std::lock_guard lock(mu_);
    auto it = report_.created.find(story_id);
    return it == report_.created.end() ? std::string() : it->second;
  }

  std::optional<tracker::RemoteStatus> status_for(model::StatusMeaning meaning, Error& error) {
    std::lock_guard lock(status_mu_);
    if (!statuses_) {
      auto all = tracker_.statuses();
      if (!all.ok()) {
        error = all.error();
        return std::nullopt;
      }
      statuses_ = *all;
    }
    auto target = plan::target_status(o_.status_map, meaning, *statuses_);
    if (!target) {
      error = Error{ErrorKind::kRejected,
                    "no workflow status means '" + std::string(model::to_id(meaning)) + "'",
                    "name one in jira.status_map"};
    }
    return target;
  }

  // Where an issue is before its transition: the snapshot for an existing issue, the workflow's
  // initial status (learned from the first new issue walked) for a new one.
  tracker::RemoteStatus believed_status(const std::string& key, const Operation& op) {
    if (auto it = remote_.find(key); it != remote_.end()) return it->second->status;
    std::lock_guard lock(mu_);
    auto it = initial_.find(op.draft.subtask || !op.draft.identity.empty());
    return it == initial_.end() ? tracker::RemoteStatus{} : it->second;
  }
  void learn_initial_status(const std::string& key, const Operation& op,
                            const tracker::RemoteStatus& from) {
    if (remote_.count(key) || from.id.empty()) return;
    std::lock_guard lock(mu_);
    initial_.emplace(op.draft.subtask || !op.draft.identity.empty(), from);
  }

  // The property with a write's three-way base entries, as JSON to send with the write where
  // the tracker takes it there (empty: it does not, or the write records none).
  std::string riding_property(const tracker::IdentityProperty& property,
                              const std::map<std::string, std::string>& base) {
    if (base.empty() || !tracker_.edits_carry_property()) return {};
    tracker::IdentityProperty next = property;
    for (const auto& [field, value] : base) next.base[field] = value;
    if (!o_.run_id.empty()) next.run = o_.run_id;  // the run trace rides along
    return tracker::to_json_text(next);
  }

  // One issue's operations, in plan order, then its identity property if it changed. `original`
  // is the property as the tracker holds it: writes that carried it move it along.
  // `first_part`: the operations before the issue's bulk-walked transition; the property is
  // kept for the rest of them (apply_all), not written yet.
  void apply_issue(const std::string& key, const std::vector<size_t>& ops,
                   bool first_part = false) {
    tracker::IdentityProperty property;
    tracker::IdentityProperty original;
    std::optional<size_t> record_op;
    std::optional<Resume> resumed;
    {
      std::lock_guard lock(mu_);
      if (auto r = resume_.find(key); r != resume_.end()) resumed = r->second;
    }
    if (resumed) {
      property = resumed->property;
      original = resumed->original;
      record_op = resumed->record_op;
    } else if (auto it = remote_.find(key); it != remote_.end()) {
      original = property = tracker::identity_property(*it->second);
    } else {
      // A new issue: its identity and base were recorded at creation.
      std::lock_guard lock(mu_);
      for (const auto& [id, k] : report_.created) {
        if (k == key) property.id = id;
      }
      property.epic = plan_.epic_key;
      if (auto b = created_base_.find(key); b != created_base_.end()) property.base = b->second;
      if (!o_.run_id.empty()) property.run = property.created_by = o_.run_id;
      original = property;
    }
    // The run trace: this run wrote the issue. Not where the plan sets the property itself (a
    // restore: the value is stamped as it is sent) or deletes the issue.
    // Base entries confirmed by a write: recorded in the property, which the tracker holds
    // already when the write carried it.
    auto confirm = [&](const std::map<std::string, std::string>& base, bool carried) {
      for (const auto& [field, value] : base) property.base[field] = value;
      if (carried) original = property;
    };
    // Comments a restore put back: the backup's id → the new one, for the property.
    std::map<std::string, std::string> restored_ids;
    // A restore's property write rides with the issue's update where the tracker takes it
    // (Cloud), one request instead of two; not when comments put back rename their ids in it.
    std::optional<size_t> riding_restore;
    std::set<size_t> carried;  // operations done by another's request
    // Transitions a bulk walk made already: their status base goes into the property now, so
    // the issue's next write that carries the property (an update) records it.
    for (size_t i : ops) {
      auto w = walked_.find(i);
      if (w != walked_.end() && w->second.result.ok()) confirm(w->second.base, false);
    }
    if (tracker_.edits_carry_property()) {
      bool updated = false;
      bool renames = false;
      for (size_t i : ops) {
        const Operation& op = plan_.operations[i];
        updated = updated || op.kind == OpKind::kUpdate;
        renames = renames || op.kind == OpKind::kRestoreComment;
        if (op.kind == OpKind::kSetProperty && updated && !op.property_json.empty() &&
            !nlohmann::json::parse(op.property_json, nullptr, false).is_discarded()) {
          riding_restore = i;
        }
      }
      if (renames) riding_restore.reset();
    }
    for (size_t i : ops) {
      if (carried.count(i) || handled_.count(i)) {
        tick(o_.label);
        continue;
      }
      if (auto w = walked_.find(i); w != walked_.end()) {
        finish_walk(i, key, w->second, property);
        tick(o_.label);
        continue;
      }
      const Operation* planned = &plan_.operations[i];
      Operation linked;
      if (!planned->link_target_story.empty()) {
        // A link to a story this run created: the journal records the key it was sent with.
        linked = *planned;
        linked.link_target = created_key(linked.link_target_story);
        if (linked.link_target.empty()) {
          bool unsure = false;
          {
            std::lock_guard lock(mu_);
            unsure = unknown_creates_.count(linked.link_target_story) > 0;
          }
          fail(i, Error{unsure ? ErrorKind::kUnknownOutcome : ErrorKind::kRejected,
                        "not sent: story " + linked.link_target_story +
                            (unsure ? " may not have been created" : " was not created"),
                        ""});
          tick(o_.label);
          continue;
        }
        planned = &linked;
      }
      const Operation& op = *planned;
      if (!begin(i, op)) {
        tick(o_.label);
        continue;
      }
      switch (op.kind) {
        case OpKind::kUpdate: {
          tracker::FieldChanges changes = op.changes;
          keep_prior_description(key, op, property);
          const std::string riding = riding_property(property, op.base);
          if (!riding.empty()) changes.property_json = riding;
          // The restore's property, journalled before the request that carries it.
          std::optional<size_t> with;
          if (riding.empty() && riding_restore && !carried.count(*riding_restore) &&
              begin(*riding_restore, plan_.operations[*riding_restore])) {
            with = riding_restore;
            carried.insert(*with);
            changes.property_json = stamped(plan_.operations[*with].property_json);
          }
          auto r = tracker_.update_issue(key, changes);
          if (r.ok()) {
            confirm(op.base, !riding.empty());
            succeed(i, done(key));
            if (with) succeed(*with, done(key));
          } else {
            failed_outcome(i, r.error());
            if (with) failed_outcome(*with, r.error());
          }
          break;
        }
        case OpKind::kDeleteIssue: {
          if (op.with_subtasks) {
            if (auto unseen = subtasks_unseen(key); !unseen.ok()) {
              failed_outcome(i, unseen.error());
              break;
            }
          }
          auto r = tracker_.delete_issue(key, op.with_subtasks);
          r.ok() ? succeed(i, done(key)) : failed_outcome(i, r.error());
          break;
        }
        case OpKind::kDeleteComment: {
          auto r = tracker_.delete_comment(key, op.comment_id);
          r.ok() ? succeed(i, done(key)) : failed_outcome(i, r.error());
          break;
        }
        case OpKind::kRestoreComment: {
          auto r = tracker_.add_comment_raw(key, op.comment_body);
          if (r.ok()) {
            restored_ids[op.comment_id] = *r;
            auto o = done(key);
            o.comment_id = *r;
            o.restores = op.comment_id;
            succeed(i, o);
          } else {
            failed_outcome(i, r.error());
          }
          break;
        }
        case OpKind::kDeleteLink: {
          auto r = tracker_.delete_link(op.link_id);
          r.ok() ? succeed(i, done(key)) : failed_outcome(i, r.error());
          break;
        }
        case OpKind::kSetProperty: {
          auto r = restore_property(key, op.property_json, restored_ids);
          r.ok() ? succeed(i, done(key)) : failed_outcome(i, r.error());
          break;
        }
        case OpKind::kTransition: {
          Error error;
          auto target = op.target_status ? op.target_status : status_for(op.target, error);
          if (!target) {
            failed_outcome(i, error);
            break;
          }
          const bool cancel =
              op.target_status ? op.cancel : op.target == model::StatusMeaning::kCancelled;
          const auto base = status_base(op, *target);
          const std::string riding = riding_property(property, base);
          auto r = tracker_.transition(key, believed_status(key, op), *target, cancel, riding);
          if (r.ok()) {
            confirm(base, r->property_written);
            learn_initial_status(key, op, r->from);
            {
              std::lock_guard lock(mu_);
              report_.transitions.emplace_back(key, *r);
            }
            auto o = done(key);
            o.path = r->statuses;
            succeed(i, o);
          } else {
            // A walk that failed may have stopped part-way, on a status epicsync moved it to:
            // no status base then (no conflict; the next run walks on) rather than one that
            // would take epicsync's own step for someone else's.
            if (base.count("status")) property.base.erase("status");
            failed_outcome(i, r.error());
          }
          break;
        }
        case OpKind::kAddComment: {
          if (!op.found_comment_id.empty()) {
            property.comments[op.comment_key] = {op.comment_hash, op.found_comment_id};
            auto o = done(key);
            o.comment_id = op.found_comment_id;
            succeed(i, o);
            break;
          }
          auto r = tracker_.add_comment(key, op.comment_markdown);
          if (r.ok()) {
            property.comments[op.comment_key] = {op.comment_hash, *r};
            auto o = done(key);
            o.comment_id = *r;
            succeed(i, o);
          } else {
            failed_outcome(i, r.error());
          }
          break;
        }
        case OpKind::kUpdateComment: {
          // The tracker interface has no comment edit: replace the old comment (unless the new
          // one is there already).
          auto r = op.found_comment_id.empty() ? tracker_.add_comment(key, op.comment_markdown)
                                               : Result<std::string>(op.found_comment_id);
          if (r.ok()) {
            if (!op.comment_id.empty()) (void)tracker_.delete_comment(key, op.comment_id);
            property.comments[op.comment_key] = {op.comment_hash, *r};
            // No changelog keeps the body it replaced: the trace says so, for a rollback
            // without a backup to report it rather than leave it unsaid.
            if (!op.comment_id.empty() && !unstamped_.count(key)) {
              keep_prior(property, "comment:" + op.comment_key, nlohmann::json(op.comment_id));
            }
            auto o = done(key);
            o.comment_id = *r;
            o.replaced = op.comment_id;
            succeed(i, o);
          } else {
            failed_outcome(i, r.error());
          }
          break;
        }
        case OpKind::kAddLink: {
          auto r = tracker_.add_link(op.link_phrase, key, op.link_target);
          r.ok() ? succeed(i, done(key)) : failed_outcome(i, r.error());
          break;
        }
        case OpKind::kRecordIdentity: {
          auto parsed = nlohmann::json::parse(op.property_json, nullptr, false);
          if (parsed.is_object()) {
            property.id = parsed.value("id", "");
            property.epic = parsed.value("epic", "");
          }
          // Fields found in step again: their base is refreshed by this record.
          for (const auto& [field, value] : op.base) property.base[field] = value;
          record_op = i;
          break;
        }
        case OpKind::kCreateStory:
        case OpKind::kCreateSubtask:
          break;
      }
      tick(o_.label);
    }
    if (first_part) {
      std::lock_guard lock(mu_);
      resume_[key] = Resume{property, original, record_op};
      return;
    }
    if (property == original) {
      if (record_op) succeed(*record_op, done(key));
      return;
    }
    if (stopped_) {
      if (record_op) fail(*record_op, stop_reason());
      return;
    }
    // Rewritten anyway: it records the epic too, if an older epicsync did not, and the run trace
    // (the run that wrote it) goes with it at no cost.
    if (!property.id.empty() && property.epic.empty()) property.epic = plan_.epic_key;
    if (!o_.run_id.empty() && !unstamped_.count(key)) property.run = o_.run_id;
    if (bulk_) {
      // With the others, many issues to a request, once every issue's writes are done.
      std::string id = issue_id(key);
      std::lock_guard lock(mu_);
      deferred_.push_back({key, std::move(id), tracker::to_json_text(property), record_op,
                           property.comments != original.comments, ops.front()});
      return;
    }
    auto r = tracker_.set_property(key, tracker::kPropertyKey, tracker::to_json_text(property));
    property_written(key, r, record_op, property.comments != original.comments, ops.front());
  }

  // What a property write's answer means for the operations it records.
  void property_written(const std::string& key, const Result<tracker::Done>& r,
                        std::optional<size_t> record_op, bool comments_changed, size_t first_op) {
    if (record_op) {
      r.ok() ? succeed(*record_op, done(key)) : failed_outcome(*record_op, r.error());
    } else if (!r.ok() && comments_changed) {
      // Comments went in but are not recorded: the next run would add them again. Say so.
      fail(first_op,
           Error{ErrorKind::kRejected,
                 key + ": could not record the comments added: " + r.error().message, ""});
    } else if (!r.ok()) {
      // The values written are not recorded as the three-way base: a run with the file as it
      // is records them (it finds them in step), but an edit of the file before that would be
      // taken for a conflict. Say so, so the run is not reported clean.
      fail(first_op, Error{ErrorKind::kRejected,
                           key +
                               ": could not record the values written (the base the next "
                               "sync compares with): " +
                               r.error().message,
                           "run the same command again before editing the file"});
    }
  }

  // The property as the backup holds it, naming the comments put back by their new ids (the
  // backup's ids are gone), or removed when the backup had none.
  // The run trace keeps the description an update replaces, where the changelog would not give
  // it back exactly (tracker/identity_property.h): Cloud, where the property rides with the
  // update anyway. Not when the property would outgrow what Jira stores (32 KB a value).
  void keep_prior_description(const std::string& key, const Operation& op,
                              tracker::IdentityProperty& property) {
    // Only where the property rides with the edit anyway (a sync's edit records its base).
    if (o_.run_id.empty() || !tracker_.edits_carry_property() || unstamped_.count(key) ||
        op.base.empty() || (!op.changes.description_markdown && !op.changes.description_raw)) {
      return;
    }
    auto it = remote_.find(key);
    if (it == remote_.end()) return;
    const tracker::RichText& was = it->second->description;
    const char* format = was.format == tracker::RichText::Format::kAdf    ? "adf"
                         : was.format == tracker::RichText::Format::kWiki ? "wiki"
                                                                          : "empty";
    keep_prior(property, "description", nlohmann::json{{"format", format}, {"raw", was.raw}});
  }

  // Records in the run trace what `field` held before this run's first change of it. An
  // earlier run's prior values are not this run's: they go with this run's first.
  void keep_prior(tracker::IdentityProperty& property, const std::string& field,
                  const nlohmann::json& was) {
    if (o_.run_id.empty()) return;
    if (property.run != o_.run_id) property.prior.clear();
    property.run = o_.run_id;
    if (property.prior.count(field)) return;  // this run's first change holds it
    property.prior[field] = was.dump();
    if (tracker::to_json_text(property).size() > kPropertyBudget) property.prior.erase(field);
  }

  // A property value the plan gives (a restore's), with this run's trace.
  // The prior values are the run's named there, not this run's: they go with its name.
  std::string stamped(const std::string& json_text) const {
    auto value = nlohmann::json::parse(json_text, nullptr, false);
    if (!value.is_object() || o_.run_id.empty()) return json_text;
    value["run"] = o_.run_id;
    value.erase("prior");
    return value.dump();
  }

  Result<tracker::Done> restore_property(const std::string& key, const std::string& json_text,
                                         const std::map<std::string, std::string>& restored_ids) {
    if (json_text.empty()) return tracker_.delete_property(key, tracker::kPropertyKey);
    auto value = nlohmann::json::parse(json_text, nullptr, false);
    if (value.is_object() && value.contains("comments") && value["comments"].is_object()) {
      for (auto& [name, record] : value["comments"].items()) {
        if (!record.is_object()) continue;
        auto it = restored_ids.find(record.value("id", ""));
        if (it != restored_ids.end()) record["id"] = it->second;
      }
    }
    if (value.is_object() && !o_.run_id.empty()) {
      value["run"] = o_.run_id;
      value.erase("prior");
    }
    return tracker_.set_property(key, tracker::kPropertyKey,
                                 value.is_discarded() ? json_text : value.dump());
  }

  void create(const std::vector<size_t>& indexes, const std::string& label) {
    if (indexes.empty()) return;
    std::vector<tracker::IssueDraft> drafts;
    std::vector<size_t> sent;
    for (size_t i : indexes) {
      Operation op = plan_.operations[i];
      if (op.kind == OpKind::kCreateSubtask && op.draft.parent_key.empty()) {
        std::lock_guard lock(mu_);
        auto it = report_.created.find(op.parent_story_id);
        if (it == report_.created.end()) {
          // Not sent: a story whose create is unknown may exist, and its sub-tasks with it
          // would need it as their parent.
          const bool unsure = unknown_creates_.count(op.parent_story_id) > 0;
          if (report_.interrupted && !unsure) {
            report_.failures.push_back(
                {i, what(op),
                 Error{ErrorKind::kInterrupted, "not sent: the run was interrupted", ""}});
            ++report_.not_sent;
            continue;
          }
          report_.failures.push_back(
              {i, what(op),
               Error{unsure ? ErrorKind::kUnknownOutcome : ErrorKind::kRejected,
                     unsure ? "not sent: whether its story " + op.parent_story_id +
                                  " was created is unknown"
                            : "its story " + op.parent_story_id + " was not created",
                     ""}});
          continue;
        }
        op.draft.parent_key = it->second;
      }
      drafts.push_back(op.draft);
      drafts.back().run = o_.run_id;
      sent.push_back(i);
    }
    // The intents of the whole bulk create are made durable together, before any is sent.
    if (!begin_all(sent)) {
      for (size_t n = 0; n < sent.size(); ++n) tick(label);
      return;
    }
    auto results = tracker_.create_issues(drafts);
    // Their outcomes likewise, once the answer is in.
    std::vector<std::pair<size_t, backup::OutcomeRecord>> outcomes;
    std::vector<std::pair<size_t, Error>> refused;
    for (size_t n = 0; n < results.size() && n < sent.size(); ++n) {
      const size_t i = sent[n];
      if (results[n].ok()) {
        {
          std::lock_guard lock(mu_);
          report_.created[drafts[n].identity] = results[n]->key;
          created_ids_[results[n]->key] = results[n]->id;
          created_base_[results[n]->key] = drafts[n].base;
          if (!results[n]->id.empty()) report_.created_ids.push_back(results[n]->id);
        }
        auto o = done(results[n]->key);
        o.id = results[n]->id;
        outcomes.emplace_back(i, o);
      } else {
        const Error& e = results[n].error();
        if (e.kind == ErrorKind::kUnknownOutcome) {
          std::lock_guard lock(mu_);
          unknown_creates_.insert(drafts[n].identity);
        }
        backup::OutcomeRecord o;
        o.outcome = e.kind == ErrorKind::kUnknownOutcome ? backup::Outcome::kUnknown
                                                         : backup::Outcome::kRefused;
        o.error = e.message;
        outcomes.emplace_back(i, o);
        refused.emplace_back(i, e);
      }
    }
    if (log_ && !log_->outcomes(outcomes, plan_)) stop();
    for (const auto& [i, e] : refused) fail(i, e);
    {
      std::lock_guard lock(mu_);
      report_.applied += outcomes.size() - refused.size();
    }
    for (size_t n = 0; n < outcomes.size(); ++n) tick(label);
  }

  // begin() for a batch: the intents of all of them durable at once (one sync), or none sent.
  bool begin_all(const std::vector<size_t>& indexes) {
    if (indexes.empty()) return true;
    if (!stopped_ && o_.interrupted && o_.interrupted()) interrupt();
    if (!stopped_ && o_.may_write && !o_.may_write()) lose_lease();
    if (!stopped_ && (!log_ || log_->intents(indexes, plan_))) return true;
    stop();
    const Error why = stop_reason();
    for (size_t i : indexes) fail(i, why);
    std::lock_guard lock(mu_);
    report_.not_sent += indexes.size();
    return false;
  }

  // The status's base is the workflow status the walk ends in.
  static std::map<std::string, std::string> status_base(const Operation& op,
                                                        const tracker::RemoteStatus& target) {
    auto base = op.base;
    if (auto s = base.find("status"); s != base.end()) s->second = "=" + target.name + s->second;
    return base;
  }

  // The tracker's id of an issue (bulk requests name issues by id); empty when not known.
  std::string issue_id(const std::string& key) {
    if (auto it = remote_.find(key); it != remote_.end()) return it->second->id;
    std::lock_guard lock(mu_);
    auto it = created_ids_.find(key);
    return it == created_ids_.end() ? std::string() : it->second;
  }

  // The transitions of these issues, walked together where the tracker can (a bulk request per
  // workflow step), before the issues' other writes; apply_issue records each as it comes to it.
  // Intents are journalled together before the first request, each bulk task's id as soon as it
  // is known (a run killed meanwhile leaves it for the next run to wait for), outcomes at the end.
  void walk_in_bulk(const std::map<std::string, std::vector<size_t>>& per_issue) {
    std::vector<size_t> indexes;
    std::vector<tracker::TransitionWalk> walks;
    std::vector<std::map<std::string, std::string>> bases;
    std::vector<tracker::RemoteStatus> targets;
    learn_initial_statuses(per_issue);
    for (const auto& [key, ops] : per_issue) {
      for (size_t i : ops) {
        const Operation& op = plan_.operations[i];
        if (op.kind != OpKind::kTransition) continue;
        Error error;
        auto target = op.target_status ? op.target_status : status_for(op.target, error);
        if (!target) continue;  // apply_issue says why, as without bulk
        tracker::TransitionWalk w;
        w.key = key;
        w.id = issue_id(key);
        w.from = believed_status(key, op);
        w.target = *target;
        w.cancel = op.target_status ? op.cancel : op.target == model::StatusMeaning::kCancelled;
        indexes.push_back(i);
        walks.push_back(std::move(w));
        bases.push_back(status_base(op, *target));
        targets.push_back(*target);
      }
    }
    if (walks.size() < 2) return;  // one issue: its own walk, the property riding with it
    if (!begin_all(indexes)) {
      for (size_t i : indexes) handled_.insert(i);
      return;
    }
    auto on_task = [&](const std::string& task, const std::vector<size_t>& positions) {
      journal_task(task, positions, indexes, [&](size_t p) { return walks[p].key; });
    };
    auto results = tracker_.transition_many(walks, on_task);
    for (size_t n = 0; n < indexes.size() && n < results.size(); ++n) {
      walked_.emplace(indexes[n], Walked{std::move(results[n]), bases[n]});
    }
  }

  // New issues start in their workflow's initial status: one new story and one new sub-task
  // are read (a search) to learn it, not every new issue. Should an issue start elsewhere, its
  // bulk step fails for it and it walks alone from where it is.
  void learn_initial_statuses(const std::map<std::string, std::vector<size_t>>& per_issue) {
    std::map<bool, std::pair<std::string, size_t>> sample;  // is a sub-task → (id, op)
    for (const auto& [key, ops] : per_issue) {
      if (remote_.count(key)) continue;
      for (size_t i : ops) {
        const Operation& op = plan_.operations[i];
        if (op.kind != OpKind::kTransition) continue;
        const bool subtask = op.draft.subtask || !op.draft.identity.empty();
        std::lock_guard lock(mu_);
        if (initial_.count(subtask) || sample.count(subtask)) continue;
        auto id = created_ids_.find(key);
        if (id != created_ids_.end() && !id->second.empty()) sample[subtask] = {id->second, i};
      }
    }
    if (sample.empty()) return;
    std::vector<std::string> ids;
    for (const auto& [subtask, s] : sample) ids.push_back(s.first);
    auto read = tracker_.read_issues(ids);
    if (!read.ok()) return;  // unknown: the tracker reads each where it walks
    for (const auto& issue : *read) {
      for (const auto& [subtask, s] : sample) {
        if (s.first == issue.id) {
          learn_initial_status(issue.key, plan_.operations[s.second], issue.status);
        }
      }
    }
  }

  // Journals that these operations (by position in `indexes`) went in bulk task `task`: an
  // interim outcome each, so a run killed before the task ends leaves its id for the next run.
  void journal_task(const std::string& task, const std::vector<size_t>& positions,
                    const std::vector<size_t>& indexes,
                    const std::function<std::string(size_t)>& key_at) {
    std::vector<std::pair<size_t, backup::OutcomeRecord>> sent;
    {
      std::lock_guard lock(mu_);
      for (size_t p : positions) task_of_[indexes[p]] = task;
    }
    for (size_t p : positions) {
      backup::OutcomeRecord o;
      o.outcome = backup::Outcome::kUnknown;
      o.key = key_at(p);
      o.task = task;
      o.error = "sent in bulk task " + task;
      sent.emplace_back(indexes[p], o);
    }
    if (log_ && !log_->outcomes(sent, plan_)) stop();
  }

  // A transition walked in bulk, recorded as apply_issue would have recorded its own walk.
  void finish_walk(size_t i, const std::string& key, const Walked& w,
                   tracker::IdentityProperty& property) {
    if (w.result.ok()) {
      const auto& path = *w.result;
      learn_initial_status(key, plan_.operations[i], path.from);
      {
        std::lock_guard lock(mu_);
        report_.transitions.emplace_back(key, path);
      }
      auto o = done(key);
      o.path = path.statuses;
      succeed(i, o);
      return;
    }
    if (w.base.count("status")) property.base.erase("status");
    failed_outcome(i, w.result.error());
  }

  // Deletes of these issues in bulk requests where the tracker can: each with its sub-tasks
  // (or one that has none), checked first, in one read, for sub-tasks the plan did not see.
  void delete_in_bulk(const std::map<std::string, std::vector<size_t>>& per_issue) {
    std::vector<size_t> indexes;
    std::vector<tracker::IssueRef> issues;
    std::vector<std::string> ids;
    for (const auto& [key, ops] : per_issue) {
      for (size_t i : ops) {
        const Operation& op = plan_.operations[i];
        if (op.kind != OpKind::kDeleteIssue) continue;
        auto it = remote_.find(key);
        if (it == remote_.end() || it->second->id.empty()) continue;
        if (!op.with_subtasks && !it->second->subtask_keys.empty()) continue;
        indexes.push_back(i);
        issues.push_back({key, it->second->id});
        ids.push_back(it->second->id);
      }
    }
    if (issues.size() < 2) return;
    // Sub-tasks added since the plan was made would go with their story: read all at once.
    auto fresh = tracker_.read_issues(ids);
    if (!fresh.ok()) return;  // each checks alone in apply_issue
    std::map<std::string, const tracker::RemoteIssue*> now;
    for (const auto& issue : *fresh) now[issue.key] = &issue;
    std::vector<size_t> sent;
    std::vector<tracker::IssueRef> refs;
    for (size_t n = 0; n < indexes.size(); ++n) {
      const auto& planned = remote_.at(issues[n].key)->subtask_keys;
      auto it = now.find(issues[n].key);
      bool unseen = false;
      if (it != now.end()) {
        for (const auto& k : it->second->subtask_keys) {
          if (std::find(planned.begin(), planned.end(), k) == planned.end()) unseen = true;
        }
      }
      if (unseen) continue;  // apply_issue refuses it, naming them
      sent.push_back(indexes[n]);
      refs.push_back(issues[n]);
    }
    if (sent.empty()) return;
    for (size_t i : sent) handled_.insert(i);
    if (!begin_all(sent)) return;
    auto on_task = [&](const std::string& task, const std::vector<size_t>& positions) {
      journal_task(task, positions, sent, [&](size_t p) { return refs[p].key; });
    };
    auto results = tracker_.delete_many(refs, on_task);
    for (size_t n = 0; n < sent.size() && n < results.size(); ++n) {
      results[n].ok() ? succeed(sent[n], done(refs[n].key))
                      : failed_outcome(sent[n], results[n].error());
    }
  }

  // The property writes apply_issue left for last, many issues to a request.
  void write_deferred_properties() {
    std::vector<Deferred> batch;
    {
      std::lock_guard lock(mu_);
      batch.swap(deferred_);
    }
    if (batch.empty()) return;
    if (stopped_) {
      for (const auto& d : batch) {
        if (d.record_op) fail(*d.record_op, stop_reason());
      }
      return;
    }
    std::vector<std::pair<tracker::IssueRef, std::string>> values;
    for (const auto& d : batch) values.push_back({{d.key, d.id}, d.json});
    auto results = tracker_.set_properties(values, tracker::kPropertyKey);
    for (size_t n = 0; n < batch.size() && n < results.size(); ++n) {
      const auto& d = batch[n];
      property_written(d.key, results[n], d.record_op, d.comments_changed, d.first_op);
    }
  }

  const plan::Plan& plan_;
  tracker::Tracker& tracker_;
  const ExecutorOptions& o_;
  OperationLog* log_;
  std::map<std::string, const tracker::RemoteIssue*> remote_;

  std::mutex mu_;
  ExecutionReport report_;
  std::atomic<size_t> done_{0};
  size_t total_ = 0;
  std::map<bool, tracker::RemoteStatus> initial_;  // by "is a sub-task"
  std::atomic<bool> stopped_{false};       // the journal failed or the lease was lost: send no more
  std::set<std::string> unknown_creates_;  // identities whose create is unknown
  // The three-way base a new issue was created with (its property holds it), by key.
  std::map<std::string, std::map<std::string, std::string>> created_base_;
  std::mutex status_mu_;
  std::optional<std::vector<tracker::RemoteStatus>> statuses_;

  // The tracker's bulk API (tracker::Tracker::bulk): transitions and deletes of many issues in
  // one request, property writes gathered at the end of each phase.
  bool bulk_ = false;
  std::set<std::string> unstamped_;
  // Filled before a phase's issues are applied, read (not changed) while they are.
  std::map<size_t, Walked> walked_;        // transition operations a bulk walk made, by index
  std::set<size_t> handled_;               // operations done (or failed) before their issue's turn
  std::vector<Deferred> deferred_;         // property writes left for the end of the phase
  std::map<std::string, Resume> resume_;   // issues whose first part is applied (under mu_)
  std::map<size_t, std::string> task_of_;  // operation → the bulk task it went in (under mu_)
  std::map<std::string, std::string> created_ids_;  // key → id of the issues this run created
};

}  // namespace

size_t ExecutionReport::unknown() const {
  return static_cast<size_t>(std::count_if(failures.begin(), failures.end(),
                                           [](const Failure& f) { return f.unknown(); }));
}

ExecutionReport execute(const plan::Plan& plan, const tracker::EpicSnapshot& before,
                        tracker::Tracker& tracker, const ExecutorOptions& options,
                        OperationLog* log) {
  return Run(plan, before, tracker, options, log).go();
}

}  // namespace epicsync::sync
