#pragma once

#include <nlohmann/json.hpp>
#include <set>
#include <string>

#include "screens.h"
#include "sim_context.h"

namespace jira_sim {

using nlohmann::json;

// Turns stored values into the JSON Jira returns, for one API version (2 or 3). The caller holds
// the state mutex.
// Data Center's user key, what its changelog records for a user field (GET user?key= finds it).
std::string dc_user_key(const User& u);

class Renderer {
 public:
  Renderer(const SimContext& ctx, int version) : ctx_(ctx), version_(version) {}

  std::string api_base() const;
  json user(const std::string& account_id) const;
  json status(const std::string& id) const;
  json status_category(const std::string& category) const;
  json issue_type(const IssueType& t) const;
  json priority(const std::string& id) const;
  json resolution(const std::string& id) const;
  json project() const;
  json component(const std::string& id) const;
  json version(const std::string& id) const;
  json option(const FieldDef& def, const std::string& id) const;
  // What createmeta and editmeta list as a field's allowedValues; null when it has none.
  json allowed_values(const FieldDef& def) const;
  json rich_text(const json& stored) const;  // description and comment bodies for this version
  json comment(const Issue& issue, const Comment& c) const;
  json comments_page(const Issue& issue, int start_at, int max_results) const;
  json link(const IssueLink& l, const std::string& from_key) const;
  // A changelog entry (Changelog) as Jira renders it: its author as the flavour's user object,
  // `created` as Jira's timestamp, and on Data Center user fields' from/to as user keys.
  json history(const json& stored) const;
  // expand=changelog (PageOfChangelogs): Cloud gives the 100 most recent histories, newest
  // first; Data Center all of them, oldest first. `total` counts them all.
  json expanded_changelog(const Issue& issue) const;
  json issue_ref(const Issue& issue) const;  // {id, key, self, fields:{summary,status,...}}
  json field_value(const Issue& issue, const std::string& field) const;
  // `fields` is the request's list: empty means none, "*all"/"*navigable" mean everything,
  // "-name" removes one.
  // `from_index`: as search shows it, properties written within the search lag still stale.
  json issue(const Issue& issue, const std::vector<std::string>& fields,
             const std::vector<std::string>& properties, bool with_changelog,
             bool from_index = false) const;
  static const std::vector<std::string>& all_fields(bool company_managed);

 private:
  const SimContext& ctx_;
  int version_;
};

}  // namespace jira_sim
