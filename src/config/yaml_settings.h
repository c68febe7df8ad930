#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "error.h"

namespace epicsync::config {

// What one config file says; unset fields were absent (or null) in the file.
struct FileSettings {
  std::map<std::string, std::string> strings;  // "jira.url", "backup.dir", … → value
  std::optional<std::map<std::string, std::vector<std::string>>> status_map;
  // jira.fields: the name a file writes → a field id or a field's name in Jira, in file order.
  std::optional<std::vector<std::pair<std::string, std::string>>> fields;
  std::optional<int> keep_count;
  std::optional<int> concurrency;
  std::optional<int> search_wait;      // seconds
  std::optional<int> timeout;          // seconds
  std::optional<int> max_response_mb;  // MiB
  std::optional<bool> insecure;
  std::optional<bool> notify;
  std::optional<bool> bulk;
  std::vector<std::string> warnings;  // unknown keys, with file:line:column
};

// Parses and checks a config file's YAML. Errors (kUsage) name the file, line, column and key,
// never a value: yaml-cpp's messages are cut before any quoted input.
Result<FileSettings> parse_config_yaml(std::string_view text, const std::string& file);

}  // namespace epicsync::config
