// posix_spawn-based command runner; see command_runner.hpp.
//
// Why posix_spawn and not Boost.Process v2's default launcher (Boost 1.81): the launcher forks,
// so its cost grows with the daemon's RSS, it calls notify_fork in the child (a deadlock risk
// with a multi-threaded io_context), and on exec failure it calls exit() in the child, flushing
// the parent's stdio buffers a second time. posix_spawn (CLONE_VFORK) has none of these. The
// exit is waited for by child_exit.cpp, not by Boost.Process's async_wait, whose blocking
// waitpid froze the daemon (boostorg/process#564).
//
// When a run is over:
// - the process exited and both pipes reached EOF: at once;
// - the process exited but something still holds a pipe open (a descendant left running with
//   `cmd &`): after kExitGrace, with the output read so far. The descendants are left running
//   (a hook's `notify-send … &` is meant to outlive it); they lose their stdout/stderr.
// - the timeout or cancel(): the whole process group is killed and the run ends at once.
//
// A pty run (command/exec `tty`): the master side comes from posix_openpt(O_CLOEXEC), so the
// daemon never holds the slave; the child opens the slave by name after POSIX_SPAWN_SETSID
// (glibc applies setsid before the file actions), which makes it the controlling terminal. A
// pty's reads end with EIO once every process holding the slave has exited: that is its EOF.
#include "hooks/command_runner.hpp"

#include "hooks/child_exit.hpp"

#include <boost/asio/post.hpp>
#include <boost/asio/readable_pipe.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/writable_pipe.hpp>
#include <boost/asio/write.hpp>

#include <array>
#include <cerrno>
#include <csignal>
#include <cstdlib>
#include <cstring>
#include <deque>
#include <fcntl.h>
#include <spawn.h>
#include <sys/ioctl.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

extern char** environ;

namespace appserver::hooks {

namespace asio = boost::asio;

namespace {

/// How long output is still read after the hook's own process exited (see the file comment).
constexpr auto kExitGrace = std::chrono::milliseconds(200);

std::string os_error(int err) {
  return std::string(std::strerror(err)) + " (os error " + std::to_string(err) + ")";
}

struct Pipe {
  int read = -1;
  int write = -1;
  bool open() {
    int fds[2];
    if (::pipe2(fds, O_CLOEXEC) != 0) return false;
    read = fds[0];
    write = fds[1];
    return true;
  }
  void close_all() {
    if (read >= 0) ::close(read);
    if (write >= 0) ::close(write);
    read = write = -1;
  }
};

class CommandRun final : public RunningCommand, public std::enable_shared_from_this<CommandRun> {
 public:
  CommandRun(asio::any_io_executor ex, CommandSpec spec, std::function<void(CommandResult)> done)
      : ex_(ex), spec_(std::move(spec)), done_(std::move(done)), in_(ex), out_(ex), err_(ex),
        timer_(ex), grace_(ex) {}

  void start() {
    result_.started = std::chrono::system_clock::now();
    started_ = std::chrono::steady_clock::now();
    int spawn_error = spawn();
    if (spawn_error != 0) {
      result_.error = os_error(spawn_error);
      complete_now();
      return;
    }
    auto self = shared_from_this();
    read_stream(out_, out_buf_, result_.stdout_text, out_eof_, false);
    if (!spec_.pty) read_stream(err_, err_buf_, result_.stderr_text, err_eof_, true);
    watch_child_exit(ex_, pgid_, [self](int status) { self->on_exit(status); });
    if (!spec_.stdin_data.empty()) stdin_queue_.push_back(std::move(spec_.stdin_data));
    stdin_closing_ = !spec_.stream_stdin && !spec_.pty;
    pump_stdin();
    timer_.expires_after(spec_.timeout);
    timer_.async_wait([self](boost::system::error_code ec) {
      if (ec || self->finished_) return;
      self->result_.timed_out = true;
      self->kill_group();
    });
  }

  bool write_stdin(std::string data, bool close) override {
    if ((!spec_.stream_stdin && !spec_.pty) || stdin_closing_ || finished_) return false;
    if (!data.empty()) stdin_queue_.push_back(std::move(data));
    stdin_closing_ = close;
    pump_stdin();
    return true;
  }

  std::string resize(TerminalSize size) override {
    if (!spec_.pty) return "not a terminal";
    if (finished_) return "the command is no longer running";
    struct winsize ws {};
    ws.ws_row = size.rows;
    ws.ws_col = size.cols;
    if (::ioctl(out_.native_handle(), TIOCSWINSZ, &ws) != 0) return os_error(errno);
    return "";
  }

  void cancel() override {
    // Kill at once (kill(2) is thread-safe) so a shutdown that stops the io_context next does
    // not leave hook processes behind; the bookkeeping runs on the executor. Once the run is
    // over the group id may belong to someone else: never signal it then.
    if (pgid_ > 0 && !finished_) ::kill(-pgid_, SIGKILL);
    auto self = shared_from_this();
    asio::post(ex_, [self] {
      if (self->finished_ || self->pgid_ <= 0) return;
      self->result_.cancelled = true;
      self->kill_group();
    });
  }

