// Private: per-recipient ordered inboxes with at-least-once delivery, acknowledgement, dedup of
// identical unacknowledged notices, and optional digests. Recipients are person ordinals; each
// message is stored once (shared with the list of delivered messages handed to the sinks).
#ifndef HANDOFF_SRC_ROUTING_OUTBOX_H_
#define HANDOFF_SRC_ROUTING_OUTBOX_H_

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/container/inlined_vector.h"
#include "absl/status/status.h"
#include "handoff/message.h"
#include "src/routing/message_pool.h"

namespace handoff::internal {

using MessagePtr = std::shared_ptr<const Message>;
// The messages one command delivered, for the sinks (most deliver a few).
using DeliveredList = absl::InlinedVector<MessagePtr, 4>;

// The unacknowledged messages of one inbox, oldest first: a vector consumed from the front and
// compacted once half of it is consumed, so an inbox allocates only when it grows past its
// largest size so far (a std::deque allocated a node per 32 messages).
class MessageQueue {
 public:
  bool empty() const { return head_ == items_.size(); }
  size_t size() const { return items_.size() - head_; }
  const MessagePtr& front() const { return items_[head_]; }
  const MessagePtr& back() const { return items_.back(); }
  std::vector<MessagePtr>::const_iterator begin() const {
    return items_.begin() + static_cast<std::ptrdiff_t>(head_);
  }
  std::vector<MessagePtr>::const_iterator end() const { return items_.end(); }
  void push_back(MessagePtr m) { items_.push_back(std::move(m)); }
  void pop_front() {
    items_[head_++].reset();
    if (head_ == items_.size()) {
      items_.clear();
      head_ = 0;
    } else if (head_ >= 64 && 2 * head_ >= items_.size()) {
      items_.erase(items_.begin(), items_.begin() + static_cast<std::ptrdiff_t>(head_));
      head_ = 0;
    }
  }

 private:
  std::vector<MessagePtr> items_;
  size_t head_ = 0;  // the first unacknowledged
};

class Outbox {
 public:
  // `people` person ids by ordinal (their byte order orders digests of the same instant).
  // Digest messages come from `pool` (null: the global heap).
  explicit Outbox(std::vector<std::string> people = {}, MessagePool* pool = nullptr);

  // Holds `person`'s non-SLA messages and delivers them as one `digest` message
  // `window_seconds` after the first held one.
  void SetDigest(uint32_t person, int64_t window_seconds);

  // Routes `m` to person `to` (m.to must name them; its seq is assigned here). SLA messages
  // (`sla` true) are never deduplicated or held. Others are dropped when the person's latest
  // notice of the same kind about the same subject is identical and still unacknowledged
  // (delivered or held): a repeat says nothing new, while a notice that returns to an earlier
  // content after a different one is delivered, so the latest unacknowledged notice is always
  // current. Non-SLA messages are held when the person has a digest. Delivered messages are
  // appended to `delivered` (when not null).
  void Route(uint32_t to, std::shared_ptr<Message> m, bool sla, DeliveredList* delivered);

  // The instant of the earliest pending digest.
  std::optional<Instant> NextDigest() const { return next_digest_; }
  // Delivers every digest due at or before `t`, in (instant, person id) order.
  void FireDigests(Instant t, const TimeZone& zone, DeliveredList* delivered);

  // Unacknowledged messages of `person`, in order.
  std::vector<Message> Pending(uint32_t person) const;
  // Acknowledges every message of `person` up to `seq` (cumulative, idempotent). OutOfRange
  // when `seq` is past the last message delivered to `person`.
  absl::Status Ack(uint32_t person, uint64_t seq);

  uint64_t last_seq() const { return seq_; }

 private:
  // The latest notice about one subject (kind, account, project, milestone, feedback, risk)
  // and the seq that carries it (the digest's seq for a held one; 0 while held).
  struct Latest {
    MessagePtr message;
    uint64_t seq = 0;
  };
  // The latest notices whose subjects share a hash (rarely more than one).
  using LatestChain = absl::InlinedVector<Latest, 1>;
  struct Inbox {
    MessageQueue unacked;
    uint64_t last_delivered = 0;
    // By a hash of the subject; a chain resolves (rare) collisions.
    absl::flat_hash_map<uint64_t, LatestChain> latest;
    DeliveredList held;
    std::optional<Instant> digest_due;
    int64_t digest_window = 0;  // 0: no digest
  };
  static Latest* FindIn(LatestChain& chain, const Message& m);  // the one about m's subject
  Latest* FindLatest(Inbox& inbox, const Message& m, uint64_t hash);
  void Deliver(Inbox& inbox, std::shared_ptr<Message> m, DeliveredList* delivered);
  void UpdateNextDigest();

  std::vector<std::string> people_;
  MessagePool* pool_ = nullptr;
  std::vector<Inbox> inboxes_;           // by person ordinal
  std::vector<uint32_t> digest_people_;  // people with a digest, by id
  uint64_t seq_ = 0;
  std::optional<Instant> next_digest_;  // the earliest digest_due
};

}  // namespace handoff::internal

#endif  // HANDOFF_SRC_ROUTING_OUTBOX_H_
