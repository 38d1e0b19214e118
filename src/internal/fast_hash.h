// Private: a fast hash of short strings (ids, message subjects) for the library's own tables.
// Not stable across processes: it is seeded by where the library is loaded, so that chosen
// ids cannot aim at one slot run of a table. Nothing that is output may depend on it.
#ifndef HANDOFF_SRC_INTERNAL_FAST_HASH_H_
#define HANDOFF_SRC_INTERNAL_FAST_HASH_H_

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string_view>

namespace handoff::internal {

// The high and low halves of a * b, folded.
inline uint64_t MixWide(uint64_t a, uint64_t b) {
  __extension__ using Wide = unsigned __int128;
  const Wide r = static_cast<Wide>(a) * b;
  return static_cast<uint64_t>(r) ^ static_cast<uint64_t>(r >> 64);
}

// The per-process seed.
inline uint64_t HashSeed() {
  static const char anchor = 0;
  return reinterpret_cast<uintptr_t>(&anchor);
}

inline uint64_t Load8(const char* p) {
  uint64_t w;
  std::memcpy(&w, p, 8);
  return w;
}
inline uint64_t Load4(const char* p) {
  uint32_t w;
  std::memcpy(&w, p, 4);
  return w;
}

// Hashes `s` on top of `h` (chain calls to hash several strings): a multiply-mix over 16-byte
// blocks, the length included. Strings of up to 16 bytes (most ids) take one multiplication:
// two loads that may overlap cover every byte, with no loop and no variable-length copy.
inline uint64_t HashBytes(std::string_view s, uint64_t h) {
  constexpr uint64_t kA = 0xa0761d6478bd642full, kB = 0xe7037ed1a0b428dbull;
  const char* p = s.data();
  size_t n = s.size();
  h ^= n * 0x9e3779b97f4a7c15ull;
  uint64_t a = 0, b = 0;
  if (n <= 16) {
    if (n >= 8) {
      a = Load8(p);
      b = Load8(p + n - 8);
    } else if (n >= 4) {
      a = Load4(p);
      b = Load4(p + n - 4);
    } else if (n > 0) {
      a = (static_cast<uint64_t>(static_cast<unsigned char>(p[0])) << 16) |
          (static_cast<uint64_t>(static_cast<unsigned char>(p[n >> 1])) << 8) |
          static_cast<unsigned char>(p[n - 1]);
    }
  } else {
    for (; n > 16; p += 16, n -= 16) h = MixWide(Load8(p) ^ kA, Load8(p + 8) ^ h);
    a = Load8(p + n - 16);  // the last 16 bytes (may overlap the last block)
    b = Load8(p + n - 8);
  }
  return MixWide(a ^ kA, b ^ h ^ kB);
}

}  // namespace handoff::internal

#endif  // HANDOFF_SRC_INTERNAL_FAST_HASH_H_
