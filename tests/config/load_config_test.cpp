#include <cstdlib>

#include "config_fixture.h"

namespace epicsync::config::testing {
namespace {

using LoadConfig = ConfigTest;

TEST_F(LoadConfig, DefaultsWhenNothingIsSet) {
  Config c = load_ok();
  EXPECT_EQ(c.jira_url, "");
  EXPECT_EQ(c.keep_count, 20);
  EXPECT_EQ(c.concurrency, 8);
  EXPECT_FALSE(c.insecure);
  EXPECT_TRUE(c.status_map.empty());
  EXPECT_EQ(c.backup_dir, (home_ / ".epicsync/backups").string());
  EXPECT_EQ(c.sources.at("backup.dir"), "default");
  EXPECT_EQ(c.sources.at("backup.keep_count"), "default");
  EXPECT_EQ(c.sources.count("jira.url"), 0u);
  EXPECT_EQ(c.config_file, "");
  EXPECT_TRUE(c.warnings.empty());
  EXPECT_EQ(c.auth_mode(), AuthMode::kNone);
}

TEST_F(LoadConfig, FlagBeatsEnvironment) {
  vars_ = {{"JIRA_URL", "https://env"}, {"JIRA_PROJECT", "ENV"}, {"EPICSYNC_BACKUP_DIR", "/env"}};
  Overrides o;
  o.jira_url = "https://flag";
  o.project = "FLAG";
  o.backup_dir = "/flag";
  Config c = load_ok(o);
  EXPECT_EQ(c.jira_url, "https://flag");
  EXPECT_EQ(c.project, "FLAG");
  EXPECT_EQ(c.backup_dir, "/flag");
  EXPECT_EQ(c.sources.at("jira.url"), "flag");
  EXPECT_EQ(c.sources.at("jira.project"), "flag");
  EXPECT_EQ(c.sources.at("backup.dir"), "flag");
}

TEST_F(LoadConfig, EnvironmentBeatsDotenv) {
  vars_ = {{"JIRA_URL", "https://env"}, {"JIRA_API_TOKEN", "env-token"}};
  write_cwd(".env", "JIRA_URL=https://dotenv\nJIRA_API_TOKEN=dotenv-token\nJIRA_EMAIL=d@x\n");
  Config c = load_ok();
  EXPECT_EQ(c.jira_url, "https://env");
  EXPECT_EQ(c.api_token, "env-token");
  EXPECT_EQ(c.email, "d@x");
  EXPECT_EQ(c.sources.at("jira.url"), "env");
  EXPECT_EQ(c.sources.at("jira.email"), ".env");
}

TEST_F(LoadConfig, DotenvBeatsConfigFile) {
  write_cwd(".env", "export JIRA_PAT='dotenv-pat'\nEPICSYNC_BACKUP_DIR=/dotenv\n");
  write_cwd(".epicsync.yaml", "jira:\n  pat: file-pat\n  project: FILE\nbackup:\n  dir: /file\n");
  Config c = load_ok();
  EXPECT_EQ(c.pat, "dotenv-pat");
  EXPECT_EQ(c.backup_dir, "/dotenv");
  EXPECT_EQ(c.project, "FILE");
  EXPECT_EQ(c.sources.at("jira.pat"), ".env");
  EXPECT_EQ(c.sources.at("jira.project"), "./.epicsync.yaml");
  EXPECT_EQ(c.config_file, "./.epicsync.yaml");
}

TEST_F(LoadConfig, ConfigFileSuppliesEverySetting) {
  write_cwd(".epicsync.yaml", R"(
jira:
  url: https://file
  email: f@x
  api_token: file-token
  project: FILE
  story_points_field: customfield_1
  status_map: {done: Closed}
  insecure: yes
  concurrency: 3
backup:
  keep_count: 50
  dir: ~/bk
)");
  Config c = load_ok();
  EXPECT_EQ(c.jira_url, "https://file");
  EXPECT_EQ(c.story_points_field, "customfield_1");
  EXPECT_EQ(c.status_map.at("done"), std::vector<std::string>{"Closed"});
  EXPECT_TRUE(c.insecure);
  EXPECT_EQ(c.concurrency, 3);
  EXPECT_EQ(c.keep_count, 50);
  EXPECT_EQ(c.backup_dir, (home_ / "bk").string());
  for (const char* key : {"jira.url", "jira.story_points_field", "jira.status_map", "jira.insecure",
                          "jira.concurrency", "backup.keep_count", "backup.dir"}) {
    EXPECT_EQ(c.sources.at(key), "./.epicsync.yaml") << key;
  }
}

TEST_F(LoadConfig, EnvironmentVariablesOnlyForListedSettings) {
  vars_ = {{"JIRA_STORY_POINTS_FIELD", "x"}, {"EPICSYNC_KEEP_COUNT", "50"}};
  Config c = load_ok();
  EXPECT_EQ(c.story_points_field, "");
  EXPECT_EQ(c.keep_count, 20);
}

TEST_F(LoadConfig, EmptyValueCountsAsUnset) {
  vars_ = {{"JIRA_PAT", ""}};
  write_cwd(".env", "JIRA_PROJECT=\n");
  write_cwd(".epicsync.yaml", "jira:\n  pat: file-pat\n  project: FILE\n");
  Overrides o;
  o.jira_url = "";
  Config c = load_ok(o);
  EXPECT_EQ(c.pat, "file-pat");
  EXPECT_EQ(c.project, "FILE");
  EXPECT_EQ(c.sources.count("jira.url"), 0u);
}

TEST_F(LoadConfig, DotenvIgnoresOtherKeysAndLeavesProcessEnvironmentAlone) {
  write_cwd(".env", "EPICSYNC_CONFIG_TEST_ONLY=1\nPATH=/nowhere\nJIRA_PROJECT=P\n");
  Config c = load_ok();
  EXPECT_EQ(c.project, "P");
  EXPECT_EQ(std::getenv("EPICSYNC_CONFIG_TEST_ONLY"), nullptr);
  const char* path = std::getenv("PATH");
  EXPECT_TRUE(path == nullptr || std::string(path) != "/nowhere");
}

TEST_F(LoadConfig, LocalConfigFileHidesHomeConfigFile) {
  write_cwd(".epicsync.yaml", "jira:\n  project: LOCAL\n");
  write_home_config("jira:\n  project: HOME\n  url: https://home\n");
  Config c = load_ok();
  EXPECT_EQ(c.project, "LOCAL");
  EXPECT_EQ(c.jira_url, "");  // the files are alternatives, not layers
  EXPECT_EQ(c.config_file, "./.epicsync.yaml");
}

TEST_F(LoadConfig, HomeConfigFileUsedWhenNoLocalOne) {
  write_home_config("jira:\n  project: HOME\n");
  Config c = load_ok();
  EXPECT_EQ(c.project, "HOME");
  EXPECT_EQ(c.config_file, "~/.config/epicsync/config.yaml");
  EXPECT_EQ(c.sources.at("jira.project"), "~/.config/epicsync/config.yaml");
}

TEST_F(LoadConfig, UnknownHomeSkipsHomeConfigFile) {
  write_home_config("jira:\n  project: HOME\n");
  Environment e = env();
  e.home = "";
  Overrides o;
  o.backup_dir = "/b";
  auto r = load_config(o, e);
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->project, "");
}

TEST_F(LoadConfig, ConfigFlagReplacesTheSearch) {
  write_cwd(".epicsync.yaml", "jira:\n  project: LOCAL\n  url: https://local\n");
  write(root_ / "other.yaml", "jira:\n  project: OTHER\n");
  Overrides o;
  o.config_file = "../other.yaml";  // relative to the current directory
  Config c = load_ok(o);
  EXPECT_EQ(c.project, "OTHER");
  EXPECT_EQ(c.jira_url, "");
  EXPECT_EQ(c.config_file, "../other.yaml");
  EXPECT_EQ(c.sources.at("jira.project"), "../other.yaml");
}

TEST_F(LoadConfig, ConfigFlagExpandsTilde) {
  write(home_ / "my.yaml", "jira:\n  project: MINE\n");
  Overrides o;
  o.config_file = "~/my.yaml";
  EXPECT_EQ(load_ok(o).project, "MINE");
}

TEST_F(LoadConfig, MissingConfigFlagFileIsInputFileError) {
  write_cwd(".epicsync.yaml", "jira:\n  project: LOCAL\n");
  Overrides o;
  o.config_file = "nope.yaml";
  auto r = load(o);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().kind, ErrorKind::kInputFile);
  EXPECT_EQ(exit_code(r.error().kind), 3);
  EXPECT_NE(r.error().message.find((cwd_ / "nope.yaml").string()), std::string::npos)
      << r.error().message;
}

