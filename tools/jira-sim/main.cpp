// jira-sim: a local, stateful Jira for tests, benchmarks, the demo and rehearsing a sync.
#include <pthread.h>
#include <signal.h>

#include <CLI/CLI.hpp>
#include <atomic>
#include <cstdio>
#include <iostream>
#include <thread>

#include "server.h"

int main(int argc, char** argv) {
  jira_sim::SimOptions o;
  CLI::App app{"jira-sim: a stateful in-memory Jira on 127.0.0.1"};
  std::string flavour = "cloud";
  std::string style = "team-managed";
  app.add_option("--port", o.port, "TCP port on 127.0.0.1; 0 picks a free one")
      ->check(CLI::Range(0, 65535));
  app.add_option("--flavour", flavour, "cloud (REST v3 + v2) or datacenter (REST v2, PAT)")
      ->check(CLI::IsMember({"cloud", "datacenter"}));
  app.add_option("--project-style", style,
                 "team-managed (epic children use parent) or company-managed (Epic Link field)")
      ->check(CLI::IsMember({"team-managed", "company-managed"}));
  app.add_option("--project", o.project_key, "project key");
  app.add_option("--project-name", o.project_name, "project name");
  app.add_flag("--seed", o.seed, "start with an epic (PROJ-1 \"Demo epic\") in the project");
  app.add_option("--email", o.email, "Cloud user email for Basic auth");
  app.add_option("--token", o.api_token, "Cloud API token for Basic auth");
  app.add_option("--pat", o.pat, "Data Center personal access token (Bearer)");
  app.add_option("--workflow", o.workflow_file, "workflow JSON file (default: built-in)")
      ->check(CLI::ExistingFile);
  app.add_option("--state-file", o.state_file,
                 "load state from FILE at start (if it exists) and save it there on exit");
  app.add_option("--latency-ms", o.latency_ms, "delay added to every REST request")
      ->check(CLI::NonNegativeNumber);
  app.add_option("--rate-limit", o.rate_per_second,
                 "REST requests per second before 429 (token bucket); 0 disables")
      ->check(CLI::NonNegativeNumber);
  app.add_option("--burst", o.burst, "token bucket size (default: one second of --rate-limit)")
      ->check(CLI::NonNegativeNumber);
  app.add_option("--search-lag-ms", o.search_lag_ms,
                 "issues written in the last N ms are missing from search unless reconciled")
      ->check(CLI::NonNegativeNumber);
  bool no_project_admin = false;
  app.add_flag("--no-project-admin", no_project_admin,
               "the user does not administer the project: edits with notifyUsers=false are "
               "refused (Cloud)");
  bool no_bulk_permission = false;
  app.add_flag("--no-bulk-permission", no_bulk_permission,
               "the user lacks the global Bulk Change permission: Cloud's bulk operations "
               "answer 403");
  app.add_option("--bulk-task-ms", o.bulk_task_ms,
                 "how long an asynchronous bulk task runs, its issues applied one by one over it")
      ->check(CLI::NonNegativeNumber);
  app.add_flag("--frozen-clock", o.frozen_clock,
               "timestamps start at 2025-01-01T00:00:00Z and advance 1 s per write");
  app.add_option("--threads", o.threads, "request worker threads")->check(CLI::Range(2, 1024));
  app.add_flag("-v,--verbose", o.verbose, "log every REST request on stderr");
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    // --help is a "parse error" that exits 0; every real one is a usage error, exit 2.
    return app.exit(e) == 0 ? 0 : 2;
  }
  o.project_admin = !no_project_admin;
  o.bulk_permission = !no_bulk_permission;
  o.flavour = flavour == "cloud" ? jira_sim::Flavour::kCloud : jira_sim::Flavour::kDataCenter;
  o.style = style == "team-managed" ? jira_sim::ProjectStyle::kTeamManaged
                                    : jira_sim::ProjectStyle::kCompanyManaged;

  // Block the stop signals in every thread; the main thread takes them with sigwait, so the
  // shutdown runs as ordinary code rather than inside a signal handler.
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGINT);
  sigaddset(&stop_signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);
  signal(SIGPIPE, SIG_IGN);

  try {
    jira_sim::SimServer server(o);
    server.bind();
    std::atomic<bool> listener_failed{false};
    std::thread serving([&] {
      if (!server.serve()) {
        listener_failed = true;
        kill(getpid(), SIGTERM);
      }
    });
    // Announce readiness only once the accept loop runs: a signal sent right after the line
    // must find a server that stop() can reach.
    if (!server.wait_until_serving()) {
      std::cerr << "jira-sim: the server did not start\n";
      server.stop();
      serving.join();
      return 1;
    }
    std::cout << "jira-sim listening on " << server.url() << std::endl;
    int sig = 0;
    sigwait(&stop_signals, &sig);
    server.stop();
    serving.join();
    if (listener_failed) {
      std::cerr << "jira-sim: the listener stopped unexpectedly\n";
      return 1;
    }
    server.save_state_file();
  } catch (const std::exception& e) {
    std::cerr << "jira-sim: " << e.what() << "\n";
    return 1;
  }
  return 0;
}
