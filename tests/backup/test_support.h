#pragma once

#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "backup/backup_id.h"
#include "tracker/remote_issue.h"

namespace epicsync::backup::testing {

// A fresh directory removed with everything in it when the test ends.
class TempDir {
 public:
  TempDir() {
    const char* base = std::getenv("TMPDIR");
    std::string pattern = std::string(base && *base ? base : "/tmp") + "/epicsync-backup-XXXXXX";
    path_ = ::mkdtemp(pattern.data());
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

inline TimePoint utc(const char* iso) {
  return *parse_utc(iso);
}

inline Clock fixed_clock(TimePoint t) {
  return [t] { return t; };
}

inline std::string slurp(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

inline void spit(const std::filesystem::path& p, const std::string& content) {
  std::ofstream out(p, std::ios::binary | std::ios::trunc);
  out << content;
}

inline mode_t mode_of(const std::filesystem::path& p) {
  struct stat st {};
  ::stat(p.c_str(), &st);
  return st.st_mode & 07777;
}

inline tracker::RemoteIssue issue(const std::string& key, const std::string& summary) {
  tracker::RemoteIssue i;
  i.id = "1" + key.substr(key.find('-') + 1);
  i.key = key;
  i.summary = summary;
  i.description = {tracker::RichText::Format::kWiki, "h1. " + summary};
  i.status = {"1", "To Do", tracker::StatusCategory::kToDo};
  return i;
}

inline tracker::EpicSnapshot small_snapshot() {
  tracker::EpicSnapshot s;
  s.epic = issue("PROJ-1", "The epic");
  s.stories = {issue("PROJ-2", "First story"), issue("PROJ-3", "Second story")};
  s.subtasks = {issue("PROJ-4", "A sub-task")};
  return s;
}

}  // namespace epicsync::backup::testing
