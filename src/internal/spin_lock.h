// Private: a lock for critical sections of a few instructions (the message pool's: pop or push
// a free slot). One atomic exchange to take and a store to release, where std::mutex costs two
// calls into pthreads (~60 instructions a pair, and a message takes two: its hand-out and its
// release). A waiter spins briefly, then yields, so a holder preempted by the scheduler is not
// spun against for a whole time slice.
#ifndef HANDOFF_SRC_INTERNAL_SPIN_LOCK_H_
#define HANDOFF_SRC_INTERNAL_SPIN_LOCK_H_

#include <atomic>
#include <thread>

namespace handoff::internal {

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

}  // namespace handoff::internal

#endif  // HANDOFF_SRC_INTERNAL_SPIN_LOCK_H_
