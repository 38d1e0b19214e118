// Private: an insert-only index from id strings to record ordinals that costs one cache miss per
// lookup, for the workspace's large tables (a million milestones, hundreds of thousands of
// feedback items) where a string-keyed hash map costs two (its control bytes, then its slot)
// before the record itself.
//
// Each slot is 8 bytes: the low 32 bits of the id's hash and the ordinal. A lookup probes
// linearly from the slot the hash names (at most half the slots are used, so probes stay within
// a cache line or two) and compares an id only where the 32 hash bits match, through the
// caller's accessor: that reads the record the caller is about to use anyway. Growing rehashes
// from the stored hash bits, without reading any id.
//
// The portfolio's IdSet (src/graph/portfolio_state.h) answers the same question with 4-byte
// slots and supports erasing: it keeps the portfolio within its memory budget. This index spends
// 8 bytes a slot to save a miss on the workspace's command path.
#ifndef HANDOFF_SRC_INTERNAL_ID_INDEX_H_
#define HANDOFF_SRC_INTERNAL_ID_INDEX_H_

#include <algorithm>
#include <bit>
#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

#include "src/internal/fast_hash.h"
#include "src/internal/large_alloc.h"
#include "src/internal/prefetch.h"

namespace handoff::internal {

class IdIndex {
 public:
  static constexpr uint32_t kNone = 0xffffffffu;

  // The hash an id is indexed by (computed once per lookup; pass it to the calls below).
  static uint32_t HashOf(std::string_view id) {
    const uint64_t h = HashBytes(id, HashSeed());
    return static_cast<uint32_t>(h ^ (h >> 32));
  }

  // Fetches the slot `hash` starts at into the cache, ahead of a Find.
  void Prefetch(uint32_t hash) const {
    if (!slots_.empty()) __builtin_prefetch(&slots_[hash & mask_]);
  }

  // The first ordinal along `hash`'s probe whose slot carries the same 32 hash bits, without
  // reading any id: almost always the ordinal Find returns (another id with the same hash bits
  // would have to come first), so a caller can start fetching what it reads about that ordinal
  // while Find compares the id. kNone when no slot matches. A hint, never an answer.
  uint32_t Candidate(uint32_t hash) const {
    if (slots_.empty()) return kNone;
    for (size_t i = hash & mask_;; i = (i + 1) & mask_) {
      const uint64_t slot = slots_[i];
      if (slot == kEmpty) return kNone;
      if (static_cast<uint32_t>(slot >> 32) == hash) return static_cast<uint32_t>(slot) - 1;
    }
  }

  // The ordinal of `id` (whose HashOf is `hash`), or kNone. `id_of(ordinal)` returns the id of
  // an indexed ordinal (anything comparable with std::string_view).
  template <typename IdOf>
  uint32_t Find(std::string_view id, uint32_t hash, const IdOf& id_of) const {
    if (slots_.empty()) return kNone;
    for (size_t i = hash & mask_;; i = (i + 1) & mask_) {
      const uint64_t slot = slots_[i];
      if (slot == kEmpty) return kNone;
      if (static_cast<uint32_t>(slot >> 32) == hash) {
        const uint32_t ordinal = static_cast<uint32_t>(slot) - 1;
        if (std::string_view(id_of(ordinal)) == id) return ordinal;
      }
    }
  }
  template <typename IdOf>
  uint32_t Find(std::string_view id, const IdOf& id_of) const {
    return Find(id, HashOf(id), id_of);
  }
  // Find in a table whose records have an `id` (table[ordinal].id). A candidate's whole record
  // is fetched while its id is compared: the caller reads the record next.
  template <typename Table>
  uint32_t FindIn(const Table& table, std::string_view id, uint32_t hash) const {
    return Find(id, hash, [&](uint32_t i) -> std::string_view {
      PrefetchObject(table[i]);
      return table[i].id;
    });
  }
  template <typename Table>
  uint32_t FindIn(const Table& table, std::string_view id) const {
    return FindIn(table, id, HashOf(id));
  }
  template <typename Table>
  bool ContainsIn(const Table& table, std::string_view id) const {
    return FindIn(table, id) != kNone;
  }

  // Indexes `ordinal` under an id whose HashOf is `hash`. The id must not be indexed yet (look
  // it up first); ordinals must be below kNone.
  void Insert(uint32_t hash, uint32_t ordinal) {
    if (2 * (size_ + 1) > slots_.size()) Rehash(std::max<size_t>(16, 2 * slots_.size()));
    Place(hash, ordinal);
    ++size_;
  }
  void Insert(std::string_view id, uint32_t ordinal) { Insert(HashOf(id), ordinal); }

  // Makes room for `n` ids without growing.
  void Reserve(size_t n) {
    const size_t want = std::bit_ceil(std::max<size_t>(16, 2 * n));
    if (want > slots_.size()) Rehash(want);
  }
  size_t size() const { return size_; }
  size_t capacity_slots() const { return slots_.size(); }

 private:
  static constexpr uint64_t kEmpty = 0;

  void Place(uint32_t hash, uint32_t ordinal) {
    size_t i = hash & mask_;
    while (slots_[i] != kEmpty) i = (i + 1) & mask_;
    slots_[i] = (static_cast<uint64_t>(hash) << 32) | (static_cast<uint64_t>(ordinal) + 1);
  }
  void Rehash(size_t slots) {
    LargeVector<uint64_t> old;
    old.swap(slots_);
    slots_.assign(slots, kEmpty);
    mask_ = slots - 1;
    for (const uint64_t slot : old) {
      if (slot != kEmpty) {
        Place(static_cast<uint32_t>(slot >> 32), static_cast<uint32_t>(slot) - 1);
      }
    }
  }

  LargeVector<uint64_t> slots_;  // a power of two of them, at most half used
  size_t mask_ = 0;
  size_t size_ = 0;
};

}  // namespace handoff::internal

#endif  // HANDOFF_SRC_INTERNAL_ID_INDEX_H_
