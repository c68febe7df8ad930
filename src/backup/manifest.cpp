#include "backup/manifest.h"

namespace epicsync::backup {
namespace {

using nlohmann::json;

Error bad(const std::string& what) {
  return Error{ErrorKind::kInputFile, "manifest.json: " + what, ""};
}

bool is_plain_file_name(const std::string& name) {
  return !name.empty() && name != "." && name != ".." && name.find('/') == std::string::npos &&
         name.find('\0') == std::string::npos;
}

}  // namespace

std::string_view trigger_name(Trigger trigger) {
  switch (trigger) {
    case Trigger::kPreSync:
      return "pre-sync";
    case Trigger::kManual:
      return "manual";
    case Trigger::kPreRollback:
      return "pre-rollback";
  }
  return "pre-sync";
}

std::optional<Trigger> trigger_from_name(std::string_view name) {
  for (Trigger t : {Trigger::kPreSync, Trigger::kManual, Trigger::kPreRollback}) {
    if (trigger_name(t) == name) return t;
  }
  return std::nullopt;
}

json manifest_to_json(const Manifest& m) {
  json files = json::array();
  for (const auto& f : m.files) {
    files.push_back({{"path", f.path}, {"size", f.size}, {"sha256", f.sha256}});
  }
  json out = {
      {"format", "epicsync-backup"},
      {"format_version", m.format_version},
      {"id", m.id},
      {"epic", m.epic},
      {"trigger", trigger_name(m.trigger)},
      {"name", m.name},
      {"notes", m.notes},
      {"created_at", format_utc(m.created_at)},
      {"tool_version", m.tool_version},
      {"host", m.host},
      {"user", m.user},
      {"issue_count", m.issue_count},
      {"files", std::move(files)},
  };
  if (!m.journal.empty()) {
    out["journal"] = {
        {"path", m.journal}, {"integrity", "crc32-per-record"}, {"seal", kJournalSealFile}};
  }
  return out;
}

Result<Manifest> manifest_from_json(const json& j) {
  if (!j.is_object() || j.value("format", "") != "epicsync-backup") {
    return bad("not an epicsync backup manifest");
  }
  auto version = j.find("format_version");
  if (version == j.end() || !version->is_number_integer() || version->get<int>() < 1) {
    return bad("missing or invalid format_version");
  }
  Manifest m;
  m.format_version = version->get<int>();
  if (m.format_version > kFormatVersion) {
    return Error{ErrorKind::kInputFile,
                 "backup format version " + std::to_string(m.format_version) +
                     " is newer than this epicsync understands (up to " +
                     std::to_string(kFormatVersion) + ")",
                 "upgrade epicsync to read this backup"};
  }
  try {
    m.id = j.at("id").get<std::string>();
    m.epic = j.at("epic").get<std::string>();
    auto trigger = trigger_from_name(j.at("trigger").get<std::string>());
    if (!trigger) return bad("unknown trigger \"" + j.at("trigger").get<std::string>() + "\"");
    m.trigger = *trigger;
    m.name = j.value("name", "");
    m.notes = j.value("notes", "");
    auto created = parse_utc(j.at("created_at").get<std::string>());
    if (!created) return bad("created_at: " + created.error().message);
    m.created_at = *created;
    m.tool_version = j.value("tool_version", "");
    m.host = j.value("host", "");
    m.user = j.value("user", "");
    m.issue_count = j.value("issue_count", std::size_t{0});
    for (const auto& f : j.at("files")) {
      ManifestFile file{f.at("path").get<std::string>(), f.at("size").get<std::uint64_t>(),
                        f.at("sha256").get<std::string>()};
      if (!is_plain_file_name(file.path)) return bad("file path is not a plain name: " + file.path);
      m.files.push_back(std::move(file));
    }
    if (j.contains("journal")) {
      m.journal = j.at("journal").at("path").get<std::string>();
      if (!is_plain_file_name(m.journal)) return bad("journal path is not a plain name");
    }
  } catch (const json::exception& e) {
    return bad(e.what());
  }
  auto id_ok = validate_backup_id(m.id);
  if (!id_ok) return bad(id_ok.error().message);
  auto epic_ok = validate_epic_key(m.epic);
  if (!epic_ok) return bad(epic_ok.error().message);
  return m;
}

}  // namespace epicsync::backup
