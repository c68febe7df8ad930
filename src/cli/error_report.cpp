#include "cli/error_report.h"

#include <nlohmann/json.hpp>

namespace epicsync::cli {
namespace {

std::string& auth_hint() {
  static std::string hint;
  return hint;
}

}  // namespace

void set_auth_hint(std::string hint) {
  auth_hint() = std::move(hint);
}

int report_error(OutputFormat format, const Error& reported, std::ostream& out, std::ostream& err) {
  Error error = reported;
  // A 401 means the credentials were not accepted: name them, so the user knows which to fix.
  if (error.kind == ErrorKind::kAuth && !auth_hint().empty() &&
      error.message.find("(HTTP 401)") != std::string::npos) {
    error.hint = auth_hint();
  }
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
