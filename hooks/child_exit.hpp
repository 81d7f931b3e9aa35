// Waiting for a child process to exit without ever blocking the io thread.
//
// Why this file exists (the one workaround for a library bug, kept small on purpose):
// Boost.Process v2's `basic_process::async_wait` (Boost 1.81 … 1.91,
// boost/process/v2/detail/process_handle_fd.hpp) waits for the pidfd to become readable and
// then calls a *blocking* `waitpid(pid, &status, 0)`. When the readiness is spurious — the
// child is still running — that call blocks the whole io thread until the child exits
// (upstream: boostorg/process#564, "basic_process::async_wait blocks thread sporadically").
// In this daemon that froze every client for 40–90 s while a Python hook sat blocked reading
// the stdin that the frozen daemon was about to write.
//
// Here every readiness is checked with `waitid(P_PID, pid, WEXITED | WNOHANG)`: a child still
// running re-arms the wait. If readiness keeps arriving while the child runs (an edge-trigger
// quirk would spin), or pidfd_open is unavailable, it falls back to polling every 20 ms.
//
// Thread-safety: construct and use on one executor (a strand); the handler runs there.
#pragma once

#include <boost/asio/any_io_executor.hpp>

#include <functional>
#include <memory>
#include <sys/types.h>

namespace appserver::hooks {

/// Calls `on_exit(wait_status)` once, on `executor`, after child `pid` has exited and been
/// reaped; `wait_status` is a waitpid-style status (use WIFEXITED/WEXITSTATUS/WIFSIGNALED).
/// The watch keeps itself alive until then. `pid` must be a child of this process that no one
/// else reaps (no SIGCHLD handler with waitpid(-1) exists in this daemon).
/// Status -1 means the child could not be waited for (ECHILD: someone else reaped it).
void watch_child_exit(boost::asio::any_io_executor executor, pid_t pid, std::function<void(int)> on_exit);

/// The same, waiting on `readiness_fd` (owned from here on) instead of a new pidfd. For tests:
/// an always-readable descriptor (an eventfd with a count) is a pidfd that keeps reporting
/// readiness while the child runs — the case Boost.Process turns into a blocking waitpid.
void watch_child_exit_on(boost::asio::any_io_executor executor, pid_t pid, int readiness_fd,
                         std::function<void(int)> on_exit);

}  // namespace appserver::hooks
