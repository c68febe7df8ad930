#pragma once

#include <functional>
#include <map>
#include <set>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "model/epic.h"
#include "tracker/remote_issue.h"

namespace epicsync::pull {

// How the tracker's rich text becomes file markdown. Injected so this module knows no format
// (richtext provides the real one, see pull_text.h).
struct TextWriter {
  // The text as markdown that reads back with the same content. `fence` picks top-level blocks
  // that must be kept as `adf` fences because they would clash with the file's structure (a
  // heading that reads as a story); `fence_all` fences every block, the form that always reads
  // back unchanged. The level-3 headings the others leave are written at `section_level`: a
  // story's sections sit one level below its heading, and a story's composed description always
  // puts them at level 3.
  std::function<std::string(const tracker::RichText&,
                            const std::function<bool(const nlohmann::json&)>& fence, bool fence_all,
                            int section_level)>
      markdown;
  // Whether the tracker's text has the same content as this markdown (as a sync decides it).
  std::function<bool(const tracker::RichText&, const std::string&)> same;
};

struct WriteOptions {
  bool comments = false;  // --pull-comments
  // The custom fields jira.fields names, as the parser needs them to read the file back.
  std::vector<std::string> custom_fields;
};

// An issue the file cannot hold as the tracker has it, or a part of one: listed to the person,
// never dropped silently.
struct Note {
  std::string key;
  std::string what;
};

struct PulledEpic {
  std::string text;
  std::vector<Note> notes;
  // Story id → issue key, in file order.
  std::vector<std::pair<std::string, std::string>> stories;
  size_t subtasks = 0;
};

// The epic as an epic file (docs/markdown-format.md) that a sync reads back as the tracker's
// state: title, description and summary table, then every story with its key pinned, its fields,
// description (acceptance criteria and notes as sections), sub-tasks table, links, and with
// `comments` its comments. Descriptions are checked by reading the file back; one that does not
// read back is written again with every block fenced. Pure: no I/O.
PulledEpic write_epic(const tracker::EpicSnapshot& snapshot, const tracker::TrackerInfo& info,
                      const WriteOptions& options, const TextWriter& text);

// One story's block (its heading to its last section), as write_epic writes it, with the heading
// at `level` and the given story id: how --pull --story refreshes one story in place.
std::string write_story(const tracker::EpicSnapshot& snapshot, const tracker::TrackerInfo& info,
                        const tracker::RemoteIssue& story, const std::string& story_id, int level,
                        const WriteOptions& options, const TextWriter& text,
                        std::vector<Note>& notes);

// What a refreshed story keeps from the file's block, since the tracker does not hold it as the
// file wrote it: its Related Commits, its Attachments, and (unless the tracker's comments are
// pulled) its Comments; sections at `level` + 1, each after a blank line.
std::string carried_sections(const model::Story& story, int level, bool comments);

// Text escaped so that markdown reads it back as these characters (a title, a cell, a value):
// every ASCII punctuation that could start markup gets a backslash; in a table cell the pipe too.
std::string escape_inline(std::string_view text);

// A number as the file writes it, exactly: the shortest text that reads back as the same double.
std::string exact_number(double value);

}  // namespace epicsync::pull
