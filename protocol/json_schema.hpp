// JSON Schema (draft-07) for protocol types, generated from the same Boost.Describe
// descriptions that drive encode()/decode() — so the schema cannot drift from what the server
// sends. Rules, mirroring describe_json.hpp:
//   - named structs, enums and unions become `definitions` entries referenced by `$ref`;
//   - a struct member is required unless it is std::optional or declared omittable;
//   - std::optional<T> is "T or null";
//   - a tagged-union alternative is an object whose `type` is a one-value enum, with a title;
//   - nlohmann::json members accept any value;
//   - optional docs: `protocol_field_doc(const T*, member)` / `protocol_type_doc(const T*)`
//     become `description`s.
// Output is deterministic: nlohmann objects keep keys sorted.
#pragma once

#include "protocol/describe_json.hpp"

#include <string>
#include <string_view>

namespace appserver::protocol {

inline constexpr const char* kDraft07 = "http://json-schema.org/draft-07/schema#";

/// Collects definitions while building schemas. Not thread-safe; use one per generation.
class SchemaBuilder {
 public:
  /// The schema of T: a `$ref` for named types (registering their definition), else inline.
  template <class T> Json schema();
  /// The name T is defined under (its PROTOCOL_* name).
  template <class T> static std::string name_of() {
    return std::string(protocol_type_name(static_cast<const T*>(nullptr)));
  }
  const Json& definitions() const { return definitions_; }

 private:
  template <class T> Json object_schema(const char* title);
  template <class T> Json define(Json (SchemaBuilder::*make)());
  template <class T> Json make_struct() { return object_schema<T>(nullptr); }
  template <class T> Json make_enum();
  template <class T> Json make_union();
  template <class Variant, std::size_t... I> Json union_of(std::index_sequence<I...>);

  Json definitions_ = Json::object();
};

/// A standalone schema document for T: T's own schema at the root with `$schema`, `title`
/// and the `definitions` it needs.
template <class T>
Json schema_document(const std::string& title) {
  SchemaBuilder builder;
  Json ref = builder.schema<T>();
  Json definitions = builder.definitions();
  const std::string name = SchemaBuilder::name_of<T>();
  Json root = definitions[name];
  definitions.erase(name);
  root["$schema"] = kDraft07;
  root["title"] = title;
  if (!definitions.empty()) root["definitions"] = std::move(definitions);
  return root;
}

namespace detail {
template <class T>
const char* field_doc(std::string_view member) {
  if constexpr (requires { protocol_field_doc(static_cast<const T*>(nullptr), member); })
    return protocol_field_doc(static_cast<const T*>(nullptr), member);
  else
    return nullptr;
}
template <class T>
const char* type_doc() {
  if constexpr (requires { protocol_type_doc(static_cast<const T*>(nullptr)); })
    return protocol_type_doc(static_cast<const T*>(nullptr));
  else
    return nullptr;
}
inline Json nullable(Json schema) {
  if (schema.empty()) return schema;  // already accepts anything
  if (schema.size() == 1 && schema.contains("type") && schema["type"].is_string())
    return Json{{"type", {schema["type"], "null"}}};
  return Json{{"anyOf", {std::move(schema), {{"type", "null"}}}}};
}
}  // namespace detail

template <class T>
Json SchemaBuilder::define(Json (SchemaBuilder::*make)()) {
  const std::string name = name_of<T>();
  if (!definitions_.contains(name)) {
    definitions_[name] = Json::object();  // placeholder: stops recursion
    definitions_[name] = (this->*make)();
  }
  return Json{{"$ref", "#/definitions/" + name}};
}

template <class T>
Json SchemaBuilder::schema() {
  if constexpr (std::is_same_v<T, Json>) {
    return Json::object();
  } else if constexpr (std::is_same_v<T, bool>) {
    return Json{{"type", "boolean"}};
  } else if constexpr (std::is_integral_v<T>) {
    if constexpr (std::is_unsigned_v<T>) return Json{{"type", "integer"}, {"minimum", 0}};
    else return Json{{"type", "integer"}};
  } else if constexpr (std::is_floating_point_v<T>) {
    return Json{{"type", "number"}};
  } else if constexpr (std::is_same_v<T, std::string>) {
    return Json{{"type", "string"}};
  } else if constexpr (detail::is_optional<T>::value) {
    return detail::nullable(schema<typename T::value_type>());
  } else if constexpr (detail::is_vector<T>::value) {
    return Json{{"type", "array"}, {"items", schema<typename T::value_type>()}};
  } else if constexpr (detail::is_string_map<T>::value) {
    return Json{{"type", "object"}, {"additionalProperties", schema<typename T::mapped_type>()}};
  } else if constexpr (detail::DescribedEnum<T>) {
    return define<T>(&SchemaBuilder::make_enum<T>);
  } else if constexpr (detail::is_variant<T>::value) {
    return define<T>(&SchemaBuilder::make_union<T>);
  } else if constexpr (detail::DescribedStruct<T>) {
    return define<T>(&SchemaBuilder::make_struct<T>);
  } else {
    static_assert(sizeof(T) == 0, "no schema for this type: describe it with PROTOCOL_*");
  }
}

template <class T>
Json SchemaBuilder::object_schema(const char* title) {
  Json properties = Json::object();
  Json required = Json::array();
  if constexpr (detail::Tagged<T>) {
    properties["type"] = Json{{"type", "string"}, {"enum", {T::type_tag}}};
    required.push_back("type");
  }
  boost::mp11::mp_for_each<boost::describe::describe_members<T, boost::describe::mod_public>>(
      [&](auto D) {
        using Member = std::remove_cvref_t<decltype(std::declval<T&>().*D.pointer)>;
        Json member = schema<Member>();
        if (const char* doc = detail::field_doc<T>(D.name)) {
          if (member.contains("$ref")) member = Json{{"allOf", {member}}};
          member["description"] = doc;
        }
        properties[D.name] = std::move(member);
        if (!detail::is_optional<Member>::value && !std::is_same_v<Member, Json> &&
            !detail::omittable<T>(D.name))
          required.push_back(D.name);
      });
  Json out = {{"type", "object"}, {"properties", std::move(properties)}};
  if (!required.empty()) out["required"] = std::move(required);
  if (title) out["title"] = title;
  if (const char* doc = detail::type_doc<T>()) out["description"] = doc;
  return out;
}

template <class T>
Json SchemaBuilder::make_enum() {
  return Json{{"type", "string"}, {"enum", enum_names<T>()}};
}

template <class T>
Json SchemaBuilder::make_union() {
  return union_of<T>(std::make_index_sequence<std::variant_size_v<T>>{});
}

template <class Variant, std::size_t... I>
Json SchemaBuilder::union_of(std::index_sequence<I...>) {
  Json alternatives = Json::array();
  (alternatives.push_back(object_schema<std::variant_alternative_t<I, Variant>>(
       protocol_type_name(static_cast<const std::variant_alternative_t<I, Variant>*>(nullptr))
           .data())),
   ...);
  return Json{{"oneOf", std::move(alternatives)}};
}

}  // namespace appserver::protocol
