// End-to-end: classes of malformed and hostile input (over stdio, and over WebSocket in the
// e2e-ws run). After each one the same connection still answers a request, and whatever the
// daemon answered to the bad message is compared whole.
#include "daemon_process.hpp"

#include <catch2/catch.hpp>

#include <optional>
#include <string>
#include <vector>

using namespace e2e;

namespace {

std::string nested(std::size_t depth, const std::string& open, const std::string& close, const std::string& core) {
  std::string out;
  out.reserve(depth * (open.size() + close.size()) + core.size());
  for (std::size_t i = 0; i < depth; ++i) out += open;
  out += core;
  for (std::size_t i = 0; i < depth; ++i) out += close;
  return out;
}

/// A request whose whole message is exactly `total_depth` levels deep: the envelope (1),
/// params (2), then arrays.
std::string request_of_depth(int id, std::size_t total_depth) {
  return R"({"id":)" + std::to_string(id) + R"(,"method":"thread/loaded/list","params":{"deep":)" +
         nested(total_depth - 2, "[", "]", "") + "}}";
}

struct Case {
  std::string name;
  std::string line;
  /// The whole reply expected (error or result); null = no reply at all.
  Json reply;
  bool stdio_only = false;  // WebSocket text frames must be valid UTF-8 (RFC 6455 §8.1)
  /// When the WebSocket answer differs: a whitespace frame is a message; a blank stdio line is not.
  std::optional<Json> ws_reply = std::nullopt;
};

Json error_reply(Json id, int code, const std::string& message) {
  return Json{{"id", std::move(id)}, {"error", {{"code", code}, {"message", message}}}};
}

const Json kEmptyList = Json::parse(R"({"data":[],"nextCursor":null})");

std::vector<Case> cases() {
  const Json null_id = nullptr;
  const std::string parse = "Parse error: invalid JSON";
  const std::string too_deep = "Invalid request: JSON nested deeper than 128 levels";
  std::vector<Case> c = {
      {"not JSON", "hello there", error_reply(null_id, -32700, parse)},
      {"truncated object", R"({"id":1,"method":)", error_reply(null_id, -32700, parse)},
      {"trailing garbage", R"({"id":1,"method":"thread/loaded/list"} x)", error_reply(null_id, -32700, parse)},
      {"bare string", R"("thread/list")", error_reply(null_id, -32600, "Invalid request: expected a JSON object")},
      {"bare number", "42", error_reply(null_id, -32600, "Invalid request: expected a JSON object")},
      {"null", "null", error_reply(null_id, -32600, "Invalid request: expected a JSON object")},
      {"empty object", "{}", error_reply(null_id, -32600, "Invalid request: missing field `method`")},
      {"batch", R"([{"id":1,"method":"thread/loaded/list"}])",
       error_reply(null_id, -32600, "Invalid request: batch requests are not supported")},
      {"empty batch", "[]", error_reply(null_id, -32600, "Invalid request: batch requests are not supported")},
      {"id is an object", R"({"id":{},"method":"thread/loaded/list"})",
       error_reply(null_id, -32600, "Invalid request: `id` must be an integer or a string")},
      {"id is a float", R"({"id":1.5,"method":"thread/loaded/list"})",
       error_reply(null_id, -32600, "Invalid request: `id` must be an integer or a string")},
      {"id is a bool", R"({"id":true,"method":"thread/loaded/list"})",
       error_reply(null_id, -32600, "Invalid request: `id` must be an integer or a string")},
      {"id beyond 64 bits", R"({"id":-99999999999999999999999,"method":"thread/loaded/list"})",
       error_reply(null_id, -32600, "Invalid request: `id` must be an integer or a string")},
      {"method is a number", R"({"id":3,"method":5})", error_reply(3, -32600, "Invalid request: `method` must be a string")},
      {"unknown method", R"({"id":4,"method":"nope/nope"})", error_reply(4, -32601, "Method not found: nope/nope")},
      {"method name of 100 KB", R"({"id":5,"method":")" + std::string(100000, 'm') + R"("})",
       error_reply(5, -32601, "Method not found: " + std::string(100000, 'm'))},
      {"params is a string", R"({"id":6,"method":"thread/loaded/list","params":"x"})",
       error_reply(6, -32600, "Invalid request: `params` must be an object")},
      {"wrong jsonrpc version", R"({"jsonrpc":"1.0","id":7,"method":"thread/loaded/list"})",
       error_reply(7, -32600, "Invalid request: `jsonrpc` must be \"2.0\"")},
      {"thread/start cwd is a number", R"({"id":8,"method":"thread/start","params":{"cwd":5}})",
       error_reply(8, -32602, "Invalid params: params.cwd: expected string")},
      {"turn/start input is an object", R"({"id":9,"method":"turn/start","params":{"threadId":"t","input":{}}})",
       error_reply(9, -32602, "Invalid params: params.input: expected array")},
      {"turn/start text is a number",
       R"({"id":10,"method":"turn/start","params":{"threadId":"t","input":[{"type":"text","text":5}]}})",
       error_reply(10, -32602, "Invalid params: params.input[0].text: expected string")},
      {"turn/start unknown input type",
       R"({"id":11,"method":"turn/start","params":{"threadId":"t","input":[{"type":"hologram"}]}})",
       error_reply(11, -32602, "Invalid params: params.input[0].type: unknown variant `hologram`, expected one of `text`")},
      {"path traversal in a thread id", R"({"id":12,"method":"thread/read","params":{"threadId":"../../etc/passwd"}})",
       error_reply(12, -32600, "thread not found: ../../etc/passwd")},
      {"unknown thread", R"({"id":13,"method":"turn/start","params":{"threadId":"nope","input":[{"type":"text","text":"x"}]}})",
       error_reply(13, -32600, "thread not loaded: nope")},
      {"initialize again", R"({"id":14,"method":"initialize","params":{"clientInfo":{"name":"x","version":"1"}}})",
       error_reply(14, -32600, "Already initialized")},
      {"params nested 60,000 objects deep",
       R"({"id":15,"method":"thread/start","params":)" + nested(60000, R"({"a":)", "}", "1") + "}",
       error_reply(15, -32600, too_deep)},
      {"params nested 60,000 arrays deep",
       R"({"id":16,"method":"thread/loaded/list","params":{"x":)" + nested(60000, "[", "]", "") + "}}",
       error_reply(16, -32600, too_deep)},
      {"config/batchWrite value nested 20,000 deep",
       R"({"id":17,"method":"config/batchWrite","params":{"edits":[{"keyPath":"x","value":)" +
           nested(20000, R"({"v":)", "}", "1") + R"(,"mergeStrategy":"replace"}]}})",
       error_reply(17, -32600, too_deep)},
      {"depth exactly 128 is accepted", request_of_depth(18, 128), Json{{"id", 18}, {"result", kEmptyList}}},
      {"depth 129 is refused", request_of_depth(19, 129), error_reply(19, -32600, too_deep)},
      {"escaped NUL in a string", R"({"id":20,"method":"thread/loaded/list","params":{"x":"a\u0000b"}})",
       Json{{"id", 20}, {"result", kEmptyList}}},
      {"lone surrogate escape", R"({"id":21,"method":"thread/loaded/list","params":{"x":"\ud800"}})",
       error_reply(null_id, -32700, parse)},
      {"invalid UTF-8 bytes", "{\"id\":22,\"method\":\"thread/loaded/list\",\"params\":{\"x\":\"\xff\xfe\"}}",
       error_reply(null_id, -32700, parse), /*stdio_only=*/true},
      {"raw NUL byte", std::string("{\"id\":23,\"method\":\"thread/loaded/list\",\"params\":{\"x\":\"a") + '\0' + "b\"}}",
       error_reply(null_id, -32700, parse)},
      {"number out of range", R"({"id":24,"method":"thread/loaded/list","params":{"x":1e99999}})",
       error_reply(null_id, -32700, parse)},
      {"duplicate id keys", R"({"id":25,"id":26,"method":"thread/loaded/list"})", Json{{"id", 26}, {"result", kEmptyList}}},
      {"10,000 keys in params", [] {
         std::string keys;
         for (int i = 0; i < 10000; ++i) keys += (i ? "," : "") + std::string("\"k") + std::to_string(i) + "\":" + std::to_string(i);
         return R"({"id":27,"method":"thread/loaded/list","params":{)" + keys + "}}";
       }(), Json{{"id", 27}, {"result", kEmptyList}}},
      {"unsolicited result", R"({"id":77,"result":{"ok":true}})", nullptr},
      {"unsolicited error", R"({"id":78,"error":{"code":1,"message":"x"}})", nullptr},
      {"error response with a string code (found by fuzz_jsonrpc)", R"({"id":0,"error":{"code":"x","message":5}})", nullptr},
      {"unknown notification", R"({"method":"foo/bar","params":{}})", nullptr},
      {"notification with bad params", R"({"method":"initialized","params":"x"})",
       error_reply(null_id, -32600, "Invalid request: `params` must be an object")},
      {"whitespace only", "   \t ", nullptr, false, error_reply(null_id, -32700, parse)},
  };
  return c;
}

/// Sends `line`, then a probe request; returns every reply that is not the probe's, and
/// checks the probe was answered.
std::vector<Json> send_and_probe(Daemon& daemon, const std::string& line, int probe_id) {
  daemon.send_line(line);
  daemon.send(Json{{"id", "probe-" + std::to_string(probe_id)}, {"method", "thread/loaded/list"}, {"params", Json::object()}});
  std::vector<Json> replies;
  while (true) {
    Json message = daemon.next(20s);
    if (message.value("id", Json()) == Json("probe-" + std::to_string(probe_id))) {
      CHECK(message == Json{{"id", "probe-" + std::to_string(probe_id)}, {"result", kEmptyList}});
      return replies;
    }
    if (!message.contains("method")) replies.push_back(message);
  }
}

}  // namespace

