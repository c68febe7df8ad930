#include <gtest/gtest.h>

#include <fstream>
#include <mutex>
#include <sstream>

#include "epic_parser.h"
#include "jira/auth.h"
#include "jira/jira_tracker.h"
#include "plan/planner.h"
#include "support/jira_sim_fixture.h"
#include "sync/executor.h"
#include "sync/rich_text_ops.h"

namespace epicsync::testing {
namespace {

using nlohmann::json;

std::string fixture(const std::string& name) {
  std::ifstream in(std::string(FIXTURES_DIR) + "/epics/" + name, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

// Records the journal calls, to check that every write had its intent recorded first.
class MemoryLog : public sync::OperationLog {
 public:
  bool intent(size_t index, const plan::Operation&) override {
    std::lock_guard lock(mu_);
    intents.insert(index);
    return true;
  }
  bool outcome(size_t index, const plan::Operation&, const backup::OutcomeRecord&) override {
    std::lock_guard lock(mu_);
    if (!intents.count(index)) outcome_before_intent = true;
    outcomes.insert(index);
    return true;
  }
  std::set<size_t> intents, outcomes;
  bool outcome_before_intent = false;

 private:
  std::mutex mu_;
};

class SyncEngineTest : public JiraSimTest {
 protected:
  void SetUp() override {
    JiraSimTest::SetUp();
    jira::ClientOptions o;
    o.base_url = sim().url();
    o.auth = jira::basic_auth("sim@example.com", "sim-token");
    o.sleep = [](std::chrono::milliseconds) {};
    auto client = jira::HttpClient::create(o);
    ASSERT_TRUE(client.has_value());
    jira::JiraOptions jo;
    jo.sleep = [](std::chrono::milliseconds) {};
    tracker_ = std::make_unique<jira::JiraTracker>(
        std::shared_ptr<jira::HttpClient>(std::move(*client)), jo);
    ASSERT_TRUE(tracker_->connect("PROJ").ok());
  }
  void TearDown() override {
    tracker_.reset();
    JiraSimTest::TearDown();
  }

  plan::Plan plan_for(const std::string& markdown) {
    auto parsed = markdown::parse_epic(markdown);
    EXPECT_TRUE(parsed.ok());
    epic_ = parsed.epic;
    auto snap = tracker_->read_epic("PROJ-1");
    EXPECT_TRUE(snap.ok()) << snap.error().message;
    snapshot_ = *snap;
    plan::PlanOptions o;
    o.rich_text = sync::rich_text_ops();
    return plan::make_plan(epic_, snapshot_, o);
  }

  sync::ExecutionReport apply(const plan::Plan& p, sync::OperationLog* log = nullptr) {
    return sync::execute(p, snapshot_, *tracker_, {}, log);
  }

  int writes() {
    int n = 0;
    for (const auto& r : sim().request_log()) {
      const std::string m = r.value("method", "");
      const std::string path = r.value("path", "");
      if (m != "GET" && path.find("/search") == std::string::npos) ++n;
    }
    return n;
  }

  std::unique_ptr<jira::JiraTracker> tracker_;
  model::Epic epic_;
  tracker::EpicSnapshot snapshot_;
};

TEST_F(SyncEngineTest, FirstSyncCreatesEverythingAndTheSecondWritesNothing) {
  const std::string md = fixture("checkout.md");
  auto first = plan_for(md);
  ASSERT_TRUE(first.problems.empty());
  MemoryLog log;
  auto report = apply(first, &log);
  for (const auto& f : report.failures) ADD_FAILURE() << f.what << ": " << f.error.message;
  EXPECT_FALSE(log.outcome_before_intent);
  EXPECT_EQ(log.outcomes.size(), first.operations.size());

  auto snap = tracker_->read_epic("PROJ-1");
  ASSERT_TRUE(snap.ok());
  ASSERT_EQ(snap->stories.size(), 3u);
  EXPECT_EQ(snap->subtasks.size(), 8u);
  std::map<std::string, tracker::RemoteIssue> by_summary;
  for (const auto& s : snap->stories) by_summary[s.summary] = s;
  const auto& guest = by_summary.at("Guest checkout");
  EXPECT_EQ(guest.points, 5.0);
  EXPECT_EQ(guest.priority_name, "Highest");
  EXPECT_EQ(guest.status.name, "In Progress");
  EXPECT_EQ(tracker::identity_of(guest), "SHOP-101");
  EXPECT_EQ(by_summary.at("Fraud screening before capture").status.name, "Done");
  for (const auto& st : snap->subtasks) {
    EXPECT_FALSE(st.parent_key.empty());
    if (st.summary == "Guest form") {
      EXPECT_EQ(st.status.name, "Done");
    }
    if (st.summary == "Confirmation email") {
      EXPECT_EQ(st.status.name, "To Do");
    }
  }
  auto comments = sim().get("/rest/api/3/issue/" + guest.key + "/comment");
  EXPECT_EQ(comments.body["comments"].size(), 1u) << "the related-commits comment";

  // Second run: nothing changed, so nothing to do and not one write.
  sim().clear_log();
  auto second = plan_for(md);
  EXPECT_TRUE(second.empty()) << second.operations.size() << " operations, first kind "
                              << static_cast<int>(second.operations.front().kind);
  apply(second);
  EXPECT_EQ(writes(), 0);
}

TEST_F(SyncEngineTest, EditsProduceExactlyTheMatchingUpdatesAndRenamesDoNotDuplicate) {
  std::string md = fixture("mixed-formats.md");
  auto report = apply(plan_for(md));
  for (const auto& f : report.failures) ADD_FAILURE() << f.what << ": " << f.error.message;
  ASSERT_TRUE(report.ok());
  const std::string renamed =
      std::string(md).replace(md.find("Structured audit log"),
                              std::string("Structured audit log").size(), "Structured audit trail");
  std::string edited = renamed;
  edited.replace(edited.find("**Story Points**: 5"), 19, "**Story Points**: 8");
  auto p = plan_for(edited);
  std::string listing;
  for (const auto& op : p.operations) {
    listing += op.issue_key + " kind " + std::to_string(static_cast<int>(op.kind)) + ":";
    for (const auto& c : op.shown) listing += " " + c.field + "(" + c.before + "→" + c.after + ")";
    listing += "\n" + op.description_diff;
  }
  ASSERT_EQ(p.operations.size(), 2u) << listing;
  for (const auto& op : p.operations) EXPECT_EQ(op.kind, plan::OpKind::kUpdate);
  EXPECT_EQ(p.operations[0].changes.points, std::optional<double>(8));
  EXPECT_EQ(p.operations[1].changes.summary, "Structured audit trail");
  ASSERT_TRUE(apply(p).ok());
  auto snap = tracker_->read_epic("PROJ-1");
  EXPECT_EQ(snap->stories.size(), 3u) << "a rename updates, never duplicates";
  EXPECT_TRUE(plan_for(edited).empty());
}

TEST_F(SyncEngineTest, OneFailingStoryDoesNotStopTheOthers) {
  // The third create of the bulk request is refused: an unknown priority name.
  std::string md = fixture("checkout.md");
  auto p = plan_for(md);
  for (auto& op : p.operations) {
    if (op.kind == plan::OpKind::kCreateStory && op.story_id == "SHOP-102") {
      op.draft.priority_name = "Not a priority";
    }
  }
  auto report = apply(p);
  ASSERT_FALSE(report.ok());
  std::set<std::string> failed;
  for (const auto& f : report.failures) failed.insert(f.what);
  EXPECT_TRUE(failed.count("create SHOP-102")) << report.failures.front().what;
  EXPECT_TRUE(failed.count("create sub-task 'Provider adapter'"));
  auto snap = tracker_->read_epic("PROJ-1");
  EXPECT_EQ(snap->stories.size(), 2u);
  EXPECT_EQ(snap->subtasks.size(), 6u);
}

// Deleting a story takes every sub-task it has when the request arrives. One added after the
// plan was made is read just before the delete, and the delete is refused: nothing is lost
// that no backup holds.
TEST_F(SyncEngineTest, AStoryDeleteIsRefusedWhenItGainedASubtaskSinceThePlan) {
  const std::string md = fixture("checkout.md");
  auto first = plan_for(md);
  ASSERT_TRUE(apply(first).ok());
  // The file drops SHOP-102; --prune with jira.prune: delete plans its delete with its sub-tasks.
  std::string trimmed = md.substr(0, md.find("### 🎨 SHOP-102"));
  ASSERT_LT(trimmed.size(), md.size());
  auto parsed = markdown::parse_epic(trimmed);
  ASSERT_TRUE(parsed.ok());
  auto snap = tracker_->read_epic("PROJ-1");
  ASSERT_TRUE(snap.ok());
  snapshot_ = *snap;
  plan::PlanOptions o;
  o.rich_text = sync::rich_text_ops();
  o.prune = plan::Prune::kDelete;
  auto pruning = plan::make_plan(parsed.epic, snapshot_, o);
  std::string story;
  for (const auto& op : pruning.operations) {
    if (op.kind == plan::OpKind::kDeleteIssue && op.with_subtasks) story = op.issue_key;
  }
  ASSERT_FALSE(story.empty()) << "the plan deletes the story with its sub-tasks";
  // Someone adds a sub-task between the plan and the delete.
  const std::string added = sim().create_issue("Sub-task", "Added by hand", story);

  auto report = apply(pruning);
  ASSERT_FALSE(report.ok());
  bool refused = false;
  for (const auto& f : report.failures) {
    refused = refused ||
              f.error.message.find("sub-tasks the plan did not see (" + added) != std::string::npos;
  }
  EXPECT_TRUE(refused) << report.failures.front().error.message;
  EXPECT_EQ(sim().get("/rest/api/3/issue/" + story).status, 200) << "the story is kept";
  EXPECT_EQ(sim().get("/rest/api/3/issue/" + added).status, 200) << "and the new sub-task";
}

}  // namespace
}  // namespace epicsync::testing
