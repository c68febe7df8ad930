#include "config/yaml_settings.h"

#include <gtest/gtest.h>

namespace epicsync::config {
namespace {

const std::string kFile = "/p/config.yaml";

FileSettings parse_ok(const std::string& text) {
  auto r = parse_config_yaml(text, kFile);
  EXPECT_TRUE(r.ok()) << (r.ok() ? "" : r.error().message);
  return r.ok() ? *r : FileSettings{};
}

Error parse_error(const std::string& text) {
  auto r = parse_config_yaml(text, kFile);
  EXPECT_FALSE(r.ok());
  return r.ok() ? Error{} : r.error();
}

bool contains(const std::string& s, const std::string& part) {
  return s.find(part) != std::string::npos;
}

TEST(YamlSettings, ReadsEveryKey) {
  auto s = parse_ok(R"(
jira:
  url: https://x.example
  email: a@b.c
  api_token: tok
  pat: pat
  project: PROJ
  story_points_field: customfield_10016
  status_map:
    done: [Done, Closed]
  insecure: true
  concurrency: 4
backup:
  keep_count: 30
  dir: /b
)");
  EXPECT_EQ(s.strings.at("jira.url"), "https://x.example");
  EXPECT_EQ(s.strings.at("jira.email"), "a@b.c");
  EXPECT_EQ(s.strings.at("jira.api_token"), "tok");
  EXPECT_EQ(s.strings.at("jira.pat"), "pat");
  EXPECT_EQ(s.strings.at("jira.project"), "PROJ");
  EXPECT_EQ(s.strings.at("jira.story_points_field"), "customfield_10016");
  EXPECT_EQ(s.strings.at("backup.dir"), "/b");
  ASSERT_TRUE(s.status_map);
  EXPECT_EQ(s.status_map->at("done"), (std::vector<std::string>{"Done", "Closed"}));
  EXPECT_EQ(s.insecure, true);
  EXPECT_EQ(s.concurrency, 4);
  EXPECT_EQ(s.keep_count, 30);
  EXPECT_TRUE(s.warnings.empty());
}

TEST(YamlSettings, EmptyFileNullSectionsAndNullValuesSetNothing) {
  for (const char* text : {"", "# only a comment\n", "jira:\nbackup:\n", "jira:\n  url:\n"}) {
    auto s = parse_ok(text);
    EXPECT_TRUE(s.strings.empty()) << text;
    EXPECT_FALSE(s.keep_count) << text;
    EXPECT_FALSE(s.status_map) << text;
  }
}

TEST(YamlSettings, StatusMapAcceptsListOrSingleName) {
  auto s = parse_ok(R"(
jira:
  status_map:
    todo: Backlog
    in_progress: [In Progress, Doing]
    in_review: ["Code Review"]
    done:
      - Done
    cancelled: Won't Do
)");
  ASSERT_TRUE(s.status_map);
  EXPECT_EQ(s.status_map->at("todo"), std::vector<std::string>{"Backlog"});
  EXPECT_EQ(s.status_map->at("in_progress"), (std::vector<std::string>{"In Progress", "Doing"}));
  EXPECT_EQ(s.status_map->at("in_review"), std::vector<std::string>{"Code Review"});
  EXPECT_EQ(s.status_map->at("done"), std::vector<std::string>{"Done"});
  EXPECT_EQ(s.status_map->at("cancelled"), std::vector<std::string>{"Won't Do"});
}

TEST(YamlSettings, StatusMapUnknownMeaningIsErrorWithHint) {
  Error e = parse_error("jira:\n  status_map:\n    finished: Done\n");
  EXPECT_EQ(e.kind, ErrorKind::kUsage);
  EXPECT_TRUE(contains(e.message, kFile + ":3:5: jira.status_map.finished")) << e.message;
  EXPECT_TRUE(contains(e.hint, "in_progress")) << e.hint;
}

TEST(YamlSettings, StatusMapBadShapesAreErrorsNamingTheKey) {
  EXPECT_TRUE(contains(parse_error("jira:\n  status_map: Done\n").message, "jira.status_map"));
  EXPECT_TRUE(contains(parse_error("jira:\n  status_map:\n    done: [[a]]\n").message,
                       "jira.status_map.done"));
  EXPECT_TRUE(contains(parse_error("jira:\n  status_map:\n    done: {a: b}\n").message,
                       "jira.status_map.done"));
  EXPECT_TRUE(
      contains(parse_error("jira:\n  status_map:\n    done: []\n").message, "at least one status"));
  EXPECT_TRUE(
      contains(parse_error("jira:\n  status_map:\n    done: ['']\n").message, "empty status name"));
}

TEST(YamlSettings, KeepCountBounds) {
  EXPECT_EQ(parse_ok("backup:\n  keep_count: 10\n").keep_count, 10);
  EXPECT_EQ(parse_ok("backup:\n  keep_count: 100\n").keep_count, 100);
  for (const char* bad : {"9", "101", "0", "-20"}) {
    Error e = parse_error(std::string("backup:\n  keep_count: ") + bad + "\n");
    EXPECT_EQ(e.kind, ErrorKind::kUsage);
    EXPECT_TRUE(contains(e.message, kFile + ":2:15: backup.keep_count is " + bad)) << e.message;
    EXPECT_TRUE(contains(e.message, "between 10 and 100")) << e.message;
  }
}

TEST(YamlSettings, KeepCountMustBeWholeNumber) {
  for (const char* bad : {"twenty", "20.5", "[20]"}) {
    Error e = parse_error(std::string("backup:\n  keep_count: ") + bad + "\n");
    EXPECT_TRUE(contains(e.message, "backup.keep_count must be a whole number")) << e.message;
  }
}

TEST(YamlSettings, ConcurrencyBounds) {
  EXPECT_EQ(parse_ok("jira:\n  concurrency: 1\n").concurrency, 1);
  EXPECT_EQ(parse_ok("jira:\n  concurrency: 64\n").concurrency, 64);
  EXPECT_TRUE(contains(parse_error("jira:\n  concurrency: 0\n").message, "between 1 and 64"));
  EXPECT_TRUE(contains(parse_error("jira:\n  concurrency: 65\n").message, "jira.concurrency"));
}

TEST(YamlSettings, InsecureMustBeBoolean) {
  EXPECT_EQ(parse_ok("jira:\n  insecure: false\n").insecure, false);
  EXPECT_TRUE(contains(parse_error("jira:\n  insecure: maybe\n").message,
                       "jira.insecure must be true or false"));
}

TEST(YamlSettings, WrongTypeIsErrorNamingKey) {
  Error e = parse_error("jira:\n  url: [a, b]\n");
  EXPECT_EQ(e.kind, ErrorKind::kUsage);
  EXPECT_TRUE(contains(e.message, kFile + ":2:8: jira.url must be a string")) << e.message;
  EXPECT_TRUE(contains(parse_error("jira: [url]\n").message, "jira must be a mapping"));
  EXPECT_TRUE(contains(parse_error("backup:\n  dir: {a: 1}\n").message, "backup.dir"));
}

TEST(YamlSettings, TopLevelMustBeMapping) {
  EXPECT_TRUE(contains(parse_error("- a\n- b\n").message, "top level must be a mapping"));
  EXPECT_TRUE(contains(parse_error("just text\n").message, "top level must be a mapping"));
}

TEST(YamlSettings, UnknownKeysAreWarningsWithPosition) {
  auto s = parse_ok("jira:\n  url: u\n  colour: red\nextra: 1\n");
  EXPECT_EQ(s.strings.at("jira.url"), "u");
  ASSERT_EQ(s.warnings.size(), 2u);
  EXPECT_EQ(s.warnings[0], kFile + ":3:3: unknown key jira.colour (ignored)");
  EXPECT_EQ(s.warnings[1], kFile + ":4:1: unknown key extra (ignored)");
}

TEST(YamlSettings, MalformedYamlReportsFileLineAndColumn) {
  Error e = parse_error("jira:\n  url: x\n bad: y\n");
  EXPECT_EQ(e.kind, ErrorKind::kUsage);
  EXPECT_EQ(e.message, kFile + ":3:2: invalid YAML: end of map not found");
  EXPECT_FALSE(e.hint.empty());
  EXPECT_EQ(parse_error("jira:\n  url: x\n\tproject: y\n").message.rfind(kFile + ":3:1: ", 0), 0u);
  EXPECT_EQ(parse_error("jira:\n  project: [A, B\n").message.rfind(kFile + ":3:1: ", 0), 0u);
}

TEST(YamlSettings, ErrorsNeverEchoSecrets) {
  const std::string texts[] = {
      "jira:\n  api_token: \"s3cr\\qet\"\n",    // yaml-cpp would quote the bad escape
      "jira:\n  api_token: \"s3cr\\uZZZZ\"\n",  // … or the bad unicode digits
      "jira:\n  api_token: [s3cr3t]\n",         // wrong type
      "jira:\n  pat: {s3cr3t: 1}\n",            // wrong type
      "jira:\n  api_token: s3cr3t: x\n",        // not a valid scalar
      "backup:\n  keep_count: s3cr3t\n",        // pasted into the wrong key
  };
  for (const auto& text : texts) {
    Error e = parse_error(text);
    EXPECT_FALSE(contains(e.message, "s3cr")) << e.message;
    EXPECT_FALSE(contains(e.message, "ZZ")) << e.message;
    EXPECT_FALSE(contains(e.message, ": q")) << e.message;
    EXPECT_FALSE(contains(e.hint, "s3cr")) << e.hint;
  }
}

}  // namespace
}  // namespace epicsync::config
