// Private string helpers. Debian's Abseil is built with its own absl::string_view (not
// std::string_view), so absl::StrCat does not take the std::string_view values this library's
// API uses; Cat/Append do, and ids and integers too.
#ifndef HANDOFF_SRC_INTERNAL_STRINGS_H_
#define HANDOFF_SRC_INTERNAL_STRINGS_H_

#include <concepts>
#include <string>
#include <string_view>

#include "absl/strings/string_view.h"
#include "handoff/ids.h"

namespace handoff::internal {

inline void AppendPiece(std::string& out, std::string_view s) { out.append(s); }
inline void AppendPiece(std::string& out, const char* s) { out.append(s); }
inline void AppendPiece(std::string& out, const std::string& s) { out.append(s); }
inline void AppendPiece(std::string& out, absl::string_view s) { out.append(s.data(), s.size()); }
inline void AppendPiece(std::string& out, char c) { out.push_back(c); }
template <typename Tag>
void AppendPiece(std::string& out, const Id<Tag>& id) {
  out.append(id.value());
}
template <std::integral T>
requires(!std::same_as<T, char> && !std::same_as<T, bool>) void AppendPiece(std::string& out,
                                                                            T value) {
  out.append(std::to_string(value));
}

// Concatenates strings, string views, ids and integers.
template <typename... Args>
std::string Cat(const Args&... args) {
  std::string out;
  (AppendPiece(out, args), ...);
  return out;
}
template <typename... Args>
void Append(std::string* out, const Args&... args) {
  (AppendPiece(*out, args), ...);
}

// Converts Abseil's string_view (a Status message) to the standard one.
inline std::string_view StdView(absl::string_view s) {
  return std::string_view(s.data(), s.size());
}

}  // namespace handoff::internal

#endif  // HANDOFF_SRC_INTERNAL_STRINGS_H_
