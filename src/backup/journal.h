#pragma once

#include <condition_variable>
#include <cstdint>
#include <filesystem>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "backup/backup_id.h"

namespace epicsync::backup {

// The write-ahead journal of one run: an append-only JSON-lines file. Each operation's intent is
// recorded (and on disk) before it is sent, its outcome after, so a run killed at any moment
// leaves a record of what was done (outcomes) and what may or may not have happened (intents
// without an outcome). Format: docs/backup-format.md.

enum class Phase { kIntent, kOutcome };

struct JournalRecord {
  std::uint64_t seq = 0;  // 1, 2, 3, ... without gaps
  std::string op;         // the caller's id of the operation, e.g. "create:US-001"
  Phase phase = Phase::kIntent;
  TimePoint at;
  nlohmann::json data;  // the caller's: what will be done, or what was (keys, old/new values)
};

struct Journal {
  std::vector<JournalRecord> records;
  // Non-empty when the end of the file held an incomplete or unreadable record, as a run
  // killed mid-write or a power loss leaves it; the record is ignored and this says why.
  std::string torn_tail;
  std::uint64_t intact_size = 0;  // bytes up to the end of the last good record

  // Operations whose last record is an intent, or an outcome marked "unknown": sent or not,
  // applied or not, nobody knows. In journal order.
  std::vector<std::string> pending() const;
};

// kInputFile when the file cannot be read or a record before the last good one is damaged
// (a checksum mismatch, a gap in seq): that is corruption, not an interrupted write.
Result<Journal> read_journal(const std::filesystem::path& file);

// Written when a run ends, so that a finished journal has a fixed SHA-256 like the other files.
struct JournalSeal {
  std::string sha256;
  std::uint64_t size = 0;
  std::uint64_t records = 0;
  TimePoint sealed_at;
};

// The seal beside `journal_file` (journal.sealed), or nullopt when the run did not seal it.
Result<std::optional<JournalSeal>> read_journal_seal(const std::filesystem::path& journal_file);

class JournalWriter {
 public:
  // Opens `file` for appending, creating it (0600) if needed. An existing journal is continued:
  // a torn last record is cut off first. A sealed journal is refused.
  static Result<JournalWriter> open(const std::filesystem::path& file, Clock clock);

  JournalWriter(JournalWriter&& other) noexcept;
  JournalWriter& operator=(JournalWriter&& other) noexcept;
  JournalWriter(const JournalWriter&) = delete;
  JournalWriter& operator=(const JournalWriter&) = delete;
  ~JournalWriter();

  // Each returns once the record is on disk, with its seq: one write(), then an fdatasync that
  // records written meanwhile by other threads share (group commit: callers that arrive while
  // one syncs wait for the next sync, which covers them all). Safe to call from many threads.
  Result<std::uint64_t> intent(std::string_view op, const nlohmann::json& data);
  // kInternal when `op` has no intent awaiting an outcome.
  Result<std::uint64_t> outcome(std::string_view op, const nlohmann::json& data);

  // Several records, in order, on disk together with one sync: the intents of a bulk create
  // before it is sent, the outcomes of its answer. Returns the last one's seq. Nothing is
  // written when one of them is refused (an outcome without its intent, data that cannot be
  // encoded).
  struct Entry {
    std::string op;
    Phase phase = Phase::kIntent;
    nlohmann::json data;
  };
  Result<std::uint64_t> append_all(const std::vector<Entry>& entries);

  // Ends the journal: writes journal.sealed with its SHA-256, size and record count. Nothing
  // can be appended afterwards.
  Result<Done> seal();

  const std::filesystem::path& path() const { return path_; }
  // The seq the next record gets: 1 for a new journal, more for one an earlier run began.
  std::uint64_t next_seq() const { return next_seq_; }
  // The fdatasyncs made so far for records (bench/: how well group commit shares them).
  std::uint64_t syncs() const { return syncs_; }

 private:
  JournalWriter(int fd, std::filesystem::path path, Clock clock);
  Result<std::uint64_t> append(std::string_view op, Phase phase, const nlohmann::json& data);
  // An interim outcome (a bulk task's id) keeps its operation awaiting the final one.
  static bool interim(const nlohmann::json& data);

  // Waits until record `seq` is on disk, syncing for every record written so far when no other
  // thread is syncing. `lock` holds mu_.
  Result<Done> sync_through(std::uint64_t seq, std::unique_lock<std::mutex>& lock);

  int fd_ = -1;
  std::filesystem::path path_;
  Clock clock_;
  std::uint64_t next_seq_ = 1;
  std::set<std::string, std::less<>> awaiting_outcome_;
  // Group commit: records up to synced_ are on disk; one thread at a time syncs. A failed sync
  // fails every record it was to cover, and the journal takes no more.
  std::mutex mu_;
  std::condition_variable synced_cv_;
  std::uint64_t synced_ = 0;
  bool syncing_ = false;
  std::optional<Error> sync_error_;
  std::uint64_t syncs_ = 0;
};

}  // namespace epicsync::backup
