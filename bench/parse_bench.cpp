// Parse throughput and peak memory: parse_bench FILE [REPEAT]
// Reads the file once, parses it REPEAT times on one thread, and reports the best run's MB/s,
// the first run's, and the process's peak resident memory (which includes the file's own bytes).
#include <sys/resource.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>

#include "epic_parser.h"

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: parse_bench FILE [REPEAT]\n");
    return 2;
  }
  // Read straight into one string, so that peak memory counts the file once, as epicsync does.
  std::ifstream in(argv[1], std::ios::binary | std::ios::ate);
  std::string text(static_cast<size_t>(std::max<std::streamoff>(0, in.tellg())), '\0');
  in.seekg(0);
  in.read(text.data(), static_cast<std::streamsize>(text.size()));
  const int repeat = argc > 2 ? std::max(1, std::atoi(argv[2])) : 5;
  double best = 1e30;
  double first = 0;
  size_t stories = 0;
  for (int i = 0; i < repeat; ++i) {
    auto t0 = std::chrono::steady_clock::now();
    auto result = epicsync::markdown::parse_epic(text);
    auto t1 = std::chrono::steady_clock::now();
    const double seconds = std::chrono::duration<double>(t1 - t0).count();
    if (i == 0) first = seconds;
    best = std::min(best, seconds);
    stories = result.epic.stories.size();
  }
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  const double mb = static_cast<double>(text.size()) / 1e6;
  // The first parse is what one run of epicsync pays: its memory is fresh from the kernel.
  std::printf(
      "file: %.1f MB, %zu stories\nbest of %d: %.3f s, %.1f MB/s\nfirst parse: %.3f s, %.1f MB/s\n"
      "peak RSS: %.1f MB\n",
      mb, stories, repeat, best, mb / best, first, mb / first,
      static_cast<double>(usage.ru_maxrss) / 1024.0);
  return 0;
}
