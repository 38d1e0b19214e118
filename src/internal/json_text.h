// Private: writing JSON text by hand on hot paths (messages are rendered per line).
#ifndef HANDOFF_SRC_INTERNAL_JSON_TEXT_H_
#define HANDOFF_SRC_INTERNAL_JSON_TEXT_H_

#include <cstdint>
#include <cstdio>
#include <cstring>
#include <string>
#include <string_view>

namespace handoff::internal {

// Whether the eight bytes of `w` hold one that a JSON string must escape (a control byte, '"'
// or '\\'); bytes >= 0x80 pass through.
inline bool NeedsEscape8(uint64_t w) {
  constexpr uint64_t kOnes = 0x0101010101010101ull, kHigh = 0x8080808080808080ull;
  const uint64_t quote = w ^ (kOnes * '"'), backslash = w ^ (kOnes * '\\');
  // A byte is flagged when it is below 0x20, or zero after an xor (a borrow can flag a byte
  // above a flagged one, never a string with none).
  return (((w - kOnes * 0x20) | (quote - kOnes) | (backslash - kOnes)) & ~w & kHigh) != 0;
}
inline bool NeedsEscape(char c) {
  return static_cast<unsigned char>(c) < 0x20 || c == '"' || c == '\\';
}

// Appends `s` as a JSON string literal (quotes, escapes; bytes >= 0x80 pass through). Text that
// needs no escape (ids, names, most text) is copied whole with its quotes in one step.
inline void AppendJsonString(std::string* out, std::string_view s) {
  size_t i = 0;  // the first byte not checked yet
  for (; i + 8 <= s.size(); i += 8) {
    uint64_t w;
    std::memcpy(&w, s.data() + i, 8);
    if (NeedsEscape8(w)) break;
  }
  while (i < s.size() && !NeedsEscape(s[i])) ++i;
  const size_t at = out->size();
  if (i == s.size()) {
    out->resize(at + s.size() + 2);
    char* p = out->data() + at;
    p[0] = '"';
    if (!s.empty()) std::memcpy(p + 1, s.data(), s.size());
    p[s.size() + 1] = '"';
    return;
  }
  out->push_back('"');
  size_t run = 0;  // the first byte not appended yet
  for (; i < s.size(); ++i) {
    const char c = s[i];
    if (!NeedsEscape(c)) continue;
    out->append(s.data() + run, i - run);
    run = i + 1;
    switch (c) {
      case '"':
        out->append("\\\"");
        break;
      case '\\':
        out->append("\\\\");
        break;
      case '\n':
        out->append("\\n");
        break;
      case '\r':
        out->append("\\r");
        break;
      case '\t':
        out->append("\\t");
        break;
      default: {
        char buf[8];
        std::snprintf(buf, sizeof buf, "\\u%04x", static_cast<unsigned>(c));
        out->append(buf);
      }
    }
  }
  out->append(s.data() + run, s.size() - run);
  out->push_back('"');
}

inline std::string JsonString(std::string_view s) {
  std::string out;
  out.reserve(s.size() + 2);
  AppendJsonString(&out, s);
  return out;
}

}  // namespace handoff::internal

#endif  // HANDOFF_SRC_INTERNAL_JSON_TEXT_H_
