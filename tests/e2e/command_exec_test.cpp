// command/exec, command/exec/write|terminate|resize as Codex 0.169 answers them (recorded with
// the reference binary): buffered and streamed output, stdin, a pty, caps, timeouts, the
// reference's error texts, and a connection that closes takes its processes with it.
#include "daemon_process.hpp"
#include "server/exec/base64.hpp"

#include <catch2/catch.hpp>

#include <csignal>
#include <fstream>
#include <thread>

using namespace e2e;
using appserver::base64_decode;
using appserver::base64_encode;

namespace {
Json exec(Peer& daemon, Json params) { return daemon.request("command/exec", std::move(params)); }

/// The decoded bytes of every command/exec/outputDelta for `process` and `stream` in `messages`.
std::string streamed(const std::vector<Json>& messages, const std::string& process, const std::string& stream) {
  std::string out;
  for (const auto& m : messages)
    if (m.value("method", "") == "command/exec/outputDelta" && m["params"]["processId"] == process &&
        m["params"]["stream"] == stream)
      out += base64_decode(m["params"]["deltaBase64"].get<std::string>()).value();
  return out;
}

/// Messages until the response to request `id` (inclusive).
std::vector<Json> until_response(Peer& daemon, int id) {
  std::vector<Json> out = daemon.notifications;
  daemon.notifications.clear();
  for (;;) {
    out.push_back(daemon.next());
    if (out.back().value("id", Json()) == id) return out;
  }
}
}  // namespace

TEST_CASE("command/exec runs an argv and answers with its exit code and buffered output", "[e2e][exec]") {
  TempHome home;
  Daemon daemon(home);
  daemon.initialize();
  CHECK(exec(daemon, {{"command", {"echo", "hi"}}})["result"] == Json{{"exitCode", 0}, {"stdout", "hi\n"}, {"stderr", ""}});
  CHECK(exec(daemon, {{"command", {"sh", "-c", "echo out; echo err >&2; exit 3"}}, {"cwd", "/tmp"}})["result"] ==
        Json{{"exitCode", 3}, {"stdout", "out\n"}, {"stderr", "err\n"}});
  CHECK(exec(daemon, {{"command", {"echo", "0123456789"}}, {"outputBytesCap", 5}})["result"] ==
        Json{{"exitCode", 0}, {"stdout", "01234"}, {"stderr", ""}});
  // A relative cwd is taken from the daemon's --cwd; env overrides merge, null unsets.
  std::filesystem::create_directories(home.workspace / "sub");
  ::setenv("EXEC_TEST_VAR", "inherited", 1);
  CHECK(exec(daemon, {{"command", {"sh", "-c", "echo $FOO-${HOME-unset}-$PWD"}},
                      {"env", {{"FOO", "bar"}, {"HOME", nullptr}}}, {"cwd", "sub"}})["result"]["stdout"] ==
        "bar-unset-" + (home.workspace / "sub").string() + "\n");
  // Timeout: killed, exit code 124. Non-UTF-8 bytes become U+FFFD.
  CHECK(exec(daemon, {{"command", {"sleep", "5"}}, {"timeoutMs", 200}})["result"] ==
        Json{{"exitCode", 124}, {"stdout", ""}, {"stderr", ""}});
  CHECK(exec(daemon, {{"command", {"sh", "-c", "printf 'a\\377b'"}}})["result"]["stdout"] == "a\xEF\xBF\xBD" "b");
  CHECK(daemon.close() == 0);
}

TEST_CASE("command/exec refuses what the reference refuses, with its codes and texts", "[e2e][exec]") {
  TempHome home;
  Daemon daemon(home);
  daemon.initialize();
  auto error = [&](const std::string& method, Json params) { return daemon.request(method, std::move(params))["error"]; };
  auto e = [](int code, const std::string& message) { return Json{{"code", code}, {"message", message}}; };
  CHECK(error("command/exec", {{"command", Json::array()}}) == e(-32600, "command must not be empty"));
  CHECK(error("command/exec", {{"command", {"true"}}, {"timeoutMs", 5}, {"disableTimeout", true}}) ==
        e(-32602, "command/exec cannot set both timeoutMs and disableTimeout"));
  CHECK(error("command/exec", {{"command", {"true"}}, {"outputBytesCap", 5}, {"disableOutputCap", true}}) ==
        e(-32602, "command/exec cannot set both outputBytesCap and disableOutputCap"));
  CHECK(error("command/exec", {{"command", {"true"}}, {"size", {{"rows", 10}, {"cols", 20}}}}) ==
        e(-32602, "command/exec size requires tty: true"));
  CHECK(error("command/exec", {{"command", {"cat"}}, {"streamStdin", true}}) ==
        e(-32600, "command/exec tty or streaming requires a client-supplied processId"));
  CHECK(error("command/exec", {{"command", {"/nonexistent/x"}}}) ==
        e(-32603, "failed to spawn command: No such file or directory (os error 2)"));
  CHECK(error("command/exec/write", {{"processId", "zz"}, {"deltaBase64", "eA=="}}) ==
        e(-32600, "no active command/exec for process id \"zz\""));
  CHECK(error("command/exec/write", {{"processId", "zz"}}) == e(-32602, "command/exec/write requires deltaBase64 or closeStdin"));
  CHECK(error("command/exec/terminate", {{"processId", "zz"}}) == e(-32600, "no active command/exec for process id \"zz\""));
  CHECK(error("command/exec/resize", {{"processId", "zz"}, {"size", {{"rows", 0}, {"cols", 9}}}}) ==
        e(-32602, "command/exec size rows and cols must be greater than 0"));
  // A running process id cannot be reused; terminate kills it (exit code 137).
  daemon.send({{"id", 900}, {"method", "command/exec"}, {"params", {{"command", {"sleep", "30"}}, {"processId", "p2"}}}});
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  CHECK(error("command/exec", {{"command", {"sleep", "30"}}, {"processId", "p2"}}) ==
        e(-32600, "duplicate active command/exec process id: \"p2\""));
  CHECK(error("command/exec/write", {{"processId", "p2"}, {"deltaBase64", "eA=="}}) ==
        e(-32600, "stdin streaming is not enabled for this command/exec"));
  CHECK(daemon.request("command/exec/terminate", {{"processId", "p2"}})["result"] == Json::object());
  CHECK(until_response(daemon, 900).back() == Json{{"id", 900}, {"result", {{"exitCode", 137}, {"stdout", ""}, {"stderr", ""}}}});
  CHECK(daemon.close() == 0);
}

