#pragma once

#include <optional>
#include <string>
#include <vector>

#include "config/config.h"
#include "error.h"

namespace epicsync::cli {

// kMarkdown: for review (a pull request comment), so only for what is shown before anything is
// written: a dry run's plan, a rollback or restore preview, a diff.
enum class OutputFormat { kText, kJson, kMarkdown };
enum class Mode {
  kValidate,
  kSync,
  kListBackups,
  kBackup,
  kCleanupBackups,
  kVerifyBackups,
  kExportBackup,  // --export-backup ID FILE
  kImportBackup,  // --import-backup FILE
  kDiff,          // --diff-latest / --diff-backup ID
  kRollback,      // --rollback: undo the last sync
  kRestore,       // --restore-backup ID
  kPull,          // --pull: the tracker's epic written as an epic file
  kListRuns,      // --list-runs: the epic's run record on the tracker
};

struct Options {
  Mode mode = Mode::kValidate;
  std::string markdown_path;
  // -m given more than once, or a folder: a sync of many epics (run_many); markdown_path is then
  // the one being synced.
  std::vector<std::string> markdown_paths;
  bool no_progress = false;  // set for each epic of a run over many: no progress bar
  bool strict = false;
  OutputFormat output = OutputFormat::kText;
  bool quiet = false;
  bool no_color = false;
  bool verbose = false;

  // Sync.
  std::string epic;
  bool execute = false;
  bool dry_run = false;
  bool no_confirm = false;
  bool no_backup = false;
  bool update_source = false;
  bool prune = false;
  std::string plan_out;    // --plan-out FILE: a dry run that also saves its plan
  std::string apply_file;  // --apply FILE: apply exactly that saved plan
  std::string backup_dir;
  std::string backup_name;  // --backup NAME
  std::string notes;
  int keep = 0;
  std::vector<std::string> stories;
  std::vector<std::string> issues;  // --issue KEY: limits a rollback or restore
  std::string backup_id;            // --diff-backup / --restore-backup; empty: the latest
  // --rollback from the tracker's changelog and run record instead of a local backup
  // (--from-tracker, or --run RUN_ID naming the run to undo).
  bool from_tracker = false;
  std::string run_id;
  std::string transfer_file;   // --export-backup ID FILE, --import-backup FILE
  bool force = false;          // rollback/restore: overwrite what others changed since
  bool pull_comments = false;  // --pull-comments
  std::string phase = "all";
  std::string config_file;
  std::string jira_url;
  std::string project;
  std::optional<int> timeout;  // --timeout SECONDS, already range-checked
};

// What the command line asked for: options to run with, or text already answered (--help,
// --version) with its exit code.
struct ParsedCommandLine {
  std::optional<Options> options;
  std::string answer;  // printed on stdout when options is empty
};

Result<ParsedCommandLine> parse_command_line(const std::vector<std::string>& args);

// The settings given on the command line, which win over every other source.
config::Overrides config_overrides(const Options& options);

// Whether the arguments ask for JSON, looked up before a full parse so that even a usage error
// is reported as one JSON document.
bool wants_json(const std::vector<std::string>& args);

}  // namespace epicsync::cli
