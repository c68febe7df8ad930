#include "jira/url_policy.h"

#include "jira/ascii.h"

#include <arpa/inet.h>
#include <netinet/in.h>

#include <cctype>
#include <cstring>

namespace epicsync::jira {

namespace {

HttpError invalid(HttpFailure kind, std::string detail) {
  HttpError e;
  e.kind = kind;
  e.detail = std::move(detail);
  return e;
}

}  // namespace

std::string BaseUrl::to_string() const {
  std::string out = scheme + "://";
  out += host.find(':') != std::string::npos ? "[" + host + "]" : host;
  if (port != 0) out += ":" + std::to_string(port);
  out += path;
  return out;
}

bool is_loopback_host(std::string_view host) {
  std::string h = ascii_lower(host);
  if (h.size() > 2 && h.front() == '[' && h.back() == ']') h = h.substr(1, h.size() - 2);
  if (h == "localhost" || h == "localhost.") return true;
  in_addr v4{};
  if (inet_pton(AF_INET, h.c_str(), &v4) == 1) {
    return (ntohl(v4.s_addr) >> 24) == 127;
  }
  in6_addr v6{};
  if (inet_pton(AF_INET6, h.c_str(), &v6) == 1) {
    if (std::memcmp(&v6, &in6addr_loopback, sizeof v6) == 0) return true;
    if (IN6_IS_ADDR_V4MAPPED(&v6)) return v6.s6_addr[12] == 127;
  }
  return false;
}

Result<BaseUrl> check_base_url(std::string_view url, bool allow_insecure) {
  BaseUrl out;
  auto sep = url.find("://");
  if (sep == std::string_view::npos || sep == 0) {
    return invalid(HttpFailure::kInvalidUrl, "expected a URL like https://example.atlassian.net");
  }
  out.scheme = ascii_lower(url.substr(0, sep));
  if (out.scheme != "https" && out.scheme != "http") {
    return invalid(HttpFailure::kInvalidUrl, "unsupported scheme '" + out.scheme + "'");
  }
  std::string_view rest = url.substr(sep + 3);
  if (rest.find_first_of("?#") != std::string_view::npos) {
    return invalid(HttpFailure::kInvalidUrl, "the tracker URL must not have a query or fragment");
  }
  auto slash = rest.find('/');
  std::string_view authority = rest.substr(0, slash);
  std::string_view path = slash == std::string_view::npos ? "" : rest.substr(slash);
  if (authority.find('@') != std::string_view::npos) {
    // Credentials in the URL would end up in logs and shell history; they go in config.
    return invalid(HttpFailure::kInvalidUrl, "the tracker URL must not contain credentials");
  }
  std::string_view port_text;
  if (!authority.empty() && authority.front() == '[') {
    auto close = authority.find(']');
    if (close == std::string_view::npos) return invalid(HttpFailure::kInvalidUrl, "unclosed '['");
    out.host = ascii_lower(authority.substr(1, close - 1));
    std::string_view after = authority.substr(close + 1);
    if (!after.empty()) {
      if (after.front() != ':') return invalid(HttpFailure::kInvalidUrl, "malformed host");
      port_text = after.substr(1);
    }
  } else {
    auto colon = authority.find(':');
    out.host = ascii_lower(authority.substr(0, colon));
    if (colon != std::string_view::npos) port_text = authority.substr(colon + 1);
  }
  if (out.host.empty()) return invalid(HttpFailure::kInvalidUrl, "missing host");
  for (char c : out.host) {
    if (std::isspace(static_cast<unsigned char>(c)) || c == '/' || c == '\\') {
      return invalid(HttpFailure::kInvalidUrl, "malformed host");
    }
  }
  if (!port_text.empty() || authority.ends_with(':')) {
    if (port_text.empty() || port_text.size() > 5) {
      return invalid(HttpFailure::kInvalidUrl, "malformed port");
    }
    int p = 0;
    for (char c : port_text) {
      if (!std::isdigit(static_cast<unsigned char>(c))) {
        return invalid(HttpFailure::kInvalidUrl, "malformed port");
      }
      p = p * 10 + (c - '0');
    }
    if (p < 1 || p > 65535) return invalid(HttpFailure::kInvalidUrl, "port out of range");
    out.port = p;
  }
  while (!path.empty() && path.back() == '/') path.remove_suffix(1);
  out.path = std::string(path);

  if (out.scheme == "http" && !allow_insecure && !is_loopback_host(out.host)) {
    return invalid(
        HttpFailure::kInsecureUrl,
        "refusing plain http:// to " + out.host +
            ": credentials would travel unencrypted (use https://, or on a trusted network "
            "set jira.insecure: true in the configuration file)");
  }
  return out;
}

}  // namespace epicsync::jira
