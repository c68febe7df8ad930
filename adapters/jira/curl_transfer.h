#pragma once

// One attempt of one request through libcurl, reduced to plain values: what came back, or how
// it failed and whether the request may have reached the server.

#include <chrono>
#include <string>

#include "jira/curl_loop.h"
#include "jira/http_error.h"
#include "jira/http_request.h"
#include "jira/retry_policy.h"

namespace epicsync::jira {

struct TransferSettings {
  std::string base_url;  // no trailing slash
  std::string user_agent;
  std::string authorization;                          // full header value; empty for none
  std::string ca_bundle;                              // empty: the system store
  std::chrono::milliseconds connect_timeout{10'000};  // cut to total_timeout when longer
  std::chrono::milliseconds total_timeout{30'000};    // this attempt, connect included
  // The most one answer's body may hold (after decoding). Past it the transfer is stopped and
  // the attempt fails with kTooLarge: a runaway server must not be able to exhaust memory.
  size_t max_body_bytes = size_t{64} << 20;
  bool bypass_proxy = false;  // set for loopback base URLs
};

struct TransferOutcome {
  TransportFailure failure = TransportFailure::kNone;
  HttpFailure failure_kind = HttpFailure::kProtocol;  // meaningful when failure != kNone
  bool request_sent = false;
  std::string error_text;  // libcurl's description of the failure
  int status = 0;
  HeaderList headers;  // lower-case names
  std::string body;    // never more than max_body_bytes; empty after kTooLarge
  std::chrono::milliseconds elapsed{0};
};

TransferOutcome run_transfer(CurlLoop& loop, const TransferSettings& settings, const Request& req);

}  // namespace epicsync::jira
