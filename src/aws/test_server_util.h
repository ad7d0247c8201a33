// Test-only helpers (included by *_test.cc files): a cpp-httplib server on
// 127.0.0.1 with a random port, run on its own thread, a listening loopback
// socket, and a raw TCP server that resets the first N connections, for
// retry tests.
#pragma once

#include <arpa/inet.h>
#include <httplib.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <string>
#include <thread>

namespace ferry::aws::testing {

class LoopbackServer {
 public:
  LoopbackServer() {
    server_.set_keep_alive_max_count(100000);
    server_.set_tcp_nodelay(true);
  }
  httplib::Server& server() { return server_; }
  // Call after registering handlers.
  void Start() {
    port_ = server_.bind_to_any_port("127.0.0.1");
    thread_ = std::thread([this] { server_.listen_after_bind(); });
    while (!server_.is_running()) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  ~LoopbackServer() {
    server_.stop();
    if (thread_.joinable()) thread_.join();
  }
  int port() const { return port_; }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_); }

 private:
  httplib::Server server_;
  std::thread thread_;
  int port_ = 0;
};

// A listening TCP socket on 127.0.0.1 with a free port (stored in *port).
inline int ListenOnLoopback(int* port) {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  int one = 1;
  setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a);
  socklen_t len = sizeof a;
  getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len);
  *port = ntohs(a.sin_port);
  listen(fd, 16);
  return fd;
}

// Accepts connections; the first `resets` are closed with a TCP RST right
// after the request arrives, later ones get `response` (a full HTTP reply).
class ResettingServer {
 public:
  ResettingServer(int resets, std::string response) : resets_(resets), response_(std::move(response)) {
    fd_ = ListenOnLoopback(&port_);
    thread_ = std::thread([this] { Loop(); });
  }
  ~ResettingServer() {
    stop_ = true;
    shutdown(fd_, SHUT_RDWR);
    close(fd_);
    thread_.join();
  }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_); }
  int connections() const { return connections_; }

 private:
  void Loop() {
    while (!stop_) {
      int c = accept(fd_, nullptr, nullptr);
      if (c < 0) return;
      char buf[65536];
      ssize_t n = recv(c, buf, sizeof buf, 0);
      (void)n;
      if (connections_++ < resets_) {
        linger l{1, 0};  // close with RST
        setsockopt(c, SOL_SOCKET, SO_LINGER, &l, sizeof l);
      } else {
        ssize_t w = send(c, response_.data(), response_.size(), MSG_NOSIGNAL);
        (void)w;
      }
      close(c);
    }
  }
  int resets_;
  std::string response_;
  int fd_ = -1, port_ = 0;
  std::atomic<int> connections_{0};
  std::atomic<bool> stop_{false};
  std::thread thread_;
};

}  // namespace ferry::aws::testing
