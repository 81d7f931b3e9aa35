// Requests a UI makes at startup that this server answers from its own state: account, models,
// effective config and requirements, skills, collaboration modes, plugins. Shapes of Codex 0.169
// (`GetAccountResponse`, `ModelListResponse`, `ConfigReadResponse`, …); what the Codex TUI needs
// before it draws a composer (protocol-notes.md Part B).
#pragma once

#include "protocol/describe_json.hpp"

#include <optional>
#include <string>
#include <vector>

namespace appserver::protocol::v2 {

struct GetAccountParams {
  std::optional<bool> refreshToken;
};
PROTOCOL_STRUCT(GetAccountParams, (refreshToken))

/// `account` is always null: this server needs no login. `requiresOpenaiAuth: false` keeps a
/// UI from showing a login screen.
struct GetAccountResponse {
  std::optional<Json> account;
  bool requiresOpenaiAuth = false;
  std::optional<std::string> userId;
};
PROTOCOL_STRUCT(GetAccountResponse, (account, requiresOpenaiAuth, userId))

struct ModelListParams {
  std::optional<std::string> cursor;
  std::optional<std::int64_t> limit;
  std::optional<bool> includeHidden;
  std::optional<std::string> modelProvider;
};
PROTOCOL_STRUCT(ModelListParams, (cursor, limit, includeHidden, modelProvider))

struct ReasoningEffortOption {
  std::string reasoningEffort;
  std::string description;
};
PROTOCOL_STRUCT(ReasoningEffortOption, (reasoningEffort, description))

struct Model {
  std::string id;
  std::string model;
  std::string displayName;
  std::string description;
  bool hidden = false;
  bool isDefault = false;
  std::string defaultReasoningEffort = "medium";
  std::vector<ReasoningEffortOption> supportedReasoningEfforts;
};
PROTOCOL_STRUCT(Model, (id, model, displayName, description, hidden, isDefault,
                        defaultReasoningEffort, supportedReasoningEfforts))

struct ModelListResponse {
  std::vector<Model> data;
  std::optional<std::string> nextCursor;
};
PROTOCOL_STRUCT(ModelListResponse, (data, nextCursor))

struct ConfigReadParams {
  std::optional<std::string> cwd;
  std::optional<bool> includeLayers;
};
PROTOCOL_STRUCT(ConfigReadParams, (cwd, includeLayers))

/// `config`: the effective settings (snake_case keys, as config.toml spells them);
/// `origins`: key → where it came from; `layers`: null (no config layers are read yet).
struct ConfigReadResponse {
  Json config = Json::object();
  Json origins = Json::object();
  std::optional<Json> layers;
};
PROTOCOL_STRUCT(ConfigReadResponse, (config, origins, layers))

enum class MergeStrategy { replace, upsert };
PROTOCOL_ENUM(MergeStrategy, replace, upsert)

/// One edit of `config/batchWrite`: `keyPath` is dotted, segments may be "quoted"
/// (`hooks.state."<hook key>".trusted_hash`); `value` any JSON (null removes the key).
struct ConfigEdit {
  std::string keyPath;
  MergeStrategy mergeStrategy = MergeStrategy::replace;
  Json value;
};
PROTOCOL_STRUCT(ConfigEdit, (keyPath, mergeStrategy, value))

/// `config/batchWrite`: edits applied in order to `filePath` (default: the user's
/// config.toml); `expectedVersion` guards against concurrent writers; `reloadUserConfig`
/// makes loaded threads pick up the change (hook trust and enablement always reload).
struct ConfigBatchWriteParams {
  std::vector<ConfigEdit> edits;
  std::optional<std::string> expectedVersion;
  std::optional<std::string> filePath;
  std::optional<bool> reloadUserConfig;
};
PROTOCOL_STRUCT(ConfigBatchWriteParams, (edits, expectedVersion, filePath, reloadUserConfig))

enum class WriteStatus { ok, okOverridden };
PROTOCOL_ENUM(WriteStatus, ok, okOverridden)

/// `config/batchWrite` result: `version` = "sha256:<hex>" of the written file.
struct ConfigWriteResponse {
  WriteStatus status = WriteStatus::ok;
  std::string version;
  std::string filePath;
  std::optional<Json> overriddenMetadata;
};
PROTOCOL_STRUCT(ConfigWriteResponse, (status, version, filePath, overriddenMetadata))

struct ConfigRequirementsReadResponse {
  std::optional<Json> requirements;
};
PROTOCOL_STRUCT(ConfigRequirementsReadResponse, (requirements))

struct SkillsListParams {
  std::optional<std::vector<std::string>> cwds;
  std::optional<bool> forceReload;
};
PROTOCOL_STRUCT(SkillsListParams, (cwds, forceReload))

struct SkillsListEntry {
  std::string cwd;
  std::vector<Json> skills;
  std::vector<Json> errors;
};
PROTOCOL_STRUCT(SkillsListEntry, (cwd, skills, errors))

struct SkillsListResponse {
  std::vector<SkillsListEntry> data;
};
PROTOCOL_STRUCT(SkillsListResponse, (data))

struct CollaborationModeListResponse {
  std::vector<Json> data;
};
PROTOCOL_STRUCT(CollaborationModeListResponse, (data))

struct PluginInstalledParams {
  std::optional<std::vector<std::string>> cwds;
};
PROTOCOL_STRUCT(PluginInstalledParams, (cwds))

struct PluginInstalledResponse {
  std::vector<Json> marketplaces;
  std::vector<Json> marketplaceLoadErrors;
};
PROTOCOL_STRUCT(PluginInstalledResponse, (marketplaces, marketplaceLoadErrors))

struct GovCloudRequirementsResponse {
  bool isGovCloud = false;
  bool shouldWarn = false;
};
PROTOCOL_STRUCT(GovCloudRequirementsResponse, (isGovCloud, shouldWarn))

/// `thread/backgroundTerminals/list` (experimental v2 ThreadBackgroundTerminalsListParams /
/// Response; the TUI asks after /fork). This server keeps no background terminals (its
/// exec_command runs each command to completion), so the list is always empty.
struct ThreadBackgroundTerminalsListParams {
  std::optional<std::string> cursor;
  std::optional<std::uint32_t> limit;
  std::string threadId;
};
PROTOCOL_STRUCT(ThreadBackgroundTerminalsListParams, (cursor, limit, threadId))

struct ThreadBackgroundTerminalsListResponse {
  std::vector<Json> data;
  std::optional<std::string> nextCursor;
};
PROTOCOL_STRUCT(ThreadBackgroundTerminalsListResponse, (data, nextCursor))

/// `configWarning`: something in config.toml was not used or not understood.
struct ConfigWarningNotification {
  std::string summary;
  std::optional<std::string> details;
  std::optional<std::string> path;
};
PROTOCOL_STRUCT(ConfigWarningNotification, (summary, details, path))

}  // namespace appserver::protocol::v2
