#include "cli/options.h"

#include <CLI/CLI.hpp>

#include "version.h"

namespace epicsync::cli {

bool wants_json(const std::vector<std::string>& args) {
  for (size_t i = 0; i < args.size(); ++i) {
    const auto& a = args[i];
    if (a == "--output=json" || a == "-ojson") return true;
    if ((a == "-o" || a == "--output") && i + 1 < args.size() && args[i + 1] == "json") return true;
  }
  return false;
}

Result<ParsedCommandLine> parse_command_line(const std::vector<std::string>& args) {
  CLI::App app{"epicsync keeps a Jira epic in step with a markdown file.", "epicsync"};
  app.set_version_flag("--version", std::string("epicsync ") + kVersion);
  app.get_formatter()->column_width(34);
  app.footer(
      "Exit codes: 0 ok, 2 usage, 3 input file unreadable, 6 invalid markdown.\n"
      "Docs: docs/cli.md, docs/markdown-format.md.");

  Options o;
  std::string output = "text";
  bool validate = false;
  app.add_flag("--validate", validate, "Parse the epic file and report what it describes");
  app.add_option("-m,--markdown,-f,--input", o.markdown_path, "The epic markdown file")
      ->type_name("FILE");
  app.add_flag("--strict", o.strict, "Treat warnings as errors");
  app.add_option("-o,--output", output, "Output format: text (default) or json")
      ->type_name("text|json")
      ->check(CLI::IsMember({"text", "json"}));
  app.add_flag("-q,--quiet", o.quiet, "Print only problems and the summary line");
  app.add_flag("--no-color", o.no_color, "No ANSI colour (also when NO_COLOR is set)");

  std::vector<std::string> reversed(args.rbegin(), args.rend());
  try {
    app.parse(reversed);
  } catch (const CLI::CallForHelp&) {
    return ParsedCommandLine{std::nullopt, app.help()};
  } catch (const CLI::CallForVersion&) {
    return ParsedCommandLine{std::nullopt, std::string("epicsync ") + kVersion + "\n"};
  } catch (const CLI::ParseError& e) {
    return Error{ErrorKind::kUsage, e.what(), "run 'epicsync --help' for usage"};
  }
  o.output = output == "json" ? OutputFormat::kJson : OutputFormat::kText;
  if (!validate) {
    return Error{ErrorKind::kUsage, "nothing to do: give --validate",
                 "epicsync --validate --markdown EPIC.md"};
  }
  if (o.markdown_path.empty()) {
    return Error{ErrorKind::kUsage, "--validate needs --markdown FILE",
                 "epicsync --validate --markdown EPIC.md"};
  }
  return ParsedCommandLine{o, {}};
}

}  // namespace epicsync::cli
