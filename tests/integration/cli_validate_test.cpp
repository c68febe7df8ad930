#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <regex>
#include <set>
#include <sstream>

#include "support/fixture_path.h"
#include "support/subprocess.h"

namespace epicsync::testing {
namespace {

namespace fs = std::filesystem;

ProcessResult epicsync(std::vector<std::string> args, ProcessOptions options = {}) {
  args.insert(args.begin(), EPICSYNC_PATH);
  options.timeout = std::chrono::seconds(30);
  return run_process(args, options);
}

class TempDir {
 public:
  TempDir() {
    std::string tmpl = (fs::temp_directory_path() / "epicsync-test-XXXXXX").string();
    path_ = mkdtemp(tmpl.data());
  }
  ~TempDir() { fs::remove_all(path_); }
  std::string write(const std::string& name, const std::string& content) const {
    std::string p = path_ + "/" + name;
    std::ofstream(p, std::ios::binary) << content;
    return p;
  }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

TEST(CliValidate, ValidFileSummarisesEveryStory) {
  auto r = epicsync({"--validate", "--markdown", fixture("checkout.md")});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("Checkout Revamp"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("SHOP-101  Guest checkout"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("3 stories, 8 sub-tasks, 7 criteria, 2 commits, 2 comments"),
            std::string::npos)
      << r.out;
  EXPECT_NE(r.out.find("valid: 3 stories, 1 warning"), std::string::npos) << r.out;
  EXPECT_EQ(r.out.find("\x1b["), std::string::npos) << "no colour when stdout is a pipe";
}

TEST(CliValidate, InvalidFileExitsSixWithFileLineAndColumn) {
  auto r = epicsync({"--validate", "-m", fixture("invalid.md")});
  EXPECT_EQ(r.exit_code, 6);
  const std::string path = fixture("invalid.md");
  EXPECT_NE(r.out.find(path + ":7:22: error: Story Points: 'lots' is not a number of points"),
            std::string::npos)
      << r.out;
  EXPECT_NE(r.out.find(path + ":10:1: error: duplicate story id BAD-1 (first at line 3)"),
            std::string::npos);
  EXPECT_NE(r.out.find("hint: "), std::string::npos);
  EXPECT_NE(r.out.find("invalid: 4 errors"), std::string::npos);
}

TEST(CliValidate, AliasesForTheFileFlag) {
  EXPECT_EQ(epicsync({"--validate", "--input", fixture("mixed-formats.md")}).exit_code, 0);
  EXPECT_EQ(epicsync({"--validate", "-f", fixture("mixed-formats.md")}).exit_code, 0);
}

TEST(CliValidate, JsonOutputIsOneDocumentWithTheModel) {
  auto r = epicsync({"--validate", "-m", fixture("mixed-formats.md"), "--output", "json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto doc = nlohmann::json::parse(r.out);
  EXPECT_EQ(doc["ok"], true);
  EXPECT_EQ(doc["summary"]["stories"], 3);
  const auto& ops7 = doc["epic"]["stories"][0];
  EXPECT_EQ(ops7["id"], "OPS-7");
  EXPECT_EQ(ops7["status"]["meaning"], "in_review");
  EXPECT_EQ(ops7["labels"], nlohmann::json({"security", "database"}));
  EXPECT_TRUE(ops7["assignee"].is_null());
  EXPECT_EQ(ops7["subtasks"][0]["points"], 3);
  EXPECT_EQ(ops7["position"]["line"], 7);
}

TEST(CliValidate, JsonOutputForInvalidMarkdown) {
  auto r = epicsync({"--validate", "-m", fixture("invalid.md"), "-o", "json"});
  EXPECT_EQ(r.exit_code, 6);
  auto doc = nlohmann::json::parse(r.out);
  EXPECT_EQ(doc["ok"], false);
  EXPECT_EQ(doc["error"]["kind"], "invalid_markdown");
  EXPECT_EQ(doc["diagnostics"].size(), 4u);
  EXPECT_EQ(doc["diagnostics"][0]["line"], 7);
}

TEST(CliValidate, MissingFileExitsThreeInTextAndJson) {
  auto r = epicsync({"--validate", "-m", "/nonexistent/epic.md"});
  EXPECT_EQ(r.exit_code, 3);
  EXPECT_NE(r.err.find("/nonexistent/epic.md: no such file"), std::string::npos) << r.err;
  auto j = epicsync({"--validate", "-m", "/nonexistent/epic.md", "--output=json"});
  EXPECT_EQ(j.exit_code, 3);
  auto doc = nlohmann::json::parse(j.out);
  EXPECT_EQ(doc["ok"], false);
  EXPECT_EQ(doc["error"]["kind"], "input_file");
  EXPECT_EQ(doc["error"]["code"], 3);
}

TEST(CliValidate, DirectoryAndUnreadableFilesExitThree) {
  TempDir dir;
  EXPECT_EQ(epicsync({"--validate", "-m", dir.path()}).exit_code, 3);
  if (geteuid() != 0) {  // root reads anything
    auto p = dir.write("locked.md", "### US-1: T\n");
    chmod(p.c_str(), 0);
    EXPECT_EQ(epicsync({"--validate", "-m", p}).exit_code, 3);
  }
}

TEST(CliValidate, EmptyAndNonUtf8FilesAreClearErrors) {
  TempDir dir;
  auto empty = epicsync({"--validate", "-m", dir.write("empty.md", "")});
  EXPECT_EQ(empty.exit_code, 6);
  EXPECT_NE(empty.out.find("empty.md:1:1: error: the file is empty"), std::string::npos);
  auto latin1 = epicsync({"--validate", "-m", dir.write("latin1.md", "### US-1: Caf\xE9\n")});
  EXPECT_EQ(latin1.exit_code, 6);
  EXPECT_NE(latin1.out.find("latin1.md:1:14: error: the file is not valid UTF-8"),
            std::string::npos)
      << latin1.out;
}

TEST(CliValidate, StrictTurnsWarningsIntoErrors) {
  EXPECT_EQ(epicsync({"--validate", "-m", fixture("checkout.md")}).exit_code, 0);
  auto r = epicsync({"--validate", "-m", fixture("checkout.md"), "--strict"});
  EXPECT_EQ(r.exit_code, 6);
  EXPECT_NE(r.out.find("error: unknown epic field 'Target Release'"), std::string::npos);
}

TEST(CliValidate, QuietPrintsOnlyProblemsAndTheSummary) {
  auto r = epicsync({"--validate", "-q", "-m", fixture("checkout.md")});
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_EQ(r.out.find("SHOP-101"), std::string::npos);
  EXPECT_NE(r.out.find("warning: unknown epic field"), std::string::npos);
  EXPECT_NE(r.out.find("valid: 3 stories"), std::string::npos);
}

TEST(CliUsage, HelpListsOnlyWhatWorks) {
  auto r = epicsync({"--help"});
  EXPECT_EQ(r.exit_code, 0);
  for (const char* flag :
       {"--validate",    "--markdown", "--strict",         "--output",  "--quiet",
        "--no-color",    "--version",  "--epic",           "--story",   "--phase",
        "--verbose",     "--config",   "--jira-url",       "--project", "--diff-latest",
        "--diff-backup", "--rollback", "--restore-backup", "--force",   "--issue"}) {
    EXPECT_NE(r.out.find(flag), std::string::npos) << flag;
  }
}

TEST(CliUsage, VersionPrintsTheVersionAndTheRevision) {
  auto r = epicsync({"--version"});
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_TRUE(std::regex_match(
      r.out, std::regex(R"(epicsync [0-9]+\.[0-9]+\.[0-9]+ \((git \S+|unknown revision)\)\n)")))
      << r.out;
  // Built from a checkout, the revision is known (what a bug report needs).
  const auto checkout = std::filesystem::path(FIXTURES_DIR).parent_path() / ".git";
  if (std::filesystem::exists(checkout) && std::system("git --version >/dev/null 2>&1") == 0) {
    EXPECT_NE(r.out.find("(git "), std::string::npos) << r.out;
  }
}

TEST(CliUsage, UnknownFlagAndMissingArgumentsExitTwo) {
  auto unknown = epicsync({"--frobnicate"});
  EXPECT_EQ(unknown.exit_code, 2);
  EXPECT_NE(unknown.err.find("--help"), std::string::npos) << unknown.err;
  EXPECT_EQ(epicsync({"--validate"}).exit_code, 2);
  EXPECT_EQ(epicsync({}).exit_code, 2);
  EXPECT_EQ(epicsync({"--validate", "-m", fixture("checkout.md"), "-o", "xml"}).exit_code, 2);
  auto json = epicsync({"--frobnicate", "--output", "json"});
  EXPECT_EQ(json.exit_code, 2);
  EXPECT_EQ(nlohmann::json::parse(json.out)["error"]["kind"], "usage");
}

}  // namespace
}  // namespace epicsync::testing

namespace epicsync::testing {
namespace {

// Issue 18, item 4: empty arguments and impossible numbers are named as such.
TEST(CliUsage, AnEmptyArgumentIsNamedAsEmpty) {
  for (const std::vector<std::string>& args :
       {std::vector<std::string>{"--restore-backup", "", "-e", "PROJ-1"},
        {"--markdown", "", "-e", "PROJ-1"},
        {"--diff-backup", "", "-e", "PROJ-1"},
        {"-m", fixture("checkout.md"), "--epic", ""}}) {
    auto r = epicsync(args);
    EXPECT_EQ(r.exit_code, 2) << r.err;
    EXPECT_NE(r.err.find(args[0] == "-m" ? "--epic was given an empty value"
                                         : args[0] + " was given an empty value"),
              std::string::npos)
        << r.err;
  }
}

TEST(CliUsage, KeepZeroIsNamedNotTakenForMissing) {
  auto zero = epicsync({"--cleanup-backups", "--keep", "0"});
  EXPECT_EQ(zero.exit_code, 2);
  EXPECT_NE(zero.err.find("--keep 0: keep at least 1 backup"), std::string::npos) << zero.err;
  auto missing = epicsync({"--cleanup-backups"});
  EXPECT_EQ(missing.exit_code, 2);
  EXPECT_NE(missing.err.find("needs --keep N"), std::string::npos) << missing.err;
}

// A backup folder that is a file is an error, not "No backups".
TEST(CliUsage, ListingBackupsInAFileIsAnError) {
  TempDir tmp;
  const std::string file = tmp.write("backups", "not a folder");
  ProcessOptions o;
  o.env = {{"HOME", tmp.path()}, {"EPICSYNC_BACKUP_DIR", file}};
  auto r = epicsync({"--list-backups"}, o);
  EXPECT_EQ(r.exit_code, 12) << r.out << r.err;
  EXPECT_NE(r.err.find("is a file, not a folder"), std::string::npos) << r.err;
  EXPECT_EQ(r.out.find("No backups"), std::string::npos) << r.out;
}

// Plain http:// to another machine names the setting that allows it.
TEST(CliUsage, PlainHttpToAnotherHostNamesTheSettingThatAllowsIt) {
  TempDir tmp;
  ProcessOptions o;
  o.env = {{"HOME", tmp.path()},
           {"JIRA_URL", "http://jira.example.com"},
           {"JIRA_EMAIL", "a@example.com"},
           {"JIRA_API_TOKEN", "t"}};
  o.unset_env = {"JIRA_PAT", "JIRA_PROJECT"};
  o.cwd = tmp.path();
  auto r = epicsync({"-m", fixture("checkout.md"), "-e", "PROJ-1"}, o);
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_NE(r.err.find("jira.insecure: true"), std::string::npos) << r.err;
}

}  // namespace
}  // namespace epicsync::testing

namespace epicsync::testing {
namespace {

std::string read_text(const fs::path& p) {
  std::ifstream in(p);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

// Issue 18, items 2 and 3: the man page and the three shell completions name every flag --help
// lists, so none of them can fall behind the parser; --help lists every exit code.
TEST(CliUsage, TheManPageAndTheCompletionsNameEveryFlag) {
  auto help = epicsync({"--help"});
  ASSERT_EQ(help.exit_code, 0);
  std::set<std::string> flags;
  const std::regex long_flag(R"((^|[ ,])--([a-z][a-z-]+))");
  std::istringstream lines(help.out);
  for (std::string line; std::getline(lines, line);) {
    if (line.rfind("  -", 0) != 0) continue;  // only the options' own lines
    const std::string names = line.substr(0, line.find("  ", 2));
    for (std::sregex_iterator it(names.begin(), names.end(), long_flag), end; it != end; ++it) {
      flags.insert((*it)[2]);
    }
  }
  ASSERT_GE(flags.size(), 35u) << help.out;
  const fs::path root = fs::path(FIXTURES_DIR).parent_path();
  const std::string man = read_text(root / "docs/man/epicsync.1");
  const std::string bash = read_text(root / "completions/epicsync.bash");
  const std::string zsh = read_text(root / "completions/_epicsync");
  const std::string fish = read_text(root / "completions/epicsync.fish");
  for (const auto& f : flags) {
    std::string roff = "\\-\\-";
    for (char c : f) roff += c == '-' ? std::string("\\-") : std::string(1, c);
    EXPECT_NE(man.find(roff), std::string::npos) << "the man page lacks --" << f;
    EXPECT_NE(bash.find("--" + f), std::string::npos) << "bash completion lacks --" << f;
    EXPECT_NE(zsh.find("--" + f), std::string::npos) << "zsh completion lacks --" << f;
    EXPECT_NE(fish.find("-l " + f), std::string::npos) << "fish completion lacks --" << f;
  }
}

TEST(CliUsage, HelpTeachesExamplesExitCodesAndNoParserArtefacts) {
  auto help = epicsync({"--help"});
  ASSERT_EQ(help.exit_code, 0);
  EXPECT_EQ(help.out.find(":{"), std::string::npos) << "no validator lists" << help.out;
  EXPECT_NE(help.out.find("Examples:"), std::string::npos);
  EXPECT_NE(help.out.find("man epicsync"), std::string::npos);
  EXPECT_EQ(help.out.find("docs/cli.md"), std::string::npos) << "no paths of the source tree";
  for (int code : {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 64, 80, 130}) {
    EXPECT_TRUE(std::regex_search(help.out, std::regex("(^|\\s)" + std::to_string(code) + " ")))
        << "exit code " << code << " is not explained";
  }
}

}  // namespace
}  // namespace epicsync::testing
