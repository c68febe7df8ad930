#include "state.h"

#include <stdexcept>

#include "adf_check.h"
#include "field_values.h"
#include "http_util.h"

namespace jira_sim {

SimState::SimState(const SimOptions& options)
    : flavour_(options.flavour),
      style_(options.style),
      project_key_(options.project_key),
      project_name_(options.project_name),
      frozen_clock_(options.frozen_clock) {
  users_ = {{"557058:0f3c1a2b-sim-0001", "sim", "Sim User", options.email},
            {"557058:0f3c1a2b-sim-0002", "other", "Other User", "other@example.com"}};
  issue_types_ = {{"10000", "Epic", false, 1},
                  {"10001", "Story", false, 0},
                  {"10002", "Task", false, 0},
                  {"10003", "Sub-task", true, -1}};
  priorities_ = {{"1", "Highest"}, {"2", "High"}, {"3", "Medium"}, {"4", "Low"}, {"5", "Lowest"}};
  resolutions_ = {{"10000", "Done"}, {"10001", "Won't Do"}, {"10002", "Duplicate"}};
  link_types_ = {{"10000", "Blocks", "is blocked by", "blocks"},
                 {"10001", "Cloners", "is cloned by", "clones"},
                 {"10002", "Duplicate", "is duplicated by", "duplicates"},
                 {"10003", "Relates", "relates to", "relates to"}};
  components_ = {
      {"10200", "Backend"}, {"10201", "Frontend"}, {"10202", "API"}, {"10203", "Search"}};
  versions_ = {{"10300", "1.0", true}, {"10301", "1.1", false}, {"10302", "2.0", false}};
}

void SimState::set_resolutions(const std::vector<std::string>& names) {
  resolutions_.clear();
  for (size_t i = 0; i < names.size(); ++i) {
    resolutions_.push_back({std::to_string(10000 + i), names[i]});
  }
}

const User* SimState::user_by_account(const std::string& account_id) const {
  for (const auto& u : users_) {
    if (u.account_id == account_id) return &u;
  }
  return nullptr;
}

const User* SimState::user_by_name(const std::string& name) const {
  for (const auto& u : users_) {
    if (u.name == name) return &u;
  }
  return nullptr;
}

const IssueType* SimState::issue_type(const std::string& id_or_name) const {
  for (const auto& t : issue_types_) {
    if (t.id == id_or_name || iequals(t.name, id_or_name)) return &t;
  }
  return nullptr;
}

const Priority* SimState::priority(const std::string& id_or_name) const {
  for (const auto& p : priorities_) {
    if (p.id == id_or_name || iequals(p.name, id_or_name)) return &p;
  }
  return nullptr;
}

const Resolution* SimState::resolution(const std::string& id_or_name) const {
  for (const auto& r : resolutions_) {
    if (r.id == id_or_name || iequals(r.name, id_or_name)) return &r;
  }
  return nullptr;
}

const LinkType* SimState::link_type(const std::string& id_or_name) const {
  for (const auto& t : link_types_) {
    if (t.id == id_or_name || iequals(t.name, id_or_name)) return &t;
  }
  return nullptr;
}

const Component* SimState::component_by_id(const std::string& id) const {
  for (const auto& c : components_) {
    if (c.id == id) return &c;
  }
  return nullptr;
}

const Component* SimState::component_by_name(const std::string& name) const {
  for (const auto& c : components_) {
    if (c.name == name) return &c;
  }
  return nullptr;
}

const Version* SimState::version_by_id(const std::string& id) const {
  for (const auto& v : versions_) {
    if (v.id == id) return &v;
  }
  return nullptr;
}

const Version* SimState::version_by_name(const std::string& name) const {
  for (const auto& v : versions_) {
    if (v.name == name) return &v;
  }
  return nullptr;
}

long long SimState::now_ms() {
  if (frozen_clock_) {
    frozen_ms_ += 1000;
    return frozen_ms_;
  }
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

Issue* SimState::find(const std::string& id_or_key) {
  return const_cast<Issue*>(static_cast<const SimState*>(this)->find(id_or_key));
}

const Issue* SimState::find(const std::string& id_or_key) const {
  auto k = by_key_.find(id_or_key);
  if (k == by_key_.end()) {
    // Keys are case-insensitive in Jira: proj-1 finds PROJ-1.
    std::string upper;
    for (char c : id_or_key)
      upper += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    k = by_key_.find(upper);
  }
  if (k != by_key_.end()) return &issues_.at(k->second);
  if (!id_or_key.empty() && id_or_key.find_first_not_of("0123456789") == std::string::npos &&
      id_or_key.size() < 18) {
    auto it = issues_.find(std::stol(id_or_key));
    if (it != issues_.end()) return &it->second;
  }
  return nullptr;
}

Issue& SimState::add_issue(Issue issue) {
  issue.id = next_issue_id_++;
  issue.key = project_key_ + "-" + std::to_string(next_issue_number_++);
  issue.created = issue.updated = now_ms();
  issue.indexed_at = std::chrono::steady_clock::now();
  by_key_[issue.key] = issue.id;
  return issues_[issue.id] = std::move(issue);
}

void SimState::remove_issue(const std::string& key) {
  auto k = by_key_.find(key);
  if (k == by_key_.end()) return;
  issues_.erase(k->second);
  by_key_.erase(k);
  for (auto it = links_.begin(); it != links_.end();) {
    if (it->second.inward_key == key || it->second.outward_key == key) {
      it = links_.erase(it);
    } else {
      ++it;
    }
  }
}

std::vector<const Issue*> SimState::children_of(const std::string& key) const {
  std::vector<const Issue*> out;
  for (const auto& [id, issue] : issues_) {
    if (issue.parent_key == key || issue.epic_link == key) out.push_back(&issue);
  }
  return out;
}

void SimState::seed(const std::string& initial_status) {
  Issue epic;
  epic.type_id = "10000";
  epic.status_id = initial_status;
  epic.summary = "Demo epic";
  std::string text = "An epic seeded by jira-sim so there is something to sync.";
  epic.description = cloud() ? text_to_adf(text) : json(text);
  epic.priority_id = "3";
  epic.reporter = me().account_id;
  // Seeded data predates the run, so the search index already has it.
  add_issue(std::move(epic)).indexed_at = {};
}

void SimState::clear() {
  issues_.clear();
  by_key_.clear();
  links_.clear();
  next_issue_id_ = 10000;
  next_issue_number_ = 1;
  next_comment_id_ = 10000;
  next_changelog_id_ = 10000;
  next_link_id_ = 10000;
}

json SimState::dump() const {
  json issues = json::array();
  for (const auto& [id, i] : issues_) {
    json comments = json::array();
    for (const auto& c : i.comments) {
      comments.push_back({{"id", c.id},
                          {"author", c.author},
                          {"body", c.body},
                          {"created", c.created},
                          {"updated", c.updated}});
    }
    json props = json::object();
    for (const auto& [k, v] : i.properties) props[k] = v;
    json custom = json::object();
    for (const auto& d : field_defs()) {
      if (d.custom && is_managed(d) && i.custom_fields.count(d.id)) {
        custom[d.id] = dump_value(*this, d, i);
      }
    }
    issues.push_back({{"id", i.id},
                      {"key", i.key},
                      {"issuetype", i.type_id},
                      {"status", i.status_id},
                      {"summary", i.summary},
                      {"description", i.description},
                      {"parent", i.parent_key},
                      {"epicLink", i.epic_link},
                      {"priority", i.priority_id},
                      {"labels", i.labels},
                      {"assignee", i.assignee},
                      {"reporter", i.reporter},
                      {"resolution", i.resolution_id},
                      {"storyPoints", i.story_points ? json(*i.story_points) : json(nullptr)},
                      {"components", dump_value(*this, *field_def("components"), i)},
                      {"fixVersions", dump_value(*this, *field_def("fixVersions"), i)},
                      {"duedate", dump_value(*this, *field_def("duedate"), i)},
                      {"customFields", custom},
                      {"created", i.created},
                      {"updated", i.updated},
                      {"comments", comments},
                      {"properties", props},
                      {"changelog", i.changelog}});
  }
  json links = json::array();
  for (const auto& [id, l] : links_) {
    links.push_back(
        {{"id", l.id}, {"type", l.type_id}, {"inward", l.inward_key}, {"outward", l.outward_key}});
  }
  return {{"format", "jira-sim-state"},
          {"version", 1},
          {"flavour", cloud() ? "cloud" : "datacenter"},
          {"projectStyle", company_managed() ? "company-managed" : "team-managed"},
          {"project", {{"id", project_id_}, {"key", project_key_}, {"name", project_name_}}},
          {"counters",
           {{"nextIssueId", next_issue_id_},
            {"nextIssueNumber", next_issue_number_},
            {"nextCommentId", next_comment_id_},
            {"nextChangelogId", next_changelog_id_},
            {"nextLinkId", next_link_id_}}},
          {"issues", issues},
          {"links", links}};
}

void SimState::load(const json& doc) {
  if (!doc.is_object() || doc.value("format", std::string()) != "jira-sim-state") {
    throw std::runtime_error("not a jira-sim state document (format must be jira-sim-state)");
  }
  std::string flavour = doc.value("flavour", std::string("cloud"));
  if (flavour != (cloud() ? "cloud" : "datacenter")) {
    throw std::runtime_error("the state was saved by a " + flavour +
                             " simulator; start jira-sim with the same --flavour");
  }
  try {
    SimState fresh = *this;
    fresh.clear();
    const json& project = doc.at("project");
    fresh.project_key_ = project.at("key").get<std::string>();
    fresh.project_name_ = project.value("name", fresh.project_key_);
    fresh.project_id_ = project.value("id", std::string("10000"));
    for (const auto& j : doc.at("issues")) {
      Issue i;
      i.id = j.at("id").get<long>();
      i.key = j.at("key").get<std::string>();
      i.type_id = j.at("issuetype").get<std::string>();
      i.status_id = j.at("status").get<std::string>();
      i.summary = j.at("summary").get<std::string>();
      i.description = j.value("description", json(nullptr));
      i.parent_key = j.value("parent", std::string());
      i.epic_link = j.value("epicLink", std::string());
      i.priority_id = j.value("priority", std::string("3"));
      i.labels = j.value("labels", std::vector<std::string>{});
      i.assignee = j.value("assignee", std::string());
      i.reporter = j.value("reporter", std::string());
      i.resolution_id = j.value("resolution", std::string());
      if (j.contains("storyPoints") && j["storyPoints"].is_number()) {
        i.story_points = j["storyPoints"].get<double>();
      }
      i.created = j.value("created", 0LL);
      i.updated = j.value("updated", 0LL);
      // Dumps written before these fields existed have none of the keys.
      try {
        for (const char* f : {"components", "fixVersions", "duedate"}) {
          if (j.contains(f)) load_value(fresh, *field_def(f), j[f], i);
        }
        const json custom = j.value("customFields", json::object());
        if (!custom.is_object()) throw std::runtime_error("customFields must be an object");
        for (const auto& [id, v] : custom.items()) {
          const FieldDef* d = field_def(id);
          if (!d || !d->custom || !is_managed(*d)) {
            throw std::runtime_error("customFields cannot hold " + id);
          }
          load_value(fresh, *d, v, i);
        }
      } catch (const std::runtime_error& e) {
        throw std::runtime_error("issue " + i.key + ": " + e.what());
      }
      const json comments = j.value("comments", json::array());
      for (const auto& c : comments) {
        i.comments.push_back({c.at("id").get<long>(), c.value("author", std::string()),
                              c.value("body", json(nullptr)), c.value("created", 0LL),
                              c.value("updated", 0LL)});
      }
      const json props = j.value("properties", json::object());
      for (const auto& [k, v] : props.items()) i.properties[k] = v;
      const json changelog = j.value("changelog", json::array());
      for (const auto& h : changelog) i.changelog.push_back(h);
      if (!fresh.issue_type(i.type_id)) throw std::runtime_error("unknown issue type " + i.type_id);
      fresh.by_key_[i.key] = i.id;
      fresh.issues_[i.id] = std::move(i);
    }
    const json links = doc.value("links", json::array());
    for (const auto& l : links) {
      IssueLink link{l.at("id").get<long>(), l.at("type").get<std::string>(),
                     l.at("inward").get<std::string>(), l.at("outward").get<std::string>()};
      fresh.links_[link.id] = link;
    }
    const json& c = doc.at("counters");
    fresh.next_issue_id_ = c.at("nextIssueId").get<long>();
    fresh.next_issue_number_ = c.at("nextIssueNumber").get<long>();
    fresh.next_comment_id_ = c.at("nextCommentId").get<long>();
    fresh.next_changelog_id_ = c.at("nextChangelogId").get<long>();
    fresh.next_link_id_ = c.at("nextLinkId").get<long>();
    *this = std::move(fresh);
  } catch (const json::exception& e) {
    throw std::runtime_error(std::string("malformed state document: ") + e.what());
  }
}

}  // namespace jira_sim

namespace jira_sim {

void Issue::note_property_write(const std::string& key, std::chrono::milliseconds lag) {
  if (lag.count() <= 0) return;
  const auto now = std::chrono::steady_clock::now();
  auto [entry, fresh] = indexed_properties.try_emplace(key);
  // A second write while the first is not yet seen leaves the index where it was.
  if (fresh || now - entry->second.written >= lag) {
    auto current = properties.find(key);
    entry->second.indexed =
        current == properties.end() ? std::nullopt : std::optional<json>(current->second);
  }
  entry->second.written = now;
}

const json* Issue::searched_property(const std::string& key, std::chrono::milliseconds lag) const {
  auto stale = indexed_properties.find(key);
  if (lag.count() > 0 && stale != indexed_properties.end() &&
      std::chrono::steady_clock::now() - stale->second.written < lag) {
    return stale->second.indexed ? &*stale->second.indexed : nullptr;
  }
  auto it = properties.find(key);
  return it == properties.end() ? nullptr : &it->second;
}

}  // namespace jira_sim
