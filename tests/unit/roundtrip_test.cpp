#include <gtest/gtest.h>

#include "block_stream.h"
#include "epic_generator.h"
#include "parse_helpers.h"

namespace epicsync::testing {
namespace {

// Positions are where the parser found things; the generator's model has none.
void clear_positions(model::Epic& e) {
  e.title_pos = {};
  for (auto& f : e.metadata) f.pos = {};
  if (e.status) e.status->pos = {};
  if (e.priority) e.priority->pos = {};
  for (auto& s : e.stories) {
    s.pos = s.tracker_key_pos = {};
    s.metadata_style = model::MetadataStyle::kNone;  // how it was written, like positions
    s.metadata_last_line = 0;
    if (s.status) s.status->pos = {};
    if (s.priority) s.priority->pos = {};
    for (auto& c : s.acceptance_criteria) c.pos = {};
    for (auto& p : s.description_parts) p.section.pos = {};
    for (auto& st : s.subtasks) {
      st.pos = {};
      st.table_line = st.table_columns = 0;  // where its table is, like positions
      st.key_column = -1;
      if (st.status) st.status->pos = {};
    }
    for (auto& c : s.commits) c.pos = {};
    for (auto& c : s.comments) c.pos = {};
    for (auto& f : s.unknown_fields) f.pos = {};
  }
}

TEST(RoundTrip, ParsedGeneratedEpicEqualsTheGeneratorsModel) {
  for (uint32_t seed = 1; seed <= 40; ++seed) {
    bench::GeneratorOptions o;
    o.stories = 1 + static_cast<int>(seed % 9);
    o.subtasks_per_story = static_cast<int>(seed % 5);
    o.seed = seed;
    const model::Epic expected = bench::generate_epic(o);
    auto r = parse(bench::render_epic(expected));
    ASSERT_TRUE(r.diagnostics.empty()) << "seed " << seed << "\n" << diagnostics_text(r);
    clear_positions(r.epic);
    ASSERT_EQ(r.epic.stories.size(), expected.stories.size());
    for (size_t i = 0; i < expected.stories.size(); ++i) {
      const auto& a = r.epic.stories[i];
      const auto& b = expected.stories[i];
      EXPECT_EQ(a.description, b.description) << "seed " << seed << " story " << i;
      EXPECT_EQ(a.subtasks, b.subtasks) << "seed " << seed << " story " << i;
      EXPECT_EQ(a.description_parts, b.description_parts) << "seed " << seed << " story " << i;
      EXPECT_EQ(a, b) << "seed " << seed << " story " << i;
    }
    EXPECT_EQ(r.epic, expected) << "seed " << seed;
  }
}

// A file long enough to be parsed in many chunks: the model is the same, and every position
// still points at the line it names, across the chunk boundaries.
TEST(RoundTrip, ALongEpicParsedInChunksKeepsItsModelAndPositions) {
  bench::GeneratorOptions o;
  o.stories = 300;
  o.subtasks_per_story = 4;
  o.seed = 11;
  const model::Epic expected = bench::generate_epic(o);
  const std::string text = bench::render_epic(expected);
  ASSERT_GT(text.size(), 10 * markdown::kMinChunkBytes);
  auto r = parse(text);
  ASSERT_TRUE(r.diagnostics.empty()) << diagnostics_text(r);

  std::vector<std::string_view> lines;
  for (size_t start = 0; start < text.size();) {
    size_t end = text.find('\n', start);
    if (end == std::string::npos) end = text.size();
    lines.push_back(std::string_view(text).substr(start, end - start));
    start = end + 1;
  }
  auto line = [&](int n) {
    return n >= 1 && n <= static_cast<int>(lines.size()) ? lines[n - 1] : "";
  };
  for (const auto& s : r.epic.stories) {
    EXPECT_NE(line(s.pos.line).find(s.id + ":"), std::string_view::npos) << s.id;
    for (const auto& st : s.subtasks) {
      EXPECT_NE(line(st.pos.line).find(st.name), std::string_view::npos) << s.id << " " << st.name;
    }
    for (const auto& c : s.commits) {
      EXPECT_NE(line(c.pos.line).find(c.sha), std::string_view::npos) << s.id;
    }
  }
  clear_positions(r.epic);
  EXPECT_EQ(r.epic, expected);
}

}  // namespace
}  // namespace epicsync::testing
