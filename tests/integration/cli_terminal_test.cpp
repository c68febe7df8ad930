// epicsync on a real terminal: tmux runs it in a pane, keys are typed with send-keys and the
// screen is read back with capture-pane, so the prompt, the colours, the progress bar and Ctrl-C
// are checked as a person at a terminal sees them (issue 18, item 8).

#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <fstream>
#include <functional>
#include <map>
#include <string>
#include <thread>
#include <vector>

#include "epic_generator.h"
#include "support/cli_sim_test.h"
#include "support/managed_state.h"
#include "support/subprocess.h"

namespace epicsync::testing {
namespace {

using namespace std::chrono_literals;

constexpr const char* kTmux = "/usr/bin/tmux";

// One tmux server of our own (its own socket, no user configuration), one session, one pane.
class TmuxPane {
 public:
  TmuxPane() {
    static std::atomic<int> n{0};
    socket_ = "epicsync-test-" + std::to_string(::getpid()) + "-" + std::to_string(n++);
  }
  ~TmuxPane() { (void)tmux({"kill-server"}); }
  TmuxPane(const TmuxPane&) = delete;
  TmuxPane& operator=(const TmuxPane&) = delete;

  // Starts `command` (a shell command line) in a 120×50 pane. The shell prints "exit=N" when
  // the command ends and then waits, so the screen stays readable.
  bool start(const std::string& command) {
    // The shell traps Ctrl-C (its child gets the default action back), so it lives on to say
    // how the command ended.
    return tmux({"new-session", "-d", "-s", "t", "-x", "120", "-y", "50",
                 "trap true INT; " + command + "; echo exit=$?; sleep 600"})
               .exit_code == 0;
  }
  // Keys as tmux names them ("y", "Enter", "C-c").
  bool keys(const std::vector<std::string>& keys) {
    std::vector<std::string> args = {"send-keys", "-t", "t"};
    args.insert(args.end(), keys.begin(), keys.end());
    return tmux(args).exit_code == 0;
  }
  // The screen and its scrollback, with colours as escape sequences.
  std::string screen() {
    return tmux({"capture-pane", "-p", "-e", "-J", "-t", "t", "-S", "-300"}).out;
  }
  // Polls the screen until `ready` holds (or 60 s pass); the last screen read.
  std::string wait_for(const std::function<bool(const std::string&)>& ready) {
    const auto deadline = std::chrono::steady_clock::now() + 60s;
    std::string s;
    while (std::chrono::steady_clock::now() < deadline) {
      s = screen();
      if (ready(s)) return s;
      std::this_thread::sleep_for(50ms);
    }
    return s;
  }
  std::string wait_for(const std::string& text) {
    return wait_for([&](const std::string& s) { return s.find(text) != std::string::npos; });
  }

