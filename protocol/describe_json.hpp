// Generic JSON encoding and decoding for protocol types described with Boost.Describe.
//
// Every wire type in protocol/v2 is a plain aggregate plus one BOOST_DESCRIBE_STRUCT or
// BOOST_DESCRIBE_ENUM line. This header turns that description into JSON both ways, so no type
// has hand-written (de)serialisation. The rules, implemented once here:
//   - struct members are JSON object members of the same name (the C++ name IS the wire name);
//   - std::optional<T> encodes as `null` when empty (v2 never omits a field); decoding accepts
//     a missing member or `null`;
//   - a missing member is an error unless it is optional or declared omittable (a member the
//     server always sends but a client may leave out, see protocol_omittable);
//   - described enums are strings (enumerator name = wire value);
//   - std::variant<A, B, ...> is a tagged union: each alternative declares
//     `static constexpr const char* type_tag = "..."`, written as the JSON member "type";
//   - nlohmann::json members pass through untouched;
//   - unknown members on input are ignored (clients send fields this server does not use).
// Decoding errors throw DecodeError whose message names the JSON path of the bad value, e.g.
// `params.input[0].type: expected string`. Callers turn it into JSON-RPC -32602.
#pragma once

#include <boost/describe.hpp>
#include <boost/mp11.hpp>
#include <nlohmann/json.hpp>

#include <cstdint>
#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <type_traits>
#include <variant>
#include <vector>

