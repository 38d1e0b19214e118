#include "src/internal/large_alloc.h"

#include <sys/mman.h>

#include <new>

namespace handoff::internal {

void* AllocateLarge(size_t bytes) {
  void* p = ::operator new (bytes, std::align_val_t{kHugePageBytes});
  // The whole huge pages of the allocation; a hint the kernel may ignore (THP disabled).
  const size_t advised = bytes & ~(kHugePageBytes - 1);
  if (advised > 0) madvise(p, advised, MADV_HUGEPAGE);
  return p;
}

void FreeLarge(void* p, size_t) noexcept {
  ::operator delete (p, std::align_val_t{kHugePageBytes});
}

}  // namespace handoff::internal
