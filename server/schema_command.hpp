// `app-server generate-json-schema`: writes or checks the generated schemas and docs page.
#pragma once

#include <string>
#include <vector>

namespace appserver {

/// args: `--out DIR` (write) or `--check DIR` (compare; exit 1 with the fix command on a
/// difference), optionally `--docs FILE` (docs/methods.md, written or checked likewise).
/// Returns the process exit code. Output on stdout, problems on stderr.
int run_generate_json_schema(const std::vector<std::string>& args);

}  // namespace appserver
