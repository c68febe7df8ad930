#include <gtest/gtest.h>

#include <atomic>
#include <set>
#include <thread>

#include "jira/auth.h"
#include "jira/http_client.h"
#include "jira/jira_tracker.h"
#include "support/jira_sim_fixture.h"

namespace epicsync::testing {
namespace {

using nlohmann::json;
using tracker::IssueDraft;

std::shared_ptr<jira::HttpClient> client_for(const JiraSim& sim, bool datacenter = false,
                                             const std::string& token = "sim-token") {
  jira::ClientOptions o;
  o.base_url = sim.url();
  o.auth = datacenter ? jira::bearer_auth("sim-pat") : jira::basic_auth("sim@example.com", token);
  o.sleep = [](std::chrono::milliseconds) {};  // Retry-After waits are asserted, not slept
  auto c = jira::HttpClient::create(o);
  EXPECT_TRUE(c.has_value());
  return std::shared_ptr<jira::HttpClient>(std::move(*c));
}

jira::JiraOptions fast_options() {
  jira::JiraOptions o;
  o.sleep = [](std::chrono::milliseconds) {};
  return o;
}

IssueDraft story(const std::string& id, const std::string& epic) {
  IssueDraft d;
  d.identity = id;
  d.parent_key = epic;
  d.summary = "Story " + id;
  d.description_markdown = "**As a** user\n\n- [x] done\n- [ ] open";
  d.points = 3;
  return d;
}

IssueDraft subtask(const std::string& id, const std::string& parent) {
  IssueDraft d;
  d.identity = id;
  d.subtask = true;
  d.parent_key = parent;
  d.summary = "Sub " + id;
  return d;
}

int issues_in_state(const JiraSim& sim) {
  auto s = sim.state();
  return static_cast<int>(s["issues"].size());
}

int count_summary(const JiraSim& sim, const std::string& summary) {
  int n = 0;
  const json state = sim.state();
  for (const auto& i : state["issues"]) {
    const json& f = i.contains("fields") ? i["fields"] : i;
    if (f.value("summary", "") == summary) ++n;
  }
  return n;
}

class JiraTrackerTest : public JiraSimTest {
 protected:
  // The client goes first: its idle keep-alive connections would hold up the simulator's stop.
  void TearDown() override {
    tracker_.reset();
    JiraSimTest::TearDown();
  }
  void SetUp() override {
    JiraSimTest::SetUp();
    tracker_ = std::make_unique<jira::JiraTracker>(client_for(sim()), fast_options());
    auto info = tracker_->connect("PROJ");
    ASSERT_TRUE(info.ok()) << info.error().message;
    info_ = *info;
  }
  std::unique_ptr<jira::JiraTracker> tracker_;
  tracker::TrackerInfo info_;
};

TEST_F(JiraTrackerTest, DiscoveryChoosesTheFieldOnTheScreenAndTheSubtaskType) {
  EXPECT_EQ(info_.deployment, tracker::Deployment::kCloud);
  EXPECT_EQ(info_.story_points_field, "customfield_10016");
  EXPECT_FALSE(info_.subtask_type_id.empty());
  EXPECT_NE(info_.subtask_type_id, info_.story_type_id);
  EXPECT_TRUE(info_.epic_link_field.empty()) << "team-managed: stories join by parent";
}

TEST_F(JiraTrackerTest, CreatesInBulkAndReadsTheEpicBack) {
  std::vector<IssueDraft> stories;
  for (int i = 0; i < 3; ++i) stories.push_back(story("US-" + std::to_string(i), "PROJ-1"));
  auto created = tracker_->create_issues(stories);
  ASSERT_EQ(created.size(), 3u);
  std::vector<IssueDraft> subs;
  for (int i = 0; i < 3; ++i) {
    ASSERT_TRUE(created[i].ok()) << created[i].error().message;
    subs.push_back(subtask("US-" + std::to_string(i) + "-1", created[i]->key));
  }
  auto sub_created = tracker_->create_issues(subs);
  for (auto& r : sub_created) ASSERT_TRUE(r.ok()) << r.error().message;

  auto snap = tracker_->read_epic("PROJ-1");
  ASSERT_TRUE(snap.ok()) << snap.error().message;
  EXPECT_EQ(snap->epic.key, "PROJ-1");
  ASSERT_EQ(snap->stories.size(), 3u);
  EXPECT_EQ(snap->subtasks.size(), 3u);
  EXPECT_EQ(snap->stories[0].points, 3.0);
  EXPECT_EQ(snap->stories[0].description.format, tracker::RichText::Format::kAdf);
  EXPECT_EQ(jira::identity_of(snap->stories[0]), "US-0");
  EXPECT_EQ(snap->subtasks[0].parent_key, created[0]->key);
  EXPECT_TRUE(snap->subtasks[0].subtask);
}

TEST_F(JiraTrackerTest, PagesThroughMoreThanAThousandIssuesInFewSearches) {
  std::vector<IssueDraft> stories;
  for (int i = 0; i < 20; ++i) stories.push_back(story("S" + std::to_string(i), "PROJ-1"));
  auto created = tracker_->create_issues(stories);
  std::vector<IssueDraft> subs;
  for (int i = 0; i < 20; ++i) {
    ASSERT_TRUE(created[i].ok());
    for (int k = 0; k < 50; ++k) {
      subs.push_back(subtask("S" + std::to_string(i) + "-" + std::to_string(k), created[i]->key));
    }
  }
  auto sub_created = tracker_->create_issues(subs);
  for (auto& r : sub_created) ASSERT_TRUE(r.ok());
  sim().clear_log();
  auto snap = tracker_->read_epic("PROJ-1");
  ASSERT_TRUE(snap.ok()) << snap.error().message;
  EXPECT_EQ(snap->stories.size(), 20u);
  EXPECT_EQ(snap->subtasks.size(), 1000u);
  std::set<std::string> keys;
  for (const auto& s : snap->subtasks) keys.insert(s.key);
  EXPECT_EQ(keys.size(), 1000u) << "no issue twice, none missing";
  int searches = 0, gets = 0;
  for (const auto& r : sim().request_log()) {
    const std::string path = r.value("path", "");
    if (path.find("/search") != std::string::npos) ++searches;
    if (r.value("method", "") == "GET" && path.find("/issue/") != std::string::npos) ++gets;
  }
  // 1,021 issues: one page for the epic and its stories, ten pages of sub-tasks, no GET.
  EXPECT_LE(searches, 11);
  EXPECT_EQ(gets, 0);
}

TEST_F(JiraTrackerTest, BulkPartialFailureReportsJirasMessagePerElement) {
  std::vector<IssueDraft> drafts = {story("A", "PROJ-1"), story("B", "PROJ-1"),
                                    story("C", "PROJ-1")};
  drafts[1].summary = std::string(300, 'x');  // Jira's limit is 255
  auto created = tracker_->create_issues(drafts);
  ASSERT_EQ(created.size(), 3u);
  EXPECT_TRUE(created[0].ok());
  ASSERT_FALSE(created[1].ok());
  EXPECT_NE(created[1].error().message.find("255"), std::string::npos)
      << created[1].error().message;
  EXPECT_TRUE(created[2].ok());
  EXPECT_NE(created[0]->key, created[2]->key);
}

TEST_F(JiraTrackerTest, WholeBatchRefusedGivesEachDraftItsOwnVerdict) {
  std::vector<IssueDraft> drafts = {story("A", "PROJ-1")};
  drafts[0].summary = "";
  auto created = tracker_->create_issues(drafts);
  ASSERT_FALSE(created[0].ok());
  EXPECT_EQ(created[0].error().kind, ErrorKind::kRejected);
  EXPECT_NE(created[0].error().message.find("ummary"), std::string::npos)
      << created[0].error().message;
}

TEST_F(JiraTrackerTest, TransitionsWalkSeveralStepsBothWays) {
  auto created = tracker_->create_issues({story("T", "PROJ-1")});
  ASSERT_TRUE(created[0].ok());
  const std::string key = created[0]->key;
  auto statuses = tracker_->statuses();
  ASSERT_TRUE(statuses.ok());
  tracker::RemoteStatus done, todo;
  for (const auto& s : *statuses) {
    if (s.name == "Done") done = s;
    if (s.name == "To Do") todo = s;
  }
  ASSERT_FALSE(done.id.empty());
  auto forward = tracker_->transition(key, {}, done, false);
  ASSERT_TRUE(forward.ok()) << forward.error().message;
  EXPECT_GE(forward->statuses.size(), 2u) << "To Do → Done is not one step";
  EXPECT_EQ(forward->statuses.back(), "Done");
  auto back = tracker_->transition(key, {}, todo, false);
  ASSERT_TRUE(back.ok()) << back.error().message;
  EXPECT_EQ(back->statuses.back(), "To Do");
  auto snap = tracker_->read_epic("PROJ-1");
  ASSERT_TRUE(snap.ok());
  EXPECT_EQ(snap->stories.at(0).status.name, "To Do");
  // Already there: no request at all beyond reading the status.
  auto again = tracker_->transition(key, {}, todo, false);
  ASSERT_TRUE(again.ok());
  EXPECT_TRUE(again->statuses.empty());
}

TEST_F(JiraTrackerTest, ApplyThen500OnBulkCreateMakesNoDuplicate) {
  sim().add_fault({{"method", "POST"},
                   {"path", "/rest/api/3/issue/bulk"},
                   {"action", "apply_then_500"},
                   {"nth", 1},
                   {"times", 1}});
  auto created = tracker_->create_issues({story("D1", "PROJ-1"), story("D2", "PROJ-1")});
  ASSERT_TRUE(created[0].ok()) << created[0].error().message;
  ASSERT_TRUE(created[1].ok()) << created[1].error().message;
  EXPECT_EQ(count_summary(sim(), "Story D1"), 1);
  EXPECT_EQ(count_summary(sim(), "Story D2"), 1);
  EXPECT_EQ(issues_in_state(sim()), 3) << sim().state()["issues"].dump().substr(0, 3000);
}

TEST_F(JiraTrackerTest, DroppedConnectionOnBulkCreateMakesNoDuplicate) {
  sim().add_fault({{"method", "POST"},
                   {"path", "/rest/api/3/issue/bulk"},
                   {"action", "drop"},
                   {"nth", 1},
                   {"times", 1}});
  auto created = tracker_->create_issues({story("X1", "PROJ-1")});
  ASSERT_TRUE(created[0].ok()) << created[0].error().message;
  EXPECT_EQ(count_summary(sim(), "Story X1"), 1);
}

TEST_F(JiraTrackerTest, ServerErrorBeforeApplyingIsCreatedOnceAfterLooking) {
  sim().add_fault({{"method", "POST"},
                   {"path", "/rest/api/3/issue/bulk"},
                   {"action", "error500"},
                   {"nth", 1},
                   {"times", 1}});
  auto created = tracker_->create_issues({story("Y1", "PROJ-1")});
  ASSERT_TRUE(created[0].ok()) << created[0].error().message;
  EXPECT_EQ(count_summary(sim(), "Story Y1"), 1);
}

TEST_F(JiraTrackerTest, TooManyRequestsFaultOnCreateIsResentSafely) {
  sim().add_fault({{"method", "POST"},
                   {"path", "/rest/api/3/issue/bulk"},
                   {"action", "429"},
                   {"nth", 1},
                   {"times", 2}});
  auto created = tracker_->create_issues({story("Q1", "PROJ-1")});
  ASSERT_TRUE(created[0].ok()) << created[0].error().message;
  EXPECT_EQ(count_summary(sim(), "Story Q1"), 1);
}

TEST(JiraTrackerHang, HangingCreateTimesOutAndIsNotDuplicated) {
  JiraSim sim({"--seed"});
  jira::ClientOptions o;
  o.base_url = sim.url();
  o.auth = jira::basic_auth("sim@example.com", "sim-token");
  o.total_timeout = std::chrono::milliseconds(1500);
  o.sleep = [](std::chrono::milliseconds) {};
  auto client = jira::HttpClient::create(o);
  ASSERT_TRUE(client.has_value());
  jira::JiraTracker t(std::shared_ptr<jira::HttpClient>(std::move(*client)), fast_options());
  ASSERT_TRUE(t.connect("PROJ").ok());
  sim.add_fault({{"method", "POST"},
                 {"path", "/rest/api/3/issue/bulk"},
                 {"action", "hang"},
                 {"hang_ms", 3000},
                 {"nth", 1},
                 {"times", 1}});
  auto created = t.create_issues({story("H1", "PROJ-1")});
  ASSERT_TRUE(created[0].ok()) << created[0].error().message;
  EXPECT_EQ(count_summary(sim, "Story H1"), 1);
}

TEST_F(JiraTrackerTest, LostAnswersToUpdatesTransitionsAndCommentsDoNotDoubleThem) {
  auto created = tracker_->create_issues({story("Z", "PROJ-1")});
  ASSERT_TRUE(created[0].ok());
  const std::string key = created[0]->key;
  sim().add_fault({{"method", "PUT"},
                   {"path", "/rest/api/3/issue/" + key},
                   {"action", "apply_then_500"},
                   {"nth", 1},
                   {"times", 1}});
  tracker::FieldChanges c;
  c.summary = "After fault";
  c.description_markdown = "New *text*";
  auto updated = tracker_->update_issue(key, c);
  ASSERT_TRUE(updated.ok()) << updated.error().message;

  sim().add_fault({{"method", "POST"},
                   {"path", "/rest/api/3/issue/" + key + "/transitions"},
                   {"action", "apply_then_500"},
                   {"nth", 1},
                   {"times", 1}});
  auto statuses = tracker_->statuses();
  ASSERT_TRUE(statuses.ok());
  tracker::RemoteStatus done;
  for (const auto& s : *statuses) {
    if (s.name == "Done") done = s;
  }
  auto moved = tracker_->transition(key, {}, done, false);
  ASSERT_TRUE(moved.ok()) << moved.error().message;

  sim().add_fault({{"method", "POST"},
                   {"path", "/rest/api/3/issue/" + key + "/comment"},
                   {"action", "apply_then_500"},
                   {"nth", 1},
                   {"times", 1}});
  auto comment = tracker_->add_comment(key, "Only once");
  ASSERT_TRUE(comment.ok()) << comment.error().message;

  auto snap = tracker_->read_epic("PROJ-1");
  ASSERT_TRUE(snap.ok());
  EXPECT_EQ(snap->stories.at(0).summary, "After fault");
  EXPECT_EQ(snap->stories.at(0).status.name, "Done");
  auto comments = sim().get("/rest/api/3/issue/" + key + "/comment");
  EXPECT_EQ(comments.body["comments"].size(), 1u) << comments.raw;
}

TEST_F(JiraTrackerTest, UpdatesSendOnlyWhatChanged) {
  auto created = tracker_->create_issues({story("U", "PROJ-1")});
  ASSERT_TRUE(created[0].ok());
  sim().clear_log();
  tracker::FieldChanges c;
  c.summary = "Renamed";
  c.points = std::optional<double>(8);
  ASSERT_TRUE(tracker_->update_issue(created[0]->key, c).ok());
  auto log = sim().request_log();
  ASSERT_EQ(log.size(), 1u);
  auto snap = tracker_->read_epic("PROJ-1");
  ASSERT_TRUE(snap.ok());
  EXPECT_EQ(snap->stories[0].summary, "Renamed");
  EXPECT_EQ(snap->stories[0].points, 8.0);
  EXPECT_TRUE(tracker_->update_issue(created[0]->key, {}).ok());
}

TEST_F(JiraTrackerTest, CommentsPropertiesLinksAndDeletes) {
  auto created = tracker_->create_issues({story("L1", "PROJ-1"), story("L2", "PROJ-1")});
  ASSERT_TRUE(created[0].ok() && created[1].ok());
  const auto a = created[0]->key, b = created[1]->key;
  auto comment = tracker_->add_comment(a, "Commits:\n\n- `abc` feat");
  ASSERT_TRUE(comment.ok()) << comment.error().message;
  EXPECT_FALSE(comment->empty());
  EXPECT_TRUE(tracker_->delete_comment(a, *comment).ok());
  EXPECT_TRUE(tracker_->set_property(a, "epicsync", R"({"id":"L1","comments":{}})").ok());
  auto link = tracker_->add_link("blocks", a, b);
  EXPECT_TRUE(link.ok()) << link.error().message;
  auto bad = tracker_->add_link("frobnicates", a, b);
  EXPECT_FALSE(bad.ok());
  EXPECT_TRUE(tracker_->delete_issue(b, true).ok());
  auto snap = tracker_->read_epic("PROJ-1");
  ASSERT_TRUE(snap.ok());
  EXPECT_EQ(snap->stories.size(), 1u);
}

TEST_F(JiraTrackerTest, MissingEpicIsNotFound) {
  auto snap = tracker_->read_epic("PROJ-999");
  ASSERT_FALSE(snap.ok());
  EXPECT_EQ(snap.error().kind, ErrorKind::kNotFound);
}

TEST(JiraTrackerAuth, WrongTokenIsAnAuthError) {
  JiraSim sim({"--seed"});
  jira::JiraTracker t(client_for(sim, false, "wrong"), fast_options());
  auto info = t.connect("PROJ");
  ASSERT_FALSE(info.ok());
  EXPECT_EQ(info.error().kind, ErrorKind::kAuth);
  EXPECT_EQ(info.error().message.find("wrong"), std::string::npos) << "no secret in errors";
}

TEST(JiraTrackerRateLimit, A429StormCompletesHonouringRetryAfter) {
  JiraSim sim({"--seed", "--rate-limit", "20", "--burst", "4"});
  // Real waits here: the point is that Retry-After is honoured, not skipped.
  jira::ClientOptions o;
  o.base_url = sim.url();
  o.auth = jira::basic_auth("sim@example.com", "sim-token");
  auto client = jira::HttpClient::create(o);
  ASSERT_TRUE(client.has_value());
  jira::JiraTracker t(std::shared_ptr<jira::HttpClient>(std::move(*client)), fast_options());
  ASSERT_TRUE(t.connect("PROJ").ok());
  std::vector<IssueDraft> drafts;
  for (int i = 0; i < 40; ++i) drafts.push_back(story("R" + std::to_string(i), "PROJ-1"));
  auto created = t.create_issues(drafts);
  for (auto& r : created) ASSERT_TRUE(r.ok()) << r.error().message;
  // Forty independent updates at once against a limit of 20 a second.
  std::vector<std::thread> workers;
  std::atomic<int> failures{0};
  for (int w = 0; w < 8; ++w) {
    workers.emplace_back([&, w] {
      for (size_t i = static_cast<size_t>(w); i < created.size(); i += 8) {
        tracker::FieldChanges c;
        c.summary = "Renamed " + std::to_string(i);
        if (!t.update_issue(created[i]->key, c).ok()) ++failures;
      }
    });
  }
  for (auto& w : workers) w.join();
  EXPECT_EQ(failures.load(), 0);
  auto snap = t.read_epic("PROJ-1");
  ASSERT_TRUE(snap.ok()) << snap.error().message;
  EXPECT_EQ(snap->stories.size(), 40u);
  for (const auto& s : snap->stories) EXPECT_EQ(s.summary.rfind("Renamed ", 0), 0u);
  int throttled = 0;
  for (const auto& r : sim.request_log()) throttled += r.value("status", 0) == 429;
  EXPECT_GT(throttled, 0) << "the storm happened";
}

TEST(JiraTrackerCompanyManaged, StoriesJoinTheEpicThroughEpicLink) {
  JiraSim sim({"--seed", "--project-style", "company-managed"});
  jira::JiraTracker t(client_for(sim), fast_options());
  auto info = t.connect("PROJ");
  ASSERT_TRUE(info.ok()) << info.error().message;
  EXPECT_FALSE(info->epic_link_field.empty());
  auto created = t.create_issues({story("E1", "PROJ-1")});
  ASSERT_TRUE(created[0].ok()) << created[0].error().message;
  auto snap = t.read_epic("PROJ-1");
  ASSERT_TRUE(snap.ok()) << snap.error().message;
  ASSERT_EQ(snap->stories.size(), 1u);
  EXPECT_EQ(snap->stories[0].parent_key, "PROJ-1");
}

TEST(JiraTrackerDataCenter, UsesV2WikiMarkupAndClassicSearch) {
  JiraSim sim({"--seed", "--flavour", "datacenter"});
  jira::JiraTracker t(client_for(sim, true), fast_options());
  auto info = t.connect("PROJ");
  ASSERT_TRUE(info.ok()) << info.error().message;
  EXPECT_EQ(info->deployment, tracker::Deployment::kDataCenter);
  auto created = t.create_issues({story("W1", "PROJ-1"), story("W2", "PROJ-1")});
  ASSERT_TRUE(created[0].ok()) << created[0].error().message;
  auto snap = t.read_epic("PROJ-1");
  ASSERT_TRUE(snap.ok()) << snap.error().message;
  ASSERT_EQ(snap->stories.size(), 2u);
  EXPECT_EQ(snap->stories[0].description.format, tracker::RichText::Format::kWiki);
  EXPECT_NE(snap->stories[0].description.raw.find("*As a*"), std::string::npos)
      << snap->stories[0].description.raw;
  for (const auto& r : sim.request_log()) {
    EXPECT_EQ(r.value("path", "").find("/rest/api/3"), std::string::npos);
  }
}

}  // namespace
}  // namespace epicsync::testing