TEST_CASE("command/exec streams stdin and output in base64, and its response comes after the deltas", "[e2e][exec]") {
  TempHome home;
  Daemon daemon(home);
  daemon.initialize();
  daemon.send({{"id", 900}, {"method", "command/exec"},
               {"params", {{"command", {"cat"}}, {"processId", "p1"}, {"streamStdin", true}, {"streamStdoutStderr", true}}}});
  CHECK(daemon.request("command/exec/write", {{"processId", "p1"}, {"deltaBase64", base64_encode("hello\n")}})["result"] ==
        Json::object());
  CHECK(daemon.request("command/exec/write", {{"processId", "p1"}, {"closeStdin", true}})["result"] == Json::object());
  auto messages = until_response(daemon, 900);
  CHECK(messages.back() == Json{{"id", 900}, {"result", {{"exitCode", 0}, {"stdout", ""}, {"stderr", ""}}}});
  CHECK(streamed(messages, "p1", "stdout") == "hello\n");
  CHECK(daemon.request("command/exec/write", {{"processId", "p1"}, {"closeStdin", true}})["error"]["message"] ==
        "no active command/exec for process id \"p1\"");

  // A cap per stream: the last chunk of each says capReached.
  daemon.send({{"id", 901}, {"method", "command/exec"},
               {"params", {{"command", {"sh", "-c", "echo abc; echo def >&2"}}, {"processId", "p3"},
                           {"streamStdoutStderr", true}, {"outputBytesCap", 1}}}});
  messages = until_response(daemon, 901);
  CHECK(streamed(messages, "p3", "stdout") == "a");
  CHECK(streamed(messages, "p3", "stderr") == "d");
  for (const auto& m : messages)
    if (m.value("method", "") == "command/exec/outputDelta") CHECK(m["params"]["capReached"] == true);
  CHECK(daemon.close() == 0);
}

TEST_CASE("command/exec with tty runs on a pseudo-terminal of the asked size, and resize reaches it", "[e2e][exec]") {
  TempHome home;
  Daemon daemon(home);
  daemon.initialize();
  daemon.send({{"id", 900}, {"method", "command/exec"},
               {"params", {{"command", {"sh", "-c", "tty; stty size; read x; echo got $x; stty size"}},
                           {"processId", "t1"}, {"tty", true}, {"size", {{"rows", 24}, {"cols", 80}}}}}});
  std::vector<Json> messages;
  auto output = [&] { return streamed(messages, "t1", "stdout"); };
  while (output().find("24 80\r\n") == std::string::npos) messages.push_back(daemon.next());
  CHECK(output().rfind("/dev/pts/", 0) == 0);
  CHECK(daemon.request("command/exec/resize", {{"processId", "t1"}, {"size", {{"rows", 30}, {"cols", 100}}}})["result"] ==
        Json::object());
  CHECK(daemon.request("command/exec/write", {{"processId", "t1"}, {"deltaBase64", base64_encode("yes\n")}})["result"] ==
        Json::object());
  for (auto& m : until_response(daemon, 900)) messages.push_back(std::move(m));
  CHECK(messages.back()["result"] == Json{{"exitCode", 0}, {"stdout", ""}, {"stderr", ""}});
  const std::string all = output();
  CHECK(all.substr(all.find("24 80\r\n") + 7) == "yes\r\ngot yes\r\n30 100\r\n");  // the terminal echoes input
  CHECK(daemon.close() == 0);
}

TEST_CASE("a connection that closes takes its command/exec processes with it", "[e2e][exec][ws]") {
  TempHome home;
  Daemon daemon(home, {"--listen", "stdio://", "--listen", "ws://127.0.0.1:0"});
  daemon.initialize();
  const auto pid_file = home.root / "exec.pid";
  {
    WsClient client(daemon.ws_url());
    client.initialize();
    client.send({{"id", 900}, {"method", "command/exec"},
                 {"params", {{"command", {"sh", "-c", "echo $$ > " + pid_file.string() + "; exec sleep 30"}},
                             {"processId", "long"}}}});
    for (int i = 0; i < 200 && !std::filesystem::exists(pid_file); ++i) std::this_thread::sleep_for(std::chrono::milliseconds(25));
    // Another client is answered while it runs.
    CHECK(daemon.request("command/exec", {{"command", {"echo", "meanwhile"}}})["result"]["stdout"] == "meanwhile\n");
    client.close();
  }
  pid_t pid = 0;
  std::ifstream(pid_file) >> pid;
  REQUIRE(pid > 0);
  bool gone = false;
  for (int i = 0; i < 200 && !gone; ++i) {  // generous: 5 s
    gone = ::kill(pid, 0) != 0;
    if (!gone) std::this_thread::sleep_for(std::chrono::milliseconds(25));
  }
  CHECK(gone);
  CHECK(daemon.close() == 0);
}
