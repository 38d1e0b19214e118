// Private: per-recipient ordered inboxes with at-least-once delivery, acknowledgement, dedup of
// identical unacknowledged notices, and optional digests.
#ifndef HANDOFF_SRC_ROUTING_OUTBOX_H_
#define HANDOFF_SRC_ROUTING_OUTBOX_H_

#include <cstdint>
#include <deque>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "handoff/message.h"

namespace handoff::internal {

class Outbox {
 public:
  // Holds `person`'s non-SLA messages and delivers them as one `digest` message
  // `window_seconds` after the first held one.
  void SetDigest(const std::string& person, int64_t window_seconds);

  // Routes `m` (its seq is assigned here). SLA messages (`sla` true) are never deduplicated or
  // held. Others are dropped when the person's latest notice of the same kind about the same
  // subject is identical and still unacknowledged (delivered or held): a repeat says nothing
  // new, while a notice that returns to an earlier content after a different one is delivered,
  // so the latest unacknowledged notice is always current. Non-SLA messages are held when the
  // person has a digest. Delivered messages are appended to `delivered` (when not null).
  void Route(Message m, bool sla, std::vector<Message>* delivered);

  // The instant of the earliest pending digest.
  std::optional<Instant> NextDigest() const;
  // Delivers every digest due at or before `t`, in (instant, person) order.
  void FireDigests(Instant t, const TimeZone& zone, std::vector<Message>* delivered);

  // Unacknowledged messages of `person`, in order.
  std::vector<Message> Pending(const std::string& person) const;
  // Acknowledges every message of `person` up to `seq` (cumulative, idempotent). OutOfRange
  // when `seq` is past the last message delivered to `person`.
  absl::Status Ack(const std::string& person, uint64_t seq);

  uint64_t last_seq() const { return seq_; }

 private:
  struct Entry {
    Message message;
    std::string subject;  // kind and subject; empty for SLA messages
  };
  // The latest notice per (kind, subject): its content and the seq that carries it (the
  // digest's seq for a held one; 0 while held).
  struct Latest {
    std::string content;
    uint64_t seq = 0;
  };
  struct Inbox {
    std::deque<Entry> unacked;
    uint64_t last_delivered = 0;
    absl::flat_hash_map<std::string, Latest> latest;
    std::vector<Entry> held;
    std::optional<Instant> digest_due;
    int64_t digest_window = 0;  // 0: no digest
  };
  void Deliver(Inbox& inbox, Entry entry, std::vector<Message>* delivered);

  uint64_t seq_ = 0;
  int pending_digests_ = 0;               // inboxes with a digest due
  std::map<std::string, Inbox> inboxes_;  // ordered by person id: digests fire in that order
};

}  // namespace handoff::internal

#endif  // HANDOFF_SRC_ROUTING_OUTBOX_H_
