// An agent backed by the OpenAI Responses API: `POST {base_url}/responses` with `stream: true`,
// read as server-sent events, over HTTP or HTTPS (OpenSSL, system CA store). It sends the
// conversation (user and developer messages, the agent's replies, function calls and their
// outputs) and offers the `exec_command` tool. `response.output_text.delta` → text deltas;
// a `function_call` output item → a tool call; `response.completed` ends the sample. HTTP
// errors, broken streams and timeouts become SamplingResult::error (the turn fails with a
// TurnError); connection failures and HTTP 5xx are retried `request_max_retries` times, a
// stream that broke before any output `stream_max_retries` times. HTTPS verifies the server
// against the system CA store (OpenSSL's default paths; `SSL_CERT_FILE` overrides them).
#pragma once

#include "server/agent/agent.hpp"
#include "server/config/config_file.hpp"

namespace appserver {

class ResponsesAgent final : public Agent {
 public:
  ResponsesAgent(std::string model, ModelProvider provider);
  std::string model() const override { return model_; }
  std::string provider() const override { return provider_.id; }
  boost::asio::awaitable<SamplingResult> sample(SamplingRequest request,
                                                std::function<void(const std::string&)> on_delta) override;

 private:
  std::string model_;
  ModelProvider provider_;
};

}  // namespace appserver
