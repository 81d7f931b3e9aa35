// Validates messages captured from our end-to-end tests (APP_SERVER_E2E_CORPUS) against the
// JSON schemas that Codex 0.169 generates (`codex app-server generate-json-schema`), type by
// type, and reports where we differ. Used by scripts/check-codex-schemas.
//
// Usage: codex_schema_check CODEX_SCHEMA_DIR CORPUS_DIR
// Exit: 0 when every message of a type Codex also has validates; 1 otherwise.
#include "schema/schema_bundle.hpp"
#include "schema/schema_validator.hpp"

#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <optional>

namespace fs = std::filesystem;
using appserver::schema::CompiledSchema;
using appserver::schema::Json;

namespace {
struct TypeReport {
  std::size_t checked = 0, failed = 0;
  std::string codex_file;
  std::string first_failure;
};

std::optional<fs::path> codex_file(const fs::path& dir, const std::string& type) {
  for (const char* sub : {"v2", "v1", "."}) {
    fs::path p = dir / sub / (type + ".json");
    if (fs::exists(p)) return p;
  }
  return std::nullopt;
}
}  // namespace

int main(int argc, char** argv) {
  if (argc != 3) {
    std::cerr << "usage: codex_schema_check CODEX_SCHEMA_DIR CORPUS_DIR\n";
    return 2;
  }
  const fs::path codex_dir = argv[1], corpus_dir = argv[2];
  std::map<std::string, std::string> notification_type, result_type, server_request_type;
  for (const auto& row : appserver::schema::method_table()) {
    if (row.kind == appserver::schema::MethodInfo::Kind::notification)
      notification_type[row.method] = row.params_type;
    if (row.kind == appserver::schema::MethodInfo::Kind::request) result_type[row.method] = row.result_type;
    if (row.kind == appserver::schema::MethodInfo::Kind::server_request)
      server_request_type[row.method] = row.params_type;
  }

  std::map<std::string, TypeReport> reports;
  std::map<std::string, std::optional<CompiledSchema>> schemas;
  std::size_t messages = 0;
  for (const auto& entry : fs::directory_iterator(corpus_dir)) {
    std::ifstream in(entry.path());
    for (std::string line; std::getline(in, line);) {
      Json record = Json::parse(line);
      const std::string kind = record["kind"], method = record["method"];
      const auto& table = kind == "notification"     ? notification_type
                          : kind == "server request" ? server_request_type
                                                     : result_type;
      auto type_it = table.find(method);
      if (type_it == table.end()) continue;
      const std::string& type = type_it->second;
      const Json& instance = kind == "result" ? record["message"]["result"] : record["message"]["params"];
      ++messages;
      auto& report = reports[type];
      if (!schemas.count(type)) {
        auto file = codex_file(codex_dir, type);
        if (file) {
          std::ifstream schema_in(*file);
          schemas.emplace(type, CompiledSchema(Json::parse(schema_in)));
          report.codex_file = fs::relative(*file, codex_dir).string();
        } else {
          schemas.emplace(type, std::nullopt);
        }
      }
      auto& schema = schemas.at(type);
      if (!schema) continue;
      ++report.checked;
      if (auto failure = schema->validate(instance)) {
        if (++report.failed == 1)
          report.first_failure = failure->pointer + ": " + failure->rule + "\n      " + instance.dump().substr(0, 400);
      }
    }
  }

  bool ok = true;
  std::cout << "Checked " << messages << " captured messages against Codex 0.169 schemas in " << codex_dir << "\n";
  for (const auto& [type, report] : reports) {
    if (report.codex_file.empty()) {
      std::cout << "  " << type << ": not in Codex 0.169's schemas (this server's own type)\n";
    } else if (report.failed == 0) {
      std::cout << "  " << type << ": " << report.checked << " ok (" << report.codex_file << ")\n";
    } else {
      ok = false;
      std::cout << "  " << type << ": " << report.failed << " of " << report.checked << " FAIL ("
                << report.codex_file << ")\n    first: " << report.first_failure << "\n";
    }
  }
  if (messages == 0) {
    std::cout << "no messages in the corpus\n";
    return 1;
  }
  return ok ? 0 : 1;
}