 private:
  int spawn() {
    if (spec_.pty) return spawn_on_pty();
    Pipe in, out, err;
    if (!in.open() || !out.open() || !err.open()) {
      int e = errno;
      in.close_all();
      out.close_all();
      err.close_all();
      return e;
    }
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_adddup2(&actions, in.read, 0);
    posix_spawn_file_actions_adddup2(&actions, out.write, 1);
    posix_spawn_file_actions_adddup2(&actions, err.write, 2);
    pid_t pid = -1;
    int rc = spawn_with(actions, false, pid);
    ::close(in.read);
    ::close(out.write);
    ::close(err.write);
    if (rc != 0) {
      ::close(in.write);
      ::close(out.read);
      ::close(err.read);
      return rc;
    }
    pgid_ = pid;
    in_.assign(in.write);
    out_.assign(out.read);
    err_.assign(err.read);
    return 0;
  }

  /// The pty variant of spawn(): the master is read through `out_` and written through `in_`
  /// (a duplicate, so each Asio object owns its descriptor).
  int spawn_on_pty() {
    int master = ::posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC);
    if (master < 0) return errno;
    char slave[128];
    struct winsize ws {};
    ws.ws_row = spec_.pty->rows;
    ws.ws_col = spec_.pty->cols;
    int writer = -1;
    if (::grantpt(master) != 0 || ::unlockpt(master) != 0 || ::ptsname_r(master, slave, sizeof slave) != 0 ||
        ::ioctl(master, TIOCSWINSZ, &ws) != 0 || (writer = ::fcntl(master, F_DUPFD_CLOEXEC, 0)) < 0) {
      int e = errno;
      ::close(master);
      return e;
    }
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, 0, slave, O_RDWR, 0);  // after setsid: the ctty
    posix_spawn_file_actions_adddup2(&actions, 0, 1);
    posix_spawn_file_actions_adddup2(&actions, 0, 2);
    pid_t pid = -1;
    int rc = spawn_with(actions, true, pid);
    if (rc != 0) {
      ::close(master);
      ::close(writer);
      return rc;
    }
    pgid_ = pid;  // a session leader leads its process group too
    out_.assign(master);
    in_.assign(writer);
    err_eof_ = true;
    return 0;
  }

  /// posix_spawnp of the spec's command with `actions` (destroyed here) plus the common ones:
  /// closefrom(3), chdir, default signals, an empty mask, and a process group of its own (or,
  /// with `new_session`, a session of its own). Returns 0 or the errno.
  int spawn_with(posix_spawn_file_actions_t& actions, bool new_session, pid_t& pid) {
    // Every descriptor of the daemon is close-on-exec already; this makes "the child holds
    // exactly its own stdin/stdout/stderr" true even for one a library opened without it.
    posix_spawn_file_actions_addclosefrom_np(&actions, 3);
    if (!spec_.cwd.empty()) posix_spawn_file_actions_addchdir_np(&actions, spec_.cwd.c_str());

    posix_spawnattr_t attr;
    posix_spawnattr_init(&attr);
    sigset_t defaults, empty;
    sigemptyset(&empty);
    sigemptyset(&defaults);
    sigaddset(&defaults, SIGPIPE);  // the daemon ignores SIGPIPE; hooks get the default
    sigaddset(&defaults, SIGINT);
    sigaddset(&defaults, SIGTERM);
    posix_spawnattr_setsigdefault(&attr, &defaults);
    posix_spawnattr_setsigmask(&attr, &empty);
    posix_spawnattr_setpgroup(&attr, 0);  // own process group, so a timeout kills the tree
    posix_spawnattr_setflags(&attr, (new_session ? POSIX_SPAWN_SETSID : POSIX_SPAWN_SETPGROUP) |
                                        POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK);

    std::vector<std::string> env_storage;
    std::vector<char*> envp;
    char** env = environ;
    if (spec_.environment) {
      env_storage = *spec_.environment;
      for (auto& e : env_storage) envp.push_back(e.data());
      envp.push_back(nullptr);
      env = envp.data();
    }
    // A shell command line, or (the [hooks] argv form) a program run without a shell.
    std::vector<std::string> words = spec_.argv;
    if (words.empty()) words = {"/bin/sh", "-c", spec_.command};
    std::vector<char*> argv;
    for (auto& w : words) argv.push_back(w.data());
    argv.push_back(nullptr);
    int rc = ::posix_spawnp(&pid, argv[0], &actions, &attr, argv.data(), env);
    posix_spawn_file_actions_destroy(&actions);
    posix_spawnattr_destroy(&attr);
    return rc;
  }

