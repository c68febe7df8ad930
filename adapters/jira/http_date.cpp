#include "jira/http_date.h"

#include <array>
#include <cctype>
#include <string>
#include <vector>

namespace epicsync::jira {

namespace {

using namespace std::chrono;

std::optional<int> month_from_name(std::string_view name) {
  static constexpr std::array<std::string_view, 12> kMonths = {
      "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"};
  if (name.size() != 3) return std::nullopt;
  std::string lower;
  for (char c : name)
    lower.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
  for (size_t i = 0; i < kMonths.size(); ++i) {
    if (kMonths[i] == lower) return static_cast<int>(i) + 1;
  }
  return std::nullopt;
}

bool all_digits(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s) {
    if (!std::isdigit(static_cast<unsigned char>(c))) return false;
  }
  return true;
}

int to_int(std::string_view s) {
  int v = 0;
  for (char c : s) v = v * 10 + (c - '0');
  return v;
}

std::optional<SysTime> make_time(int y, int mo, int d, int h, int mi, int s) {
  const year_month_day ymd{year{y}, month{static_cast<unsigned>(mo)},
                           day{static_cast<unsigned>(d)}};
  if (!ymd.ok() || h > 23 || mi > 59 || s > 60) return std::nullopt;
  return sys_days{ymd} + hours{h} + minutes{mi} + seconds{s};
}

}  // namespace

std::optional<SysTime> parse_http_date(std::string_view s) {
  // All three forms contain the same pieces in different orders and separators, so split on
  // separators and recognise each piece by its shape.
  std::vector<std::string_view> tokens;
  size_t i = 0;
  while (i < s.size()) {
    while (i < s.size() && (s[i] == ' ' || s[i] == ',' || s[i] == '-')) ++i;
    size_t start = i;
    while (i < s.size() && s[i] != ' ' && s[i] != ',' && s[i] != '-') ++i;
    if (i > start) tokens.push_back(s.substr(start, i - start));
  }
  std::optional<int> year_v, month_v, day_v, h, mi, sec;
  bool saw_gmt = false;
  for (auto t : tokens) {
    if (t.size() == 8 && t[2] == ':' && t[5] == ':' && all_digits(t.substr(0, 2)) &&
        all_digits(t.substr(3, 2)) && all_digits(t.substr(6, 2))) {
      h = to_int(t.substr(0, 2));
      mi = to_int(t.substr(3, 2));
      sec = to_int(t.substr(6, 2));
    } else if (auto m = month_from_name(t)) {
      month_v = m;
    } else if (all_digits(t) && t.size() <= 2 && !day_v) {
      day_v = to_int(t);
    } else if (all_digits(t) && (t.size() == 4 || t.size() == 2)) {
      int y = to_int(t);
      // RFC 9110: a two-digit year more than 50 years in the future is in the past century.
      if (t.size() == 2) y += (y < 70) ? 2000 : 1900;
      year_v = y;
    } else if (t == "GMT" || t == "UTC") {
      saw_gmt = true;
    }
  }
  (void)saw_gmt;  // asctime carries no zone; all three forms are GMT by definition
  if (!year_v || !month_v || !day_v || !h) return std::nullopt;
  return make_time(*year_v, *month_v, *day_v, *h, *mi, *sec);
}

std::optional<SysTime> parse_iso8601(std::string_view s) {
  while (!s.empty() && s.front() == ' ') s.remove_prefix(1);
  while (!s.empty() && s.back() == ' ') s.remove_suffix(1);
  // yyyy-MM-ddTHH:mm is the minimum Atlassian documents.
  if (s.size() < 16 || s[4] != '-' || s[7] != '-' ||
      (s[10] != 'T' && s[10] != 't' && s[10] != ' ') || s[13] != ':')
    return std::nullopt;
  for (size_t p : {0, 1, 2, 3, 5, 6, 8, 9, 11, 12, 14, 15}) {
    if (!std::isdigit(static_cast<unsigned char>(s[p]))) return std::nullopt;
  }
  int y = to_int(s.substr(0, 4)), mo = to_int(s.substr(5, 2)), d = to_int(s.substr(8, 2));
  int h = to_int(s.substr(11, 2)), mi = to_int(s.substr(14, 2)), sec = 0;
  size_t pos = 16;
  milliseconds frac{0};
  if (pos < s.size() && s[pos] == ':') {
    if (pos + 3 > s.size() || !all_digits(s.substr(pos + 1, 2))) return std::nullopt;
    sec = to_int(s.substr(pos + 1, 2));
    pos += 3;
    if (pos < s.size() && (s[pos] == '.' || s[pos] == ',')) {
      ++pos;
      int digits = 0, ms = 0;
      while (pos < s.size() && std::isdigit(static_cast<unsigned char>(s[pos]))) {
        if (digits < 3) ms = ms * 10 + (s[pos] - '0');
        ++digits;
        ++pos;
      }
      if (digits == 0) return std::nullopt;
      for (int k = digits; k < 3; ++k) ms *= 10;
      frac = milliseconds{ms};
    }
  }
  auto base = make_time(y, mo, d, h, mi, sec);
  if (!base) return std::nullopt;
  std::string_view zone = s.substr(pos);
  if (zone == "Z" || zone == "z") return *base + frac;
  // Numeric offset: +HH:MM, +HHMM or +HH. The local time minus the offset is UTC.
  if (zone.size() >= 3 && (zone[0] == '+' || zone[0] == '-') && all_digits(zone.substr(1, 2))) {
    int oh = to_int(zone.substr(1, 2)), om = 0;
    std::string_view rest = zone.substr(3);
    if (!rest.empty() && rest[0] == ':') rest.remove_prefix(1);
    if (!rest.empty()) {
      if (rest.size() != 2 || !all_digits(rest)) return std::nullopt;
      om = to_int(rest);
    }
    auto offset = hours{oh} + minutes{om};
    return zone[0] == '+' ? *base + frac - offset : *base + frac + offset;
  }
  return std::nullopt;
}

}  // namespace epicsync::jira
