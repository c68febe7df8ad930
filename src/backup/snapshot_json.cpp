#include "backup/snapshot_json.h"

#include <stdexcept>
#include <string>

namespace epicsync::backup {
namespace {

using nlohmann::json;
using tracker::RemoteIssue;
using tracker::RichText;
using tracker::StatusCategory;

// Thrown only inside this file, to unwind to snapshot_from_json with the field's path.
struct BadField : std::runtime_error {
  using std::runtime_error::runtime_error;
};

const char* category_name(StatusCategory c) {
  switch (c) {
    case StatusCategory::kToDo:
      return "to_do";
    case StatusCategory::kInProgress:
      return "in_progress";
    case StatusCategory::kDone:
      return "done";
    case StatusCategory::kUnknown:
      return "unknown";
  }
  return "unknown";
}

const char* format_name(RichText::Format f) {
  switch (f) {
    case RichText::Format::kEmpty:
      return "empty";
    case RichText::Format::kAdf:
      return "adf";
    case RichText::Format::kWiki:
      return "wiki";
  }
  return "empty";
}

json issue_to_json(const RemoteIssue& i) {
  json links = json::array();
  for (const auto& l : i.links) {
    links.push_back({{"id", l.id},
                     {"type_name", l.type_name},
                     {"phrase", l.phrase},
                     {"other_key", l.other_key}});
  }
  json comments = json::array();
  for (const auto& c : i.comments) {
    json one = {{"id", c.id},
                {"body", {{"format", format_name(c.body.format)}, {"raw", c.body.raw}}},
                {"author", c.author},
                {"created", c.created}};
    if (!c.author_display.empty()) one["author_display"] = c.author_display;
    comments.push_back(std::move(one));
  }
  json properties = json::object();
  for (const auto& [k, v] : i.properties) properties[k] = v;
  json fields = json::object();
  for (const auto& [k, v] : i.fields) fields[k] = v;
  return {
      {"id", i.id},
      {"key", i.key},
      {"type_id", i.type_id},
      {"type_name", i.type_name},
      {"subtask", i.subtask},
      {"parent_key", i.parent_key},
      {"summary", i.summary},
      {"description", {{"format", format_name(i.description.format)}, {"raw", i.description.raw}}},
      {"points", i.points ? json(*i.points) : json(nullptr)},
      {"priority_id", i.priority_id},
      {"priority_name", i.priority_name},
      {"labels", i.labels},
      {"assignee", i.assignee},
      {"assignee_display", i.assignee_display},
      {"fields", std::move(fields)},
      {"status",
       {{"id", i.status.id},
        {"name", i.status.name},
        {"category", category_name(i.status.category)}}},
      {"resolution", i.resolution},
      {"subtask_keys", i.subtask_keys},
      {"links", std::move(links)},
      {"comments", std::move(comments)},
      {"created", i.created},
      {"updated", i.updated},
      {"properties", std::move(properties)},
  };
}

const json* member(const json& obj, const char* name, const std::string& path) {
  if (!obj.is_object()) throw BadField(path + ": expected an object");
  auto it = obj.find(name);
  return it == obj.end() || it->is_null() ? nullptr : &*it;
}

void read_string(const json& obj, const char* name, std::string& out, const std::string& path) {
  const json* v = member(obj, name, path);
  if (!v) return;
  if (!v->is_string()) throw BadField(path + "." + name + ": expected a string");
  out = v->get<std::string>();
}

void read_strings(const json& obj, const char* name, std::vector<std::string>& out,
                  const std::string& path) {
  const json* v = member(obj, name, path);
  if (!v) return;
  if (!v->is_array()) throw BadField(path + "." + name + ": expected an array");
  for (size_t n = 0; n < v->size(); ++n) {
    if (!(*v)[n].is_string()) {
      throw BadField(path + "." + name + "[" + std::to_string(n) + "]: expected a string");
    }
    out.push_back((*v)[n].get<std::string>());
  }
}

RichText rich_text_from_json(const json& d, const std::string& path) {
  RichText text;
  std::string format = "empty";
  read_string(d, "format", format, path);
  if (format == "adf") {
    text.format = RichText::Format::kAdf;
  } else if (format == "wiki") {
    text.format = RichText::Format::kWiki;
  } else if (format != "empty") {
    throw BadField(path + ".format: unknown format \"" + format + "\"");
  }
  read_string(d, "raw", text.raw, path);
  return text;
}

RemoteIssue issue_from_json(const json& j, const std::string& path) {
  RemoteIssue i;
  if (!j.is_object()) throw BadField(path + ": expected an object");
  read_string(j, "id", i.id, path);
  read_string(j, "key", i.key, path);
  read_string(j, "type_id", i.type_id, path);
  read_string(j, "type_name", i.type_name, path);
  if (const json* v = member(j, "subtask", path)) {
    if (!v->is_boolean()) throw BadField(path + ".subtask: expected true or false");
    i.subtask = v->get<bool>();
  }
  read_string(j, "parent_key", i.parent_key, path);
  read_string(j, "summary", i.summary, path);
  if (const json* d = member(j, "description", path)) {
    i.description = rich_text_from_json(*d, path + ".description");
  }
  if (const json* v = member(j, "points", path)) {
    if (!v->is_number()) throw BadField(path + ".points: expected a number or null");
    i.points = v->get<double>();
  }
  read_string(j, "priority_id", i.priority_id, path);
  read_string(j, "priority_name", i.priority_name, path);
  read_strings(j, "labels", i.labels, path);
  read_string(j, "assignee", i.assignee, path);
  read_string(j, "assignee_display", i.assignee_display, path);
  // Backups before the field table have no "fields": nothing was read, nothing is restored.
  if (const json* f = member(j, "fields", path)) {
    if (!f->is_object()) throw BadField(path + ".fields: expected an object");
    for (const auto& [k, v] : f->items()) {
      if (!v.is_array()) throw BadField(path + ".fields." + k + ": expected a list of strings");
      std::vector<std::string> values;
      for (const auto& item : v) {
        if (!item.is_string()) {
          throw BadField(path + ".fields." + k + ": expected a list of strings");
        }
        values.push_back(item.get<std::string>());
      }
      i.fields[k] = std::move(values);
    }
  }
  if (const json* s = member(j, "status", path)) {
    read_string(*s, "id", i.status.id, path + ".status");
    read_string(*s, "name", i.status.name, path + ".status");
    std::string category = "unknown";
    read_string(*s, "category", category, path + ".status");
    if (category == "to_do") {
      i.status.category = StatusCategory::kToDo;
    } else if (category == "in_progress") {
      i.status.category = StatusCategory::kInProgress;
    } else if (category == "done") {
      i.status.category = StatusCategory::kDone;
    } else {
      // A category this version does not know is still a status; keep the rest of it.
      i.status.category = StatusCategory::kUnknown;
    }
  }
  read_strings(j, "subtask_keys", i.subtask_keys, path);
  if (const json* v = member(j, "links", path)) {
    if (!v->is_array()) throw BadField(path + ".links: expected an array");
    for (size_t n = 0; n < v->size(); ++n) {
      std::string lp = path + ".links[" + std::to_string(n) + "]";
      tracker::RemoteLink link;
      read_string((*v)[n], "id", link.id, lp);
      read_string((*v)[n], "type_name", link.type_name, lp);
      read_string((*v)[n], "phrase", link.phrase, lp);
      read_string((*v)[n], "other_key", link.other_key, lp);
      i.links.push_back(std::move(link));
    }
  }
  read_string(j, "resolution", i.resolution, path);
  if (const json* v = member(j, "comments", path)) {
    if (!v->is_array()) throw BadField(path + ".comments: expected an array");
    for (size_t n = 0; n < v->size(); ++n) {
      const std::string cp = path + ".comments[" + std::to_string(n) + "]";
      tracker::RemoteComment c;
      read_string((*v)[n], "id", c.id, cp);
      if (const json* b = member((*v)[n], "body", cp))
        c.body = rich_text_from_json(*b, cp + ".body");
      read_string((*v)[n], "author", c.author, cp);
      read_string((*v)[n], "created", c.created, cp);
      read_string((*v)[n], "author_display", c.author_display, cp);
      i.comments.push_back(std::move(c));
    }
  }
  read_string(j, "created", i.created, path);
  read_string(j, "updated", i.updated, path);
  if (const json* v = member(j, "properties", path)) {
    if (!v->is_object()) throw BadField(path + ".properties: expected an object");
    for (const auto& [k, value] : v->items()) {
      if (!value.is_string()) {
        throw BadField(path + ".properties." + k + ": expected a string (JSON text)");
      }
      i.properties[k] = value.get<std::string>();
    }
  }
  return i;
}

std::vector<RemoteIssue> issues_from_json(const json& j, const char* name) {
  std::vector<RemoteIssue> out;
  const json* v = member(j, name, "snapshot");
  if (!v) return out;
  if (!v->is_array()) throw BadField(std::string("snapshot.") + name + ": expected an array");
  for (size_t n = 0; n < v->size(); ++n) {
    out.push_back(issue_from_json((*v)[n], std::string(name) + "[" + std::to_string(n) + "]"));
  }
  return out;
}

}  // namespace

json snapshot_to_json(const tracker::EpicSnapshot& snapshot) {
  json stories = json::array();
  for (const auto& s : snapshot.stories) stories.push_back(issue_to_json(s));
  json subtasks = json::array();
  for (const auto& s : snapshot.subtasks) subtasks.push_back(issue_to_json(s));
  return {{"epic", issue_to_json(snapshot.epic)},
          {"stories", std::move(stories)},
          {"subtasks", std::move(subtasks)}};
}

Result<tracker::EpicSnapshot> snapshot_from_json(const json& j) {
  try {
    tracker::EpicSnapshot s;
    const json* epic = member(j, "epic", "snapshot");
    if (!epic) throw BadField("snapshot.epic: missing");
    s.epic = issue_from_json(*epic, "epic");
    s.stories = issues_from_json(j, "stories");
    s.subtasks = issues_from_json(j, "subtasks");
    return s;
  } catch (const std::exception& e) {
    return Error{ErrorKind::kInputFile, std::string("not a valid snapshot: ") + e.what(), ""};
  }
}

}  // namespace epicsync::backup
