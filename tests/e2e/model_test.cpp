// End-to-end: the Responses API agent against the in-repo mock (tests/mock_responses.py).
#include "daemon_process.hpp"
#include "mock_model.hpp"

#include <catch2/catch.hpp>

#include <csignal>
#include <cstdlib>
#include <fstream>
#include <thread>

using namespace e2e;

namespace {
Json turn_of(const std::vector<Json>& messages) { return find(messages, "turn/completed")["turn"]; }

/// A self-signed certificate for 127.0.0.1 (openssl CLI): {cert.pem, key.pem} in the temp root.
std::pair<std::filesystem::path, std::filesystem::path> make_certificate(const TempHome& home) {
  const auto cert = home.root / "cert.pem", key = home.root / "key.pem";
  const std::string command = "openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj /CN=127.0.0.1 "
                              "-addext subjectAltName=IP:127.0.0.1 -keyout " + key.string() + " -out " +
                              cert.string() + " > /dev/null 2>&1";
  REQUIRE(std::system(command.c_str()) == 0);
  return {cert, key};
}
}  // namespace

TEST_CASE("the Responses API agent streams the model's reply", "[e2e][model]") {
  TempHome home;
  MockModel model(home, Json::parse(R"([{"text": "Hello from the mock model.", "chunks": 3}])"));
  // Keys every Codex config has do not warn (sorted before the unknown one: they would come first).
  model.write_config(home, "check_for_update_on_startup = false\nunknown_key = 1\n[feedback]\nenabled = false\n");
  Daemon daemon(home);
  daemon.initialize();
  auto warnings = daemon.until("configWarning");
  CHECK(warnings.back()["params"]["summary"] == (home.home / "config.toml").string() +
                                                    ": `unknown_key` is not a Codex 0.169 setting; ignored");
  const std::string thread = start_thread(daemon, home);
  auto messages = run_turn(daemon, thread, "hi");
  CHECK(find_all(messages, "item/agentMessage/delta").size() == 3);
  CHECK(turn_of(messages)["items"][0]["text"] == "Hello from the mock model.");
  auto requests = model.requests();
  REQUIRE(requests.size() == 1);
  CHECK(requests[0]["model"] == "mock-model");
  CHECK(requests[0]["stream"] == true);
  CHECK(requests[0]["tools"][0]["name"] == "exec_command");
  CHECK(requests[0]["input"].back() == Json::parse(R"({"type":"message","role":"user","content":[{"type":"input_text","text":"hi"}]})"));
  CHECK(daemon.request("model/list", Json::object())["result"]["data"][0]["id"] == "mock-model");
  CHECK(daemon.close() == 0);
}

TEST_CASE("a message that comes without text deltas is the reply, as Codex takes it", "[e2e][model]") {
  TempHome home;
  MockModel model(home, Json::parse(R"([{"item": {"type": "message", "role": "assistant",
      "content": [{"type": "output_text", "text": "Whole "}, {"type": "output_text", "text": "at once."}]}}])"));
  model.write_config(home);
  const Json hook = {{"type", "command"}, {"command", "cat > '" + (home.root / "stop.json").string() + "'"}};
  home.write_hooks(Json{{"hooks", {{"Stop", {{{"hooks", {hook}}}}}}}}.dump());
  Daemon daemon(home);
  daemon.initialize();
  const std::string thread = start_thread(daemon, home);
  const auto messages = run_turn(daemon, thread, "hi");
  CHECK(find(messages, "item/agentMessage/delta")["delta"] == "Whole at once.");
  CHECK(turn_of(messages)["items"][0]["text"] == "Whole at once.");
  std::ifstream stop(home.root / "stop.json");
  CHECK(Json::parse(stop)["last_assistant_message"] == "Whole at once.");
  CHECK(daemon.close() == 0);
}

TEST_CASE("a base_url with a host name is resolved (an IP literal is used as it is)", "[e2e][model]") {
  TempHome home;
  MockModel model(home, Json::parse(R"([{"text": "Reached by name.", "chunks": 1}])"));
  const auto at = model.url.find("127.0.0.1");
  REQUIRE(at != std::string::npos);
  model.url.replace(at, 9, "localhost");
  model.write_config(home);
  Daemon daemon(home);
  daemon.initialize();
  const std::string thread = start_thread(daemon, home);
  CHECK(turn_of(run_turn(daemon, thread, "hi"))["items"][0]["text"] == "Reached by name.");
  CHECK(daemon.close() == 0);
}

