// The sync engine against jira-sim at a given latency:
//   bench_sync [STORIES] [SUBTASKS] [LATENCY_MS]      (defaults: 200 5 50)
// Starts jira-sim, syncs a generated epic (first sync), syncs it again unchanged (re-sync), and
// reports wall time, requests by endpoint and the lower bound: the requests that cannot be
// avoided ÷ concurrency × latency.
#include <sys/resource.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <string>

#include "epic_generator.h"
#include "epic_parser.h"
#include "jira/auth.h"
#include "jira/jira_tracker.h"
#include "plan/planner.h"
#include "support/jira_sim_fixture.h"
#include "sync/executor.h"
#include "sync/rich_text_ops.h"

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

void report(const char* title, const std::map<std::string, int>& by_endpoint, double wall,
            int unavoidable, int concurrency, int latency_ms) {
  int total = 0, writes = 0;
  for (const auto& [k, v] : by_endpoint) {
    total += v;
    if (k.rfind("GET", 0) != 0 && k.find("search") == std::string::npos) writes += v;
  }
  const double bound = static_cast<double>(unavoidable) / concurrency * latency_ms / 1000.0;
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
  auto model = epicsync::bench::generate_epic(g);
  for (auto& s : model.stories) {
    s.tracker_key.reset();  // a first sync: nothing is pinned yet
    s.assignee.reset();     // generated names are not users of the simulator
  }
  const std::string markdown = epicsync::bench::render_epic(model);
  auto parsed = epicsync::markdown::parse_epic(markdown);
  if (!parsed.ok()) {
    std::fprintf(stderr, "generated epic does not parse\n");
    return 1;
  }

  JiraSim sim({"--seed", "--latency-ms", std::to_string(latency)});
  epicsync::jira::ClientOptions o;
  o.base_url = sim.url();
  o.auth = epicsync::jira::basic_auth("sim@example.com", "sim-token");
  o.max_concurrency = concurrency;
  auto client = epicsync::jira::HttpClient::create(o);
  if (!client) return 1;
  epicsync::jira::JiraTracker tracker(
      std::shared_ptr<epicsync::jira::HttpClient>(std::move(*client)));
  epicsync::plan::PlanOptions po;
  po.rich_text = epicsync::sync::rich_text_ops();

  std::printf("%d stories x %d sub-tasks, %d ms latency, concurrency %d\n", stories, subtasks,
              latency, concurrency);
  auto run = [&](const char* title, bool first) {
    sim.clear_log();
    const auto t0 = Clock::now();
    if (!tracker.connect("PROJ").ok()) std::exit(1);
    auto snap = tracker.read_epic("PROJ-1");
    if (!snap.ok()) std::exit(1);
    auto plan = epicsync::plan::make_plan(parsed.epic, *snap, po);
    auto result = epicsync::sync::execute(plan, *snap, tracker, {}, nullptr);
    const double wall = seconds_since(t0);
    const int issues = stories * (1 + subtasks);
    // Unavoidable: discovery (4), the reads (a page per 100 issues), and for a first sync one
    // bulk create per 50 issues, one request per workflow step the issues must take (the
    // workflow is not all-to-all) and one per comment.
    int unavoidable = 4 + (issues + 99) / 100;
    if (first) {
      unavoidable += (stories + 49) / 50 + (stories * subtasks + 49) / 50;
      for (const auto& [key, path] : result.transitions) {
        unavoidable += static_cast<int>(path.statuses.size());
      }
      for (const auto& op : plan.operations) {
        if (op.kind == epicsync::plan::OpKind::kAddComment) ++unavoidable;
      }
    }
    report(title, counts(sim), wall, unavoidable, concurrency, latency);
    std::printf("  %zu operations planned, %zu failed\n", plan.operations.size(),
                result.failures.size());
    if (!first) {
      for (const auto& op : plan.operations) {
        for (const auto& c : op.shown) {
          std::printf("  unexpected: %s %s [%s] -> [%s]\n%s\n", op.issue_key.c_str(),
                      c.field.c_str(), c.before.c_str(), c.after.c_str(),
                      op.description_diff.c_str());
        }
      }
    }
    std::map<std::string, int> reasons;
    for (const auto& f : result.failures) reasons[f.error.message.substr(0, 160)]++;
    for (const auto& [why, n] : reasons) std::printf("  %5d x %s\n", n, why.c_str());
  };
  run("first sync", true);
  run("re-sync, nothing changed", false);
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  std::printf("\npeak RSS of the sync process: %.1f MB\n", usage.ru_maxrss / 1024.0);
  return 0;
}
