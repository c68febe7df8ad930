// How many requests per second jira-sim serves to N parallel keep-alive clients, so that a
// benchmark of epicsync can tell whether the simulator, not the tool, is the bottleneck.
#include <httplib.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <iostream>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>
#include <vector>

extern char** environ;

namespace {

using json = nlohmann::json;
using Clock = std::chrono::steady_clock;

// The simulator as a child process, stopped with SIGTERM when this object goes away.
class SimProcess {
 public:
  SimProcess(const std::string& path, int latency_ms) {
    int fds[2];
    if (pipe(fds) != 0) throw std::runtime_error("pipe failed");
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_adddup2(&actions, fds[1], 1);
    posix_spawn_file_actions_addclose(&actions, fds[0]);
    std::vector<std::string> args = {path,     "--port",       "0",
                                     "--seed", "--latency-ms", std::to_string(latency_ms)};
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    if (posix_spawn(&pid_, path.c_str(), &actions, nullptr, argv.data(), environ) != 0) {
      throw std::runtime_error("cannot start " + path);
    }
    posix_spawn_file_actions_destroy(&actions);
    close(fds[1]);
    std::string line;
    char c;
    while (read(fds[0], &c, 1) == 1 && c != '\n') line += c;
    close(fds[0]);
    const std::string prefix = "jira-sim listening on ";
    if (line.rfind(prefix, 0) != 0) throw std::runtime_error("jira-sim did not start");
    url_ = line.substr(prefix.size());
  }
  ~SimProcess() {
    kill(pid_, SIGTERM);
    int status = 0;
    waitpid(pid_, &status, 0);
  }
  const std::string& url() const { return url_; }

 private:
  pid_t pid_ = -1;
  std::string url_;
};

struct Totals {
  long requests = 0;
  long errors = 0;
  std::vector<double> latencies_ms;
};

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"Measures jira-sim throughput with parallel keep-alive clients"};
  int clients = 16;
  double seconds = 5;
  int issues = 200;
  std::string url;
  std::string sim_path = JIRA_SIM_PATH;
  int latency_ms = 0;
  app.add_option("--clients", clients, "parallel clients")->check(CLI::Range(1, 256));
  app.add_option("--seconds", seconds, "measurement length")->check(CLI::PositiveNumber);
  app.add_option("--issues", issues, "stories created under the epic before measuring");
  app.add_option("--url", url, "measure a running jira-sim instead of starting one");
  app.add_option("--sim", sim_path, "jira-sim binary to start");
  app.add_option("--latency-ms", latency_ms, "latency the started jira-sim adds per request");
  CLI11_PARSE(app, argc, argv);

  std::unique_ptr<SimProcess> sim;
  if (url.empty()) {
    sim = std::make_unique<SimProcess>(sim_path, latency_ms);
    url = sim->url();
  }
  const httplib::Headers auth = {{"Authorization", "Basic c2ltQGV4YW1wbGUuY29tOnNpbS10b2tlbg=="}};
  const std::string type = "application/json";
  {
    httplib::Client setup(url);
    for (int i = 0; i < issues; ++i) {
      json body = {{"fields",
                    {{"project", {{"key", "PROJ"}}},
                     {"issuetype", {{"name", "Story"}}},
                     {"summary", "story " + std::to_string(i)},
                     {"parent", {{"key", "PROJ-1"}}}}}};
      auto r = setup.Post("/rest/api/3/issue", auth, body.dump(), type.c_str());
      if (!r || r->status != 201) {
        std::cerr << "setup failed\n";
        return 1;
      }
    }
  }

  std::atomic<bool> go{false};
  std::atomic<bool> done{false};
  std::vector<Totals> totals(static_cast<size_t>(clients));
  std::vector<std::thread> threads;
  for (int c = 0; c < clients; ++c) {
    threads.emplace_back([&, c] {
      httplib::Client client(url);
      client.set_keep_alive(true);
      client.set_tcp_nodelay(true);
      Totals& t = totals[static_cast<size_t>(c)];
      while (!go) std::this_thread::yield();
      // A sync's mix: mostly reads, one search page, an edit now and then.
      for (long n = 0; !done; ++n) {
        std::string key = "PROJ-" + std::to_string(2 + (n * 7 + c) % issues);
        auto start = Clock::now();
        httplib::Result r{nullptr, httplib::Error::Unknown};
        switch (n % 4) {
          case 0:
          case 1:
            r = client.Get("/rest/api/3/issue/" + key + "?fields=summary,status,labels", auth);
            break;
          case 2:
            r = client.Post("/rest/api/3/search/jql", auth,
                            R"({"jql":"parent = PROJ-1","fields":["summary"],"maxResults":50})",
                            type.c_str());
            break;
          default:
            r = client.Put("/rest/api/3/issue/" + key, auth,
                           json{{"fields", {{"labels", {"c" + std::to_string(c)}}}}}.dump(),
                           type.c_str());
        }
        t.latencies_ms.push_back(
            std::chrono::duration<double, std::milli>(Clock::now() - start).count());
        ++t.requests;
        if (!r || r->status >= 400) ++t.errors;
      }
    });
  }
  auto start = Clock::now();
  go = true;
  std::this_thread::sleep_for(std::chrono::duration<double>(seconds));
  done = true;
  for (auto& t : threads) t.join();
  double elapsed = std::chrono::duration<double>(Clock::now() - start).count();

  Totals all;
  for (auto& t : totals) {
    all.requests += t.requests;
    all.errors += t.errors;
    all.latencies_ms.insert(all.latencies_ms.end(), t.latencies_ms.begin(), t.latencies_ms.end());
  }
  std::sort(all.latencies_ms.begin(), all.latencies_ms.end());
  auto pct = [&](double p) {
    if (all.latencies_ms.empty()) return 0.0;
    return all
        .latencies_ms[static_cast<size_t>(p * static_cast<double>(all.latencies_ms.size() - 1))];
  };
  std::printf(
      "latency_ms=%d clients=%d seconds=%.1f requests=%ld errors=%ld throughput=%.0f req/s "
      "p50=%.2f ms p99=%.2f ms\n",
      latency_ms, clients, elapsed, all.requests, all.errors,
      static_cast<double>(all.requests) / elapsed, pct(0.5), pct(0.99));
  return all.errors == 0 ? 0 : 1;
}
