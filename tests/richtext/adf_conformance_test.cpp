// Every ADF document the converter produces must validate against the Atlassian schema. This
// test converts the fixture epics (whole files and story by story) and a generated corpus, and
// validates all of them with ajv (draft-04) through tools/adf-validate/validate.js.

#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "corpus_generator.h"
#include "richtext/adf.h"
#include "richtext/adf_to_markdown.h"
#include "richtext/wiki.h"
#include "support/subprocess.h"

namespace epicsync::richtext {
namespace {

namespace fs = std::filesystem;

// Sanitizer builds are unoptimised and check memory safety, not the schema; they validate a
// smaller sample.
constexpr int kCorpusSize = 4000 / RICHTEXT_CORPUS_DIVISOR;

std::string read_file(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

// Splits an epic file at story headings (### or ##), the chunks the adapter sends as
// descriptions.
std::vector<std::string> story_chunks(const std::string& text) {
  std::vector<std::string> chunks;
  std::string current;
  std::stringstream lines(text);
  std::string line;
  while (std::getline(lines, line)) {
    if ((line.rfind("### ", 0) == 0 || line.rfind("## ", 0) == 0) && !current.empty()) {
      chunks.push_back(current);
      current.clear();
    }
    current += line + "\n";
  }
  if (!current.empty()) chunks.push_back(current);
  return chunks;
}

struct Corpus {
  std::vector<std::string> markdown;
  size_t fixture_docs = 0;
};

Corpus conformance_corpus() {
  Corpus corpus;
  std::vector<fs::path> files;
  for (const auto& entry : fs::directory_iterator(fs::path(FIXTURES_DIR) / "epics")) {
    if (entry.path().extension() == ".md") files.push_back(entry.path());
  }
  std::sort(files.begin(), files.end());
  for (const fs::path& file : files) {
    std::string text = read_file(file);
    corpus.markdown.push_back(text);
    for (std::string& chunk : story_chunks(text)) corpus.markdown.push_back(std::move(chunk));
  }
  corpus.fixture_docs = corpus.markdown.size();
  for (std::string& doc : testing::generate_markdown_corpus(42, kCorpusSize)) {
    corpus.markdown.push_back(std::move(doc));
  }
  return corpus;
}

void expect_valid(const std::vector<nlohmann::json>& docs, const std::string& name) {
  fs::path validator(ADF_VALIDATOR_JS);
  fs::path modules = validator.parent_path() / "node_modules" / "ajv-draft-04";
  ASSERT_TRUE(fs::exists(modules))
      << "The ADF validator's dependencies are missing (" << modules.string()
      << "). Run scripts/setup, which runs `npm ci` in tools/adf-validate.";
  std::string node = epicsync::testing::find_program("node", "/usr/bin/node");
  ASSERT_FALSE(node.empty()) << "node is not installed (not on PATH, no /usr/bin/node); run "
                                "scripts/setup";

  fs::path file = fs::temp_directory_path() /
                  ("epicsync-adf-" + name + "-" + std::to_string(getpid()) + ".jsonl");
  {
    std::ofstream out(file, std::ios::binary);
    for (const nlohmann::json& doc : docs) out << doc.dump() << "\n";
  }
  epicsync::testing::ProcessOptions options;
  options.timeout = std::chrono::milliseconds(120'000);
  epicsync::testing::ProcessResult result =
      epicsync::testing::run_process({node, validator.string(), file.string()}, options);
  fs::remove(file);
  ASSERT_FALSE(result.timed_out) << "the validator timed out";
  EXPECT_EQ(result.exit_code, 0) << result.out << result.err;
  std::string expected_summary = std::to_string(docs.size()) + " documents, " +
                                 std::to_string(docs.size()) + " valid, 0 invalid";
  EXPECT_NE(result.out.find(expected_summary), std::string::npos) << result.out << result.err;
}

TEST(AdfConformance, FixturesAndGeneratedCorpusValidateAgainstSchema) {
  Corpus corpus = conformance_corpus();
  ASSERT_GT(corpus.fixture_docs, 3u) << "no fixture epics found in " << FIXTURES_DIR;
  std::vector<nlohmann::json> docs;
  docs.reserve(corpus.markdown.size());
  for (const std::string& markdown : corpus.markdown) docs.push_back(markdown_to_adf(markdown));
  std::printf("validating %zu ADF documents: %zu from fixtures, %d generated\n", docs.size(),
              corpus.fixture_docs, kCorpusSize);
  expect_valid(docs, "markdown");
}

// Wiki markup read back into ADF must validate as well (it feeds the same comparisons).
TEST(AdfConformance, WikiReadBackValidatesAgainstSchema) {
  Corpus corpus = conformance_corpus();
  std::vector<nlohmann::json> docs;
  docs.reserve(corpus.markdown.size());
  for (const std::string& markdown : corpus.markdown) {
    docs.push_back(wiki_to_adf(markdown_to_wiki(markdown)));
  }
  expect_valid(docs, "wiki");
}

// The generated ADF corpus (what the lossless property tests use) is valid ADF, and so is what
// comes back from its lossless markdown (panels, mentions, fenced nodes) and from its wiki
// markup (panels and mentions read from wiki).
TEST(AdfConformance, GeneratedAdfAndWhatComesBackValidate) {
  constexpr int kGenerated = 1000 / RICHTEXT_CORPUS_DIVISOR;
  std::vector<nlohmann::json> docs = testing::generate_adf_corpus(7, kGenerated);
  AdfToMarkdownOptions options;
  options.lossless = true;
  for (int i = 0; i < kGenerated; ++i) {
    const nlohmann::json source = docs[static_cast<size_t>(i)];
    docs.push_back(markdown_to_adf(adf_to_markdown(source, options)));
    docs.push_back(wiki_to_adf(adf_to_wiki(source)));
  }
  // The readable forms, written by hand.
  for (const char* markdown :
       {"> [!INFO]\n> text [@Dana](mention:5b10ac8d82e05b22cc7d4ef5)\n>\n> ## Heading\n>\n> ---",
        "> [!WARNING]\n>\n> - a\n>   - b\n>\n> 1. c\n>\n> ```sh\n> x\n> ```",
        "> [!TIP]\n> > nested quote\n>\n> | a | b |\n> | - | - |\n> | 1 | 2 |", "> [!CAUTION]",
        "> [!NOTE]\n> # h\n> - [ ] task",
        "- [@A](mention:a) and [](mention:b)\n- [ ] [@C](mention:c)\n\n| [@D](mention:d) |\n| - |",
        "# [@E](mention:e)\n\n**[@F](mention:f)**"}) {
    docs.push_back(markdown_to_adf(markdown));
  }
  std::printf("validating %zu ADF documents: %d generated, their read-backs, readable forms\n",
              docs.size(), kGenerated);
  expect_valid(docs, "generated");
}

// The validator itself must reject what the schema forbids, or the tests above prove nothing.
TEST(AdfConformance, ValidatorRejectsInvalidDocuments) {
  std::vector<nlohmann::json> docs = {nlohmann::json::parse(
      R"({"type":"doc","version":1,"content":[{"type":"paragraph","content":[
          {"type":"text","text":"x","marks":[{"type":"code"},{"type":"strong"}]}]}]})")};
  fs::path validator(ADF_VALIDATOR_JS);
  ASSERT_TRUE(fs::exists(validator.parent_path() / "node_modules" / "ajv-draft-04"))
      << "Run scripts/setup (npm ci in tools/adf-validate)";
  ASSERT_FALSE(epicsync::testing::find_program("node", "/usr/bin/node").empty())
      << "node is not installed; run scripts/setup";
  fs::path file =
      fs::temp_directory_path() / ("epicsync-adf-invalid-" + std::to_string(getpid()) + ".jsonl");
  {
    std::ofstream out(file, std::ios::binary);
    out << docs[0].dump() << "\n";
  }
  epicsync::testing::ProcessResult result =
      epicsync::testing::run_process({epicsync::testing::find_program("node", "/usr/bin/node"),
                                      validator.string(), file.string()});
  fs::remove(file);
  EXPECT_EQ(result.exit_code, 1) << result.out << result.err;
  EXPECT_NE(result.out.find("1 invalid"), std::string::npos) << result.out;
}

}  // namespace
}  // namespace epicsync::richtext
