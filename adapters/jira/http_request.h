#pragma once

// Plain values describing one HTTP exchange with the tracker; no libcurl types leak out.

#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace epicsync::jira {

enum class Method { kGet, kHead, kPost, kPut, kDelete, kPatch };

std::string_view method_name(Method m);

using HeaderList = std::vector<std::pair<std::string, std::string>>;

struct Request {
  Method method = Method::kGet;
  // Path below the base URL, starting with '/', without query string.
  std::string path;
  // Unencoded; the client percent-encodes names and values.
  std::vector<std::pair<std::string, std::string>> query;
  HeaderList headers;
  std::string body;
  // A POST that only reads (e.g. /rest/api/3/search/jql) may be retried like a GET.
  bool read_only = false;
  // Overrides the client's total timeout for this request only.
  std::optional<std::chrono::milliseconds> timeout;
  // A 303 is the answer, not a failure (Jira's asynchronous operations answer 303 with the
  // task's address in Location).
  bool redirect_is_answer = false;
};

// True when resending after an ambiguous failure cannot change the tracker.
bool is_retry_safe(const Request& r);

struct Response {
  int status = 0;
  // Names are lower-cased so lookups do not depend on the server's casing.
  HeaderList headers;
  std::string body;
  std::chrono::milliseconds elapsed{0};
  int attempts = 1;

  std::optional<std::string_view> header(std::string_view name) const;
};

// Case-insensitive header lookup; the first match wins.
std::optional<std::string_view> find_header(const HeaderList& headers, std::string_view name);

// Path plus percent-encoded query string, as sent on the wire.
std::string path_with_query(const Request& r);

std::string percent_encode(std::string_view s);

}  // namespace epicsync::jira
