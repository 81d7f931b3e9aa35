// Startup requests of UIs: account/read, model/list, config/read, configRequirements/read,
// skills/list, collaborationMode/list, plugin/installed, account/bedrock/checkGovCloudRequirements.
#include "server/handlers/handlers.hpp"

#include "hooks/hook_config.hpp"
#include "server/config/config_edit.hpp"

namespace appserver {

namespace v2 = protocol::v2;

void Handlers::on_account_read(const ConnectionPtr&, v2::GetAccountParams,
                               Reply<v2::GetAccountResponse> reply) {
  reply(v2::GetAccountResponse{std::nullopt, /*requiresOpenaiAuth=*/false, std::nullopt});
}

void Handlers::on_model_list(const ConnectionPtr&, v2::ModelListParams,
                             Reply<v2::ModelListResponse> reply) {
  auto agent = ctx_.make_agent();
  v2::Model model;
  model.id = model.model = agent->model();
  const bool builtin = agent->provider() == "builtin";
  model.displayName = builtin ? "Built-in offline agent" : agent->model();
  model.description = builtin ? "Deterministic, no network: replies with the prompt and the hook context it received."
                              : "Served by model provider " + agent->provider() + " (Responses API).";
  model.isDefault = true;
  model.supportedReasoningEfforts = {{"medium", "The only effort of the built-in agent"}};
  reply(v2::ModelListResponse{{model}, std::nullopt});
}

void Handlers::on_config_read(const ConnectionPtr&, v2::ConfigReadParams,
                              Reply<v2::ConfigReadResponse> reply) {
  auto agent = ctx_.make_agent();
  v2::ConfigReadResponse response;
  const protocol::Json from_file = ctx_.config.effective();
  response.config = from_file;
  if (!response.config.contains("model")) response.config["model"] = agent->model();
  if (!response.config.contains("model_provider")) response.config["model_provider"] = agent->provider();
  if (!response.config.contains("approval_policy")) response.config["approval_policy"] = "never";
  if (!response.config.contains("sandbox_mode")) response.config["sandbox_mode"] = "danger-full-access";
  // v2 ConfigLayerMetadata {name: ConfigLayerSource, version}: the user layer's version is the
  // file's, as config/batchWrite reports it; the session flags' is a digest of the overrides.
  std::string flags;
  for (const auto& o : ctx_.options.config_overrides) flags += o + "\n";
  const std::string flags_version = "sha256:" + hooks::sha256_hex(flags);
  const std::string user_version = config_version(ctx_.config.path);
  for (const auto& key : {"model", "model_provider", "approval_policy", "sandbox_mode"}) {
    if (ctx_.config.overridden_keys.count(key))  // -c on the command line: Codex's "session flags" layer
      response.origins[key] = {{"name", {{"type", "sessionFlags"}}}, {"version", flags_version}};
    else if (ctx_.config.exists && from_file.contains(key))
      response.origins[key] = {{"name", {{"type", "user"}, {"file", ctx_.config.path.string()}}},
                               {"version", user_version}};
  }
  reply(response);
}

void Handlers::on_config_requirements_read(const ConnectionPtr&, v2::EmptyParams,
                                           Reply<v2::ConfigRequirementsReadResponse> reply) {
  reply(v2::ConfigRequirementsReadResponse{std::nullopt});
}

void Handlers::on_skills_list(const ConnectionPtr&, v2::SkillsListParams params,
                              Reply<v2::SkillsListResponse> reply) {
  v2::SkillsListResponse response;
  auto cwds = params.cwds.value_or(std::vector<std::string>{});
  if (cwds.empty()) cwds.push_back(ctx_.options.default_cwd.string());
  for (const auto& cwd : cwds) response.data.push_back({cwd, {}, {}});
  reply(response);
}

void Handlers::on_collaboration_mode_list(const ConnectionPtr&, v2::EmptyParams,
                                          Reply<v2::CollaborationModeListResponse> reply) {
  reply(v2::CollaborationModeListResponse{});
}

void Handlers::on_plugin_installed(const ConnectionPtr&, v2::PluginInstalledParams,
                                   Reply<v2::PluginInstalledResponse> reply) {
  reply(v2::PluginInstalledResponse{});
}

void Handlers::on_background_terminals_list(const ConnectionPtr&, v2::ThreadBackgroundTerminalsListParams,
                                            Reply<v2::ThreadBackgroundTerminalsListResponse> reply) {
  reply(v2::ThreadBackgroundTerminalsListResponse{});
}

void Handlers::on_gov_cloud_requirements(const ConnectionPtr&, v2::EmptyParams,
                                         Reply<v2::GovCloudRequirementsResponse> reply) {
  reply(v2::GovCloudRequirementsResponse{});
}

}  // namespace appserver
