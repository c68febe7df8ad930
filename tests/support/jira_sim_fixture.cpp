#include "support/jira_sim_fixture.h"

#include <httplib.h>
#include <signal.h>

#include <algorithm>
#include <stdexcept>

namespace epicsync::testing {
namespace {

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

std::string option(const std::vector<std::string>& args, const std::string& name,
                   const std::string& fallback) {
  for (size_t i = 0; i + 1 < args.size(); ++i) {
    if (args[i] == name) return args[i + 1];
  }
  return fallback;
}

std::string base64(const std::string& in) {
  static const char* const table =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  unsigned val = 0;
  int bits = -6;
  for (unsigned char c : in) {
    val = ((val << 8) | c) & 0xFFFFFFu;
    bits += 8;
    while (bits >= 0) {
      out.push_back(table[(val >> bits) & 0x3F]);
      bits -= 6;
    }
  }
  if (bits > -6) out.push_back(table[((val << 8) >> (bits + 8)) & 0x3F]);
  while (out.size() % 4 != 0) out.push_back('=');
  return out;
}

void expect_status(const SimResponse& r, int status, const std::string& what) {
  if (r.status != status) {
    throw std::runtime_error(what + " answered " + std::to_string(r.status) + ": " + r.raw);
  }
}

}  // namespace

std::string SimResponse::header(const std::string& name) const {
  auto it = headers.find(lower(name));
  return it == headers.end() ? "" : it->second;
}

std::string JiraSim::binary_path() {
  return JIRA_SIM_PATH;
}

JiraSim::JiraSim(std::vector<std::string> args) {
  datacenter_ = option(args, "--flavour", "cloud") == "datacenter";
  project_ = option(args, "--project", "PROJ");
  if (datacenter_) {
    auth_ = "Bearer " + option(args, "--pat", "sim-pat");
  } else {
    auth_ = "Basic " + base64(option(args, "--email", "sim@example.com") + ":" +
                              option(args, "--token", "sim-token"));
  }
  std::vector<std::string> argv = {binary_path(), "--port", "0"};
  argv.insert(argv.end(), args.begin(), args.end());
  process_ = std::make_unique<BackgroundProcess>(argv);
  auto line = process_->read_line(std::chrono::milliseconds(10'000));
  const std::string prefix = "jira-sim listening on ";
  if (!line || line->rfind(prefix, 0) != 0) {
    throw std::runtime_error("jira-sim did not start: " + line.value_or("<no output>"));
  }
  url_ = line->substr(prefix.size());
  port_ = std::stoi(url_.substr(url_.rfind(':') + 1));
}

JiraSim::~JiraSim() {
  if (process_ && process_->running()) process_->stop(SIGTERM);
}

int JiraSim::stop(int signal_number) {
  return process_->stop(signal_number);
}

SimResponse JiraSim::request(const std::string& method, const std::string& path,
                             const std::optional<std::string>& body,
                             const std::optional<std::string>& authorization,
                             const std::string& content_type, int timeout_ms) const {
  httplib::Client client("127.0.0.1", port_);
  auto timeout = std::chrono::milliseconds(timeout_ms);
  client.set_read_timeout(timeout);
  client.set_write_timeout(timeout);
  client.set_connection_timeout(timeout);
  client.set_tcp_nodelay(true);
  httplib::Headers headers;
  std::string auth = authorization.value_or(auth_);
  if (!auth.empty()) headers.emplace("Authorization", auth);
  headers.emplace("Accept", "application/json");
  httplib::Result result{nullptr, httplib::Error::Unknown};
  const std::string payload = body.value_or("");
  if (method == "GET") {
    result = client.Get(path, headers);
  } else if (method == "DELETE") {
    result = client.Delete(path, headers);
  } else if (method == "POST") {
    result = client.Post(path, headers, payload, content_type);
  } else if (method == "PUT") {
    result = client.Put(path, headers, payload, content_type);
  } else if (method == "PATCH") {
    result = client.Patch(path, headers, payload, content_type);
  } else {
    throw std::invalid_argument("unsupported method " + method);
  }
  SimResponse r;
  if (!result) return r;
  r.status = result->status;
  r.raw = result->body;
  for (const auto& [k, v] : result->headers) r.headers[lower(k)] = v;
  r.body = nlohmann::json::parse(r.raw, nullptr, false);
  if (r.body.is_discarded()) r.body = nullptr;
  return r;
}

SimResponse JiraSim::get(const std::string& path) const {
  return request("GET", path);
}

SimResponse JiraSim::post(const std::string& path, const nlohmann::json& body) const {
  return request("POST", path, body.dump());
}

SimResponse JiraSim::put(const std::string& path, const nlohmann::json& body) const {
  return request("PUT", path, body.dump());
}

SimResponse JiraSim::del(const std::string& path) const {
  return request("DELETE", path);
}

nlohmann::json JiraSim::state() const {
  auto r = get("/_sim/state");
  expect_status(r, 200, "GET /_sim/state");
  return r.body;
}

void JiraSim::load_state(const nlohmann::json& state) const {
  expect_status(request("PUT", "/_sim/state", state.dump()), 204, "PUT /_sim/state");
}

void JiraSim::reset(bool seed) const {
  expect_status(post("/_sim/reset", {{"seed", seed}}), 204, "POST /_sim/reset");
}

nlohmann::json JiraSim::request_log() const {
  auto r = get("/_sim/log");
  expect_status(r, 200, "GET /_sim/log");
  return r.body["requests"];
}

nlohmann::json JiraSim::counts() const {
  auto r = get("/_sim/counts");
  expect_status(r, 200, "GET /_sim/counts");
  return r.body;
}

void JiraSim::clear_log() const {
  expect_status(del("/_sim/log"), 204, "DELETE /_sim/log");
}

int JiraSim::add_fault(const nlohmann::json& rule) const {
  auto r = post("/_sim/faults", rule);
  expect_status(r, 201, "POST /_sim/faults");
  return r.body["id"].get<int>();
}

void JiraSim::clear_faults() const {
  expect_status(del("/_sim/faults"), 204, "DELETE /_sim/faults");
}

SimResponse JiraSim::edit_as_other(const std::string& key, const nlohmann::json& change) const {
  return post("/_sim/issues/" + key + "/edit", change);
}

std::string JiraSim::create_issue(const std::string& type, const std::string& summary,
                                  const std::string& parent_key) const {
  nlohmann::json fields = {
      {"project", {{"key", project_}}}, {"issuetype", {{"name", type}}}, {"summary", summary}};
  if (!parent_key.empty()) fields["parent"] = {{"key", parent_key}};
  auto r = post(datacenter_ ? "/rest/api/2/issue" : "/rest/api/3/issue", {{"fields", fields}});
  expect_status(r, 201, "POST issue");
  return r.body["key"].get<std::string>();
}

}  // namespace epicsync::testing