/// Describes a protocol struct once: its members (Boost.Describe) and its schema name.
/// `Members` is a parenthesised list: PROTOCOL_STRUCT(Turn, (id, items, status)).
#define PROTOCOL_STRUCT(Type, Members) \
  BOOST_DESCRIBE_STRUCT(Type, (), Members) \
  [[maybe_unused]] constexpr std::string_view protocol_type_name(const Type*) { return #Type; }

/// Describes a protocol enum once: its enumerators (= wire strings) and its schema name.
#define PROTOCOL_ENUM(Type, ...) \
  BOOST_DESCRIBE_ENUM(Type, __VA_ARGS__) \
  [[maybe_unused]] constexpr std::string_view protocol_type_name(const Type*) { return #Type; }

/// Names a tagged union (a std::variant alias) for the schema: PROTOCOL_UNION(ThreadItem).
#define PROTOCOL_UNION(Alias) \
  [[maybe_unused]] constexpr std::string_view protocol_type_name(const Alias*) { return #Alias; }

namespace appserver::protocol {

using Json = nlohmann::json;

/// Thrown by decode(); what() is "<json path>: <problem>". Not thrown by encode().
class DecodeError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// An optional field whose explicit `null` means something other than its absence (v2
/// ThreadStartParams.serviceTier: `null` asks for the default tier, absent keeps the
/// configured one). Encodes, decodes and has the schema of std::optional<T>; `given` says
/// whether the member was present in the decoded object.
template <class T>
struct Nullable : std::optional<T> {
  using std::optional<T>::optional;
  using std::optional<T>::operator=;
  bool given = false;
};

namespace detail {
template <class T> struct is_optional : std::false_type {};
template <class T> struct is_optional<std::optional<T>> : std::true_type {};
template <class T> struct is_optional<Nullable<T>> : std::true_type {};
template <class T> struct is_nullable : std::false_type {};
template <class T> struct is_nullable<Nullable<T>> : std::true_type {};
template <class T> struct is_vector : std::false_type {};
template <class T, class A> struct is_vector<std::vector<T, A>> : std::true_type {};
template <class T> struct is_string_map : std::false_type {};
template <class T> struct is_string_map<std::map<std::string, T>> : std::true_type {};
template <class T> struct is_variant : std::false_type {};
template <class... T> struct is_variant<std::variant<T...>> : std::true_type {};

template <class T>
concept DescribedEnum = std::is_enum_v<T> && boost::describe::has_describe_enumerators<T>::value;
template <class T>
concept DescribedStruct = std::is_class_v<T> && boost::describe::has_describe_members<T>::value;
template <class T>
concept Tagged = requires { T::type_tag; };

/// A member a client may omit on input although the server always sends it (found by ADL:
/// `bool protocol_omittable(const T*, std::string_view member)`).
template <class T>
bool omittable(std::string_view member) {
  if constexpr (requires { protocol_omittable(static_cast<const T*>(nullptr), member); })
    return protocol_omittable(static_cast<const T*>(nullptr), member);
  else
    return false;
}

/// The JSON path of the value being decoded, as a chain of segments on the decoder's stack
/// (the root text such as "params", then member names and array indexes). The text is built
/// only when decoding fails, so a successful decode allocates nothing for paths.
struct DecodePath {
  static constexpr std::size_t kNoIndex = static_cast<std::size_t>(-1);
  const DecodePath* parent = nullptr;
  std::string_view member;  // the root text (no parent), or a member name
  std::size_t index = kNoIndex;

  DecodePath child(std::string_view name) const { return {this, name, kNoIndex}; }
  DecodePath at(std::size_t i) const { return {this, {}, i}; }
  std::string str() const {
    std::string out = parent ? parent->str() : std::string();
    if (index != kNoIndex) out += "[" + std::to_string(index) + "]";
    else if (parent) out += "." + std::string(member);
    else out += member;
    return out;
  }
};

[[noreturn]] inline void fail(const DecodePath& path, std::string_view problem) {
  throw DecodeError(path.str() + ": " + std::string(problem));
}
}  // namespace detail

/// Wire string of a described enumerator ("" if the value is not a described enumerator).
template <detail::DescribedEnum E>
std::string_view enum_name(E value) {
  std::string_view out;
  boost::mp11::mp_for_each<boost::describe::describe_enumerators<E>>([&](auto D) {
    if (D.value == value) out = D.name;
  });
  return out;
}

/// Parses a wire string into a described enum; std::nullopt when it names no enumerator.
template <detail::DescribedEnum E>
std::optional<E> enum_from_name(std::string_view name) {
  std::optional<E> out;
  boost::mp11::mp_for_each<boost::describe::describe_enumerators<E>>([&](auto D) {
    if (name == D.name) out = D.value;
  });
  return out;
}

/// All wire strings of a described enum, in declaration order.
template <detail::DescribedEnum E>
std::vector<std::string> enum_names() {
  std::vector<std::string> out;
  boost::mp11::mp_for_each<boost::describe::describe_enumerators<E>>(
      [&](auto D) { out.emplace_back(D.name); });
  return out;
}

template <class T> Json encode(const T& value);

namespace detail {
template <class T>
void encode_members(Json& out, const T& value) {
  if constexpr (Tagged<T>) out["type"] = T::type_tag;
  boost::mp11::mp_for_each<boost::describe::describe_members<T, boost::describe::mod_public>>(
      [&](auto D) { out[D.name] = encode(value.*D.pointer); });
}
}  // namespace detail

/// Encodes any described protocol value (or supported standard type) as JSON. Never throws
/// for well-formed values.
template <class T>
Json encode(const T& value) {
  if constexpr (std::is_same_v<T, Json>) {
    return value;
  } else if constexpr (std::is_same_v<T, bool> || std::is_arithmetic_v<T> ||
                       std::is_same_v<T, std::string>) {
    return Json(value);
  } else if constexpr (detail::DescribedEnum<T>) {
    return Json(std::string(enum_name(value)));
  } else if constexpr (detail::is_optional<T>::value) {
    return value ? encode(*value) : Json(nullptr);
  } else if constexpr (detail::is_vector<T>::value) {
    Json out = Json::array();
    for (const auto& element : value) out.push_back(encode(element));
    return out;
  } else if constexpr (detail::is_string_map<T>::value) {
    Json out = Json::object();
    for (const auto& [key, element] : value) out[key] = encode(element);
    return out;
  } else if constexpr (detail::is_variant<T>::value) {
    return std::visit([](const auto& alt) { return encode(alt); }, value);
  } else if constexpr (detail::DescribedStruct<T>) {
    Json out = Json::object();
    detail::encode_members(out, value);
    return out;
  } else {
    static_assert(sizeof(T) == 0, "type is not encodable: describe it with BOOST_DESCRIBE_*");
  }
}

namespace detail {
template <class T> void decode_at(const Json& json, T& out, const DecodePath& path);
template <class T>
void decode_members(const Json& json, T& out, const DecodePath& path) {
  if (!json.is_object()) fail(path, "expected object");
  boost::mp11::mp_for_each<boost::describe::describe_members<T, boost::describe::mod_public>>(
      [&](auto D) {
        using Member = std::remove_cvref_t<decltype(out.*D.pointer)>;
        auto it = json.find(D.name);
        if (it == json.end()) {
          if constexpr (is_optional<Member>::value || std::is_same_v<Member, Json>) {
            out.*D.pointer = Member{};
            return;
          } else {
            if (!omittable<T>(D.name)) fail(path.child(D.name), "missing field");
            out.*D.pointer = Member{};
            return;
          }
        }
        decode_at(*it, out.*D.pointer, path.child(D.name));
        if constexpr (is_nullable<Member>::value) (out.*D.pointer).given = true;
      });
}

template <class Variant, std::size_t... I>
void decode_variant(const Json& json, Variant& out, const DecodePath& path,
                    std::index_sequence<I...>) {
  if (!json.is_object()) fail(path, "expected object");
  auto type = json.find("type");
  if (type == json.end()) fail(path.child("type"), "missing field");
  if (!type->is_string()) fail(path.child("type"), "expected string");
  const std::string& tag = type->get_ref<const std::string&>();
  bool matched = false;
  (
      [&] {
        using Alt = std::variant_alternative_t<I, Variant>;
        if (!matched && tag == Alt::type_tag) {
          matched = true;
          Alt alt{};
          decode_members(json, alt, path);
          out = std::move(alt);
        }
      }(),
      ...);
  if (!matched) {
    std::string expected;
    ((expected += (expected.empty() ? "`" : ", `") +
                  std::string(std::variant_alternative_t<I, Variant>::type_tag) + "`"),
     ...);
    fail(path.child("type"), "unknown variant `" + tag + "`, expected one of " + expected);
  }
}

template <class T>
void decode_at(const Json& json, T& out, const DecodePath& path) {
  if constexpr (std::is_same_v<T, Json>) {
    out = json;
  } else if constexpr (std::is_same_v<T, bool>) {
    if (!json.is_boolean()) fail(path, "expected boolean");
    out = json.get<bool>();
  } else if constexpr (std::is_integral_v<T>) {
    if (!json.is_number_integer()) fail(path, "expected integer");
    if constexpr (std::is_unsigned_v<T>) {
      if (json.is_number_unsigned() == false && json.get<std::int64_t>() < 0)
        fail(path, "expected unsigned integer");
    }
    out = json.get<T>();
  } else if constexpr (std::is_floating_point_v<T>) {
    if (!json.is_number()) fail(path, "expected number");
    out = json.get<T>();
  } else if constexpr (std::is_same_v<T, std::string>) {
    if (!json.is_string()) fail(path, "expected string");
    out = json.get<std::string>();
  } else if constexpr (DescribedEnum<T>) {
    if (!json.is_string()) fail(path, "expected string");
    auto value = enum_from_name<T>(json.get_ref<const std::string&>());
    if (!value) {
      std::string expected;
      for (const auto& name : enum_names<T>()) expected += (expected.empty() ? "`" : ", `") + name + "`";
      fail(path, "unknown variant `" + json.get<std::string>() + "`, expected one of " + expected);
    }
    out = *value;
  } else if constexpr (is_optional<T>::value) {
    if (json.is_null()) {
      out.reset();
    } else {
      typename T::value_type inner{};
      decode_at(json, inner, path);
      out = std::move(inner);
    }
  } else if constexpr (is_vector<T>::value) {
    if (!json.is_array()) fail(path, "expected array");
    out.clear();
    out.reserve(json.size());
    for (std::size_t i = 0; i < json.size(); ++i) {
      typename T::value_type element{};
      decode_at(json[i], element, path.at(i));
      out.push_back(std::move(element));
    }
  } else if constexpr (is_string_map<T>::value) {
    if (!json.is_object()) fail(path, "expected object");
    out.clear();
    for (const auto& [key, element] : json.items()) {
      typename T::mapped_type value{};
      decode_at(element, value, path.child(key));
      out.emplace(key, std::move(value));
    }
  } else if constexpr (is_variant<T>::value) {
    decode_variant(json, out, path, std::make_index_sequence<std::variant_size_v<T>>{});
  } else if constexpr (DescribedStruct<T>) {
    decode_members(json, out, path);
  } else {
    static_assert(sizeof(T) == 0, "type is not decodable: describe it with BOOST_DESCRIBE_*");
  }
}
}  // namespace detail

/// Decodes `json` into `out`; throws DecodeError naming `path` (e.g. "params") extended with
/// the member/index of the offending value.
template <class T>
void decode(const Json& json, T& out, const std::string& path) {
  detail::decode_at(json, out, detail::DecodePath{nullptr, path});
}

/// Convenience: decode into a fresh value.
template <class T>
T decode_as(const Json& json, const std::string& path) {
  T out{};
  decode(json, out, path);
  return out;
}

}  // namespace appserver::protocol
