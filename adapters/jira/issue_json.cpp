#include "jira/issue_json.h"

#include <cstdlib>
#include <sstream>

#include "richtext/adf.h"
#include "richtext/wiki.h"

namespace epicsync::jira {
namespace {

using nlohmann::json;

std::string str(const json& j, const char* name) {
  if (!j.is_object()) return {};
  auto it = j.find(name);
  if (it == j.end() || !it->is_string()) return {};
  return it->get<std::string>();
}

json user_value(const std::string& who, tracker::Deployment d) {
  if (who.empty()) return nullptr;
  return d == tracker::Deployment::kCloud ? json{{"accountId", who}} : json{{"name", who}};
}

void put_common(json& fields, const std::optional<double>& points,
                const std::optional<std::string>& priority,
                const std::optional<std::vector<std::string>>& labels,
                const std::optional<std::string>& assignee, const tracker::FieldValues& extra,
                bool create, const tracker::TrackerInfo& info, const FieldIds& ids) {
  if (points && !ids.story_points.empty()) fields[ids.story_points] = *points;
  if (priority) fields["priority"] = {{"name", *priority}};
  if (labels) fields["labels"] = *labels;
  if (assignee) fields["assignee"] = user_value(*assignee, info.deployment);
  for (const auto& [key, value] : extra) {
    const tracker::FieldSpec* spec = tracker::find_spec(ids.extra, key);
    if (!spec) spec = tracker::find_spec(info.fields, key);
    // A new issue starts with the field empty: nothing to send for an empty value.
    if (!spec || (create && value.empty())) continue;
    fields[key] = field_value_json(*spec, value, info.deployment);
  }
}

// The name of each object of a list ("components": [{"name": "API"}]) or its option value.
std::vector<std::string> member_texts(const json& v, const char* member) {
  std::vector<std::string> out;
  if (!v.is_array()) return out;
  for (const auto& item : v) {
    if (item.is_string()) {
      out.push_back(item.get<std::string>());
    } else {
      std::string s = str(item, member);
      if (!s.empty()) out.push_back(std::move(s));
    }
  }
  return out;
}

}  // namespace

std::vector<std::string> search_fields(const FieldIds& ids) {
  std::vector<std::string> out = {"summary",    "description", "status",  "priority", "labels",
                                  "assignee",   "issuetype",   "parent",  "subtasks", "issuelinks",
                                  "resolution", "comment",     "created", "updated"};
  if (!ids.story_points.empty()) out.push_back(ids.story_points);
  if (!ids.epic_link.empty()) out.push_back(ids.epic_link);
  for (const auto& spec : ids.extra) out.push_back(spec.key);
  return out;
}

tracker::FieldValue field_value_from_json(const tracker::FieldSpec& spec, const json& v) {
  using tracker::FieldKind;
  tracker::FieldValue out;
  switch (spec.kind) {
    case FieldKind::kComponents:
    case FieldKind::kVersions:
      out = member_texts(v, "name");
      break;
    case FieldKind::kOptions:
      out = member_texts(v, "value");
      break;
    case FieldKind::kOption:
      if (v.is_object() && !str(v, "value").empty()) out.push_back(str(v, "value"));
      break;
    case FieldKind::kUser:
      if (v.is_object()) {
        std::string who = str(v, "accountId");
        if (who.empty()) who = str(v, "name");
        if (!who.empty()) out.push_back(std::move(who));
      }
      break;
    case FieldKind::kNumber:
      if (v.is_number()) {
        std::ostringstream s;
        s.precision(15);
        s << v.get<double>();
        out.push_back(s.str());
      }
      break;
    case FieldKind::kDate:
    case FieldKind::kText:
      if (v.is_string() && !v.get<std::string>().empty()) out.push_back(v.get<std::string>());
      break;
    case FieldKind::kUnsupported:
      break;
  }
  return tracker::canonical(spec.kind, std::move(out));
}

json field_value_json(const tracker::FieldSpec& spec, const tracker::FieldValue& value,
                      tracker::Deployment deployment) {
  using tracker::FieldKind;
  auto list = [&](const char* member) {
    json out = json::array();
    for (const auto& v : value) out.push_back({{member, v}});
    return out;
  };
  switch (spec.kind) {
    case FieldKind::kComponents:
    case FieldKind::kVersions:
      return list("name");
    case FieldKind::kOptions:
      return list("value");
    case FieldKind::kOption:
      return value.empty() ? json(nullptr) : json{{"value", value[0]}};
    case FieldKind::kUser:
      return value.empty() ? json(nullptr) : user_value(value[0], deployment);
    case FieldKind::kNumber:
      return value.empty() ? json(nullptr) : json(std::strtod(value[0].c_str(), nullptr));
    case FieldKind::kDate:
    case FieldKind::kText:
      return value.empty() ? json(nullptr) : json(value[0]);
    case FieldKind::kUnsupported:
      break;
  }
  return nullptr;
}

tracker::StatusCategory category_from_key(const std::string& key) {
  if (key == "new") return tracker::StatusCategory::kToDo;
  if (key == "indeterminate") return tracker::StatusCategory::kInProgress;
  if (key == "done") return tracker::StatusCategory::kDone;
  return tracker::StatusCategory::kUnknown;
}

tracker::RemoteIssue issue_from_json(const json& issue, const FieldIds& ids,
                                     tracker::Deployment deployment) {
  tracker::RemoteIssue r;
  r.id = str(issue, "id");
  r.key = str(issue, "key");
  const json empty = json::object();
  const json& f = issue.contains("fields") && issue["fields"].is_object() ? issue["fields"] : empty;
  r.summary = str(f, "summary");
  if (auto d = f.find("description"); d != f.end() && !d->is_null()) {
    if (d->is_string()) {
      r.description = {tracker::RichText::Format::kWiki, d->get<std::string>()};
    } else {
      r.description = {tracker::RichText::Format::kAdf, d->dump()};
    }
  }
  (void)deployment;
  if (auto t = f.find("issuetype"); t != f.end() && t->is_object()) {
    r.type_id = str(*t, "id");
    r.type_name = str(*t, "name");
    r.subtask = t->value("subtask", false);
  }
  if (auto s = f.find("status"); s != f.end() && s->is_object()) {
    r.status.id = str(*s, "id");
    r.status.name = str(*s, "name");
    if (auto c = s->find("statusCategory"); c != s->end()) {
      r.status.category = category_from_key(str(*c, "key"));
    }
  }
  if (auto res = f.find("resolution"); res != f.end() && res->is_object()) {
    r.resolution = str(*res, "name");
  }
  if (auto p = f.find("priority"); p != f.end() && p->is_object()) {
    r.priority_id = str(*p, "id");
    r.priority_name = str(*p, "name");
  }
  if (auto l = f.find("labels"); l != f.end() && l->is_array()) {
    for (const auto& label : *l) {
      if (label.is_string()) r.labels.push_back(label.get<std::string>());
    }
  }
  if (auto a = f.find("assignee"); a != f.end() && a->is_object()) {
    r.assignee = str(*a, "accountId");
    if (r.assignee.empty()) r.assignee = str(*a, "name");
    r.assignee_display = str(*a, "displayName");
  }
  if (auto p = f.find("parent"); p != f.end() && p->is_object()) r.parent_key = str(*p, "key");
  if (!ids.epic_link.empty() && r.parent_key.empty()) {
    if (auto e = f.find(ids.epic_link); e != f.end() && e->is_string()) {
      r.parent_key = e->get<std::string>();
    }
  }
  if (!ids.story_points.empty()) {
    if (auto sp = f.find(ids.story_points); sp != f.end() && sp->is_number()) {
      r.points = sp->get<double>();
    }
  }
  for (const auto& spec : ids.extra) {
    auto v = f.find(spec.key);
    r.fields[spec.key] = field_value_from_json(spec, v == f.end() ? json(nullptr) : *v);
  }
  if (auto st = f.find("subtasks"); st != f.end() && st->is_array()) {
    for (const auto& s : *st) r.subtask_keys.push_back(str(s, "key"));
  }
  if (auto links = f.find("issuelinks"); links != f.end() && links->is_array()) {
    for (const auto& l : *links) {
      tracker::RemoteLink link;
      link.id = str(l, "id");
      const json type = l.value("type", json::object());
      link.type_name = str(type, "name");
      if (l.contains("outwardIssue")) {
        link.phrase = str(type, "outward");
        link.other_key = str(l["outwardIssue"], "key");
      } else if (l.contains("inwardIssue")) {
        link.phrase = str(type, "inward");
        link.other_key = str(l["inwardIssue"], "key");
      }
      r.links.push_back(std::move(link));
    }
  }
  if (auto c = f.find("comment"); c != f.end() && c->is_object() && c->contains("comments")) {
    for (const auto& one : (*c)["comments"]) {
      tracker::RemoteComment comment;
      comment.id = str(one, "id");
      if (one.contains("body") && one["body"].is_string()) {
        comment.body = {tracker::RichText::Format::kWiki, one["body"].get<std::string>()};
      } else if (one.contains("body") && one["body"].is_object()) {
        comment.body = {tracker::RichText::Format::kAdf, one["body"].dump()};
      }
      if (one.contains("author") && one["author"].is_object()) {
        comment.author = str(one["author"], "accountId");
        if (comment.author.empty()) comment.author = str(one["author"], "name");
        comment.author_display = str(one["author"], "displayName");
      }
      comment.created = str(one, "created");
      r.comments.push_back(std::move(comment));
    }
  }
  r.created = str(f, "created");
  r.updated = str(f, "updated");
  if (auto props = issue.find("properties"); props != issue.end() && props->is_object()) {
    for (const auto& [k, v] : props->items()) r.properties[k] = v.dump();
  }
  return r;
}

json rich_text_value(const std::string& markdown, tracker::Deployment deployment) {
  if (deployment == tracker::Deployment::kCloud) return richtext::markdown_to_adf(markdown);
  return richtext::markdown_to_wiki(markdown);
}

epicsync::Result<json> raw_rich_text_value(const tracker::RichText& text,
                                           tracker::Deployment deployment) {
  const bool cloud = deployment == tracker::Deployment::kCloud;
  switch (text.format) {
    case tracker::RichText::Format::kEmpty:
      return json(nullptr);
    case tracker::RichText::Format::kWiki:
      if (cloud) return richtext::wiki_to_adf(text.raw);
      return json(text.raw);
    case tracker::RichText::Format::kAdf: {
      json doc = json::parse(text.raw, nullptr, false);
      if (doc.is_discarded() || !doc.is_object()) {
        return epicsync::Error{epicsync::ErrorKind::kInternal,
                               "rich text held as ADF is not a JSON document", ""};
      }
      if (!cloud) return json(richtext::adf_to_wiki(doc));
      return doc;
    }
  }
  return json(nullptr);
}

epicsync::Result<json> create_payload(const tracker::IssueDraft& d,
                                      const tracker::TrackerInfo& info, const FieldIds& ids) {
  json fields = {
      {"project", {{"key", info.project_key}}},
      {"issuetype", {{"id", d.subtask ? info.subtask_type_id : info.story_type_id}}},
      {"summary", d.summary},
  };
  if (d.description_raw) {
    auto description = raw_rich_text_value(*d.description_raw, info.deployment);
    if (!description) return description.error();
    if (!description->is_null()) fields["description"] = std::move(*description);
  } else if (!d.description_markdown.empty()) {
    fields["description"] = rich_text_value(d.description_markdown, info.deployment);
  }
  if (!d.parent_key.empty()) {
    if (!d.subtask && !ids.epic_link.empty()) {
      fields[ids.epic_link] = d.parent_key;
    } else {
      fields["parent"] = {{"key", d.parent_key}};
    }
  }
  put_common(fields, d.points, d.priority_name, d.labels, d.assignee, d.fields, true, info, ids);
  json payload = {{"fields", fields}};
  if (!d.identity.empty()) {
    json value = {{"id", d.identity}};
    if (!d.epic_key.empty()) value["epic"] = d.epic_key;
    if (!d.base.empty()) value["base"] = d.base;
    if (!d.run.empty()) value["run"] = value["created_by"] = d.run;
    payload["properties"] = json::array({{{"key", kPropertyKey}, {"value", value}}});
  }
  return payload;
}

json property_list(const std::string& property_json) {
  json value = json::parse(property_json, nullptr, false);
  if (value.is_discarded()) value = property_json;
  return json::array({{{"key", kPropertyKey}, {"value", value}}});
}

epicsync::Result<json> update_payload(const tracker::FieldChanges& c,
                                      const tracker::TrackerInfo& info, const FieldIds& ids) {
  json fields = json::object();
  if (c.summary) fields["summary"] = *c.summary;
  if (c.description_raw) {
    auto description = raw_rich_text_value(*c.description_raw, info.deployment);
    if (!description) return description.error();
    fields["description"] = std::move(*description);
  } else if (c.description_markdown) {
    fields["description"] = c.description_markdown->empty()
                                ? json(nullptr)
                                : rich_text_value(*c.description_markdown, info.deployment);
  }
  if (c.points && !ids.story_points.empty()) {
    fields[ids.story_points] = c.points->has_value() ? json(**c.points) : json(nullptr);
  }
  put_common(fields, std::nullopt, c.priority_name, c.labels, c.assignee, c.fields, false, info,
             ids);
  json payload = {{"fields", fields}};
  if (c.property_json && info.deployment == tracker::Deployment::kCloud) {
    payload["properties"] = property_list(*c.property_json);
  }
  return payload;
}

}  // namespace epicsync::jira
