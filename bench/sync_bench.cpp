// epicsync --execute against jira-sim at a given latency:
//   bench_sync [STORIES] [SUBTASKS] [LATENCY_MS]      (defaults: 200 5 50)
// Starts jira-sim, syncs a generated epic (first sync), syncs it again unchanged (re-sync), and
// reports wall time, requests by endpoint and the lower bound: the requests that cannot be
// avoided ÷ concurrency × latency.
#include <sys/resource.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <string>

#include "epic_generator.h"
#include "epic_parser.h"
#include "support/jira_sim_fixture.h"
#include "support/subprocess.h"

namespace {

using Clock = std::chrono::steady_clock;
using epicsync::testing::JiraSim;

double seconds_since(Clock::time_point t0) {
  return std::chrono::duration<double>(Clock::now() - t0).count();
}

std::map<std::string, int> counts(const JiraSim& sim) {
  std::map<std::string, int> out;
  const auto all = sim.counts();
  for (const auto& [k, v] : all.items()) out[k] = v.get<int>();
  return out;
}

// jira-sim's time per bulk task (its --bulk-task-ms default): the sim runs tasks one at a time.
constexpr int kSimTaskMs = 100;

// The lower bound: the unavoidable requests side by side (concurrency at a time), plus what
// cannot overlap: each bulk transition or delete round is a request, the task's run and a poll
// after it, one after the other; the property tasks run one after another in the sim.
void report(const char* title, const std::map<std::string, int>& by_endpoint, double wall,
            int unavoidable, int concurrency, int latency_ms) {
  int rounds = 0, property_tasks = 0;
  for (const auto& [k, v] : by_endpoint) {
    if (k.find("POST /rest/api/3/bulk/issues/") == 0) rounds += v;
    if (k.find("POST /rest/api/3/issue/properties/multi") == 0) property_tasks += v;
  }
  int total = 0, writes = 0;
  for (const auto& [k, v] : by_endpoint) {
    total += v;
    if (k.rfind("GET", 0) != 0 && k.find("search") == std::string::npos) writes += v;
  }
  const double bound = static_cast<double>(unavoidable) / concurrency * latency_ms / 1000.0 +
                       rounds * (2.0 * latency_ms + kSimTaskMs) / 1000.0 +
                       property_tasks * kSimTaskMs / 1000.0;
  std::printf("\n%s\n  wall %.2f s, %d requests (%d writes), lower bound %.2f s (%.1fx)\n", title,
              wall, total, writes, bound, bound > 0 ? wall / bound : 0.0);
  for (const auto& [k, v] : by_endpoint) std::printf("  %5d  %s\n", v, k.c_str());
}

}  // namespace

