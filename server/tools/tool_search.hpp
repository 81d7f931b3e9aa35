// Client-executed tool search, as Codex 0.169 offers deferred tools to a Responses API model
// (recorded: tests/unit/fixtures/codex_0.169_subagents/tool_search.recording.json). The request
// carries a `tool_search` tool (`"execution": "client"`) instead of the deferred tools; the model
// answers with a `tool_search_call` (`arguments: {query, limit?}`), the client ranks the deferred
// tools against the query with BM25 and sends back a `tool_search_output` whose `tools` are the
// matching tools grouped in their namespaces; the model then calls them as namespaced function
// calls. No hook runs and no item is emitted for a search (as the reference). Pure, thread-safe.
#pragma once

#include <nlohmann/json.hpp>

#include <string>
#include <vector>

namespace appserver::tool_search {

/// A namespace of deferred tools: the Responses API `{"type": "namespace", name, description,
/// tools}` object, `tools` holding function tool specs (`{"type": "function", name,
/// description, parameters, …}`).
struct Namespace {
  std::string name;
  std::string description;
  nlohmann::json tools = nlohmann::json::array();
};

/// The `tool_search` tool of a Responses request: `{"type": "tool_search", "execution":
/// "client", description, parameters: {query: string (required), limit: number}}`.
nlohmann::json tool_spec();

/// The developer-message text that names the namespaces the model can search:
/// `<tools>\nDeferred tool namespaces:\n- <name>: <description>\n</tools>` (Codex 0.169's).
std::string deferred_namespaces_text(const std::vector<Namespace>& namespaces);

/// Runs a search: `arguments` is the call's `{query: string, limit?: number}` (limit default 8,
/// at least 1). Ranks every tool of `namespaces` by BM25 (k1 1.2, b 0.75) over its name,
/// description and parameter names (lower-cased words; a plural's `s` dropped), keeps those
/// that match a query word, best first (ties: declaration order), at most `limit`, and returns
/// them as the `tools` array of a tool_search_output: one namespace object per namespace that
/// has a match, holding its matching tools in rank order. No query string, or no match: `[]`.
nlohmann::json search(const std::vector<Namespace>& namespaces, const nlohmann::json& arguments);

}  // namespace appserver::tool_search
