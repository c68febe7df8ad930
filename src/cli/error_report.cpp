#include "cli/error_report.h"

#include <nlohmann/json.hpp>

namespace epicsync::cli {

int report_error(OutputFormat format, const Error& error, std::ostream& out, std::ostream& err) {
  const int code = exit_code(error.kind);
  if (format == OutputFormat::kJson) {
    nlohmann::json doc = {{"ok", false},
                          {"error",
                           {{"kind", error_id(error.kind)},
                            {"code", code},
                            {"message", error.message},
                            {"hint", error.hint}}}};
    out << doc.dump(2) << "\n";
  } else {
    err << "epicsync: " << error.message << "\n";
    if (!error.hint.empty()) err << "hint: " << error.hint << "\n";
  }
  return code;
}

}  // namespace epicsync::cli
