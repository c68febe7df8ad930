#pragma once

#include <chrono>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "options.h"

namespace jira_sim {

using nlohmann::json;

struct User {
  std::string account_id;  // Cloud identity
  std::string name;        // Data Center identity
  std::string display_name;
  std::string email;
};

struct IssueType {
  std::string id;
  std::string name;
  bool subtask = false;
  int hierarchy_level = 0;
};

struct Priority {
  std::string id;
  std::string name;
};

struct Resolution {
  std::string id;
  std::string name;
};

// A project's component and version: the values components and fixVersions choose from.
struct Component {
  std::string id;
  std::string name;
};

struct Version {
  std::string id;
  std::string name;
  bool released = false;
};

struct Comment {
  long id = 0;
  std::string author;  // account id
  json body;           // ADF on Cloud, a wiki string on Data Center
  long long created = 0;
  long long updated = 0;
};

struct Issue {
  long id = 0;
  std::string key;
  std::string type_id;
  std::string status_id;
  std::string summary;
  json description;  // null, ADF (Cloud) or a wiki string (Data Center)
  std::string parent_key;
  std::string epic_link;  // company-managed projects only
  std::string priority_id;
  std::vector<std::string> labels;
  std::string assignee;  // account id, empty when unassigned
  std::string reporter;
  std::string resolution_id;
  std::optional<double> story_points;
  std::vector<std::string> components;    // component ids, in Jira's order (by name)
  std::vector<std::string> fix_versions;  // version ids, in the project's version order
  std::string due_date;                   // yyyy-MM-dd, empty when none
  // The custom fields field_values.cpp handles, by field id; absent when empty. Values are
  // stored as Jira identifies them: option ids (a string, or an array for a multiselect),
  // yyyy-MM-dd, a number, a string, an account id.
  std::map<std::string, json> custom_fields;
  long long created = 0;
  long long updated = 0;
  std::vector<Comment> comments;
  std::map<std::string, json> properties;
  std::vector<json> changelog;  // Jira changelog histories, oldest first
  // When the search index "sees" this write; not part of the dump because it is wall time.
  std::chrono::steady_clock::time_point indexed_at{};
  // A property written while search lags: search still shows `indexed` (nullopt: absent) until
  // `written` + the lag, as Jira's index does for a property put on an issue it already holds.
  struct IndexedProperty {
    std::optional<json> indexed;
    std::chrono::steady_clock::time_point written{};
  };
  std::map<std::string, IndexedProperty> indexed_properties;
  // Call before changing properties[key]; `lag` is the search lag now.
  void note_property_write(const std::string& key, std::chrono::milliseconds lag);
  // What search shows of properties[key]: nullptr when it has none (yet).
  const json* searched_property(const std::string& key, std::chrono::milliseconds lag) const;
};

struct IssueLink {
  long id = 0;
  std::string type_id;
  std::string inward_key;   // e.g. the issue that "is blocked by"
  std::string outward_key;  // e.g. the issue that "blocks"
};

struct LinkType {
  std::string id;
  std::string name;
  std::string inward;
  std::string outward;
};

// The whole simulated Jira, kept as plain values. The server guards it with one mutex; nothing
// here locks or does I/O.
class SimState {
 public:
  explicit SimState(const SimOptions& options);

