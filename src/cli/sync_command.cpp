#include "cli/sync_command.h"
#include "cli/many_epics.h"
#include "cli/plan_inputs.h"
#include "cli/run_config.h"
#include "cli/saved_plan.h"

#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <thread>

#include "backup/atomic_file.h"
#include "backup/backup_store.h"
#include "backup/interrupted_run.h"
#include "cli/error_report.h"
#include "cli/execution_support.h"
#include "cli/interrupt.h"
#include "cli/sync_execute.h"
#include "cli/terminal.h"
#include "cli/tracker_session.h"
#include "config/config.h"
#include "epic_parser.h"
#include "field_values.h"
#include "input_file.h"
#include "plan/display_text.h"
#include "plan/planner.h"
#include "report/markdown_render.h"
#include "report/plan_render.h"
#include "restore/pending_creates.h"
#include "sync/rich_text_ops.h"
#include "tracker/identity_property.h"
#include "tracker/tracker.h"
#include "version.h"

namespace epicsync::cli {
namespace {

std::optional<plan::Phase> phase_of(const std::string& name) {
  if (name == "descriptions") return plan::Phase::kDescriptions;
  if (name == "fields") return plan::Phase::kFields;
  if (name == "subtasks") return plan::Phase::kSubtasks;
  if (name == "statuses") return plan::Phase::kStatuses;
  if (name == "comments") return plan::Phase::kComments;
  return std::nullopt;
}

Result<plan::PlanOptions> plan_options(const Options& o, const model::Epic& epic,
                                       const config::Config& c) {
  plan::PlanOptions p;
  p.rich_text = sync::rich_text_ops();
  p.force = o.force;
  p.status_map = status_map_from(c);
  for (const auto& id : o.stories) {
    const bool known = std::any_of(epic.stories.begin(), epic.stories.end(),
                                   [&](const model::Story& s) { return s.id == id; });
    if (!known) {
      return Error{ErrorKind::kUsage, "no story " + id + " in " + o.markdown_path,
                   "--story takes a story id from the file, such as US-001"};
    }
    p.stories.insert(id);
  }
  if (o.phase != "all") {
    auto phase = phase_of(o.phase);
    if (!phase) {
      return Error{ErrorKind::kUsage, "unknown phase '" + o.phase + "'",
                   "use all, descriptions, fields, subtasks, statuses or comments"};
    }
    p.phases = {*phase};
  }
  if (o.prune) p.prune = c.prune == "delete" ? plan::Prune::kDelete : plan::Prune::kClose;
  return p;
}

// What the epic's journals say of epicsync's creates. A journal that cannot be read is left out:
// the planner then stops on two issues of one identity rather than deleting either.
restore::CreateHistory create_history(const config::Config& c, const std::string& epic) {
  restore::CreateHistory h;
  backup::BackupStore store({c.backup_dir, kVersion, {}});
  auto all = store.list(epic);
  if (!all) return h;
  for (const auto& b : *all) {
    if (auto journal = store.read_journal(b); journal) h.add(*journal);
  }
  return h;
}

// A saved plan that no longer fits the tracker: every reason on stderr (text), all of them in
// the message (JSON), exit 11.
int refuse_stale(const Options& o, const std::vector<std::string>& reasons, std::ostream& out,
                 std::ostream& err) {
  std::string all;
  for (const auto& r : reasons) all += (all.empty() ? "" : "; ") + r;
  if (o.output != OutputFormat::kJson) {
    for (const auto& r : reasons) err << "stale: " << r << "\n";
  }
  return report_error(
      o.output,
      Error{ErrorKind::kStalePlan,
            "the plan in " + o.apply_file + " is stale, so nothing was written: " +
                (o.output == OutputFormat::kJson
                     ? all
                     : plan::plural(static_cast<long long>(reasons.size()), "reason", "reasons") +
                           " above"),
            "make the plan again (--plan-out) and review it"},
      out, err);
}

int sync_text(const Options& o, const std::string& text, const SavedPlan* saved, TrackerPool* pool,
              std::ostream& out, std::ostream& err);

}  // namespace

int run_sync(const Options& o, std::ostream& out, std::ostream& err) {
  std::error_code ec;
  if (o.markdown_paths.size() > 1 ||
      (!o.markdown_path.empty() && std::filesystem::is_directory(o.markdown_path, ec))) {
    return run_many(o, out, err);
  }
  auto fail = [&](const Error& e) { return report_error(o.output, e, out, err); };
  const bool execute = o.execute && !o.dry_run;
  // Refuse before anything else rather than wait on a prompt nobody can answer.
  if (execute && !o.no_confirm && ::isatty(0) != 1) {
    return fail(Error{ErrorKind::kUsage,
                      "--execute asks for confirmation, but stdin is not a terminal",
                      "add --no-confirm to apply without asking (scripts, CI)"});
  }
  if (!o.apply_file.empty()) {
    // Exactly what was planned: the saved markdown, epic and limits, never the file as it is now.
    auto saved = read_saved_plan(o.apply_file);
    if (!saved) return fail(saved.error());
    Options planned = o;
    planned.markdown_path = saved->source_path;
    planned.epic = saved->epic;
    planned.stories = saved->stories;
    planned.phase = saved->phase;
    planned.prune = saved->prune;
    return sync_text(planned, saved->markdown, &*saved, nullptr, out, err);
  }
  auto text = read_input_file(o.markdown_path);
  if (!text) return fail(text.error());
  return sync_text(o, *text, nullptr, nullptr, out, err);
}

int run_sync_one(const Options& o, const std::string& text, TrackerPool& pool, std::ostream& out,
                 std::ostream& err) {
  return sync_text(o, text, nullptr, &pool, out, err);
}

namespace {

int sync_text(const Options& o, const std::string& text, const SavedPlan* saved, TrackerPool* pool,
              std::ostream& out, std::ostream& err) {
  auto fail = [&](const Error& e) { return report_error(o.output, e, out, err); };
  const bool execute = o.execute && !o.dry_run;
  // The configuration names the custom fields the file may write.
  auto cfg = load_run_config(o, err);
  // A configuration that cannot be read is said first: without it, the file's custom fields would
  // read as unknown ones.
  if (!cfg) return fail(cfg.error());
  auto parsed = markdown::parse_epic(
      text, {o.strict, o.epic.substr(0, o.epic.find('-')), custom_field_names(*cfg)});
  if (auto invalid = invalid_markdown(o.markdown_path, parsed.diagnostics)) return fail(*invalid);
  const std::string epic_key = !o.epic.empty() ? o.epic : parsed.epic.key.value_or("");
  if (epic_key.empty()) {
    return fail(Error{ErrorKind::kUsage, "which epic? give --epic KEY",
                      "or add an Epic Key row to the file's Epic Summary table"});
  }
  // --epic wins over the file's Epic Key, but never silently.
  if (!o.epic.empty() && parsed.epic.key && *parsed.epic.key != o.epic && !o.quiet) {
    err << "warning: " << o.markdown_path << " names " << *parsed.epic.key
        << " as its epic (Epic Key); syncing " << o.epic << " as --epic says\n";
  }

  auto options = plan_options(o, parsed.epic, *cfg);
  if (!options) return fail(options.error());

  auto session = pool ? pool->session(project_of(epic_key, *cfg))
                      : open_tracker(*cfg, project_of(epic_key, *cfg), o.verbose, err);
  if (!session) return fail(session.error());
  // One run per epic: the lock is held from before the read until the last write, so the plan
  // is never made from a state another run is changing.
  std::optional<backup::EpicLock> lock;
  if (execute) {
    backup::BackupStore store({cfg->backup_dir, kVersion, {}});
    auto held = store.lock(epic_key);
    if (!held) return fail(held.error());
    lock.emplace(std::move(*held));
    (void)store.sweep_interrupted(epic_key);
    auto waited = wait_for_unfinished_tasks(store, epic_key, *session->tracker, o.quiet, err);
    if (!waited.ok()) return fail(waited.error());
  }
  // Search lags behind writes on Jira Cloud: issues the last runs created moments ago are asked
  // for by id, so a quick re-run sees them.
  const restore::CreateHistory creates = create_history(*cfg, epic_key);
  const auto window_start =
      std::chrono::system_clock::now() - std::chrono::seconds(cfg->search_wait);
  {
    std::vector<std::pair<backup::TimePoint, std::string>> recent;
    for (const auto& [key, c] : creates.created) {
      if (c.at > window_start && !c.id.empty()) recent.emplace_back(c.at, c.id);
    }
    std::sort(recent.begin(), recent.end());
    std::vector<std::string> ids;
    for (const auto& r : recent) ids.push_back(r.second);
    session->tracker->reconcile(ids);
  }
  auto snapshot = session->tracker->read_epic(epic_key);
  if (!snapshot) return fail(snapshot.error());
  // A story or sub-task key given as the epic would be planned as one, backed up, and then fail
  // at every create: refused here, before any backup or write, when the issue is known not to
  // be an epic (a sub-task, the project's story type, or a type other than the project's epic
  // type). An issue named Epic of another type id (an epic of another project) is taken.
  {
    const tracker::RemoteIssue& e = snapshot->epic;
    std::string type = e.type_name;
    std::transform(type.begin(), type.end(), type.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    const auto& info = session->info;
    const bool not_epic =
        e.subtask || (!info.story_type_id.empty() && e.type_id == info.story_type_id) ||
        (!info.epic_type_id.empty() && e.type_id != info.epic_type_id && type != "epic");
    if (not_epic) {
      return fail(Error{
          ErrorKind::kNotFound,
          epic_key + " is a " + (e.type_name.empty() ? "issue" : e.type_name) + ", not an epic",
          parsed.epic.key && *parsed.epic.key != epic_key
              ? "the file names " + *parsed.epic.key + " as its epic"
              : "give the epic's key with --epic (its stories are listed under it)"});
    }
  }
  // Issues that may exist without search showing them yet: creates of earlier runs whose answer
  // was lost, and recent creates beyond what reconcileIssues takes. Before planning to create
  // one again, wait until search has had the full jira.search_wait since, and read again.
  options->own_creates = creates.sent;
  if (execute && !o.no_backup) {
    backup::BackupStore store({cfg->backup_dir, kVersion, {}});
    options->recheck_base = backup::interrupted_issues(store, epic_key);
  }
  if (execute) {
    std::set<std::string> present, keys;
    for (const auto* list : {&snapshot->stories, &snapshot->subtasks}) {
      for (const auto& r : *list) {
        present.insert(tracker::identity_of(r));
        keys.insert(r.key);
      }
    }
    std::optional<backup::TimePoint> newest;
    size_t waiting_for = 0;
    auto expect = [&](backup::TimePoint at) {
      ++waiting_for;
      if (!newest || at > *newest) newest = at;
    };
    for (const auto& [identity, at] : creates.open) {
      if (!present.count(identity)) expect(at);
    }
    for (const auto& [key, c] : creates.created) {
      if (c.at > window_start && !keys.count(key)) expect(c.at);
    }
    const auto settled = newest ? *newest + std::chrono::seconds(cfg->search_wait)
                                : std::chrono::system_clock::now();
    const auto now = std::chrono::system_clock::now();
    if (settled > now) {
      const auto wait = std::chrono::duration_cast<std::chrono::milliseconds>(settled - now);
      if (o.output != OutputFormat::kJson && !o.quiet) {
        err << "Waiting " << (wait.count() + 999) / 1000 << " s for Jira's search to show "
            << waiting_for << " issue" << (waiting_for == 1 ? "" : "s")
            << " an earlier run created or may have created (jira.search_wait)\n";
      }
      std::this_thread::sleep_for(wait);
      snapshot = session->tracker->read_epic(epic_key);
      if (!snapshot) return fail(snapshot.error());
    }
  }
  if (auto read = read_plan_inputs(*session->tracker, session->info, parsed.epic, *options);
      !read) {
    return fail(read.error());
  }
  plan::Plan plan = plan::make_plan(parsed.epic, *snapshot, *options);
  // What the plan means on this tracker with this configuration, saved with it and compared on
  // --apply.
  const nlohmann::json context =
      plan_context(cfg->jira_url, *snapshot, session->info, cfg->status_map);
  if (saved) {
    // The reviewed plan had no problems: problems now mean the tracker moved under it.
    std::vector<std::string> stale;
    for (const auto& p : plan.problems) stale.push_back("the plan made now has a problem: " + p);
    if (stale.empty()) stale = stale_reasons(*saved, *snapshot, plan, context);
    if (!stale.empty()) return refuse_stale(o, stale, out, err);
  }
  // A stop asked for while this epic was planned (another epic of the run was writing): nothing
  // is begun, no backup, no lease.
  if (execute && interrupt_requested()) {
    return fail(Error{ErrorKind::kInterrupted, "interrupted: nothing was written to " + epic_key,
                      "run the same command again"});
  }
  if (execute && plan.problems.empty()) {
    // Runs on other machines (CI runners) do not see our file lock: before the first write, the
    // epic's lease on the tracker is taken, and the plan made again from what the tracker holds
    // now, since another run may have written between our read and the lease. A run with
    // nothing to write takes no lease, so a re-sync still sends no write at all.
    std::unique_ptr<sync::TrackerLease> lease;
    // The person is asked before the lease is taken: while they think it over nothing is held,
    // and "no" writes nothing at all.
    Options asked = o;
    const bool json = o.output == OutputFormat::kJson;
    const Style style = detect_style(o.no_color);
    if (!plan.empty() && !o.no_confirm) {
      if (!json && !o.quiet) out << report::render_plan_text(plan, {style.color});
      if (!confirmed(plan.issues_affected(), out)) {
        return fail(Error{ErrorKind::kCancelled, "cancelled: nothing was changed", ""});
      }
      asked.no_confirm = true;
    }
    if (!plan.empty()) {
      const nlohmann::json agreed = report::plan_to_json(plan);
      auto taken =
          take_lease(*session->tracker, epic_key, "sync", cfg->search_wait, o.quiet || json, err);
      if (!taken) return fail(taken.error());
      lease = std::move(*taken);
      snapshot = session->tracker->read_epic(epic_key);
      if (!snapshot) return fail(snapshot.error());
      plan = plan::make_plan(parsed.epic, *snapshot, *options);
      if (!plan.problems.empty()) lease.reset();
      // Another run may have written between the plan's check and the lease: checked again.
      if (saved) {
        std::vector<std::string> stale;
        for (const auto& p : plan.problems) {
          stale.push_back("the plan made now has a problem: " + p);
        }
        if (stale.empty()) stale = stale_reasons(*saved, *snapshot, plan, context);
        if (!stale.empty()) {
          lease.reset();
          return refuse_stale(o, stale, out, err);
        }
      }
      // Someone changed the epic while the person was deciding: what they agreed to is not what
      // would be done, so they see the new plan and are asked again.
      if (!o.no_confirm && plan.problems.empty() && !plan.empty() &&
          report::plan_to_json(plan) != agreed) {
        if (!json) {
          out << "\nThe epic changed while you were deciding. The plan now:\n"
              << report::render_plan_text(plan, {style.color});
        }
        if (!confirmed(plan.issues_affected(), out)) {
          return fail(Error{ErrorKind::kCancelled, "cancelled: nothing was changed", ""});
        }
      }
    }
    if (plan.problems.empty()) {
      // The check of the writes plans with --force: a write that did not hold (an automation
      // reverted it) is an operation to report, never taken for someone's edit.
      const auto replan = [&parsed, &options](const tracker::EpicSnapshot& after) {
        plan::PlanOptions check = *options;
        check.force = true;
        return plan::make_plan(parsed.epic, after, check);
      };
      const int code = execute_plan({asked, *cfg, epic_key, *snapshot, plan, options->status_map,
                                     text, parsed.epic, lease.get(), replan},
                                    *session->tracker, out, err);
      // A saved plan partly applied no longer matches the tracker (its own writes changed the
      // issues): the way on is a new plan, which continues this run's journal.
      // Conflicts (10) leave nothing of the plan undone: applying it again gives the same.
      if (saved && code != 0 && code != exit_code(ErrorKind::kCancelled) &&
          code != exit_code(ErrorKind::kConflict) && !o.quiet) {
        err << "This plan is now partly applied, so applying it again is refused as stale: make "
               "the plan again with --plan-out (it continues where this run stopped), review it, "
               "and apply that.\n";
      }
      return code;
    }
  }

  // --plan-out: the plan as shown, with what it was made from, for --apply.
  bool plan_saved = false;
  if (!o.plan_out.empty() && plan.problems.empty()) {
    SavedPlan s;
    s.epic = epic_key;
    s.source_path = o.markdown_path;
    s.markdown = text;
    s.stories = o.stories;
    s.phase = o.phase;
    s.prune = o.prune;
    s.context = context;
    auto written = backup::write_file_atomic(
        o.plan_out, saved_plan_json(s, plan, *snapshot).dump(2) + "\n", {0644, false});
    if (!written) return fail(written.error());
    plan_saved = true;
  } else if (!o.plan_out.empty()) {
    // An older plan at that path must not be applied by mistake in place of this one.
    std::error_code ec;
    const bool removed = std::filesystem::remove(o.plan_out, ec);
    if (o.output != OutputFormat::kJson) {
      err << "The plan has problems, so it was not saved to " << o.plan_out
          << (removed ? " (the older plan there was removed)" : "") << ".\n";
    }
  }
  if (o.output == OutputFormat::kJson) {
    nlohmann::json doc = {{"ok", plan.problems.empty()},
                          {"mode", "dry-run"},
                          {"epic", epic_key},
                          {"plan", report::plan_to_json(plan)}};
    if (plan_saved) doc["plan_file"] = o.plan_out;
    if (plan.problems.empty() && !plan.conflicts.empty()) {
      doc["ok"] = false;
      doc["error"] = conflict_error(plan);
    }
    if (!plan.problems.empty()) {
      doc["error"] = {{"kind", error_id(ErrorKind::kInvalidMarkdown)},
                      {"code", exit_code(ErrorKind::kInvalidMarkdown)},
                      {"message", "the plan cannot be made: " + plan.problems.front() +
                                      (plan.problems.size() > 1
                                           ? " (and " + std::to_string(plan.problems.size() - 1) +
                                                 " more in plan.problems)"
                                           : std::string())}};
    }
    out << doc.dump(2) << "\n";
  } else if (o.output == OutputFormat::kMarkdown) {
    out << report::render_plan_markdown(plan, o.markdown_path);
  } else {
    const Style style = detect_style(o.no_color);
    if (!o.quiet || !plan.problems.empty()) {
      out << report::render_plan_text(plan, {style.color});
    } else {
      const auto t = report::totals(plan);
      out << plan::plural(static_cast<long long>(plan.issues_affected()), "issue would change",
                          "issues would change")
          << " (" << plan::plural(t.stories_created, "story", "stories") << " and "
          << plan::plural(t.subtasks_created, "sub-task", "sub-tasks") << " to create)"
          << (plan.conflicts.empty()
                  ? std::string()
                  : "; " +
                        plan::plural(static_cast<long long>(plan.conflicts.size()), "conflict",
                                     "conflicts") +
                        " left alone")
          << "\n";
    }
    if (plan_saved) {
      out << "\nDry run: nothing was changed. The plan is saved in " << o.plan_out
          << "; apply exactly it with: epicsync --apply " << o.plan_out << "\n";
    } else if (plan.problems.empty() && !plan.empty()) {
      out << "\nDry run: nothing was changed. Apply it with --execute"
          << (plan.conflicts.empty() ? "" : " (add --force to write over the conflicts)") << ".\n";
    }
  }
  // Ambiguity is fixed in the file (pin the story to its key), so it is reported like invalid
  // markdown. Conflicts are said by the dry run's exit code too, so CI sees them before merge.
  if (!plan.problems.empty()) return exit_code(ErrorKind::kInvalidMarkdown);
  return plan.conflicts.empty() ? 0 : exit_code(ErrorKind::kConflict);
}

}  // namespace

}  // namespace epicsync::cli
