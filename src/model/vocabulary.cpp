#include "model/vocabulary.h"

#include <array>
#include <utility>

namespace epicsync::model {
namespace {

constexpr std::array<std::pair<StatusMeaning, std::string_view>, 5> kStatusIds{{
    {StatusMeaning::kToDo, "todo"},
    {StatusMeaning::kInProgress, "in_progress"},
    {StatusMeaning::kInReview, "in_review"},
    {StatusMeaning::kDone, "done"},
    {StatusMeaning::kCancelled, "cancelled"},
}};

constexpr std::array<std::pair<StatusMeaning, std::string_view>, 5> kStatusNames{{
    {StatusMeaning::kToDo, "To Do"},
    {StatusMeaning::kInProgress, "In Progress"},
    {StatusMeaning::kInReview, "In Review"},
    {StatusMeaning::kDone, "Done"},
    {StatusMeaning::kCancelled, "Cancelled"},
}};

constexpr std::array<std::pair<PriorityMeaning, std::string_view>, 5> kPriorityNames{{
    {PriorityMeaning::kHighest, "Highest"},
    {PriorityMeaning::kHigh, "High"},
    {PriorityMeaning::kMedium, "Medium"},
    {PriorityMeaning::kLow, "Low"},
    {PriorityMeaning::kLowest, "Lowest"},
}};

constexpr std::array<std::pair<PriorityMeaning, std::string_view>, 5> kPriorityIds{{
    {PriorityMeaning::kHighest, "highest"},
    {PriorityMeaning::kHigh, "high"},
    {PriorityMeaning::kMedium, "medium"},
    {PriorityMeaning::kLow, "low"},
    {PriorityMeaning::kLowest, "lowest"},
}};

template <typename Table, typename Meaning>
std::string_view id_of(const Table& table, Meaning m) {
  for (const auto& [meaning, id] : table) {
    if (meaning == m) return id;
  }
  return "unknown";
}

template <typename Meaning, typename Table>
std::optional<Meaning> meaning_of(const Table& table, std::string_view id) {
  for (const auto& [meaning, known] : table) {
    if (known == id) return meaning;
  }
  return std::nullopt;
}

}  // namespace

std::string_view to_id(StatusMeaning m) {
  return id_of(kStatusIds, m);
}
std::string_view to_id(PriorityMeaning m) {
  return id_of(kPriorityIds, m);
}
std::string_view display_name(StatusMeaning m) {
  return id_of(kStatusNames, m);
}
std::string_view display_name(PriorityMeaning m) {
  return id_of(kPriorityNames, m);
}
std::optional<StatusMeaning> status_from_id(std::string_view id) {
  return meaning_of<StatusMeaning>(kStatusIds, id);
}
std::optional<PriorityMeaning> priority_from_id(std::string_view id) {
  return meaning_of<PriorityMeaning>(kPriorityIds, id);
}

bool is_iso_date(std::string_view s) {
  if (s.size() != 10 || s[4] != '-' || s[7] != '-') return false;
  auto digits = [&](size_t from, size_t n) {
    int v = 0;
    for (size_t i = from; i < from + n; ++i) {
      if (s[i] < '0' || s[i] > '9') return -1;
      v = v * 10 + (s[i] - '0');
    }
    return v;
  };
  const int y = digits(0, 4), m = digits(5, 2), d = digits(8, 2);
  if (y < 0 || m < 1 || m > 12 || d < 1) return false;
  static const int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  const bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
  return d <= kDays[m - 1] + (m == 2 && leap ? 1 : 0);
}

}  // namespace epicsync::model
