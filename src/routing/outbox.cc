#include "src/routing/outbox.h"

#include <algorithm>
#include <string_view>

#include "src/internal/fast_hash.h"
#include "src/internal/strings.h"
#include "src/routing/message_json.h"

namespace handoff::internal {
namespace {

// The kind and the most specific id of the subject: that tells subjects apart but for a few
// (the same risk or project named from two accounts' sides), which FindLatest tells apart by
// comparing the whole subject.
uint64_t SubjectHash(const Message& m) {
  const std::string& id = !m.feedback.empty()    ? m.feedback
                          : !m.milestone.empty() ? m.milestone
                          : !m.risk.empty()      ? m.risk
                          : !m.project.empty()   ? m.project
                                                 : m.account;
  return HashBytes(id, HashBytes(m.kind, HashSeed()));
}

bool SameSubject(const Message& a, const Message& b) {
  return a.kind == b.kind && a.account == b.account && a.project == b.project &&
         a.milestone == b.milestone && a.feedback == b.feedback && a.risk == b.risk;
}

// The content: everything but seq, at, due and the subject.
bool SameContent(const Message& a, const Message& b) {
  return a.clock == b.clock && a.fields == b.fields;
}

}  // namespace

Outbox::Outbox(std::vector<std::string> people, MessagePool* pool)
    : people_(std::move(people)), pool_(pool), inboxes_(people_.size()) {}

void Outbox::SetDigest(uint32_t person, int64_t window_seconds) {
  inboxes_[person].digest_window = window_seconds;
  auto at = std::lower_bound(digest_people_.begin(), digest_people_.end(), person,
                             [&](uint32_t a, uint32_t b) { return people_[a] < people_[b]; });
  if (at == digest_people_.end() || *at != person) digest_people_.insert(at, person);
}

Outbox::Latest* Outbox::FindIn(LatestChain& chain, const Message& m) {
  for (Latest& l : chain) {
    if (SameSubject(*l.message, m)) return &l;
  }
  return nullptr;
}

Outbox::Latest* Outbox::FindLatest(Inbox& inbox, const Message& m, uint64_t hash) {
  auto it = inbox.latest.find(hash);
  return it == inbox.latest.end() ? nullptr : FindIn(it->second, m);
}

void Outbox::Deliver(Inbox& inbox, std::shared_ptr<Message> m, DeliveredList* delivered) {
  m->seq = ++seq_;
  inbox.last_delivered = seq_;
  if (delivered != nullptr) delivered->push_back(m);
  inbox.unacked.push_back(std::move(m));
}

void Outbox::UpdateNextDigest() {
  next_digest_.reset();
  for (uint32_t person : digest_people_) {
    const Inbox& inbox = inboxes_[person];
    if (inbox.digest_due && (!next_digest_ || *inbox.digest_due < *next_digest_)) {
      next_digest_ = inbox.digest_due;
    }
  }
}

void Outbox::Route(uint32_t to, std::shared_ptr<Message> m, bool sla, DeliveredList* delivered) {
  Inbox& inbox = inboxes_[to];
  if (sla) {
    Deliver(inbox, std::move(m), delivered);
    return;
  }
  // One probe of the latest notices: a new subject's chain is made here, empty (the message,
  // held or delivered, then joins it; an empty chain is dropped at the next Ack).
  LatestChain& chain = inbox.latest[SubjectHash(*m)];
  Latest* latest = FindIn(chain, *m);
  if (latest != nullptr && SameContent(*latest->message, *m)) return;  // says nothing new
  if (inbox.digest_window > 0) {
    if (!inbox.digest_due) {
      inbox.digest_due = Instant{m->at.seconds + inbox.digest_window};
      if (!next_digest_ || *inbox.digest_due < *next_digest_) next_digest_ = inbox.digest_due;
    }
    MessagePtr held = std::move(m);
    if (latest != nullptr) {
      *latest = Latest{held, 0};
    } else {
      chain.push_back(Latest{held, 0});
    }
    inbox.held.push_back(std::move(held));
    return;
  }
  const uint64_t seq = seq_ + 1;
  Deliver(inbox, std::move(m), delivered);
  if (latest != nullptr) {
    *latest = Latest{inbox.unacked.back(), seq};
  } else {
    chain.push_back(Latest{inbox.unacked.back(), seq});
  }
}

void Outbox::FireDigests(Instant t, const TimeZone& zone, DeliveredList* delivered) {
  // Few people use digests; a linear pass per digest keeps this simple.
  for (;;) {
    uint32_t best = 0;
    bool found = false;
    for (uint32_t person : digest_people_) {
      const Inbox& inbox = inboxes_[person];
      if (inbox.digest_due && *inbox.digest_due <= t &&
          (!found || *inbox.digest_due < *inboxes_[best].digest_due)) {
        best = person;
        found = true;
      }
    }
    if (!found) return;
    Inbox& inbox = inboxes_[best];
    auto digest = pool_ != nullptr ? pool_->New() : std::make_shared<Message>();
    digest->at = *inbox.digest_due;
    digest->to = PersonId(people_[best]);
    digest->kind = "digest";
    std::string items = "[";
    items.reserve(256 * inbox.held.size() + 2);  // one allocation for a typical digest
    std::string account = inbox.held.empty() ? "" : inbox.held.front()->account;
    for (size_t i = 0; i < inbox.held.size(); ++i) {
      const Message& item = *inbox.held[i];
      if (item.account != account) account.clear();
      if (i > 0) items += ',';
      AppendMessageJson(&items, item, zone);  // seq 0: held items have no seq of their own
    }
    items += ']';
    digest->account = account;
    digest->fields.emplace_back("count", std::to_string(inbox.held.size()));
    digest->fields.emplace_back("items", std::move(items));
    Deliver(inbox, std::move(digest), delivered);
    // The held notices stay the latest (for dedup) until the digest is acknowledged.
    for (const MessagePtr& h : inbox.held) {
      Latest* latest = FindLatest(inbox, *h, SubjectHash(*h));
      if (latest != nullptr && latest->seq == 0) latest->seq = seq_;
    }
    inbox.held.clear();
    inbox.digest_due.reset();
    UpdateNextDigest();
  }
}

std::vector<Message> Outbox::Pending(uint32_t person) const {
  std::vector<Message> out;
  const Inbox& inbox = inboxes_[person];
  out.reserve(inbox.unacked.size());
  for (const MessagePtr& m : inbox.unacked) out.push_back(*m);
  return out;
}

absl::Status Outbox::Ack(uint32_t person, uint64_t seq) {
  Inbox& inbox = inboxes_[person];
  if (seq > inbox.last_delivered) {
    return absl::OutOfRangeError(Cat("person \"", people_[person], "\": cannot acknowledge seq ",
                                     seq, ": the last message delivered to them is ",
                                     inbox.last_delivered));
  }
  while (!inbox.unacked.empty() && inbox.unacked.front()->seq <= seq) inbox.unacked.pop_front();
  // Acknowledged notices no longer suppress a repeat.
  for (auto it = inbox.latest.begin(); it != inbox.latest.end();) {
    auto& chain = it->second;
    chain.erase(std::remove_if(chain.begin(), chain.end(),
                               [seq](const Latest& l) { return l.seq != 0 && l.seq <= seq; }),
                chain.end());
    if (chain.empty()) {
      inbox.latest.erase(it++);
    } else {
      ++it;
    }
  }
  return absl::OkStatus();
}

}  // namespace handoff::internal