TEST_F(LoadConfig, ConfigPathThatIsADirectoryIsInputFileError) {
  std::filesystem::create_directories(cwd_ / ".epicsync.yaml");
  auto r = load();
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().kind, ErrorKind::kInputFile);
}

TEST_F(LoadConfig, MalformedDotenvFailsWithPathAndLine) {
  write_cwd(".env", "JIRA_URL=x\nJIRA_PROJECT\n");
  auto r = load();
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().kind, ErrorKind::kUsage);
  EXPECT_EQ(exit_code(r.error().kind), 2);
  EXPECT_EQ(r.error().message.rfind((cwd_ / ".env").string() + ":2: ", 0), 0u) << r.error().message;
}

TEST_F(LoadConfig, InvalidConfigFileFailsNamingFileAndKey) {
  write_home_config("backup:\n  keep_count: 500\n");
  auto r = load();
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().kind, ErrorKind::kUsage);
  std::string file = (home_ / ".config/epicsync/config.yaml").string();
  EXPECT_EQ(r.error().message.rfind(file + ":2:", 0), 0u) << r.error().message;
  EXPECT_NE(r.error().message.find("backup.keep_count"), std::string::npos);
  EXPECT_FALSE(r.error().hint.empty());
}

TEST_F(LoadConfig, UnknownKeysComeBackAsWarnings) {
  write_cwd(".epicsync.yaml", "jira:\n  projekt: X\n");
  Config c = load_ok();
  ASSERT_EQ(c.warnings.size(), 1u);
  EXPECT_NE(c.warnings[0].find("unknown key jira.projekt"), std::string::npos) << c.warnings[0];
}

