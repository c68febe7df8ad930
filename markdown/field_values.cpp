#include "field_values.h"

#include <algorithm>
#include <array>
#include <charconv>
#include <cmath>
#include <utility>

#include "source_text.h"

namespace epicsync::markdown {
namespace {

// Decodes the code point at s[i], advancing i; invalid bytes (already rejected by the UTF-8
// check) are taken one at a time.
uint32_t next_code_point(std::string_view s, size_t& i) {
  auto c = static_cast<unsigned char>(s[i]);
  int len = c < 0x80 ? 1 : (c & 0xE0) == 0xC0 ? 2 : (c & 0xF0) == 0xE0 ? 3 : 4;
  if (i + static_cast<size_t>(len) > s.size()) len = 1;
  uint32_t cp = len == 1 ? c : len == 2 ? (c & 0x1F) : len == 3 ? (c & 0x0F) : (c & 0x07);
  for (int k = 1; k < len; ++k) cp = (cp << 6) | (static_cast<unsigned char>(s[i + k]) & 0x3F);
  i += static_cast<size_t>(len);
  return cp;
}

// Letters and digits of any script are content; ASCII punctuation, symbols, emoji, variation
// selectors and joiners are decoration. Non-ASCII below U+2000 is treated as letters, which covers
// Latin, Greek, Cyrillic, Hebrew, Arabic and the other alphabetic scripts people name things in.
bool is_content(uint32_t cp) {
  if (cp < 0x80) {
    return (cp >= '0' && cp <= '9') || (cp >= 'a' && cp <= 'z') || (cp >= 'A' && cp <= 'Z');
  }
  if (cp < 0x2000) return cp != 0xA0 && cp != 0xAB && cp != 0xBB && cp != 0xB7;
  if (cp >= 0x2000 && cp <= 0x2BFF) return false;    // punctuation, arrows, symbols, dingbats
  if (cp >= 0x1F000 && cp <= 0x1FAFF) return false;  // emoji
  if (cp >= 0xFE00 && cp <= 0xFE0F) return false;    // variation selectors
  if (cp >= 0xE0000) return false;                   // tags
  if (cp == 0x3000 || cp == 0xFEFF) return false;
  return true;
}

// What strip_decoration keeps, as a view into `value`: callers that only compare it (fold, the
// name and word lookups) need no copy.
std::string_view decoration_core(std::string_view value) {
  size_t begin = value.size();
  size_t end = 0;
  for (size_t i = 0; i < value.size();) {
    size_t at = i;
    const auto byte = static_cast<unsigned char>(value[i]);
    // Names and values are mostly ASCII: decide those bytes without decoding.
    uint32_t cp = byte < 0x80 ? value[i++] : next_code_point(value, i);
    if (is_content(cp)) {
      if (begin == value.size()) begin = at;
      end = i;
    }
  }
  if (begin >= end) return {};
  // A closing bracket or apostrophe that belongs to the value ("Won't Do", "P1 (urgent)") is
  // inside the result, because content follows it; only what surrounds the value is dropped.
  return value.substr(begin, end - begin);
}

struct Names {
  FieldKind kind;
  std::array<std::string_view, 4> names;
};

constexpr std::array<Names, 6> kFieldNames{{
    {FieldKind::kPoints, {"story points", "points", "sp", "estimate"}},
    {FieldKind::kPriority, {"priority", "prio", "", ""}},
    {FieldKind::kStatus, {"status", "state", "", ""}},
    {FieldKind::kAssignee, {"assignee", "owner", "", ""}},
    {FieldKind::kLabels, {"labels", "tags", "", ""}},
    {FieldKind::kTrackerKey, {"issue", "jira", "key", ""}},
}};

template <typename Meaning>
struct Word {
  std::string_view word;
  Meaning meaning;
};

using model::PriorityMeaning;
using model::StatusMeaning;

constexpr std::array<Word<StatusMeaning>, 25> kStatusWords{{
    {"done", StatusMeaning::kDone},          {"resolved", StatusMeaning::kDone},
    {"closed", StatusMeaning::kDone},        {"complete", StatusMeaning::kDone},
    {"completed", StatusMeaning::kDone},     {"in progress", StatusMeaning::kInProgress},
    {"active", StatusMeaning::kInProgress},  {"doing", StatusMeaning::kInProgress},
    {"wip", StatusMeaning::kInProgress},     {"in review", StatusMeaning::kInReview},
    {"review", StatusMeaning::kInReview},    {"testing", StatusMeaning::kInReview},
    {"qa", StatusMeaning::kInReview},        {"planned", StatusMeaning::kToDo},
    {"to do", StatusMeaning::kToDo},         {"todo", StatusMeaning::kToDo},
    {"open", StatusMeaning::kToDo},          {"new", StatusMeaning::kToDo},
    {"backlog", StatusMeaning::kToDo},       {"cancelled", StatusMeaning::kCancelled},
    {"canceled", StatusMeaning::kCancelled}, {"won't do", StatusMeaning::kCancelled},
    {"wont do", StatusMeaning::kCancelled},  {"won't fix", StatusMeaning::kCancelled},
    {"rejected", StatusMeaning::kCancelled},
}};

constexpr std::array<Word<PriorityMeaning>, 18> kPriorityWords{{
    {"critical", PriorityMeaning::kHighest},
    {"blocker", PriorityMeaning::kHighest},
    {"highest", PriorityMeaning::kHighest},
    {"p0", PriorityMeaning::kHighest},
    {"high", PriorityMeaning::kHigh},
    {"major", PriorityMeaning::kHigh},
    {"p1", PriorityMeaning::kHigh},
    {"medium", PriorityMeaning::kMedium},
    {"normal", PriorityMeaning::kMedium},
    {"p2", PriorityMeaning::kMedium},
    {"low", PriorityMeaning::kLow},
    {"minor", PriorityMeaning::kLow},
    {"p3", PriorityMeaning::kLow},
    {"lowest", PriorityMeaning::kLowest},
    {"trivial", PriorityMeaning::kLowest},
    {"p4", PriorityMeaning::kLowest},
    {"none", PriorityMeaning::kLowest},
    {"very low", PriorityMeaning::kLowest},
}};

template <typename Meaning, size_t N>
std::optional<Meaning> lookup(const std::array<Word<Meaning>, N>& words, std::string_view value) {
  const std::string key = folded_name(value);
  for (const auto& w : words) {
    if (w.word == key) return w.meaning;
  }
  return std::nullopt;
}

bool is_upper(char c) {
  return c >= 'A' && c <= 'Z';
}
bool is_digit(char c) {
  return c >= '0' && c <= '9';
}

}  // namespace

std::string strip_decoration(std::string_view value) {
  return std::string(decoration_core(value));
}

std::string fold(std::string_view value) {
  std::string out;
  out.reserve(value.size());
  bool space = false;
  for (size_t i = 0; i < value.size(); ++i) {
    char c = value[i];
    // U+2019 RIGHT SINGLE QUOTATION MARK is what editors put in "won't".
    if (c == '\xE2' && value.substr(i, 3) == "\xE2\x80\x99") {
      c = '\'';
      i += 2;
    }
    if (c == ' ' || c == '\t' || c == '-' || c == '_') {
      space = !out.empty();
      continue;
    }
    if (space) out += ' ';
    space = false;
    out += (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
  }
  return out;
}

bool has_content(std::string_view value) {
  return !decoration_core(value).empty();
}

std::string folded_name(std::string_view value) {
  return fold(decoration_core(value));
}

FieldKind field_kind(std::string_view name) {
  const std::string key = folded_name(name);
  for (const auto& entry : kFieldNames) {
    for (auto n : entry.names) {
      if (!n.empty() && n == key) return entry.kind;
    }
  }
  return FieldKind::kUnknown;
}

std::string builtin_extra_field(std::string_view name) {
  const std::string key = folded_name(name);
  if (key == "components" || key == "component" || key == "component/s") return "Components";
  if (key == "fix versions" || key == "fix version" || key == "fix version/s" ||
      key == "fixversions") {
    return "Fix Versions";
  }
  if (key == "due date" || key == "due" || key == "duedate") return "Due Date";
  return {};
}

std::optional<model::StatusMeaning> parse_status(std::string_view value) {
  return lookup(kStatusWords, value);
}

model::Status status_value(std::string_view value, const model::SourcePos& pos) {
  model::Status status{{}, std::string(value), pos, {}};
  if (auto m = parse_status(value)) {
    status.meaning = *m;
  } else {
    status.named = strip_decoration(value);
  }
  return status;
}

std::optional<model::PriorityMeaning> parse_priority(std::string_view value) {
  return lookup(kPriorityWords, value);
}

std::optional<double> parse_points(std::string_view value) {
  const std::string_view s = decoration_core(value);
  if (s.empty()) return std::nullopt;
  // A minus sign is decoration to strip_decoration, but here it makes the value negative.
  if (value.substr(0, static_cast<size_t>(s.data() - value.data())).find('-') !=
      std::string_view::npos) {
    return std::nullopt;
  }
  size_t i = 0;
  while (i < s.size() && (is_digit(s[i]) || s[i] == '.')) ++i;
  if (i == 0) return std::nullopt;
  double number = 0;
  auto [ptr, ec] = std::from_chars(s.data(), s.data() + i, number);
  if (ec != std::errc() || ptr != s.data() + i || !std::isfinite(number)) return std::nullopt;
  std::string unit = fold(trim(s.substr(i)));
  if (!unit.empty() && unit != "sp" && unit != "pt" && unit != "pts" && unit != "point" &&
      unit != "points" && unit != "story points") {
    return std::nullopt;
  }
  return number;
}

bool is_tracker_key(std::string_view s) {
  if (s.empty() || !is_upper(s[0])) return false;
  size_t i = 1;
  while (i < s.size() && (is_upper(s[i]) || is_digit(s[i]) || s[i] == '_')) ++i;
  if (i >= s.size() || s[i] != '-') return false;
  ++i;
  if (i >= s.size()) return false;
  for (; i < s.size(); ++i) {
    if (!is_digit(s[i])) return false;
  }
  return true;
}

std::optional<std::string> parse_tracker_key(std::string_view value) {
  std::string_view v = trim(value);
  // [PROJ-124](https://x.atlassian.net/browse/PROJ-124): the link text is the key.
  if (!v.empty() && v.front() == '[') {
    auto close = v.find(']');
    if (close != std::string_view::npos) v = trim(v.substr(1, close - 1));
  }
  if (auto slash = v.rfind('/'); slash != std::string_view::npos) v = v.substr(slash + 1);
  std::string stripped = strip_decoration(v);
  if (is_tracker_key(stripped)) return stripped;
  return std::nullopt;
}

std::optional<std::vector<std::string>> parse_labels(std::string_view value) {
  std::vector<std::string> labels;
  size_t start = 0;
  while (start <= value.size()) {
    size_t comma = value.find(',', start);
    if (comma == std::string_view::npos) comma = value.size();
    std::string_view word = trim(value.substr(start, comma - start));
    while (!word.empty() && word.front() == '`') word.remove_prefix(1);
    while (!word.empty() && word.back() == '`') word.remove_suffix(1);
    word = trim(word);
    if (!word.empty()) {
      if (word.find_first_of(" \t") != std::string_view::npos) return std::nullopt;
      // Labels are a set in the tracker: a repeated one is kept once, so plans stay stable.
      if (std::find(labels.begin(), labels.end(), word) == labels.end()) labels.emplace_back(word);
    }
    start = comma + 1;
  }
  return labels;
}

bool is_story_id(std::string_view s) {
  if (s.size() >= 2 && s[0] == '#') {
    for (size_t i = 1; i < s.size(); ++i) {
      if (!is_digit(s[i])) return false;
    }
    return true;
  }
  if (s.empty() || !is_upper(s[0])) return false;
  size_t i = 1;
  while (i < s.size() && (is_upper(s[i]) || is_digit(s[i]))) ++i;
  if (i >= s.size() || s[i] != '-' || i + 1 >= s.size()) return false;
  for (++i; i < s.size(); ++i) {
    if (!is_digit(s[i])) return false;
  }
  return true;
}

}  // namespace epicsync::markdown
