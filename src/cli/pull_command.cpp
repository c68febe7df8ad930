#include "cli/pull_command.h"

#include <algorithm>
#include <filesystem>
#include <set>

#include <nlohmann/json.hpp>

#include "backup/atomic_file.h"
#include "backup/backup_store.h"
#include "cli/error_report.h"
#include "cli/plan_inputs.h"
#include "cli/run_config.h"
#include "cli/tracker_session.h"
#include "epic_parser.h"
#include "field_values.h"
#include "input_file.h"
#include "plan/display_text.h"
#include "plan/planner.h"
#include "pull/epic_writer.h"
#include "pull/pull_text.h"
#include "pull/story_splice.h"
#include "sync/rich_text_ops.h"
#include "tracker/identity_property.h"
#include "version.h"

namespace epicsync::cli {

namespace {

std::string what_a_sync_would_do(const plan::Operation& op) {
  std::string fields;
  for (const auto& c : op.shown) fields += (fields.empty() ? "" : ", ") + c.field;
  switch (op.kind) {
    case plan::OpKind::kUpdate:
      return "a sync of the file would still change " + (fields.empty() ? "it" : fields);
    case plan::OpKind::kTransition:
      return "a sync of the file would still move its status";
    case plan::OpKind::kAddComment:
    case plan::OpKind::kUpdateComment:
      return "a sync of the file would still post a comment";
    case plan::OpKind::kAddLink:
      return "a sync of the file would still add a link";
    case plan::OpKind::kCreateStory:
    case plan::OpKind::kCreateSubtask:
      return "a sync of the file would still create '" + op.summary + "'";
    default:
      return "a sync of the file would still write to it";
  }
}

// What reading the pulled file back says: what a sync of it would still write (listed), the
// issues whose agreed values a sync records, and what would stop a sync of it altogether.
struct ReadBack {
  std::vector<pull::Note> notes;
  std::vector<std::string> agreed;
  std::vector<std::string> stops;  // parse errors and plan problems
};

// The pulled text planned against the state it was written from, as a sync would plan it:
// whatever the plan still holds is something the file could not say, and is listed.
Result<ReadBack> plan_check(tracker::Tracker& tracker, const tracker::TrackerInfo& info,
                            const config::Config& cfg, const std::string& text,
                            const tracker::EpicSnapshot& snapshot,
                            const std::set<std::string>& stories) {
  ReadBack out;
  const auto parsed = markdown::parse_epic(
      text,
      {false, snapshot.epic.key.substr(0, snapshot.epic.key.find('-')), custom_field_names(cfg)});
  if (!parsed.ok()) {
    for (const auto& d : parsed.diagnostics) {
      if (d.severity != model::Severity::kError) continue;
      out.stops.push_back("line " + std::to_string(d.pos.line) + ": " + d.message);
    }
    return out;
  }
  plan::PlanOptions p;
  p.rich_text = sync::rich_text_ops();
  p.status_map = status_map_from(cfg);
  p.stories = stories;
  if (auto read = read_plan_inputs(tracker, info, parsed.epic, p); !read) return read.error();
  const plan::Plan plan = plan::make_plan(parsed.epic, snapshot, p);
  for (const auto& op : plan.operations) {
    // Not a loss: the file holds Jira's values, and the sync records them as agreed.
    const bool in_step_again =
        op.kind == plan::OpKind::kRecordIdentity &&
        std::any_of(op.shown.begin(), op.shown.end(),
                    [](const plan::FieldChange& c) { return c.field == "In step"; });
    if (in_step_again) {
      out.agreed.push_back(op.issue_key);
      continue;
    }
    out.notes.push_back(
        {op.issue_key.empty() ? op.story_id : op.issue_key,
         op.kind == plan::OpKind::kRecordIdentity
             ? "a sync of the file would record its identity anew (epicsync's issue property)"
             : what_a_sync_would_do(op)});
  }
  out.stops = plan.problems;
  return out;
}

// Notes of the writer and of the read-back, each once.
void merge(std::vector<pull::Note>& notes, std::vector<pull::Note> more) {
  for (auto& n : more) {
    const bool known = std::any_of(notes.begin(), notes.end(), [&](const pull::Note& have) {
      return have.key == n.key && have.what == n.what;
    });
    if (!known) notes.push_back(std::move(n));
  }
}

// A file written that a sync of it would refuse: said, with every reason, and exit 6.
int refuse_written(const Options& o, const std::vector<std::string>& stops, std::ostream& out,
                   std::ostream& err) {
  std::string all;
  for (const auto& s : stops) all += (all.empty() ? "" : "; ") + s;
  if (o.output != OutputFormat::kJson) {
    for (const auto& s : stops) err << "stops a sync: " << s << "\n";
  }
  const std::string where = o.markdown_path == "-" ? "the epic" : o.markdown_path;
  return report_error(o.output,
                      Error{ErrorKind::kInvalidMarkdown,
                            where + " was written, but a sync of it would stop: " +
                                (o.output == OutputFormat::kJson ? all : "see above"),
                            "edit those places by hand (the tracker holds something the file "
                            "format cannot say there), then sync"},
                      out, err);
}

// The file a pull replaces is kept in a manual backup of the epic (source.md), so an overwrite
// loses nothing. The backup's id, or empty when there was no file to keep.
Result<std::string> keep_previous(const Options& o, const config::Config& cfg,
                                  const tracker::EpicSnapshot& snapshot, const std::string& epic,
                                  const std::optional<std::string>& previous, std::ostream& err) {
  if (!previous) return std::string();
  if (o.no_backup) {
    if (!o.quiet && o.output != OutputFormat::kJson) {
      err << "warning: --no-backup: the previous " << o.markdown_path << " is not kept\n";
    }
    return std::string();
  }
  backup::BackupStore store({cfg.backup_dir, kVersion, {}});
  auto made = store.create(epic, snapshot,
                           {backup::Trigger::kManual,
                            "pre-pull",
                            "the file --pull replaced: " + o.markdown_path,
                            {{"source.md", *previous}}});
  if (!made) return made.error();
  return made->manifest.id;
}

Result<tracker::Done> write_out(const Options& o, const std::string& text, bool existed) {
  // A file of the user's: a new one readable as their editor would make it, an existing one
  // keeps its mode.
  backup::AtomicWriteOptions w;
  w.mode = 0644;
  w.keep_existing_mode = existed;
  return backup::write_file_atomic(o.markdown_path, text, w);
}

void report(const Options& o, const std::string& epic, const std::string& what,
            const std::vector<pull::Note>& notes, const std::vector<std::string>& agreed,
            const std::string& backup_id, size_t stories, size_t subtasks, std::ostream& out,
            std::ostream& err) {
  const bool to_stdout = o.markdown_path == "-";
  if (o.output == OutputFormat::kJson) {
    nlohmann::json list = nlohmann::json::array();
    for (const auto& n : notes) list.push_back({{"key", n.key}, {"what", n.what}});
    nlohmann::json doc = {
        {"ok", true},
        {"mode", "pull"},
        {"epic", epic},
        {"file", to_stdout ? nlohmann::json(nullptr) : nlohmann::json(o.markdown_path)},
        {"stories", stories},
        {"subtasks", subtasks},
        {"in_step", notes.empty()},
        {"not_held", list},
        {"to_record", agreed},
        {"previous_backup",
         backup_id.empty() ? nlohmann::json(nullptr) : nlohmann::json(backup_id)}};
    (to_stdout ? err : out) << doc.dump(2) << "\n";
    return;
  }
  std::ostream& say = to_stdout ? err : out;
  for (const auto& n : notes) err << "not held: " << n.key << ": " << n.what << "\n";
  if (o.quiet) return;
  say << what
      << (notes.empty()
              ? "; a sync of it plans nothing"
              : "; " + plan::plural(static_cast<long long>(notes.size()), "thing", "things") +
                    " it cannot hold listed above")
      << "\n";
  if (!agreed.empty()) {
    std::string keys;
    for (const auto& k : agreed) keys += (keys.empty() ? "" : ", ") + k;
    say << "Someone changed " << keys << " in Jira since epicsync last wrote "
        << (agreed.size() == 1 ? "it" : "them")
        << ": the file has Jira's values, and the next sync records them as agreed (no field is "
           "written)\n";
  }
  if (!backup_id.empty()) {
    say << "The previous file is kept in backup " << backup_id << " (source.md)\n";
  }
}

bool is_epic(const tracker::RemoteIssue& e, const tracker::TrackerInfo& info) {
  std::string type = e.type_name;
  std::transform(type.begin(), type.end(), type.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return !(e.subtask || (!info.story_type_id.empty() && e.type_id == info.story_type_id) ||
           (!info.epic_type_id.empty() && e.type_id != info.epic_type_id && type != "epic"));
}

// The field table with the epic's screen, when the project manages any field beyond the six.
Result<tracker::TrackerInfo> with_screens(tracker::Tracker& tracker, tracker::TrackerInfo info) {
  if (!info.fields.empty()) {
    auto every = tracker.fields_on_every_screen();
    if (!every) return every.error();
    info.fields = *every;
  }
  return info;
}

int pull_whole(const Options& o, const config::Config& cfg, std::ostream& out, std::ostream& err) {
  auto fail = [&](const Error& e) { return report_error(o.output, e, out, err); };
  const bool to_stdout = o.markdown_path == "-";
  if (!markdown::is_tracker_key(o.epic)) {
    return fail(Error{ErrorKind::kUsage, "'" + o.epic + "' is not an issue key",
                      "give the epic's key, such as PROJ-123"});
  }
  std::optional<std::string> previous;
  std::error_code ec;
  if (!to_stdout) {
    const auto folder = std::filesystem::absolute(o.markdown_path, ec).parent_path();
    if (!std::filesystem::is_directory(folder, ec)) {
      return fail(
          Error{ErrorKind::kInputFile,
                "cannot write " + o.markdown_path + ": there is no folder " + folder.string(),
                "create the folder first, or give another path"});
    }
  }
  if (!to_stdout && std::filesystem::exists(o.markdown_path, ec)) {
    if (std::filesystem::is_directory(o.markdown_path, ec)) {
      return fail(Error{ErrorKind::kUsage, o.markdown_path + " is a folder",
                        "--pull writes one file: give its path"});
    }
    if (!o.force) {
      return fail(Error{ErrorKind::kUsage, o.markdown_path + " exists; nothing was written",
                        "add --force to overwrite it (the old file is kept in a backup), or "
                        "refresh one story with --pull --story ID"});
    }
    auto text = read_input_file(o.markdown_path);
    if (!text) return fail(text.error());
    previous = *text;
  }
  auto session = open_tracker(cfg, project_of(o.epic, cfg), o.verbose, err);
  if (!session) return fail(session.error());
  auto snapshot = session->tracker->read_epic(o.epic);
  if (!snapshot) return fail(snapshot.error());
  if (!is_epic(snapshot->epic, session->info)) {
    return fail(Error{ErrorKind::kNotFound,
                      o.epic + " is a " +
                          (snapshot->epic.type_name.empty() ? "issue" : snapshot->epic.type_name) +
                          ", not an epic",
                      "give the epic's key with --epic"});
  }
  auto info = with_screens(*session->tracker, session->info);
  if (!info) return fail(info.error());
  const pull::WriteOptions wo{o.pull_comments, custom_field_names(cfg)};
  const pull::TextWriter text = pull::text_writer();
  pull::PulledEpic pulled = pull::write_epic(*snapshot, *info, wo, text);
  auto check = plan_check(*session->tracker, *info, cfg, pulled.text, *snapshot, {});
  if (!check) return fail(check.error());
  std::vector<pull::Note> notes = pulled.notes;
  merge(notes, std::move(check->notes));
  const std::vector<std::string>& agreed = check->agreed;
  std::string backup_id;
  if (to_stdout) {
    out << pulled.text;
  } else {
    auto kept = keep_previous(o, cfg, *snapshot, o.epic, previous, err);
    if (!kept) return fail(kept.error());
    backup_id = *kept;
    auto written = write_out(o, pulled.text, previous.has_value());
    if (!written) return fail(written.error());
  }
  if (!check->stops.empty()) {
    for (const auto& n : notes) err << "not held: " << n.key << ": " << n.what << "\n";
    return refuse_written(o, check->stops, out, err);
  }
  report(o, o.epic,
         "Wrote " + (to_stdout ? std::string("the epic") : o.markdown_path) + " from " + o.epic +
             ": " +
             plan::plural(static_cast<long long>(pulled.stories.size()), "story", "stories") +
             ", " + plan::plural(static_cast<long long>(pulled.subtasks), "sub-task", "sub-tasks"),
         notes, agreed, backup_id, pulled.stories.size(), pulled.subtasks, out, err);
  return 0;
}

// --pull --story / --issue: each named story's block written anew from the tracker, in place.
int pull_stories(const Options& o, const config::Config& cfg, std::ostream& out,
                 std::ostream& err) {
  auto fail = [&](const Error& e) { return report_error(o.output, e, out, err); };
  auto original = read_input_file(o.markdown_path);
  if (!original) return fail(original.error());
  auto parse = [&](const std::string& t) {
    return markdown::parse_epic(
        t, {false, o.epic.substr(0, o.epic.find('-')), custom_field_names(cfg)});
  };
  const auto parsed = parse(*original);
  if (auto invalid = invalid_markdown(o.markdown_path, parsed.diagnostics)) return fail(*invalid);
  const std::string epic = !o.epic.empty() ? o.epic : parsed.epic.key.value_or("");
  if (epic.empty()) {
    return fail(Error{ErrorKind::kUsage, "which epic? give --epic KEY",
                      "or add an Epic Key row to the file's Epic Summary table"});
  }
  if (!markdown::is_tracker_key(epic)) {
    return fail(Error{ErrorKind::kUsage, "'" + epic + "' is not an issue key",
                      "give the epic's key, such as PROJ-123"});
  }
  auto session = open_tracker(cfg, project_of(epic, cfg), o.verbose, err);
  if (!session) return fail(session.error());
  auto snapshot = session->tracker->read_epic(epic);
  if (!snapshot) return fail(snapshot.error());
  if (!is_epic(snapshot->epic, session->info)) {
    return fail(Error{ErrorKind::kNotFound, epic + " is not an epic",
                      "give the epic's key with --epic, or fix the file's Epic Key"});
  }
  auto info = with_screens(*session->tracker, session->info);
  if (!info) return fail(info.error());

  // The issue of each of the file's stories, as a sync matches them: its pinned key, else the
  // issue whose recorded identity is the story's id.
  auto issue_of = [&](const model::Story& s) -> const tracker::RemoteIssue* {
    for (const auto& r : snapshot->stories) {
      if (s.tracker_key ? r.key == *s.tracker_key : tracker::identity_of(r) == s.id) return &r;
    }
    return nullptr;
  };
  struct Target {
    const model::Story* story = nullptr;  // null: a story the file does not have yet
    const tracker::RemoteIssue* issue = nullptr;
  };
  std::vector<Target> targets;
  auto add = [&](Target t) {
    const bool dup = std::any_of(targets.begin(), targets.end(),
                                 [&](const Target& have) { return have.issue == t.issue; });
    if (!dup) targets.push_back(t);
  };
  for (const auto& id : o.stories) {
    auto s = std::find_if(parsed.epic.stories.begin(), parsed.epic.stories.end(),
                          [&](const model::Story& st) { return st.id == id; });
    if (s == parsed.epic.stories.end()) {
      return fail(Error{ErrorKind::kUsage, "no story " + id + " in " + o.markdown_path,
                        "--story takes a story id from the file; --issue KEY takes an issue of "
                        "the epic, and adds its story when the file has none"});
    }
    const tracker::RemoteIssue* r = issue_of(*s);
    if (!r) {
      return fail(Error{ErrorKind::kNotFound,
                        "story " + id + " has no issue in " + epic + " to pull from",
                        s->tracker_key ? *s->tracker_key + " is not a story of " + epic
                                       : "a sync creates it; pull it afterwards"});
    }
    add({&*s, r});
  }
  for (const auto& key : o.issues) {
    const tracker::RemoteIssue* r = nullptr;
    std::string wanted = key;
    for (const auto& st : snapshot->subtasks) {
      if (st.key == key) wanted = st.parent_key;  // a sub-task: its story
    }
    for (const auto& s : snapshot->stories) {
      if (s.key == wanted) r = &s;
    }
    if (!r) {
      if (key == epic) {
        return fail(Error{ErrorKind::kUsage, key + " is the epic, not one of its stories",
                          "--pull without --story or --issue writes the whole epic, its own "
                          "fields included (--force to replace the file)"});
      }
      return fail(Error{ErrorKind::kNotFound, key + " is not an issue of " + epic,
                        "--issue takes a story or sub-task of the epic"});
    }
    const model::Story* story = nullptr;
    for (const auto& s : parsed.epic.stories) {
      if (issue_of(s) == r) story = &s;
    }
    add({story, r});
  }

  const pull::WriteOptions wo{o.pull_comments, custom_field_names(cfg)};
  const pull::TextWriter text = pull::text_writer();
  std::vector<pull::Note> notes;
  std::string updated = *original;
  std::set<std::string> ids;
  // Bottom-up, so the lines of the stories still to replace do not move.
  std::sort(targets.begin(), targets.end(), [](const Target& a, const Target& b) {
    const int la = a.story ? a.story->pos.line : 1 << 30;
    const int lb = b.story ? b.story->pos.line : 1 << 30;
    return la > lb;
  });
  std::vector<std::string> refreshed;
  for (const auto& t : targets) {
    std::string id = t.story ? t.story->id : tracker::identity_of(*t.issue);
    if (!t.story && (id.empty() || !markdown::is_story_id(id) ||
                     std::any_of(parsed.epic.stories.begin(), parsed.epic.stories.end(),
                                 [&](const model::Story& s) { return s.id == id; }))) {
      id = t.issue->key;
    }
    const int level =
        t.story ? t.story->heading_level
                : (parsed.epic.stories.empty() ? 2 : parsed.epic.stories.back().heading_level);
    std::string block = pull::write_story(*snapshot, *info, *t.issue, id, level, wo, text, notes);
    if (t.story) {
      block += pull::carried_sections(*t.story, level, !o.pull_comments);
      // What the file had that neither the tracker nor the carried sections hold: listed, and in
      // the backup of the replaced file.
      for (const auto& f : t.story->unknown_fields) {
        notes.push_back({t.issue->key, "the file's row '" + f.name +
                                           "' (no field epicsync knows) is not written back"});
      }
      for (const auto& st : t.story->subtasks) {
        if (!st.tracker_key) {
          notes.push_back({t.issue->key, "the file's sub-task '" + st.name +
                                             "' has no issue yet and is not written back"});
        }
      }
      for (const auto& l : t.story->links) {
        // A story id of the file stands for that story's issue.
        std::string target = l.target;
        for (const auto& s : parsed.epic.stories) {
          if (s.id != l.target) continue;
          const tracker::RemoteIssue* r = issue_of(s);
          target = r ? r->key : "";
        }
        const bool made =
            std::any_of(t.issue->links.begin(), t.issue->links.end(),
                        [&](const tracker::RemoteLink& have) { return have.other_key == target; });
        if (!made) {
          notes.push_back({t.issue->key, "the file's link '" + l.type + " " + l.target +
                                             "' is not in Jira yet and is not written back"});
        }
      }
    }
    // The story ends where the parser ends it: at the next story, whatever its level, or at the
    // next heading of its level or above.
    int next_story = 0;
    if (t.story) {
      for (const auto& s : parsed.epic.stories) {
        if (s.pos.line > t.story->pos.line && (next_story == 0 || s.pos.line < next_story)) {
          next_story = s.pos.line;
        }
      }
    }
    auto spliced =
        pull::splice_story(updated, t.story ? t.story->pos.line : 0, next_story, level, block);
    if (!spliced) {
      return fail(Error{ErrorKind::kInternal,
                        "story " + id + " is not where the parser found it in " + o.markdown_path,
                        "nothing was written; please report this with the file"});
    }
    updated = std::move(*spliced);
    ids.insert(id);
    refreshed.push_back(id + (t.story ? "" : " (added)"));
  }
  std::reverse(refreshed.begin(), refreshed.end());
  auto check = plan_check(*session->tracker, *info, cfg, updated, *snapshot, ids);
  if (!check) return fail(check.error());
  merge(notes, std::move(check->notes));
  const std::vector<std::string>& agreed = check->agreed;
  std::string backup_id;
  if (updated != *original) {
    auto kept = keep_previous(o, cfg, *snapshot, epic, *original, err);
    if (!kept) return fail(kept.error());
    backup_id = *kept;
    auto written = write_out(o, updated, true);
    if (!written) return fail(written.error());
  }
  if (!check->stops.empty()) {
    for (const auto& n : notes) err << "not held: " << n.key << ": " << n.what << "\n";
    return refuse_written(o, check->stops, out, err);
  }
  size_t subtasks = 0;
  for (const auto& t : targets) {
    for (const auto& st : snapshot->subtasks) subtasks += st.parent_key == t.issue->key;
  }
  std::string list;
  for (const auto& r : refreshed) list += (list.empty() ? "" : ", ") + r;
  report(o, epic,
         (updated == *original ? "Already as the tracker has it in " : "Refreshed in ") +
             o.markdown_path + ": " + list,
         notes, agreed, backup_id, targets.size(), subtasks, out, err);
  return 0;
}

}  // namespace

int run_pull(const Options& o, std::ostream& out, std::ostream& err) {
  auto cfg = load_run_config(o, err);
  if (!cfg) return report_error(o.output, cfg.error(), out, err);
  if (!o.stories.empty() || !o.issues.empty()) return pull_stories(o, *cfg, out, err);
  return pull_whole(o, *cfg, out, err);
}

}  // namespace epicsync::cli
