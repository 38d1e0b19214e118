// Private: a thread-safe pool of routed messages that reuses whole messages, not just their
// memory. A message released by its last owner (an acknowledgement, or the end of a command's
// delivery to the sinks) is emptied and kept with its strings' buffers, so the next message
// assigns its kind, ids and clock into buffers it already has: a kind longer than the 15
// characters a std::string holds inline (`feedback_state_changed`, `forecast_changed`, ...)
// no longer costs a heap allocation and a free per message, nor does constructing and
// destroying the ~600-byte Message. The heap buffers of its fields' names and values are kept
// too, beside the message in its slot (up to kSpareStrings of them, each up to kSpareBytes): a
// message built as a MessageDraft takes them for its long field names and values (a feedback's
// text, `"waiting_on_customer"`, `baseline_slip_days`), so those cost no allocation either,
// while short ones are built inline as before. A message's shared_ptr control block lives in
// the message's slot, just before it: handing a message out allocates nothing.
//
// Slots are allocated 256 at a time. Lifetime: the pool must outlive every message it handed
// out (a workspace declares it before its outbox). Memory returns to the system when the pool
// is destroyed; until then it keeps its high-water mark of messages, and each free slot at most
// kSpareStrings * kSpareBytes of field buffers.
#ifndef HANDOFF_SRC_ROUTING_MESSAGE_POOL_H_
#define HANDOFF_SRC_ROUTING_MESSAGE_POOL_H_

#include <charconv>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>
#include <new>
#include <string>
#include <string_view>
#include <tuple>
#include <utility>
#include <vector>

#include "absl/container/inlined_vector.h"
#include "handoff/message.h"
#include "src/internal/json_text.h"
#include "src/internal/spin_lock.h"

namespace handoff::internal {

// How many heap buffers of its fields' strings a free pool slot keeps.
inline constexpr size_t kKeptFieldBuffers = 6;
// The characters a std::string holds inline, without a heap buffer (libstdc++'s; with another
// library only how far the reuse reaches changes).
inline constexpr size_t kInlineChars = 15;
// Strings with a heap buffer, emptied, kept for a message's fields to reuse (see MessagePool).
using SpareStrings = absl::InlinedVector<std::string, kKeptFieldBuffers>;

// A message being built by the routing code, which holds its only reference until it routes
// it. A field name or value too long for a std::string's 15 inline characters takes a heap
// buffer its pool slot kept from an earlier message, where one is large enough, instead of
// allocating.
// Null when default-constructed (no message).
class MessageDraft {
 public:
  MessageDraft() = default;
  MessageDraft(std::shared_ptr<Message> message, SpareStrings* spare)
      : message_(std::move(message)), spare_(spare) {}

  explicit operator bool() const { return message_ != nullptr; }
  Message* operator->() const { return message_.get(); }
  Message& operator*() const { return *message_; }

  // A field whose value is the JSON text `json`.
  void AddField(std::string_view name, std::string_view json) {
    if (json.size() <= kInlineChars) {
      Add(name, json);
    } else {
      Add(name, Copy(json));
    }
  }
  // A field whose value is the JSON text `json`, moved in.
  void MoveField(std::string_view name, std::string&& json) { Add(name, std::move(json)); }
  // A field whose value is `text` as a JSON string.
  void AddString(std::string_view name, std::string_view text) {
    std::string value = Take(text.size() + 2);
    AppendJsonString(&value, text);
    Add(name, std::move(value));
  }
  // A field whose value is the integer `value`.
  void AddInt(std::string_view name, int64_t value) {
    char digits[24];
    const std::to_chars_result end = std::to_chars(digits, digits + sizeof digits, value);
    Add(name, std::string_view(digits, static_cast<size_t>(end.ptr - digits)));
  }

  // The message, to route; the draft is empty after.
  std::shared_ptr<Message> Release() && {
    spare_ = nullptr;
    return std::move(message_);
  }

 private:
  // An empty string with a kept buffer of at least `size` bytes, when the slot has one; else
  // an empty inline string.
  std::string Take(size_t size) {
    if (size <= kInlineChars || spare_ == nullptr) return std::string();
    for (size_t i = spare_->size(); i-- > 0;) {
      std::string& s = (*spare_)[i];
      if (s.capacity() < size) continue;
      std::string out = std::move(s);
      if (i + 1 != spare_->size()) s = std::move(spare_->back());
      spare_->pop_back();
      return out;
    }
    return std::string();
  }
  // `text`, in a kept buffer when it needs a buffer and there is one.
  std::string Copy(std::string_view text) {
    std::string s = Take(text.size());
    if (s.capacity() < text.size()) return std::string(text);
    s.append(text);  // a kept string is empty
    return s;
  }
  // Short names and values are constructed in place, as most are.
  template <typename Value>
  void Add(std::string_view name, Value&& value) {
    if (name.size() <= kInlineChars) {
      message_->fields.emplace_back(std::piecewise_construct, std::forward_as_tuple(name),
                                    std::forward_as_tuple(std::forward<Value>(value)));
    } else {
      message_->fields.emplace_back(std::piecewise_construct, std::forward_as_tuple(Copy(name)),
                                    std::forward_as_tuple(std::forward<Value>(value)));
    }
  }

  std::shared_ptr<Message> message_;
  SpareStrings* spare_ = nullptr;  // its slot's kept strings; null for a message from the heap
};

class MessagePool {
 public:
  MessagePool() = default;
  MessagePool(const MessagePool&) = delete;
  MessagePool& operator=(const MessagePool&) = delete;
  ~MessagePool() = default;  // the chunks destroy every slot

  // A free slot keeps at most this many of its fields' heap buffers, each of at most this many
  // bytes (longer ones are freed on release).
  static constexpr size_t kSpareStrings = kKeptFieldBuffers;
  static constexpr size_t kSpareBytes = 256;

  // A message whose members are all empty, zero or unset, as a value-initialized Message.
  std::shared_ptr<Message> New() { return NewDraft().Release(); }

  // The same, as a draft whose fields reuse the slot's kept strings.
  MessageDraft NewDraft() {
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
    return MessageDraft(
        std::shared_ptr<Message>(&slot->message, Clear{slot}, SlotAllocator<Message>(slot, this)),
        &slot->spare);
  }

 private:
  static constexpr size_t kControlBytes = 64;
  static constexpr size_t kSlotsPerChunk = 256;
  // A message and, just before it, the room for its shared_ptr control block; after it, the
  // emptied heap buffers of its earlier messages' fields (what the next one's long fields take).
  struct Slot {
    alignas(std::max_align_t) unsigned char control[kControlBytes];
    Message message;
    SpareStrings spare;  // at most kSpareStrings (held inline: never allocates)
  };
  // The shared_ptr's deleter: empties the message, keeping its strings' buffers (clear() does not
  // free them) and, in the slot, its fields' heap buffers (up to kSpareStrings, none over
  // kSpareBytes); the slot returns to the pool when the control block is deallocated, last.
  struct Clear {
    Slot* slot;
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
      SpareStrings& spare = slot->spare;
      auto keep = [&](std::string& s) {
        const size_t capacity = s.capacity();
        if (capacity <= kInlineChars || capacity > kSpareBytes) return;
        if (spare.size() == kSpareStrings) return;
        s.clear();
        spare.push_back(std::move(s));
      };
      for (auto& [name, value] : m->fields) {
        keep(value);
        keep(name);
      }
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
