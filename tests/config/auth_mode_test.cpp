#include "config_fixture.h"

namespace epicsync::config::testing {
namespace {

Config with(std::string email, std::string token, std::string pat) {
  Config c;
  c.email = std::move(email);
  c.api_token = std::move(token);
  c.pat = std::move(pat);
  return c;
}

TEST(AuthMode, FollowsTheRule) {
  EXPECT_EQ(with("", "", "").auth_mode(), AuthMode::kNone);
  EXPECT_EQ(with("a@b", "", "").auth_mode(), AuthMode::kNone);
  EXPECT_EQ(with("", "tok", "").auth_mode(), AuthMode::kNone);
  EXPECT_EQ(with("a@b", "tok", "").auth_mode(), AuthMode::kCloudToken);
  EXPECT_EQ(with("", "", "pat").auth_mode(), AuthMode::kPat);
  EXPECT_EQ(with("a@b", "tok", "pat").auth_mode(), AuthMode::kCloudToken);
  EXPECT_EQ(with("", "tok", "pat").auth_mode(), AuthMode::kPat);
  EXPECT_EQ(with("a@b", "", "pat").auth_mode(), AuthMode::kPat);
}

TEST(AuthMode, Names) {
  EXPECT_STREQ(auth_mode_name(AuthMode::kNone), "none");
  EXPECT_STREQ(auth_mode_name(AuthMode::kCloudToken), "cloud token");
  EXPECT_STREQ(auth_mode_name(AuthMode::kPat), "personal access token");
}

using AuthWarnings = ConfigTest;

TEST_F(AuthWarnings, BothCredentialKindsWarnThatCloudIsUsed) {
  vars_ = {{"JIRA_EMAIL", "a@b"}, {"JIRA_API_TOKEN", "tok"}, {"JIRA_PAT", "pat"}};
  Config c = load_ok();
  EXPECT_EQ(c.auth_mode(), AuthMode::kCloudToken);
  ASSERT_EQ(c.warnings.size(), 1u);
  EXPECT_NE(c.warnings[0].find("using the email and API token"), std::string::npos);
}

TEST_F(AuthWarnings, IncompleteCloudCredentialsWarn) {
  vars_ = {{"JIRA_EMAIL", "a@b"}};
  Config email_only = load_ok();
  ASSERT_EQ(email_only.warnings.size(), 1u);
  EXPECT_NE(email_only.warnings[0].find("Cloud needs both"), std::string::npos);
  vars_ = {{"JIRA_API_TOKEN", "tok"}};
  Config token_only = load_ok();
  ASSERT_EQ(token_only.warnings.size(), 1u);
  EXPECT_NE(token_only.warnings[0].find("Cloud needs both"), std::string::npos);
  vars_ = {{"JIRA_EMAIL", "a@b"}, {"JIRA_PAT", "pat"}};
  Config email_pat = load_ok();
  EXPECT_EQ(email_pat.auth_mode(), AuthMode::kPat);
  ASSERT_EQ(email_pat.warnings.size(), 1u);
  EXPECT_NE(email_pat.warnings[0].find("using the PAT"), std::string::npos);
}

TEST_F(AuthWarnings, CompleteCredentialsDoNotWarn) {
  vars_ = {{"JIRA_PAT", "pat"}};
  EXPECT_TRUE(load_ok().warnings.empty());
  vars_ = {{"JIRA_EMAIL", "a@b"}, {"JIRA_API_TOKEN", "tok"}};
  EXPECT_TRUE(load_ok().warnings.empty());
}

}  // namespace
}  // namespace epicsync::config::testing
