#include "task_queue.h"

#include <algorithm>

namespace jira_sim {
namespace {

long long wall_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

}  // namespace

const char* task_kind_name(TaskKind kind) {
  switch (kind) {
    case TaskKind::kTransition:
      return "transition";
    case TaskKind::kDelete:
      return "delete";
    case TaskKind::kProperties:
      return "properties";
  }
  return "";
}

const char* task_status_name(TaskStatus status) {
  switch (status) {
    case TaskStatus::kEnqueued:
      return "ENQUEUED";
    case TaskStatus::kRunning:
      return "RUNNING";
    case TaskStatus::kComplete:
      return "COMPLETE";
  }
  return "";
}

int TaskRecord::progress_percent() const {
  if (status == TaskStatus::kComplete || total == 0)
    return status == TaskStatus::kComplete ? 100 : 0;
  return static_cast<int>(outcomes.size() * 100 / total);
}

TaskQueue::TaskQueue(std::mutex& state_mu, int spread_ms)
    : state_mu_(state_mu), spread_(std::max(0, spread_ms)), worker_([this] { run(); }) {}

TaskQueue::~TaskQueue() {
  stop();
}

std::string TaskQueue::submit(TaskRecord record, ApplyItem apply) {
  std::lock_guard lock(mu_);
  const long id = next_id_++;
  record.id = std::to_string(id);
  record.status = TaskStatus::kEnqueued;
  record.created = wall_ms();
  record.updated = record.created;
  tasks_[id] = std::move(record);
  pending_[id] = std::move(apply);
  cv_.notify_all();
  return std::to_string(id);
}

std::optional<TaskRecord> TaskQueue::find(const std::string& id) const {
  if (id.empty() || id.size() > 18 || id.find_first_not_of("0123456789") != std::string::npos) {
    return std::nullopt;
  }
  std::lock_guard lock(mu_);
  auto it = tasks_.find(std::stol(id));
  if (it == tasks_.end()) return std::nullopt;
  return it->second;
}

std::vector<TaskRecord> TaskQueue::list() const {
  std::lock_guard lock(mu_);
  std::vector<TaskRecord> out;
  for (const auto& [id, task] : tasks_) out.push_back(task);
  return out;
}

void TaskQueue::stop() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  cv_.notify_all();
  if (worker_.joinable() && worker_.get_id() != std::this_thread::get_id()) worker_.join();
}

void TaskQueue::run() {
  for (;;) {
    long id = 0;
    ApplyItem apply;
    size_t total = 0;
    {
      std::unique_lock lock(mu_);
      cv_.wait(lock, [this] { return stopping_ || !pending_.empty(); });
      if (stopping_) return;
      id = pending_.begin()->first;
      apply = std::move(pending_.begin()->second);
      pending_.erase(pending_.begin());
      TaskRecord& task = tasks_.at(id);
      task.status = TaskStatus::kRunning;
      task.started = wall_ms();
      task.updated = task.started;
      total = task.total;
    }
    const auto start = std::chrono::steady_clock::now();
    for (size_t i = 0; i < total; ++i) {
      // Item i lands at (i+1)/total of the task's time, so progress moves evenly and the last
      // item completes the task at its end.
      const auto due = start + spread_ * static_cast<long>(i + 1) / static_cast<long>(total);
      {
        std::unique_lock lock(mu_);
        if (cv_.wait_until(lock, due, [this] { return stopping_; })) return;
      }
      std::lock_guard state_lock(state_mu_);
      ItemOutcome outcome = apply(i);
      std::lock_guard lock(mu_);
      TaskRecord& task = tasks_.at(id);
      task.outcomes.push_back(std::move(outcome));
      task.updated = wall_ms();
    }
    std::lock_guard lock(mu_);
    TaskRecord& task = tasks_.at(id);
    task.status = TaskStatus::kComplete;
    task.finished = wall_ms();
    task.updated = task.finished;
  }
}

}  // namespace jira_sim
