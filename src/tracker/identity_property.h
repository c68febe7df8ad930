#pragma once

#include <map>
#include <string>

#include "tracker/remote_issue.h"

namespace epicsync::tracker {

// What epicsync records on each issue it manages, in one issue property, so that identity
// survives renames and comments are added once:
//   {"id": "US-001", "epic": "PROJ-1", "comments": {"commits": {"hash": "…", "id": "10042"}, …},
//    "base": {"summary": "Guest checkout", "points": "3", "status": "inprogress", …},
//    "run": "20261207T231500Z-3f9a1c", "created_by": "20261201T090000Z-77ab01"}
inline constexpr const char* kPropertyKey = "epicsync";

struct CommentRecord {
  std::string hash;  // of the markdown that was posted
  std::string id;    // the tracker's comment id
  friend bool operator==(const CommentRecord&, const CommentRecord&) = default;
};

struct IdentityProperty {
  std::string id;  // a story id, or a sub-task's stable id
  // The epic whose file manages the issue: an issue moved to another epic is not that epic's to
  // prune. Empty on issues recorded before epicsync wrote it.
  std::string epic;
  std::map<std::string, CommentRecord> comments;
  // The three-way base: per managed field, the file's value (canonical text, a fingerprint for
  // the description) that epicsync last wrote or found in step. A tracker value that no longer
  // matches it was changed by someone else since, so a sync does not overwrite it unasked.
  std::map<std::string, std::string> base = {};
  // The run trace: the last epicsync run that wrote the issue, and the run that created it
  // (kept for the issue's life). Run ids name entries of the epic's run record (--list-runs),
  // so a rollback without a local backup finds what a run created and touched.
  std::string run = {};
  std::string created_by = {};
  // What fields the run named by `run` changed held before it, where Jira's changelog does not
  // keep it exactly (a Cloud description: the changelog has a text rendition, not the ADF), so
  // that a rollback without a local backup puts it back exactly. Field → JSON text.
  std::map<std::string, std::string> prior = {};
  friend bool operator==(const IdentityProperty&, const IdentityProperty&) = default;
};

// The property of an issue; empty when it has none or it cannot be read.
IdentityProperty identity_property(const RemoteIssue& issue);
std::string identity_of(const RemoteIssue& issue);
std::string to_json_text(const IdentityProperty& property);

}  // namespace epicsync::tracker
