#include "backup/journal.h"

#include "backup/journal_record.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include <cerrno>
#include <cstdio>
#include <map>
#include <utility>
#include <variant>

#include "backup/atomic_file.h"
#include "backup/manifest.h"
#include "backup/sha256.h"

namespace epicsync::backup {
namespace {

// Every line ends with this member, so the checksummed bytes are the line without it.
constexpr std::string_view kCrcOpen = ",\"crc\":\"";
constexpr size_t kCrcTail = kCrcOpen.size() + 8 + 2;  // ,"crc":"XXXXXXXX"}

std::string crc_hex(std::string_view bytes) {
  uLong crc = crc32(0L, Z_NULL, 0);
  crc = crc32(crc, reinterpret_cast<const Bytef*>(bytes.data()), static_cast<uInt>(bytes.size()));
  char buf[9];
  std::snprintf(buf, sizeof buf, "%08lx", static_cast<unsigned long>(crc));
  return buf;
}

std::string_view phase_name(Phase p) {
  return p == Phase::kIntent ? "intent" : "outcome";
}

std::filesystem::path seal_path(const std::filesystem::path& journal_file) {
  return journal_file.parent_path() / kJournalSealFile;
}

// One line: the record's JSON with a "crc" member appended, then "\n".
std::string encode(const JournalRecord& r) {
  nlohmann::ordered_json body = {{"seq", r.seq},
                                 {"op", r.op},
                                 {"phase", phase_name(r.phase)},
                                 {"at", format_utc(r.at)},
                                 {"data", r.data}};
  std::string text = body.dump();
  std::string crc = crc_hex(text);
  text.pop_back();  // the closing brace, re-added after the crc member
  text += kCrcOpen;
  text += crc;
  text += "\"}\n";
  return text;
}

// The record on `line`, or why it is not one.
std::variant<JournalRecord, std::string> decode(std::string_view line) {
  if (line.size() < kCrcTail + 2 ||
      line.substr(line.size() - kCrcTail, kCrcOpen.size()) != kCrcOpen ||
      line.substr(line.size() - 2) != "\"}") {
    return std::string("no checksum");
  }
  std::string body(line.substr(0, line.size() - kCrcTail));
  body += '}';
  std::string_view stored = line.substr(line.size() - 10, 8);
  if (crc_hex(body) != stored) return std::string("checksum mismatch");
  auto j = nlohmann::json::parse(body, nullptr, false);
  if (!j.is_object()) return std::string("not JSON");
  JournalRecord r;
  try {
    r.seq = j.at("seq").get<std::uint64_t>();
    r.op = j.at("op").get<std::string>();
    std::string phase = j.at("phase").get<std::string>();
    if (phase == "intent") {
      r.phase = Phase::kIntent;
    } else if (phase == "outcome") {
      r.phase = Phase::kOutcome;
    } else {
      return "unknown phase \"" + phase + "\"";
    }
    auto at = parse_utc(j.at("at").get<std::string>());
    if (!at) return at.error().message;
    r.at = *at;
    r.data = j.at("data");
  } catch (const nlohmann::json::exception& e) {
    return std::string("bad record: ") + e.what();
  }
  return r;
}

}  // namespace

std::vector<std::string> Journal::pending() const {
  // An outcome marked unknown (the answer was lost and nothing confirmed it) leaves the
  // operation as open as an intent alone does.
  std::map<std::string, bool> open;
  std::vector<std::string> order;
  for (const auto& r : records) {
    if (!open.count(r.op)) order.push_back(r.op);
    if (r.phase == Phase::kIntent) {
      open[r.op] = true;
      continue;
    }
    // An outcome that cannot be read confirms nothing either.
    auto outcome = read_outcome(r.data);
    open[r.op] = !outcome || outcome->outcome == Outcome::kUnknown;
  }
  std::vector<std::string> out;
  for (const auto& op : order) {
    if (open[op]) out.push_back(op);
  }
  return out;
}

Result<Journal> read_journal(const std::filesystem::path& file) {
  auto text = read_file(file);
  if (!text) return text.error();
  std::string_view rest = *text;
  Journal journal;
  std::uint64_t offset = 0;
  int line_no = 0;
  std::string first_bad;  // the first unreadable line; fatal only if a good one follows
  while (!rest.empty()) {
    ++line_no;
    size_t nl = rest.find('\n');
    bool complete = nl != std::string_view::npos;
    std::string_view line = rest.substr(0, complete ? nl : rest.size());
    size_t consumed = complete ? nl + 1 : rest.size();
    rest.remove_prefix(consumed);

    std::string why;
    if (!complete) {
      why = "incomplete record";
    } else {
      auto decoded = decode(line);
      if (auto* r = std::get_if<JournalRecord>(&decoded)) {
        if (!first_bad.empty()) {
          return Error{ErrorKind::kInputFile,
                       file.string() + " is corrupted: " + first_bad + ", before intact records",
                       "the journal cannot be trusted; inspect it before rolling back"};
        }
        std::uint64_t expected = journal.records.size() + 1;
        if (r->seq != expected) {
          return Error{ErrorKind::kInputFile,
                       file.string() + " is corrupted: line " + std::to_string(line_no) +
                           " has seq " + std::to_string(r->seq) + ", expected " +
                           std::to_string(expected),
                       "the journal cannot be trusted; inspect it before rolling back"};
        }
        journal.records.push_back(std::move(*r));
        offset += consumed;
        journal.intact_size = offset;
        continue;
      }
      why = std::get<std::string>(decoded);
    }
    if (first_bad.empty()) first_bad = "line " + std::to_string(line_no) + ": " + why;
  }
  if (!first_bad.empty()) {
    journal.torn_tail = first_bad + " (" + std::to_string(text->size() - journal.intact_size) +
                        " bytes ignored; the run was interrupted while writing it)";
  }
  return journal;
}

Result<std::optional<JournalSeal>> read_journal_seal(const std::filesystem::path& journal_file) {
  auto path = seal_path(journal_file);
  struct stat st;
  if (::stat(path.c_str(), &st) != 0) {
    if (errno == ENOENT) return std::optional<JournalSeal>{};
    return os_error(ErrorKind::kInputFile, "cannot read", path, errno);
  }
  auto text = read_file(path);
  if (!text) return text.error();
  auto j = nlohmann::json::parse(*text, nullptr, false);
  try {
    JournalSeal seal;
    seal.sha256 = j.at("sha256").get<std::string>();
    seal.size = j.at("size").get<std::uint64_t>();
    seal.records = j.at("records").get<std::uint64_t>();
    auto at = parse_utc(j.at("sealed_at").get<std::string>());
    if (!at) throw std::runtime_error(at.error().message);
    seal.sealed_at = *at;
    return std::optional<JournalSeal>(std::move(seal));
  } catch (const std::exception& e) {
    return Error{ErrorKind::kInputFile, path.string() + " is not a journal seal: " + e.what(), ""};
  }
}

Result<JournalWriter> JournalWriter::open(const std::filesystem::path& file, Clock clock) {
  auto seal = read_journal_seal(file);
  if (!seal) return seal.error();
  if (*seal) {
    return Error{ErrorKind::kInternal, file.string() + " is sealed; its run has ended", ""};
  }
  int fd = ::open(file.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
  if (fd < 0) return os_error(ErrorKind::kLocalStorage, "cannot open journal", file, errno);
  JournalWriter writer(fd, file, std::move(clock));
  if (::fchmod(fd, 0600) != 0)
    return os_error(ErrorKind::kLocalStorage, "cannot chmod", file, errno);

  auto existing = read_journal(file);
  if (!existing) return existing.error();
  if (!existing->torn_tail.empty()) {
    // A record appended after the torn one would make the damage look like corruption.
    if (::ftruncate(fd, static_cast<off_t>(existing->intact_size)) != 0 || ::fsync(fd) != 0) {
      return os_error(ErrorKind::kLocalStorage, "cannot cut the torn end of", file, errno);
    }
  }
  writer.next_seq_ = existing->records.size() + 1;
  for (const auto& op : existing->pending()) writer.awaiting_outcome_.insert(op);
  auto synced = sync_directory(file.parent_path().empty() ? "." : file.parent_path());
  if (!synced) return synced.error();
  return writer;
}

JournalWriter::JournalWriter(int fd, std::filesystem::path path, Clock clock)
    : fd_(fd), path_(std::move(path)), clock_(std::move(clock)) {}

// Moved only before any thread appends (open() returns it by value): the lock and the group's
// state start afresh, the records on disk are all synced.
JournalWriter::JournalWriter(JournalWriter&& other) noexcept
    : fd_(std::exchange(other.fd_, -1)),
      path_(std::move(other.path_)),
      clock_(std::move(other.clock_)),
      next_seq_(other.next_seq_),
      awaiting_outcome_(std::move(other.awaiting_outcome_)),
      synced_(other.next_seq_ - 1),
      sync_error_(std::move(other.sync_error_)),
      syncs_(other.syncs_) {}

JournalWriter& JournalWriter::operator=(JournalWriter&& other) noexcept {
  if (this != &other) {
    if (fd_ >= 0) ::close(fd_);
    fd_ = std::exchange(other.fd_, -1);
    path_ = std::move(other.path_);
    clock_ = std::move(other.clock_);
    next_seq_ = other.next_seq_;
    awaiting_outcome_ = std::move(other.awaiting_outcome_);
    synced_ = other.next_seq_ - 1;
    syncing_ = false;
    sync_error_ = std::move(other.sync_error_);
    syncs_ = other.syncs_;
  }
  return *this;
}

JournalWriter::~JournalWriter() {
  if (fd_ >= 0) ::close(fd_);
}

Result<std::uint64_t> JournalWriter::intent(std::string_view op, const nlohmann::json& data) {
  return append(op, Phase::kIntent, data);
}

Result<std::uint64_t> JournalWriter::outcome(std::string_view op, const nlohmann::json& data) {
  return append(op, Phase::kOutcome, data);
}

// An outcome that names a bulk task the write went in ("task"), while the task runs: the
// operation stays open and its final outcome follows (docs/backup-format.md).
bool JournalWriter::interim(const nlohmann::json& data) {
  return data.is_object() && data.contains("task") && data.value("outcome", "") == "unknown";
}

Result<std::uint64_t> JournalWriter::append(std::string_view op, Phase phase,
                                            const nlohmann::json& data) {
  std::unique_lock lock(mu_);
  if (fd_ < 0) return Error{ErrorKind::kInternal, "journal " + path_.string() + " is closed", ""};
  if (sync_error_) return *sync_error_;
  if (op.empty()) return Error{ErrorKind::kInternal, "journal: empty operation id", ""};
  if (phase == Phase::kOutcome && !awaiting_outcome_.count(op)) {
    return Error{ErrorKind::kInternal,
                 "journal: outcome of \"" + std::string(op) + "\" without an intent", ""};
  }
  JournalRecord record{next_seq_, std::string(op), phase, clock_(), data};
  std::string line;
  try {
    line = encode(record);
  } catch (const nlohmann::json::exception& e) {  // invalid UTF-8 in the caller's data
    return Error{ErrorKind::kInternal, std::string("journal: cannot encode record: ") + e.what(),
                 ""};
  }
  // One write() per record, in seq order under the lock: a crash leaves at most the last line
  // torn, never an earlier one.
  if (!write_all(fd_, line)) {
    sync_error_ = os_error(ErrorKind::kLocalStorage, "cannot write", path_, errno);
    return *sync_error_;
  }
  if (phase == Phase::kIntent) {
    awaiting_outcome_.insert(record.op);
  } else if (!interim(data)) {
    awaiting_outcome_.erase(record.op);
  }
  const std::uint64_t seq = next_seq_++;
  if (auto synced = sync_through(seq, lock); !synced) return synced.error();
  return seq;
}

Result<std::uint64_t> JournalWriter::append_all(const std::vector<Entry>& entries) {
  std::unique_lock lock(mu_);
  if (fd_ < 0) return Error{ErrorKind::kInternal, "journal " + path_.string() + " is closed", ""};
  if (sync_error_) return *sync_error_;
  if (entries.empty()) return next_seq_ - 1;
  // Checked and encoded first: either every record is written or none.
  std::set<std::string, std::less<>> awaiting = awaiting_outcome_;
  std::vector<std::string> lines;
  std::uint64_t seq = next_seq_;
  for (const auto& e : entries) {
    if (e.op.empty()) return Error{ErrorKind::kInternal, "journal: empty operation id", ""};
    if (e.phase == Phase::kOutcome &&
        !(interim(e.data) ? awaiting.count(e.op) > 0 : awaiting.erase(e.op) > 0)) {
      return Error{ErrorKind::kInternal, "journal: outcome of \"" + e.op + "\" without an intent",
                   ""};
    }
    if (e.phase == Phase::kIntent) awaiting.insert(e.op);
    try {
      lines.push_back(encode(JournalRecord{seq++, e.op, e.phase, clock_(), e.data}));
    } catch (const nlohmann::json::exception& ex) {
      return Error{ErrorKind::kInternal, std::string("journal: cannot encode record: ") + ex.what(),
                   ""};
    }
  }
  // One write() per record, as append does.
  for (const auto& line : lines) {
    if (!write_all(fd_, line)) {
      sync_error_ = os_error(ErrorKind::kLocalStorage, "cannot write", path_, errno);
      return *sync_error_;
    }
    ++next_seq_;
  }
  awaiting_outcome_ = std::move(awaiting);
  const std::uint64_t last = next_seq_ - 1;
  if (auto synced = sync_through(last, lock); !synced) return synced.error();
  return last;
}

Result<Done> JournalWriter::sync_through(std::uint64_t seq, std::unique_lock<std::mutex>& lock) {
  while (synced_ < seq) {
    if (sync_error_) return *sync_error_;
    if (syncing_) {
      // Another thread's sync may have begun before this record was written: wait for it, then
      // for the next one if it did not cover this record.
      synced_cv_.wait(lock);
      continue;
    }
    syncing_ = true;
    const std::uint64_t covered = next_seq_ - 1;  // every record written so far
    const int fd = fd_;
    lock.unlock();
    const int rc = ::fdatasync(fd);
    const int error = errno;
    lock.lock();
    syncing_ = false;
    ++syncs_;
    if (rc != 0) {
      sync_error_ = os_error(ErrorKind::kLocalStorage, "cannot sync", path_, error);
    } else {
      synced_ = std::max(synced_, covered);
    }
    synced_cv_.notify_all();
  }
  return Done{};
}

Result<Done> JournalWriter::seal() {
  std::lock_guard lock(mu_);
  if (fd_ < 0) return Error{ErrorKind::kInternal, "journal " + path_.string() + " is closed", ""};
  if (::fsync(fd_) != 0) return os_error(ErrorKind::kLocalStorage, "cannot sync", path_, errno);
  auto text = read_file(path_);
  if (!text) return text.error();
  nlohmann::ordered_json seal = {{"sha256", sha256_hex(*text)},
                                 {"size", text->size()},
                                 {"records", next_seq_ - 1},
                                 {"sealed_at", format_utc(clock_())}};
  auto written = write_file_atomic(seal_path(path_), seal.dump(2) + "\n");
  if (!written) return written.error();
  ::close(fd_);
  fd_ = -1;
  return Done{};
}

}  // namespace epicsync::backup
