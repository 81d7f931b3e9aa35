// Inputs the fuzzers (tests/fuzz) found to crash, kept as unit tests: each must now be handled.
#include "protocol/jsonrpc.hpp"
#include "server/threads/thread_store.hpp"

#include <catch2/catch.hpp>

using namespace appserver::protocol;

TEST_CASE("fuzz_jsonrpc crash-fbea2740: an error response whose code is a string or message a number", "[fuzz]") {
  // Found by fuzz_jsonrpc on 2026-12-01: json::value("code", -32603) threw type_error, which
  // escaped the read handler and killed the daemon (`critical fatal: … type must be number`).
  const char* found =
      R"({"error":{"code":"messag params: params.input: expected at least one nted at least one non-empty text input"},"id":0})";
  IncomingMessage message = parse_message(found);
  auto* response = std::get_if<IncomingResponse>(&message);
  REQUIRE(response);
  CHECK(response->id == Json(0));
  REQUIRE(response->error);
  CHECK(response->error->code == ErrorCode::InternalError);
  CHECK(response->error->message == "");

  message = parse_message(R"({"id":"a","error":{"code":-32000.5,"message":5,"data":{}}})");
  response = std::get_if<IncomingResponse>(&message);
  REQUIRE(response);
  CHECK(response->error->code == ErrorCode::InternalError);
  CHECK(response->error->message == "");

  message = parse_message(R"({"id":"b","error":{"code":-32001,"message":"busy"}})");
  response = std::get_if<IncomingResponse>(&message);
  REQUIRE(response);
  CHECK(response->error->code == ErrorCode::ServerOverloaded);
  CHECK(response->error->message == "busy");
}

TEST_CASE("a history line whose members have the wrong JSON type is skipped, the rest of the thread loads", "[fuzz]") {
  const std::string file =
      R"({"method":"thread/started","params":{"thread":{"id":"t","sessionId":"t","preview":"","ephemeral":false,"modelProvider":"m","model":"m","createdAt":1,"updatedAt":1,"status":{"type":"idle"},"path":null,"cwd":"/","cliVersion":"0","source":"appServer","gitInfo":null,"name":null,"turns":[]}}})"
      "\n"
      R"({"method":"$/functionCall","params":{"callId":5,"name":[],"arguments":{}}})"
      "\n";
  auto loaded = appserver::replay_thread_file(file, "t.jsonl");
  REQUIRE(loaded);
  REQUIRE(loaded->warnings.size() == 1);
  CHECK(loaded->warnings[0].rfind("t.jsonl:2: skipping malformed record: ", 0) == 0);
}