  // The fixed catalogue every Jira instance has: users, issue types, priorities...
  const std::vector<User>& users() const { return users_; }
  const std::vector<IssueType>& issue_types() const { return issue_types_; }
  const std::vector<Priority>& priorities() const { return priorities_; }
  const std::vector<Resolution>& resolutions() const { return resolutions_; }
  // The workflow file may name the instance's resolutions (Jira Cloud sites often have only
  // "Done"); ids are given in order from 10000.
  void set_resolutions(const std::vector<std::string>& names);
  const std::vector<LinkType>& link_types() const { return link_types_; }
  const User& me() const { return users_.front(); }
  const User* user_by_account(const std::string& account_id) const;
  const User* user_by_name(const std::string& name) const;
  const IssueType* issue_type(const std::string& id_or_name) const;
  const Priority* priority(const std::string& id_or_name) const;
  const Resolution* resolution(const std::string& id_or_name) const;
  const LinkType* link_type(const std::string& id_or_name) const;
  // The project's components and versions (fixed, like the issue types).
  const std::vector<Component>& components() const { return components_; }
  const std::vector<Version>& versions() const { return versions_; }
  const Component* component_by_id(const std::string& id) const;
  const Component* component_by_name(const std::string& name) const;
  const Version* version_by_id(const std::string& id) const;
  const Version* version_by_name(const std::string& name) const;

  const std::string& project_key() const { return project_key_; }
  const std::string& project_name() const { return project_name_; }
  const std::string& project_id() const { return project_id_; }
  bool company_managed() const { return style_ == ProjectStyle::kCompanyManaged; }
  bool cloud() const { return flavour_ == Flavour::kCloud; }

  // Milliseconds since the epoch; a frozen clock advances one second per call so that dumps of
  // the same sequence of requests are byte-identical across runs.
  long long now_ms();

  Issue* find(const std::string& id_or_key);
  const Issue* find(const std::string& id_or_key) const;
  Issue& add_issue(Issue issue);  // assigns id, key and timestamps
  void remove_issue(const std::string& key);
  const std::map<long, Issue>& issues() const { return issues_; }
  std::vector<const Issue*> children_of(const std::string& key) const;

  long next_comment_id() { return next_comment_id_++; }
  long next_changelog_id() { return next_changelog_id_++; }
  std::map<long, IssueLink>& links() { return links_; }
  const std::map<long, IssueLink>& links() const { return links_; }
  long next_link_id() { return next_link_id_++; }

  void seed(const std::string& initial_status);
  void clear();
  // The state document (GET/PUT /_sim/state, --state-file). Each issue carries, besides its
  // other keys, the fields field_values.cpp manages, named rather than by id so that a seed
  // written by hand reads like the board:
  //   "components": ["API", "Backend"],          always an array, [] when none
  //   "fixVersions": ["1.1"],                    always an array, [] when none
  //   "duedate": "2026-01-31",                   null when none
  //   "customFields": {                          only the fields that hold a value
  //     "customfield_10040": "Search",           select: the option's value
  //     "customfield_10041": ["iOS", "Web"],     multiselect: option values
  //     "customfield_10042": "2026-02-01",       date: yyyy-MM-dd
  //     "customfield_10043": 1500.5,             number
  //     "customfield_10044": "text",             text (also customfield_10046)
  //     "customfield_10045": "557058:...-0002"}  user: the account id, like "assignee"
  // load() also takes ids for names and option values ("10200", "10101") and a user name
  // ("other") for an account id, checks every value as REST would, and loads documents
  // written before these keys existed.
  json dump() const;
  // Replaces everything with a dump; throws std::runtime_error on a malformed document.
  void load(const json& doc);

 private:
  Flavour flavour_;
  ProjectStyle style_;
  std::string project_key_;
  std::string project_name_;
  std::string project_id_ = "10000";
  bool frozen_clock_;
  long long frozen_ms_ = 1'735'689'600'000;  // 2025-01-01T00:00:00Z
  std::vector<User> users_;
  std::vector<IssueType> issue_types_;
  std::vector<Priority> priorities_;
  std::vector<Resolution> resolutions_;
  std::vector<LinkType> link_types_;
  std::vector<Component> components_;
  std::vector<Version> versions_;
  std::map<long, Issue> issues_;
  std::map<std::string, long> by_key_;
  std::map<long, IssueLink> links_;
  long next_issue_id_ = 10000;
  long next_issue_number_ = 1;
  long next_comment_id_ = 10000;
  long next_changelog_id_ = 10000;
  long next_link_id_ = 10000;
};

}  // namespace jira_sim
