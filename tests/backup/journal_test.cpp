#include "backup/journal.h"

#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <set>
#include <thread>

#include "backup/manifest.h"
#include "test_support.h"

namespace epicsync::backup {
namespace {

using nlohmann::json;
using testing::slurp;
using testing::spit;
using testing::TempDir;

Clock clock_at() {
  return testing::fixed_clock(testing::utc("2025-01-13T15:00:07Z"));
}

// Writes the journal of a small run: two operations done, a third started.
std::filesystem::path write_sample(const TempDir& tmp) {
  auto path = tmp.path() / kJournalFile;
  auto w = JournalWriter::open(path, clock_at());
  EXPECT_TRUE(w) << w.error().message;
  EXPECT_EQ(*w->intent("create:US-001", {{"summary", "Login"}}), 1u);
  EXPECT_EQ(*w->outcome("create:US-001", {{"key", "PROJ-7"}}), 2u);
  EXPECT_EQ(*w->intent("update:PROJ-3", {{"field", "summary"}, {"new", "B"}}), 3u);
  EXPECT_EQ(*w->outcome("update:PROJ-3", {{"old", "A"}, {"new", "B"}}), 4u);
  EXPECT_EQ(*w->intent("transition:PROJ-4", {{"to", "Done"}}), 5u);
  return path;
}

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) out.push_back(line);
  return out;
}

TEST(Journal, IntentsAndOutcomesRoundTrip) {
  TempDir tmp;
  auto path = write_sample(tmp);
  auto j = read_journal(path);
  ASSERT_TRUE(j) << j.error().message;
  ASSERT_EQ(j->records.size(), 5u);
  EXPECT_TRUE(j->torn_tail.empty());
  EXPECT_EQ(j->records[1].seq, 2u);
  EXPECT_EQ(j->records[1].op, "create:US-001");
  EXPECT_EQ(j->records[1].phase, Phase::kOutcome);
  EXPECT_EQ(j->records[1].data, (json{{"key", "PROJ-7"}}));
  EXPECT_EQ(j->records[3].data["old"], "A");
  EXPECT_EQ(format_utc(j->records[0].at), "2025-01-13T15:00:07Z");
  EXPECT_EQ(j->pending(), std::vector<std::string>{"transition:PROJ-4"});
  EXPECT_EQ(testing::mode_of(path), 0600u);
}

TEST(Journal, EachRecordIsOneJsonLineWithACrc) {
  TempDir tmp;
  auto lines = lines_of(slurp(write_sample(tmp)));
  ASSERT_EQ(lines.size(), 5u);
  auto first = json::parse(lines[0]);
  EXPECT_EQ(first["seq"], 1);
  EXPECT_EQ(first["phase"], "intent");
  EXPECT_EQ(first["at"], "2025-01-13T15:00:07Z");
  EXPECT_EQ(first["crc"].get<std::string>().size(), 8u);
  EXPECT_EQ(lines[0].rfind("{\"seq\":1,\"op\":\"create:US-001\"", 0), 0u) << lines[0];
}

// The exact bytes docs/backup-format.md shows; a change here is a format change.
TEST(Journal, WritesTheDocumentedLineFormat) {
  TempDir tmp;
  auto path = tmp.path() / kJournalFile;
  auto w = JournalWriter::open(path, clock_at());
  ASSERT_TRUE(w);
  ASSERT_TRUE(w->intent("create:US-001", {{"summary", "Login"}}));
  EXPECT_EQ(slurp(path),
            R"({"seq":1,"op":"create:US-001","phase":"intent","at":"2025-01-13T15:00:07Z",)"
            R"("data":{"summary":"Login"},"crc":"405880c7"})"
            "\n");
}

TEST(Journal, AnOutcomeNeedsAnIntent) {
  TempDir tmp;
  auto w = JournalWriter::open(tmp.path() / kJournalFile, clock_at());
  ASSERT_TRUE(w);
  auto r = w->outcome("create:US-001", json::object());
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind, ErrorKind::kInternal);
  EXPECT_FALSE(w->intent("", json::object()));
}

