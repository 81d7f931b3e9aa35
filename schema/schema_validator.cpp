// valijson-backed validation; see schema_validator.hpp.
#include "schema/schema_validator.hpp"

#include "schema/schema_bundle.hpp"

#include <valijson/adapters/nlohmann_json_adapter.hpp>
#include <valijson/schema.hpp>
#include <valijson/schema_parser.hpp>
#include <valijson/validation_results.hpp>
#include <valijson/validator.hpp>

#include <stdexcept>

namespace appserver::schema {

namespace {

void strip_formats(Json& node) {
  if (node.is_object()) {
    if (auto it = node.find("format"); it != node.end() && it->is_string()) {
      const auto& f = it->get_ref<const std::string&>();
      if (f != "date" && f != "time" && f != "date-time") node.erase(it);
    }
    for (auto& [key, child] : node.items()) strip_formats(child);
  } else if (node.is_array()) {
    for (auto& child : node) strip_formats(child);
  }
}

std::string pointer_of(const std::vector<std::string>& context) {
  std::string out;
  for (const auto& part : context) {
    if (part == "<root>") continue;
    std::string p = part;
    if (p.size() >= 2 && p.front() == '[' && p.back() == ']') p = p.substr(1, p.size() - 2);
    if (p.size() >= 2 && p.front() == '"' && p.back() == '"') p = p.substr(1, p.size() - 2);
    out += "/";
    for (char c : p) out += c == '~' ? "~0" : c == '/' ? "~1" : std::string(1, c);  // RFC 6901
  }
  return out.empty() ? "/" : out;
}

}  // namespace

CompiledSchema::CompiledSchema(Json document)
    : document_(std::move(document)), schema_(std::make_unique<valijson::Schema>()) {
  strip_formats(document_);
  try {
    valijson::SchemaParser parser(valijson::SchemaParser::kDraft7);
    valijson::adapters::NlohmannJsonAdapter adapter(document_);
    parser.populateSchema(adapter, *schema_);
  } catch (const std::exception& e) {
    throw std::runtime_error(std::string("invalid schema: ") + e.what());
  }
}

CompiledSchema::~CompiledSchema() = default;
CompiledSchema::CompiledSchema(CompiledSchema&&) noexcept = default;

std::optional<SchemaFailure> CompiledSchema::validate(const Json& instance) const {
  // Fast path: no result collection, stops at the first error. valijson's Validator is cheap
  // to construct but not free; one per thread is reused.
  thread_local valijson::Validator fast;
  const valijson::adapters::NlohmannJsonAdapter adapter(instance);
  try {
    if (fast.validate(*schema_, adapter, nullptr)) return std::nullopt;
  } catch (const std::exception& e) {
    return SchemaFailure{"/", std::string("validator error: ") + e.what(), 1};
  }
  // Slow path, only for invalid instances: collect every error and report the most specific
  // one (the deepest path); errors for enclosing values only say that a child failed.
  valijson::Validator validator;
  valijson::ValidationResults results;
  try {
    validator.validate(*schema_, adapter, &results);
  } catch (const std::exception& e) {
    return SchemaFailure{"/", std::string("validator error: ") + e.what(), 1};
  }
  SchemaFailure failure;
  failure.error_count = results.numErrors();
  std::size_t best_depth = 0;
  valijson::ValidationResults::Error error;
  while (results.popError(error)) {
    if (failure.rule.empty() || error.context.size() > best_depth) {
      best_depth = error.context.size();
      failure.pointer = pointer_of(error.context);
      failure.rule = error.description;
    }
  }
  return failure;
}

std::vector<SchemaFailure> CompiledSchema::failures(const Json& instance) const {
  const valijson::adapters::NlohmannJsonAdapter adapter(instance);
  valijson::Validator validator;
  valijson::ValidationResults results;
  try {
    if (validator.validate(*schema_, adapter, &results)) return {};
  } catch (const std::exception& e) {
    return {SchemaFailure{"/", std::string("validator error: ") + e.what(), 1}};
  }
  std::vector<SchemaFailure> out;
  valijson::ValidationResults::Error error;
  while (results.popError(error)) out.push_back({pointer_of(error.context), error.description, 1});
  return out;
}

SchemaValidator::SchemaValidator() {
  for (const auto& row : method_table()) {
    for (const std::string* type : {&row.params_type, &row.result_type}) {
      if (!type->empty()) by_type_.emplace(*type, nullptr);
    }
    switch (row.kind) {
      case MethodInfo::Kind::request:
        params_type_[row.method] = row.params_type;
        result_type_[row.method] = row.result_type;
        break;
      case MethodInfo::Kind::client_notification:
        params_type_[row.method] = row.params_type;
        break;
      case MethodInfo::Kind::notification:
        notification_type_[row.method] = row.params_type;
        break;
      case MethodInfo::Kind::server_request:
        params_type_[row.method] = row.params_type;  // validated like request params
        break;
    }
  }
}

SchemaValidator::~SchemaValidator() = default;

const CompiledSchema* SchemaValidator::compiled(const std::string& type_name) const {
  std::lock_guard lock(mutex_);
  auto it = by_type_.find(type_name);
  if (it == by_type_.end()) return nullptr;
  if (!it->second) it->second = std::make_unique<CompiledSchema>(type_schema(type_name));
  return it->second.get();
}

namespace {
template <class Map>
const std::string* lookup(const Map& map, std::string_view key) {
  auto it = map.find(key);
  return it == map.end() ? nullptr : &it->second;
}
}  // namespace

std::optional<SchemaFailure> SchemaValidator::validate_type(const std::string& type_name,
                                                            const Json& instance) const {
  const CompiledSchema* schema = compiled(type_name);
  if (!schema) return SchemaFailure{"/", "no schema for type " + type_name, 1};
  return schema->validate(instance);
}

std::optional<SchemaFailure> SchemaValidator::validate_notification(std::string_view method,
                                                                    const Json& params) const {
  const std::string* type = lookup(notification_type_, method);
  if (!type) return SchemaFailure{"/", "no schema for notification " + std::string(method), 1};
  return validate_type(*type, params);
}

std::optional<SchemaFailure> SchemaValidator::validate_request_params(std::string_view method,
                                                                      const Json& params) const {
  const std::string* type = lookup(params_type_, method);
  if (!type) return SchemaFailure{"/", "no schema for method " + std::string(method), 1};
  return validate_type(*type, params);
}

std::optional<SchemaFailure> SchemaValidator::validate_result(std::string_view method,
                                                              const Json& result) const {
  const std::string* type = lookup(result_type_, method);
  if (!type) return SchemaFailure{"/", "no schema for method " + std::string(method), 1};
  return validate_type(*type, result);
}

}  // namespace appserver::schema
