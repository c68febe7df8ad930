#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "model/vocabulary.h"

namespace epicsync::markdown {

// The fields a story's metadata can set, whatever name the author used for them.
enum class FieldKind { kPoints, kPriority, kStatus, kAssignee, kLabels, kTrackerKey, kUnknown };

FieldKind field_kind(std::string_view name);

// The field table's system fields by the names a file may give them: "Components" (also
// "Component", "Component/s"), "Fix Versions" (also "Fix Version", "Fix Version/s"), "Due Date"
// (also "Due"). The table's name for the field, or "" when the name is none of them.
std::string builtin_extra_field(std::string_view name);

// Emoji, symbols, markdown markers and blanks around a value are decoration: "🔴 Critical",
// "**Critical**" and " Critical: " are all "Critical". Letters and digits of any script stay.
std::string strip_decoration(std::string_view value);
// Lower case, typographic apostrophes made plain, '-' and '_' and runs of blanks made one space:
// the form in which names are compared.
std::string fold(std::string_view value);
// Whether anything but decoration is there: strip_decoration(value) is not empty.
bool has_content(std::string_view value);
// fold(strip_decoration(value)) without the copy in between: how headings, column headers and
// field names are compared.
std::string folded_name(std::string_view value);

std::optional<model::StatusMeaning> parse_status(std::string_view value);
// A status cell or field with content: one of the five meanings, or else the name of a status of
// the team's workflow ("🚧 Blocked" names "Blocked"), which the plan checks against the tracker.
model::Status status_value(std::string_view value, const model::SourcePos& pos);
std::optional<model::PriorityMeaning> parse_priority(std::string_view value);
// A non-negative number, optionally followed by a unit ("3", "0.5", "5 SP", "2 points").
std::optional<double> parse_points(std::string_view value);
// A tracker key (PROJ-124), alone, inside a link's text or at the end of a browse URL.
std::optional<std::string> parse_tracker_key(std::string_view value);
bool is_tracker_key(std::string_view value);
// Comma-separated words, each once; nullopt when one contains a blank (a tracker label cannot).
std::optional<std::vector<std::string>> parse_labels(std::string_view value);

// A story id: an uppercase letter, uppercase letters or digits, a dash and digits; or #123.
bool is_story_id(std::string_view value);

}  // namespace epicsync::markdown
