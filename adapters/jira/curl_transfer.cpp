#include "jira/curl_transfer.h"

#include <algorithm>
#include <cctype>
#include <memory>

namespace epicsync::jira {

namespace {

struct Collected {
  HeaderList headers;
  std::string body;
  size_t max_body = 0;
  bool too_large = false;
};

size_t on_body(char* data, size_t size, size_t n, void* user) {
  auto* c = static_cast<Collected*>(user);
  const size_t len = size * n;
  // Checked before appending, so memory never holds more than the cap. Returning less than
  // `len` makes libcurl stop the transfer (CURLE_WRITE_ERROR) and close the connection.
  if (len > c->max_body - c->body.size()) {
    c->too_large = true;
    return 0;
  }
  c->body.append(data, len);
  return len;
}

size_t on_header(char* data, size_t size, size_t n, void* user) {
  auto* c = static_cast<Collected*>(user);
  std::string_view line(data, size * n);
  // Each status line starts a new response (100 Continue, then the real one): keep the last.
  if (line.starts_with("HTTP/")) {
    c->headers.clear();
    return size * n;
  }
  auto colon = line.find(':');
  if (colon == std::string_view::npos) return size * n;
  std::string name;
  for (char ch : line.substr(0, colon)) {
    name.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(ch))));
  }
  std::string_view value = line.substr(colon + 1);
  while (!value.empty() && (value.front() == ' ' || value.front() == '\t')) value.remove_prefix(1);
  while (!value.empty() && std::isspace(static_cast<unsigned char>(value.back()))) {
    value.remove_suffix(1);
  }
  c->headers.emplace_back(std::move(name), std::string(value));
  return size * n;
}

void classify(CURLcode code, bool connected, TransferOutcome& out) {
  switch (code) {
    case CURLE_COULDNT_RESOLVE_HOST:
    case CURLE_COULDNT_RESOLVE_PROXY:
      out.failure = TransportFailure::kDns;
      out.failure_kind = HttpFailure::kDns;
      out.request_sent = false;
      return;
    case CURLE_COULDNT_CONNECT:
      out.failure = TransportFailure::kConnectRefused;
      out.failure_kind = HttpFailure::kConnect;
      out.request_sent = false;
      return;
    case CURLE_OPERATION_TIMEDOUT:
      out.failure = TransportFailure::kTimeout;
      out.failure_kind = HttpFailure::kTimeout;
      out.request_sent = connected;
      return;
    case CURLE_SEND_ERROR:
    case CURLE_RECV_ERROR:
    case CURLE_GOT_NOTHING:
    case CURLE_PARTIAL_FILE:
    case CURLE_HTTP2:
    case CURLE_HTTP2_STREAM:
      out.failure = TransportFailure::kConnectionLost;
      out.failure_kind = HttpFailure::kConnect;
      out.request_sent = connected;
      return;
    case CURLE_SSL_CONNECT_ERROR:
    case CURLE_PEER_FAILED_VERIFICATION:
    case CURLE_SSL_CERTPROBLEM:
    case CURLE_SSL_CIPHER:
    case CURLE_SSL_CACERT_BADFILE:
    case CURLE_SSL_ISSUER_ERROR:
    case CURLE_SSL_PINNEDPUBKEYNOTMATCH:
    case CURLE_SSL_INVALIDCERTSTATUS:
    case CURLE_SSL_CRL_BADFILE:
    case CURLE_SSL_ENGINE_NOTFOUND:
    case CURLE_SSL_ENGINE_SETFAILED:
    case CURLE_SSL_ENGINE_INITFAILED:
      // The handshake precedes the request, so nothing was sent.
      out.failure = TransportFailure::kTls;
      out.failure_kind = HttpFailure::kTls;
      out.request_sent = false;
      return;
    default:
      out.failure = TransportFailure::kOther;
      out.failure_kind = HttpFailure::kProtocol;
      out.request_sent = connected;
      return;
  }
}

struct EasyDeleter {
  void operator()(CURL* e) const { curl_easy_cleanup(e); }
};
struct SlistDeleter {
  void operator()(curl_slist* l) const { curl_slist_free_all(l); }
};

}  // namespace

