#include "cli/many_epics.h"

#include <algorithm>
#include <atomic>
#include <cctype>
#include <condition_variable>
#include <filesystem>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
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
  std::optional<Error> error;        // this epic cannot run (unreadable, no Epic Key)
  std::vector<std::string> stories;  // --story: the ones this file has
};

// Each line of an epic's error output, prefixed with its key, so that stderr read apart from
// stdout still says which epic spoke.
std::string prefixed(const std::string& key, const std::string& text) {
  std::string out;
  size_t from = 0;
  while (from < text.size()) {
    size_t end = text.find('\n', from);
    if (end == std::string::npos) end = text.size() - 1;
    out += "[" + key + "] " + text.substr(from, end - from + 1);
    from = end + 1;
  }
  if (!out.empty() && out.back() != '\n') out += '\n';
  return out;
}

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
  std::set<std::string> seen;  // real paths: a file given twice (or in a folder too) runs once
  std::set<std::string> found_stories;
  // A file's epic, or why it cannot run; `in_folder`: a file with neither an Epic Key nor an
  // error is no epic file (a README) and is skipped.
  auto add = [&](const std::string& file, bool in_folder) {
    std::error_code ec;
    const std::string real = fs::weakly_canonical(file, ec).string();
    if (!seen.insert(ec ? file : real).second) return;
    auto text = read_input_file(file);
    if (!text) {
      entries.push_back({file, "", "", text.error(), {}});
      return;
    }
    const auto parsed = markdown::parse_epic(*text, {false, {}, custom});
    std::vector<std::string> ids;
    for (const auto& st : parsed.epic.stories) ids.push_back(st.id);
    if (!parsed.epic.key) {
      for (const auto& d : parsed.diagnostics) {
        if (d.severity != model::Severity::kError) continue;
        entries.push_back({file,
                           "",
                           "",
                           Error{ErrorKind::kInvalidMarkdown,
                                 file + ":" + std::to_string(d.pos.line) + ":" +
                                     std::to_string(d.pos.column) + ": " + d.message,
                                 d.hint},
                           {}});
        return;
      }
      if (in_folder) {
        skipped.emplace_back(file, "names no Epic Key");
      } else {
        entries.push_back({file,
                           "",
                           "",
                           Error{ErrorKind::kUsage, file + " names no Epic Key",
                                 "add an Epic Key row to its Epic Summary table"},
                           {}});
      }
      return;
    }
    // --story: each file takes the stories it has; a file with none of them is not synced.
    std::vector<std::string> stories;
    for (const auto& id : o.stories) {
      if (std::find(ids.begin(), ids.end(), id) != ids.end()) stories.push_back(id);
    }
    found_stories.insert(stories.begin(), stories.end());
    if (!o.stories.empty() && stories.empty()) {
      skipped.emplace_back(file, "has none of the stories --story names");
      return;
    }
    entries.push_back({file, *parsed.epic.key, std::move(*text), std::nullopt, stories});
  };
  const std::vector<std::string> paths =
      o.markdown_paths.empty() ? std::vector<std::string>{o.markdown_path} : o.markdown_paths;
  for (const auto& path : paths) {
    std::error_code ec;
    if (!fs::is_directory(path, ec)) {
      add(path, false);
      continue;
    }
    std::vector<std::string> files;
    for (const auto& f : fs::directory_iterator(path, ec)) {
      std::string ext = f.path().extension().string();
      for (char& c : ext) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      if (ext != ".md") continue;
      if (!f.is_regular_file(ec)) {
        // A folder named *.md, a broken link: said, not silently passed over.
        skipped.emplace_back(f.path().string(), "not a readable file");
        continue;
      }
      files.push_back(f.path().string());
    }
    std::sort(files.begin(), files.end());
    for (const auto& file : files) add(file, true);
  }
  for (const auto& id : o.stories) {
    if (!found_stories.count(id)) {
      return fail(Error{ErrorKind::kUsage, "no file has story " + id,
                        "--story names a story id of one of the files"});
    }
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
  // What fails for every epic (no URL, credentials refused, the tracker unreachable) is said
  // once, not once an epic: repeated refused logins are what locks an account.
  std::set<std::string> projects;
  for (const auto& e : entries) {
    if (!e.error && projects.insert(project_of(e.epic, *cfg)).second) {
      auto session = pool.session(project_of(e.epic, *cfg));
      if (!session) {
        const ErrorKind k = session.error().kind;
        if (k == ErrorKind::kUsage || k == ErrorKind::kAuth || k == ErrorKind::kUnreachable) {
          return fail(session.error());
        }
      }
    }
  }
  // A Ctrl-C in any epic's writes stops every epic, and none starts or writes after it.
  if (execute) keep_interrupt_requests();
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
        one.stories = e.stories;
        one.no_progress = true;
        try {
          code = run_sync_one(one, e.text, pool, eo, ee);
        } catch (const std::exception&) {
          // As main() does for a run of one epic: the others go on.
          code = report_error(o.output,
                              Error{ErrorKind::kInternal, "unexpected failure syncing " + e.epic,
                                    "run that epic alone with --verbose"},
                              eo, ee);
        }
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
    // Conflicts (10) say everything else was applied: any other failure is more severe.
    const auto severity = [](int code) { return code == 10 ? 1 : code; };
    if (severity(result.code) > severity(worst)) worst = result.code;
    failed += result.code != 0;
    if (json) {
      auto doc = nlohmann::json::parse(result.out, nullptr, false);
      docs.push_back({{"file", e.file},
                      {"epic", e.epic.empty() ? nlohmann::json(nullptr) : nlohmann::json(e.epic)},
                      {"exit_code", result.code},
                      {"result", doc.is_discarded() ? nlohmann::json(nullptr) : doc}});
      err << prefixed(e.epic.empty() ? e.file : e.epic, result.err) << std::flush;
      continue;
    }
    out << (i == 0 ? "" : "\n") << "== " << (e.epic.empty() ? "?" : e.epic) << "  " << e.file
        << " ==\n"
        << result.out << std::flush;
    err << prefixed(e.epic.empty() ? e.file : e.epic, result.err) << std::flush;
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
