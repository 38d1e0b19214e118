// Private: a growable array whose elements never move (references stay valid as it grows),
// stored in fixed chunks of 2^kChunkBits elements. Unlike std::deque, whose map of nodes is as
// long as the array is (one node per element for records over 512 bytes), finding an element
// reads a chunk table short enough to stay in cache: one cache miss less per random access.
#ifndef HANDOFF_SRC_INTERNAL_STABLE_VECTOR_H_
#define HANDOFF_SRC_INTERNAL_STABLE_VECTOR_H_

#include <cstddef>
#include <memory>
#include <new>
#include <utility>
#include <vector>

namespace handoff::internal {

template <typename T, size_t kChunkBits = 10>
class StableVector {
 public:
  static constexpr size_t kChunk = size_t{1} << kChunkBits;

  StableVector() = default;
  StableVector(const StableVector&) = delete;
  StableVector& operator=(const StableVector&) = delete;
  ~StableVector() { clear(); }

  size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }
  T& operator[](size_t i) { return Slot(i); }
  const T& operator[](size_t i) const { return Slot(i); }
  T& back() { return Slot(size_ - 1); }
  const T& back() const { return Slot(size_ - 1); }

  template <typename... Args>
  T& emplace_back(Args&&... args) {
    // A new chunk is left uninitialized: elements are constructed in place.
    if (size_ == chunks_.size() * kChunk) chunks_.emplace_back(new Storage[kChunk]);
    T* p = ::new (static_cast<void*>(&Slot(size_))) T(std::forward<Args>(args)...);
    ++size_;
    return *p;
  }

  void clear() {
    for (size_t i = size_; i > 0; --i) Slot(i - 1).~T();
    size_ = 0;
    chunks_.clear();
  }

 private:
  struct alignas(T) Storage {
    unsigned char bytes[sizeof(T)];
  };
  T& Slot(size_t i) const {
    return *std::launder(reinterpret_cast<T*>(chunks_[i >> kChunkBits][i & (kChunk - 1)].bytes));
  }

  std::vector<std::unique_ptr<Storage[]>> chunks_;
  size_t size_ = 0;
};

}  // namespace handoff::internal

#endif  // HANDOFF_SRC_INTERNAL_STABLE_VECTOR_H_
