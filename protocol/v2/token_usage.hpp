// `thread/tokenUsage/updated` (v2 `ThreadTokenUsageUpdatedNotification`, Codex 0.169): sent
// after each model response of a turn, with that response's token counts (`last`) and the
// thread's running sum (`total`). Counts are tokens, not bytes.
#pragma once

#include "protocol/describe_json.hpp"

#include <cstdint>
#include <optional>
#include <string>

namespace appserver::protocol::v2 {

/// v2 `TokenUsageBreakdown`. From the Responses API `usage`: input_tokens,
/// input_tokens_details.cached_tokens, output_tokens, output_tokens_details.reasoning_tokens,
/// total_tokens; `cacheWriteInputTokens` is 0 (the API does not report it).
struct TokenUsageBreakdown {
  std::int64_t totalTokens = 0;
  std::int64_t inputTokens = 0;
  std::int64_t cachedInputTokens = 0;
  std::int64_t cacheWriteInputTokens = 0;
  std::int64_t outputTokens = 0;
  std::int64_t reasoningOutputTokens = 0;
};
PROTOCOL_STRUCT(TokenUsageBreakdown, (totalTokens, inputTokens, cachedInputTokens, cacheWriteInputTokens,
                                      outputTokens, reasoningOutputTokens))

/// v2 `ThreadTokenUsage`. `modelContextWindow`: null (this server has no model catalog).
struct ThreadTokenUsage {
  TokenUsageBreakdown total;
  TokenUsageBreakdown last;
  std::optional<std::int64_t> modelContextWindow;
};
PROTOCOL_STRUCT(ThreadTokenUsage, (total, last, modelContextWindow))

struct ThreadTokenUsageUpdatedNotification {
  std::string threadId;
  std::string turnId;
  ThreadTokenUsage tokenUsage;
};
PROTOCOL_STRUCT(ThreadTokenUsageUpdatedNotification, (threadId, turnId, tokenUsage))

}  // namespace appserver::protocol::v2
