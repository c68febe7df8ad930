#include "restore/write_history.h"

namespace epicsync::restore {
namespace {

using backup::JournalOp;
using backup::Outcome;
using backup::WriteKind;
using nlohmann::json;

// The issue an operation wrote to: its key in the plan, the key its outcome names, or the issue
// created in the same history under the identity it refers to.
std::string key_of(const WriteHistory& h, const JournalOp& op) {
  if (!op.intent.issue.empty()) return op.intent.issue;
  if (op.outcome && !op.outcome->key.empty()) return op.outcome->key;
  auto it = h.created.find(op.intent.identity_of_issue);
  return it == h.created.end() ? std::string() : it->second;
}

void apply(WriteHistory& h, const JournalOp& op) {
  const json& sent = op.intent.sent;
  // Three outcomes: done, refused (nothing written), unknown (maybe written, like an intent
  // without an outcome).
  const bool done = op.outcome && op.outcome->outcome == Outcome::kDone;
  if (op.outcome && op.outcome->outcome == Outcome::kRefused) return;

  if (op.intent.creates()) {
    const std::string identity = op.intent.sent_text("identity");
    if (!done) {
      if (!identity.empty()) h.pending_creates.insert(identity);
      return;
    }
    const std::string& key = op.outcome->key;
    if (key.empty()) return;
    IssueWrites& w = h.issues[key];
    w.created = true;
    w.created_with = sent;
    for (const auto& [field, value] : sent.items()) {
      const bool managed = field == "summary" || field == "description" || field == "points" ||
                           field == "priority" || field == "labels" || field == "assignee" ||
                           tracker::field_of_journal_key(field);
      if (managed) w.fields[field].add(value, true);
    }
    if (!identity.empty()) {
      h.created[identity] = key;
      h.pending_creates.erase(identity);
    }
    if (std::string old = op.intent.sent_text("replaces"); !old.empty()) h.recreated[old] = key;
    return;
  }

  const std::string key = key_of(h, op);
  if (key.empty()) return;  // an operation on an issue whose create never finished
  IssueWrites& w = h.issues[key];
  switch (op.intent.kind) {
    case WriteKind::kUpdate:
      for (const auto& [field, value] : sent.items()) w.fields[field].add(value, done);
      // A sync's update and transition record the three-way base in the property, with the
      // write or after it: undoing them puts the property back too.
      w.property_written = true;
      break;
    case WriteKind::kTransition: {
      w.property_written = true;
      json reached = nullptr;
      if (done && op.outcome->path && !op.outcome->path->empty()) {
        reached = op.outcome->path->back();
      } else if (sent.contains("status") && sent["status"].is_object()) {
        reached = sent["status"].value("name", "");
      }
      if (!w.status) w.status = Written{};
      if (done && reached.is_null()) {
        w.status->anywhere = true;  // an older journal without the path
      } else {
        w.status->add(reached, done);
      }
      // A walk without an answer may have stopped on any status along the way.
      if (!done) w.status->anywhere = true;
      break;
    }
    case WriteKind::kAddComment:
    case WriteKind::kUpdateComment:
      if (done) {
        if (!op.outcome->comment_id.empty()) w.comments_added.insert(op.outcome->comment_id);
        if (!op.outcome->replaced.empty()) w.comments_removed.insert(op.outcome->replaced);
      } else {
        w.comments_pending.push_back(op.intent.sent_text("markdown"));
        // Perhaps: the replacement may have gone through.
        if (std::string old = op.intent.sent_text("replaces"); !old.empty())
          w.comments_removed.insert(old);
      }
      w.property_written = true;
      break;
    case WriteKind::kAddLink:
      w.links_added.insert({op.intent.sent_text("phrase"), op.intent.sent_text("target")});
      break;
    case WriteKind::kRecordIdentity:
    case WriteKind::kSetProperty:
      w.property_written = true;
      break;
    case WriteKind::kDeleteLink:
      w.links_removed.insert({op.intent.sent_text("phrase"), op.intent.sent_text("target")});
      break;
    case WriteKind::kDeleteIssue:
      w.deleted = true;
      break;
    case WriteKind::kDeleteComment:
      w.comments_removed.insert(op.intent.sent_text("comment_id"));
      break;
    case WriteKind::kRestoreComment:
      if (!done) {
        w.restores_pending = true;
        break;
      }
      w.comments_restored[op.intent.sent_text("comment_id")] = op.outcome->comment_id;
      w.comments_added.insert(op.outcome->comment_id);
      break;
    case WriteKind::kCreateStory:
    case WriteKind::kCreateSubtask:
      break;
  }
}

}  // namespace

void Written::add(const json& v, bool done) {
  value = v;
  confirmed = done;
  if (done) {
    possible = {v};
    anywhere = false;
  } else {
    possible.push_back(v);
  }
}

const IssueWrites* WriteHistory::find(const std::string& key) const {
  auto it = issues.find(key);
  return it == issues.end() ? nullptr : &it->second;
}

Result<tracker::Done> add_journal(WriteHistory& history, const backup::Journal& journal) {
  auto ops = backup::journal_ops(journal);
  if (!ops) return ops.error();
  // Creates first: the later operations of a new issue find it by the identity they name.
  for (const auto& op : *ops) {
    if (op.intent.creates()) apply(history, op);
  }
  for (const auto& op : *ops) {
    if (!op.intent.creates()) apply(history, op);
  }
  if (!journal.torn_tail.empty()) history.notes.push_back("journal: " + journal.torn_tail);
  return tracker::Done{};
}

}  // namespace epicsync::restore
