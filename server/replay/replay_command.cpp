// `app-server replay`: runs a transcript (or a --record recording) against a fresh server and
// reports pass or the first difference; --update (or UPDATE_GOLDEN=1) rewrites the expected
// side from the actual output. See transcript.hpp for the format.
#include "server/replay/replay_command.hpp"

#include "protocol/json_parse.hpp"

#include "server/config/hook_trust.hpp"

#include "schema/schema_validator.hpp"
#include "server/replay/transcript.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/websocket.hpp>
#include <boost/asio/read_until.hpp>
#include <boost/asio/readable_pipe.hpp>
#include <boost/asio/writable_pipe.hpp>
#include <boost/asio/write.hpp>
#include <boost/process/v2/process.hpp>
#include <boost/process/v2/start_dir.hpp>
#include <boost/process/v2/stdio.hpp>

#include <chrono>
#include <csignal>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>
#include <thread>

namespace appserver::replay {

namespace asio = boost::asio;
namespace bp = boost::process::v2;
namespace fs = std::filesystem;
using namespace std::chrono_literals;

namespace {

std::string read_file(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("cannot read " + path.string());
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

namespace beast = boost::beast;

/// A WebSocket connection to a server, one JSON-RPC message per text frame.
class WsChannel {
 public:
  explicit WsChannel(const std::string& url) {
    if (url.rfind("ws://", 0) != 0) throw std::runtime_error("--url: expected ws://HOST:PORT, got " + url);
    const std::string rest = url.substr(5);
    const auto colon = rest.rfind(':');
    if (colon == std::string::npos) throw std::runtime_error("--url: expected ws://HOST:PORT, got " + url);
    asio::ip::tcp::resolver resolver(io_);
    beast::get_lowest_layer(ws_).connect(resolver.resolve(rest.substr(0, colon), rest.substr(colon + 1)));
    ws_.handshake(rest, "/");
    ws_.text(true);
  }
  void send(const std::string& text) { ws_.write(asio::buffer(text)); }
  std::optional<std::string> next(std::chrono::milliseconds timeout, bool* timed_out) {
    if (timed_out) *timed_out = false;
    if (closed_) return std::nullopt;
    bool done = false;
    beast::error_code result;
    ws_.async_read(buffer_, [&](beast::error_code ec, std::size_t) {
      done = true;
      result = ec;
    });
    io_.restart();
    io_.run_for(timeout);
    if (!done) {
      beast::get_lowest_layer(ws_).cancel();
      io_.restart();
      io_.run();
      if (timed_out) *timed_out = true;
      return std::nullopt;
    }
    if (result) {
      closed_ = true;
      return std::nullopt;
    }
    std::string text = beast::buffers_to_string(buffer_.data());
    buffer_.consume(buffer_.size());
    return text;
  }
  void close() {
    beast::error_code ignored;
    if (!closed_) ws_.close(beast::websocket::close_code::normal, ignored);
    closed_ = true;
  }

 private:
  asio::io_context io_;
  beast::websocket::stream<beast::tcp_stream> ws_{io_};
  beast::flat_buffer buffer_;
  bool closed_ = false;
};

/// One server spoken to over stdio or WebSocket: a process this replay starts, or (with --url)
/// a server that is already running.
class ServerProcess {
 public:
  ServerProcess(const ReplayOptions& options, const fs::path& home, const fs::path& workspace,
                const std::vector<std::string>& flags, const fs::path& log) {
    if (!options.url.empty()) {
      ws_.emplace(options.url);
      return;
    }
    std::error_code size_error;
    log_offset_ = fs::exists(log) ? fs::file_size(log, size_error) : 0;  // earlier runs' lines
    log_ = std::fopen(log.c_str(), "a");
    if (options.server_cmd.empty()) {
      std::vector<std::string> args{"--test-mode", "--validate-all", "--strict-schemas",
                                    "--log-level", "debug", "--home", home.string(),
                                    "--cwd", workspace.string(), "--system-config-dir",
                                    (home.parent_path() / "system").string()};
      if (options.websocket)
        for (const char* a : {"--listen", "stdio://", "--listen", "ws://127.0.0.1:0"}) args.push_back(a);
      args.insert(args.end(), flags.begin(), flags.end());
      process_.emplace(io_, options.self, args, bp::process_stdio{in_, out_, log_});
    } else {
      // A user-given command line: it finds the home in $APP_SERVER_HOME and runs in the
      // workspace; the transcript's flags are appended.
      std::string command = options.server_cmd;
      for (const auto& flag : flags) command += " '" + flag + "'";
      ::setenv("APP_SERVER_HOME", home.c_str(), 1);
      process_.emplace(io_, "/bin/sh", std::vector<std::string>{"-c", command},
                       bp::process_stdio{in_, out_, log_}, bp::process_start_dir(workspace.string()));
    }
    if (options.websocket) ws_.emplace(listening_url(log));
  }

  /// The ws:// address the spawned server logged (this run's lines only).
  std::string listening_url(const fs::path& log) {
    const auto deadline = std::chrono::steady_clock::now() + 10s;
    while (std::chrono::steady_clock::now() < deadline) {
      std::fflush(log_);
      std::ifstream in(log);
      in.seekg(static_cast<std::streamoff>(log_offset_));
      for (std::string line; std::getline(in, line);) {
        auto pos = line.find("listening on ws://");
        if (pos == std::string::npos) continue;
        std::string url = line.substr(pos + 13);
        return url.substr(0, url.find(' '));
      }
      std::this_thread::sleep_for(20ms);
    }
    throw std::runtime_error("the server did not log a ws:// listening address");
  }
  ~ServerProcess() {
    boost::system::error_code ec;
    if (process_ && !exited_ && process_->running(ec)) process_->terminate(ec);
    if (log_) std::fclose(log_);
  }

  void send(const std::string& line) {
    if (ws_) return ws_->send(line);
    asio::write(in_, asio::buffer(line + "\n"));
  }

  /// The next message, or nullopt at end of stream or after `timeout`.
  std::optional<std::string> next(std::chrono::milliseconds timeout, bool* timed_out = nullptr) {
    if (ws_) return ws_->next(timeout, timed_out);
    if (timed_out) *timed_out = false;
    auto newline = buffer_.find('\n');
    if (newline == std::string::npos && !eof_) {
      bool done = false;
      asio::async_read_until(out_, asio::dynamic_buffer(buffer_), '\n',
                             [&](boost::system::error_code ec, std::size_t) {
                               done = true;
                               if (ec && ec != asio::error::operation_aborted) eof_ = true;
                             });
      io_.restart();
      io_.run_for(timeout);
      if (!done) {
        out_.cancel();  // the handler then runs with operation_aborted; the pipe stays usable
        io_.restart();
        io_.run();
        if (timed_out) *timed_out = true;
        return std::nullopt;
      }
      newline = buffer_.find('\n');
    }
    if (newline == std::string::npos) return std::nullopt;
    std::string line = buffer_.substr(0, newline);
    buffer_.erase(0, newline + 1);
    return line;
  }

  /// Ends the session: stdin EOF for a spawned server (it drains, closes WebSocket clients
  /// and exits), a close frame for a running one.
  void close_stdin() {
    if (!process_) return ws_->close();
    boost::system::error_code ec;
    in_.close(ec);
  }
  int wait() {
    if (!process_) return 0;
    exited_ = true;
    boost::system::error_code ec;
    return process_->wait(ec);
  }

 private:
  asio::io_context io_;
  asio::writable_pipe in_{io_};
  asio::readable_pipe out_{io_};
  std::optional<bp::process> process_;
  std::optional<WsChannel> ws_;
  std::uintmax_t log_offset_ = 0;
  std::string buffer_;
  FILE* log_ = nullptr;
  bool eof_ = false;
  bool exited_ = false;
};

class Runner {
 public:
  Runner(const ReplayOptions& options, Transcript transcript, fs::path file)
      : options_(options), t_(std::move(transcript)), file_(std::move(file)) {
    static int counter = 0;
    root_ = fs::temp_directory_path() /
            ("app-server-replay-" + std::to_string(::getpid()) + "-" + std::to_string(counter++));
    fs::remove_all(root_);
    home_ = root_ / "home";
    workspace_ = root_ / "workspace";
    fs::create_directories(home_);
    fs::create_directories(workspace_);
    fixtures_ = fs::absolute(file_).parent_path() / "hooks";
    if (!options_.url.empty()) workspace_ = fs::current_path();
    to_server_ = {{"$HOME", home_.string()}, {"$WORKSPACE", workspace_.string()},
                  {"$FIXTURES", fixtures_.string()}};
    from_server_ = {{home_.string(), "$HOME"}, {workspace_.string(), "$WORKSPACE"},
                    {fixtures_.string(), "$FIXTURES"}};
    if (t_.hooks) install(*t_.hooks, home_ / "hooks.json");
    if (t_.project_hooks) {
      fs::create_directories(workspace_ / ".codex");
      install(*t_.project_hooks, workspace_ / ".codex" / "hooks.json");
    }
    // As a user would with `app-server hooks trust --project --all` (header `#! trust: none`
    // replays a session whose hooks are not trusted).
    if (t_.trust_hooks && (t_.hooks || t_.project_hooks)) {
      if (t_.project_hooks) trust_project(home_, workspace_);
      trust_hooks({root_ / "system", home_, workspace_}, {}, /*all=*/true);
    }
  }
  ~Runner() {
    std::error_code ec;
    if (!std::getenv("APP_SERVER_KEEP_TEST_DIRS")) fs::remove_all(root_, ec);
  }

  int run() {
    start();
    for (const auto& step : t_.steps) {
      switch (step.kind) {
        case Step::Kind::send:
          send(step);
          if (options_.update) collect_after(step);
          break;
        case Step::Kind::expect:
          if (!options_.update && !expect(step)) return fail_summary();
          break;
        case Step::Kind::restart:
          if (!options_.url.empty()) {
            report(step, "`== restart` needs a server that replay starts (not --url)");
            return fail_summary();
          }
          if (!stop()) return fail_summary();
          start();
          break;
      }
    }
    if (!stop()) return fail_summary();
    if (options_.update) return write_update();
    std::cout << "PASS " << file_.string() << " (" << t_.steps.size() << " steps, " << checked_
              << " server messages matched and schema-checked)\n";
    return 0;
  }

 private:
  void install(const std::string& name, const fs::path& target) {
    std::string text = read_file(fs::absolute(file_).parent_path() / name);
    std::ofstream(target) << replace_all(text, "$FIXTURES", fixtures_.string());
  }

  void start() {
    server_ = std::make_unique<ServerProcess>(options_, home_, workspace_, t_.flags, root_ / "server.log");
  }

  void send(const Step& step) {
    std::string text;
    if (step.message.is_null()) {
      text = step.text;
      for (const auto& [from, to] : to_server_) text = replace_all(text, from, to);
    } else {
      Json message = substitute(step.message, to_server_);
      if (message.contains("id") && message.contains("method"))
        methods_[message["id"].dump()] = message["method"].get<std::string>();
      text = message.dump();
    }
    server_->send(text);
  }

  bool ignored(const Json& message) const {
    return message.contains("method") &&
           std::find(t_.ignore.begin(), t_.ignore.end(), message["method"].get<std::string>()) !=
               t_.ignore.end();
  }

  /// The next server message that is not ignored, schema-checked and with paths replaced.
  std::optional<Json> next_message(std::chrono::milliseconds timeout, bool* timed_out) {
    while (true) {
      auto line = server_->next(timeout, timed_out);
      if (!line) return std::nullopt;
      Json message = protocol::parse_or_discard(*line);
      if (message.is_discarded()) {
        error_ = "the server sent a line that is not JSON: " + *line;
        return std::nullopt;
      }
      schema_check(message);
      if (!options_.url.empty() && message.contains("result") && message["result"].is_object() &&
          message["result"].contains("codexHome") && message["result"]["codexHome"].is_string())
        from_server_[message["result"]["codexHome"].get<std::string>()] = "$HOME";
      if (!ignored(message)) return substitute(message, from_server_);
    }
  }

  void schema_check(const Json& message) {
    if (!options_.validate || !error_.empty()) return;
    std::optional<schema::SchemaFailure> failure;
    std::string what;
    if (message.contains("method") && !message.contains("id")) {
      what = "notification " + message["method"].get<std::string>();
      failure = validator().validate_notification(message["method"].get<std::string>(), message["params"]);
    } else if (message.contains("method")) {
      what = "server request " + message["method"].get<std::string>();
      failure = validator().validate_request_params(message["method"].get<std::string>(), message["params"]);
    } else if (message.contains("result") && methods_.count(message["id"].dump())) {
      const std::string& method = methods_.at(message["id"].dump());
      what = "result of " + method;
      failure = validator().validate_result(method, message["result"]);
    }
    if (failure)
      error_ = "schema violation in " + what + " at " + failure->pointer + ": " + failure->rule +
               "\n  message: " + message.dump();
  }

  static const schema::SchemaValidator& validator() {
    static const schema::SchemaValidator instance;
    return instance;
  }

  bool expect(const Step& step) {
    bool timed_out = false;
    auto actual = next_message(20s, &timed_out);
    if (!error_.empty()) return report(step, error_);
    if (!actual)
      return report(step, timed_out ? "no message from the server within 20 s"
                                    : "the server closed its output (exited?)");
    ++checked_;
    if (!matches(step.message, *actual)) {
      std::ostringstream why;
      why << "the server sent a different message\n  expected: " << step.message.dump()
          << "\n  actual:   " << actual->dump()
          << "\n  diff (JSON Patch, expected → actual): " << Json::diff(step.message, *actual).dump();
      return report(step, why.str());
    }
    if (!error_.empty()) return report(step, error_);
    return true;
  }

  /// Update mode: everything the server sends after a `<--` line, until it is quiet (300 ms
  /// with no turn running).
  void collect_after(const Step& step) {
    auto& block = collected_[step.line];
    int open_turns = 0;
    while (true) {
      bool timed_out = false;
      auto message = next_message(open_turns > 0 ? 20s : 300ms, &timed_out);
      if (!message) break;
      const std::string method = message->value("method", "");
      if (method == "turn/started") ++open_turns;
      if (method == "turn/completed") --open_turns;
      block.push_back(*message);
    }
  }

  /// Closes stdin; the server must then send nothing more (in update mode: collect it) and
  /// exit with 0.
  bool stop() {
    server_->close_stdin();
    const std::size_t line = t_.lines.size();
    while (true) {
      bool timed_out = false;
      auto message = next_message(20s, &timed_out);
      if (!error_.empty()) return report_line(line, error_);
      if (!message) {
        if (timed_out) return report_line(line, "the server did not exit after stdin was closed");
        break;
      }
      if (options_.update) {
        collected_[last_send_line()].push_back(*message);
        continue;
      }
      return report_line(line, "unexpected message after the last expectation: " + message->dump());
    }
    const int code = server_->wait();
    if (code != 0) return report_line(line, "the server exited with code " + std::to_string(code));
    return true;
  }

  std::size_t last_send_line() const {
    std::size_t line = 0;
    for (const auto& step : t_.steps)
      if (step.kind == Step::Kind::send) line = step.line;
    return line;
  }

  int write_update() {
    // Expected lines of the old file, grouped after the send they follow, to keep the ones
    // that still match (they may hold matchers).
    std::map<std::size_t, std::vector<const Step*>> old_blocks;
    std::size_t current = 0;
    for (const auto& step : t_.steps) {
      if (step.kind == Step::Kind::send) current = step.line;
      if (step.kind == Step::Kind::expect) old_blocks[current].push_back(&step);
    }
    std::ostringstream out;
    for (std::size_t i = 0; i < t_.lines.size(); ++i) {
      const std::string& line = t_.lines[i];
      const std::size_t number = i + 1;
      if (line.rfind("-->", 0) == 0) continue;
      out << line << "\n";
      auto block = collected_.find(number);
      if (block == collected_.end()) continue;
      const auto& old = old_blocks[number];
      for (std::size_t k = 0; k < block->second.size(); ++k) {
        const Json& actual = block->second[k];
        if (k < old.size() && matches(old[k]->message, actual)) out << "--> " << old[k]->text << "\n";
        else out << "--> " << actual.dump() << "\n";
      }
    }
    std::ofstream(file_, std::ios::binary) << out.str();
    std::cout << "UPDATED " << file_.string() << ": review the diff before committing\n";
    return 0;
  }

  bool report(const Step& step, const std::string& why) { return report_line(step.line, why); }
  bool report_line(std::size_t line, const std::string& why) {
    std::cerr << "FAIL " << file_.string() << ":" << line << ": " << why << "\n";
    failed_ = true;
    return false;
  }
  int fail_summary() {
    std::cerr << "  server log: " << (root_ / "server.log").string()
              << (std::getenv("APP_SERVER_KEEP_TEST_DIRS") ? "" : " (set APP_SERVER_KEEP_TEST_DIRS=1 to keep it)")
              << "\n  if the new output is right, update the transcript with:\n"
              << "    UPDATE_GOLDEN=1 app-server replay " << file_.string()
              << "   (or: UPDATE_GOLDEN=1 ctest --test-dir build -R 'transcript: "
              << file_.stem().string() << "')\n";
    return 1;
  }

  const ReplayOptions& options_;
  Transcript t_;
  fs::path file_, root_, home_, workspace_, fixtures_;
  std::map<std::string, std::string> to_server_, from_server_;
  std::map<std::string, std::string> methods_;  // request id (dumped) → method
  std::map<std::size_t, std::vector<Json>> collected_;  // update mode: send line → messages
  std::unique_ptr<ServerProcess> server_;
  std::size_t checked_ = 0;
  std::string error_;
  bool failed_ = false;
};

}  // namespace

int run_replay(ReplayOptions options) {
  std::signal(SIGPIPE, SIG_IGN);
  if (const char* update = std::getenv("UPDATE_GOLDEN"); update && std::string(update) == "1")
    options.update = true;
  const std::string text = read_file(options.file);
  if (options.convert) {
    std::cout << convert_recording(text);
    return 0;
  }
  Transcript transcript;
  try {
    transcript = parse_transcript(is_recording(text) ? convert_recording(text) : text);
  } catch (const std::exception& e) {
    std::cerr << options.file << ": " << e.what() << "\n";
    return 2;
  }
  if (options.update && is_recording(text)) {
    std::cerr << "--update rewrites transcripts; convert the recording first (--convert)\n";
    return 2;
  }
  Runner runner(options, std::move(transcript), options.file);
  return runner.run();
}

int run_replay_command(const std::vector<std::string>& args, const std::string& self) {
  ReplayOptions options;
  options.self = self;
  for (std::size_t i = 0; i < args.size(); ++i) {
    auto value = [&]() -> std::string {
      if (i + 1 >= args.size()) throw std::invalid_argument(args[i] + " needs a value");
      return args[++i];
    };
    if (args[i] == "--server-cmd") options.server_cmd = value();
    else if (args[i] == "--update") options.update = true;
    else if (args[i] == "--convert") options.convert = true;
    else if (args[i] == "--no-validate") options.validate = false;
    else if (args[i] == "--url") options.url = value();
    else if (args[i] == "--transport") {
      const std::string t = value();
      if (t != "stdio" && t != "ws") throw std::invalid_argument("--transport: stdio or ws");
      options.websocket = t == "ws";
    }
    else if (!args[i].empty() && args[i][0] == '-') throw std::invalid_argument("replay: unknown option " + args[i]);
    else if (options.file.empty()) options.file = args[i];
    else throw std::invalid_argument("replay: one transcript at a time");
  }
  if (options.file.empty()) throw std::invalid_argument("replay: give a transcript or recording file");
  if (!options.url.empty() && !options.server_cmd.empty())
    throw std::invalid_argument("replay: --url and --server-cmd exclude each other");
  return run_replay(std::move(options));
}

}  // namespace appserver::replay
