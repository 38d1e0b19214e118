// Private: writing JSON text by hand on hot paths (messages are rendered per line).
#ifndef HANDOFF_SRC_INTERNAL_JSON_TEXT_H_
#define HANDOFF_SRC_INTERNAL_JSON_TEXT_H_

#include <cstdint>
#include <cstdio>
#include <cstring>
#include <string>
#include <string_view>

namespace handoff::internal {

// Appends `s` as a JSON string literal (quotes, escapes; bytes >= 0x80 pass through). Runs of
// bytes that need no escape are appended whole.
inline void AppendJsonString(std::string* out, std::string_view s) {
  out->push_back('"');
  size_t run = 0;  // the first byte not appended yet
  for (size_t i = 0; i < s.size(); ++i) {
    // Eight bytes at a time while none needs an escape (a control byte, '"' or '\\').
    while (i + 8 <= s.size()) {
      uint64_t w;
      std::memcpy(&w, s.data() + i, 8);
      constexpr uint64_t kOnes = 0x0101010101010101ull, kHigh = 0x8080808080808080ull;
      const uint64_t quote = w ^ (kOnes * '"'), backslash = w ^ (kOnes * '\\');
      // A byte is flagged when it is below 0x20 or zero after the xor; bytes >= 0x80 are not.
      const uint64_t flagged = ((w - kOnes * 0x20) | (quote - kOnes) | (backslash - kOnes)) &
                               ~w & kHigh;
      if (flagged != 0) break;
      i += 8;
    }
    if (i == s.size()) break;
    const char c = s[i];
    if (static_cast<unsigned char>(c) >= 0x20 && c != '"' && c != '\\') continue;
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
