// Private: generation-stamped marks over dense ordinals. Starting a new round is O(1) (a full
// clear only when the 32-bit generation wraps), so a walk that marks a few entries of a large
// table costs only what it marks.
#ifndef HANDOFF_SRC_INTERNAL_MARKS_H_
#define HANDOFF_SRC_INTERNAL_MARKS_H_

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <vector>

#include "src/internal/large_alloc.h"

namespace handoff::internal {

// A capacity for `n` values per item of a large table, with room for an eighth more (at least
// 64): adding the first items to a freshly built table of a million does not copy it.
inline size_t WithRoom(size_t n) { return n + n / 8 + 64; }
// Makes room for at least `n` values in `v`, with WithRoom's margin when it must grow (a
// vector that has room already is left alone: growing by one does not reallocate each time).
template <typename Vector>
void ReserveWithRoom(Vector& v, size_t n) {
  if (v.capacity() < n) v.reserve(WithRoom(n));
}
// Resizes `v` to `n` values (new ones `value`), with room to grow as ReserveWithRoom makes it.
template <typename Vector>
void ResizeWithRoom(Vector& v, size_t n, const typename Vector::value_type& value = {}) {
  ReserveWithRoom(v, n);
  v.resize(n, value);
}

class Marks {
 public:
  // Starts a round over ordinals [0, n): nothing is marked.
  void Begin(size_t n) {
    Grow(n);
    if (++generation_ == 0) {  // wrapped: old stamps could match again
      std::fill(stamp_.begin(), stamp_.end(), 0);
      generation_ = 1;
    }
  }
  // Extends the ordinals to [0, n) without starting a new round.
  void Grow(size_t n) {
    if (stamp_.size() < n) ResizeWithRoom(stamp_, n);
  }
  // Fetches the mark of `i` into the cache, ahead of a Mark (a hint; changes nothing).
  void Prefetch(uint32_t i) const {
    if (i < stamp_.size()) __builtin_prefetch(&stamp_[i]);
  }
  // Marks `i`; returns false when it was marked already in this round.
  bool Mark(uint32_t i) {
    if (stamp_[i] == generation_) return false;
    stamp_[i] = generation_;
    return true;
  }

 private:
  LargeVector<uint32_t> stamp_;
  uint32_t generation_ = 0;
};

}  // namespace handoff::internal

#endif  // HANDOFF_SRC_INTERNAL_MARKS_H_
