#pragma once

#include <cmark-gfm.h>

#include <string>
#include <vector>

#include "cmark_nodes.h"
#include "model/diagnostic.h"
#include "model/epic.h"
#include "source_text.h"

namespace epicsync::markdown {

// What a story section's heading names.
enum class SectionRole {
  kDescription,
  kAcceptanceCriteria,
  kTechnicalNotes,
  kSubtasks,
  kCommits,
  kComments,
  kLinks,
  kAttachments,
  kOther,
};

SectionRole section_role(std::string_view heading_text);

// Collects diagnostics with their positions.
class Diagnostics {
 public:
  explicit Diagnostics(std::vector<model::Diagnostic>& out) : out_(out) {}
  void error(model::SourcePos pos, std::string message, std::string hint = {});
  void warning(model::SourcePos pos, std::string message, std::string hint = {});

 private:
  std::vector<model::Diagnostic>& out_;
};

// Readers for the blocks of one kind of section. Each returns true when it understood the block.
struct SectionReader {
  const SourceText& src;
  Diagnostics& diag;
  std::string project;  // see ParseOptions::project

  void read_criteria(const Block& list, std::vector<model::Criterion>& out) const;
  bool read_subtask_table(const Block& table, std::vector<model::Subtask>& out) const;
  void read_subtask_list(const Block& list, std::vector<model::Subtask>& out) const;
  bool read_commits(const Block& block, std::vector<model::Commit>& out) const;
  bool read_comment(const Block& quote, std::vector<model::Comment>& out) const;
  bool read_links(const Block& block, std::vector<model::IssueLink>& out) const;
  bool read_attachments(const Block& list, std::vector<model::Attachment>& out) const;

  // The inline markdown of a paragraph, from its first character to its last, lines joined by
  // a space (soft breaks are spaces to the reader anyway).
  std::string paragraph_markdown(const Block& context, cmark_node* paragraph) const;
  // The source of a table cell, byte for byte between the pipes, trimmed.
  std::string cell_markdown(const Block& context, cmark_node* cell) const;
  // Where a cell's content starts (cmark's cell column is the blank after the pipe).
  model::SourcePos cell_pos(const Block& context, cmark_node* cell) const;
};

// Table rows as lists of cells; the header row first.
std::vector<std::vector<cmark_node*>> table_rows(cmark_node* table);

}  // namespace epicsync::markdown