TEST_F(LoadConfig, BackupDirExpandsTildeAndResolvesRelativePaths) {
  vars_ = {{"EPICSYNC_BACKUP_DIR", "~"}};
  EXPECT_EQ(load_ok().backup_dir, home_.string());
  vars_ = {{"EPICSYNC_BACKUP_DIR", "~/x/y"}};
  EXPECT_EQ(load_ok().backup_dir, (home_ / "x/y").string());
  vars_ = {{"EPICSYNC_BACKUP_DIR", "rel/dir"}};
  EXPECT_EQ(load_ok().backup_dir, (cwd_ / "rel/dir").string());
  vars_ = {{"EPICSYNC_BACKUP_DIR", "~other/x"}};  // ~user is not expanded
  EXPECT_EQ(load_ok().backup_dir, (cwd_ / "~other/x").string());
}

TEST_F(LoadConfig, TildeWithoutHomeIsUsageError) {
  Environment e = env();
  e.home = "";
  auto r = load_config({}, e);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().kind, ErrorKind::kUsage);
  EXPECT_NE(r.error().message.find("backup.dir"), std::string::npos);
}

TEST_F(LoadConfig, ThrowingEnvironmentLookupBecomesInternalError) {
  Environment e = env();
  e.get = [](const std::string&) -> std::optional<std::string> {
    throw std::runtime_error("boom");
  };
  auto r = load_config({}, e);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().kind, ErrorKind::kInternal);
}

TEST_F(LoadConfig, ErrorsNeverContainSecretValues) {
  const std::string secret = "tok-Zq81xK";
  vars_ = {{"JIRA_API_TOKEN", secret}};
  write_cwd(".env", "JIRA_PAT=" + secret + "\nJIRA_API_TOKEN \"" + secret + "\"\n");
  auto r = load();
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().message.find("Zq81"), std::string::npos) << r.error().message;
  EXPECT_EQ(r.error().hint.find("Zq81"), std::string::npos) << r.error().hint;

  std::filesystem::remove(cwd_ / ".env");
  write_cwd(".epicsync.yaml", "jira:\n  api_token: \"" + secret + "\\q\"\n");
  r = load();
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().message.find("Zq81"), std::string::npos) << r.error().message;
}

}  // namespace
}  // namespace epicsync::config::testing
