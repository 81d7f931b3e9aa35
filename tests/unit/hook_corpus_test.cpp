// The hooks.json corpus (tests/corpus/hooks): real-world shapes loaded as Codex 0.169 would.
#include "hooks/hook_config.hpp"

#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <sstream>

using namespace appserver::hooks;
using Json = nlohmann::json;

namespace {
std::string describe(const HookHandler& h) {
  std::string event = appserver::protocol::encode(h.event).get<std::string>();
  return event + " " + h.matcher.pattern().value_or("-") + " " + std::to_string(h.timeout_sec) +
         (h.async ? " async" : "");
}
bool warning_matches(const std::string& got, std::string want) {
  const std::string ellipsis = "…";
  if (want.size() >= ellipsis.size() && want.compare(want.size() - ellipsis.size(), ellipsis.size(), ellipsis) == 0) {
    want.resize(want.size() - ellipsis.size());
    return got.rfind(want, 0) == 0;
  }
  return got == want;
}
}  // namespace

TEST_CASE("hooks corpus: each real-world shape is parsed or rejected as the reference does", "[corpus]") {
  const std::filesystem::path dir = CORPUS_DIR;
  std::ifstream expected_in(dir / "expected.json");
  const Json expected = Json::parse(expected_in);
  std::size_t checked = 0;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    const std::string name = entry.path().filename().string();
    if (entry.path().extension() != ".json" || name == "expected.json") continue;
    INFO(name);
    REQUIRE(expected.contains(name));
    std::ifstream in(entry.path());
    std::stringstream text;
    text << in.rdbuf();
    HookSet set;
    std::int64_t order = 0;
    parse_hooks_json(text.str(), {entry.path(), HookSource::project}, order, set);
    std::vector<std::string> hooks;
    for (const auto& h : set.handlers) hooks.push_back(describe(h));
    CHECK(hooks == expected[name]["hooks"].get<std::vector<std::string>>());
    const auto warnings = expected[name]["warnings"].get<std::vector<std::string>>();
    REQUIRE(set.warnings.size() == warnings.size());
    for (std::size_t i = 0; i < warnings.size(); ++i) {
      std::string want = warnings[i];
      for (auto pos = want.find("$FILE"); pos != std::string::npos; pos = want.find("$FILE"))
        want.replace(pos, 5, entry.path().string());
      CHECK(warning_matches(set.warnings[i], want));
    }
    ++checked;
  }
  CHECK(checked >= 10);
}
