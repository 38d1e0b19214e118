// Private: the state behind handoff::Workspace.
#ifndef HANDOFF_SRC_WORKSPACE_WORKSPACE_STATE_H_
#define HANDOFF_SRC_WORKSPACE_WORKSPACE_STATE_H_

#include <array>
#include <cstdint>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "handoff/business_time.h"
#include "handoff/commands.h"
#include "handoff/journal.h"
#include "handoff/message.h"
#include "handoff/portfolio.h"
#include "handoff/sla.h"
#include "handoff/workspace.h"
#include "src/internal/id_index.h"
#include "src/internal/large_alloc.h"
#include "src/internal/marks.h"
#include "src/internal/stable_vector.h"
#include "src/routing/message_pool.h"
#include "src/routing/outbox.h"
#include "src/sla/clock.h"

namespace handoff::internal {

inline constexpr uint32_t kNobody = 0xffffffffu;

struct PersonInfo {
  std::string id;
  Role role = Role::kPm;
  PersonId person_id;  // the same id, as messages carry it (copied, not built, per message)
};
struct AccountInfo {
  std::string id;
  std::string tier;
  uint32_t ae = kNobody;
};
// What most commands on a project read (its id for their messages, its people, whether it is
// closed, and the inputs and state of its health, which End recomputes after any command that
// touched the project) comes first: the record's first cache line holds all of it but the
// override's reason, which only an overridden health reads.
struct alignas(64) ProjectInfo {
  std::string id;
  uint32_t account = kNobody;  // kNobody: no account
  uint32_t pm = kNobody;
  int open_risks = 0, open_high_risks = 0;
  int open_breached_feedback = 0;
  // Milestones not done with a baseline slip of at least 1 and at least 5 working days (kept by
  // SetSlipStatus), so health needs no scan of the project.
  int slipping = 0, slipping_5 = 0;
  bool closed : 1 = false;           // bit-fields, so that override_health fits the first line
  bool told_overridden : 1 = false;  // what the AE was last told
  Health health = Health::kGreen;
  std::optional<Health> override_health;
  std::string override_reason;
  std::string health_reason;         // the override reason the AE was last told (when overridden)
  std::vector<uint32_t> milestones;  // milestone ordinals
  // Recorded for the KPIs.
  int64_t cost_planned = 0, cost_actual = 0;
  std::vector<int32_t> csat_scores;
  std::string lessons;
};
struct MilestoneInfo {
  std::string id;
  uint32_t project = 0;
  uint32_t owner = kNobody;
  bool visible = false;
  MilestoneStatus status = MilestoneStatus::kNotStarted;
  int32_t finish_day = 0;  // forecast finish (working-day index), as last told
  int32_t slip = 0;        // working days against the baseline
};
struct RiskInfo {
  std::string id;
  uint32_t project = 0;
  std::vector<uint32_t> milestones;
  RiskSeverity severity = RiskSeverity::kMedium;
  std::string text;
  bool open = true;
};

struct FeedbackRec {
  std::string id;
  uint32_t project = 0;
  uint32_t milestone = kNobody;
  FeedbackKind kind = FeedbackKind::kQuestion;
  Channel channel = Channel::kEmail;
  Priority priority = Priority::kNormal;
  std::string text;
  FeedbackState state = FeedbackState::kNew;
  uint32_t assignee = kNobody;
  int32_t policy = -1;  // index into policies; -1: none matches
  Instant logged_at;
  std::array<SlaClock, 2> clocks;  // [first response, resolution]
  bool counted_breach = false;     // counted in its project's open_breached_feedback
  // Per clock: the generation of its timer (a heap entry with another generation is stale) and
  // whether a live entry is in the heap.
  std::array<uint32_t, 2> timer_gen = {0, 0};
  std::array<uint16_t, 2> next_threshold = {0, 0};  // the live timer's, by position
  uint64_t id_prefix = 0;                           // IdPrefix(id)
  std::array<bool, 2> armed = {false, false};
  // Whether the live timer's instant is the one at which the clock's used time reaches the
  // threshold (so the used time then is the threshold's): not when it was due already.
  std::array<bool, 2> exact = {false, false};
};

// One pending SLA timer: the next threshold of one clock (each clock has at most one live
// timer; when it fires, the clock's next threshold is scheduled). Ordered as SLA.md says:
// instant, feedback id (byte order), clock, then warning, breach, escalation levels in chain
// order, which is the order of the policy's thresholds.
struct Timer {
  Instant at;
  uint64_t id_prefix;  // the feedback id's first 8 bytes, big-endian, zero-padded
  uint32_t feedback;
  // The clock (low bit) and FeedbackRec::timer_gen[clock] when scheduled (the other 31 bits):
  // see GenClock. The threshold is the clock's FeedbackRec::next_threshold while it is live.
  uint32_t gen_clock;
  int clock() const { return static_cast<int>(gen_clock & 1u); }
};
static_assert(sizeof(Timer) == 24, "timers are moved a lot by the heap and the batch sort");
// A timer's gen_clock for clock `c` of `f` as it is now (generations wrap modulo 2^31).
inline uint32_t GenClock(const FeedbackRec& f, int c) {
  return (f.timer_gen[static_cast<size_t>(c)] << 1) | static_cast<uint32_t>(c);
}
// SLA.md's order of timers: instant, feedback id (byte order), clock. A clock has at most one
// live timer, so the threshold never decides between live timers.
struct TimerBefore {
  const StableVector<FeedbackRec>* feedback;
  bool operator()(const Timer& a, const Timer& b) const {
    if (a.at != b.at) return a.at < b.at;
    if (a.feedback != b.feedback) {
      // The prefixes order ids as their bytes do; only equal prefixes need the whole ids.
      if (a.id_prefix != b.id_prefix) return a.id_prefix < b.id_prefix;
      const int c = (*feedback)[a.feedback].id.compare((*feedback)[b.feedback].id);
      if (c != 0) return c < 0;
    }
    return a.clock() < b.clock();
  }
};
// The heap's comparator: std::push_heap keeps the greatest on top, so "later" is "less".
struct TimerLater {
  TimerBefore before;
  bool operator()(const Timer& a, const Timer& b) const { return before(b, a); }
};
// An id's first 8 bytes as a big-endian number, zero-padded: comparing two prefixes orders ids
// as comparing their bytes does, except that equal prefixes may belong to different ids.
inline uint64_t IdPrefix(const std::string& id) {
  uint64_t v = 0;
  for (size_t i = 0; i < 8; ++i) {
    v = (v << 8) | (i < id.size() ? static_cast<unsigned char>(id[i]) : 0u);
  }
  return v;
}

// The host's sinks, copied on write (Workspace::AddSink).
using SinkList = std::shared_ptr<const std::vector<std::function<void(const Message&)>>>;

class WorkspaceState {
 public:
  mutable std::mutex mu;
  std::optional<Portfolio> portfolio;
  std::optional<BusinessTime> business_time;
  TimeZone zone;
  std::vector<SlaPolicy> policies;
  // Per policy and clock: its thresholds in firing order (empty when the clock has no target).
  std::vector<std::array<std::vector<Threshold>, 2>> policy_thresholds;
  std::vector<std::vector<uint32_t>> policy_escalation;  // person ordinals by policy and level
  std::vector<std::string> policy_quoted_names;          // policy names as JSON strings

