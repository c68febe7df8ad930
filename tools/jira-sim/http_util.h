#pragma once

#include <httplib.h>

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace jira_sim {

using nlohmann::json;

// What Jira says for a key it does not know (or the caller may not see).
inline constexpr const char* kIssueMissing =
    "Issue does not exist or you do not have permission to see it.";

// Jira's error document: {"errorMessages": [...], "errors": {field: message}}.
json error_body(const std::vector<std::string>& messages, const json& errors = json::object());

void send_json(httplib::Response& res, int status, const json& body);
void send_error(httplib::Response& res, int status, const std::vector<std::string>& messages,
                const json& errors = json::object());
void send_field_errors(httplib::Response& res, int status, const json& errors);
void send_empty(httplib::Response& res, int status);

// Jira's timestamp shape: 2025-01-13T15:00:00.000+0000 (always UTC here).
std::string jira_time(long long epoch_ms);
// Rate-limit reset times use the shorter yyyy-MM-ddTHH:mmZ shape.
std::string iso_minute(long long epoch_ms);

std::string lower(std::string s);
bool iequals(const std::string& a, const std::string& b);
std::vector<std::string> split_csv(const std::string& s);
std::string base64_decode(const std::string& in);
std::string base64_encode(const std::string& in);

// Query parameter with a default; integers that do not parse fall back to the default.
std::string param(const httplib::Request& req, const std::string& name,
                  const std::string& fallback = "");
int int_param(const httplib::Request& req, const std::string& name, int fallback);

}  // namespace jira_sim
