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
#include <unistd.h>

namespace appserver {

/// Sets FD_CLOEXEC on `fd`; returns `fd` (or -1 unchanged). Never blocks.
inline int set_cloexec(int fd) {
  if (fd >= 0) {
    const int flags = ::fcntl(fd, F_GETFD);
    if (flags >= 0 && !(flags & FD_CLOEXEC)) ::fcntl(fd, F_SETFD, flags | FD_CLOEXEC);
  }
  return fd;
}

/// Marks every descriptor above 2 that this process inherited close-on-exec (one
/// close_range(CLOSE_RANGE_CLOEXEC) call; Linux 5.11+, a no-op where unsupported). A parent
/// that leaked descriptors into the daemon (a launcher with its own pipes, a shell's `3>file`)
/// must not see them passed on to every hook. Call first thing in main().
inline void cloexec_inherited_descriptors() {
#ifdef CLOSE_RANGE_CLOEXEC
  (void)::close_range(3, ~0U, CLOSE_RANGE_CLOEXEC);
#endif
}

/// dup(2) with close-on-exec set atomically (F_DUPFD_CLOEXEC); the copy is numbered 3 or above.
inline int dup_cloexec(int fd) { return ::fcntl(fd, F_DUPFD_CLOEXEC, 3); }

}  // namespace appserver
