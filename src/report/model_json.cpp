#include "report/model_json.h"

namespace epicsync::report {
namespace {

using nlohmann::json;

json pos_json(const model::SourcePos& pos) {
  return {{"line", pos.line}, {"column", pos.column}};
}

template <typename Meaning>
json written_json(const std::optional<model::Written<Meaning>>& w) {
  if (!w) return nullptr;
  return {{"meaning", model::to_id(w->meaning)}, {"text", w->text}};
}

// A status of the team's workflow has no meaning: it carries the name it is matched by.
json written_json(const std::optional<model::Status>& s) {
  if (!s) return nullptr;
  if (s->by_name()) return {{"meaning", nullptr}, {"name", s->named}, {"text", s->text}};
  return {{"meaning", model::to_id(s->meaning)}, {"text", s->text}};
}

template <typename T>
json optional_json(const std::optional<T>& v) {
  if (!v) return nullptr;
  return json(*v);
}

const char* kind_id(model::SectionKind kind) {
  switch (kind) {
    case model::SectionKind::kDescription:
      return "description";
    case model::SectionKind::kAcceptanceCriteria:
      return "acceptance_criteria";
    case model::SectionKind::kTechnicalNotes:
      return "technical_notes";
    case model::SectionKind::kOther:
      return "other";
  }
  return "other";
}

// The field table's fields as the file writes them; their values are checked when a plan is made.
json settings_json(const std::vector<model::FieldSetting>& fields) {
  json out = json::array();
  for (const auto& f : fields) {
    out.push_back(
        {{"field", f.field}, {"name", f.name}, {"value", f.value}, {"position", pos_json(f.pos)}});
  }
  return out;
}

json story_json(const model::Story& s) {
  json j = {
      {"id", s.id},
      {"title", s.title},
      {"position", pos_json(s.pos)},
      {"points", optional_json(s.points)},
      {"priority", written_json(s.priority)},
      {"status", written_json(s.status)},
      {"assignee", optional_json(s.assignee)},
      {"labels", optional_json(s.labels)},
      {"tracker_key", optional_json(s.tracker_key)},
      {"description", s.description},
      {"technical_notes", s.technical_notes},
  };
  j["acceptance_criteria"] = json::array();
  for (const auto& c : s.acceptance_criteria) {
    j["acceptance_criteria"].push_back(
        {{"text", c.text}, {"checked", c.checked}, {"position", pos_json(c.pos)}});
  }
  j["sections"] = json::array();
  for (const auto& p : s.description_parts) {
    j["sections"].push_back({{"kind", kind_id(p.kind)},
                             {"heading", p.section.heading},
                             {"markdown", p.section.markdown},
                             {"position", pos_json(p.section.pos)}});
  }
  j["subtasks"] = json::array();
  for (const auto& st : s.subtasks) {
    j["subtasks"].push_back({{"number", optional_json(st.number)},
                             {"name", st.name},
                             {"description", st.description},
                             {"points", optional_json(st.points)},
                             {"status", written_json(st.status)},
                             {"tracker_key", optional_json(st.tracker_key)},
                             {"local_id", optional_json(st.local_id)},
                             {"position", pos_json(st.pos)}});
  }
  j["commits"] = json::array();
  for (const auto& c : s.commits) {
    j["commits"].push_back({{"sha", c.sha}, {"message", c.message}, {"position", pos_json(c.pos)}});
  }
  j["comments"] = json::array();
  for (const auto& c : s.comments) {
    j["comments"].push_back(
        {{"author", c.author}, {"date", c.date}, {"body", c.body}, {"position", pos_json(c.pos)}});
  }
  j["links"] = json::array();
  for (const auto& l : s.links) {
    j["links"].push_back({{"type", l.type}, {"target", l.target}, {"position", pos_json(l.pos)}});
  }
  j["attachments"] = json::array();
  for (const auto& a : s.attachments) {
    j["attachments"].push_back({{"name", a.name}, {"path", a.path}, {"position", pos_json(a.pos)}});
  }
  j["fields"] = settings_json(s.fields);
  j["unknown_fields"] = json::array();
  for (const auto& f : s.unknown_fields) {
    j["unknown_fields"].push_back(
        {{"name", f.name}, {"value", f.value}, {"position", pos_json(f.pos)}});
  }
  return j;
}

}  // namespace

nlohmann::json epic_to_json(const model::Epic& epic) {
  json j = {
      {"title", epic.title},
      {"key", optional_json(epic.key)},
      {"description", epic.description},
      {"status", written_json(epic.status)},
      {"labels", optional_json(epic.labels)},
      {"priority", written_json(epic.priority)},
  };
  j["metadata"] = json::array();
  for (const auto& f : epic.metadata) {
    j["metadata"].push_back({{"name", f.name}, {"value", f.value}, {"position", pos_json(f.pos)}});
  }
  j["fields"] = settings_json(epic.fields);
  j["stories"] = json::array();
  for (const auto& s : epic.stories) j["stories"].push_back(story_json(s));
  return j;
}

nlohmann::json diagnostics_to_json(const std::vector<model::Diagnostic>& diagnostics) {
  json out = json::array();
  for (const auto& d : diagnostics) {
    out.push_back({{"severity", d.severity == model::Severity::kError ? "error" : "warning"},
                   {"line", d.pos.line},
                   {"column", d.pos.column},
                   {"message", d.message},
                   {"hint", d.hint}});
  }
  return out;
}

}  // namespace epicsync::report
