#include "backup/backup_id.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <vector>

#include "test_support.h"

namespace epicsync::backup {
namespace {

using testing::utc;

TEST(BackupId, IsTheUtcTimeOfTheBackup) {
  EXPECT_EQ(make_backup_id(utc("2025-01-13T15:00:00Z"), 1), "backup_20250113_150000");
  EXPECT_EQ(make_backup_id(utc("2025-01-13T15:00:00Z"), 2), "backup_20250113_150000_2");
  EXPECT_EQ(make_backup_id(utc("2025-01-13T15:00:00Z") + std::chrono::milliseconds(999), 1),
            "backup_20250113_150000");
}

TEST(BackupId, SortsByTimeThenBySuffixNumerically) {
  std::vector<std::string> ids = {"backup_20250113_150001",   "backup_20250113_150000_10",
                                  "backup_20250113_150000_2", "backup_20250113_150000",
                                  "backup_20241231_235959_3", "backup_20250113_150000_3"};
  std::sort(ids.begin(), ids.end(),
            [](const std::string& a, const std::string& b) { return backup_id_less(a, b); });
  EXPECT_EQ(ids, (std::vector<std::string>{"backup_20241231_235959_3", "backup_20250113_150000",
                                           "backup_20250113_150000_2", "backup_20250113_150000_3",
                                           "backup_20250113_150000_10", "backup_20250113_150001"}));
}

TEST(BackupId, AcceptsPlainAndSuffixedIds) {
  EXPECT_TRUE(validate_backup_id("backup_20250113_150000"));
  EXPECT_TRUE(validate_backup_id("backup_20250113_150000_2"));
  EXPECT_TRUE(validate_backup_id("backup_20250113_150000_123"));
}

TEST(BackupId, RejectsAnythingThatIsNotAPlainId) {
  for (const char* bad :
       {"../x", "/etc", "a/b", "", "..", ".", "backup_", "backup_2025", "backup_20250113_150000/",
        "backup_20250113_150000/../x", "../backup_20250113_150000", "backup_20250113_150000_1",
        "backup_20250113_150000_02", "backup_20250113_150000_", "backup_20250113_15000x",
        "Backup_20250113_150000", "backup_20250113_150000_2x", "backup_20250113-150000"}) {
    auto r = validate_backup_id(bad);
    ASSERT_FALSE(r) << bad;
    EXPECT_EQ(r.error().kind, ErrorKind::kUsage) << bad;
    EXPECT_EQ(exit_code(r.error().kind), 2);
  }
}

TEST(EpicKey, AcceptsJiraKeys) {
  for (const char* good : {"PROJ-123", "P-1", "AB_C2-9", "X1-0"}) {
    EXPECT_TRUE(validate_epic_key(good)) << good;
  }
}

TEST(EpicKey, RejectsAnythingElse) {
  for (const char* bad :
       {"../x", "/etc", "a/b", "", "..", ".", "proj-1", "PROJ", "PROJ-", "-1", "1PROJ-1",
        "PROJ-1/..", "PROJ-1 ", " PROJ-1", "PROJ-1a", "PR.OJ-1", "PROJ--1", "PROJ-1-2"}) {
    auto r = validate_epic_key(bad);
    ASSERT_FALSE(r) << bad;
    EXPECT_EQ(r.error().kind, ErrorKind::kUsage) << bad;
  }
}

TEST(UtcTime, RoundTrips) {
  auto t = utc("2025-01-13T15:04:05Z");
  EXPECT_EQ(format_utc(t), "2025-01-13T15:04:05Z");
  EXPECT_EQ(std::chrono::system_clock::to_time_t(t), 1736780645);
  EXPECT_FALSE(parse_utc("2025-01-13 15:04:05"));
  EXPECT_FALSE(parse_utc("2025-01-13T15:04:05+01:00"));
}

}  // namespace
}  // namespace epicsync::backup
