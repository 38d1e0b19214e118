// Private: one SLA clock of a feedback item (spec SLA.md "Clocks"): the business time it has
// run (its used time), over the segments during which it ran, and which of its thresholds have
// fired over its whole life.
#ifndef HANDOFF_SRC_SLA_CLOCK_H_
#define HANDOFF_SRC_SLA_CLOCK_H_

#include <cstdint>
#include <optional>
#include <utility>
#include <vector>

#include "absl/container/inlined_vector.h"
#include "handoff/business_time.h"
#include "handoff/instant.h"
#include "handoff/sla.h"

namespace handoff::internal {

enum class ClockState : uint8_t { kRunning = 0, kPaused = 1, kStopped = 2 };

// Threshold kinds, in firing order at one instant.
enum class ThresholdKind : uint8_t { kWarning = 0, kBreach = 1, kEscalation = 2 };

struct Threshold {
  ThresholdKind kind;
  uint16_t level;  // escalation level (position in the chain); 0 otherwise
  int64_t used;    // the used time at which it fires, in seconds
};

// The thresholds of `policy` for `clock`, in firing order; empty when that clock has no target.
std::vector<Threshold> Thresholds(const SlaPolicy& policy, SlaClockKind clock);
// The clock's target in seconds, if the policy sets one.
std::optional<int64_t> TargetSeconds(const SlaPolicy& policy, SlaClockKind clock);

class SlaClock {
 public:
  // Starts running at `t`.
  explicit SlaClock(Instant t) : open_start_(t) {}
  SlaClock() = default;  // running since the epoch; assign a started clock

  ClockState state() const { return state_; }
  // Ends the running segment at `t` and moves to `next` (paused or stopped). A paused clock
  // can be stopped too (it then keeps its used time).
  void Halt(Instant t, ClockState next, const BusinessTime& bt);
  // Starts a new running segment at `t` (from paused or stopped).
  void Run(Instant t);

  // Used business time at `t` (>= the last change).
  int64_t Used(Instant t, const BusinessTime& bt) const;
  // The instant at which used time reaches `x`: a past instant when it already has; while
  // running, the instant it will at the current pace; none while paused or stopped short of it.
  std::optional<Instant> InstantAtUsed(int64_t x, const BusinessTime& bt) const;

  // Fired flags over the clock's whole life (warning, breach, escalation levels by position).
  bool Fired(const Threshold& th) const;
  void MarkFired(const Threshold& th);

 private:
  // Business time since open_start_ (a running clock), through the start's position where the
  // calendar is linear: that position is computed once per run.
  int64_t OpenElapsed(Instant t, const BusinessTime& bt) const;
  Instant OpenAdd(int64_t seconds, const BusinessTime& bt) const;  // bt.Add(open_start_, seconds)
  int64_t OpenPosition(const BusinessTime& bt) const;

  static constexpr int64_t kNoPosition = -1;
  ClockState state_ = ClockState::kRunning;
  Instant open_start_;                           // valid while running
  mutable int64_t open_position_ = kNoPosition;  // BusinessTime::Position(open_start_), once known
  int64_t used_closed_ = 0;                      // business time of the closed segments
  // Ran in [first, second). Most clocks close one segment (a pause, or the stop), kept inline
  // (the same 24 bytes as a vector, without an allocation per paused item).
  absl::InlinedVector<std::pair<Instant, Instant>, 1> closed_;
  bool warned_ = false, breached_ = false;
  uint64_t escalated_ = 0;              // levels 0..63
  std::vector<bool> escalated_beyond_;  // levels 64 and up (index level - 64)
};

}  // namespace handoff::internal

#endif  // HANDOFF_SRC_SLA_CLOCK_H_