// Group commit: records written from many threads at once share syncs, and the journal is
// still one line per record, seq without gaps, every intent before its outcome.
TEST(Journal, ConcurrentRecordsAreAllWrittenInOrderWithSharedSyncs) {
  TempDir tmp;
  auto path = tmp.path() / kJournalFile;
  auto w = JournalWriter::open(path, clock_at());
  ASSERT_TRUE(w);
  constexpr int kThreads = 8, kOps = 40;
  std::vector<std::thread> threads;
  std::atomic<int> failures{0};
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int n = 0; n < kOps; ++n) {
        const std::string op = "op-" + std::to_string(t) + "-" + std::to_string(n);
        if (!w->intent(op, {{"n", n}}) || !w->outcome(op, {{"ok", true}})) ++failures;
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(failures, 0);
  auto j = read_journal(path);
  ASSERT_TRUE(j) << j.error().message;
  ASSERT_EQ(j->records.size(), static_cast<size_t>(2 * kThreads * kOps));
  std::set<std::string> open;
  for (size_t i = 0; i < j->records.size(); ++i) {
    const auto& r = j->records[i];
    EXPECT_EQ(r.seq, i + 1);
    if (r.phase == Phase::kIntent) {
      EXPECT_TRUE(open.insert(r.op).second) << r.op;
    } else {
      EXPECT_EQ(open.erase(r.op), 1u) << r.op << ": an outcome before its intent";
    }
  }
  EXPECT_TRUE(open.empty());
  EXPECT_TRUE(j->pending().empty());
  EXPECT_LE(w->syncs(), j->records.size()) << "never more than one sync a record";
}

// A batch is on disk together, or not written at all when one of its records is refused.
TEST(Journal, ABatchIsWrittenWholeOrNotAtAll) {
  TempDir tmp;
  auto path = tmp.path() / kJournalFile;
  auto w = JournalWriter::open(path, clock_at());
  ASSERT_TRUE(w);
  using E = JournalWriter::Entry;
  auto last = w->append_all({E{"create:US-1", Phase::kIntent, {{"a", 1}}},
                             E{"create:US-2", Phase::kIntent, {{"a", 2}}},
                             E{"create:US-1", Phase::kOutcome, {{"key", "PROJ-2"}}}});
  ASSERT_TRUE(last) << last.error().message;
  EXPECT_EQ(*last, 3u);
  EXPECT_EQ(w->syncs(), 1u) << "one sync for the batch";
  // An outcome with no intent refuses the whole batch: the intent before it is not written.
  auto refused = w->append_all({E{"create:US-3", Phase::kIntent, json::object()},
                                E{"create:US-9", Phase::kOutcome, json::object()}});
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().kind, ErrorKind::kInternal);
  EXPECT_EQ(*w->outcome("create:US-2", {{"key", "PROJ-3"}}), 4u);
  auto j = read_journal(path);
  ASSERT_TRUE(j) << j.error().message;
  ASSERT_EQ(j->records.size(), 4u);
  EXPECT_EQ(j->records[2].data["key"], "PROJ-2");
  EXPECT_TRUE(j->pending().empty());
}

TEST(Journal, DataThatCannotBeEncodedIsAnErrorNotAnException) {
  TempDir tmp;
  auto path = tmp.path() / kJournalFile;
  auto w = JournalWriter::open(path, clock_at());
  ASSERT_TRUE(w);
  auto r = w->intent("update:PROJ-2", {{"summary", "\xff\xfe not UTF-8"}});
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind, ErrorKind::kInternal);
  EXPECT_EQ(*w->intent("update:PROJ-2", {{"summary", "fine"}}), 1u);
}

TEST(Journal, ATornLastLineIsIgnoredAndReported) {
  TempDir tmp;
  auto path = write_sample(tmp);
  std::string text = slurp(path);
  spit(path, text + R"({"seq":6,"op":"transition:PROJ-4","pha)");
  auto j = read_journal(path);
  ASSERT_TRUE(j) << j.error().message;
  EXPECT_EQ(j->records.size(), 5u);
  EXPECT_NE(j->torn_tail.find("line 6"), std::string::npos) << j->torn_tail;
  EXPECT_EQ(j->intact_size, text.size());
}

TEST(Journal, ZerosLeftAtTheEndByAPowerLossAreATornTail) {
  TempDir tmp;
  auto path = write_sample(tmp);
  spit(path, slurp(path) + std::string(300, '\0') + "\n" + std::string(20, '\0'));
  auto j = read_journal(path);
  ASSERT_TRUE(j) << j.error().message;
  EXPECT_EQ(j->records.size(), 5u);
  EXPECT_FALSE(j->torn_tail.empty());
}

TEST(Journal, ACorruptedLineInTheMiddleIsReported) {
  TempDir tmp;
  auto path = write_sample(tmp);
  std::string text = slurp(path);
  auto at = text.find("Login");
  ASSERT_NE(at, std::string::npos);
  text[at] = 'l';  // still valid JSON: only the checksum can tell
  spit(path, text);
  auto j = read_journal(path);
  ASSERT_FALSE(j);
  EXPECT_EQ(j.error().kind, ErrorKind::kInputFile);
  EXPECT_NE(j.error().message.find("corrupted"), std::string::npos) << j.error().message;
  EXPECT_NE(j.error().message.find("line 1: checksum mismatch"), std::string::npos)
      << j.error().message;
}

