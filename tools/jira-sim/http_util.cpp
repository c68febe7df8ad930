#include "http_util.h"

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <cstring>
#include <ctime>

namespace jira_sim {

json error_body(const std::vector<std::string>& messages, const json& errors) {
  return json{{"errorMessages", messages}, {"errors", errors}};
}

void send_json(httplib::Response& res, int status, const json& body) {
  res.status = status;
  res.set_content(body.dump(), "application/json;charset=UTF-8");
}

void send_error(httplib::Response& res, int status, const std::vector<std::string>& messages,
                const json& errors) {
  send_json(res, status, error_body(messages, errors));
}

void send_field_errors(httplib::Response& res, int status, const json& errors) {
  send_json(res, status, error_body({}, errors));
}

void send_empty(httplib::Response& res, int status) {
  res.status = status;
  res.body.clear();
}

namespace {
std::tm utc(long long epoch_ms) {
  std::time_t secs = static_cast<std::time_t>(epoch_ms / 1000);
  std::tm tm{};
  gmtime_r(&secs, &tm);
  return tm;
}
}  // namespace

std::string jira_time(long long epoch_ms) {
  std::tm tm = utc(epoch_ms);
  char buf[64];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S", &tm);
  char out[80];
  std::snprintf(out, sizeof out, "%s.%03d+0000", buf, static_cast<int>(epoch_ms % 1000));
  return out;
}

std::string iso_minute(long long epoch_ms) {
  std::tm tm = utc(epoch_ms);
  char buf[64];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%MZ", &tm);
  return buf;
}

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

bool iequals(const std::string& a, const std::string& b) {
  return lower(a) == lower(b);
}

std::vector<std::string> split_csv(const std::string& s) {
  std::vector<std::string> out;
  std::string cur;
  auto flush = [&] {
    auto b = cur.find_first_not_of(" \t");
    auto e = cur.find_last_not_of(" \t");
    if (b != std::string::npos) out.push_back(cur.substr(b, e - b + 1));
    cur.clear();
  };
  for (char c : s) {
    if (c == ',') {
      flush();
    } else {
      cur += c;
    }
  }
  flush();
  return out;
}

namespace {
constexpr const char* kB64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
}

std::string base64_decode(const std::string& in) {
  std::string out;
  int val = 0;
  int bits = -8;
  for (char c : in) {
    const char* p = std::strchr(kB64, c);
    if (c == '=' || c == '\0' || p == nullptr) break;
    val = ((val << 6) + static_cast<int>(p - kB64)) & 0xFFFFFF;
    bits += 6;
    if (bits >= 0) {
      out.push_back(static_cast<char>((val >> bits) & 0xFF));
      bits -= 8;
    }
  }
  return out;
}

std::string base64_encode(const std::string& in) {
  std::string out;
  int val = 0;
  int bits = -6;
  for (unsigned char c : in) {
    val = ((val << 8) + c) & 0xFFFFFF;
    bits += 8;
    while (bits >= 0) {
      out.push_back(kB64[(val >> bits) & 0x3F]);
      bits -= 6;
    }
  }
  if (bits > -6) out.push_back(kB64[((val << 8) >> (bits + 8)) & 0x3F]);
  while (out.size() % 4 != 0) out.push_back('=');
  return out;
}

std::string param(const httplib::Request& req, const std::string& name,
                  const std::string& fallback) {
  return req.has_param(name.c_str()) ? req.get_param_value(name.c_str()) : fallback;
}

int int_param(const httplib::Request& req, const std::string& name, int fallback) {
  if (!req.has_param(name.c_str())) return fallback;
  try {
    return std::stoi(req.get_param_value(name.c_str()));
  } catch (...) {
    return fallback;
  }
}

}  // namespace jira_sim
