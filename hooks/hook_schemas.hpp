// The JSON Schemas of hook command input and output, per event (schema/hooks/, vendored from
// Codex 0.169; its README says which two are ours), embedded at build time.
//
// Output schemas are compiled with one change that makes them say what the reference's parser
// accepts: a property whose schema has `"default": null` also accepts `null` (serde reads null
// into an absent Option; the generated schema says only "string"). Thread-safe: documents are parsed
// once; each schema is compiled on its first use (under a lock), then read-only.
#pragma once

#include "protocol/v2/hook.hpp"
#include "schema/schema_validator.hpp"

#include <nlohmann/json.hpp>

namespace appserver::hooks {

using protocol::v2::HookEventName;

/// The schema document of `event`'s command input (`output` false) or output, exactly as
/// committed; nullptr when there is none (SessionEnd output; Pre/PostModelRequest input).
const nlohmann::json* hook_schema_document(HookEventName event, bool output);

/// The compiled output schema of `event` (null-tolerant, see above); nullptr when none.
const schema::CompiledSchema* hook_output_schema(HookEventName event);

/// The compiled input schema of `event`, as committed; nullptr when none.
const schema::CompiledSchema* hook_input_schema(HookEventName event);

}  // namespace appserver::hooks
