// The generate-json-schema subcommand; see schema_command.hpp.
#include "server/schema_command.hpp"

#include "schema/schema_bundle.hpp"

#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>

namespace appserver {

int run_generate_json_schema(const std::vector<std::string>& args) {
  std::string out, check, docs;
  for (std::size_t i = 0; i < args.size(); ++i) {
    auto value = [&]() -> std::string {
      if (i + 1 >= args.size()) throw std::invalid_argument(args[i] + " needs a value");
      return args[++i];
    };
    if (args[i] == "--out") out = value();
    else if (args[i] == "--check") check = value();
    else if (args[i] == "--docs") docs = value();
    else throw std::invalid_argument("generate-json-schema: unknown option " + args[i]);
  }
  if (out.empty() == check.empty())
    throw std::invalid_argument("generate-json-schema: give exactly one of --out DIR or --check DIR");

  if (!out.empty()) {
    schema::write_schema_files(out);
    std::cout << "wrote " << schema::generate_schema_files().size() << " schema files to " << out << "\n";
    if (!docs.empty()) {
      std::ofstream(docs, std::ios::binary) << schema::generate_methods_doc();
      std::cout << "wrote " << docs << "\n";
    }
    return 0;
  }

  auto problems = schema::check_schema_files(check);
  if (!docs.empty()) {
    std::ifstream in(docs, std::ios::binary);
    std::stringstream actual;
    actual << in.rdbuf();
    if (actual.str() != schema::generate_methods_doc())
      problems.push_back("differs: " + docs + " (the methods table page)");
  }
  if (problems.empty()) {
    std::cout << "schemas in " << check << " are up to date\n";
    return 0;
  }
  std::cerr << "The committed schemas differ from what the protocol types generate:\n";
  for (const auto& p : problems) std::cerr << "  " << p << "\n";
  std::cerr << "Fix: cmake --build build --target schema   (runs: app-server generate-json-schema "
               "--out schema/json --docs docs/methods.md) and commit the result.\n";
  return 1;
}

}  // namespace appserver
