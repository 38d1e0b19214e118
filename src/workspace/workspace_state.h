// Private: the state behind handoff::Workspace.
#ifndef HANDOFF_SRC_WORKSPACE_WORKSPACE_STATE_H_
#define HANDOFF_SRC_WORKSPACE_WORKSPACE_STATE_H_

#include <array>
#include <cstdint>
#include <deque>
#include <functional>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "handoff/business_time.h"
#include "handoff/commands.h"
#include "handoff/journal.h"
#include "handoff/message.h"
#include "handoff/portfolio.h"
#include "handoff/sla.h"
#include "handoff/workspace.h"
#include "src/routing/outbox.h"
#include "src/sla/clock.h"

namespace handoff::internal {

inline constexpr uint32_t kNobody = 0xffffffffu;

struct PersonInfo {
  std::string id;
  Role role = Role::kPm;
};
struct AccountInfo {
  std::string id;
  std::string tier;
  uint32_t ae = kNobody;
};
struct ProjectInfo {
  std::string id;
  uint32_t account = kNobody;  // kNobody: no account
  uint32_t pm = kNobody;
  bool closed = false;
  std::vector<uint32_t> milestones;  // milestone ordinals
  std::optional<Health> override_health;
  std::string override_reason;
  Health health = Health::kGreen;
  std::string health_reason;
  bool told_overridden = false;  // what the AE was last told
  int open_risks = 0, open_high_risks = 0;
  int open_breached_feedback = 0;
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
  Date finish;       // forecast finish, as last told
  int32_t slip = 0;  // working days against the baseline
};
struct RiskInfo {
  std::string id;
  uint32_t project = 0;
  std::vector<uint32_t> milestones;
  RiskSeverity severity = RiskSeverity::kMedium;
  std::string text;
  bool open = true;
};

struct Timer;

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
  std::vector<SlaClock> clocks;  // [first response, resolution]
  bool counted_breach = false;   // counted in its project's open_breached_feedback
};

// One pending SLA timer. Ordered as SLA.md says: instant, feedback id (byte order), clock,
// then warning, breach, escalation levels in chain order.
struct Timer {
  Instant at;
  const std::string* feedback_id;
  uint32_t feedback;
  uint8_t clock;
  Threshold threshold;
  friend bool operator<(const Timer& a, const Timer& b) {
    if (a.at != b.at) return a.at < b.at;
    int c = a.feedback_id->compare(*b.feedback_id);
    if (c != 0) return c < 0;
    if (a.clock != b.clock) return a.clock < b.clock;
    if (a.threshold.kind != b.threshold.kind) return a.threshold.kind < b.threshold.kind;
    return a.threshold.level < b.threshold.level;
  }
};

class WorkspaceState {
 public:
  mutable std::mutex mu;
  std::optional<Portfolio> portfolio;
  std::optional<BusinessTime> business_time;
  TimeZone zone;
  std::vector<SlaPolicy> policies;
  std::vector<std::vector<uint32_t>> policy_escalation;  // person ordinals by policy and level

  std::vector<PersonInfo> people;
  std::vector<AccountInfo> accounts;
  std::vector<ProjectInfo> projects;
  std::vector<MilestoneInfo> milestones;
  absl::flat_hash_map<std::string, uint32_t> person_index, account_index, project_index,
      milestone_index, risk_index, feedback_index, opportunity_index;
  std::deque<FeedbackRec> feedback;  // deque: Timer keeps pointers to ids
  std::vector<RiskInfo> risks;
  std::set<Timer> timers;
  // Per feedback and clock, the timers currently in `timers`.
  std::vector<std::array<std::vector<Timer>, 2>> scheduled;

  Outbox outbox;
  std::optional<Instant> last;
  std::optional<Date> as_of;
  Instant next_day_start{INT64_MIN};  // first instant of the local day after `as_of`
  std::vector<std::function<void(const Message&)>> sinks;
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
