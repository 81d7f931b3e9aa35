#include "server/rpc/outgoing.hpp"

#include <boost/asio/io_context.hpp>
#include <catch2/catch.hpp>

using namespace appserver;
using protocol::Json;

namespace {
struct RecordingConnection final : Connection {
  RecordingConnection() : Connection(1) {}
  void send(std::shared_ptr<const std::string> message) override { sent.push_back(*message); }
  boost::asio::any_io_executor executor() override { return {}; }
  std::string describe() const override { return "test"; }
  std::vector<std::string> sent;
};

Json valid_hook_completed() {
  protocol::v2::HookCompletedNotification n;
  n.threadId = "t";
  return protocol::encode(n);
}
}  // namespace

TEST_CASE("hook notifications are always validated, a failure is counted, not sent silently", "[outgoing]") {
  Clock clock;
  schema::SchemaValidator validator;
  Outgoing outgoing(clock, validator, ValidationPolicy{});
  outgoing.serialise("hook/completed", valid_hook_completed());
  CHECK(outgoing.schema_failures() == 0);
  outgoing.serialise("hook/completed", Json{{"threadId", 5}});
  CHECK(outgoing.schema_failures() == 1);
  outgoing.serialise("turn/started", Json::object());  // only hook/* unless validate_all
  CHECK(outgoing.schema_failures() == 1);

  Outgoing all(clock, validator, ValidationPolicy{/*validate_all=*/true, /*strict=*/false});
  all.serialise("turn/started", Json::object());
  CHECK(all.schema_failures() == 1);
}

TEST_CASE("with an executor for checks, a message is built first and validated afterwards there", "[outgoing]") {
  Clock clock;
  schema::SchemaValidator validator;
  boost::asio::io_context checks;
  Outgoing outgoing(clock, validator, ValidationPolicy{}, checks.get_executor());
  auto message = outgoing.serialise("hook/completed", Json{{"threadId", 5}});
  CHECK(Json::parse(*message)["params"] == Json{{"threadId", 5}});  // sent as it is: a check only reports
  CHECK(outgoing.schema_failures() == 0);
  CHECK(checks.run() == 1);
  CHECK(outgoing.schema_failures() == 1);

  // Strict: the check runs before the message exists (a failure would abort first).
  Outgoing strict(clock, validator, ValidationPolicy{/*validate_all=*/false, /*strict=*/true}, checks.get_executor());
  strict.serialise("hook/completed", valid_hook_completed());
  checks.restart();
  CHECK(checks.run() == 0);
  CHECK(strict.schema_failures() == 0);
}

TEST_CASE("one serialisation is shared by every subscriber, opted-out methods are skipped", "[outgoing]") {
  Clock clock;
  schema::SchemaValidator validator;
  Outgoing outgoing(clock, validator, ValidationPolicy{});
  auto a = std::make_shared<RecordingConnection>();
  auto b = std::make_shared<RecordingConnection>();
  b->opted_out_notifications = {"hook/completed"};
  auto message = outgoing.serialise("hook/completed", valid_hook_completed());
  outgoing.deliver({a, b}, "hook/completed", message);
  REQUIRE(a->sent.size() == 1);
  CHECK(b->sent.empty());
  Json sent = Json::parse(a->sent[0]);
  CHECK(sent["method"] == "hook/completed");
  CHECK(sent["params"] == valid_hook_completed());
  CHECK(sent["emittedAtMs"].is_number_integer());
}
