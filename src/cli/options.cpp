#include "cli/options.h"

#include <CLI/CLI.hpp>
#include <charconv>

#include "cli/build_revision.h"
#include "version.h"

namespace epicsync {

// Weak: the epicsync executable links the generated definition, which wins; a test binary that
// links this library alone still links and says it does not know.
[[gnu::weak]] const char* build_revision() {
  return "unknown revision";
}

std::string version_line() {
  return std::string("epicsync ") + kVersion + " (" + build_revision() + ")";
}

}  // namespace epicsync

namespace epicsync::cli {

bool wants_json(const std::vector<std::string>& args) {
  for (size_t i = 0; i < args.size(); ++i) {
    const auto& a = args[i];
    if (a == "--output=json" || a == "-ojson") return true;
    if ((a == "-o" || a == "--output") && i + 1 < args.size() && args[i + 1] == "json") return true;
  }
  return false;
}

namespace {

// --timeout is checked here, with the same range as jira.timeout, so that "0" or "abc" stops
// the run as a usage error before any configuration is read or any request is made.
Result<int> parse_timeout(const std::string& text) {
  int seconds = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), seconds);
  const bool whole = ec == std::errc() && end == text.data() + text.size();
  if (!whole || seconds < config::kMinTimeout || seconds > config::kMaxTimeout) {
    return Error{ErrorKind::kUsage,
                 "--timeout " + text + ": give a whole number of seconds between " +
                     std::to_string(config::kMinTimeout) + " and " +
                     std::to_string(config::kMaxTimeout),
                 "--timeout is how long one attempt of one request to the tracker may take"};
  }
  return seconds;
}

}  // namespace

