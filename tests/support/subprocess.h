#pragma once

#include <chrono>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace epicsync::testing {

struct ProcessResult {
  int exit_code = -1;  // the exit status, or 128 + signal when killed by one
  std::string out;
  std::string err;
  bool timed_out = false;
};

struct ProcessOptions {
  std::optional<std::string> stdin_data;   // nullopt: stdin is /dev/null
  std::map<std::string, std::string> env;  // added to (or replacing in) the inherited environment
  std::vector<std::string> unset_env;      // removed from the inherited environment
  std::optional<std::string> cwd;
  std::chrono::milliseconds timeout{60'000};
};

// Runs argv[0] (a path) to completion, capturing stdout and stderr. A process that outlives the
// timeout is killed (SIGKILL) and reported with timed_out, so a hang fails a test, never blocks it.
ProcessResult run_process(const std::vector<std::string>& argv, const ProcessOptions& options = {});

// The first executable `name` on PATH, else `fallback` when that is executable, else "".
std::string find_program(const std::string& name, const std::string& fallback = "");

// A long-running child (a server) whose stdout can be read line by line while it runs.
class BackgroundProcess {
 public:
  BackgroundProcess(const std::vector<std::string>& argv, const ProcessOptions& options = {});
  ~BackgroundProcess();
  BackgroundProcess(const BackgroundProcess&) = delete;
  BackgroundProcess& operator=(const BackgroundProcess&) = delete;

  // The next line the child writes on stdout, or nullopt on EOF or timeout.
  std::optional<std::string> read_line(std::chrono::milliseconds timeout);
  int pid() const { return pid_; }
  // Sends a signal and waits for the exit; returns the exit code as run_process reports it.
  int stop(int signal_number);
  bool running();

 private:
  int pid_ = -1;
  int out_fd_ = -1;
  std::string buffer_;
  std::optional<int> exit_code_;
};

}  // namespace epicsync::testing
