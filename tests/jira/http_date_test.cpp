#include "jira/http_date.h"

#include <gtest/gtest.h>

namespace epicsync::jira {
namespace {

using namespace std::chrono;
using namespace std::chrono_literals;

const SysTime k1994 = sys_days{year{1994} / 11 / 6} + 8h + 49min + 37s;

TEST(HttpDate, ImfFixdate) {
  EXPECT_EQ(parse_http_date("Sun, 06 Nov 1994 08:49:37 GMT"), k1994);
}

TEST(HttpDate, Rfc850) {
  EXPECT_EQ(parse_http_date("Sunday, 06-Nov-94 08:49:37 GMT"), k1994);
}

TEST(HttpDate, Asctime) {
  EXPECT_EQ(parse_http_date("Sun Nov  6 08:49:37 1994"), k1994);
}

TEST(HttpDate, Garbage) {
  EXPECT_FALSE(parse_http_date("").has_value());
  EXPECT_FALSE(parse_http_date("tomorrow").has_value());
  EXPECT_FALSE(parse_http_date("Sun, 31 Feb 1994 08:49:37 GMT").has_value());
  EXPECT_FALSE(parse_http_date("Sun, 06 Nov 1994 GMT").has_value());
}

TEST(Iso8601, AtlassianMinutePrecision) {
  EXPECT_EQ(parse_iso8601("2024-05-01T12:30Z"), sys_days{year{2024} / 5 / 1} + 12h + 30min);
}

TEST(Iso8601, SecondsFractionsAndOffsets) {
  const SysTime t = sys_days{year{2024} / 5 / 1} + 12h + 30min + 15s;
  EXPECT_EQ(parse_iso8601("2024-05-01T12:30:15Z"), t);
  EXPECT_EQ(parse_iso8601("2024-05-01T12:30:15.250Z"), t + 250ms);
  EXPECT_EQ(parse_iso8601("2024-05-01T14:30:15+02:00"), t);
  EXPECT_EQ(parse_iso8601("2024-05-01T10:30:15-0200"), t);
}

TEST(Iso8601, Garbage) {
  EXPECT_FALSE(parse_iso8601("").has_value());
  EXPECT_FALSE(parse_iso8601("2024-05-01").has_value());
  EXPECT_FALSE(parse_iso8601("2024-05-01T12:30").has_value());  // no zone: ambiguous
  EXPECT_FALSE(parse_iso8601("2024-13-01T12:30Z").has_value());
  EXPECT_FALSE(parse_iso8601("1714566600").has_value());
}

}  // namespace
}  // namespace epicsync::jira
