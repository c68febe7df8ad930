#include "jira/http_request.h"

#include <cctype>

namespace epicsync::jira {

std::string_view method_name(Method m) {
  switch (m) {
    case Method::kGet:
      return "GET";
    case Method::kHead:
      return "HEAD";
    case Method::kPost:
      return "POST";
    case Method::kPut:
      return "PUT";
    case Method::kDelete:
      return "DELETE";
    case Method::kPatch:
      return "PATCH";
  }
  return "GET";
}

bool is_retry_safe(const Request& r) {
  return r.method == Method::kGet || r.method == Method::kHead || r.read_only;
}

static bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(a[i])) !=
        std::tolower(static_cast<unsigned char>(b[i])))
      return false;
  }
  return true;
}

std::optional<std::string_view> find_header(const HeaderList& headers, std::string_view name) {
  for (const auto& [k, v] : headers) {
    if (iequals(k, name)) return std::string_view(v);
  }
  return std::nullopt;
}

std::optional<std::string_view> Response::header(std::string_view name) const {
  return find_header(headers, name);
}

std::string percent_encode(std::string_view s) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(s.size());
  for (unsigned char c : s) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      out.push_back(static_cast<char>(c));
    } else {
      out.push_back('%');
      out.push_back(kHex[c >> 4]);
      out.push_back(kHex[c & 0xF]);
    }
  }
  return out;
}

std::string path_with_query(const Request& r) {
  std::string out = r.path;
  char sep = '?';
  for (const auto& [k, v] : r.query) {
    out.push_back(sep);
    out += percent_encode(k);
    out.push_back('=');
    out += percent_encode(v);
    sep = '&';
  }
  return out;
}

}  // namespace epicsync::jira
