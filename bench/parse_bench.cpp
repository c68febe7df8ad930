// Parse throughput and peak memory: parse_bench FILE [REPEAT]
// Reads the file once, parses it REPEAT times on one thread, and reports the best run's MB/s
// and the process's peak resident memory (which includes the file's own bytes).
#include <sys/resource.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>

#include "epic_parser.h"

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: parse_bench FILE [REPEAT]\n");
    return 2;
  }
  std::ifstream in(argv[1], std::ios::binary);
  std::stringstream buffer;
  buffer << in.rdbuf();
  const std::string text = buffer.str();
  const int repeat = argc > 2 ? std::max(1, std::atoi(argv[2])) : 5;
  double best = 1e30;
  size_t stories = 0;
  for (int i = 0; i < repeat; ++i) {
    auto t0 = std::chrono::steady_clock::now();
    auto result = epicsync::markdown::parse_epic(text);
    auto t1 = std::chrono::steady_clock::now();
    best = std::min(best, std::chrono::duration<double>(t1 - t0).count());
    stories = result.epic.stories.size();
  }
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  std::printf("file: %.1f MB, %zu stories\nbest of %d: %.3f s, %.1f MB/s\npeak RSS: %.1f MB\n",
              static_cast<double>(text.size()) / 1e6, stories, repeat, best,
              static_cast<double>(text.size()) / 1e6 / best,
              static_cast<double>(usage.ru_maxrss) / 1024.0);
  return 0;
}
