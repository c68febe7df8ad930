#include <unistd.h>

#include <exception>
#include <iostream>
#include <string>
#include <vector>

#include "cli/backup_commands.h"
#include "cli/diff_command.h"
#include "cli/error_report.h"
#include "cli/list_runs_command.h"
#include "cli/options.h"
#include "cli/pull_command.h"
#include "cli/restore_command.h"
#include "cli/sync_command.h"
#include "cli/tracker_session.h"
#include "cli/validate_command.h"

int main(int argc, char** argv) {
  using namespace epicsync;
  const std::vector<std::string> args(argv + 1, argv + argc);
  const auto format = cli::wants_json(args) ? cli::OutputFormat::kJson : cli::OutputFormat::kText;
  try {
    auto parsed = cli::parse_command_line(args);
    if (!parsed) return cli::report_error(format, parsed.error(), std::cout, std::cerr);
    if (!parsed->options) {
      std::cout << parsed->answer;
      return 0;
    }
    const auto& options = *parsed->options;
    // "waiting for HOST (attempt 2 of 5)…" is for a person watching, like the progress bar.
    cli::set_retry_notices(options.output != cli::OutputFormat::kJson && !options.quiet &&
                           ::isatty(2) == 1);
    switch (options.mode) {
      case cli::Mode::kValidate:
        return cli::run_validate(options, std::cout, std::cerr);
      case cli::Mode::kSync:
        return cli::run_sync(options, std::cout, std::cerr);
      case cli::Mode::kListBackups:
      case cli::Mode::kBackup:
      case cli::Mode::kCleanupBackups:
      case cli::Mode::kVerifyBackups:
      case cli::Mode::kExportBackup:
      case cli::Mode::kImportBackup:
        return cli::run_backup_command(options, std::cout, std::cerr);
      case cli::Mode::kDiff:
        return cli::run_diff(options, std::cout, std::cerr);
      case cli::Mode::kRollback:
      case cli::Mode::kRestore:
        return cli::run_restore(options, std::cout, std::cerr);
      case cli::Mode::kPull:
        return cli::run_pull(options, std::cout, std::cerr);
      case cli::Mode::kListRuns:
        return cli::run_list_runs(options, std::cout, std::cerr);
    }
    return 1;
  } catch (const std::exception& e) {
    return cli::report_error(format, Error{ErrorKind::kInternal, e.what(), ""}, std::cout,
                             std::cerr);
  }
}
