#include "src/routing/outbox.h"

#include <algorithm>

#include "src/internal/strings.h"

namespace handoff::internal {
namespace {

// Kind and subject (the recipient is the inbox).
std::string Subject(const Message& m) {
  return Cat(m.kind, '\x1f', m.account, '\x1f', m.project, '\x1f', m.milestone, '\x1f', m.feedback,
             '\x1f', m.risk);
}

// The content: everything but seq, at and the subject.
std::string Content(const Message& m) {
  std::string content = m.clock;
  for (const auto& [name, value] : m.fields) Append(&content, '\x1f', name, '=', value);
  return content;
}

}  // namespace

void Outbox::SetDigest(const std::string& person, int64_t window_seconds) {
  inboxes_[person].digest_window = window_seconds;
}

void Outbox::Deliver(Inbox& inbox, Entry entry, std::vector<Message>* delivered) {
  entry.message.seq = ++seq_;
  inbox.last_delivered = seq_;
  if (!entry.subject.empty()) inbox.latest[entry.subject].seq = seq_;
  if (delivered != nullptr) delivered->push_back(entry.message);
  inbox.unacked.push_back(std::move(entry));
}

void Outbox::Route(Message m, bool sla, std::vector<Message>* delivered) {
  Inbox& inbox = inboxes_[m.to.value()];
  Entry entry{std::move(m), std::string()};
  if (!sla) {
    entry.subject = Subject(entry.message);
    std::string content = Content(entry.message);
    auto [it, fresh] = inbox.latest.try_emplace(entry.subject);
    if (!fresh && it->second.content == content) return;  // says nothing new
    it->second = Latest{std::move(content), 0};
    if (inbox.digest_window > 0) {
      if (!inbox.digest_due) {
        inbox.digest_due = Instant{entry.message.at.seconds + inbox.digest_window};
        ++pending_digests_;
      }
      inbox.held.push_back(std::move(entry));
      return;
    }
  }
  Deliver(inbox, std::move(entry), delivered);
}

std::optional<Instant> Outbox::NextDigest() const {
  std::optional<Instant> next;
  if (pending_digests_ == 0) return next;
  for (const auto& [person, inbox] : inboxes_) {
    if (inbox.digest_due && (!next || *inbox.digest_due < *next)) next = inbox.digest_due;
  }
  return next;
}

void Outbox::FireDigests(Instant t, const TimeZone& zone, std::vector<Message>* delivered) {
  // Few people use digests; a linear pass per call keeps this simple.
  while (pending_digests_ > 0) {
    Inbox* best = nullptr;
    const std::string* who = nullptr;
    for (auto& [person, inbox] : inboxes_) {
      if (inbox.digest_due && *inbox.digest_due <= t &&
          (best == nullptr || *inbox.digest_due < *best->digest_due)) {
        best = &inbox;
        who = &person;
      }
    }
    if (best == nullptr) return;
    Message digest;
    digest.at = *best->digest_due;
    digest.to = PersonId(*who);
    digest.kind = "digest";
    std::string items = "[";
    std::string account = best->held.empty() ? "" : best->held.front().message.account;
    for (size_t i = 0; i < best->held.size(); ++i) {
      Message item = best->held[i].message;
      if (item.account != account) account.clear();
      if (i > 0) items += ',';
      items += MessageToJson(item, zone);  // seq 0: held items have no seq of their own
    }
    items += ']';
    digest.account = account;
    digest.fields.emplace_back("count", std::to_string(best->held.size()));
    digest.fields.emplace_back("items", std::move(items));
    // The held notices stay the latest (for dedup) until the digest is acknowledged.
    Entry entry{std::move(digest), std::string()};
    Deliver(*best, std::move(entry), delivered);
    for (const Entry& h : best->held) {
      auto it = best->latest.find(h.subject);
      if (it != best->latest.end() && it->second.seq == 0) it->second.seq = seq_;
    }
    best->held.clear();
    best->digest_due.reset();
    --pending_digests_;
  }
}

std::vector<Message> Outbox::Pending(const std::string& person) const {
  std::vector<Message> out;
  auto it = inboxes_.find(person);
  if (it == inboxes_.end()) return out;
  out.reserve(it->second.unacked.size());
  for (const Entry& e : it->second.unacked) out.push_back(e.message);
  return out;
}

absl::Status Outbox::Ack(const std::string& person, uint64_t seq) {
  auto it = inboxes_.find(person);
  uint64_t last = it == inboxes_.end() ? 0 : it->second.last_delivered;
  if (seq > last) {
    return absl::OutOfRangeError(Cat("person \"", person, "\": cannot acknowledge seq ", seq,
                                     ": the last message delivered to them is ", last));
  }
  if (it == inboxes_.end()) return absl::OkStatus();
  Inbox& inbox = it->second;
  while (!inbox.unacked.empty() && inbox.unacked.front().message.seq <= seq) {
    inbox.unacked.pop_front();
  }
  // Acknowledged notices no longer suppress a repeat.
  absl::erase_if(inbox.latest,
                 [seq](const auto& kv) { return kv.second.seq != 0 && kv.second.seq <= seq; });
  return absl::OkStatus();
}

}  // namespace handoff::internal
