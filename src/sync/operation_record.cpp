#include "sync/operation_record.h"

namespace epicsync::sync {
namespace {

nlohmann::json raw_json(const tracker::RichText& t) {
  const char* format = t.format == tracker::RichText::Format::kAdf    ? "adf"
                       : t.format == tracker::RichText::Format::kWiki ? "wiki"
                                                                      : "empty";
  return {{"format", format}, {"raw", t.raw}};
}

nlohmann::json status_json(const tracker::RemoteStatus& s) {
  return {{"id", s.id}, {"name", s.name}};
}

backup::WriteKind write_kind(plan::OpKind kind) {
  using backup::WriteKind;
  switch (kind) {
    case plan::OpKind::kCreateStory:
      return WriteKind::kCreateStory;
    case plan::OpKind::kCreateSubtask:
      return WriteKind::kCreateSubtask;
    case plan::OpKind::kUpdate:
      return WriteKind::kUpdate;
    case plan::OpKind::kTransition:
      return WriteKind::kTransition;
    case plan::OpKind::kAddComment:
      return WriteKind::kAddComment;
    case plan::OpKind::kUpdateComment:
      return WriteKind::kUpdateComment;
    case plan::OpKind::kAddLink:
      return WriteKind::kAddLink;
    case plan::OpKind::kRecordIdentity:
      return WriteKind::kRecordIdentity;
    case plan::OpKind::kDeleteIssue:
      return WriteKind::kDeleteIssue;
    case plan::OpKind::kDeleteComment:
      return WriteKind::kDeleteComment;
    case plan::OpKind::kRestoreComment:
      return WriteKind::kRestoreComment;
    case plan::OpKind::kDeleteLink:
      return WriteKind::kDeleteLink;
    case plan::OpKind::kSetProperty:
      return WriteKind::kSetProperty;
  }
  return WriteKind::kUpdate;
}

}  // namespace

nlohmann::json sent_fields(const tracker::FieldChanges& c) {
  nlohmann::json sent = nlohmann::json::object();
  if (c.summary) sent["summary"] = *c.summary;
  if (c.description_raw) {
    sent["description"] = raw_json(*c.description_raw);
  } else if (c.description_markdown) {
    sent["description"] = {{"markdown", *c.description_markdown}};
  }
  if (c.points) sent["points"] = *c.points ? nlohmann::json(**c.points) : nlohmann::json(nullptr);
  if (c.priority_name) sent["priority"] = *c.priority_name;
  if (c.labels) sent["labels"] = *c.labels;
  if (c.assignee) sent["assignee"] = *c.assignee;
  for (const auto& [key, value] : c.fields) sent[tracker::journal_key(key)] = value;
  return sent;
}

nlohmann::json sent_fields(const tracker::IssueDraft& d) {
  nlohmann::json sent = {{"summary", d.summary}};
  if (d.description_raw) {
    sent["description"] = raw_json(*d.description_raw);
  } else {
    sent["description"] = {{"markdown", d.description_markdown}};
  }
  if (d.points) sent["points"] = *d.points;
  if (d.priority_name) sent["priority"] = *d.priority_name;
  if (d.labels) sent["labels"] = *d.labels;
  if (d.assignee) sent["assignee"] = *d.assignee;
  for (const auto& [key, value] : d.fields) {
    if (!value.empty()) sent[tracker::journal_key(key)] = value;
  }
  return sent;
}

backup::IntentRecord intent_record(const plan::Operation& op) {
  nlohmann::json sent = nlohmann::json::object();
  switch (op.kind) {
    case plan::OpKind::kCreateStory:
    case plan::OpKind::kCreateSubtask:
      sent = sent_fields(op.draft);
      sent["identity"] = op.draft.identity;
      if (!op.replaces_key.empty()) sent["replaces"] = op.replaces_key;
      if (!op.parent_story_id.empty()) sent["parent_story"] = op.parent_story_id;
      break;
    case plan::OpKind::kUpdate:
      sent = sent_fields(op.changes);
      break;
    case plan::OpKind::kTransition:
      if (op.target_status) sent["status"] = status_json(*op.target_status);
      sent["cancel"] = op.target_status ? op.cancel : op.target == model::StatusMeaning::kCancelled;
      break;
    case plan::OpKind::kAddComment:
    case plan::OpKind::kUpdateComment:
      // The text too: a post whose answer is lost is recognised by it on the issue.
      sent = {{"comment_key", op.comment_key},
              {"hash", op.comment_hash},
              {"markdown", op.comment_markdown}};
      if (!op.comment_id.empty()) sent["replaces"] = op.comment_id;
      break;
    case plan::OpKind::kAddLink:
      sent = {{"phrase", op.link_phrase}, {"target", op.link_target}};
      break;
    case plan::OpKind::kRecordIdentity:
    case plan::OpKind::kSetProperty:
      sent = {{"property", op.property_json}};
      break;
    case plan::OpKind::kDeleteIssue:
      sent = {{"with_subtasks", op.with_subtasks}};
      break;
    case plan::OpKind::kDeleteComment:
    case plan::OpKind::kRestoreComment:
      sent = {{"comment_id", op.comment_id}};
      break;
    case plan::OpKind::kDeleteLink:
      sent = {{"link_id", op.link_id}, {"phrase", op.link_phrase}, {"target", op.link_target}};
      break;
  }
  backup::IntentRecord r;
  r.kind = write_kind(op.kind);
  r.issue = op.issue_key;
  r.story = op.story_id;
  // Where a new issue's later operations find it: its identity (a story id or a sub-task's).
  if (op.issue_key.empty()) {
    r.identity_of_issue = op.draft.identity.empty() ? op.story_id : op.draft.identity;
  }
  r.sent = std::move(sent);
  return r;
}

}  // namespace epicsync::sync
