#include "backup/journal_record.h"

#include <array>
#include <map>
#include <utility>

namespace epicsync::backup {
namespace {

using nlohmann::json;

constexpr std::array<std::pair<WriteKind, std::string_view>, 13> kKinds{{
    {WriteKind::kCreateStory, "create_story"},
    {WriteKind::kCreateSubtask, "create_subtask"},
    {WriteKind::kUpdate, "update"},
    {WriteKind::kTransition, "transition"},
    {WriteKind::kAddComment, "add_comment"},
    {WriteKind::kUpdateComment, "update_comment"},
    {WriteKind::kAddLink, "add_link"},
    {WriteKind::kRecordIdentity, "record_identity"},
    {WriteKind::kDeleteIssue, "delete_issue"},
    {WriteKind::kDeleteComment, "delete_comment"},
    {WriteKind::kRestoreComment, "restore_comment"},
    {WriteKind::kDeleteLink, "delete_link"},
    {WriteKind::kSetProperty, "set_property"},
}};

Error damaged_record(const std::string& what) {
  return Error{ErrorKind::kInputFile, "journal record: " + what,
               "the backup may be damaged; check it with --verify-backups"};
}

// A string member, "" when absent or null; an error when it is something else.
bool string_member(const json& j, const char* name, std::string& out) {
  auto it = j.find(name);
  if (it == j.end() || it->is_null()) return true;
  if (!it->is_string()) return false;
  out = it->get<std::string>();
  return true;
}

// Version 1 had no "v"; a record that names one must be one this epicsync understands.
Result<int> version_of(const json& data) {
  if (!data.is_object()) return damaged_record("not a JSON object");
  auto v = data.find("v");
  if (v == data.end()) return 1;
  if (!v->is_number_integer() || v->get<int>() < 2) return damaged_record("invalid version");
  const int version = v->get<int>();
  if (version > kJournalRecordVersion) {
    return Error{ErrorKind::kInputFile,
                 "journal record version " + std::to_string(version) +
                     " is newer than this epicsync understands (up to " +
                     std::to_string(kJournalRecordVersion) + ")",
                 "upgrade epicsync to read this backup"};
  }
  return version;
}

}  // namespace

std::string_view write_kind_id(WriteKind kind) {
  for (const auto& [k, id] : kKinds) {
    if (k == kind) return id;
  }
  return "update";
}

std::optional<WriteKind> write_kind_from_id(std::string_view id) {
  for (const auto& [k, name] : kKinds) {
    if (name == id) return k;
  }
  return std::nullopt;
}

std::string_view outcome_id(Outcome outcome) {
  switch (outcome) {
    case Outcome::kDone:
      return "done";
    case Outcome::kRefused:
      return "refused";
    case Outcome::kUnknown:
      return "unknown";
  }
  return "unknown";
}

std::string IntentRecord::sent_text(const char* name) const {
  auto it = sent.find(name);
  return it != sent.end() && it->is_string() ? it->get<std::string>() : std::string();
}

json to_json(const IntentRecord& r) {
  json j = {{"v", kJournalRecordVersion}, {"kind", write_kind_id(r.kind)}};
  if (!r.issue.empty()) j["issue"] = r.issue;
  if (!r.story.empty()) j["story"] = r.story;
  if (!r.identity_of_issue.empty()) j["identity_of_issue"] = r.identity_of_issue;
  j["sent"] = r.sent.is_object() ? r.sent : json::object();
  return j;
}

json to_json(const OutcomeRecord& r) {
  json j = {{"v", kJournalRecordVersion}, {"outcome", outcome_id(r.outcome)}};
  for (const auto& [name, value] : {std::pair<const char*, const std::string*>{"key", &r.key},
                                    {"id", &r.id},
                                    {"comment_id", &r.comment_id},
                                    {"replaced", &r.replaced},
                                    {"restores", &r.restores},
                                    {"task", &r.task},
                                    {"error", &r.error}}) {
    if (!value->empty()) j[name] = *value;
  }
  if (r.path) j["path"] = *r.path;
  return j;
}

Result<IntentRecord> read_intent(const json& data) {
  auto version = version_of(data);
  if (!version) return version.error();
  IntentRecord r;
  std::string kind;
  if (!string_member(data, "kind", kind)) return damaged_record("\"kind\" is not a string");
  auto k = write_kind_from_id(kind);
  if (!k) return damaged_record("unknown kind \"" + kind + "\"");
  r.kind = *k;
  if (!string_member(data, "issue", r.issue) || !string_member(data, "story", r.story)) {
    return damaged_record("\"issue\" or \"story\" is not a string");
  }
  if (auto sent = data.find("sent"); sent != data.end() && sent->is_object()) r.sent = *sent;
  if (*version == 1) {
    // Version 1 kept the new issue's identity among the values sent.
    if (auto it = r.sent.find("identity_of_issue"); it != r.sent.end()) {
      if (it->is_string()) r.identity_of_issue = it->get<std::string>();
      r.sent.erase(it);
    }
  } else if (!string_member(data, "identity_of_issue", r.identity_of_issue)) {
    return damaged_record("\"identity_of_issue\" is not a string");
  }
  return r;
}

Result<OutcomeRecord> read_outcome(const json& data) {
  auto version = version_of(data);
  if (!version) return version.error();
  OutcomeRecord r;
  if (*version == 1) {
    // {"ok": true, …}, {"ok": false, "error"} or {"ok": false, "unknown": true, "error"}.
    const bool unknown = data.value("unknown", false) == true;
    const bool ok = data.value("ok", false) == true;
    r.outcome = unknown ? Outcome::kUnknown : ok ? Outcome::kDone : Outcome::kRefused;
  } else {
    std::string outcome;
    if (!string_member(data, "outcome", outcome))
      return damaged_record("\"outcome\" is not a string");
    if (outcome == "done") {
      r.outcome = Outcome::kDone;
    } else if (outcome == "refused") {
      r.outcome = Outcome::kRefused;
    } else if (outcome == "unknown") {
      r.outcome = Outcome::kUnknown;
    } else {
      return damaged_record("unknown outcome \"" + outcome + "\"");
    }
  }
  for (const auto& [name, value] : {std::pair<const char*, std::string*>{"key", &r.key},
                                    {"id", &r.id},
                                    {"comment_id", &r.comment_id},
                                    {"replaced", &r.replaced},
                                    {"restores", &r.restores},
                                    {"task", &r.task},
                                    {"error", &r.error}}) {
    if (!string_member(data, name, *value))
      return damaged_record(std::string("\"") + name + "\" is not a string");
  }
  if (auto path = data.find("path"); path != data.end() && path->is_array()) {
    r.path.emplace();
    for (const auto& s : *path) {
      if (!s.is_string()) return damaged_record("\"path\" holds a value that is not a status name");
      r.path->push_back(s.get<std::string>());
    }
  }
  return r;
}

Result<std::vector<JournalOp>> journal_ops(const Journal& journal,
                                           std::vector<std::string>* skipped) {
  std::vector<JournalOp> ops;
  std::map<std::string, size_t, std::less<>> index;
  for (const auto& record : journal.records) {
    const auto where = [&](const Error& e) {
      Error named = e;
      named.message = "record " + std::to_string(record.seq) + " (" + record.op + "): " + e.message;
      return named;
    };
    auto it = index.find(record.op);
    if (record.phase == Phase::kIntent) {
      auto intent = read_intent(record.data);
      if (!intent && skipped) {
        skipped->push_back(where(intent.error()).message);
        continue;
      }
      if (!intent) return where(intent.error());
      if (it == index.end()) {
        index.emplace(record.op, ops.size());
        ops.push_back(JournalOp{record.op, std::move(*intent), record.at, std::nullopt, {}});
      } else {
        // The same operation sent again (a continued run): the newer intent is what counts.
        JournalOp& op = ops[it->second];
        op.intent = std::move(*intent);
        op.intent_at = record.at;
        op.outcome.reset();
      }
      continue;
    }
    if (it == index.end()) continue;  // an outcome without an intent: the writer never makes one
    auto outcome = read_outcome(record.data);
    if (!outcome && skipped) {
      skipped->push_back(where(outcome.error()).message);
      continue;
    }
    if (!outcome) return where(outcome.error());
    ops[it->second].outcome = std::move(*outcome);
    ops[it->second].outcome_at = record.at;
  }
  return ops;
}

}  // namespace epicsync::backup