TEST_CASE("every class of malformed input gets its answer and the same connection keeps answering", "[e2e][hostile]") {
  TempHome home;
  Daemon daemon(home);
  daemon.initialize();
  const auto table = cases();
  REQUIRE(table.size() >= 30);
  int probe = 0;
  for (const auto& c : table) {
    if (c.stdio_only && daemon.over_websocket()) continue;
    INFO("case: " << c.name);
    auto replies = send_and_probe(daemon, c.line, ++probe);
    const Json expected = daemon.over_websocket() && c.ws_reply ? *c.ws_reply : c.reply;
    if (expected.is_null()) {
      CHECK(replies == std::vector<Json>{});
    } else {
      REQUIRE(replies.size() == 1);
      Json reply = replies[0];
      if (reply.contains("error") && reply["error"].contains("data")) reply["error"].erase("data");
      CHECK(reply == expected);
    }
  }
  CHECK(daemon.close() == 0);
}

TEST_CASE("a message of exactly the size limit is read, one byte more is refused, and the connection stays", "[e2e][hostile]") {
  TempHome home;
  Daemon daemon(home, {"--max-message-bytes", "4096"});
  daemon.initialize();
  auto padded = [](int id, std::size_t size) {
    std::string head = R"({"id":)" + std::to_string(id) + R"(,"method":"thread/loaded/list","params":{"pad":")";
    std::string tail = R"("}})";
    return head + std::string(size - head.size() - tail.size(), 'p') + tail;
  };
  auto at_limit = send_and_probe(daemon, padded(1, 4096), 1);
  CHECK(at_limit == std::vector<Json>{Json{{"id", 1}, {"result", kEmptyList}}});
  auto over = send_and_probe(daemon, padded(2, 4097), 2);
  CHECK(over == std::vector<Json>{error_reply(nullptr, -32600, "Invalid request: message exceeds the limit of 4096 bytes")});
  CHECK(daemon.close() == 0);
}
