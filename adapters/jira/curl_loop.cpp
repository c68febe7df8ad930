#include "jira/curl_loop.h"

#include <condition_variable>
#include <map>

namespace epicsync::jira {

struct CurlLoop::Job {
  CURL* easy = nullptr;
  std::mutex mu;
  std::condition_variable cv;
  bool done = false;
  CURLcode result = CURLE_OK;

  void finish(CURLcode code) {
    // Notify under the lock: the waiter owns the Job and destroys it as soon as it sees `done`.
    std::lock_guard lock(mu);
    result = code;
    done = true;
    cv.notify_one();
  }
};

namespace {

void global_init_once() {
  // curl_global_init is not thread-safe and must precede any other libcurl call.
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

}  // namespace

CurlLoop::CurlLoop(long max_connections) {
  global_init_once();
  multi_ = curl_multi_init();
  curl_multi_setopt(multi_, CURLMOPT_PIPELINING, CURLPIPE_MULTIPLEX);
  curl_multi_setopt(multi_, CURLMOPT_MAX_HOST_CONNECTIONS, max_connections);
  curl_multi_setopt(multi_, CURLMOPT_MAXCONNECTS, max_connections);

  share_ = curl_share_init();
  curl_share_setopt(share_, CURLSHOPT_LOCKFUNC, &CurlLoop::lock_cb);
  curl_share_setopt(share_, CURLSHOPT_UNLOCKFUNC, &CurlLoop::unlock_cb);
  curl_share_setopt(share_, CURLSHOPT_USERDATA, this);
  curl_share_setopt(share_, CURLSHOPT_SHARE, CURL_LOCK_DATA_DNS);
  curl_share_setopt(share_, CURLSHOPT_SHARE, CURL_LOCK_DATA_SSL_SESSION);

  thread_ = std::thread([this] { run(); });
}

CurlLoop::~CurlLoop() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  curl_multi_wakeup(multi_);
  thread_.join();
  curl_multi_cleanup(multi_);
  curl_share_cleanup(share_);
}

void CurlLoop::lock_cb(CURL*, curl_lock_data data, curl_lock_access, void* self) {
  static_cast<CurlLoop*>(self)->share_locks_[static_cast<size_t>(data)].lock();
}

void CurlLoop::unlock_cb(CURL*, curl_lock_data data, void* self) {
  static_cast<CurlLoop*>(self)->share_locks_[static_cast<size_t>(data)].unlock();
}

CURLcode CurlLoop::perform(CURL* easy) {
  Job job;
  job.easy = easy;
  {
    std::lock_guard lock(mu_);
    if (stopping_) return CURLE_ABORTED_BY_CALLBACK;
    incoming_.push_back(&job);
  }
  curl_multi_wakeup(multi_);
  std::unique_lock lock(job.mu);
  job.cv.wait(lock, [&] { return job.done; });
  return job.result;
}

void CurlLoop::run() {
  std::map<CURL*, Job*> active;
  while (true) {
    std::vector<Job*> fresh;
    bool stop = false;
    {
      std::lock_guard lock(mu_);
      fresh.swap(incoming_);
      stop = stopping_;
    }
    for (Job* job : fresh) {
      if (stop || curl_multi_add_handle(multi_, job->easy) != CURLM_OK) {
        job->finish(CURLE_ABORTED_BY_CALLBACK);
      } else {
        active[job->easy] = job;
      }
    }
    if (stop) break;

    int running = 0;
    curl_multi_perform(multi_, &running);
    int queued = 0;
    while (CURLMsg* msg = curl_multi_info_read(multi_, &queued)) {
      if (msg->msg != CURLMSG_DONE) continue;
      CURL* easy = msg->easy_handle;
      CURLcode code = msg->data.result;
      curl_multi_remove_handle(multi_, easy);
      if (auto it = active.find(easy); it != active.end()) {
        it->second->finish(code);
        active.erase(it);
      }
    }
    // Wakes early on socket activity, libcurl timers, or curl_multi_wakeup from perform().
    curl_multi_poll(multi_, nullptr, 0, 1000, nullptr);
  }
  for (auto& [easy, job] : active) {
    curl_multi_remove_handle(multi_, easy);
    job->finish(CURLE_ABORTED_BY_CALLBACK);
  }
}

}  // namespace epicsync::jira
