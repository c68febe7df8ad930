// The state before a run, rebuilt from the changelog (restore/changelog_rollback.h): which
// entries are the run's, what each field held before it, what it created, and what the
// changelog cannot give back.
#include "restore/changelog_rollback.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "tracker/identity_property.h"

namespace epicsync::restore {
namespace changelog_rollback_test {

using nlohmann::json;
using std::chrono::milliseconds;
using Time = std::chrono::system_clock::time_point;

Time at(long long ms) {
  return Time(milliseconds(ms));
}

tracker::ChangeHistory entry(const std::string& author, long long ms,
                             std::vector<tracker::ChangeItem> items) {
  return {author, at(ms), std::move(items)};
}

tracker::ChangeItem item(const std::string& field, const std::string& from_string,
                         const std::string& to_string, const std::string& from = "",
                         const std::string& to = "") {
  return {field,
          field,
          from.empty() ? std::nullopt : std::optional<std::string>(from),
          from_string,
          to.empty() ? std::nullopt : std::optional<std::string>(to),
          to_string};
}

tracker::RemoteIssue issue(const std::string& key, const std::string& summary, json property) {
  tracker::RemoteIssue r;
  r.key = key;
  r.id = key.substr(5);
  r.summary = summary;
  r.parent_key = "PROJ-1";
  r.status = {"3", "In Progress", tracker::StatusCategory::kInProgress};
  if (!property.is_null()) r.properties[tracker::kPropertyKey] = property.dump();
  return r;
}

const TrackedRun kRun{"20261207T100000Z-abcdef", "me", at(1000), at(5000)};
const std::vector<tracker::RemoteStatus> kStatuses = {
    {"10000", "To Do", tracker::StatusCategory::kToDo},
    {"3", "In Progress", tracker::StatusCategory::kInProgress}};

TEST(ParseJiraTime, ReadsJirasFormsInUtc) {
  const auto ms = [](const std::string& s) {
    auto t = parse_jira_time(s);
    return t ? std::chrono::duration_cast<milliseconds>(t->time_since_epoch()).count() : -1;
  };
  EXPECT_EQ(ms("1970-01-01T00:00:01.250+0000"), 1250);
  EXPECT_EQ(ms("1970-01-01T01:00:01.250+0100"), 1250);
  EXPECT_EQ(ms("1970-01-01T01:00:01.250+01:00"), 1250);
  EXPECT_EQ(ms("1970-01-01T00:00:01Z"), 1000);
  EXPECT_EQ(ms("1969-12-31T23:00:01.000-0100"), 1000);
  EXPECT_EQ(ms("yesterday"), -1);
  EXPECT_EQ(ms("1970-01-01T00:00:01.000+1"), -1);
}

TEST(ChangelogRollback, OnlyTheRunsEntriesAreUndoneAndLaterOnesMakeDrift) {
  tracker::EpicSnapshot now;
  now.epic = issue("PROJ-1", "Epic", nullptr);
  now.stories.push_back(
      issue("PROJ-2", "Renamed", {{"id", "US-1"}, {"base", {{"summary", "x"}, {"points", "5"}}}}));
  now.stories[0].points = 13;
  std::map<std::string, std::vector<tracker::ChangeHistory>> logs;
  logs["PROJ-2"] = {
      entry("me", 500, {item("summary", "Original", "Before run")}),   // before the run
      entry("someone", 2000, {item("labels", "", "theirs")}),          // in it, not the run's
      entry("me", 2500, {item("summary", "Before run", "Renamed")}),   // the run's
      entry("me", 3000, {item("customfield_10016", "5", "8")}),        // the run's
      entry("someone", 6000, {item("customfield_10016", "8", "13")}),  // after it: drift
  };
  const auto out = rollback_from_changelog(now, logs, kRun, kStatuses, "customfield_10016", {},
                                           /*wiki_log=*/true);
  const tracker::RemoteIssue& b = out.before.stories.at(0);
  EXPECT_EQ(b.summary, "Before run");
  EXPECT_EQ(b.points, 5);
  EXPECT_TRUE(b.labels.empty());  // someone else's change is not undone
  const IssueWrites* w = out.writes.find("PROJ-2");
  ASSERT_NE(w, nullptr);
  EXPECT_EQ(w->fields.count("labels"), 0u);
  // Summary: nobody changed it after the run, so what the run left is what Jira holds.
  EXPECT_EQ(w->fields.at("summary").value, "Renamed");
  // Points: someone changed it since, so the run's value no longer matches: a conflict.
  EXPECT_EQ(w->fields.at("points").value, 8);
  // The base of what is put back is forgotten, the identity kept.
  const json p = json::parse(b.properties.at(tracker::kPropertyKey));
  EXPECT_EQ(p.value("id", ""), "US-1");
  EXPECT_FALSE(p["base"].contains("summary"));
  EXPECT_FALSE(p["base"].contains("points"));
  EXPECT_EQ(out.writes.find("PROJ-1"), nullptr);  // untouched
}

TEST(ChangelogRollback, WhatTheRunCreatedGoesUnlessSomeoneChangedItSince) {
  tracker::EpicSnapshot now;
  now.epic = issue("PROJ-1", "Epic", nullptr);
  now.stories.push_back(issue("PROJ-2", "New", {{"id", "US-1"}, {"created_by", kRun.id}}));
  now.stories.push_back(issue("PROJ-3", "Touched", {{"id", "US-2"}, {"created_by", kRun.id}}));
  now.stories.push_back(issue("PROJ-4", "Older", {{"id", "US-3"}, {"created_by", "other"}}));
  std::map<std::string, std::vector<tracker::ChangeHistory>> logs;
  logs["PROJ-3"] = {entry("someone", 9000, {item("summary", "New too", "Touched")})};
  const auto out = rollback_from_changelog(now, logs, kRun, kStatuses, "", {}, true);
  // Neither existed before the run; the one someone changed since is kept (no delete is
  // planned for it: it is not the run's to delete), with a conflict that says so.
  ASSERT_EQ(out.before.stories.size(), 1u);
  EXPECT_EQ(out.before.stories[0].key, "PROJ-4");
  EXPECT_TRUE(out.writes.find("PROJ-2")->created);
  EXPECT_EQ(out.writes.created.at("US-1"), "PROJ-2");
  EXPECT_EQ(out.writes.find("PROJ-3"), nullptr);
  ASSERT_EQ(out.conflicts.size(), 1u);
  EXPECT_EQ(out.conflicts[0].issue, "PROJ-3");
}

TEST(ChangelogRollback, ACloudDescriptionComesBackFromTheTraceOrIsAConflict) {
  tracker::EpicSnapshot now;
  now.epic = issue("PROJ-1", "Epic", nullptr);
  const std::string adf = R"({"type":"doc","version":1,"content":[]})";
  now.stories.push_back(issue("PROJ-2", "Kept",
                              {{"id", "US-1"},
                               {"run", kRun.id},
                               {"prior", {{"description", {{"format", "adf"}, {"raw", adf}}}}}}));
  now.stories.push_back(issue("PROJ-3", "Lost", {{"id", "US-2"}, {"run", "a later run"}}));
  now.stories.push_back(issue("PROJ-4", "Team", {{"id", "US-3"}}));
  std::map<std::string, std::vector<tracker::ChangeHistory>> logs;
  logs["PROJ-2"] = {entry("me", 2000, {item("description", "old text", "new text")})};
  logs["PROJ-3"] = {entry("me", 2000, {item("description", "old text", "new text")})};
  logs["PROJ-4"] = {entry("me", 2000, {item("customfield_10040", "Search", "Payments")})};
  const auto out = rollback_from_changelog(now, logs, kRun, kStatuses, "", {"customfield_10040"},
                                           /*wiki_log=*/false);
  EXPECT_EQ(out.before.stories[0].description.format, tracker::RichText::Format::kAdf);
  EXPECT_EQ(out.before.stories[0].description.raw, adf);
  EXPECT_EQ(out.before.stories[1].description, tracker::RichText{});  // left as it is
  ASSERT_EQ(out.conflicts.size(), 2u);
  EXPECT_EQ(out.conflicts[0].issue, "PROJ-3");
  EXPECT_EQ(out.conflicts[1].issue, "PROJ-4");
  // Data Center's changelog holds the wiki markup itself.
  const auto dc = rollback_from_changelog(now, logs, kRun, kStatuses, "", {}, /*wiki_log=*/true);
  EXPECT_EQ(dc.before.stories[1].description.format, tracker::RichText::Format::kWiki);
  EXPECT_EQ(dc.before.stories[1].description.raw, "old text");
}

TEST(ChangelogRollback, StatusesComeBackByIdAndTheRunsCommentsGo) {
  tracker::EpicSnapshot now;
  now.epic = issue("PROJ-1", "Epic", nullptr);
  now.stories.push_back(
      issue("PROJ-2", "S", {{"id", "US-1"}, {"comments", {{"commits", {{"id", "7"}}}}}}));
  now.stories[0].comments = {{"7", {}, "me", "1970-01-01T00:00:02.000+0000", ""},
                             {"8", {}, "someone", "1970-01-01T00:00:02.000+0000", ""},
                             {"9", {}, "me", "1970-01-01T00:00:09.000+0000", ""}};
  std::map<std::string, std::vector<tracker::ChangeHistory>> logs;
  logs["PROJ-2"] = {entry("me", 2000, {item("status", "To Do", "In Progress", "10000", "3")})};
  const auto out = rollback_from_changelog(now, logs, kRun, kStatuses, "", {}, true);
  const auto& b = out.before.stories[0];
  EXPECT_EQ(b.status.id, "10000");
  EXPECT_EQ(b.status.category, tracker::StatusCategory::kToDo);
  ASSERT_EQ(b.comments.size(), 2u);  // only the run's (by its account, in its time) goes
  EXPECT_EQ(out.writes.find("PROJ-2")->comments_added, std::set<std::string>{"7"});
  const json p = json::parse(b.properties.at(tracker::kPropertyKey));
  EXPECT_TRUE(p["comments"].empty());
}

TEST(ChangelogRollback, ACommentTheRunReplacedIsAConflictNotASilentLoss) {
  tracker::EpicSnapshot now;
  now.epic = issue("PROJ-1", "Epic", nullptr);
  now.stories.push_back(issue("PROJ-2", "S",
                              {{"id", "US-1"},
                               {"run", kRun.id},
                               {"comments", {{"commits", {{"id", "12"}}}}},
                               {"prior", {{"comment:commits", "11"}}}}));
  now.stories[0].comments = {{"12", {}, "me", "1970-01-01T00:00:02.000+0000", ""}};
  const auto out = rollback_from_changelog(now, {}, kRun, kStatuses, "", {}, true);
  EXPECT_TRUE(out.before.stories[0].comments.empty());  // the new one goes
  ASSERT_EQ(out.conflicts.size(), 1u);
  EXPECT_EQ(out.conflicts[0].field, "comment");
  EXPECT_NE(out.conflicts[0].wrote.find("11"), std::string::npos);
}

}  // namespace changelog_rollback_test
}  // namespace epicsync::restore
