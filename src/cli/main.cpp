#include <exception>
#include <iostream>
#include <string>
#include <vector>

#include "cli/error_report.h"
#include "cli/options.h"
#include "cli/sync_command.h"
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
    if (options.mode == cli::Mode::kValidate)
      return cli::run_validate(options, std::cout, std::cerr);
    return cli::run_sync(options, std::cout, std::cerr);
  } catch (const std::exception& e) {
    return cli::report_error(format, Error{ErrorKind::kInternal, e.what(), ""}, std::cout,
                             std::cerr);
  }
}
