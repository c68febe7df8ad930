#include "jira/jira_error_body.h"

#include <gtest/gtest.h>

#include "jira/http_error.h"

namespace epicsync::jira {
namespace {

TEST(JiraErrorBody, MessagesAndFieldErrorsVerbatim) {
  auto b = parse_jira_error_body(
      R"({"errorMessages":["Issue does not exist or you do not have permission to see it."],)"
      R"("errors":{"summary":"You must specify a summary of the issue.","customfield_10016":"Story Points: \"abc\" is not a number"}})");
  EXPECT_TRUE(b.was_json);
  ASSERT_EQ(b.messages.size(), 1u);
  EXPECT_EQ(b.messages[0], "Issue does not exist or you do not have permission to see it.");
  ASSERT_EQ(b.field_errors.size(), 2u);
  EXPECT_EQ(b.field_errors.at("summary"), "You must specify a summary of the issue.");
  EXPECT_EQ(b.field_errors.at("customfield_10016"), "Story Points: \"abc\" is not a number");
}

TEST(JiraErrorBody, NonStringMessagesAreKeptAsJson) {
  auto b = parse_jira_error_body(R"({"errorMessages":[42],"errors":{"x":{"a":1}}})");
  EXPECT_EQ(b.messages, std::vector<std::string>{"42"});
  EXPECT_EQ(b.field_errors.at("x"), R"({"a":1})");
}

TEST(JiraErrorBody, GatewayShapes) {
  EXPECT_EQ(parse_jira_error_body(R"({"message":"Client must be authenticated"})").messages,
            std::vector<std::string>{"Client must be authenticated"});
  EXPECT_EQ(parse_jira_error_body(R"({"errorMessage":"Site temporarily unavailable"})").messages,
            std::vector<std::string>{"Site temporarily unavailable"});
}

TEST(JiraErrorBody, NonJsonAndEmptyBodies) {
  for (const char* body : {"", "<html><body>Bad Gateway</body></html>", "[1,2]", "{broken"}) {
    auto b = parse_jira_error_body(body);
    EXPECT_FALSE(b.was_json) << body;
    EXPECT_TRUE(b.messages.empty());
    EXPECT_TRUE(b.field_errors.empty());
  }
}

TEST(JiraErrorBody, EmptyJsonObject) {
  auto b = parse_jira_error_body("{}");
  EXPECT_TRUE(b.was_json);
  EXPECT_TRUE(b.messages.empty());
}

TEST(HttpErrorKinds, StatusMapping) {
  EXPECT_EQ(kind_for_status(400), HttpFailure::kRejected);
  EXPECT_EQ(kind_for_status(401), HttpFailure::kAuth);
  EXPECT_EQ(kind_for_status(403), HttpFailure::kForbidden);
  EXPECT_EQ(kind_for_status(404), HttpFailure::kNotFound);
  EXPECT_EQ(kind_for_status(409), HttpFailure::kRejected);
  EXPECT_EQ(kind_for_status(410), HttpFailure::kGone);
  EXPECT_EQ(kind_for_status(422), HttpFailure::kRejected);
  EXPECT_EQ(kind_for_status(429), HttpFailure::kRateLimited);
  EXPECT_EQ(kind_for_status(500), HttpFailure::kServer);
}

TEST(HttpErrorKinds, ToStringCarriesTheTrackersWords) {
  HttpError e;
  e.kind = HttpFailure::kRejected;
  e.status = 400;
  e.method = "POST";
  e.path = "/rest/api/3/issue";
  e.messages = {"Bad thing"};
  e.field_errors = {{"summary", "required"}};
  e.retries = 2;
  EXPECT_EQ(e.to_string(),
            "POST /rest/api/3/issue: rejected (HTTP 400): Bad thing; summary: required (after 2 "
            "retries)");
  // The reason is often only the status again: "(HTTP 400)" says it already.
  e.detail = "400";
  EXPECT_EQ(e.to_string().find("400: 400"), std::string::npos) << e.to_string();
  EXPECT_NE(e.to_string().find("(HTTP 400): Bad thing;"), std::string::npos) << e.to_string();
}

}  // namespace
}  // namespace epicsync::jira
