// Non-blocking child exit wait; see child_exit.hpp.
#include "hooks/child_exit.hpp"

#include <boost/asio/post.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>
#include <boost/asio/steady_timer.hpp>

#include <cerrno>
#include <chrono>
#include <csignal>
#include <optional>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

namespace appserver::hooks {

namespace asio = boost::asio;

namespace {

constexpr auto kPollInterval = std::chrono::milliseconds(20);
/// Readiness reports in a row with the child still running before the watch stops trusting
/// the pidfd and polls instead.
constexpr int kMaxSpuriousWakeups = 8;

int open_pidfd(pid_t pid) {
#ifdef SYS_pidfd_open
  // pidfd_open(2) always sets close-on-exec on the new descriptor.
  return static_cast<int>(::syscall(SYS_pidfd_open, pid, 0));
#else
  (void)pid;
  errno = ENOSYS;
  return -1;
#endif
}

class ChildWatch : public std::enable_shared_from_this<ChildWatch> {
 public:
  ChildWatch(asio::any_io_executor ex, pid_t pid, int readiness_fd, std::function<void(int)> on_exit)
      : pid_(pid), on_exit_(std::move(on_exit)), timer_(ex) {
    if (readiness_fd >= 0) pidfd_.emplace(ex, readiness_fd);
  }

  void start() {
    if (reap()) return;
    arm();
  }

 private:
  /// True once the child has been reaped (or cannot be); the handler has then been called.
  bool reap() {
    siginfo_t info{};
    for (;;) {
      info.si_pid = 0;
      if (::waitid(P_PID, static_cast<id_t>(pid_), &info, WEXITED | WNOHANG) == 0) break;
      if (errno == EINTR) continue;
      finish(-1);
      return true;
    }
    if (info.si_pid == 0) return false;  // still running
    int status = 0;
    switch (info.si_code) {
      case CLD_EXITED: status = W_EXITCODE(info.si_status, 0); break;
      case CLD_KILLED: status = info.si_status; break;  // WIFSIGNALED, WTERMSIG = signal
      case CLD_DUMPED: status = info.si_status | WCOREFLAG; break;
      default: status = W_EXITCODE(info.si_status, 0); break;
    }
    finish(status);
    return true;
  }

  void arm() {
    auto self = shared_from_this();
    if (pidfd_ && spurious_ < kMaxSpuriousWakeups) {
      pidfd_->async_wait(asio::posix::descriptor_base::wait_read, [self](boost::system::error_code ec) {
        if (ec) {  // cannot wait on the pidfd (closed, reactor refused): poll instead
          self->spurious_ = kMaxSpuriousWakeups;
        } else if (self->reap()) {
          return;
        } else {
          ++self->spurious_;
        }
        self->arm();
      });
      return;
    }
    timer_.expires_after(kPollInterval);
    timer_.async_wait([self](boost::system::error_code) {
      if (!self->reap()) self->arm();
    });
  }

  void finish(int status) {
    if (pidfd_) {
      boost::system::error_code ignored;
      pidfd_->close(ignored);
    }
    // Always from the executor, never from inside watch_child_exit(): the caller may not be
    // ready for its handler yet.
    if (auto done = std::exchange(on_exit_, nullptr))
      asio::post(timer_.get_executor(), [done = std::move(done), status] { done(status); });
  }

  pid_t pid_;
  std::function<void(int)> on_exit_;
  std::optional<asio::posix::stream_descriptor> pidfd_;
  asio::steady_timer timer_;
  int spurious_ = 0;
};

}  // namespace

void watch_child_exit(asio::any_io_executor executor, pid_t pid, std::function<void(int)> on_exit) {
  watch_child_exit_on(std::move(executor), pid, open_pidfd(pid), std::move(on_exit));
}

void watch_child_exit_on(asio::any_io_executor executor, pid_t pid, int readiness_fd,
                         std::function<void(int)> on_exit) {
  auto watch = std::make_shared<ChildWatch>(std::move(executor), pid, readiness_fd, std::move(on_exit));
  watch->start();
}

}  // namespace appserver::hooks
