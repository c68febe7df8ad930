#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "model/source_pos.h"

namespace epicsync::model {

// What a status means, independent of any tracker's workflow names. How a meaning maps onto a
// project's real statuses is configuration, so the model keeps meanings, not names.
enum class StatusMeaning { kToDo, kInProgress, kInReview, kDone, kCancelled };

enum class PriorityMeaning { kHighest, kHigh, kMedium, kLow, kLowest };

// A value as the author wrote it ("🔄 In Progress") together with what it means.
template <typename Meaning>
struct Written {
  Meaning meaning{};
  std::string text;
  SourcePos pos;
  friend bool operator==(const Written&, const Written&) = default;
};

using Priority = Written<PriorityMeaning>;

// A status as written. Most files use one of the five meanings, which map onto any workflow;
// a word that is none of them ("Blocked", "In QA") names a status of the team's own workflow,
// matched by name when the plan is made (`named` holds it, and `meaning` is then unused).
struct Status {
  StatusMeaning meaning{};
  std::string text;
  SourcePos pos;
  std::string named;
  bool by_name() const { return !named.empty(); }
  friend bool operator==(const Status&, const Status&) = default;
};

// Stable identifiers, used by JSON output and the backup format: never rename them.
std::string_view to_id(StatusMeaning m);
std::string_view to_id(PriorityMeaning m);
std::optional<StatusMeaning> status_from_id(std::string_view id);
// How a meaning is shown to a person ("In Progress", "Highest"); the priority names are also
// Jira's default priority names.
std::string_view display_name(StatusMeaning m);
std::string_view display_name(PriorityMeaning m);
std::optional<PriorityMeaning> priority_from_id(std::string_view id);

// YYYY-MM-DD naming a real day: how dates (due date, date fields) are written and sent.
bool is_iso_date(std::string_view s);

}  // namespace epicsync::model
