#include "backup/backup_id.h"

#include <cstdio>
#include <ctime>
#include <regex>

namespace epicsync::backup {
namespace {

bool all_digits(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s) {
    if (c < '0' || c > '9') return false;
  }
  return true;
}

Error usage(std::string message, std::string hint) {
  return Error{ErrorKind::kUsage, std::move(message), std::move(hint)};
}

struct IdParts {
  std::string_view stamp;  // YYYYMMDD_HHMMSS, which sorts as text
  unsigned long long suffix = 1;
};

IdParts split_id(std::string_view id) {
  IdParts parts;
  id.remove_prefix(7);  // "backup_"
  parts.stamp = id.substr(0, 15);
  if (id.size() > 16) parts.suffix = std::stoull(std::string(id.substr(16)));
  return parts;
}

}  // namespace

std::string format_utc(TimePoint t) {
  std::time_t secs = std::chrono::system_clock::to_time_t(t);
  std::tm tm{};
  ::gmtime_r(&secs, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

Result<TimePoint> parse_utc(std::string_view text) {
  static const std::regex form(R"(^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})Z$)");
  std::string s(text);
  std::smatch m;
  if (!std::regex_match(s, m, form)) {
    return Error{ErrorKind::kInputFile, "not a UTC time (YYYY-MM-DDTHH:MM:SSZ): " + s, ""};
  }
  std::tm tm{};
  tm.tm_year = std::stoi(m[1]) - 1900;
  tm.tm_mon = std::stoi(m[2]) - 1;
  tm.tm_mday = std::stoi(m[3]);
  tm.tm_hour = std::stoi(m[4]);
  tm.tm_min = std::stoi(m[5]);
  tm.tm_sec = std::stoi(m[6]);
  return std::chrono::system_clock::from_time_t(::timegm(&tm));
}

std::string format_utc_ms(TimePoint t) {
  const auto ms = std::chrono::floor<std::chrono::milliseconds>(t);
  const auto secs = std::chrono::floor<std::chrono::seconds>(ms);
  std::string out = format_utc(secs);
  const auto frac = (ms - secs).count();
  char buf[8];
  std::snprintf(buf, sizeof buf, ".%03d", static_cast<int>(frac));
  out.insert(out.size() - 1, buf);
  return out;
}

Result<TimePoint> parse_utc_ms(std::string_view text) {
  static const std::regex form(R"(^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})(\.(\d{3}))?Z$)");
  std::string s(text);
  std::smatch m;
  if (!std::regex_match(s, m, form)) {
    return Error{ErrorKind::kInputFile, "not a UTC time (YYYY-MM-DDTHH:MM:SS.mmmZ): " + s, ""};
  }
  auto whole = parse_utc(m[1].str() + "Z");
  if (!whole) return whole.error();
  return *whole + std::chrono::milliseconds(m[3].matched ? std::stoi(m[3]) : 0);
}

Result<Done> validate_epic_key(std::string_view key) {
  auto dash = key.rfind('-');
  bool ok = key.size() <= 64 && dash != std::string_view::npos && dash > 0 && key[0] >= 'A' &&
            key[0] <= 'Z' && all_digits(key.substr(dash + 1));
  for (size_t i = 0; ok && i < dash; ++i) {
    char c = key[i];
    ok = (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
  }
  if (!ok) {
    return usage("not an epic key: \"" + std::string(key) + "\"",
                 "an epic key looks like PROJ-123 (upper-case project key, dash, number)");
  }
  return Done{};
}

Result<Done> validate_backup_id(std::string_view id) {
  // backup_ YYYYMMDD _ HHMMSS [_N]
  bool ok = id.size() >= 22 && id.size() <= 32 && id.substr(0, 7) == "backup_" &&
            all_digits(id.substr(7, 8)) && id[15] == '_' && all_digits(id.substr(16, 6));
  if (ok && id.size() > 22) {
    std::string_view suffix = id.substr(23);
    ok = id[22] == '_' && all_digits(suffix) && suffix[0] != '0' && suffix != "1";
  }
  if (!ok) {
    return usage("not a backup id: \"" + std::string(id) + "\"",
                 "a backup id looks like backup_20250113_150000; --list-backups shows them");
  }
  return Done{};
}

std::string make_backup_id(TimePoint t, int attempt) {
  std::time_t secs = std::chrono::system_clock::to_time_t(t);
  std::tm tm{};
  ::gmtime_r(&secs, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "backup_%Y%m%d_%H%M%S", &tm);
  std::string id = buf;
  if (attempt > 1) id += "_" + std::to_string(attempt);
  return id;
}

bool backup_id_less(std::string_view a, std::string_view b) {
  IdParts pa = split_id(a);
  IdParts pb = split_id(b);
  if (pa.stamp != pb.stamp) return pa.stamp < pb.stamp;
  return pa.suffix < pb.suffix;
}

}  // namespace epicsync::backup