int main(int argc, char** argv) {
  const int stories = argc > 1 ? std::atoi(argv[1]) : 200;
  const int subtasks = argc > 2 ? std::atoi(argv[2]) : 5;
  const int latency = argc > 3 ? std::atoi(argv[3]) : 50;
  const int concurrency = 8;

  epicsync::bench::GeneratorOptions g;
  g.stories = stories;
  g.subtasks_per_story = subtasks;
  auto model = epicsync::bench::generate_epic_for_sim(g);
  const std::string markdown = epicsync::bench::render_epic(model);
  auto parsed = epicsync::markdown::parse_epic(markdown);
  if (!parsed.ok()) {
    std::fprintf(stderr, "generated epic does not parse\n");
    return 1;
  }

  // A fourth argument names a workflow file (fixtures/workflows/simplified.json: Jira Cloud's
  // simplified workflow, no transition screens); a fifth, "no-bulk", takes away the bulk
  // permission.
  std::vector<std::string> sim_args = {"--seed", "--latency-ms", std::to_string(latency)};
  if (argc > 4 && argv[4][0] != '\0') {
    sim_args.push_back("--workflow");
    sim_args.push_back(argv[4]);
  }
  if (argc > 5 && std::string(argv[5]) == "no-bulk") sim_args.push_back("--no-bulk-permission");
  JiraSim sim(sim_args);
  char dir_template[] = "/tmp/epicsync-bench-XXXXXX";
  const std::string dir = mkdtemp(dir_template);
  const std::string file = dir + "/EPIC.md";
  std::ofstream(file) << markdown;

  std::printf("%d stories x %d sub-tasks, %d ms latency, concurrency %d\n", stories, subtasks,
              latency, concurrency);
  // How every epicsync run of the bench is started: in the scratch folder, against the sim.
  auto process_options = [&] {
    epicsync::testing::ProcessOptions po;
    po.cwd = dir;
    po.env = {{"JIRA_URL", sim.url()},
              {"JIRA_EMAIL", "sim@example.com"},
              {"JIRA_API_TOKEN", "sim-token"},
              {"EPICSYNC_BACKUP_DIR", dir + "/backups"},
              {"HOME", dir}};
    po.timeout = std::chrono::minutes(10);
    return po;
  };
  enum class Phase { kFirst, kResync, kChanged, kRollback };
  auto run = [&](const char* title, Phase phase) {
    const bool first = phase == Phase::kFirst;
    sim.clear_log();
    const auto po = process_options();
    const auto t0 = Clock::now();
    std::vector<std::string> args = {EPICSYNC_PATH, "-m",           file, "-e",  "PROJ-1",
                                     "--execute",   "--no-confirm", "-o", "json"};
    if (phase == Phase::kRollback) {
      args = {EPICSYNC_PATH, "--rollback",   "-e", "PROJ-1",
              "--execute",   "--no-confirm", "-o", "json"};
    }
    auto r = epicsync::testing::run_process(args, po);
    const double wall = seconds_since(t0);
    if (r.exit_code != 0) {
      std::fprintf(stderr, "epicsync exited %d: %s\n%s\n", r.exit_code, r.err.c_str(),
                   r.out.substr(0, 3000).c_str());
      std::exit(1);
    }
    auto doc = nlohmann::json::parse(r.out);
    const int issues = stories * (1 + subtasks);
    // Unavoidable: discovery (4), the reads (a page per 100 issues), and for a first sync one
    // bulk create per 50 issues, one request per workflow step the issues must take (the
    // workflow is not all-to-all) and one per comment.
    int unavoidable = 4 + (issues + 1 + 99) / 100;
    if (phase == Phase::kChanged || phase == Phase::kRollback) {
      // Every write is needed (one per changed issue, one per workflow step); a rollback also
      // reads the epic again to verify.
      if (phase == Phase::kRollback) unavoidable += (issues + 1 + 99) / 100;
      for (const auto& [endpoint, n] : counts(sim)) {
        if (endpoint.rfind("GET", 0) != 0 && endpoint.find("search") == std::string::npos) {
          unavoidable += n;
        }
      }
    }
    if (first) {
      unavoidable += (stories + 49) / 50 + (stories * subtasks + 49) / 50;
      for (const auto& [endpoint, n] : counts(sim)) {
        // Single transitions and comments; bulk transitions and property writes are a request
        // per round or per 100 issues.
        if (endpoint.find("POST") == 0 &&
            (endpoint.find("/transition") != std::string::npos ||
             endpoint.find("/properties/multi") != std::string::npos ||
             endpoint.find("/comment") != std::string::npos)) {
          unavoidable += n;
        }
      }
    }
    report(title, counts(sim), wall, unavoidable, concurrency, latency);

    std::printf("  %zu operations planned, %zu failed\n", doc["plan"]["operations"].size(),
                doc.contains("result") ? doc["result"]["failures"].size() : size_t{0});
  };
  run("first sync", Phase::kFirst);
  run("re-sync, nothing changed", Phase::kResync);
  // Every story moves to another status (several workflow steps) and gains a point, so the
  // rollback after it restores a field and walks a status back on every story.
  using epicsync::model::StatusMeaning;
  for (auto& s : model.stories) {
    if (s.points) *s.points += 1;
    if (!s.status) continue;
    const bool done = s.status->meaning == StatusMeaning::kDone;
    s.status->meaning = done ? StatusMeaning::kToDo : StatusMeaning::kDone;
    s.status->text = done ? "To Do" : "Done";
  }
  std::ofstream(file) << epicsync::bench::render_epic(model);
  run("second sync, every story changed", Phase::kChanged);
  run("rollback of the second sync", Phase::kRollback);
  {
    // --pull of the whole epic: the paged reads, the file written, and its read-back check.
    sim.clear_log();
    const auto t0 = Clock::now();
    auto r = epicsync::testing::run_process(
        {EPICSYNC_PATH, "--pull", "-e", "PROJ-1", "-m", dir + "/PULLED.md", "-o", "json"},
        process_options());
    const double wall = seconds_since(t0);
    if (r.exit_code != 0) {
      std::fprintf(stderr, "epicsync --pull exited %d: %s\n", r.exit_code, r.err.c_str());
      std::exit(1);
    }
    const int issues = stories * (1 + subtasks);
    report("pull of the whole epic", counts(sim), wall, 4 + (issues + 1 + 99) / 100, concurrency,
           latency);
    const auto doc = nlohmann::json::parse(r.out);
    std::printf("  in step: %s, %zu listed as not held\n",
                doc["in_step"].get<bool>() ? "yes" : "no", doc["not_held"].size());
  }
  // BENCH_KEEP=1 keeps the scratch folder (the epic file, the backups) for a closer look.
  if (std::getenv("BENCH_KEEP")) {
    std::printf("kept %s\n", dir.c_str());
  } else {
    std::filesystem::remove_all(dir);
  }
  rusage usage{};
  getrusage(RUSAGE_CHILDREN, &usage);  // the largest epicsync run (jira-sim is still running)
  std::printf("\npeak RSS of epicsync: %.1f MB\n", usage.ru_maxrss / 1024.0);
  return 0;
}
