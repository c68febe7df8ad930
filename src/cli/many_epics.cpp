#include "cli/many_epics.h"

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <filesystem>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <sstream>
#include <thread>

#include "cli/error_report.h"
#include "cli/interrupt.h"
#include "cli/run_config.h"
#include "cli/sync_command.h"
#include "cli/tracker_session.h"
#include "epic_parser.h"
#include "input_file.h"
#include "plan/display_text.h"

namespace epicsync::cli {
namespace {

namespace fs = std::filesystem;

// At most this many epics are planned and applied at once: each runs its own requests
// concurrently already, and all of them share the client's limit (jira.concurrency).
constexpr size_t kEpicsAtOnce = 4;

struct Entry {
  std::string file;
  std::string epic;
  std::string text;
  std::optional<Error> error;  // this epic cannot run (unreadable, no Epic Key)
};

struct Outcome {
  int code = 0;
  std::string out;
  std::string err;
  bool done = false;
};

}  // namespace

int run_many(const Options& o, std::ostream& out, std::ostream& err) {
  auto fail = [&](const Error& e) { return report_error(o.output, e, out, err); };
  const bool execute = o.execute && !o.dry_run;
  if (execute && !o.no_confirm) {
    return fail(Error{ErrorKind::kUsage,
                      "a run over many epics applies without asking: add --no-confirm",
                      "review the dry run of the same command first"});
  }
  if (!o.epic.empty() || !o.plan_out.empty() || !o.apply_file.empty()) {
    return fail(Error{ErrorKind::kUsage,
                      "each file of a run over many epics names its own epic: --epic, --plan-out "
                      "and --apply take one file",
                      "give one -m with those, or drop them"});
  }
  auto cfg = load_run_config(o, err);
  if (!cfg) return fail(cfg.error());
  const std::vector<std::string> custom = custom_field_names(*cfg);

  std::vector<Entry> entries;
  std::vector<std::pair<std::string, std::string>> skipped;  // file, why
  auto epic_key_of = [&](const std::string& text) {
    return markdown::parse_epic(text, {false, {}, custom}).epic.key;
  };
  const std::vector<std::string> paths =
      o.markdown_paths.empty() ? std::vector<std::string>{o.markdown_path} : o.markdown_paths;
  for (const auto& path : paths) {
    std::error_code ec;
    if (fs::is_directory(path, ec)) {
      std::vector<std::string> files;
      for (const auto& f : fs::directory_iterator(path, ec)) {
        if (f.is_regular_file(ec) && f.path().extension() == ".md") files.push_back(f.path());
      }
      std::sort(files.begin(), files.end());
      for (const auto& file : files) {
        auto text = read_input_file(file);
        if (!text) {
          entries.push_back({file, "", "", text.error()});
          continue;
        }
        // In a folder, a file that names no epic is not an epic file (a README, notes).
        auto key = epic_key_of(*text);
        if (!key) {
          skipped.emplace_back(file, "names no Epic Key");
          continue;
        }
        entries.push_back({file, *key, std::move(*text), std::nullopt});
      }
      continue;
    }
    auto text = read_input_file(path);
    if (!text) {
      entries.push_back({path, "", "", text.error()});
      continue;
    }
    auto key = epic_key_of(*text);
    if (!key) {
      entries.push_back({path, "", "",
                         Error{ErrorKind::kUsage, path + " names no Epic Key",
                               "add an Epic Key row to its Epic Summary table"}});
      continue;
    }
    entries.push_back({path, *key, std::move(*text), std::nullopt});
  }
  // Two files writing one epic would undo each other: refused before anything is read.
  std::map<std::string, std::string> file_of;
  for (const auto& e : entries) {
    if (e.epic.empty()) continue;
    auto [it, fresh] = file_of.emplace(e.epic, e.file);
    if (!fresh) {
      return fail(Error{ErrorKind::kUsage,
                        e.epic + " is the Epic Key of both " + it->second + " and " + e.file,
                        "one file per epic"});
    }
  }
  if (entries.empty()) {
    return fail(Error{ErrorKind::kUsage, "no epic file to sync (no *.md names its Epic Key)",
                      "give the files with -m, or a folder that holds them"});
  }

  TrackerPool pool(*cfg, o.verbose, err);
  // One scope for the whole run: a Ctrl-C in any epic's writes stops every epic, and no epic
  // starts after it.
  std::optional<InterruptScope> graceful;
  if (execute) graceful.emplace();
  std::vector<Outcome> outcomes(entries.size());
  std::mutex mu;
  std::condition_variable finished;
  std::atomic<size_t> next{0};
  auto worker = [&] {
    while (true) {
      const size_t i = next++;
      if (i >= entries.size()) return;
      const Entry& e = entries[i];
      std::ostringstream eo, ee;
      int code = 0;
      if (e.error) {
        code = report_error(o.output, *e.error, eo, ee);
      } else if (interrupt_requested()) {
        code = report_error(
            o.output,
            Error{ErrorKind::kInterrupted, "interrupted before " + e.epic + " started", ""}, eo,
            ee);
      } else {
        Options one = o;
        one.markdown_path = e.file;
        one.markdown_paths.clear();
        one.epic = e.epic;
        one.no_progress = true;
        code = run_sync_one(one, e.text, pool, eo, ee);
      }
      std::lock_guard lock(mu);
      outcomes[i] = {code, eo.str(), ee.str(), true};
      finished.notify_all();
    }
  };
  std::vector<std::thread> threads;
  for (size_t t = 0; t < std::min(kEpicsAtOnce, entries.size()); ++t) threads.emplace_back(worker);

  // Each epic's report whole, in file order, as soon as it and those before it are done.
  const bool json = o.output == OutputFormat::kJson;
  nlohmann::json docs = nlohmann::json::array();
  int worst = 0;
  size_t failed = 0;
  for (size_t i = 0; i < entries.size(); ++i) {
    Outcome result;
    {
      std::unique_lock lock(mu);
      finished.wait(lock, [&] { return outcomes[i].done; });
      result = outcomes[i];
    }
    const Entry& e = entries[i];
    worst = std::max(worst, result.code);
    failed += result.code != 0;
    if (json) {
      auto doc = nlohmann::json::parse(result.out, nullptr, false);
      docs.push_back({{"file", e.file},
                      {"epic", e.epic.empty() ? nlohmann::json(nullptr) : nlohmann::json(e.epic)},
                      {"exit_code", result.code},
                      {"result", doc.is_discarded() ? nlohmann::json(nullptr) : doc}});
      err << result.err << std::flush;
      continue;
    }
    out << (i == 0 ? "" : "\n") << "== " << (e.epic.empty() ? "?" : e.epic) << "  " << e.file
        << " ==\n"
        << result.out << std::flush;
    err << result.err << std::flush;
  }
  for (auto& t : threads) t.join();

  if (json) {
    nlohmann::json doc = {{"ok", worst == 0},
                          {"mode", "many"},
                          {"epics", docs},
                          {"skipped", nlohmann::json::array()},
                          {"exit_code", worst}};
    for (const auto& [file, why] : skipped) {
      doc["skipped"].push_back({{"file", file}, {"reason", why}});
    }
    out << doc.dump(2) << "\n";
    return worst;
  }
  out << "\n"
      << plan::plural(static_cast<long long>(entries.size()), "epic", "epics") << ": "
      << entries.size() - failed << " ok";
  if (failed > 0) {
    out << ", " << failed << " not (";
    bool first = true;
    for (size_t i = 0; i < entries.size(); ++i) {
      if (outcomes[i].code == 0) continue;
      out << (first ? "" : ", ") << (entries[i].epic.empty() ? entries[i].file : entries[i].epic)
          << ": exit " << outcomes[i].code;
      first = false;
    }
    out << ")";
  }
  out << "\n";
  for (const auto& [file, why] : skipped) out << "skipped " << file << ": " << why << "\n";
  return worst;
}

}  // namespace epicsync::cli
