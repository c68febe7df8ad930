#pragma once

// A raw TCP server for failures httplib cannot script: it reads a request, then per connection
// hangs up without answering, goes silent, or answers properly.

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace epicsync::jira::testing {

class RudeServer {
 public:
  enum class Mode { kHangUp, kSilent, kAnswer };

  // Connection i (0-based) is treated as modes[i]; later ones like the last mode.
  explicit RudeServer(std::vector<Mode> modes) : modes_(std::move(modes)) {
    listen_fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ::bind(listen_fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
    ::listen(listen_fd_, 16);
    socklen_t len = sizeof addr;
    ::getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&addr), &len);
    port_ = ntohs(addr.sin_port);
    thread_ = std::thread([this] { run(); });
  }

  ~RudeServer() {
    stop_ = true;
    thread_.join();
    ::close(listen_fd_);
    for (int fd : silent_) ::close(fd);
  }

  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_); }
  int requests() const { return requests_; }

 private:
  void run() {
    int index = 0;
    while (!stop_) {
      pollfd p{listen_fd_, POLLIN, 0};
      if (::poll(&p, 1, 20) <= 0) continue;
      int fd = ::accept(listen_fd_, nullptr, nullptr);
      if (fd < 0) continue;
      Mode mode = modes_[std::min<size_t>(index++, modes_.size() - 1)];
      read_request(fd);
      ++requests_;
      if (mode == Mode::kAnswer) {
        static constexpr char kReply[] =
            "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 2\r\n"
            "Connection: close\r\n\r\n{}";
        (void)!::write(fd, kReply, sizeof kReply - 1);
        ::close(fd);
      } else if (mode == Mode::kHangUp) {
        ::close(fd);
      } else {
        silent_.push_back(fd);  // closed when the test ends
      }
    }
  }

  // Reads headers and a Content-Length body, so the request demonstrably arrived.
  static void read_request(int fd) {
    std::string data;
    char buf[4096];
    size_t body_needed = std::string::npos;
    while (true) {
      pollfd p{fd, POLLIN, 0};
      if (::poll(&p, 1, 2000) <= 0) return;
      ssize_t n = ::read(fd, buf, sizeof buf);
      if (n <= 0) return;
      data.append(buf, static_cast<size_t>(n));
      auto end = data.find("\r\n\r\n");
      if (end == std::string::npos) continue;
      if (body_needed == std::string::npos) {
        body_needed = 0;
        auto cl = data.find("Content-Length: ");
        if (cl != std::string::npos && cl < end) body_needed = std::stoul(data.substr(cl + 16));
      }
      if (data.size() >= end + 4 + body_needed) return;
    }
  }

  std::vector<Mode> modes_;
  int listen_fd_ = -1;
  int port_ = 0;
  std::atomic<bool> stop_{false};
  std::atomic<int> requests_{0};
  std::vector<int> silent_;  // only touched by the server thread until it is joined
  std::thread thread_;
};

}  // namespace epicsync::jira::testing