 private:
  ProcessResult tmux(std::vector<std::string> args) {
    args.insert(args.begin(), {kTmux, "-L", socket_, "-f", "/dev/null"});
    ProcessOptions o;
    o.unset_env = {"TMUX"};
    o.timeout = 20s;
    return run_process(args, o);
  }
  std::string socket_;
};

std::string shell_quoted(const std::string& s) {
  std::string out = "'";
  for (char c : s) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

// Lines of a screen, escape sequences left in.
std::vector<std::string> lines_of(const std::string& screen) {
  std::vector<std::string> out;
  std::string line;
  for (char c : screen) {
    if (c == '\n') {
      out.push_back(line);
      line.clear();
    } else {
      line += c;
    }
  }
  if (!line.empty()) out.push_back(line);
  return out;
}

constexpr const char* kBar = "\xE2\x94\x81";  // ━, the progress bar's filled cell

class CliTerminalTest : public CliSimTest {
 protected:
  // Slow enough, one request at a time, that the bar is on screen for a few seconds.
  std::vector<std::string> sim_args() const override { return {"--seed", "--latency-ms", "25"}; }
  void SetUp() override {
    CliSimTest::SetUp();
    ASSERT_EQ(::access(kTmux, X_OK), 0) << "tmux is missing: scripts/setup installs it";
    std::ofstream(dir_ + "/.epicsync.yaml") << "jira:\n  concurrency: 1\n  search_wait: 2\n";
    bench::GeneratorOptions g;
    g.stories = 20;
    g.subtasks_per_story = 3;
    g.seed = 5;
    epic_ = dir_ + "/epic.md";
    std::ofstream(epic_) << bench::render_epic(bench::generate_epic_for_sim(g));
  }
  // The command line a person would type, with the fixture's environment (and colours allowed).
  std::string command(const std::vector<std::string>& args) {
    const ProcessOptions o = options();
    std::string cmd =
        "cd " + shell_quoted(dir_) + " && env -u NO_COLOR -u JIRA_PAT -u JIRA_PROJECT";
    for (const auto& [k, v] : o.env) cmd += " " + k + "=" + shell_quoted(v);
    cmd += " " + shell_quoted(EPICSYNC_PATH);
    for (const auto& a : args) cmd += " " + shell_quoted(a);
    return cmd;
  }
  std::string epic_;
};

TEST_F(CliTerminalTest, PromptColoursProgressBarAndACleanSummary) {
  TmuxPane pane;
  ASSERT_TRUE(pane.start(command({"-m", epic_, "-e", "PROJ-1", "--execute"})));
  const std::string asked = pane.wait_for("Continue? [y/N]");
  ASSERT_NE(asked.find("Continue? [y/N]"), std::string::npos) << asked;
  EXPECT_NE(asked.find("This will modify "), std::string::npos) << asked;
  // The plan is coloured on a terminal: new stories in green.
  EXPECT_NE(asked.find("\x1b[32m+ "), std::string::npos) << asked;
  EXPECT_EQ(pane.screen().find("exit="), std::string::npos) << "it waits for the answer";

  ASSERT_TRUE(pane.keys({"y", "Enter"}));
  // The bar while it writes: "Syncing ━━━…  40% 72/180".
  const std::string running = pane.wait_for([](const std::string& s) {
    return s.find(kBar) != std::string::npos || s.find("exit=") != std::string::npos;
  });
  EXPECT_NE(running.find(kBar), std::string::npos) << "no progress bar was seen\n" << running;
  EXPECT_NE(running.find("%"), std::string::npos) << running;

  const std::string done = pane.wait_for("exit=");
  EXPECT_NE(done.find("exit=0"), std::string::npos) << done;
  EXPECT_NE(done.find("\x1b[32mSynced"), std::string::npos) << "the summary in green\n" << done;
  // The bar's line was cleared before the summary: no bar left anywhere, and the summary
  // starts its own line.
  EXPECT_EQ(done.find(kBar), std::string::npos) << done;
  bool summary_line = false;
  for (const auto& line : lines_of(done)) {
    if (line.find(" PROJ-1: ") == std::string::npos ||
        line.find("operations applied") == std::string::npos) {
      continue;
    }
    summary_line = true;
    EXPECT_EQ(line.find("Syncing"), std::string::npos) << line;
    EXPECT_NE(line.find("created 20 stories and 60 sub-tasks"), std::string::npos) << line;
  }
  EXPECT_TRUE(summary_line) << done;
}

TEST_F(CliTerminalTest, AnsweringNoAtThePromptChangesNothing) {
  const nlohmann::json before = managed_state(sim().state());
  TmuxPane pane;
  ASSERT_TRUE(pane.start(command({"-m", epic_, "-e", "PROJ-1", "--execute"})));
  ASSERT_NE(pane.wait_for("Continue? [y/N]").find("Continue? [y/N]"), std::string::npos);
  sim().clear_log();
  ASSERT_TRUE(pane.keys({"n", "Enter"}));
  const std::string done = pane.wait_for("exit=");
  EXPECT_NE(done.find("cancelled: nothing was changed"), std::string::npos) << done;
  EXPECT_NE(done.find("exit=80"), std::string::npos) << done;
  EXPECT_EQ(writes(), 0);
  EXPECT_EQ(managed_state(sim().state()), before);
}

TEST_F(CliTerminalTest, CtrlCStopsTheSyncAndTheSameCommandFinishesIt) {
  TmuxPane pane;
  const std::vector<std::string> args = {"-m", epic_, "-e", "PROJ-1", "--execute", "--no-confirm"};
  ASSERT_TRUE(pane.start(command(args)));
  // Ctrl-C once the bar shows that writes have begun.
  const std::string running = pane.wait_for([](const std::string& s) {
    return s.find(kBar) != std::string::npos || s.find("exit=") != std::string::npos;
  });
  ASSERT_NE(running.find(kBar), std::string::npos) << running;
  ASSERT_TRUE(pane.keys({"C-c"}));
  const std::string stopped = pane.wait_for("exit=");
  EXPECT_NE(stopped.find("exit=130"), std::string::npos) << stopped;
  EXPECT_NE(stopped.find("interrupted: "), std::string::npos) << stopped;
  EXPECT_NE(stopped.find("run the same command again to finish"), std::string::npos) << stopped;

  auto again = run(args);
  ASSERT_EQ(again.exit_code, 0) << again.out << again.err;
  EXPECT_NE(again.out.find("Continuing the interrupted sync"), std::string::npos) << again.out;
  // Every story once: the run that was stopped and the one that finished it made one epic.
  const nlohmann::json state = sim().state();
  std::map<std::string, int> stories;
  for (const auto& i : state["issues"]) {
    if (i.value("parent", "") == "PROJ-1") ++stories[i.value("summary", "")];
  }
  EXPECT_EQ(stories.size(), 20u);
  for (const auto& [summary, n] : stories) EXPECT_EQ(n, 1) << summary;
}

}  // namespace
}  // namespace epicsync::testing
