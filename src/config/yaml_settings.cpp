#include "config/yaml_settings.h"

#include <yaml-cpp/yaml.h>

#include <array>
#include <set>

#include "config/config.h"

namespace epicsync::config {
namespace {

constexpr std::array<const char*, 5> kMeanings = {"todo", "in_progress", "in_review", "done",
                                                  "cancelled"};

std::string where(const std::string& file, const YAML::Mark& mark) {
  if (mark.is_null()) return file;
  return file + ":" + std::to_string(mark.line + 1) + ":" + std::to_string(mark.column + 1);
}

// yaml-cpp appends the offending input to some messages ("unknown escape character: x"); that
// input may be part of a token, so only the fixed text before the first colon is kept.
std::string fixed_part(const std::string& msg) {
  return msg.substr(0, msg.find(':'));
}

class Reader {
 public:
  explicit Reader(std::string file) : file_(std::move(file)) {}

  std::optional<Error> read(const YAML::Node& root, FileSettings& out) {
    if (root.IsNull()) return std::nullopt;
    if (!root.IsMap()) return fail(root, "the top level must be a mapping (jira:, backup:)");
    for (const auto& entry : root) {
      auto key = key_of(entry.first, "");
      if (!key) return error_;
      if (*key == "jira") {
        if (auto e = read_section(entry.second, "jira", out)) return e;
      } else if (*key == "backup") {
        if (auto e = read_section(entry.second, "backup", out)) return e;
      } else {
        unknown(entry.first, *key, out);
      }
    }
    return std::nullopt;
  }

 private:
  std::optional<Error> read_section(const YAML::Node& node, const std::string& section,
                                    FileSettings& out) {
    if (node.IsNull()) return std::nullopt;
    if (!node.IsMap()) return fail(node, section + " must be a mapping");
    for (const auto& entry : node) {
      auto name = key_of(entry.first, section + ".");
      if (!name) return error_;
      std::string key = section + "." + *name;
      const YAML::Node& value = entry.second;
      if (value.IsNull()) continue;  // "url:" with nothing after it: not set
      std::optional<Error> e;
      if (key == "jira.url" || key == "jira.email" || key == "jira.api_token" ||
          key == "jira.pat" || key == "jira.project" || key == "jira.story_points_field" ||
          key == "backup.dir") {
        if (!value.IsScalar()) return fail(value, key + " must be a string");
        if (!value.Scalar().empty()) out.strings[key] = value.Scalar();
      } else if (key == "jira.prune") {
        // What --prune does with an issue the file no longer has.
        if (!value.IsScalar() || (value.Scalar() != "close" && value.Scalar() != "delete")) {
          Error bad = fail(value, key + " must be close or delete");
          bad.hint = "close moves it to a done or won't-do status; delete removes it";
          return bad;
        }
        out.strings[key] = value.Scalar();
      } else if (key == "jira.insecure" || key == "jira.notify" || key == "jira.bulk") {
        bool b = false;
        if (!value.IsScalar() || !YAML::convert<bool>::decode(value, b)) {
          return fail(value, key + " must be true or false");
        }
        (key == "jira.notify" ? out.notify : key == "jira.bulk" ? out.bulk : out.insecure) = b;
      } else if (key == "jira.concurrency") {
        e = read_int(value, key, 1, 64, out.concurrency);
      } else if (key == "jira.search_wait") {
        e = read_int(value, key, 0, 600, out.search_wait);
      } else if (key == "jira.timeout") {
        e = read_int(value, key, kMinTimeout, kMaxTimeout, out.timeout);
      } else if (key == "jira.max_response_mb") {
        e = read_int(value, key, kMinResponseMb, kMaxResponseMb, out.max_response_mb);
      } else if (key == "backup.keep_count") {
        e = read_int(value, key, 10, 100, out.keep_count);
      } else if (key == "jira.status_map") {
        e = read_status_map(value, out);
      } else if (key == "jira.fields") {
        e = read_fields(value, out);
      } else {
        unknown(entry.first, key, out);
      }
      if (e) return e;
    }
    return std::nullopt;
  }

  std::optional<Error> read_int(const YAML::Node& value, const std::string& key, int lo, int hi,
                                std::optional<int>& out) {
    int n = 0;
    if (!value.IsScalar() || !YAML::convert<int>::decode(value, n)) {
      return fail(value, key + " must be a whole number");
    }
    if (n < lo || n > hi) {
      return fail(value, key + " is " + std::to_string(n) + "; it must be between " +
                             std::to_string(lo) + " and " + std::to_string(hi));
    }
    out = n;
    return std::nullopt;
  }

