#include "tracker/field_table.h"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <sstream>

#include "model/vocabulary.h"

namespace epicsync::tracker {
namespace {

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
  return out;
}

std::string number_text(double v) {
  std::ostringstream s;
  s.precision(15);
  s << (v == 0 ? 0.0 : v);  // never "-0"
  return s.str();
}

size_t code_points(std::string_view s) {
  size_t n = 0;
  for (char c : s) n += (static_cast<unsigned char>(c) & 0xC0) != 0x80;
  return n;
}

std::optional<double> number_of(std::string_view s) {
  const std::string text(trim(s));
  if (text.empty()) return std::nullopt;
  // Decimal only: strtod would also take hex ("0x10"), "inf" and "nan".
  for (char c : text) {
    if (!((c >= '0' && c <= '9') || c == '.' || c == '-' || c == '+' || c == 'e' || c == 'E')) {
      return std::nullopt;
    }
  }
  char* end = nullptr;
  const double v = std::strtod(text.c_str(), &end);
  if (end != text.c_str() + text.size() || !std::isfinite(v)) return std::nullopt;
  return v;
}

}  // namespace

const std::vector<BuiltinField>& builtin_fields() {
  static const std::vector<BuiltinField> fields = {
      {"components", "Components", FieldKind::kComponents},
      {"fixVersions", "Fix Versions", FieldKind::kVersions},
      {"duedate", "Due Date", FieldKind::kDate},
  };
  return fields;
}

bool is_set_kind(FieldKind kind) {
  return kind == FieldKind::kComponents || kind == FieldKind::kVersions ||
         kind == FieldKind::kOptions;
}

std::string journal_key(const std::string& field_id) {
  return "field:" + field_id;
}

std::optional<std::string> field_of_journal_key(std::string_view key) {
  constexpr std::string_view prefix = "field:";
  if (key.size() <= prefix.size() || key.substr(0, prefix.size()) != prefix) return std::nullopt;
  return std::string(key.substr(prefix.size()));
}

FieldValue canonical(FieldKind kind, FieldValue value) {
  FieldValue out;
  for (auto& v : value) {
    std::string t(trim(v));
    if (t.empty()) continue;
    if (kind == FieldKind::kNumber) {
      if (auto n = number_of(t)) t = number_text(*n);
    }
    out.push_back(std::move(t));
  }
  if (is_set_kind(kind)) {
    std::sort(out.begin(), out.end());
    out.erase(std::unique(out.begin(), out.end()), out.end());
  } else if (out.size() > 1) {
    out.resize(1);
  }
  return out;
}

std::string value_text(const FieldValue& value) {
  if (value.empty()) return "-";
  std::string out;
  for (const auto& v : value) out += (out.empty() ? "" : ", ") + v;
  return out;
}

ParsedValue parse_value(const FieldSpec& spec, std::string_view written) {
  const std::string_view text = trim(written);
  if (text == "-" || text == "—") return {{}, ""};
  std::vector<std::string> items;
  if (is_set_kind(spec.kind)) {
    size_t from = 0;
    while (from <= text.size()) {
      size_t comma = text.find(',', from);
      if (comma == std::string_view::npos) comma = text.size();
      std::string item(trim(text.substr(from, comma - from)));
      if (!item.empty()) items.push_back(std::move(item));
      from = comma + 1;
    }
    if (items.empty()) return {{}, "no value between the commas; write - to clear the field"};
  } else if (!text.empty()) {
    items.emplace_back(text);
  }
  switch (spec.kind) {
    case FieldKind::kUnsupported:
      return {{},
              "epicsync cannot write a field of type '" + spec.type_text +
                  "' (it writes text, number, date, single and multi select, user, components "
                  "and versions)"};
    case FieldKind::kNumber:
      if (!items.empty() && !number_of(items[0])) return {{}, "'" + items[0] + "' is not a number"};
      break;
    case FieldKind::kDate:
      if (!items.empty() && !model::is_iso_date(items[0])) {
        return {{}, "'" + items[0] + "' is not a date: write it as YYYY-MM-DD"};
      }
      break;
    case FieldKind::kOption:
    case FieldKind::kOptions:
    case FieldKind::kComponents:
    case FieldKind::kVersions: {
      std::string unknown;
      for (auto& item : items) {
        auto it = std::find_if(spec.allowed.begin(), spec.allowed.end(),
                               [&](const std::string& a) { return lower(a) == lower(item); });
        if (it == spec.allowed.end()) {
          unknown += (unknown.empty() ? "'" : ", '") + item + "'";
        } else {
          item = *it;
        }
      }
      if (!unknown.empty()) {
        std::string allowed;
        for (const auto& a : spec.allowed) allowed += (allowed.empty() ? "" : ", ") + a;
        const bool one_of_several = spec.kind == FieldKind::kOption && text.find(',') != text.npos;
        return {{},
                unknown + (unknown.find("', '") == std::string::npos ? " is not" : " are not") +
                    " allowed (allowed: " + (allowed.empty() ? "none" : allowed) + ")" +
                    (one_of_several ? "; " + spec.name + " takes one option" : "")};
      }
      if (spec.kind == FieldKind::kOption && items.size() > 1) items.resize(1);
      break;
    }
    case FieldKind::kText:
      // Jira's limit for a single-line text field: a longer value is refused at write time.
      if (!items.empty() && code_points(items[0]) > 255) {
        return {{},
                "the value has " + std::to_string(code_points(items[0])) +
                    " characters; a single-line text field holds at most 255"};
      }
      break;
    case FieldKind::kUser:
      break;
  }
  return {canonical(spec.kind, std::move(items)), ""};
}

std::string field_name(const std::string& key) {
  for (const auto& b : builtin_fields()) {
    if (b.key == key) return std::string(b.name);
  }
  return key;
}

const FieldSpec* find_spec(const std::vector<FieldSpec>& specs, std::string_view key) {
  for (const auto& s : specs) {
    if (s.key == key) return &s;
  }
  return nullptr;
}

}  // namespace epicsync::tracker
