#include "field_values.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <vector>

#include "http_util.h"

namespace jira_sim {
namespace {

constexpr size_t kTextFieldLimit = 255;  // Jira's single-line text field

bool is_array_kind(ValueKind k) {
  return k == ValueKind::kComponents || k == ValueKind::kVersions || k == ValueKind::kMultiSelect;
}

// Jira takes ids as strings or as numbers.
std::optional<std::string> member(const json& v, const char* key) {
  if (!v.is_object() || !v.contains(key)) return std::nullopt;
  const json& m = v[key];
  if (m.is_string()) return m.get<std::string>();
  if (m.is_number_integer()) return std::to_string(m.get<long long>());
  return std::nullopt;
}

json item(const FieldDef& def, const std::string& field, const json& from, const json& from_string,
          const json& to, const json& to_string) {
  return {{"field", field},
          {"fieldtype", def.custom ? "custom" : "jira"},
          {"fieldId", def.id},
          {"from", from},
          {"fromString", from_string},
          {"to", to},
          {"toString", to_string}};
}

std::string invalid_ref(const FieldDef& def) {
  return "Specify a valid 'id' or 'name' for " + def.name;
}

// One element of components, fixVersions, a select or a multiselect, to its id.
std::optional<std::string> resolve(const SimState& s, const FieldDef& def, const json& ref,
                                   std::string& id) {
  const bool by_name = def.kind == ValueKind::kComponents || def.kind == ValueKind::kVersions;
  if (auto name = member(ref, by_name ? "name" : "value")) {
    if (def.kind == ValueKind::kComponents) {
      const Component* c = s.component_by_name(*name);
      if (!c) return "Component name '" + *name + "' is not valid";
      id = c->id;
    } else if (def.kind == ValueKind::kVersions) {
      const Version* v = s.version_by_name(*name);
      if (!v) return "Version name '" + *name + "' is not valid";
      id = v->id;
    } else {
      const FieldOption* o = option_by_value(def, *name);
      if (!o) return "Option value '" + *name + "' is not valid";
      id = o->id;
    }
    return std::nullopt;
  }
  if (auto given = member(ref, "id")) {
    bool found = def.kind == ValueKind::kComponents ? s.component_by_id(*given) != nullptr
                 : def.kind == ValueKind::kVersions ? s.version_by_id(*given) != nullptr
                                                    : option_by_id(def, *given) != nullptr;
    if (!found) {
      if (def.kind == ValueKind::kComponents) {
        return "Component with id '" + *given + "' does not exist.";
      }
      if (def.kind == ValueKind::kVersions)
        return "Version with id '" + *given + "' does not exist.";
      return "Option id '" + *given + "' is not valid";
    }
    id = *given;
    return std::nullopt;
  }
  return invalid_ref(def);
}

// Jira returns components by name, versions and options in the order the project or field
// configuration gives them; duplicates collapse.
void normalise(const SimState& s, const FieldDef& def, std::vector<std::string>& ids) {
  auto rank = [&](const std::string& id) -> std::pair<std::string, size_t> {
    if (def.kind == ValueKind::kComponents) {
      const Component* c = s.component_by_id(id);
      return {c ? lower(c->name) : id, 0};
    }
    size_t n = 0;
    if (def.kind == ValueKind::kVersions) {
      while (n < s.versions().size() && s.versions()[n].id != id) ++n;
    } else {
      while (n < def.options.size() && def.options[n].id != id) ++n;
    }
    return {"", n};
  };
  std::sort(ids.begin(), ids.end(),
            [&](const std::string& a, const std::string& b) { return rank(a) < rank(b); });
  ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
}

json ids_to_stored(const FieldDef& def, const std::vector<std::string>& ids) {
  // An empty multiselect reads back as null; components and fixVersions as [].
  if (ids.empty() && def.kind == ValueKind::kMultiSelect) return nullptr;
  return ids;
}

std::vector<std::string> stored_ids(const json& stored) {
  return stored.is_array() ? stored.get<std::vector<std::string>>() : std::vector<std::string>{};
}

void store(Issue& issue, const FieldDef& def, const json& v) {
  switch (def.kind) {
    case ValueKind::kComponents:
      issue.components = stored_ids(v);
      return;
    case ValueKind::kVersions:
      issue.fix_versions = stored_ids(v);
      return;
    case ValueKind::kDueDate:
      issue.due_date = v.is_string() ? v.get<std::string>() : "";
      return;
    default:
      if (v.is_null()) {
        issue.custom_fields.erase(def.id);
      } else {
        issue.custom_fields[def.id] = v;
      }
  }
}

std::string number_text(double d) {
  // Jira's changelog shows 3 for 3.0 and 1500.5 as is.
  if (std::floor(d) == d && std::fabs(d) < 1e15) return std::to_string(static_cast<long long>(d));
  return json(d).dump();
}

// The datepicker's changelog string uses the site's display format, d/MMM/yy.
std::string display_date(const std::string& iso) {
  static const char* months[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                 "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  int month = std::stoi(iso.substr(5, 2));
  return std::to_string(std::stoi(iso.substr(8, 2))) + "/" + months[month - 1] + "/" +
         iso.substr(2, 2);
}

json changes(const SimState& s, const FieldDef& def, const json& from, const json& to) {
  json items = json::array();
  auto or_null = [](const json& v, auto show) { return v.is_null() ? json(nullptr) : show(v); };
  switch (def.kind) {
    case ValueKind::kComponents:
    case ValueKind::kVersions: {
      // Jira records one item per component or version removed or added.
      const bool comp = def.kind == ValueKind::kComponents;
      const std::string field = comp ? "Component" : "Fix Version";
      auto name = [&](const std::string& id) {
        if (comp) return s.component_by_id(id) ? s.component_by_id(id)->name : id;
        return s.version_by_id(id) ? s.version_by_id(id)->name : id;
      };
      auto a = stored_ids(from);
      auto b = stored_ids(to);
      for (const auto& id : a) {
        if (std::find(b.begin(), b.end(), id) == b.end()) {
          items.push_back(item(def, field, id, name(id), nullptr, nullptr));
        }
      }
      for (const auto& id : b) {
        if (std::find(a.begin(), a.end(), id) == a.end()) {
          items.push_back(item(def, field, nullptr, nullptr, id, name(id)));
        }
      }
      break;
    }
    case ValueKind::kDueDate: {
      auto text = [](const json& v) { return json(v.get<std::string>() + " 00:00:00.0"); };
      items.push_back(item(def, "duedate", from, or_null(from, text), to, or_null(to, text)));
      break;
    }
    case ValueKind::kSelect: {
      auto value = [&](const json& v) {
        const FieldOption* o = option_by_id(def, v.get<std::string>());
        return json(o ? o->value : v.get<std::string>());
      };
      items.push_back(item(def, def.name, from, or_null(from, value), to, or_null(to, value)));
      break;
    }
    case ValueKind::kMultiSelect: {
      auto ids = [](const json& v) {
        std::string out;
        for (const auto& id : v) out += (out.empty() ? "" : ", ") + id.get<std::string>();
        return json("[" + out + "]");
      };
      auto values = [&](const json& v) {
        std::string out;
        for (const auto& id : v) {
          const FieldOption* o = option_by_id(def, id.get<std::string>());
          out += (out.empty() ? "" : ",") + (o ? o->value : id.get<std::string>());
        }
        return json(out);
      };
      items.push_back(item(def, def.name, or_null(from, ids), or_null(from, values),
                           or_null(to, ids), or_null(to, values)));
      break;
    }
    case ValueKind::kDate: {
      auto text = [](const json& v) { return json(display_date(v.get<std::string>())); };
      items.push_back(item(def, def.name, from, or_null(from, text), to, or_null(to, text)));
      break;
    }
    case ValueKind::kNumber: {
      auto text = [](const json& v) { return json(number_text(v.get<double>())); };
      items.push_back(
          item(def, def.name, nullptr, or_null(from, text), nullptr, or_null(to, text)));
      break;
    }
    case ValueKind::kText:
      items.push_back(item(def, def.name, nullptr, from, nullptr, to));
      break;
    case ValueKind::kUser: {
      auto name = [&](const json& v) {
        const User* u = s.user_by_account(v.get<std::string>());
        return u ? json(u->display_name) : json(nullptr);
      };
      items.push_back(item(def, def.name, from, or_null(from, name), to, or_null(to, name)));
      break;
    }
    case ValueKind::kSpecial:
      break;
  }
  return items;
}

std::optional<std::string> apply_stored(const SimState& s, const FieldDef& def, const json& to,
                                        Issue& issue, json& items, bool record) {
  json from = stored_value(issue, def);
  if (from == to) return std::nullopt;
  if (record) {
    for (auto& i : changes(s, def, from, to)) items.push_back(std::move(i));
  }
  store(issue, def, to);
  return std::nullopt;
}

}  // namespace

bool valid_date(const std::string& d) {
  if (d.size() != 10 || d[4] != '-' || d[7] != '-') return false;
  for (size_t i : {0, 1, 2, 3, 5, 6, 8, 9}) {
    if (d[i] < '0' || d[i] > '9') return false;
  }
  int year = std::stoi(d.substr(0, 4));
  int month = std::stoi(d.substr(5, 2));
  int day = std::stoi(d.substr(8, 2));
  if (month < 1 || month > 12 || day < 1) return false;
  static const int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
  return day <= days[month - 1] + (month == 2 && leap ? 1 : 0);
}

json stored_value(const Issue& issue, const FieldDef& def) {
  switch (def.kind) {
    case ValueKind::kComponents:
      return issue.components;
    case ValueKind::kVersions:
      return issue.fix_versions;
    case ValueKind::kDueDate:
      return issue.due_date.empty() ? json(nullptr) : json(issue.due_date);
    default: {
      auto it = issue.custom_fields.find(def.id);
      return it == issue.custom_fields.end() ? json(nullptr) : it->second;
    }
  }
}

std::optional<std::string> parse_value(const SimState& s, const FieldDef& def, const json& v,
                                       json& out) {
  out = nullptr;
  switch (def.kind) {
    case ValueKind::kComponents:
    case ValueKind::kVersions:
    case ValueKind::kMultiSelect: {
      if (v.is_null()) {
        out = ids_to_stored(def, {});
        return std::nullopt;
      }
      if (!v.is_array()) return "data was not an array";
      std::vector<std::string> ids;
      for (const auto& e : v) {
        std::string id;
        if (auto err = resolve(s, def, e, id)) return err;
        ids.push_back(id);
      }
      normalise(s, def, ids);
      out = ids_to_stored(def, ids);
      return std::nullopt;
    }
    case ValueKind::kSelect: {
      if (v.is_null()) return std::nullopt;
      std::string id;
      if (auto err = resolve(s, def, v, id)) return err;
      out = id;
      return std::nullopt;
    }
    case ValueKind::kDueDate:
    case ValueKind::kDate: {
      if (v.is_null() || (v.is_string() && v.get<std::string>().empty())) return std::nullopt;
      if (v.is_string() && valid_date(v.get<std::string>())) {
        out = v;
        return std::nullopt;
      }
      if (def.kind == ValueKind::kDueDate) {
        return "Error parsing date string: " + (v.is_string() ? v.get<std::string>() : v.dump());
      }
      return def.name +
             ": You did not enter a valid date. Please enter the date in the format "
             "\"d/MMM/yy\", or use the format \"yyyy-MM-dd\".";
    }
    case ValueKind::kNumber:
      if (v.is_null()) return std::nullopt;
      if (v.is_number()) {
        out = v.get<double>();
        return std::nullopt;
      }
      if (v.is_string()) return "'" + v.get<std::string>() + "' is an invalid number";
      return "Operation value must be a number";
    case ValueKind::kText: {
      if (v.is_null()) return std::nullopt;
      if (!v.is_string()) return "Operation value must be a string";
      const std::string text = v.get<std::string>();
      const bool single_line = def.schema.value("custom", std::string()).ends_with(":textfield");
      if (single_line && text.size() > kTextFieldLimit) {
        return "The entered text is too long. It exceeds the allowed limit of 255 characters.";
      }
      // Jira stores an empty text field as no value.
      if (!text.empty()) out = text;
      return std::nullopt;
    }
    case ValueKind::kUser: {
      if (v.is_null()) return std::nullopt;
      // Cloud knows users only by account id, Data Center only by user name.
      const char* key = s.cloud() ? "accountId" : "name";
      auto given = member(v, key);
      const User* u = nullptr;
      if (given) u = s.cloud() ? s.user_by_account(*given) : s.user_by_name(*given);
      if (!u) return "User '" + (given ? *given : v.dump()) + "' does not exist.";
      out = u->account_id;
      return std::nullopt;
    }
    case ValueKind::kSpecial:
      break;
  }
  return "Field '" + def.id + "' cannot be set.";
}

std::optional<std::string> set_value(const SimState& s, const FieldDef& def, const json& v,
                                     Issue& issue, json& items, bool record) {
  json to;
  if (auto err = parse_value(s, def, v, to)) return err;
  return apply_stored(s, def, to, issue, items, record);
}

std::optional<std::string> add_or_remove_value(const SimState& s, const FieldDef& def,
                                               const std::string& verb, const json& v, Issue& issue,
                                               json& items, bool record) {
  if (!is_array_kind(def.kind)) {
    return "Field '" + def.id + "' does not support operation '" + verb + "'";
  }
  std::string id;
  if (auto err = resolve(s, def, v, id)) return err;
  std::vector<std::string> ids = stored_ids(stored_value(issue, def));
  auto it = std::find(ids.begin(), ids.end(), id);
  if (verb == "add" && it == ids.end()) ids.push_back(id);
  if (verb == "remove" && it != ids.end()) ids.erase(it);
  normalise(s, def, ids);
  return apply_stored(s, def, ids_to_stored(def, ids), issue, items, record);
}

json dump_value(const SimState& s, const FieldDef& def, const Issue& issue) {
  const json stored = stored_value(issue, def);
  switch (def.kind) {
    case ValueKind::kComponents:
    case ValueKind::kVersions: {
      json names = json::array();
      for (const auto& id : stored_ids(stored)) {
        const Component* c = s.component_by_id(id);
        const Version* v = s.version_by_id(id);
        names.push_back(def.kind == ValueKind::kComponents ? (c ? c->name : id)
                                                           : (v ? v->name : id));
      }
      return names;
    }
    case ValueKind::kSelect: {
      if (stored.is_null()) return nullptr;
      const FieldOption* o = option_by_id(def, stored.get<std::string>());
      return o ? json(o->value) : stored;
    }
    case ValueKind::kMultiSelect: {
      if (stored.is_null()) return nullptr;
      json values = json::array();
      for (const auto& id : stored_ids(stored)) {
        const FieldOption* o = option_by_id(def, id);
        values.push_back(o ? o->value : id);
      }
      return values;
    }
    default:
      return stored;
  }
}

void load_value(const SimState& s, const FieldDef& def, const json& v, Issue& issue) {
  // The dump names things; turn each name into the reference REST takes and reuse its checks.
  auto ref = [&](const json& e) -> json {
    if (!e.is_string()) return e;
    const std::string x = e.get<std::string>();
    // An id only when it is one, so that a misspelt name is reported as a name.
    switch (def.kind) {
      case ValueKind::kComponents:
        return s.component_by_id(x) ? json{{"id", x}} : json{{"name", x}};
      case ValueKind::kVersions:
        return s.version_by_id(x) ? json{{"id", x}} : json{{"name", x}};
      default:
        return option_by_id(def, x) ? json{{"id", x}} : json{{"value", x}};
    }
  };
  json rest = v;
  if (is_array_kind(def.kind) && v.is_array()) {
    rest = json::array();
    for (const auto& e : v) rest.push_back(ref(e));
  } else if (def.kind == ValueKind::kSelect && v.is_string()) {
    rest = ref(v);
  } else if (def.kind == ValueKind::kUser && v.is_string()) {
    const std::string x = v.get<std::string>();
    const User* u = s.user_by_account(x);
    if (!u) u = s.user_by_name(x);
    rest = s.cloud() ? json{{"accountId", u ? u->account_id : x}} : json{{"name", u ? u->name : x}};
  } else if (def.kind == ValueKind::kSelect || def.kind == ValueKind::kUser) {
    if (!v.is_null()) throw std::runtime_error(def.id + ": expected a string");
  }
  json stored;
  if (auto err = parse_value(s, def, rest, stored)) throw std::runtime_error(def.id + ": " + *err);
  store(issue, def, stored);
}

}  // namespace jira_sim
