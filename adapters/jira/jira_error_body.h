#pragma once

// Jira reports failures as {"errorMessages":[...],"errors":{"field":"message"}}; some
// gateways answer {"message":"..."} or plain text instead. This extracts what there is.

#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace epicsync::jira {

struct JiraErrorBody {
  std::vector<std::string> messages;
  std::map<std::string, std::string> field_errors;
  bool was_json = false;  // false: the body was empty or not a JSON object
};

JiraErrorBody parse_jira_error_body(std::string_view body);

}  // namespace epicsync::jira
