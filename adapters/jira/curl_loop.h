#pragma once

// One libcurl multi handle driven by one thread. Every transfer of a client runs here, so all
// of them share the multi handle's connection cache (keep-alive, HTTP/2 multiplexing) without
// the cross-thread connection sharing that libcurl's share interface does not support.

#include <curl/curl.h>

#include <array>
#include <mutex>
#include <thread>
#include <vector>

namespace epicsync::jira {

class CurlLoop {
 public:
  // max_connections bounds connections per host and the idle cache; extra transfers queue.
  explicit CurlLoop(long max_connections);
  ~CurlLoop();
  CurlLoop(const CurlLoop&) = delete;
  CurlLoop& operator=(const CurlLoop&) = delete;

  // Runs a fully configured easy handle to completion on the loop thread and blocks until it
  // is done. The caller must not touch `easy` meanwhile; it stays owned by the caller.
  CURLcode perform(CURL* easy);

  // DNS cache and TLS sessions shared by the easy handles (both are safe across threads).
  CURLSH* share() const { return share_; }

 private:
  struct Job;
  void run();
  static void lock_cb(CURL*, curl_lock_data data, curl_lock_access, void* self);
  static void unlock_cb(CURL*, curl_lock_data data, void* self);

  CURLM* multi_ = nullptr;
  CURLSH* share_ = nullptr;
  std::array<std::mutex, CURL_LOCK_DATA_LAST> share_locks_;
  std::mutex mu_;
  std::vector<Job*> incoming_;  // guarded by mu_
  bool stopping_ = false;       // guarded by mu_
  std::thread thread_;
};

}  // namespace epicsync::jira
