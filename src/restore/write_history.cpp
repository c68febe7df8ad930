#include "restore/write_history.h"

namespace epicsync::restore {
namespace {

using nlohmann::json;

std::string text(const json& j, const char* name) {
  if (!j.is_object() || !j.contains(name) || !j[name].is_string()) return {};
  return j[name].get<std::string>();
}

struct Op {
  json intent;
  std::optional<json> outcome;
};

// The issue an operation wrote to: its key in the plan, the key its outcome names, or the issue
// created in the same history under the identity it refers to.
std::string key_of(const WriteHistory& h, const Op& op) {
  if (std::string k = text(op.intent, "issue"); !k.empty()) return k;
  if (op.outcome) {
    if (std::string k = text(*op.outcome, "key"); !k.empty()) return k;
  }
  const json sent = op.intent.value("sent", json::object());
  const std::string identity = text(sent, "identity_of_issue");
  auto it = h.created.find(identity);
  return it == h.created.end() ? std::string() : it->second;
}

void apply(WriteHistory& h, const Op& op) {
  const std::string kind = text(op.intent, "kind");
  const json sent = op.intent.value("sent", json::object());
  // Three outcomes: done, refused (nothing written), unknown (maybe written, like an intent
  // without an outcome).
  const bool unknown = op.outcome && op.outcome->value("unknown", false);
  const bool done = op.outcome.has_value() && !unknown;
  const bool failed = done && !op.outcome->value("ok", false);
  if (failed) return;  // the tracker refused it: nothing was written

  if (kind == "create_story" || kind == "create_subtask") {
    const std::string identity = text(sent, "identity");
    if (!done) {
      if (!identity.empty()) h.pending_creates.insert(identity);
      return;
    }
    const std::string key = text(*op.outcome, "key");
    if (key.empty()) return;
    IssueWrites& w = h.issues[key];
    w.created = true;
    w.created_with = sent;
    for (const char* f : {"summary", "description", "points", "priority", "labels", "assignee"}) {
      if (sent.contains(f)) w.fields[f].add(sent[f], true);
    }
    if (!identity.empty()) {
      h.created[identity] = key;
      h.pending_creates.erase(identity);
    }
    if (std::string old = text(sent, "replaces"); !old.empty()) h.recreated[old] = key;
    return;
  }

  const std::string key = key_of(h, op);
  if (key.empty()) return;  // an operation on an issue whose create never finished
  IssueWrites& w = h.issues[key];
  if (kind == "update") {
    for (const auto& [field, value] : sent.items()) {
      if (field != "identity_of_issue") w.fields[field].add(value, done);
    }
  } else if (kind == "transition") {
    json reached = nullptr;
    if (done && op.outcome->contains("path") && (*op.outcome)["path"].is_array() &&
        !(*op.outcome)["path"].empty()) {
      reached = (*op.outcome)["path"].back();
    } else if (sent.contains("status")) {
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
  } else if (kind == "add_comment" || kind == "update_comment") {
    if (done) {
      if (std::string id = text(*op.outcome, "comment_id"); !id.empty())
        w.comments_added.insert(id);
      if (std::string old = text(*op.outcome, "replaced"); !old.empty()) {
        w.comments_removed.insert(old);
      }
    } else {
      w.comments_pending.push_back(text(sent, "markdown"));
      // Perhaps: the replacement may have gone through.
      if (std::string old = text(sent, "replaces"); !old.empty()) w.comments_removed.insert(old);
    }
    w.property_written = true;
  } else if (kind == "add_link") {
    w.links_added.insert({text(sent, "phrase"), text(sent, "target")});
  } else if (kind == "record_identity" || kind == "set_property") {
    w.property_written = true;
  } else if (kind == "delete_link") {
    w.links_removed.insert({text(sent, "phrase"), text(sent, "target")});
  } else if (kind == "delete_issue") {
    w.deleted = true;
  } else if (kind == "delete_comment") {
    w.comments_removed.insert(text(sent, "comment_id"));
  } else if (kind == "restore_comment") {
    if (!done) {
      w.restores_pending = true;
      return;
    }
    const std::string id = text(*op.outcome, "comment_id");
    w.comments_restored[text(sent, "comment_id")] = id;
    w.comments_added.insert(id);
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

void add_journal(WriteHistory& history, const backup::Journal& journal) {
  std::vector<std::string> order;
  std::map<std::string, Op> ops;
  for (const auto& r : journal.records) {
    if (r.phase == backup::Phase::kIntent) {
      if (!ops.count(r.op)) order.push_back(r.op);
      ops[r.op] = Op{r.data, std::nullopt};
    } else if (auto it = ops.find(r.op); it != ops.end()) {
      it->second.outcome = r.data;
    }
  }
  // Creates first: the later operations of a new issue find it by the identity they name.
  for (const auto& id : order) {
    const std::string kind = text(ops[id].intent, "kind");
    if (kind == "create_story" || kind == "create_subtask") apply(history, ops[id]);
  }
  for (const auto& id : order) {
    const std::string kind = text(ops[id].intent, "kind");
    if (kind != "create_story" && kind != "create_subtask") apply(history, ops[id]);
  }
  if (!journal.torn_tail.empty()) history.notes.push_back("journal: " + journal.torn_tail);
}

}  // namespace epicsync::restore
