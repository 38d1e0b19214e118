// Private: helpers to read JSON documents with errors that name a JSON pointer and a reason.
// Used by the scenario parser and the command decoder.
#ifndef HANDOFF_SRC_IO_JSON_READER_H_
#define HANDOFF_SRC_IO_JSON_READER_H_

#include <cstdint>
#include <initializer_list>
#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "handoff/calendar.h"
#include "handoff/model.h"
#include "nlohmann/json.hpp"
#include "src/internal/status_macros.h"
#include "src/internal/strings.h"

namespace handoff::internal {

// Reads one milestone object (scenario `projects[].milestones[]`, or an accepted change's new
// milestone) at JSON pointer `ptr`.
absl::StatusOr<Milestone> ParseMilestoneJson(const nlohmann::json& e, const std::string& ptr);

namespace json_reader {

using nlohmann::json;

inline std::string TypeName(const json& j) {
  switch (j.type()) {
    case json::value_t::null:
      return "null";
    case json::value_t::boolean:
      return "a boolean";
    case json::value_t::number_integer:
    case json::value_t::number_unsigned:
      return "an integer";
    case json::value_t::number_float:
      return "a number";
    case json::value_t::string:
      return "a string";
    case json::value_t::array:
      return "an array";
    case json::value_t::object:
      return "an object";
    default:
      return "a value";
  }
}

// Escapes a member name for a JSON pointer (RFC 6901).
inline std::string PointerToken(std::string_view key) {
  std::string out;
  for (char c : key) {
    if (c == '~') {
      out += "~0";
    } else if (c == '/') {
      out += "~1";
    } else {
      out += c;
    }
  }
  return out;
}

inline std::string Join(std::initializer_list<std::string_view> names) {
  std::string out;
  for (std::string_view n : names) Append(&out, out.empty() ? "" : ", ", n);
  return out;
}

inline absl::Status Bad(std::string_view pointer, std::string_view reason) {
  return absl::InvalidArgumentError(Cat(pointer.empty() ? "/" : pointer, ": ", reason));
}

inline absl::Status ExpectObject(const json& j, const std::string& ptr,
                                 std::initializer_list<std::string_view> allowed) {
  if (!j.is_object()) return Bad(ptr, Cat("must be an object, got ", TypeName(j)));
  for (auto it = j.begin(); it != j.end(); ++it) {
    bool known = false;
    for (std::string_view a : allowed) known = known || a == it.key();
    if (!known) {
      return Bad(Cat(ptr, "/", PointerToken(it.key())),
                 Cat("unknown member \"", it.key(), "\" (expected one of: ", Join(allowed), ")"));
    }
  }
  return absl::OkStatus();
}

inline const json* Member(const json& j, std::string_view key) {
  auto it = j.find(key);
  return it == j.end() ? nullptr : &*it;
}

inline absl::StatusOr<const json*> Required(const json& j, const std::string& ptr,
                                            std::string_view key) {
  const json* m = Member(j, key);
  if (m == nullptr) return Bad(ptr, Cat("missing required member \"", key, "\""));
  return m;
}

inline absl::StatusOr<std::string> AsString(const json& j, const std::string& ptr) {
  if (!j.is_string()) return Bad(ptr, Cat("must be a string, got ", TypeName(j)));
  return j.get<std::string>();
}

inline absl::StatusOr<std::string> AsId(const json& j, const std::string& ptr) {
  HANDOFF_ASSIGN_OR_RETURN(std::string s, AsString(j, ptr));
  if (s.empty()) return Bad(ptr, "must be a non-empty id");
  return s;
}

inline absl::StatusOr<int32_t> AsInt(const json& j, const std::string& ptr) {
  if (!j.is_number_integer()) {
    return Bad(ptr, Cat("must be an integer, got ", TypeName(j)));
  }
  if (j.is_number_unsigned()
          ? j.get<uint64_t>() > 2147483647u
          : (j.get<int64_t>() > 2147483647 || j.get<int64_t>() < -2147483648LL)) {
    return Bad(ptr, Cat("integer ", j.dump(), " is out of range"));
  }
  return static_cast<int32_t>(j.get<int64_t>());
}

inline absl::StatusOr<Date> AsDate(const json& j, const std::string& ptr) {
  HANDOFF_ASSIGN_OR_RETURN(std::string s, AsString(j, ptr));
  absl::StatusOr<Date> d = ParseIsoDate(s);
  if (!d.ok()) return Bad(ptr, StdView(d.status().message()));
  return *d;
}

inline absl::StatusOr<const json*> AsArray(const json& j, const std::string& ptr) {
  if (!j.is_array()) return Bad(ptr, Cat("must be an array, got ", TypeName(j)));
  return &j;
}

// Reads an optional string member into `out` (unchanged when absent).
inline absl::Status OptString(const json& obj, const std::string& ptr, std::string_view key,
                              std::string* out) {
  if (const json* m = Member(obj, key)) {
    HANDOFF_ASSIGN_OR_RETURN(*out, AsString(*m, Cat(ptr, "/", key)));
  }
  return absl::OkStatus();
}

template <typename IdT>
inline absl::Status OptId(const json& obj, const std::string& ptr, std::string_view key, IdT* out) {
  if (const json* m = Member(obj, key)) {
    HANDOFF_ASSIGN_OR_RETURN(std::string s, AsId(*m, Cat(ptr, "/", key)));
    *out = IdT(std::move(s));
  }
  return absl::OkStatus();
}

}  // namespace json_reader
}  // namespace handoff::internal

#endif  // HANDOFF_SRC_IO_JSON_READER_H_
