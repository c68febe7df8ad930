#include "config/paths.h"

#include <filesystem>
#include <fstream>
#include <sstream>

namespace epicsync::config {

std::optional<std::string> expand_home(const std::string& path, const std::string& home) {
  if (path != "~" && path.rfind("~/", 0) != 0) return path;
  if (home.empty()) return std::nullopt;
  return home + path.substr(1);
}

std::string absolute_from(const std::string& path, const std::string& dir) {
  if (path.empty() || path.front() == '/') return path;
  return (std::filesystem::path(dir) / path).lexically_normal().string();
}

Result<std::optional<std::string>> read_file_if_exists(const std::string& path) {
  namespace fs = std::filesystem;
  std::error_code ec;
  fs::file_status st = fs::status(path, ec);
  if (st.type() == fs::file_type::not_found) return std::optional<std::string>();
  if (ec || !fs::is_regular_file(st)) {
    return Error{ErrorKind::kInputFile, path + ": not a readable file",
                 "it must be a regular file you can read"};
  }
  std::ifstream in(path, std::ios::binary);
  if (!in.is_open()) {
    return Error{ErrorKind::kInputFile, path + ": cannot be read", "check its permissions"};
  }
  std::ostringstream text;
  text << in.rdbuf();
  return std::optional<std::string>(text.str());
}

}  // namespace epicsync::config
