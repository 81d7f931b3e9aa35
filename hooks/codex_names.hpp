// Names Codex 0.169 knows, vendored as data in schema/codex/ and embedded at build time
// (schema/embed_codex_names.cmake): "features" (what --enable/--disable and [features] accept,
// scripts/vendor-codex-features), "config-keys" (config.toml's top-level keys), "provider-keys"
// (the keys of a [model_providers.<id>] table). Used to refuse what Codex refuses and to warn
// only about what Codex would not know either.
#pragma once

#include <map>
#include <set>
#include <string_view>

namespace appserver::hooks {

/// The named list (empty for an unknown name). Thread-safe; built on first use.
const std::set<std::string_view>& codex_names(std::string_view list);

}  // namespace appserver::hooks
