#pragma once

#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "backup/journal_record.h"
#include "tracker/tracker.h"

namespace epicsync::restore {

// What epicsync wrote to the tracker since a backup, read from the journals of that backup and
// of every later one: the baseline for drift protection (a field that no longer holds what
// epicsync wrote was changed by someone else) and the list of what a rollback undoes.

// One value as epicsync wrote it, in the journal's "sent" form (backup/journal_record.h).
struct Written {
  nlohmann::json value;  // the last value written or attempted
  // False when the journal holds the intent but no outcome (the run was killed, or the answer
  // was lost): the write may or may not have happened.
  bool confirmed = true;
  // Every value the tracker may hold because of epicsync: the last confirmed write and each one
  // attempted after it.
  std::vector<nlohmann::json> possible;
  // A workflow walk that was interrupted: the issue may stand on any status along the way.
  bool anywhere = false;

  // Records a write on top of what was written before.
  void add(const nlohmann::json& v, bool done);
};

struct IssueWrites {
  std::map<std::string, Written> fields;   // "summary", "description", … : the last write
  std::optional<Written> status;           // value: the status name reached (null: unknown)
  bool created = false;                    // epicsync created the issue since the backup
  nlohmann::json created_with;             // the create's fields ("sent"), when created
  std::set<std::string> comments_added;    // comment ids epicsync posted
  std::set<std::string> comments_removed;  // comment ids epicsync deleted (replaced, rolled back)
  std::map<std::string, std::string> comments_restored;  // a backup's comment id → its new id
  // Markdown of comments posted without an answer: they may exist, under an unknown id.
  std::vector<std::string> comments_pending;
  bool restores_pending = false;  // a comment put back without an answer: found by its body
  std::set<std::pair<std::string, std::string>> links_added;    // (phrase, other issue)
  std::set<std::pair<std::string, std::string>> links_removed;  // (phrase, other issue)
  bool property_written = false;
  bool deleted = false;
};

struct WriteHistory {
  std::map<std::string, IssueWrites> issues;     // by issue key
  std::map<std::string, std::string> created;    // identity → key of issues epicsync created
  std::set<std::string> pending_creates;         // identities whose create has no outcome
  std::map<std::string, std::string> recreated;  // a deleted issue's key → its new key
  std::vector<std::string> notes;                // torn journal tails and the like

  const IssueWrites* find(const std::string& key) const;
  // Whether `key` carries any write at all.
  bool touched(const std::string& key) const { return find(key) != nullptr; }
};

// Adds one run's journal to the history. Journals are added oldest first, so a later write of a
// field replaces an earlier one. kInputFile when a record cannot be read (a newer version).
Result<tracker::Done> add_journal(WriteHistory& history, const backup::Journal& journal);

}  // namespace epicsync::restore
