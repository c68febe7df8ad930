#pragma once

// Jira Cloud's long-running tasks: the bulk operations (bulk/issues/..., read through
// bulk/queue/{taskId}) and the asynchronous property writes (issue/properties/multi, read through
// task/{taskId}). The request that submits one only queues it; a scheduler thread applies its
// issues later, one by one, so a client has to poll as it must against Jira.

#include <chrono>
#include <condition_variable>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

namespace jira_sim {

enum class TaskKind { kTransition, kDelete, kProperties };
enum class TaskStatus { kEnqueued, kRunning, kComplete };

const char* task_kind_name(TaskKind kind);        // "transition", "delete", "properties"
const char* task_status_name(TaskStatus status);  // "ENQUEUED", "RUNNING", "COMPLETE"

// What applying one item of a task did to its issue.
struct ItemOutcome {
  enum class Kind { kProcessed, kFailed, kInvalid };
  Kind kind = Kind::kProcessed;
  long issue_id = 0;
  std::vector<std::string> reasons;  // why it failed or was skipped; empty when processed
};

// A task as its readers see it.
struct TaskRecord {
  std::string id;
  TaskKind kind = TaskKind::kTransition;
  std::string submitted_by;         // account id
  std::vector<std::string> issues;  // keys as they were at submission (an id when none)
  bool send_notification = true;
  TaskStatus status = TaskStatus::kEnqueued;
  // Wall-clock epoch milliseconds, 0 until reached. Not the state's clock: a frozen clock would
  // otherwise advance with every poll and make dumps depend on how often a client polled.
  long long created = 0;
  long long started = 0;
  long long updated = 0;
  long long finished = 0;
  size_t total = 0;                   // items to apply
  std::vector<ItemOutcome> outcomes;  // one per item applied so far, in order
  int progress_percent() const;
};

// Applies item `index` of a task. Runs on the scheduler thread with the state mutex held.
using ApplyItem = std::function<ItemOutcome(size_t index)>;

class TaskQueue {
 public:
  // `state_mu` is taken around every item; `spread_ms` is how long a task takes from its start to
  // its last item (0: no pauses).
  TaskQueue(std::mutex& state_mu, int spread_ms);
  ~TaskQueue();
  TaskQueue(const TaskQueue&) = delete;
  TaskQueue& operator=(const TaskQueue&) = delete;

  // Queues `record.total` items behind the tasks already waiting and returns the new task's id.
  // The caller may hold the state mutex (it is always taken before the queue's own).
  std::string submit(TaskRecord record, ApplyItem apply);
  std::optional<TaskRecord> find(const std::string& id) const;
  std::vector<TaskRecord> list() const;  // oldest first
  // Stops the scheduler; queued and running tasks stay where they are. Idempotent.
  void stop();

 private:
  void run();

  std::mutex& state_mu_;
  const std::chrono::milliseconds spread_;
  mutable std::mutex mu_;
  std::condition_variable cv_;
  bool stopping_ = false;
  long next_id_ = 10000;
  std::map<long, TaskRecord> tasks_;
  std::map<long, ApplyItem> pending_;  // queued tasks' work, by id (ids grow, so FIFO)
  std::thread worker_;
};

}  // namespace jira_sim
