#include "config_fixture.h"

namespace epicsync::config::testing {
namespace {

using Describe = ConfigTest;

bool contains(const std::string& s, const std::string& part) {
  return s.find(part) != std::string::npos;
}

TEST_F(Describe, ListsEverySettingWithItsSource) {
  vars_ = {{"JIRA_URL", "https://env.example"}};
  write_cwd(".env", "JIRA_EMAIL=me@example.com\n");
  write_cwd(".epicsync.yaml",
            "jira:\n  project: PROJ\n  status_map:\n    done: [Done, Closed]\n"
            "backup:\n  keep_count: 15\n");
  Overrides o;
  o.backup_dir = "/flag/dir";
  std::string d = load_ok(o).describe();
  EXPECT_TRUE(contains(d, "config file: ./.epicsync.yaml\n")) << d;
  EXPECT_TRUE(contains(d, "jira.url = https://env.example  [env]\n")) << d;
  EXPECT_TRUE(contains(d, "jira.email = me@example.com  [.env]\n")) << d;
  EXPECT_TRUE(contains(d, "jira.api_token = (not set)\n")) << d;
  EXPECT_TRUE(contains(d, "jira.pat = (not set)\n")) << d;
  EXPECT_TRUE(contains(d, "jira.project = PROJ  [./.epicsync.yaml]\n")) << d;
  EXPECT_TRUE(contains(d, "jira.story_points_field = (not set)\n")) << d;
  EXPECT_TRUE(contains(d, "jira.status_map.done = Done, Closed  [./.epicsync.yaml]\n")) << d;
  EXPECT_TRUE(contains(d, "jira.insecure = false  [default]\n")) << d;
  EXPECT_TRUE(contains(d, "jira.concurrency = 8  [default]\n")) << d;
  EXPECT_TRUE(contains(d, "backup.keep_count = 15  [./.epicsync.yaml]\n")) << d;
  EXPECT_TRUE(contains(d, "backup.dir = /flag/dir  [flag]\n")) << d;
  EXPECT_TRUE(contains(d, "auth mode: none\n")) << d;
}

TEST_F(Describe, DefaultsWithoutConfigFile) {
  std::string d = load_ok().describe();
  EXPECT_TRUE(contains(d, "config file: (none)\n")) << d;
  EXPECT_TRUE(contains(d, "jira.status_map = (defaults)\n")) << d;
  EXPECT_TRUE(contains(d, "backup.dir = " + (home_ / ".epicsync/backups").string() + "  [default]"))
      << d;
}

TEST_F(Describe, MasksSecretsCompletely) {
  const std::string token = "Xq7Wv2Lm";
  const std::string pat = "Pz9Rk4Tj";
  vars_ = {{"JIRA_API_TOKEN", token}, {"JIRA_EMAIL", "a@b"}};
  write_cwd(".env", "JIRA_PAT=\"" + pat + "\"\n");
  std::string d = load_ok().describe();
  EXPECT_TRUE(contains(d, "jira.api_token = ********  [env]\n")) << d;
  EXPECT_TRUE(contains(d, "jira.pat = ********  [.env]\n")) << d;
  EXPECT_TRUE(contains(d, "auth mode: cloud token\n")) << d;
  // Not even a fragment: every 3-character piece of either secret is absent.
  for (const std::string& secret : {token, pat}) {
    for (size_t i = 0; i + 3 <= secret.size(); ++i) {
      EXPECT_FALSE(contains(d, secret.substr(i, 3))) << secret.substr(i, 3) << " in\n" << d;
    }
  }
}

}  // namespace
}  // namespace epicsync::config::testing
