#include "jira/redact.h"

#include <gtest/gtest.h>

#include "jira/auth.h"

namespace epicsync::jira {
namespace {

TEST(Redact, SensitiveHeaders) {
  for (const char* h : {"Authorization", "authorization", "Proxy-Authorization", "Cookie",
                        "Set-Cookie", "X-Api-Token", "X-Auth-Token"}) {
    EXPECT_TRUE(is_sensitive_header(h)) << h;
    EXPECT_EQ(redact_header_value(h, "Basic abc"), kRedacted) << h;
  }
  EXPECT_FALSE(is_sensitive_header("Content-Type"));
  EXPECT_EQ(redact_header_value("Accept", "application/json"), "application/json");
}

TEST(Redact, TokenLookingQueryParameters) {
  EXPECT_EQ(redact_path("/rest/api/3/search?jql=project%3DABC&access_token=abc123&maxResults=50"),
            "/rest/api/3/search?jql=project%3DABC&access_token=[REDACTED]&maxResults=50");
  EXPECT_EQ(redact_path("/x?apiKey=1&password=2&jwt=3&Session=4&author=me"),
            "/x?apiKey=[REDACTED]&password=[REDACTED]&jwt=[REDACTED]&Session=[REDACTED]&author=me");
}

TEST(Redact, CredentialLookingValuesUnderInnocentNames) {
  EXPECT_EQ(redact_path("/x?v=eyJhbGciOiJIUzI1NiJ9.e30.sig"), "/x?v=[REDACTED]");
  EXPECT_EQ(redact_path("/x?v=ATATT3xFfGF0a1b2c3d4e5f6g7h8i9j0k1l2m3n4"), "/x?v=[REDACTED]");
  // Ordinary long values (JQL, field lists) are left alone.
  EXPECT_EQ(redact_path("/x?fields=summary,status,assignee,customfield_10016,labels"),
            "/x?fields=summary,status,assignee,customfield_10016,labels");
}

TEST(Redact, PathWithoutQueryIsUnchanged) {
  EXPECT_EQ(redact_path("/rest/api/3/issue/ABC-1"), "/rest/api/3/issue/ABC-1");
}

TEST(Redact, ScrubReplacesEveryOccurrence) {
  EXPECT_EQ(scrub("tok s3cr3t and s3cr3t again", {"s3cr3t"}),
            "tok [REDACTED] and [REDACTED] again");
  EXPECT_EQ(scrub("a b c", {"", "a"}), "a b c");  // too short to be a real secret
}

TEST(Auth, BasicAndBearerExposeTheirSecrets) {
  auto basic = basic_auth("me@example.com", "tok-123456");
  EXPECT_EQ(basic->authorization(), "Basic " + base64_encode("me@example.com:tok-123456"));
  auto s = basic->secrets();
  EXPECT_NE(std::find(s.begin(), s.end(), "tok-123456"), s.end());
  EXPECT_NE(std::find(s.begin(), s.end(), base64_encode("me@example.com:tok-123456")), s.end());

  auto bearer = bearer_auth("pat-abcdef");
  EXPECT_EQ(bearer->authorization(), "Bearer pat-abcdef");
  EXPECT_EQ(bearer->secrets(), std::vector<std::string>{"pat-abcdef"});
}

TEST(Auth, Base64) {
  EXPECT_EQ(base64_encode(""), "");
  EXPECT_EQ(base64_encode("f"), "Zg==");
  EXPECT_EQ(base64_encode("fo"), "Zm8=");
  EXPECT_EQ(base64_encode("foo"), "Zm9v");
  EXPECT_EQ(base64_encode("foob"), "Zm9vYg==");
}

}  // namespace
}  // namespace epicsync::jira
