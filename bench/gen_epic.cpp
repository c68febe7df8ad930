// Writes a synthetic epic: gen_epic STORIES SUBTASKS [SEED] > epic.md
#include <cstdlib>
#include <iostream>

#include "epic_generator.h"

int main(int argc, char** argv) {
  if (argc < 3) {
    std::cerr << "usage: gen_epic STORIES SUBTASKS_PER_STORY [SEED]\n";
    return 2;
  }
  epicsync::bench::GeneratorOptions o;
  o.stories = std::atoi(argv[1]);
  o.subtasks_per_story = std::atoi(argv[2]);
  if (argc > 3) o.seed = static_cast<uint32_t>(std::strtoul(argv[3], nullptr, 10));
  std::cout << epicsync::bench::render_epic(epicsync::bench::generate_epic(o));
  return 0;
}