Result<ParsedCommandLine> parse_command_line(const std::vector<std::string>& args) {
  CLI::App app{"epicsync keeps a Jira epic in step with a markdown file.", "epicsync"};
  app.set_version_flag("--version", version_line());
  app.get_formatter()->column_width(34);
  app.footer(
      "Without --validate, shows what a sync would change in the epic; with --execute, backs\n"
      "up the epic, asks, and applies it.\n"
      "\n"
      "Examples:\n"
      "  epicsync --validate -m EPIC.md                 check the file, no tracker needed\n"
      "  epicsync --pull -e PROJ-123 -m EPIC.md         write the epic you have as a file\n"
      "  epicsync -m EPIC.md -e PROJ-123                what a sync would change (dry run)\n"
      "  epicsync -m EPIC.md -e PROJ-123 --execute      back up, confirm, apply\n"
      "  epicsync -m EPIC.md -e PROJ-123 -x --no-confirm --no-backup    in CI\n"
      "  epicsync -m EPIC.md -e PROJ-123 --plan-out plan.json   save the plan to review\n"
      "  epicsync --apply plan.json --no-confirm        apply exactly that plan\n"
      "  epicsync --diff-latest -e PROJ-123             what changed since the last backup\n"
      "  epicsync --rollback -e PROJ-123 --execute      undo the last sync (no local backup: from\n"
      "                                                 Jira's changelog)\n"
      "  epicsync --list-backups -e PROJ-123            the backups, newest last\n"
      "  epicsync --list-runs -e PROJ-123               the runs that wrote to it, newest first\n"
      "  epicsync --restore-backup ID -e PROJ-123 -x    go back to any backup\n"
      "\n"
      "Exit codes:\n"
      "  0 ok (a dry run that found changes too)   1 internal error   2 usage\n"
      "  3 input or config file unreadable, or damaged newest backup\n"
      "  4 tracker unreachable, timed out, or not Jira's REST API at that URL\n"
      "  5 credentials or permission refused\n"
      "  6 invalid markdown, or a plan problem: ambiguous matching, a status the workflow lacks,\n"
      "    a link to a story with no issue\n"
      "  7 epic, project or backup not found, or --epic not an epic   8 request rejected\n"
      "  9 another run holds the epic (its host and pid named)\n"
      "  10 done, but fields others changed in Jira since epicsync wrote them were left alone\n"
      "     (conflicts; --force writes over them)\n"
      "  11 --apply: the saved plan is stale (the tracker changed since); nothing was written\n"
      "  12 backup, journal or lock could not be written or read\n"
      "  64 some writes failed, did not hold when read back, or have an unknown outcome;\n"
      "     run again to settle them\n"
      "  80 cancelled at the prompt   130 interrupted (Ctrl-C): the same command finishes\n"
      "\n"
      "More: man epicsync (the flags, configuration, exit codes and files).");

  Options o;
  std::string output = "text";
  bool validate = false;
  app.add_flag("--validate", validate, "Parse the epic file and report what it describes");
  app.add_option("-m,--markdown,-f,--input", o.markdown_paths,
                 "The epic markdown file; repeat it, or give a folder (its *.md files that name "
                 "their Epic Key), to sync many epics in one run")
      ->type_name("FILE|DIR");
  app.add_flag("--strict", o.strict,
               "Treat warnings as errors (not a status that only the tracker can check)");
  app.add_option("-o,--output", output,
                 "Output format: text (default), json, or markdown (a plan, rollback preview or "
                 "diff as a pull request comment)")
      ->type_name("text|json|markdown")
      ->check(CLI::IsMember({"text", "json", "markdown"}).description(""));
  app.add_flag("-q,--quiet", o.quiet, "Print only problems and the summary line");
  app.add_flag("--no-color", o.no_color, "No ANSI colour (also when NO_COLOR is set)");
  app.add_option("-e,--epic", o.epic, "The epic's tracker key (default: the file's Epic Key)")
      ->type_name("KEY");
  app.add_flag("-x,--execute", o.execute, "Apply the plan (after a backup and a confirmation)");
  app.add_flag("--dry-run", o.dry_run, "Only show the plan, even with --execute");
  app.add_flag("--no-confirm", o.no_confirm,
               "Do not ask before writing (required when stdin is not a terminal)");
  app.add_flag("--no-backup", o.no_backup, "Skip the pre-execute backup (prints a warning)");
  app.add_flag("--update-source", o.update_source,
               "After --execute, write the stories' and sub-tasks' tracker keys into the "
               "markdown file");
  app.add_flag("--prune", o.prune,
               "Close the issues epicsync managed that the file no longer has (jira.prune: "
               "delete deletes them); without it they are only listed");
  app.add_option("--plan-out", o.plan_out,
                 "Save the dry run's plan to FILE, to review and then apply with --apply")
      ->type_name("FILE");
  app.add_option("--apply", o.apply_file,
                 "Apply exactly the plan saved in FILE; refused (exit 11) when the tracker "
                 "changed since it was made")
      ->type_name("FILE");
  app.add_option("--backup-dir", o.backup_dir, "Where backups live (default ~/.epicsync/backups)")
      ->type_name("DIR");
  bool list_backups = false, cleanup_backups = false, verify_backups = false;
  app.add_option("--backup", o.backup_name, "Take a named manual backup of --epic now")
      ->type_name("NAME");
  app.add_option("--notes", o.notes, "Notes stored with --backup")->type_name("TEXT");
  app.add_flag("--list-backups", list_backups, "List the backups (of --epic, or of all epics)");
  app.add_flag("--cleanup-backups", cleanup_backups,
               "Remove old automatic backups, keeping --keep N per epic");
  CLI::Option* keep_opt =
      app.add_option("--keep", o.keep, "How many backups --cleanup-backups keeps")->type_name("N");
  app.add_flag("--verify-backups", verify_backups, "Check every backup's checksums and files");
  bool list_runs = false;
  app.add_flag("--list-runs", list_runs,
               "List the runs that wrote to --epic, newest first, as the tracker records them");
  std::vector<std::string> export_args;
  app.add_option("--export-backup", export_args,
                 "Write backup ID as one checksummed file FILE, to import elsewhere")
      ->expected(2)
      ->type_name("ID FILE");
  app.add_option("--import-backup", o.transfer_file,
                 "Verify an exported backup and add it to this machine's backups")
      ->type_name("FILE");
  bool diff_latest = false, rollback = false;
  std::string diff_backup, restore_backup;
  app.add_flag("--diff-latest", diff_latest, "Show what changed in --epic since its latest backup");
  app.add_option("--diff-backup", diff_backup, "Show what changed in --epic since this backup")
      ->type_name("ID");
  app.add_flag("--rollback", rollback,
               "Preview undoing the last sync of --epic (apply with --execute)");
  app.add_flag("--from-tracker", o.from_tracker,
               "With --rollback: undo from Jira's changelog and the epic's run record, no local "
               "backup needed");
  app.add_option("--run", o.run_id,
                 "With --rollback: the run to undo (an id of --list-runs); implies --from-tracker")
      ->type_name("RUN_ID");
  app.add_option("--restore-backup", restore_backup,
                 "Preview bringing --epic back to this backup (apply with --execute)")
      ->type_name("ID");
  app.add_flag("--force", o.force,
               "Write over fields others changed in Jira since epicsync wrote them (conflicts); "
               "with --pull, overwrite the file");
  bool pull = false;
  app.add_flag("--pull", pull,
               "Write --epic from the tracker as the markdown file (- for stdout); with --story "
               "or --issue, refresh that story in the file, keeping every other byte");
  app.add_flag("--pull-comments", o.pull_comments, "With --pull, write the issues' comments too");
  app.add_option("--story", o.stories, "Limit the run to this story (repeatable)")->type_name("ID");
  app.add_option("--issue", o.issues,
                 "Limit a rollback or restore to this issue; with --pull, the story of this issue "
                 "(repeatable)")
      ->type_name("KEY");
  app.add_option("--phase", o.phase,
                 "all (default), descriptions, fields, subtasks, statuses, comments")
      ->type_name("PHASE")
      ->check(CLI::IsMember({"all", "descriptions", "fields", "subtasks", "statuses", "comments"})
                  .description(""));
  app.add_flag("-v,--verbose", o.verbose, "Show the configuration and every request (redacted)");
  app.add_option("--config", o.config_file, "A config file instead of the default search")
      ->type_name("FILE");
  app.add_option("--jira-url", o.jira_url, "The tracker URL (overrides configuration)")
      ->type_name("URL");
  app.add_option("--project", o.project, "The project key (overrides configuration)")
      ->type_name("KEY");
  std::string timeout;
  CLI::Option* timeout_opt =
      app.add_option(
             "--timeout", timeout,
             "Seconds one attempt of a request to the tracker may take, 1..600 (default 30, "
             "jira.timeout)")
          ->type_name("SECONDS");

  std::vector<std::string> reversed(args.rbegin(), args.rend());
  try {
    app.parse(reversed);
  } catch (const CLI::CallForHelp&) {
    return ParsedCommandLine{std::nullopt, app.help()};
  } catch (const CLI::CallForVersion&) {
    return ParsedCommandLine{std::nullopt, version_line() + "\n"};
  } catch (const CLI::ParseError& e) {
    return Error{ErrorKind::kUsage, e.what(), "run 'epicsync --help' for usage"};
  }
  // An empty value ("--restore-backup ''", an unset shell variable) is named as such: taken as
  // "not given" it would make a restore look like a sync and fail with an unrelated message.
  for (const CLI::Option* opt : app.get_options()) {
    if (opt->get_type_size() == 0 || opt->count() == 0 || opt->get_name() == "--notes") continue;
    for (const auto& value : opt->results()) {
      if (!value.empty()) continue;
      return Error{ErrorKind::kUsage, opt->get_name() + " was given an empty value",
                   opt->get_name() + " takes " + opt->get_type_name()};
    }
  }
  if (!o.markdown_paths.empty()) o.markdown_path = o.markdown_paths.front();
  if (o.markdown_paths.size() > 1) {
    if (validate || !o.epic.empty() || !o.plan_out.empty() || !o.apply_file.empty()) {
      return Error{ErrorKind::kUsage,
                   "several files are synced by the Epic Key each names: --validate, --epic, "
                   "--plan-out and --apply take one file",
                   "give one -m with those, or drop them"};
    }
  }
  o.output = output == "json"       ? OutputFormat::kJson
             : output == "markdown" ? OutputFormat::kMarkdown
                                    : OutputFormat::kText;
  if (timeout_opt->count() > 0) {
    auto seconds = parse_timeout(timeout);
    if (!seconds) return seconds.error();
    o.timeout = *seconds;
  }
  const bool diff = diff_latest || !diff_backup.empty();
  const bool restore = !restore_backup.empty();
  const bool exporting = !export_args.empty();
  const bool importing = !o.transfer_file.empty();
  const int backup_modes = list_backups + cleanup_backups + verify_backups +
                           !o.backup_name.empty() + diff_latest + !diff_backup.empty() + rollback +
                           restore + exporting + importing + list_runs;
  if (backup_modes + validate + pull > 1) {
    return Error{ErrorKind::kUsage, "give one command at a time",
                 "--validate, --pull, --backup, --list-backups, --cleanup-backups, "
                 "--verify-backups, --export-backup, --import-backup, --list-runs, "
                 "--diff-latest, --diff-backup, --rollback or --restore-backup"};
  }
  if (o.pull_comments && !pull) {
    return Error{ErrorKind::kUsage, "--pull-comments belongs to --pull", ""};
  }
  if (pull) {
    o.mode = Mode::kPull;
    if (o.markdown_paths.size() != 1) {
      return Error{ErrorKind::kUsage, "--pull writes one file: give --markdown FILE (- for stdout)",
                   "epicsync --pull --epic PROJ-123 --markdown EPIC.md"};
    }
    const bool part = !o.stories.empty() || !o.issues.empty();
    if (o.execute || o.dry_run || o.no_confirm || o.update_source || o.prune || o.strict ||
        o.phase != "all" || !o.plan_out.empty() || !o.apply_file.empty() ||
        o.output == OutputFormat::kMarkdown) {
      return Error{ErrorKind::kUsage,
                   "--pull only reads the tracker and writes the file: --execute, --dry-run, "
                   "--no-confirm, --update-source, --prune, --strict, --phase, --plan-out, "
                   "--apply and -o markdown belong to a sync",
                   "epicsync --pull --epic PROJ-123 --markdown EPIC.md [--force]"};
    }
    if (o.epic.empty() && !part) {
      return Error{ErrorKind::kUsage, "which epic? give --epic KEY",
                   "epicsync --pull --epic PROJ-123 --markdown EPIC.md"};
    }
    if (part && o.markdown_path == "-") {
      return Error{ErrorKind::kUsage,
                   "--pull --story and --issue refresh a story inside a file: give the file",
                   "epicsync --pull --story US-001 --markdown EPIC.md"};
    }
    if (o.quiet && o.verbose) {
      return Error{ErrorKind::kUsage, "--quiet and --verbose contradict each other", ""};
    }
    return ParsedCommandLine{o, {}};
  }
  if (o.output == OutputFormat::kMarkdown) {
    const bool reviewable = diff || rollback || restore || (backup_modes == 0 && !validate);
    if (!reviewable || (o.execute && !o.dry_run)) {
      return Error{ErrorKind::kUsage,
                   "-o markdown shows what is to be reviewed: a sync's plan, a rollback or restore "
                   "preview, or a diff; not " +
                       std::string(!reviewable ? "this command" : "--execute"),
                   !reviewable ? "use -o text or -o json here"
                               : "drop --execute for the preview; an applied run reports with -o "
                                 "text or json"};
    }
  }
  if (list_runs) {
    o.mode = Mode::kListRuns;
    if (o.epic.empty()) {
      return Error{ErrorKind::kUsage, "which epic? give --epic KEY",
                   "epicsync --list-runs --epic PROJ-123"};
    }
    if (o.execute || o.dry_run || o.no_confirm || o.force || o.prune || o.update_source ||
        o.strict || o.phase != "all" || !o.stories.empty() || !o.issues.empty() ||
        !o.plan_out.empty() || !o.apply_file.empty() || !o.markdown_paths.empty()) {
      return Error{ErrorKind::kUsage, "--list-runs only reads the epic's run record",
                   "epicsync --list-runs --epic PROJ-123 [-o json]"};
    }
    if (o.quiet && o.verbose) {
      return Error{ErrorKind::kUsage, "--quiet and --verbose contradict each other", ""};
    }
    return ParsedCommandLine{o, {}};
  }
  if ((o.from_tracker || !o.run_id.empty()) && !rollback) {
    return Error{ErrorKind::kUsage, "--from-tracker and --run belong to --rollback",
                 "epicsync --rollback --epic PROJ-123 --run RUN_ID"};
  }
  if (diff || rollback || restore) {
    o.mode = diff ? Mode::kDiff : rollback ? Mode::kRollback : Mode::kRestore;
    o.backup_id = diff ? diff_backup : restore_backup;
    if (o.epic.empty()) {
      return Error{ErrorKind::kUsage, "which epic? give --epic KEY",
                   "epicsync --rollback --epic PROJ-123"};
    }
    if (o.quiet && o.verbose) {
      return Error{ErrorKind::kUsage, "--quiet and --verbose contradict each other", ""};
    }
    // Sync flags that would mean nothing here are refused rather than ignored.
    if (o.phase != "all" || o.update_source || o.prune || o.strict || (diff && o.execute)) {
      return Error{
          ErrorKind::kUsage,
          diff ? "--diff-latest and --diff-backup only read: --phase, --update-source, "
                 "--prune, --strict and --execute do not apply"
               : "--phase, --update-source, --prune and --strict belong to a sync",
          diff ? "" : "a rollback or restore takes --execute, --force, --issue and --story"};
    }
    if (!o.plan_out.empty() || !o.apply_file.empty()) {
      return Error{ErrorKind::kUsage, "--plan-out and --apply belong to a sync", ""};
    }
    if (diff && (o.force || !o.issues.empty() || !o.stories.empty())) {
      return Error{ErrorKind::kUsage, "--force, --issue and --story limit a rollback or restore",
                   ""};
    }
    return ParsedCommandLine{o, {}};
  }
  if (!o.issues.empty()) {
    return Error{ErrorKind::kUsage, "--issue belongs to --rollback and --restore-backup", ""};
  }
  if (o.force && (list_backups || exporting || importing || !o.backup_name.empty() ||
                  verify_backups || cleanup_backups)) {
    return Error{ErrorKind::kUsage, "--force belongs to a sync, --rollback and --restore-backup",
                 ""};
  }
  if (list_backups) o.mode = Mode::kListBackups;
  if (exporting) {
    o.mode = Mode::kExportBackup;
    o.backup_id = export_args[0];
    o.transfer_file = export_args[1];
  }
  if (importing) o.mode = Mode::kImportBackup;
  if (!o.backup_name.empty()) o.mode = Mode::kBackup;
  if (verify_backups) o.mode = Mode::kVerifyBackups;
  if (cleanup_backups) {
    o.mode = Mode::kCleanupBackups;
    if (keep_opt->count() == 0) {
      return Error{ErrorKind::kUsage, "--cleanup-backups needs --keep N",
                   "epicsync --cleanup-backups --keep 20"};
    }
    if (o.keep < 1) {
      return Error{ErrorKind::kUsage,
                   "--keep " + std::to_string(o.keep) + ": keep at least 1 backup per epic",
                   "the newest backups are kept; --keep 1 keeps only the newest"};
    }
  }
  if (backup_modes == 1) {
    if (!o.plan_out.empty() || !o.apply_file.empty()) {
      return Error{ErrorKind::kUsage, "--plan-out and --apply belong to a sync", ""};
    }
    return ParsedCommandLine{o, {}};
  }
  o.mode = validate ? Mode::kValidate : Mode::kSync;
  if (o.force && (validate || !o.plan_out.empty() || !o.apply_file.empty())) {
    // A saved plan is applied exactly as reviewed: a forced plan is made and applied in one run.
    return Error{ErrorKind::kUsage,
                 validate ? "--force belongs to a sync, --rollback and --restore-backup"
                          : "--force does not go with --plan-out or --apply: a saved plan is "
                            "applied exactly as it was reviewed, conflicts left alone",
                 validate ? "" : "epicsync -m EPIC.md -e KEY --execute --force"};
  }
  if (!o.apply_file.empty()) {
    // The plan file says what was planned: the file, the epic and the limits of the run.
    if (validate || !o.markdown_path.empty() || !o.epic.empty() || !o.stories.empty() ||
        o.phase != "all" || o.prune || o.update_source || o.dry_run || !o.plan_out.empty() ||
        o.output == OutputFormat::kMarkdown || o.strict) {
      return Error{ErrorKind::kUsage,
                   "--apply takes the file, the epic, --story, --phase and --prune from the plan",
                   "epicsync --apply plan.json [--no-confirm] [--no-backup]; to plan anew, "
                   "epicsync -m EPIC.md -e KEY --plan-out plan.json"};
    }
    if (o.quiet && o.verbose) {
      return Error{ErrorKind::kUsage, "--quiet and --verbose contradict each other", ""};
    }
    o.execute = true;
    return ParsedCommandLine{o, {}};
  }
  if (!o.plan_out.empty() && (validate || (o.execute && !o.dry_run) || o.update_source)) {
    return Error{ErrorKind::kUsage,
                 validate ? "--plan-out saves a sync's plan, not --validate"
                          : "--plan-out saves a dry run's plan; apply it with --apply",
                 "epicsync -m EPIC.md -e KEY --plan-out plan.json, then epicsync --apply "
                 "plan.json"};
  }
  if (o.markdown_path.empty()) {
    return Error{ErrorKind::kUsage, "which file? give --markdown FILE",
                 "epicsync --markdown EPIC.md --epic PROJ-123"};
  }
  if (o.update_source && o.no_backup) {
    return Error{ErrorKind::kUsage, "--update-source keeps a copy of the file in the backup",
                 "drop --no-backup to use --update-source"};
  }
  if (o.quiet && o.verbose) {
    return Error{ErrorKind::kUsage, "--quiet and --verbose contradict each other", ""};
  }
  if (o.prune && (validate || o.phase != "all")) {
    return Error{ErrorKind::kUsage,
                 validate ? "--prune belongs to a sync, not --validate"
                          : "--prune needs every phase: a run of one phase leaves the rest of "
                            "the epic as it is",
                 "drop --phase to prune"};
  }
  return ParsedCommandLine{o, {}};
}

config::Overrides config_overrides(const Options& o) {
  config::Overrides overrides;
  if (!o.jira_url.empty()) overrides.jira_url = o.jira_url;
  if (!o.project.empty()) overrides.project = o.project;
  if (!o.config_file.empty()) overrides.config_file = o.config_file;
  if (!o.backup_dir.empty()) overrides.backup_dir = o.backup_dir;
  overrides.timeout = o.timeout;
  return overrides;
}

}  // namespace epicsync::cli
