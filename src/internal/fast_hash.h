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

// Hashes `s` on top of `h` (chain calls to hash several strings): a multiply-mix over 8-byte
// words, the length included.
inline uint64_t HashBytes(std::string_view s, uint64_t h) {
  h ^= s.size() * 0x9e3779b97f4a7c15ull;
  const char* p = s.data();
  size_t n = s.size();
  for (; n >= 8; p += 8, n -= 8) {
    uint64_t word;
    std::memcpy(&word, p, 8);
    h = MixWide(h ^ word, 0xa0761d6478bd642full);
  }
  uint64_t tail = 0;
  if (n > 0) std::memcpy(&tail, p, n);
  return MixWide(h ^ tail, 0xe7037ed1a0b428dbull);
}

}  // namespace handoff::internal

#endif  // HANDOFF_SRC_INTERNAL_FAST_HASH_H_
