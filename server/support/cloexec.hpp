// Close-on-exec for descriptors that libraries open without it.
//
// Asio opens sockets with plain socket(2) / accept(2) (no SOCK_CLOEXEC), and dup(2) never sets
// the flag; a hook or command spawned afterwards would inherit them — the daemon's stdout, a
// listening port (a restarted daemon then cannot bind it while a hook's orphan lives). Every
// such descriptor goes through set_cloexec() right after it is made. (The spawn also closes
// every descriptor above 2 in the child, so a descriptor that slipped through is still not
// inherited; see hooks/command_runner.cpp.)
#pragma once

#include <fcntl.h>

namespace appserver {

/// Sets FD_CLOEXEC on `fd`; returns `fd` (or -1 unchanged). Never blocks.
inline int set_cloexec(int fd) {
  if (fd >= 0) {
    const int flags = ::fcntl(fd, F_GETFD);
    if (flags >= 0 && !(flags & FD_CLOEXEC)) ::fcntl(fd, F_SETFD, flags | FD_CLOEXEC);
  }
  return fd;
}

/// dup(2) with close-on-exec set atomically (F_DUPFD_CLOEXEC); the copy is numbered 3 or above.
inline int dup_cloexec(int fd) { return ::fcntl(fd, F_DUPFD_CLOEXEC, 3); }

}  // namespace appserver
