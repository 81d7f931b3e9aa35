// The scripted Responses API mock (tests/mock_responses.py) as the e2e tests start it: one
// python3 process per test, on a loopback port, killed when the test ends.
#pragma once

#include "daemon_process.hpp"

#include <catch2/catch.hpp>

#include <csignal>
#include <cstdlib>
#include <fstream>
#include <thread>

namespace e2e {

/// The mock model server, scripted with `replies` (see mock_responses.py).
struct MockModel {
  MockModel(const TempHome& home, const Json& replies, const std::string& tls_args = "") : root(home.root) {
    std::ofstream(root / "script.json") << replies.dump();
    const std::string command = "python3 " + std::string(MOCK_RESPONSES) + " " + (root / "script.json").string() +
                                " " + (root / "requests.jsonl").string() + " " + tls_args + " > " + (root / "mock.out").string() +
                                " 2>&1 & echo $! > " + (root / "mock.pid").string();
    REQUIRE(std::system(command.c_str()) == 0);
    for (int i = 0; i < 200 && url.empty(); ++i) {
      std::ifstream out(root / "mock.out");
      std::string line;
      if (std::getline(out, line) && line.rfind("listening on ", 0) == 0) url = line.substr(13);
      else std::this_thread::sleep_for(std::chrono::milliseconds(25));
    }
    REQUIRE_FALSE(url.empty());
  }
  ~MockModel() {
    std::ifstream pid(root / "mock.pid");
    int p = 0;
    if (pid >> p && p > 0) ::kill(p, SIGTERM);
  }
  std::vector<Json> requests() const {
    std::vector<Json> out;
    std::ifstream in(root / "requests.jsonl");
    for (std::string line; std::getline(in, line);) out.push_back(Json::parse(line));
    return out;
  }
  void write_config(const TempHome& home, const std::string& extra = "") const {
    std::ofstream(home.home / "config.toml") << "model = \"mock-model\"\nmodel_provider = \"mock\"\n" << extra
                                             << "[model_providers.mock]\nname = \"Mock\"\nbase_url = \"" << url
                                             << "/v1\"\nwire_api = \"responses\"\nrequest_max_retries = 0\n";
  }
  std::filesystem::path root;
  std::string url;
};

}  // namespace e2e
