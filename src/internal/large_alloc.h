// Private: storage for the large tables (per-milestone arrays, id index slots, records of a
// million milestones) in transparent huge pages.
//
// A command reads a few entries at random in each of these tables. On a portfolio of a million
// milestones the tables take about a gigabyte, so with 4 KiB pages nearly every such read also
// misses the TLB, and the page walk costs about as much as the cache miss itself (on the
// development VM a dependent read over 1 GiB took 330-380 ns with 4 KiB pages and 180-230 ns
// with 2 MiB pages). An allocation of at least kLargeBytes is therefore aligned to 2 MiB and
// advised MADV_HUGEPAGE, so the kernel backs it with huge pages where transparent huge pages
// are enabled ("always" or "madvise"); elsewhere the advice is ignored. Smaller allocations go
// to the usual operator new. Only the memory the tables touch becomes resident, in 2 MiB steps.
#ifndef HANDOFF_SRC_INTERNAL_LARGE_ALLOC_H_
#define HANDOFF_SRC_INTERNAL_LARGE_ALLOC_H_

#include <cstddef>
#include <new>
#include <vector>

namespace handoff::internal {

inline constexpr size_t kHugePageBytes = size_t{2} << 20;
// From this size on an allocation is worth its own huge pages.
inline constexpr size_t kLargeBytes = kHugePageBytes;

// `bytes` (at least kLargeBytes) aligned to a huge page, advised MADV_HUGEPAGE.
void* AllocateLarge(size_t bytes);
void FreeLarge(void* p, size_t bytes) noexcept;

// A standard allocator that places allocations of at least kLargeBytes with AllocateLarge.
template <typename T>
struct LargeAllocator {
  using value_type = T;
  LargeAllocator() noexcept = default;
  template <typename U>
  LargeAllocator(const LargeAllocator<U>&) noexcept {}  // NOLINT: rebinding is implicit

  T* allocate(size_t n) {
    if (n > static_cast<size_t>(-1) / sizeof(T)) throw std::bad_array_new_length();
    const size_t bytes = n * sizeof(T);
    if (bytes >= kLargeBytes) return static_cast<T*>(AllocateLarge(bytes));
    static_assert(alignof(T) <= kHugePageBytes);
    if constexpr (alignof(T) > __STDCPP_DEFAULT_NEW_ALIGNMENT__) {  // e.g. cache-line records
      return static_cast<T*>(::operator new (bytes, std::align_val_t{alignof(T)}));
    }
    return static_cast<T*>(::operator new(bytes));
  }
  void deallocate(T* p, size_t n) noexcept {
    const size_t bytes = n * sizeof(T);
    if (bytes >= kLargeBytes) {
      FreeLarge(p, bytes);
    } else if constexpr (alignof(T) > __STDCPP_DEFAULT_NEW_ALIGNMENT__) {
      ::operator delete (p, std::align_val_t{alignof(T)});
    } else {
      ::operator delete(p);
    }
  }
  template <typename U>
  bool operator==(const LargeAllocator<U>&) const noexcept {
    return true;
  }
};

// A vector whose storage is a large allocation once it is large.
template <typename T>
using LargeVector = std::vector<T, LargeAllocator<T>>;

}  // namespace handoff::internal

#endif  // HANDOFF_SRC_INTERNAL_LARGE_ALLOC_H_
