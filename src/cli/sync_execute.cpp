#include "cli/sync_execute.h"

#include <unistd.h>

#include <iostream>
#include <mutex>

#include "backup/atomic_file.h"
#include "backup/backup_store.h"
#include "cli/error_report.h"
#include "cli/terminal.h"
#include "report/plan_render.h"
#include "source_update.h"
#include "sync/executor.h"
#include "version.h"

namespace epicsync::cli {
namespace {

// The journal behind the executor's log: one record before each write, one after.
class JournalLog : public sync::OperationLog {
 public:
  JournalLog(backup::JournalWriter& writer, const nlohmann::json& operations)
      : writer_(writer), operations_(operations) {}

  void intent(size_t index, const plan::Operation&) override {
    std::lock_guard lock(mu_);
    note(writer_.intent(id(index), operations_.at(index)));
  }
  void outcome(size_t index, const plan::Operation&, const nlohmann::json& result) override {
    std::lock_guard lock(mu_);
    note(writer_.outcome(id(index), result));
  }
  // The first journal failure, if any: the run goes on (the writes are what matter to the
  // user), but the summary says the journal is incomplete.
  const std::optional<Error>& failure() const { return failure_; }

 private:
  static std::string id(size_t index) { return "op-" + std::to_string(index); }
  template <typename T>
  void note(const Result<T>& r) {
    if (!r.ok() && !failure_) failure_ = r.error();
  }
  backup::JournalWriter& writer_;
  const nlohmann::json& operations_;
  std::mutex mu_;
  std::optional<Error> failure_;
};

// "Syncing ━━━━━━━━━━━━━━━━━━━━ 100% 42/42" redrawn in place on a terminal.
class ProgressBar {
 public:
  explicit ProgressBar(bool enabled) : enabled_(enabled) {}
  ~ProgressBar() {
    if (drawn_) std::cerr << "\n";
  }
  void update(const std::string& label, size_t done, size_t total) {
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

 private:
  bool enabled_;
  bool drawn_ = false;
  std::mutex mu_;
};

bool confirmed(size_t issues, std::ostream& out) {
  out << "This will modify " << issues << " issue" << (issues == 1 ? "" : "s")
      << " in Jira. Continue? [y/N] " << std::flush;
  std::string answer;
  if (!std::getline(std::cin, answer)) return false;
  return answer == "y" || answer == "Y" || answer == "yes" || answer == "YES";
}

}  // namespace

int execute_plan(const ExecuteInput& in, tracker::Tracker& tracker, std::ostream& out,
                 std::ostream& err) {
  const Options& o = in.options;
  const bool json = o.output == OutputFormat::kJson;
  auto fail = [&](const Error& e) { return report_error(o.output, e, out, err); };

  if (in.plan.empty()) {
    if (json) {
      out << nlohmann::json{{"ok", true},
                            {"mode", "execute"},
                            {"epic", in.epic_key},
                            {"plan", report::plan_to_json(in.plan)},
                            {"result",
                             {{"applied", 0},
                              {"failures", nlohmann::json::array()},
                              {"backup", nullptr}}}}
                 .dump(2)
          << "\n";
    } else {
      out << "Nothing to do: " << in.epic_key << " already says what the file says.\n";
    }
    return 0;
  }
  if (!o.no_confirm) {
    if (!json && !o.quiet)
      out << report::render_plan_text(in.plan, {detect_style(o.no_color).color});
    if (!confirmed(in.plan.issues_affected(), out)) {
      return fail(Error{ErrorKind::kCancelled, "cancelled: nothing was changed", ""});
    }
  }

  backup::BackupStore store({in.config.backup_dir, kVersion, {}});
  std::optional<backup::BackupInfo> info;
  std::optional<backup::JournalWriter> journal;
  if (o.no_backup) {
    err << "warning: --no-backup: no backup is taken, this sync cannot be rolled back\n";
  } else {
    std::map<std::string, std::string> files;
    if (o.update_source) files["source.md"] = in.source_text;
    auto made = store.create(in.epic_key, in.snapshot, {backup::Trigger::kPreSync, "", "", files});
    if (!made) return fail(made.error());
    info = *made;
    auto opened = store.open_journal(*info);
    if (!opened) return fail(opened.error());
    journal.emplace(std::move(*opened));
  }

  const nlohmann::json operations = report::plan_to_json(in.plan)["operations"];
  std::optional<JournalLog> log;
  if (journal) log.emplace(*journal, operations);
  ProgressBar bar(!json && !o.quiet && ::isatty(2) == 1);
  sync::ExecutorOptions eo;
  eo.concurrency = in.config.concurrency;
  eo.status_map = in.status_map;
  eo.progress = [&bar](const std::string& label, size_t done, size_t total) {
    bar.update(label, done, total);
  };
  const sync::ExecutionReport report =
      sync::execute(in.plan, in.snapshot, tracker, eo, log ? &*log : nullptr);

  std::vector<std::string> notes;
  if (log && log->failure()) notes.push_back("journal incomplete: " + log->failure()->message);
  if (journal) {
    if (auto sealed = journal->seal(); !sealed.ok()) {
      notes.push_back("journal not sealed: " + sealed.error().message);
    }
  }
  if (info && report.ok()) {
    if (auto kept = store.apply_retention(in.epic_key, in.config.keep_count); !kept.ok()) {
      notes.push_back("backup retention: " + kept.error().message);
    }
  }

  // --update-source: the keys of every story that now has an issue, written into the file.
  size_t pinned = 0;
  if (o.update_source) {
    std::map<std::string, std::string> keys = in.plan.story_keys;
    for (const auto& s : in.epic.stories) {
      if (auto it = report.created.find(s.id); it != report.created.end()) keys[s.id] = it->second;
      if (s.tracker_key && keys.count(s.id) && *s.tracker_key == keys[s.id]) keys.erase(s.id);
    }
    const std::string updated = markdown::with_tracker_keys(in.source_text, in.epic, keys);
    if (updated != in.source_text) {
      auto written = backup::write_file_atomic(o.markdown_path, updated, {0644, true});
      if (written.ok()) {
        pinned = keys.size();
      } else {
        notes.push_back("could not update " + o.markdown_path + ": " + written.error().message);
      }
    }
  }

  const auto t = report::totals(in.plan);
  if (json) {
    nlohmann::json failures = nlohmann::json::array();
    for (const auto& f : report.failures) {
      failures.push_back({{"operation", f.index}, {"what", f.what}, {"message", f.error.message}});
    }
    nlohmann::json doc = {{"ok", report.ok()},
                          {"mode", "execute"},
                          {"epic", in.epic_key},
                          {"plan", report::plan_to_json(in.plan)},
                          {"result",
                           {{"applied", report.applied},
                            {"failures", failures},
                            {"created", report.created},
                            {"backup", info ? nlohmann::json(info->manifest.id) : nullptr},
                            {"pinned", pinned},
                            {"notes", notes}}}};
    if (!report.ok()) {
      doc["error"] = {{"kind", error_id(ErrorKind::kPartial)},
                      {"code", exit_code(ErrorKind::kPartial)},
                      {"message", std::to_string(report.failures.size()) + " operations failed"}};
    }
    out << doc.dump(2) << "\n";
  } else {
    const Style style = detect_style(o.no_color);
    out << (report.ok() ? style.green("Synced") : style.yellow("Partly synced")) << " "
        << in.epic_key << ": " << report.applied << " of " << in.plan.operations.size()
        << " operations applied (" << t.stories_created << " stories and " << t.subtasks_created
        << " sub-tasks planned, " << t.issues_updated << " issues to update, " << t.transitions
        << " transitions)\n";
    for (const auto& f : report.failures) {
      out << "  " << style.red("failed") << ": " << f.what << ": " << f.error.message << "\n";
    }
    for (const auto& n : notes) out << "  " << style.yellow("note") << ": " << n << "\n";
    if (pinned > 0) {
      out << "Wrote " << pinned << " tracker key" << (pinned == 1 ? "" : "s") << " into "
          << o.markdown_path << " (the previous file is in the backup).\n";
    }
    if (info) {
      out << "Backup " << info->manifest.id << " holds the state before this sync.\n";
    }
  }
  return report.ok() ? 0 : exit_code(ErrorKind::kPartial);
}

}  // namespace epicsync::cli
