// Validates JSON instances against JSON Schema (draft-07) with valijson. The server's own
// schemas are compiled once at construction from the in-process generated documents (the same
// code that writes schema/json/, which a test keeps equal to the committed files).
// Thread-safety: validation is const and safe from any thread after construction.
#pragma once

#include <nlohmann/json.hpp>

#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace valijson {
class Schema;
}

namespace appserver::schema {

using Json = nlohmann::json;

/// Why an instance does not match: the JSON pointer of the offending value and the rule.
struct SchemaFailure {
  std::string pointer;  // e.g. "/run/startedAt"
  std::string rule;     // valijson's description, e.g. "Value type not permitted by 'type' constraint."
  std::size_t error_count = 0;
};

/// A compiled schema; validate() never throws.
class CompiledSchema {
 public:
  /// Compiles `document` (with its `definitions`). Non-standard `format` keywords are removed
  /// first: valijson 1.0 throws on them for object values. Throws std::runtime_error if the
  /// schema itself is invalid.
  explicit CompiledSchema(Json document);
  ~CompiledSchema();
  CompiledSchema(CompiledSchema&&) noexcept;
  std::optional<SchemaFailure> validate(const Json& instance) const;
  /// Every error valijson reports for `instance`, in its order (enclosing values' "a child
  /// failed" errors included; error_count is 1 each). Empty when valid. For tools that explain
  /// a failure to a person (hook output warnings); slower than validate().
  std::vector<SchemaFailure> failures(const Json& instance) const;

 private:
  Json document_;  // valijson keeps references into the parsed document
  std::unique_ptr<valijson::Schema> schema_;
};

/// The server's schemas by message: notification params, request params, request results.
/// Each type's schema is compiled on its first use and kept (compiling all of them up front
/// cost ~12 ms of start-up and most of the idle memory). Thread-safe.
class SchemaValidator {
 public:
  SchemaValidator();
  ~SchemaValidator();

  /// nullopt when valid. An unknown method is a failure ("no schema for …").
  std::optional<SchemaFailure> validate_notification(std::string_view method, const Json& params) const;
  std::optional<SchemaFailure> validate_request_params(std::string_view method, const Json& params) const;
  std::optional<SchemaFailure> validate_result(std::string_view method, const Json& result) const;
  std::optional<SchemaFailure> validate_type(const std::string& type_name, const Json& instance) const;

 private:
  const CompiledSchema* compiled(const std::string& type_name) const;

  mutable std::mutex mutex_;  // guards by_type_ (entries, once made, never move or change)
  mutable std::map<std::string, std::unique_ptr<CompiledSchema>, std::less<>> by_type_;  // null until used
  std::map<std::string, std::string, std::less<>> notification_type_, params_type_, result_type_;
};

}  // namespace appserver::schema
