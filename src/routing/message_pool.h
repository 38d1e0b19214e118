// Private: a thread-safe pool of routed messages that reuses whole messages, not just their
// memory. A message released by its last owner (an acknowledgement, or the end of a command's
// delivery to the sinks) is emptied and kept with its strings' buffers, so the next message
// assigns its kind, ids and clock into buffers it already has: a kind longer than the 15
// characters a std::string holds inline (`feedback_state_changed`, `forecast_changed`, ...)
// no longer costs a heap allocation and a free per message, nor does constructing and
// destroying the ~600-byte Message. The fields' strings are freed on release (their values are
// built as new strings by the routing code anyway). A message's shared_ptr control block lives
// in the message's slot, just before it: handing a message out allocates nothing.
//
// Slots are allocated 256 at a time. Lifetime: the pool must outlive every message it handed
// out (a workspace declares it before its outbox). Memory returns to the system when the pool
// is destroyed; until then it keeps its high-water mark of messages.
#ifndef HANDOFF_SRC_ROUTING_MESSAGE_POOL_H_
#define HANDOFF_SRC_ROUTING_MESSAGE_POOL_H_

#include <cstddef>
#include <memory>
#include <mutex>
#include <new>
#include <vector>

#include "handoff/message.h"
#include "src/internal/spin_lock.h"

namespace handoff::internal {

class MessagePool {
 public:
  MessagePool() = default;
  MessagePool(const MessagePool&) = delete;
  MessagePool& operator=(const MessagePool&) = delete;
  ~MessagePool() = default;  // the chunks destroy every slot

  // A message whose members are all empty, zero or unset, as a value-initialized Message.
  std::shared_ptr<Message> New() {
    Slot* slot = nullptr;
    {
      std::lock_guard<SpinLock> lock(mu_);
      if (!free_.empty()) {
        slot = free_.back();
        free_.pop_back();
        // The next one out is likely cold (released long ago, or by another thread): ask for
        // its lines now, while this one is written (a tick writes thousands in a row).
        if (!free_.empty()) PrefetchForWrite(free_.back());
      } else {
        if (fresh_ == kSlotsPerChunk) {  // once every 256 messages
          chunks_.push_back(std::make_unique<Slot[]>(kSlotsPerChunk));
          fresh_ = 0;
        }
        slot = &chunks_.back()[fresh_++];
      }
    }
    // The control block goes in the slot, beside the message (no allocation, cannot throw).
    return std::shared_ptr<Message>(&slot->message, Clear{}, SlotAllocator<Message>(slot, this));
  }

 private:
  static constexpr size_t kControlBytes = 64;
  static constexpr size_t kSlotsPerChunk = 256;
  // A message and, just before it, the room for its shared_ptr control block.
  struct Slot {
    alignas(std::max_align_t) unsigned char control[kControlBytes];
    Message message;
  };
  // The shared_ptr's deleter: empties the message, keeping its strings' buffers (clear() does not
  // free them); the slot returns to the pool when the control block is deallocated, last.
  struct Clear {
    void operator()(Message* m) const noexcept {
      m->seq = 0;
      m->at = Instant{};
      m->to = PersonId();
      m->kind.clear();
      m->account.clear();
      m->project.clear();
      m->milestone.clear();
      m->feedback.clear();
      m->risk.clear();
      m->clock.clear();
      m->due.reset();
      m->fields.clear();
    }
  };
  // Places the control block in its slot's room; deallocating it returns the slot to the pool.
  template <typename T>
  class SlotAllocator {
   public:
    using value_type = T;
    SlotAllocator(Slot* slot, MessagePool* pool) : slot_(slot), pool_(pool) {}
    template <typename U>
    SlotAllocator(const SlotAllocator<U>& other)  // NOLINT: rebinding is implicit
        : slot_(other.slot_), pool_(other.pool_) {}
    T* allocate(size_t n) {
      static_assert(sizeof(T) <= kControlBytes && alignof(T) <= alignof(std::max_align_t));
      if (n != 1) throw std::bad_alloc();  // shared_ptr asks for one control block
      return reinterpret_cast<T*>(slot_->control);
    }
    void deallocate(T*, size_t) noexcept { pool_->Keep(slot_); }
    template <typename U>
    bool operator==(const SlotAllocator<U>& other) const {
      return slot_ == other.slot_;
    }

   private:
    template <typename U>
    friend class SlotAllocator;
    Slot* slot_;
    MessagePool* pool_;
  };

  static void PrefetchForWrite(const Slot* slot) {
    const char* p = reinterpret_cast<const char*>(slot);
    for (size_t off = 0; off < sizeof(Slot); off += 64) __builtin_prefetch(p + off, 1, 3);
  }
  void Keep(Slot* slot) noexcept {
    std::lock_guard<SpinLock> lock(mu_);
    try {
      free_.push_back(slot);
    } catch (...) {  // no room to keep it: it stays unused in its chunk
    }
  }

  SpinLock mu_;  // guards the members below
  // Slots of released messages, emptied; the latest released last.
  std::vector<Slot*> free_;
  std::vector<std::unique_ptr<Slot[]>> chunks_;  // every slot, constructed
  size_t fresh_ = kSlotsPerChunk;                // the next never-used slot of the last chunk
};

}  // namespace handoff::internal

#endif  // HANDOFF_SRC_ROUTING_MESSAGE_POOL_H_
