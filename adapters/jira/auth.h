#pragma once

// Where the Authorization header comes from. The client also asks the provider which strings
// are secret so it can scrub them from every log line and error message.

#include <memory>
#include <string>
#include <vector>

namespace epicsync::jira {

class AuthProvider {
 public:
  virtual ~AuthProvider() = default;
  // The full header value, e.g. "Basic ZW1h..." or "Bearer abc".
  virtual std::string authorization() const = 0;
  // Every string that must never be shown: the raw token and any encoding of it we send.
  virtual std::vector<std::string> secrets() const = 0;
};

// Jira Cloud: e-mail address and API token.
std::shared_ptr<const AuthProvider> basic_auth(std::string email, std::string api_token);

// Jira Data Center: personal access token.
std::shared_ptr<const AuthProvider> bearer_auth(std::string token);

std::string base64_encode(std::string_view in);

}  // namespace epicsync::jira
