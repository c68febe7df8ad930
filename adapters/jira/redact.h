#pragma once

// Keeps secrets out of anything a human or a log file may see.

#include <string>
#include <string_view>
#include <vector>

namespace epicsync::jira {

inline constexpr std::string_view kRedacted = "[REDACTED]";

// Authorization, Proxy-Authorization, Cookie, Set-Cookie and names that say token/secret/key.
bool is_sensitive_header(std::string_view name);

std::string redact_header_value(std::string_view name, std::string_view value);

// Replaces the values of token-looking query parameters (by name, or by a value that looks
// like a JWT / long opaque credential) in "path?query".
std::string redact_path(std::string_view path_with_query);

// Replaces every occurrence of each known secret in free text (error bodies can echo them).
std::string scrub(std::string_view text, const std::vector<std::string>& secrets);

}  // namespace epicsync::jira
