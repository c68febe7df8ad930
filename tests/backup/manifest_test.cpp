#include "backup/manifest.h"

#include <gtest/gtest.h>

#include "test_support.h"

namespace epicsync::backup {
namespace {

Manifest sample() {
  Manifest m;
  m.id = "backup_20250113_150000_2";
  m.epic = "PROJ-123";
  m.trigger = Trigger::kManual;
  m.name = "before-sprint-5";
  m.notes = "two\nlines";
  m.created_at = testing::utc("2025-01-13T15:00:00Z");
  m.tool_version = "0.1.0";
  m.issue_count = 7;
  m.files = {{"snapshot.json", 1234, std::string(64, 'a')}, {"source.md", 9, std::string(64, 'b')}};
  m.journal = "journal.jsonl";
  return m;
}

TEST(Manifest, RoundTripsTheCurrentVersion) {
  auto j = manifest_to_json(sample());
  EXPECT_EQ(j["format_version"], kFormatVersion);
  EXPECT_EQ(j["trigger"], "manual");
  EXPECT_EQ(j["created_at"], "2025-01-13T15:00:00Z");
  EXPECT_EQ(j["journal"]["integrity"], "crc32-per-record");
  auto back = manifest_from_json(j);
  ASSERT_TRUE(back) << back.error().message;
  EXPECT_EQ(*back, sample());
}

TEST(Manifest, RefusesANewerFormatWithAClearMessage) {
  auto j = manifest_to_json(sample());
  j["format_version"] = kFormatVersion + 1;
  j["some_new_field"] = {1, 2};
  auto back = manifest_from_json(j);
  ASSERT_FALSE(back);
  EXPECT_EQ(back.error().kind, ErrorKind::kInputFile);
  EXPECT_NE(back.error().message.find("newer than this epicsync understands"), std::string::npos)
      << back.error().message;
  EXPECT_NE(back.error().hint.find("upgrade"), std::string::npos);
}

TEST(Manifest, RejectsMalformedManifests) {
  auto no_format = manifest_to_json(sample());
  no_format.erase("format");
  EXPECT_FALSE(manifest_from_json(no_format));
  auto bad_trigger = manifest_to_json(sample());
  bad_trigger["trigger"] = "nightly";
  EXPECT_FALSE(manifest_from_json(bad_trigger));
  auto escaping = manifest_to_json(sample());
  escaping["files"][0]["path"] = "../../etc/passwd";
  EXPECT_FALSE(manifest_from_json(escaping));
  auto bad_id = manifest_to_json(sample());
  bad_id["id"] = "../x";
  EXPECT_FALSE(manifest_from_json(bad_id));
  auto bad_epic = manifest_to_json(sample());
  bad_epic["epic"] = "/etc";
  EXPECT_FALSE(manifest_from_json(bad_epic));
}

TEST(Manifest, TriggerNamesRoundTrip) {
  for (Trigger t : {Trigger::kPreSync, Trigger::kManual, Trigger::kPreRollback}) {
    EXPECT_EQ(trigger_from_name(trigger_name(t)), t);
  }
  EXPECT_FALSE(trigger_from_name("pre_sync"));
}

}  // namespace
}  // namespace epicsync::backup