  std::optional<Error> read_status_map(const YAML::Node& node, FileSettings& out) {
    if (!node.IsMap()) return fail(node, "jira.status_map must be a mapping from meaning to names");
    std::map<std::string, std::vector<std::string>> map;
    for (const auto& entry : node) {
      auto meaning = key_of(entry.first, "jira.status_map.");
      if (!meaning) return error_;
      std::string key = "jira.status_map." + *meaning;
      bool known = false;
      for (const char* m : kMeanings) known = known || *meaning == m;
      if (!known) {
        // Not a warning like other unknown keys: a mistyped meaning would silently change
        // which statuses the tool moves issues to.
        Error e = fail(entry.first, key + " is not a status meaning");
        e.hint = "use todo, in_progress, in_review, done or cancelled";
        return e;
      }
      std::vector<std::string> names;
      const YAML::Node& value = entry.second;
      if (value.IsScalar()) {
        names.push_back(value.Scalar());
      } else if (value.IsSequence()) {
        for (const auto& item : value) {
          if (!item.IsScalar()) return fail(item, key + " must list status names");
          names.push_back(item.Scalar());
        }
      } else {
        return fail(value, key + " must be a status name or a list of them");
      }
      for (const auto& n : names) {
        if (n.empty()) return fail(value, key + " has an empty status name");
      }
      if (names.empty()) return fail(value, key + " must name at least one status");
      map[*meaning] = std::move(names);
    }
    out.status_map = std::move(map);
    return std::nullopt;
  }

  // jira.fields: {Team: customfield_10040, "Target start": Start date}. A name twice is an error:
  // which of the two fields a file's row means would otherwise depend on the order.
  std::optional<Error> read_fields(const YAML::Node& node, FileSettings& out) {
    if (!node.IsMap()) {
      Error e = fail(node, "jira.fields must be a mapping from a name the file writes to a field");
      e.hint = "for example  fields: {Team: customfield_10040}";
      return e;
    }
    std::vector<std::pair<std::string, std::string>> fields;
    std::set<std::string> seen;
    for (const auto& entry : node) {
      auto name = key_of(entry.first, "jira.fields.");
      if (!name) return error_;
      const YAML::Node& value = entry.second;
      if (!value.IsScalar() || value.Scalar().empty()) {
        return fail(value, "jira.fields." + *name + " must be a field id or a field name");
      }
      std::string folded;
      for (char c : *name) {
        folded += (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
      }
      if (name->empty() || !seen.insert(folded).second) {
        return fail(entry.first, "jira.fields names '" + *name + "' twice (or it is empty)");
      }
      fields.emplace_back(*name, value.Scalar());
    }
    out.fields = std::move(fields);
    return std::nullopt;
  }

  std::optional<std::string> key_of(const YAML::Node& key, const std::string& prefix) {
    if (!key.IsScalar()) {
      error_ = fail(key, "a key under " + (prefix.empty() ? std::string("the top level") : prefix) +
                             " is not a plain name");
      return std::nullopt;
    }
    return key.Scalar();
  }

  void unknown(const YAML::Node& key, const std::string& name, FileSettings& out) {
    out.warnings.push_back(where(file_, key.Mark()) + ": unknown key " + name + " (ignored)");
  }

  Error fail(const YAML::Node& node, const std::string& what) {
    return Error{ErrorKind::kUsage, where(file_, node.Mark()) + ": " + what,
                 "see docs/configuration.md for the keys and their types"};
  }

  std::string file_;
  Error error_;
};

}  // namespace

Result<FileSettings> parse_config_yaml(std::string_view text, const std::string& file) {
  try {
    YAML::Node root = YAML::Load(std::string(text));
    FileSettings out;
    Reader reader(file);
    if (auto e = reader.read(root, out)) return *e;
    return out;
  } catch (const YAML::ParserException& e) {
    return Error{ErrorKind::kUsage, where(file, e.mark) + ": invalid YAML: " + fixed_part(e.msg),
                 "fix the YAML syntax at that line and column"};
  } catch (const std::exception&) {
    return Error{ErrorKind::kUsage, file + ": cannot be read as a configuration file",
                 "check that it is valid YAML"};
  }
}

}  // namespace epicsync::config
