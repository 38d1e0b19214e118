// Private: a thread-safe pool of equal-size memory blocks, under the message pool
// (src/routing/message_pool.h: a block holds a message and its shared_ptr control block). A
// workspace routes up to hundreds of thousands of messages in one tick and frees them as they
// are acknowledged; reusing blocks from a free list is several times cheaper than the
// general-purpose heap. Memory returns to the system when the pool is destroyed (it keeps its
// high-water mark until then).
#ifndef HANDOFF_SRC_ROUTING_BLOCK_POOL_H_
#define HANDOFF_SRC_ROUTING_BLOCK_POOL_H_

#include <atomic>
#include <cstddef>
#include <memory>
#include <mutex>
#include <new>
#include <thread>
#include <vector>

namespace handoff::internal {

// A lock for the pool's short critical sections (pop or push a free block; a new chunk once
// every 256 blocks): one atomic exchange to take and a store to release, where std::mutex costs
// two calls into pthreads (~60 instructions a pair, and a message takes two pairs: its block and
// its release). A waiter spins briefly, then yields, so a holder preempted by the scheduler is
// not spun against for a whole time slice.
class SpinLock {
 public:
  void lock() {
    while (locked_.exchange(true, std::memory_order_acquire)) {
      for (int spins = 0; locked_.load(std::memory_order_relaxed); ++spins) {
        if (spins < 64) {
#if defined(__x86_64__) || defined(__i386__)
          __builtin_ia32_pause();
#endif
        } else {
          std::this_thread::yield();
        }
      }
    }
  }
  void unlock() { locked_.store(false, std::memory_order_release); }

 private:
  std::atomic<bool> locked_{false};
};

class BlockPool {
 public:
  BlockPool() = default;
  BlockPool(const BlockPool&) = delete;
  BlockPool& operator=(const BlockPool&) = delete;

  // A block of `bytes` bytes. The first call fixes the pool's block size; other sizes come from
  // the global heap (Deallocate tells them apart by size too).
  void* Allocate(size_t bytes) {
    {
      std::lock_guard<SpinLock> lock(mu_);
      if (block_ == 0) block_ = Round(bytes);
      if (Round(bytes) == block_) {
        if (free_ != nullptr) {
          FreeBlock* b = free_;
          free_ = b->next;
          if (free_ != nullptr) PrefetchForWrite(free_);
          return b;
        }
        if (bump_ == end_) {
          // Not value-initialized: the blocks are written before they are read.
          chunks_.emplace_back(new std::byte[block_ * kBlocksPerChunk]);
          bump_ = chunks_.back().get();
          end_ = bump_ + block_ * kBlocksPerChunk;
        }
        void* p = bump_;
        bump_ += block_;
        if (bump_ != end_) PrefetchForWrite(bump_);
        return p;
      }
    }
    return ::operator new(bytes);
  }
  void Deallocate(void* p, size_t bytes) {
    {
      std::lock_guard<SpinLock> lock(mu_);
      if (Round(bytes) == block_) {
        free_ = new (p) FreeBlock{free_};
        return;
      }
    }
    ::operator delete(p);
  }

 private:
  static constexpr size_t kBlocksPerChunk = 256;
  static constexpr size_t kAlign = alignof(std::max_align_t);
  static size_t Round(size_t bytes) { return (bytes + kAlign - 1) / kAlign * kAlign; }
  // Asks for the next block's cache lines ahead of its use: a message block is written whole
  // right after it is allocated, and a fresh or long-freed one is cold (each line a miss).
  void PrefetchForWrite(const void* block) const {
    const char* p = static_cast<const char*>(block);
    for (size_t off = 0; off < block_; off += 64) __builtin_prefetch(p + off, 1, 3);
  }
  struct FreeBlock {
    FreeBlock* next;
  };

  SpinLock mu_;
  size_t block_ = 0;
  FreeBlock* free_ = nullptr;
  std::byte* bump_ = nullptr;
  std::byte* end_ = nullptr;
  std::vector<std::unique_ptr<std::byte[]>> chunks_;
};

}  // namespace handoff::internal

#endif  // HANDOFF_SRC_ROUTING_BLOCK_POOL_H_
