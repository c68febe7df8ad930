#include "cli/execution_support.h"

#include <iostream>
#include <thread>

#include "backup/interrupted_run.h"
#include "plan/display_text.h"
#include "sync/operation_record.h"

namespace epicsync::cli {

JournalLog::JournalLog(backup::JournalWriter& writer, const plan::Plan& plan) : writer_(writer) {
  intents_.reserve(plan.operations.size());
  for (const auto& op : plan.operations) intents_.push_back(to_json(sync::intent_record(op)));
}

std::string JournalLog::record_id(size_t index) const {
  return prefix_ + "op-" + std::to_string(index);
}

// The writer is called outside the lock: records of concurrent writes share its syncs (group
// commit), which holding a lock across them would undo.
bool JournalLog::intent(size_t index, const plan::Operation&) {
  {
    std::lock_guard lock(mu_);
    if (failure_) return false;
  }
  auto r = writer_.intent(record_id(index), intents_.at(index));
  std::lock_guard lock(mu_);
  return note(r);
}

bool JournalLog::outcome(size_t index, const plan::Operation&,
                         const backup::OutcomeRecord& result) {
  {
    std::lock_guard lock(mu_);
    if (failure_) return false;
  }
  auto r = writer_.outcome(record_id(index), to_json(result));
  std::lock_guard lock(mu_);
  return note(r);
}

bool JournalLog::intents(const std::vector<size_t>& indexes, const plan::Plan&) {
  {
    std::lock_guard lock(mu_);
    if (failure_) return false;
  }
  std::vector<backup::JournalWriter::Entry> entries;
  for (size_t i : indexes)
    entries.push_back({record_id(i), backup::Phase::kIntent, intents_.at(i)});
  auto r = writer_.append_all(entries);
  std::lock_guard lock(mu_);
  return note(r);
}

bool JournalLog::outcomes(const std::vector<std::pair<size_t, backup::OutcomeRecord>>& results,
                          const plan::Plan&) {
  {
    std::lock_guard lock(mu_);
    if (failure_) return false;
  }
  std::vector<backup::JournalWriter::Entry> entries;
  for (const auto& [i, result] : results) {
    entries.push_back({record_id(i), backup::Phase::kOutcome, to_json(result)});
  }
  auto r = writer_.append_all(entries);
  std::lock_guard lock(mu_);
  return note(r);
}

Result<tracker::Done> wait_for_unfinished_tasks(const backup::BackupStore& store,
                                                const std::string& epic, tracker::Tracker& tracker,
                                                bool quiet, std::ostream& err) {
  auto tasks = backup::unfinished_tasks(store, epic);
  if (tasks.empty()) return tracker::Done{};
  if (!quiet) {
    err << "waiting for " << tasks.size() << (tasks.size() == 1 ? " bulk task" : " bulk tasks")
        << " an interrupted run left running on the tracker…\n";
  }
  return tracker.wait_for_tasks(tasks);
}

ProgressBar::~ProgressBar() {
  finish();
}

void ProgressBar::finish() {
  std::lock_guard lock(mu_);
  if (!drawn_) return;
  std::cerr << "\r\x1b[K" << std::flush;
  drawn_ = false;
  enabled_ = false;  // nothing is drawn after the summary
}

void ProgressBar::update(const std::string& label, size_t done, size_t total) {
  if (!enabled_ || total == 0) return;
  std::lock_guard lock(mu_);
  const size_t width = 24;
  const size_t filled = done * width / total;
  std::string bar;
  for (size_t i = 0; i < width; ++i) bar += i < filled ? "\xE2\x94\x81" : " ";
  std::cerr << "\r" << label << " " << bar << " " << (done * 100 / total) << "% " << done << "/"
            << total << "   " << std::flush;
  drawn_ = true;
}

bool confirmed(size_t issues, std::ostream& out) {
  out << "This will modify " << plan::plural(static_cast<long long>(issues), "issue", "issues")
      << " in Jira. Continue? [y/N] " << std::flush;
  std::string answer;
  if (!std::getline(std::cin, answer)) return false;
  return answer == "y" || answer == "Y" || answer == "yes" || answer == "YES";
}

Result<std::unique_ptr<sync::TrackerLease>> take_lease(tracker::Tracker& tracker,
                                                       const std::string& epic,
                                                       const std::string& mode, int search_wait_s,
                                                       bool quiet, std::ostream& err) {
  sync::LeaseOptions lo;
  lo.mode = mode;
  // For the run record: the tracker's clock, and who the changelog will say wrote.
  lo.clock_offset = tracker.clock_offset();
  auto account = tracker.account();
  if (!account) return account.error();
  lo.account = *account;
  auto lease = sync::TrackerLease::acquire(tracker, epic, lo);
  if (!lease) return lease.error();
  const auto& previous = (*lease)->previous();
  if (!previous || (previous->created_ids.empty() && !previous->created_truncated)) return lease;
  const auto settled = *previous->released + std::chrono::seconds(search_wait_s);
  const auto now = std::chrono::system_clock::now();
  if (settled <= now) return lease;
  // Jira takes at most 50 ids to reconcile a search with; beyond that, wait for the index.
  tracker.reconcile(previous->created_ids);
  if (previous->created_ids.size() <= 50 && !previous->created_truncated) return lease;
  // Ask search whether it shows them yet, rather than waiting the whole window: it usually
  // catches up within a second or two. The whole list is needed to know; a truncated one
  // (and a tracker that cannot tell) waits the window out.
  bool told = false;
  auto pause = std::chrono::milliseconds(250);
  while (std::chrono::system_clock::now() < settled) {
    if (!previous->created_truncated) {
      auto shown = tracker.search_shows(previous->created_ids);
      if (shown && *shown) return lease;
    }
    if (!quiet && !told) {
      const auto left = std::chrono::duration_cast<std::chrono::seconds>(
          settled - std::chrono::system_clock::now());
      err << "Waiting up to " << left.count() + 1
          << " s for Jira's search to show the issues another run (pid " << previous->pid << " on "
          << previous->host << ") just created (jira.search_wait)\n";
      told = true;
    }
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        settled - std::chrono::system_clock::now());
    std::this_thread::sleep_for(std::min(pause, std::max(left, std::chrono::milliseconds(0))));
    pause = std::min(pause * 2, std::chrono::milliseconds(2000));
  }
  return lease;
}

std::string interrupted_message(const sync::ExecutionReport& report, size_t total) {
  return "interrupted: " + std::to_string(report.applied) + " of " +
         plan::plural(static_cast<long long>(total), "operation", "operations") +
         " done; run the same command again to finish";
}

}  // namespace epicsync::cli
