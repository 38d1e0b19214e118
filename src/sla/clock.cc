#include "src/sla/clock.h"

#include <algorithm>

namespace handoff::internal {

std::optional<int64_t> TargetSeconds(const SlaPolicy& policy, SlaClockKind clock) {
  const std::optional<int32_t>& minutes = clock == SlaClockKind::kFirstResponse
                                              ? policy.first_response_minutes
                                              : policy.resolution_minutes;
  if (!minutes) return std::nullopt;
  return static_cast<int64_t>(*minutes) * 60;
}

std::vector<Threshold> Thresholds(const SlaPolicy& policy, SlaClockKind clock) {
  std::vector<Threshold> out;
  std::optional<int64_t> target = TargetSeconds(policy, clock);
  if (!target) return out;
  out.push_back({ThresholdKind::kWarning, 0, *target * policy.warn_at_percent / 100});
  out.push_back({ThresholdKind::kBreach, 0, *target});
  for (size_t k = 0; k < policy.escalation.size(); ++k) {
    out.push_back({ThresholdKind::kEscalation, static_cast<uint16_t>(k),
                   *target + 60 * static_cast<int64_t>(policy.escalation[k].after_minutes)});
  }
  return out;
}

int64_t SlaClock::OpenPosition(const BusinessTime& bt) const {
  if (open_position_ == kNoPosition) open_position_ = bt.Position(open_start_);
  return open_position_;
}

int64_t SlaClock::OpenElapsed(Instant t, const BusinessTime& bt) const {
  if (!bt.linear()) return bt.Elapsed(open_start_, t);
  return std::max<int64_t>(0, bt.Position(t) - OpenPosition(bt));
}

Instant SlaClock::OpenAdd(int64_t seconds, const BusinessTime& bt) const {
  if (!bt.linear()) return bt.Add(open_start_, seconds);
  return bt.AddFrom(open_start_, OpenPosition(bt), seconds);
}

void SlaClock::Halt(Instant t, ClockState next, const BusinessTime& bt) {
  if (state_ == ClockState::kRunning) {
    used_closed_ += OpenElapsed(t, bt);
    closed_.emplace_back(open_start_, t);
  }
  state_ = next;
}

void SlaClock::Run(Instant t) {
  if (state_ == ClockState::kRunning) return;
  state_ = ClockState::kRunning;
  open_start_ = t;
  open_position_ = kNoPosition;
}

int64_t SlaClock::Used(Instant t, const BusinessTime& bt) const {
  if (state_ != ClockState::kRunning) return used_closed_;
  return used_closed_ + OpenElapsed(t, bt);
}

std::optional<Instant> SlaClock::InstantAtUsed(int64_t x, const BusinessTime& bt) const {
  // The closed segments add up to used_closed_: a later threshold is reached while running.
  if (x <= used_closed_) {
    int64_t acc = 0;
    for (const auto& [start, end] : closed_) {
      int64_t run = bt.Elapsed(start, end);
      if (x <= acc + run && (x > acc || acc == 0)) return bt.Add(start, x - acc);
      acc += run;
    }
  }
  if (state_ == ClockState::kRunning && x >= used_closed_) {
    const Instant at = OpenAdd(x - used_closed_, bt);
    if (at < kEndOfTime) return at;  // else business time runs out before 9999: never
  }
  return std::nullopt;
}

bool SlaClock::Fired(const Threshold& th) const {
  switch (th.kind) {
    case ThresholdKind::kWarning:
      return warned_;
    case ThresholdKind::kBreach:
      return breached_;
    case ThresholdKind::kEscalation:
      if (th.level < 64) return (escalated_ >> th.level) & 1u;
      return th.level - 64u < escalated_beyond_.size() && escalated_beyond_[th.level - 64u];
  }
  return false;
}

void SlaClock::MarkFired(const Threshold& th) {
  switch (th.kind) {
    case ThresholdKind::kWarning:
      warned_ = true;
      break;
    case ThresholdKind::kBreach:
      breached_ = true;
      break;
    case ThresholdKind::kEscalation:
      if (th.level < 64) {
        escalated_ |= uint64_t{1} << th.level;
      } else {
        if (escalated_beyond_.size() <= th.level - 64u) escalated_beyond_.resize(th.level - 63u);
        escalated_beyond_[th.level - 64u] = true;
      }
      break;
  }
}

}  // namespace handoff::internal
