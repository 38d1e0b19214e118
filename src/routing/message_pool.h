// Private: a thread-safe pool of routed messages that reuses whole messages, not just their
// memory. A message released by its last owner (an acknowledgement, or the end of a command's
// delivery to the sinks) is emptied and kept with its strings' buffers, so the next message
// assigns its kind, ids and clock into buffers it already has: a kind longer than the 15
// characters a std::string holds inline (`feedback_state_changed`, `forecast_changed`, ...)
// no longer costs a heap allocation and a free per message, nor does constructing and
// destroying the ~600-byte Message. The fields' strings are freed on release (their values are
// built as new strings by the routing code anyway).
//
// Lifetime: the pool must outlive every message it handed out (a workspace declares it before
// its outbox). Memory returns to the system when the pool is destroyed; until then it keeps its
// high-water mark of messages, as the block pool under it keeps its blocks.
#ifndef HANDOFF_SRC_ROUTING_MESSAGE_POOL_H_
#define HANDOFF_SRC_ROUTING_MESSAGE_POOL_H_

#include <memory>
#include <mutex>
#include <new>
#include <vector>

#include "handoff/message.h"
#include "src/routing/block_pool.h"

namespace handoff::internal {

class MessagePool {
 public:
  MessagePool() = default;
  MessagePool(const MessagePool&) = delete;
  MessagePool& operator=(const MessagePool&) = delete;
  ~MessagePool() {
    for (Message* m : free_) m->~Message();  // their blocks go with `messages_`
  }

  // A message whose members are all empty, zero or unset, as a value-initialized Message.
  std::shared_ptr<Message> New() {
    Message* m = nullptr;
    {
      std::lock_guard<SpinLock> lock(mu_);
      if (!free_.empty()) {
        m = free_.back();
        free_.pop_back();
      }
    }
    if (m == nullptr) m = new (messages_.Allocate(sizeof(Message))) Message();
    // On a failed control-block allocation the deleter takes the message back.
    return std::shared_ptr<Message>(m, Release{this}, PoolAllocator<Message>(&control_blocks_));
  }

 private:
  // The deleter of the pool's shared_ptrs: empties the message and keeps it.
  struct Release {
    MessagePool* pool;
    void operator()(Message* m) const noexcept {
      Clear(*m);
      std::lock_guard<SpinLock> lock(pool->mu_);
      try {
        pool->free_.push_back(m);
      } catch (...) {  // no room to keep it: destroy it (its block stays with the pool)
        m->~Message();
      }
    }
  };
  // Back to the state of Message{}, keeping the strings' buffers (clear() does not free them).
  static void Clear(Message& m) noexcept {
    m.seq = 0;
    m.at = Instant{};
    m.to = PersonId();
    m.kind.clear();
    m.account.clear();
    m.project.clear();
    m.milestone.clear();
    m.feedback.clear();
    m.risk.clear();
    m.clock.clear();
    m.due.reset();
    m.fields.clear();
  }

  SpinLock mu_;                 // guards free_
  std::vector<Message*> free_;  // released messages, emptied; the latest released last
  BlockPool messages_;          // the messages' storage
  BlockPool control_blocks_;    // the shared_ptrs' control blocks
};

}  // namespace handoff::internal

#endif  // HANDOFF_SRC_ROUTING_MESSAGE_POOL_H_