TEST(Journal, AMissingLineInTheMiddleIsReported) {
  TempDir tmp;
  auto path = write_sample(tmp);
  auto lines = lines_of(slurp(path));
  spit(path, lines[0] + "\n" + lines[2] + "\n");
  auto j = read_journal(path);
  ASSERT_FALSE(j);
  EXPECT_NE(j.error().message.find("expected 2"), std::string::npos) << j.error().message;
}

TEST(Journal, ReopeningCutsATornTailAndContinues) {
  TempDir tmp;
  auto path = write_sample(tmp);
  spit(path, slurp(path) + R"({"seq":6,"op":"trans)");
  {
    auto w = JournalWriter::open(path, clock_at());
    ASSERT_TRUE(w) << w.error().message;
    EXPECT_EQ(*w->outcome("transition:PROJ-4", {{"path", {"In Progress", "Done"}}}), 6u);
  }
  auto j = read_journal(path);
  ASSERT_TRUE(j) << j.error().message;
  EXPECT_EQ(j->records.size(), 6u);
  EXPECT_TRUE(j->torn_tail.empty());
  EXPECT_TRUE(j->pending().empty());
}

TEST(Journal, SealingRecordsTheHashAndEndsTheJournal) {
  TempDir tmp;
  auto path = tmp.path() / kJournalFile;
  auto w = JournalWriter::open(path, clock_at());
  ASSERT_TRUE(w);
  ASSERT_TRUE(w->intent("a", json::object()));
  ASSERT_TRUE(w->seal());
  EXPECT_FALSE(w->intent("b", json::object()));
  auto seal = read_journal_seal(path);
  ASSERT_TRUE(seal);
  ASSERT_TRUE(seal->has_value());
  EXPECT_EQ((*seal)->records, 1u);
  EXPECT_EQ((*seal)->size, slurp(path).size());
  EXPECT_EQ((*seal)->sha256.size(), 64u);
  auto again = JournalWriter::open(path, clock_at());
  ASSERT_FALSE(again);
  EXPECT_NE(again.error().message.find("sealed"), std::string::npos);
}

TEST(Journal, AnUnsealedJournalHasNoSeal) {
  TempDir tmp;
  auto seal = read_journal_seal(write_sample(tmp));
  ASSERT_TRUE(seal);
  EXPECT_FALSE(seal->has_value());
}

// The run is killed with SIGKILL while writing as fast as it can: whatever the moment, the
// journal reads back, every record acknowledged to the parent is in it, and seq has no gap.
TEST(Journal, ARunKilledWithSigkillLeavesAReadableJournal) {
  TempDir tmp;
  auto path = tmp.path() / kJournalFile;
  int ready[2];
  ASSERT_EQ(::pipe(ready), 0);
  pid_t child = ::fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    ::close(ready[0]);
    auto w = JournalWriter::open(path, clock_at());
    if (!w) ::_exit(2);
    std::string payload(700, 'x');  // records bigger than a pipe's atomic write, for a torn chance
    for (int n = 0;; ++n) {
      std::string op = "op:" + std::to_string(n);
      if (!w->intent(op, {{"n", n}, {"payload", payload}})) ::_exit(3);
      if (!w->outcome(op, {{"n", n}, {"created", "PROJ-" + std::to_string(n)}})) ::_exit(3);
      char c = 'r';
      if (::write(ready[1], &c, 1) != 1) ::_exit(4);
    }
  }
  ::close(ready[1]);
  int acknowledged = 0;
  char c;
  while (acknowledged < 40 && ::read(ready[0], &c, 1) == 1) ++acknowledged;
  ::kill(child, SIGKILL);
  int status = 0;
  ::waitpid(child, &status, 0);
  ::close(ready[0]);
  ASSERT_TRUE(WIFSIGNALED(status)) << "child exited with " << WEXITSTATUS(status);
  ASSERT_EQ(acknowledged, 40);

  auto j = read_journal(path);
  ASSERT_TRUE(j) << j.error().message;
  ASSERT_GE(j->records.size(), 80u);
  for (std::size_t i = 0; i < j->records.size(); ++i) EXPECT_EQ(j->records[i].seq, i + 1);
  EXPECT_LE(j->pending().size(), 1u);
  // The next run can carry on from it.
  auto w = JournalWriter::open(path, clock_at());
  ASSERT_TRUE(w) << w.error().message;
  EXPECT_EQ(*w->intent("after", json::object()), j->records.size() + 1);
}

}  // namespace
}  // namespace epicsync::backup
