#include "cli/validate_command.h"

#include <algorithm>
#include <iomanip>
#include <sstream>

#include "cli/error_report.h"
#include "cli/run_config.h"
#include "cli/terminal.h"
#include "epic_parser.h"
#include "input_file.h"
#include "plan/display_text.h"
#include "report/model_json.h"

namespace epicsync::cli {
namespace {

using plan::plural;

template <typename W>
std::string written_name(const std::optional<W>& w) {
  return w ? std::string(model::display_name(w->meaning)) : std::string("-");
}
std::string written_name(const std::optional<model::Status>& s) {
  if (s && s->by_name()) return s->named;
  return written_name<model::Status>(s);
}

// A status of the team's own workflow cannot be checked without the tracker: --validate says
// so as a warning (never an error, --strict or not), and the plan checks it by name.
void warn_named_statuses(markdown::ParseResult& r) {
  auto warn = [&](const std::optional<model::Status>& s) {
    if (!s || !s->by_name()) return;
    r.diagnostics.push_back(
        {model::Severity::kWarning, s->pos,
         "status '" + s->named +
             "' is not To Do, In Progress, In Review, Done or Cancelled: it must be a status of "
             "the project's workflow, which a sync checks by name before writing",
         "a dry run (epicsync -m FILE -e KEY) lists the workflow's statuses if it is not one"});
  };
  warn(r.epic.status);
  for (const auto& s : r.epic.stories) {
    warn(s.status);
    for (const auto& st : s.subtasks) warn(st.status);
  }
  std::stable_sort(r.diagnostics.begin(), r.diagnostics.end(), [](const auto& a, const auto& b) {
    return a.pos.line != b.pos.line ? a.pos.line < b.pos.line : a.pos.column < b.pos.column;
  });
}

std::string points_text(const std::optional<double>& p) {
  if (!p) return "-";
  std::ostringstream s;
  s << *p;
  return s.str();
}

std::string pad(std::string_view s, size_t width) {
  std::string out(s);
  size_t w = display_width(s);
  if (w < width) out.append(width - w, ' ');
  return out;
}

struct Totals {
  size_t subtasks = 0, criteria = 0, commits = 0, comments = 0, errors = 0, warnings = 0;
};

Totals count(const markdown::ParseResult& r) {
  Totals t;
  for (const auto& s : r.epic.stories) {
    t.subtasks += s.subtasks.size();
    t.criteria += s.acceptance_criteria.size();
    t.commits += s.commits.size();
    t.comments += s.comments.size();
  }
  for (const auto& d : r.diagnostics) {
    (d.severity == model::Severity::kError ? t.errors : t.warnings)++;
  }
  return t;
}

void render_text(const Options& o, const markdown::ParseResult& r, std::ostream& out) {
  const Style style = detect_style(o.no_color);
  const Totals t = count(r);
  const auto& e = r.epic;
  if (!o.quiet) {
    out << style.bold("Epic") << "  " << (e.title.empty() ? "(untitled)" : e.title);
    std::vector<std::string> facts;
    if (e.key) facts.push_back("key " + *e.key);
    if (e.status) facts.push_back(written_name(e.status));
    if (e.priority) facts.emplace_back(model::display_name(e.priority->meaning));
    for (size_t i = 0; i < facts.size(); ++i) out << (i == 0 ? "  (" : ", ") << facts[i];
    out << (facts.empty() ? "" : ")") << "\n";
    out << plural(e.stories.size(), "story", "stories") << ", "
        << plural(t.subtasks, "sub-task", "sub-tasks") << ", "
        << plural(t.criteria, "criterion", "criteria") << ", "
        << plural(t.commits, "commit", "commits") << ", "
        << plural(t.comments, "comment", "comments") << "\n";
    if (!e.stories.empty()) {
      size_t id_w = 2, title_w = 5;
      for (const auto& s : e.stories) {
        id_w = std::max(id_w, display_width(s.id));
        title_w = std::max(title_w, std::min<size_t>(display_width(s.title), 44));
      }
      out << "\n  "
          << style.dim(pad("ID", id_w) + "  " + pad("Title", title_w) +
                       "  SP    Priority  Status       Subtasks  Criteria  Commits  "
                       "Comments")
          << "\n";
      for (const auto& s : e.stories) {
        out << "  " << pad(s.id, id_w) << "  " << pad(fit(s.title, 44), title_w) << "  "
            << pad(points_text(s.points), 4) << "  " << pad(written_name(s.priority), 8) << "  "
            << pad(written_name(s.status), 11) << "  " << pad(std::to_string(s.subtasks.size()), 8)
            << "  " << pad(std::to_string(s.acceptance_criteria.size()), 8) << "  "
            << pad(std::to_string(s.commits.size()), 7) << "  " << s.comments.size() << "\n";
      }
    }
    if (!r.diagnostics.empty()) out << "\n";
  }
  const size_t hidden = plan::show_some(r.diagnostics, [&](const model::Diagnostic& d) {
    const bool is_error = d.severity == model::Severity::kError;
    out << o.markdown_path << ":" << d.pos.line << ":" << d.pos.column << ": "
        << (is_error ? style.red("error") : style.yellow("warning")) << ": " << d.message << "\n";
    if (!d.hint.empty()) out << "  " << style.dim("hint: " + d.hint) << "\n";
  });
  if (hidden > 0) out << plan::and_more(hidden) << "\n";
  if (!o.quiet) out << "\n";
  if (t.errors == 0) {
    out << style.green("valid") << ": " << plural(e.stories.size(), "story", "stories") << ", "
        << plural(t.warnings, "warning", "warnings") << "\n";
  } else {
    out << style.red("invalid") << ": " << plural(t.errors, "error", "errors") << ", "
        << plural(t.warnings, "warning", "warnings") << "\n";
  }
}

}  // namespace

int run_validate(const Options& o, std::ostream& out, std::ostream& err) {
  auto text = read_input_file(o.markdown_path);
  if (!text) return report_error(o.output, text.error(), out, err);
  // Validation is offline and needs no configuration, but the custom fields it names (jira.fields)
  // are fields of the file, not unknown ones. A configuration that cannot be read is for a sync
  // to report.
  auto cfg = config::load_config(config_overrides(o), config::Environment::real());
  if (cfg) {
    if (auto bad = check_field_names(*cfg)) cfg = *bad;
  }
  if (!cfg && !o.quiet && o.output != OutputFormat::kJson) {
    err << "warning: the configuration cannot be read (" << cfg.error().message
        << "), so the custom fields of jira.fields are not known here\n";
  }
  auto result =
      markdown::parse_epic(*text, {o.strict, o.epic.substr(0, o.epic.find('-')),
                                   cfg ? custom_field_names(*cfg) : std::vector<std::string>{}});
  warn_named_statuses(result);
  const Totals t = count(result);
  if (o.output == OutputFormat::kJson) {
    nlohmann::json doc = {
        {"ok", result.ok()},
        {"mode", "validate"},
        {"file", o.markdown_path},
        {"summary",
         {{"stories", result.epic.stories.size()},
          {"subtasks", t.subtasks},
          {"errors", t.errors},
          {"warnings", t.warnings}}},
        {"diagnostics", report::diagnostics_to_json(result.diagnostics)},
        {"epic", report::epic_to_json(result.epic)},
    };
    if (!result.ok()) {
      doc["error"] = {{"kind", error_id(ErrorKind::kInvalidMarkdown)},
                      {"code", exit_code(ErrorKind::kInvalidMarkdown)},
                      {"message", "the markdown is invalid"}};
    }
    out << doc.dump(2) << "\n";
  } else {
    render_text(o, result, out);
  }
  return result.ok() ? 0 : exit_code(ErrorKind::kInvalidMarkdown);
}

}  // namespace epicsync::cli