TEST_CASE("a model tool call runs exec_command with tool hooks, then the model answers", "[e2e][model]") {
  TempHome home;
  MockModel model(home, Json::parse(R"([
    {"tool_call": {"call_id": "call_abc", "name": "exec_command", "arguments": "{\"cmd\":\"echo from-model\"}"}},
    {"text": "The command printed from-model."}])"));
  model.write_config(home);
  home.write_hooks(R"({"hooks":{"PreToolUse":[{"matcher":"Bash","hooks":[{"type":"command","command":"cat >/dev/null; echo '{\"hookSpecificOutput\":{\"hookEventName\":\"PreToolUse\",\"additionalContext\":\"checked by hook\"}}'"}]}]}})");
  Daemon daemon(home);
  daemon.initialize();
  const std::string thread = start_thread(daemon, home);
  auto messages = run_turn(daemon, thread, "what does echo say?");
  Json command = find_all(messages, "item/completed")[1]["item"];
  CHECK(command["type"] == "commandExecution");
  CHECK(command["id"] == "call_abc");
  CHECK(command["aggregatedOutput"] == "from-model\n");
  CHECK(find(messages, "hook/completed")["run"]["id"].get<std::string>().find(":call_abc") != std::string::npos);
  CHECK(turn_of(messages)["items"][0]["text"] == "The command printed from-model.");
  auto requests = model.requests();
  REQUIRE(requests.size() == 2);
  const Json& input = requests[1]["input"];
  CHECK(input[input.size() - 3] == Json::parse(R"({"type":"function_call","call_id":"call_abc","name":"exec_command","arguments":"{\"cmd\":\"echo from-model\"}"})"));
  CHECK(input[input.size() - 2] == Json::parse(R"({"type":"message","role":"developer","content":[{"type":"input_text","text":"checked by hook"}]})"));
  CHECK(input.back() == Json::parse(R"({"type":"function_call_output","call_id":"call_abc","output":"from-model\n"})"));
  CHECK(daemon.close() == 0);
}

TEST_CASE("an HTTP 500 or a broken stream fails the turn, not the daemon", "[e2e][model]") {
  TempHome home;
  MockModel model(home, Json::parse(R"([{"status": 500}, {"cut": "partial "}, {"text": "recovered"}])"));
  model.write_config(home);
  Daemon daemon(home);
  daemon.initialize();
  const std::string thread = start_thread(daemon, home);

  auto failed = run_turn(daemon, thread, "one");
  Json turn = turn_of(failed);
  CHECK(turn["status"] == "failed");
  CHECK(turn["error"]["message"].get<std::string>().rfind("model request failed: HTTP 500: ", 0) == 0);
  CHECK(find(failed, "error")["error"] == turn["error"]);

  auto cut = run_turn(daemon, thread, "two");
  CHECK(turn_of(cut)["status"] == "failed");
  CHECK(turn_of(cut)["error"]["message"] == "model stream broken: partial message");

  auto ok = run_turn(daemon, thread, "three");
  CHECK(turn_of(ok)["status"] == "completed");
  CHECK(turn_of(ok)["items"][0]["text"] == "recovered");
  CHECK(daemon.close() == 0);
}

TEST_CASE("HTTPS: the server certificate is verified, a stream broken before output is retried", "[e2e][model]") {
  TempHome home;
  const auto [cert, key] = make_certificate(home);
  MockModel model(home, Json::parse(R"([{"cut": ""}, {"text": "over TLS"}])"), cert.string() + " " + key.string());
  REQUIRE(model.url.rfind("https://", 0) == 0);
  std::ofstream(home.home / "config.toml") << "model = \"mock-model\"\nmodel_provider = \"mock\"\n"
                                           << "[model_providers.mock]\nbase_url = \"" << model.url
                                           << "/v1\"\nwire_api = \"responses\"\nstream_max_retries = 1\n";
  ::setenv("SSL_CERT_FILE", cert.c_str(), 1);  // the daemon trusts the test CA, nothing else
  Daemon daemon(home);
  ::unsetenv("SSL_CERT_FILE");
  daemon.initialize();
  const std::string thread = start_thread(daemon, home);
  auto messages = run_turn(daemon, thread, "hello over TLS");
  CHECK(turn_of(messages)["status"] == "completed");
  CHECK(turn_of(messages)["items"][0]["text"] == "over TLS");
  CHECK(model.requests().size() == 2);  // the broken first stream was retried
  CHECK(daemon.close() == 0);
}

TEST_CASE("HTTPS: an untrusted certificate fails the turn", "[e2e][model]") {
  TempHome home;
  const auto [cert, key] = make_certificate(home);
  MockModel model(home, Json::parse(R"([{"text": "never seen"}])"), cert.string() + " " + key.string());
  model.write_config(home);
  Daemon daemon(home);
  daemon.initialize();
  const std::string thread = start_thread(daemon, home);
  auto messages = run_turn(daemon, thread, "hello");
  CHECK(turn_of(messages)["status"] == "failed");
  CHECK(turn_of(messages)["error"]["message"].get<std::string>().find("certificate verify failed") != std::string::npos);
  CHECK(model.requests().empty());
  CHECK(daemon.close() == 0);
}
