#include "plan/status_map.h"

#include <algorithm>

namespace epicsync::plan {
namespace {

using model::StatusMeaning;
using tracker::StatusCategory;

std::string lower(std::string s) {
  for (char& c : s) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return s;
}

bool named(const StatusMap& map, StatusMeaning meaning, const std::string& name) {
  auto it = map.names.find(meaning);
  if (it == map.names.end()) return false;
  const std::string n = lower(name);
  return std::any_of(it->second.begin(), it->second.end(),
                     [&](const std::string& candidate) { return lower(candidate) == n; });
}

std::optional<StatusMeaning> meaning_by_name(const StatusMap& map, const std::string& name) {
  for (const auto& [meaning, names] : map.names) {
    if (named(map, meaning, name)) return meaning;
  }
  return std::nullopt;
}

StatusCategory category_of(StatusMeaning m) {
  switch (m) {
    case StatusMeaning::kToDo:
      return StatusCategory::kToDo;
    case StatusMeaning::kInProgress:
    case StatusMeaning::kInReview:
      return StatusCategory::kInProgress;
    case StatusMeaning::kDone:
    case StatusMeaning::kCancelled:
      return StatusCategory::kDone;
  }
  return StatusCategory::kUnknown;
}

}  // namespace

StatusMap StatusMap::defaults() {
  StatusMap m;
  m.names[StatusMeaning::kToDo] = {
      "To Do", "Open", "New", "Backlog", "Planned", "Todo", "Selected for Development"};
  m.names[StatusMeaning::kInProgress] = {"In Progress", "Active", "Doing", "WIP", "In Development"};
  m.names[StatusMeaning::kInReview] = {"In Review", "Review", "Code Review",
                                       "Testing",   "QA",     "In Testing"};
  m.names[StatusMeaning::kDone] = {"Done", "Resolved", "Closed", "Complete", "Completed"};
  m.names[StatusMeaning::kCancelled] = {"Cancelled", "Canceled", "Won't Do",
                                        "Declined",  "Rejected", "Won't Fix"};
  return m;
}

bool cancel_resolution(const std::string& resolution) {
  const std::string r = lower(resolution);
  return r == "won't do" || r == "won't fix" || r == "wont do" || r == "cancelled" ||
         r == "canceled" || r == "declined" || r == "rejected" || r == "duplicate" ||
         r == "obsolete";
}

bool satisfies(const StatusMap& map, StatusMeaning meaning, const tracker::RemoteStatus& status,
               const std::string& resolution) {
  auto by_name = meaning_by_name(map, status.name);
  // Done with a Won't Do resolution is how most workflows say cancelled.
  if (status.category == StatusCategory::kDone && cancel_resolution(resolution) &&
      (!by_name || *by_name == StatusMeaning::kDone)) {
    return meaning == StatusMeaning::kCancelled;
  }
  // A status whose name has a meaning is judged by its name; an unknown name by its category
  // (a team's "Shipped" in the done category satisfies Done but not Cancelled).
  if (by_name) return *by_name == meaning;
  if (meaning == StatusMeaning::kCancelled || meaning == StatusMeaning::kInReview) return false;
  return category_of(meaning) == status.category;
}

std::optional<tracker::RemoteStatus> target_status(const StatusMap& map, StatusMeaning meaning,
                                                   const std::vector<tracker::RemoteStatus>& all) {
  // The configured or usual names first, in their order of preference.
  auto it = map.names.find(meaning);
  if (it != map.names.end()) {
    for (const auto& wanted : it->second) {
      for (const auto& s : all) {
        if (lower(s.name) == lower(wanted)) return s;
      }
    }
  }
  if (meaning == StatusMeaning::kInReview) return std::nullopt;
  if (meaning == StatusMeaning::kCancelled) return target_status(map, StatusMeaning::kDone, all);
  for (const auto& s : all) {
    if (s.category == category_of(meaning) && !meaning_by_name(map, s.name)) return s;
  }
  return std::nullopt;
}

std::string priority_name(model::PriorityMeaning meaning) {
  return std::string(model::display_name(meaning));
}

}  // namespace epicsync::plan
