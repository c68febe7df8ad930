#include "config/dotenv.h"

#include <gtest/gtest.h>

namespace epicsync::config {
namespace {

std::map<std::string, std::string> parse_env_ok(std::string_view text) {
  auto r = parse_dotenv(text, "/p/.env");
  EXPECT_TRUE(r.ok()) << (r.ok() ? "" : r.error().message);
  return r.ok() ? *r : std::map<std::string, std::string>{};
}

Error parse_env_error(std::string_view text) {
  auto r = parse_dotenv(text, "/p/.env");
  EXPECT_FALSE(r.ok());
  return r.ok() ? Error{} : r.error();
}

TEST(Dotenv, ParsesPlainExportedAndSpacedLines) {
  auto v =
      parse_env_ok("JIRA_URL=https://x.example\nexport JIRA_PROJECT=PROJ\nJIRA_EMAIL = a@b.c\n");
  EXPECT_EQ(v.at("JIRA_URL"), "https://x.example");
  EXPECT_EQ(v.at("JIRA_PROJECT"), "PROJ");
  EXPECT_EQ(v.at("JIRA_EMAIL"), "a@b.c");
  EXPECT_EQ(v.size(), 3u);
}

TEST(Dotenv, SkipsCommentsAndBlankLines) {
  auto v = parse_env_ok("# a comment\n\n   \n  # indented comment\nA=1\n");
  EXPECT_EQ(v.size(), 1u);
  EXPECT_EQ(v.at("A"), "1");
}

TEST(Dotenv, DoubleQuotesUnescapeNewlineQuoteAndBackslash) {
  auto v = parse_env_ok(R"(A="line1\nsays \"hi\" \\ # not a comment" # comment)");
  EXPECT_EQ(v.at("A"), "line1\nsays \"hi\" \\ # not a comment");
}

TEST(Dotenv, SingleQuotesAreLiteral) {
  auto v = parse_env_ok(R"(A='no\nescape "here" $HOME')");
  EXPECT_EQ(v.at("A"), R"(no\nescape "here" $HOME)");
}

TEST(Dotenv, DoesNotExpandVariables) {
  auto v = parse_env_ok("A=$HOME/x\nB=\"${USER}\"\n");
  EXPECT_EQ(v.at("A"), "$HOME/x");
  EXPECT_EQ(v.at("B"), "${USER}");
}

TEST(Dotenv, UnquotedValueEndsAtBlankHashAndKeepsInnerHash) {
  auto v = parse_env_ok("A=abc#def   # trailing comment\nB=  spaced  \nC=\n");
  EXPECT_EQ(v.at("A"), "abc#def");
  EXPECT_EQ(v.at("B"), "spaced");
  EXPECT_EQ(v.at("C"), "");
}

TEST(Dotenv, HandlesCrlfAndByteOrderMark) {
  auto v = parse_env_ok(
      "\xEF\xBB\xBF"
      "A=1\r\nB='2'\r\n");
  EXPECT_EQ(v.at("A"), "1");
  EXPECT_EQ(v.at("B"), "2");
}

TEST(Dotenv, LaterLineWins) {
  EXPECT_EQ(parse_env_ok("A=1\nA=2\n").at("A"), "2");
}

TEST(Dotenv, LineWithoutEqualsIsErrorWithFileAndLine) {
  Error e = parse_env_error("A=1\n# c\nNOT A LINE\n");
  EXPECT_EQ(e.kind, ErrorKind::kUsage);
  EXPECT_EQ(e.message.rfind("/p/.env:3: ", 0), 0u) << e.message;
  EXPECT_FALSE(e.hint.empty());
}

TEST(Dotenv, InvalidKeyIsError) {
  EXPECT_EQ(parse_env_error("A=1\n1BAD=2\n").message.rfind("/p/.env:2: ", 0), 0u);
  EXPECT_EQ(parse_env_error("=value\n").message.rfind("/p/.env:1: ", 0), 0u);
  EXPECT_EQ(parse_env_error("export\n").message.rfind("/p/.env:1: ", 0), 0u);
}

TEST(Dotenv, UnterminatedQuotesAreErrors) {
  Error d = parse_env_error("A=1\nB=\"open\n");
  EXPECT_EQ(d.message.rfind("/p/.env:2: ", 0), 0u) << d.message;
  EXPECT_NE(d.message.find("double quote"), std::string::npos);
  Error s = parse_env_error("A='open\n");
  EXPECT_NE(s.message.find("single quote"), std::string::npos) << s.message;
}

TEST(Dotenv, TextAfterClosingQuoteIsError) {
  Error e = parse_env_error("A=\"x\" y\n");
  EXPECT_EQ(e.message.rfind("/p/.env:1: ", 0), 0u) << e.message;
  EXPECT_NE(e.message.find("after the closing quote"), std::string::npos);
}

TEST(Dotenv, ErrorsNeverEchoTheLine) {
  const std::string secret = "s3cr3tT0ken";
  for (std::string text : {"JIRA_API_TOKEN=\"" + secret + "\n", "JIRA_API_TOKEN '" + secret + "'\n",
                           secret + "\n", "JIRA_API_TOKEN='" + secret + "' " + secret + "\n"}) {
    Error e = parse_env_error(text);
    EXPECT_EQ(e.message.find("s3cr"), std::string::npos) << e.message;
    EXPECT_EQ(e.hint.find("s3cr"), std::string::npos) << e.hint;
  }
}

}  // namespace
}  // namespace epicsync::config
