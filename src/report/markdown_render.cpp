#include "report/markdown_render.h"

#include <algorithm>
#include <sstream>

#include "plan/display_text.h"
#include "report/plan_render.h"

namespace epicsync::report {
namespace {

// A fence longer than any run of backticks in the text, so the text cannot close it.
std::string fence_for(const std::string& text) {
  size_t longest = 0, run = 0;
  for (char c : text) {
    run = c == '`' ? run + 1 : 0;
    longest = std::max(longest, run);
  }
  return std::string(std::max<size_t>(3, longest + 1), '`');
}

void fenced(std::ostream& out, const std::string& text, const std::string& language) {
  const std::string fence = fence_for(text);
  out << fence << language << "\n" << text;
  if (!text.empty() && text.back() != '\n') out << "\n";
  out << fence << "\n";
}

// Text inside the HTML of <summary>: markdown is not read there, so HTML's escapes apply.
std::string html_escape(const std::string& text) {
  std::string out;
  for (char c : text) {
    if (c == '<') {
      out += "&lt;";
    } else if (c == '>') {
      out += "&gt;";
    } else if (c == '&') {
      out += "&amp;";
    } else if (c == '\n' || c == '\r') {
      out += ' ';
    } else {
      out += c;
    }
  }
  return out;
}

void count_row(std::ostream& out, const std::string& what, int n, bool always = true) {
  if (n > 0 || always) out << "| " << what << " | " << n << " |\n";
}

}  // namespace

// A list item's text: escaped, and a leading + or - escaped too, which would start a nested list.
std::string list_item(const std::string& text) {
  const std::string escaped = markdown_escape(text);
  if (!escaped.empty() && (escaped[0] == '+' || escaped[0] == '-')) return "\\" + escaped;
  return escaped;
}

std::string markdown_escape(const std::string& text) {
  std::string out;
  for (char c : text) {
    if (c == '\n' || c == '\r') {
      out += ' ';
      continue;
    }
    // Characters that start emphasis, code, links, HTML or table cells.
    if (std::string_view("\\`*_[]<>|#~").find(c) != std::string_view::npos) out += '\\';
    out += c;
  }
  return out;
}

std::string render_plan_markdown(const plan::Plan& p, const std::string& source) {
  std::ostringstream out;
  const std::string epic = markdown_escape(p.epic_key);
  if (!p.problems.empty()) {
    out << "### epicsync: the plan for " << epic << " cannot be made\n\n";
    for (const auto& problem : p.problems) out << "- " << markdown_escape(problem) << "\n";
    out << "\nNothing will be written until the file is fixed.\n";
    return out.str();
  }
  if (p.empty() && p.conflicts.empty()) {
    out << "### epicsync: " << epic << " is in step with " << markdown_escape(source) << "\n\n"
        << "Nothing to do: " << epic << " already says what the file says.\n";
  } else if (p.empty()) {
    out << "### epicsync: plan for " << epic << " from " << markdown_escape(source) << "\n\n"
        << "Nothing to write but the conflicts below.\n";
  } else {
    out << "### epicsync: plan for " << epic << " from " << markdown_escape(source) << "\n\n";
    const auto t = totals(p);
    out << "| change | count |\n|---|--:|\n";
    count_row(out, "stories to create", t.stories_created);
    count_row(out, "sub-tasks to create", t.subtasks_created);
    count_row(out, "issues to update", t.issues_updated);
    count_row(out, "transitions", t.transitions);
    count_row(out, "comments", t.comments);
    count_row(out, "links", t.links);
    count_row(out, "deletions", t.deletions, false);
    for (const auto& block : plan_blocks(p)) {
      out << "\n<details>\n<summary>" << html_escape(block.heading) << " ("
          << plan::plural(static_cast<long long>(block.lines.size()), "change", "changes")
          << ")</summary>\n\n";
      for (const auto& line : block.lines) {
        out << "- " << list_item(line.text) << "\n";
        if (!line.diff.empty()) {
          out << "\n";
          fenced(out, line.diff, "diff");
          out << "\n";
        }
      }
      out << "\n</details>\n";
    }
  }
  for (const auto& n : p.notes) out << "\n> **Note:** " << markdown_escape(n) << "\n";
  if (!p.orphans.empty()) {
    out << "\n#### In Jira, not in the file (" << p.orphans.size() << ")\n\n"
        << "| issue | summary | was | status | this run |\n|---|---|---|---|---|\n";
    for (const auto& o : p.orphans) {
      const std::string was = o.subtask ? "sub-task of " + o.parent_key : "story " + o.identity;
      const std::string action = o.action == "close"    ? "closed (--prune)"
                                 : o.action == "delete" ? "deleted (--prune)"
                                 : o.action == "closed" ? "closed already"
                                                        : "left alone";
      out << "| " << markdown_escape(o.key) << " | " << markdown_escape(o.summary) << " | "
          << markdown_escape(was) << " | " << markdown_escape(o.status) << " | " << action
          << " |\n";
    }
  }
  if (!p.conflicts.empty()) {
    out << "\n#### Conflicts: changed in Jira since epicsync wrote them (" << p.conflicts.size()
        << ")\n\n"
        << "Left alone; `--force` writes the file's values.\n\n"
        << "| issue | field | epicsync wrote | Jira now | the file |\n|---|---|---|---|---|\n";
    for (const auto& c : p.conflicts) {
      out << "| " << markdown_escape(c.issue) << " | " << markdown_escape(c.field) << " | "
          << markdown_escape(c.wrote) << " | " << markdown_escape(c.now) << " | "
          << markdown_escape(c.file) << " |\n";
    }
    for (const auto& c : p.conflicts) {
      if (c.diff.empty()) continue;
      // What the person changed, as the file would change it back.
      out << "\n<details>\n<summary>" << html_escape(c.issue + " " + c.field)
          << ": Jira's text → the file's</summary>\n\n";
      fenced(out, c.diff, "diff");
      out << "\n</details>\n";
    }
  }
  return out.str();
}

std::string render_restore_markdown(const plan::Plan& p, const std::string& what,
                                    const std::string& text_body) {
  std::ostringstream out;
  out << "### epicsync: " << markdown_escape(what) << "\n\n";
  if (p.empty() && p.conflicts.empty()) {
    out << "Nothing to put back: " << markdown_escape(p.epic_key)
        << " already holds what the backup holds.\n";
    return out.str();
  }
  out << "| | count |\n|---|--:|\n";
  out << "| writes | " << p.operations.size() << " |\n";
  out << "| issues | " << p.issues_affected() << " |\n";
  out << "| conflicts (left alone unless --force) | " << p.conflicts.size() << " |\n";
  if (!p.conflicts.empty()) {
    out << "\n| issue | field | epicsync wrote | now |\n|---|---|---|---|\n";
    for (const auto& c : p.conflicts) {
      out << "| " << markdown_escape(c.issue) << " | " << markdown_escape(c.field) << " | "
          << markdown_escape(c.wrote) << " | " << markdown_escape(c.now) << " |\n";
    }
  }
  out << "\n<details>\n<summary>every write</summary>\n\n";
  fenced(out, text_body, "text");
  out << "\n</details>\n";
  return out.str();
}

std::string render_diff_markdown(const SnapshotDiff& diff, const std::string& backup_id) {
  std::ostringstream out;
  out << "### epicsync: " << markdown_escape(diff.epic_key) << " since "
      << markdown_escape(backup_id) << "\n\n";
  if (diff.empty()) {
    out << "No differences.\n";
    return out.str();
  }
  const auto& t = diff.totals;
  out << "| change | count |\n|---|--:|\n";
  count_row(out, "issues changed", t.issues_changed);
  count_row(out, "stories added", t.stories_added, false);
  count_row(out, "stories gone", t.stories_gone, false);
  count_row(out, "sub-tasks added", t.subtasks_added, false);
  count_row(out, "sub-tasks gone", t.subtasks_gone, false);
  count_row(out, "status transitions", t.status_transitions, false);
  count_row(out, "comments added", t.comments_added, false);
  count_row(out, "comments removed", t.comments_removed, false);
  count_row(out, "comments edited", t.comments_edited, false);
  for (const auto& d : diff.issues) {
    std::string heading = d.key + " " + d.summary;
    if (d.change == IssueChange::kAdded) heading += " (new)";
    if (d.change == IssueChange::kGone) heading += " (gone)";
    out << "\n<details>\n<summary>" << html_escape(heading) << "</summary>\n\n";
    for (const auto& f : d.fields) {
      out << "- " << markdown_escape(f.field) << ": "
          << markdown_escape(f.before.empty() ? "-" : f.before) << " → "
          << markdown_escape(f.after.empty() ? "-" : f.after) << "\n";
    }
    if (d.status) {
      out << "- Status: " << markdown_escape(d.status->from) << " → "
          << markdown_escape(d.status->to) << "\n";
    }
    if (!d.comments.empty()) {
      out << "- Comments: " << d.comments.added << " added, " << d.comments.removed << " removed, "
          << d.comments.edited << " edited\n";
    }
    for (const auto& l : d.links_added) {
      out << "- link added: " << markdown_escape(l.phrase + " " + l.other_key) << "\n";
    }
    for (const auto& l : d.links_removed) {
      out << "- link removed: " << markdown_escape(l.phrase + " " + l.other_key) << "\n";
    }
    for (const auto& r : d.subtasks_added) {
      out << "- sub-task added: " << markdown_escape(r.key + " " + r.summary) << "\n";
    }
    for (const auto& r : d.subtasks_gone) {
      out << "- sub-task gone: " << markdown_escape(r.key + " " + r.summary) << "\n";
    }
    if (!d.description_diff.empty()) {
      out << "- Description:\n\n";
      fenced(out, d.description_diff, "diff");
    }
    out << "\n</details>\n";
  }
  return out.str();
}

}  // namespace epicsync::report
