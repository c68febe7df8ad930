#pragma once

#include <optional>
#include <string>
#include <vector>

#include "model/source_pos.h"
#include "model/vocabulary.h"

namespace epicsync::model {

// Every optional field below follows one rule: absent means "the markdown does not manage this
// field, leave the tracker's value alone", never "reset it".

struct Criterion {
  std::string text;  // inline markdown
  bool checked = false;
  SourcePos pos;
  friend bool operator==(const Criterion&, const Criterion&) = default;
};

struct Subtask {
  std::optional<int> number;
  std::string name;         // plain text: it becomes the tracker's one-line summary
  std::string description;  // inline markdown
  std::optional<double> points;
  std::optional<Status> status;
  std::optional<std::string> tracker_key;  // pins the row to an existing sub-task
  std::optional<std::string> local_id;     // a stable id such as US-001-02
  SourcePos pos;
  // Where a tool that pins the key (--update-source) writes it: a table row's table (its header
  // line, its column count and its Key column, -1 when it has none), or for a task-list item
  // (table_line 0) a trailing "(PROJ-12)".
  int table_line = 0;
  int table_columns = 0;
  int key_column = -1;
  friend bool operator==(const Subtask&, const Subtask&) = default;
};

struct Commit {
  std::string sha;
  std::string message;  // inline markdown
  SourcePos pos;
  friend bool operator==(const Commit&, const Commit&) = default;
};

struct Comment {
  std::string author;  // without the leading @, empty when the quote names nobody
  std::string date;    // as written, empty when absent
  std::string body;    // markdown
  SourcePos pos;
  friend bool operator==(const Comment&, const Comment&) = default;
};

struct IssueLink {
  std::string type;    // as written, lower case: "blocks", "relates to", "is blocked by"
  std::string target;  // a tracker key
  SourcePos pos;
  friend bool operator==(const IssueLink&, const IssueLink&) = default;
};

struct Attachment {
  std::string name;
  std::string path;  // relative to the markdown file, as written
  SourcePos pos;
  friend bool operator==(const Attachment&, const Attachment&) = default;
};

// A section the format does not give a meaning to; it stays in the description under its own
// heading, and Technical Notes / Acceptance Criteria keep their source here as well so the
// description that is sent loses nothing the author wrote.
struct Section {
  std::string heading;   // as written, without the #'s
  std::string markdown;  // the section's body, byte for byte from the file
  SourcePos pos;
  friend bool operator==(const Section&, const Section&) = default;
};

struct Field {
  std::string name;  // as written
  std::string value;
  SourcePos pos;
  friend bool operator==(const Field&, const Field&) = default;
};

// A field of the field table as the file writes it: Components, Fix Versions, Due Date, or a
// custom field named in the configuration (jira.fields). The value is checked against the
// field's kind and allowed values when the plan is made: only the tracker knows them.
struct FieldSetting {
  std::string field;  // the table's name for it: "Components", or the jira.fields name
  std::string name;   // as written
  std::string value;  // as written, decoration removed; "-" clears the field
  SourcePos pos;      // of the value
  friend bool operator==(const FieldSetting&, const FieldSetting&) = default;
};

// How the story's description sections were written, in file order, so that the composed
// description keeps the author's order.
enum class SectionKind { kDescription, kAcceptanceCriteria, kTechnicalNotes, kOther };

struct DescriptionPart {
  SectionKind kind = SectionKind::kOther;
  Section section;
  friend bool operator==(const DescriptionPart&, const DescriptionPart&) = default;
};

// How a story's metadata was written, so a tool that adds a field (the tracker key) writes it
// the same way the author did.
enum class MetadataStyle { kNone, kTable, kBoldLines, kQuote };

struct Story {
  std::string id;  // US-001, PROJ-42 or #123
  std::string title;
  int heading_level = 3;
  SourcePos pos;

  std::optional<double> points;
  std::optional<Priority> priority;
  std::optional<Status> status;
  std::optional<std::string> assignee;
  std::optional<std::vector<std::string>> labels;
  std::optional<std::string> tracker_key;
  SourcePos tracker_key_pos;
  std::vector<FieldSetting> fields;  // in file order; a field named twice: the last one
  MetadataStyle metadata_style = MetadataStyle::kNone;
  int metadata_last_line = 0;  // the last line of the metadata blocks; 0 when there are none

  std::string description;  // markdown source of the Description / User Story section
  std::vector<Criterion> acceptance_criteria;
  std::string technical_notes;  // markdown source
  std::vector<DescriptionPart> description_parts;
  std::vector<Subtask> subtasks;
  std::vector<Commit> commits;
  std::vector<Comment> comments;
  std::vector<IssueLink> links;
  std::vector<Attachment> attachments;
  std::vector<Field> unknown_fields;
  friend bool operator==(const Story&, const Story&) = default;
};

struct Epic {
  std::string title;  // from the H1, decoration removed
  SourcePos title_pos;
  std::optional<std::string> key;  // the Epic Key field; --epic on the command line wins
  std::string description;         // markdown source of the free text outside stories
  std::vector<Field> metadata;     // every row of the Epic Summary table, as written
  std::optional<Status> status;
  std::optional<Priority> priority;
  std::optional<std::vector<std::string>> labels;
  std::vector<FieldSetting> fields;
  std::vector<Story> stories;
  friend bool operator==(const Epic&, const Epic&) = default;
};

}  // namespace epicsync::model
