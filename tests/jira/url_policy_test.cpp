#include "jira/url_policy.h"

#include <gtest/gtest.h>

namespace epicsync::jira {
namespace {

TEST(UrlPolicy, HttpsIsAlwaysAccepted) {
  auto u = check_base_url("https://Example.Atlassian.NET/", false);
  ASSERT_TRUE(u);
  EXPECT_EQ(u->to_string(), "https://example.atlassian.net");
}

TEST(UrlPolicy, TrailingSlashesAreStrippedFromTheContextPath) {
  auto u = check_base_url("https://jira.example.com:8443/jira//", false);
  ASSERT_TRUE(u);
  EXPECT_EQ(u->port, 8443);
  EXPECT_EQ(u->path, "/jira");
  EXPECT_EQ(u->to_string(), "https://jira.example.com:8443/jira");
}

TEST(UrlPolicy, PlainHttpOnlyForLoopback) {
  for (const char* ok :
       {"http://127.0.0.1:8080", "http://127.1.2.3", "http://localhost:1/", "http://[::1]:9000",
        "http://[0:0:0:0:0:0:0:1]", "http://[::ffff:127.0.0.1]"}) {
    EXPECT_TRUE(check_base_url(ok, false)) << ok;
  }
  for (const char* bad : {"http://jira.example.com", "http://10.0.0.1", "http://128.0.0.1",
                          "http://localhost.evil.com", "http://[::2]", "http://127.0.0.1.nip.io"}) {
    auto r = check_base_url(bad, false);
    ASSERT_FALSE(r) << bad;
    EXPECT_EQ(r.error().kind, HttpFailure::kInsecureUrl) << bad;
  }
}

TEST(UrlPolicy, InsecureOptionAllowsPlainHttpAnywhere) {
  EXPECT_TRUE(check_base_url("http://jira.internal", true));
}

TEST(UrlPolicy, OtherSchemesAndMalformedUrlsAreInvalid) {
  for (const char* bad :
       {"ftp://example.com", "file:///etc/passwd", "example.com", "https://", "https://:443",
        "https://host:99999", "https://host:x", "https://user:pw@host", "https://host/?q=1",
        "https://host/#f", "https://[::1"}) {
    auto r = check_base_url(bad, true);
    ASSERT_FALSE(r) << bad;
    EXPECT_EQ(r.error().kind, HttpFailure::kInvalidUrl) << bad;
  }
}

TEST(UrlPolicy, CredentialsInUrlAreNotEchoed) {
  auto r = check_base_url("https://me:hunter2secret@host", false);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().to_string().find("hunter2secret"), std::string::npos);
}

TEST(UrlPolicy, LoopbackDetection) {
  EXPECT_TRUE(is_loopback_host("LOCALHOST"));
  EXPECT_TRUE(is_loopback_host("127.255.255.254"));
  EXPECT_TRUE(is_loopback_host("::1"));
  EXPECT_FALSE(is_loopback_host("0.0.0.0"));
  EXPECT_FALSE(is_loopback_host("example.com"));
}

}  // namespace
}  // namespace epicsync::jira
