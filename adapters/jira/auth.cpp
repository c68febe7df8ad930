#include "jira/auth.h"

#include <string_view>

namespace epicsync::jira {

namespace {

class BasicAuth final : public AuthProvider {
 public:
  BasicAuth(const std::string& email, std::string token)
      : token_(std::move(token)), encoded_(base64_encode(email + ":" + token_)) {}
  std::string authorization() const override { return "Basic " + encoded_; }
  std::vector<std::string> secrets() const override { return {token_, encoded_}; }

 private:
  std::string token_;
  std::string encoded_;
};

class BearerAuth final : public AuthProvider {
 public:
  explicit BearerAuth(std::string token) : token_(std::move(token)) {}
  std::string authorization() const override { return "Bearer " + token_; }
  std::vector<std::string> secrets() const override { return {token_}; }

 private:
  std::string token_;
};

}  // namespace

std::shared_ptr<const AuthProvider> basic_auth(std::string email, std::string api_token) {
  return std::make_shared<BasicAuth>(email, std::move(api_token));
}

std::shared_ptr<const AuthProvider> bearer_auth(std::string token) {
  return std::make_shared<BearerAuth>(std::move(token));
}

std::string base64_encode(std::string_view in) {
  static constexpr char kAlphabet[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  out.reserve((in.size() + 2) / 3 * 4);
  size_t i = 0;
  for (; i + 2 < in.size(); i += 3) {
    unsigned v = (static_cast<unsigned char>(in[i]) << 16) |
                 (static_cast<unsigned char>(in[i + 1]) << 8) |
                 static_cast<unsigned char>(in[i + 2]);
    out.push_back(kAlphabet[(v >> 18) & 63]);
    out.push_back(kAlphabet[(v >> 12) & 63]);
    out.push_back(kAlphabet[(v >> 6) & 63]);
    out.push_back(kAlphabet[v & 63]);
  }
  if (i + 1 == in.size()) {
    unsigned v = static_cast<unsigned char>(in[i]) << 16;
    out.push_back(kAlphabet[(v >> 18) & 63]);
    out.push_back(kAlphabet[(v >> 12) & 63]);
    out += "==";
  } else if (i + 2 == in.size()) {
    unsigned v =
        (static_cast<unsigned char>(in[i]) << 16) | (static_cast<unsigned char>(in[i + 1]) << 8);
    out.push_back(kAlphabet[(v >> 18) & 63]);
    out.push_back(kAlphabet[(v >> 12) & 63]);
    out.push_back(kAlphabet[(v >> 6) & 63]);
    out.push_back('=');
  }
  return out;
}

}  // namespace epicsync::jira
