// Private: cache prefetch hints for records about to be read (they change nothing).
#ifndef HANDOFF_SRC_INTERNAL_PREFETCH_H_
#define HANDOFF_SRC_INTERNAL_PREFETCH_H_

#include <cstddef>
#include <cstdint>

namespace handoff::internal {

// Asks for every cache line `object` spans, so that their misses overlap instead of following
// one another as the fields are read.
template <typename T>
inline void PrefetchObject(const T& object) {
  constexpr uintptr_t kLine = 64;
  const uintptr_t begin = reinterpret_cast<uintptr_t>(&object) & ~(kLine - 1);
  const uintptr_t end = reinterpret_cast<uintptr_t>(&object) + sizeof(T);
  for (uintptr_t line = begin; line < end; line += kLine) {
    __builtin_prefetch(reinterpret_cast<const void*>(line));
  }
}

}  // namespace handoff::internal

#endif  // HANDOFF_SRC_INTERNAL_PREFETCH_H_
