// The hook payload is built lazily: only when a handler was selected (resolve_input).
#include "hooks/hook_engine.hpp"

#include <catch2/catch.hpp>

using namespace appserver::hooks;

TEST_CASE("resolve_input builds the stdin payload once and drops the builder", "[engine]") {
  int calls = 0;
  HookInvocation invocation;
  invocation.make_input = [&] {
    ++calls;
    return std::string(R"({"hook_event_name":"Stop"})");
  };
  CHECK(calls == 0);  // building the invocation costs nothing
  resolve_input(invocation);
  CHECK(calls == 1);
  CHECK(invocation.stdin_json == R"({"hook_event_name":"Stop"})");
  CHECK_FALSE(invocation.make_input);  // a stored copy holds no references into the caller
  resolve_input(invocation);
  CHECK(calls == 1);
  CHECK(invocation.stdin_json == R"({"hook_event_name":"Stop"})");
}

TEST_CASE("resolve_input keeps a payload set directly", "[engine]") {
  HookInvocation invocation;
  invocation.stdin_json = R"({"x":1})";
  resolve_input(invocation);
  CHECK(invocation.stdin_json == R"({"x":1})");
}