  std::vector<PersonInfo> people;
  std::vector<AccountInfo> accounts;
  LargeVector<ProjectInfo> projects;      // read by nearly every command: in huge pages
  LargeVector<MilestoneInfo> milestones;  // in huge pages once large (LargeVector)
  // Ids to ordinals in the tables above and below (IdIndex::FindIn(table, id)).
  IdIndex person_index, account_index, project_index, milestone_index, risk_index, feedback_index,
      opportunity_index;
  StableVector<FeedbackRec> feedback;  // by ordinal; records never move
  std::vector<RiskInfo> risks;
  // A min-heap (TimerLater) of SLA timers with lazy invalidation: rescheduling a clock bumps its
  // generation, and stale entries are dropped when they reach the top or by a compaction. The
  // top is live between commands.
  std::vector<Timer> timers;
  size_t live_timers = 0;
  TimerLater timer_later() const { return TimerLater{TimerBefore{&feedback}}; }
  std::vector<Timer> later_timers;  // scratch of Run::FireDue, kept for its capacity
  Marks milestone_marks;            // scratch for walks over the portfolio's milestones

  MessagePool message_pool;  // before the outbox: it outlives every message
  Outbox outbox;
  std::optional<Instant> last;
  std::optional<Date> as_of;
  Instant next_day_start{INT64_MIN};  // first instant of the local day after `as_of`
  // Copied on write, so Apply hands the sinks to the caller's thread without copying them.
  SinkList sinks;
  std::shared_ptr<Journal> journal;

  // Recorded for the KPIs.
  struct Touchpoint {
    Instant at;
    uint32_t account;
    Channel channel;
  };
  std::vector<Touchpoint> touchpoints;
  struct Opportunity {
    std::string id;
    uint32_t account;
    int64_t amount;
    Instant at;
  };
  std::vector<Opportunity> opportunities;
  struct Renewal {
    uint32_t account;
    bool renewed;
    int64_t amount;
    Instant at;
  };
  std::vector<Renewal> renewals;
};

}  // namespace handoff::internal

#endif  // HANDOFF_SRC_WORKSPACE_WORKSPACE_STATE_H_
