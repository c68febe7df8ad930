#include "jira/redact.h"

#include "jira/ascii.h"

#include <algorithm>
#include <array>
#include <cctype>

namespace epicsync::jira {

namespace {

bool name_says_secret(std::string_view name) {
  static constexpr std::array<std::string_view, 9> kWords = {"token",   "secret",    "password",
                                                             "passwd",  "apikey",    "api_key",
                                                             "api-key", "signature", "session"};
  const std::string n = ascii_lower(name);
  return std::any_of(kWords.begin(), kWords.end(),
                     [&](std::string_view w) { return n.find(w) != std::string::npos; }) ||
         n == "auth" || n == "authorization" || n == "jwt" || n == "sig" || n == "key" ||
         n == "code";
}

bool value_looks_like_credential(std::string_view v) {
  if (v.starts_with("eyJ")) return true;  // base64 of '{"' : a JWT header
  if (v.size() < 32) return false;
  bool digit = false, alpha = false;
  for (char c : v) {
    auto u = static_cast<unsigned char>(c);
    if (std::isdigit(u)) {
      digit = true;
    } else if (std::isalpha(u)) {
      alpha = true;
    } else if (c != '-' && c != '_' && c != '.' && c != '=' && c != '~' && c != '+' && c != '/') {
      return false;  // spaces, '%' and quotes appear in JQL and text, never in tokens
    }
  }
  return digit && alpha;
}

}  // namespace

bool is_sensitive_header(std::string_view name) {
  const std::string n = ascii_lower(name);
  return n == "authorization" || n == "proxy-authorization" || n == "cookie" || n == "set-cookie" ||
         name_says_secret(n);
}

std::string redact_header_value(std::string_view name, std::string_view value) {
  return is_sensitive_header(name) ? std::string(kRedacted) : std::string(value);
}

std::string redact_path(std::string_view path_with_query) {
  auto q = path_with_query.find('?');
  if (q == std::string_view::npos) return std::string(path_with_query);
  std::string out(path_with_query.substr(0, q + 1));
  std::string_view query = path_with_query.substr(q + 1);
  bool first = true;
  while (true) {
    auto amp = query.find('&');
    std::string_view pair = query.substr(0, amp);
    if (!first) out.push_back('&');
    first = false;
    auto eq = pair.find('=');
    if (eq == std::string_view::npos) {
      out += value_looks_like_credential(pair) ? std::string(kRedacted) : std::string(pair);
    } else {
      std::string_view name = pair.substr(0, eq), value = pair.substr(eq + 1);
      out += std::string(name) + "=";
      out += (name_says_secret(name) || value_looks_like_credential(value)) ? std::string(kRedacted)
                                                                            : std::string(value);
    }
    if (amp == std::string_view::npos) break;
    query.remove_prefix(amp + 1);
  }
  return out;
}

std::string scrub(std::string_view text, const std::vector<std::string>& secrets) {
  std::string out(text);
  for (const auto& s : secrets) {
    // Very short "secrets" would shred ordinary text; real tokens are long.
    if (s.size() < 4) continue;
    size_t pos = 0;
    while ((pos = out.find(s, pos)) != std::string::npos) {
      out.replace(pos, s.size(), kRedacted);
      pos += kRedacted.size();
    }
  }
  return out;
}

}  // namespace epicsync::jira