  /// Writes the stdin queue in order, one async_write at a time; closes stdin once the queue
  /// is empty and closing was asked (a pty keeps its terminal: the master is also the output).
  void pump_stdin() {
    if (stdin_writing_ || finished_) return;
    if (stdin_queue_.empty()) {
      boost::system::error_code ignored;
      if (stdin_closing_ && !spec_.pty) in_.close(ignored);
      return;
    }
    stdin_writing_ = true;
    asio::async_write(in_, asio::buffer(stdin_queue_.front()),
                      [self = shared_from_this()](boost::system::error_code ec, std::size_t) {
                        self->stdin_writing_ = false;
                        if (!self->stdin_queue_.empty()) self->stdin_queue_.pop_front();
                        if (ec) {
                          // EPIPE: the command exited without reading its input; that is fine.
                          if (ec != asio::error::broken_pipe && ec != asio::error::operation_aborted &&
                              !self->finished_)
                            self->result_.error = "failed to write hook stdin: " + ec.message();
                          self->stdin_queue_.clear();
                          self->stdin_closing_ = true;
                          boost::system::error_code ignored;
                          if (!self->spec_.pty) self->in_.close(ignored);
                          return;
                        }
                        self->pump_stdin();
                      });
  }

  void read_stream(asio::readable_pipe& pipe, std::array<char, 16384>& buf, std::string& sink, bool& eof,
                   bool is_stderr) {
    auto self = shared_from_this();
    pipe.async_read_some(asio::buffer(buf), [self, &pipe, &buf, &sink, &eof, is_stderr](
                                                boost::system::error_code ec, std::size_t n) {
      if (self->finished_) return;
      if (n > 0 && self->spec_.on_stream) self->spec_.on_stream(is_stderr, std::string_view(buf.data(), n));
      if (n > 0 && self->spec_.on_output && !self->finished_) self->spec_.on_output(std::string(buf.data(), n));
      if (n > 0) {
        std::size_t room = self->spec_.max_output_bytes > sink.size()
                               ? self->spec_.max_output_bytes - sink.size()
                               : 0;
        if (n > room) self->result_.output_truncated = true;
        sink.append(buf.data(), std::min(n, room));
      }
      if (ec) {
        eof = true;
        self->maybe_complete();
        return;
      }
      self->read_stream(pipe, buf, sink, eof, is_stderr);
    });
  }

  void on_exit(int status) {
    exited_ = true;
    if (finished_) return;  // timed out or cancelled: the result is already out
    if (status != -1 && WIFEXITED(status)) result_.exit_code = WEXITSTATUS(status);
    if (status != -1 && WIFSIGNALED(status)) result_.signal = WTERMSIG(status);
    if (out_eof_ && err_eof_) return complete_now();
    // Something else holds the pipes (a background descendant): read what is there, briefly.
    grace_.expires_after(kExitGrace);
    grace_.async_wait([self = shared_from_this()](boost::system::error_code ec) {
      if (ec || self->finished_) return;
      self->complete_now();
    });
  }

  void maybe_complete() {
    if (exited_ && out_eof_ && err_eof_) complete_now();
  }

  /// Timeout or cancel: kill the group and end the run now (the exit watch still reaps).
  void kill_group() {
    if (pgid_ > 0 && !finished_) ::kill(-pgid_, SIGKILL);
    complete_now();
  }

  void complete_now() {
    if (finished_) return;
    finished_ = true;
    timer_.cancel();
    grace_.cancel();
    boost::system::error_code ignored;
    // Closing our ends ends the reads; a descendant still writing gets EPIPE.
    in_.close(ignored);
    out_.close(ignored);
    err_.close(ignored);
    result_.completed = std::chrono::system_clock::now();
    result_.duration = std::chrono::duration_cast<std::chrono::milliseconds>(
        std::chrono::steady_clock::now() - started_);
    if (result_.timed_out || result_.cancelled) {
      result_.exit_code.reset();
      result_.stdout_text.clear();
      result_.stderr_text.clear();
    }
    auto done = std::move(done_);
    auto result = std::move(result_);
    asio::post(ex_, [done = std::move(done), result = std::move(result)]() mutable {
      done(std::move(result));
    });
  }

  asio::any_io_executor ex_;
  CommandSpec spec_;
  std::function<void(CommandResult)> done_;
  asio::writable_pipe in_;
  asio::readable_pipe out_, err_;
  asio::steady_timer timer_;
  asio::steady_timer grace_;
  std::array<char, 16384> out_buf_, err_buf_;  // not zeroed: 32 KiB of memset per hook run
  std::deque<std::string> stdin_queue_;  // front: being written
  bool stdin_writing_ = false, stdin_closing_ = false;
  CommandResult result_;
  std::chrono::steady_clock::time_point started_;
  pid_t pgid_ = -1;
  bool out_eof_ = false, err_eof_ = false, exited_ = false;
  bool finished_ = false;
};

}  // namespace

std::shared_ptr<RunningCommand> run_command(asio::any_io_executor executor, CommandSpec spec,
                                            std::function<void(CommandResult)> done) {
  auto run = std::make_shared<CommandRun>(executor, std::move(spec), std::move(done));
  run->start();
  return run;
}

}  // namespace appserver::hooks
