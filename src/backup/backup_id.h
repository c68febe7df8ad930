#pragma once

#include <chrono>
#include <functional>
#include <string>
#include <string_view>

#include "backup/file_io.h"

namespace epicsync::backup {

using TimePoint = std::chrono::system_clock::time_point;
// Passed in everywhere time matters, so tests decide ids, ages and journal timestamps.
using Clock = std::function<TimePoint()>;

// "2025-01-13T15:00:00Z"; sub-second precision is dropped.
std::string format_utc(TimePoint t);
// Accepts exactly the form format_utc writes.
Result<TimePoint> parse_utc(std::string_view text);
// "2025-01-13T15:00:00.123Z": milliseconds kept (the run record's times, compared with the
// tracker's changelog). The parse accepts this form and format_utc's.
std::string format_utc_ms(TimePoint t);
Result<TimePoint> parse_utc_ms(std::string_view text);

// A Jira issue key such as PROJ-123: the only epic names used as directory names. kUsage
// otherwise (`../x`, `/etc`, `a/b`, empty, lower case, ...).
Result<Done> validate_epic_key(std::string_view key);

// backup_YYYYMMDD_HHMMSS, optionally _N (N >= 2) when several backups share a second. kUsage
// for anything else, so an id can never name a path outside its epic's folder.
Result<Done> validate_backup_id(std::string_view id);

// The id for a backup taken at `t` (UTC); `attempt` 1 gives the plain id, 2.. the suffixed ones.
std::string make_backup_id(TimePoint t, int attempt);

// Time order, then reservation order within a second. Plain string order is not enough: it
// puts "_10" before "_2". Both ids must be valid.
bool backup_id_less(std::string_view a, std::string_view b);

}  // namespace epicsync::backup