TransferOutcome run_transfer(CurlLoop& loop, const TransferSettings& s, const Request& req) {
  TransferOutcome out;
  std::unique_ptr<CURL, EasyDeleter> easy(curl_easy_init());
  if (!easy) {
    out.failure = TransportFailure::kOther;
    out.error_text = "could not create a libcurl handle";
    return out;
  }
  CURL* e = easy.get();
  Collected collected;
  collected.max_body = s.max_body_bytes;
  char errbuf[CURL_ERROR_SIZE] = {0};

  std::string path = req.path.empty() || req.path.front() != '/' ? "/" + req.path : req.path;
  Request shaped = req;
  shaped.path = path;
  const std::string url = s.base_url + path_with_query(shaped);

  curl_slist* raw_list = nullptr;
  auto add = [&](const std::string& line) { raw_list = curl_slist_append(raw_list, line.c_str()); };
  if (!s.authorization.empty()) add("Authorization: " + s.authorization);
  if (!find_header(req.headers, "accept")) add("Accept: application/json");
  if (!req.body.empty() && !find_header(req.headers, "content-type")) {
    add("Content-Type: application/json");
  }
  // "Expect: 100-continue" would add a round trip (or a 1 s stall) to every large body.
  add("Expect:");
  for (const auto& [k, v] : req.headers) add(k + ": " + v);
  std::unique_ptr<curl_slist, SlistDeleter> header_list(raw_list);

  curl_easy_setopt(e, CURLOPT_URL, url.c_str());
  curl_easy_setopt(e, CURLOPT_SHARE, loop.share());
  curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(e, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(e, CURLOPT_FOLLOWLOCATION, 0L);
  curl_easy_setopt(e, CURLOPT_HTTP_VERSION, static_cast<long>(CURL_HTTP_VERSION_2TLS));
  curl_easy_setopt(e, CURLOPT_ACCEPT_ENCODING, "");
  curl_easy_setopt(e, CURLOPT_TCP_KEEPALIVE, 1L);
  // Concurrent transfers wait to learn whether the first connection multiplexes (HTTP/2)
  // instead of each opening its own.
  curl_easy_setopt(e, CURLOPT_PIPEWAIT, 1L);
  if (s.bypass_proxy) curl_easy_setopt(e, CURLOPT_NOPROXY, "*");
  curl_easy_setopt(e, CURLOPT_SSL_VERIFYPEER, 1L);
  curl_easy_setopt(e, CURLOPT_SSL_VERIFYHOST, 2L);
  if (!s.ca_bundle.empty()) curl_easy_setopt(e, CURLOPT_CAINFO, s.ca_bundle.c_str());
  // The connect phase is part of the attempt, so it can never be allowed longer than all of it.
  curl_easy_setopt(e, CURLOPT_CONNECTTIMEOUT_MS,
                   static_cast<long>(std::min(s.connect_timeout, s.total_timeout).count()));
  curl_easy_setopt(e, CURLOPT_TIMEOUT_MS, static_cast<long>(s.total_timeout.count()));
  // An announced Content-Length beyond the cap fails before any of the body is read; the
  // write callback covers chunked and compressed answers, whose size is known only at the end.
  curl_easy_setopt(e, CURLOPT_MAXFILESIZE_LARGE, static_cast<curl_off_t>(s.max_body_bytes));
  curl_easy_setopt(e, CURLOPT_USERAGENT, s.user_agent.c_str());
  curl_easy_setopt(e, CURLOPT_HTTPHEADER, header_list.get());
  curl_easy_setopt(e, CURLOPT_ERRORBUFFER, errbuf);
  curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, &on_body);
  curl_easy_setopt(e, CURLOPT_WRITEDATA, &collected);
  curl_easy_setopt(e, CURLOPT_HEADERFUNCTION, &on_header);
  curl_easy_setopt(e, CURLOPT_HEADERDATA, &collected);

  switch (req.method) {
    case Method::kGet:
      curl_easy_setopt(e, CURLOPT_HTTPGET, 1L);
      break;
    case Method::kHead:
      curl_easy_setopt(e, CURLOPT_NOBODY, 1L);
      break;
    default: {
      const std::string_view name = method_name(req.method);
      if (req.method != Method::kPost) {
        curl_easy_setopt(e, CURLOPT_CUSTOMREQUEST, std::string(name).c_str());
      }
      if (req.method == Method::kPost || !req.body.empty()) {
        curl_easy_setopt(e, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(req.body.size()));
        curl_easy_setopt(e, CURLOPT_POSTFIELDS, req.body.c_str());
      }
      break;
    }
  }

  const CURLcode code = loop.perform(e);

  curl_off_t total_us = 0, pretransfer_us = 0;
  curl_easy_getinfo(e, CURLINFO_TOTAL_TIME_T, &total_us);
  curl_easy_getinfo(e, CURLINFO_PRETRANSFER_TIME_T, &pretransfer_us);
  out.elapsed = std::chrono::milliseconds(total_us / 1000);

  if (collected.too_large || code == CURLE_FILESIZE_EXCEEDED) {
    long status = 0;
    curl_easy_getinfo(e, CURLINFO_RESPONSE_CODE, &status);
    out.status = static_cast<int>(status);
    out.failure = TransportFailure::kTooLarge;
    out.failure_kind = HttpFailure::kTooLarge;
    // An answer began, so the request reached the server (and a write may have been applied).
    out.request_sent = true;
    const size_t mib = size_t{1} << 20;
    out.error_text = "the answer was larger than " +
                     (s.max_body_bytes % mib == 0 ? std::to_string(s.max_body_bytes / mib) + " MiB"
                                                  : std::to_string(s.max_body_bytes) + " bytes");
    return out;
  }
  if (code != CURLE_OK) {
    // Pre-transfer time is only set once the connection is up and the request about to go out;
    // before that point nothing can have reached the server.
    classify(code, pretransfer_us > 0, out);
    out.error_text = errbuf[0] != '\0' ? errbuf : curl_easy_strerror(code);
    return out;
  }
  long status = 0;
  curl_easy_getinfo(e, CURLINFO_RESPONSE_CODE, &status);
  out.status = static_cast<int>(status);
  out.request_sent = true;
  out.headers = std::move(collected.headers);
  out.body = std::move(collected.body);
  return out;
}

}  // namespace epicsync::jira
