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

using Status = Written<StatusMeaning>;
using Priority = Written<PriorityMeaning>;

// Stable identifiers, used by JSON output and the backup format: never rename them.
std::string_view to_id(StatusMeaning m);
std::string_view to_id(PriorityMeaning m);
std::optional<StatusMeaning> status_from_id(std::string_view id);
// How a meaning is shown to a person ("In Progress", "Highest"); the priority names are also
// Jira's default priority names.
std::string_view display_name(StatusMeaning m);
std::string_view display_name(PriorityMeaning m);
std::optional<PriorityMeaning> priority_from_id(std::string_view id);

}  // namespace epicsync::model
