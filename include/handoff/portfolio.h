// File: handoff/portfolio.h
//
// The portfolio graph and its schedule. A `Portfolio` holds every person, account, project and
// milestone of a `PortfolioSpec` as vertices of one Boost.Graph `adjacency_list` with typed edges
// (account -> project, project -> milestone, milestone -> milestone dependency, person -> project
// / account / milestone role edges), one external-id index, and the schedule of every milestone
// computed exactly as spec SCHEDULING.md says: earliest dates, slack, critical flag and each
// project's critical path.
//
// Edits (`SetDuration`, `AddLink`, `RemoveLink`, `SetProjectStart`) validate first, change nothing
// on error, and re-forecast incrementally: only milestones the change can reach are recomputed,
// and the result lists the milestones whose dates moved. `RescheduleAll` recomputes everything
// and is the reference the incremental path is tested against.
//
// Example:
//   absl::StatusOr<handoff::Portfolio> p = handoff::Portfolio::Create(spec);
//   if (!p.ok()) { std::cerr << p.status() << "\n"; return; }
//   for (const handoff::MilestoneSchedule& s : p->Schedule()) { ... }
//   absl::StatusOr<handoff::ScheduleDelta> d =
//       p->SetDuration(handoff::MilestoneId("P1.M2"), 7);   // d->moved: P1.M2 and its cone
//
// Vertices are never removed (a removed link is kept as an inactive edge), so the graph only
// grows. Thread safety: const methods may run concurrently; an edit needs exclusive access.
#ifndef HANDOFF_PORTFOLIO_H_
#define HANDOFF_PORTFOLIO_H_

#include <cstddef>
#include <cstdint>
#include <memory>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "handoff/calendar.h"
#include "handoff/ids.h"
#include "handoff/model.h"

namespace handoff {

namespace internal {
class PortfolioState;
}  // namespace internal

// The computed schedule of one milestone (spec SCHEDULING.md).
struct MilestoneSchedule {
  MilestoneId id;
  ProjectId project;
  Date start;              // earliest start (for a checkpoint, its date)
  Date finish;             // earliest finish, inclusive
  int32_t slack_days = 0;  // total slack in working days, >= 0
  bool critical = false;   // slack_days == 0
  friend bool operator==(const MilestoneSchedule&, const MilestoneSchedule&) = default;
};

// What an edit changed.
struct ScheduleDelta {
  // Milestones whose start or finish date moved, sorted by id (byte order).
  std::vector<MilestoneId> moved;
  // How many milestones were recomputed (the reach of the change; for tests and benchmarks).
  size_t recomputed = 0;
};

// One milestone of a downstream cone.
struct ImpactEntry {
  MilestoneId id;
  ProjectId project;
  AccountId account;  // empty when the project has no account
  bool customer_visible = false;
};

// The downstream cone of a milestone: every milestone that depends on it, transitively, across
// projects.
struct Impact {
  MilestoneId milestone;
  std::vector<ImpactEntry> downstream;        // sorted by id; excludes `milestone` itself
  std::vector<MilestoneId> customer_visible;  // the customer-visible part of `downstream`
  std::vector<AccountId> accounts;            // accounts of the customer-visible ones, sorted
};

// Portfolio
//
// Owns the graph and the schedule. Move-only; moving keeps every computed value.
class Portfolio {
 public:
  // Validates `spec` completely before anything is kept, builds the graph and computes the
  // schedule. Errors name the location in the spec as a JSON pointer (the same as in a
  // scenario file), the entity and the reason, e.g.
  // `/projects/0/milestones/2/depends_on/0/id: milestone "P1.M3": depends_on "P1.M9": unknown id`.
  // Returns InvalidArgument for malformed values (empty ids, negative durations or lags, a bad
  // calendar, a person of the wrong role), NotFound for unknown references, AlreadyExists for
  // duplicate ids or a second link to the same predecessor, FailedPrecondition for a dependency
  // cycle (the message names it: `P1.M2 -> P1.M5 -> P1.M2`, read "depends on"), and OutOfRange
  // when a date would fall after 9999-12-31.
  static absl::StatusOr<Portfolio> Create(const PortfolioSpec& spec);

  Portfolio(Portfolio&&) noexcept;
  Portfolio& operator=(Portfolio&&) noexcept;
  ~Portfolio();

  const WorkingCalendar& calendar() const;
  size_t milestone_count() const;
  size_t project_count() const;

  // Returns the spec of the portfolio as it is now (edits included), in its original order with
  // added links appended. `Create(ToSpec())` gives the same schedule.
  PortfolioSpec ToSpec() const;

  // Returns the milestone's spec values. NotFound for an unknown id.
  absl::StatusOr<Milestone> GetMilestone(const MilestoneId& id) const;
  // Returns the project's spec values, milestones included. NotFound for an unknown id.
  absl::StatusOr<Project> GetProject(const ProjectId& id) const;
  // Returns every project id in byte order.
  std::vector<ProjectId> ProjectIds() const;

  // Returns the schedule of one milestone. NotFound for an unknown id.
  absl::StatusOr<MilestoneSchedule> ScheduleOf(const MilestoneId& id) const;
  // Returns the schedule of every milestone, sorted by id (byte order).
  std::vector<MilestoneSchedule> Schedule() const;
  // Returns the critical path of a project, first to last (spec SCHEDULING.md). Empty for a
  // project without milestones. NotFound for an unknown id.
  absl::StatusOr<std::vector<MilestoneId>> CriticalPath(const ProjectId& id) const;
  // Returns the downstream cone of a milestone. NotFound for an unknown id.
  absl::StatusOr<Impact> ImpactOf(const MilestoneId& id) const;

  // Sets a milestone's duration and re-forecasts what it reaches. InvalidArgument for a duration
  // outside [0, kMaxDays]; NotFound for an unknown id; OutOfRange when a date would pass
  // 9999-12-31 (nothing changes then).
  absl::StatusOr<ScheduleDelta> SetDuration(const MilestoneId& id, int32_t duration_days);
  // Adds the link "`successor` depends on `predecessor` with `lag_days`". NotFound for an
  // unknown id; InvalidArgument for a self-link or a lag outside [0, kMaxDays]; AlreadyExists
  // when the link exists; FailedPrecondition when it would close a cycle (named in the message).
  absl::StatusOr<ScheduleDelta> AddLink(const MilestoneId& predecessor,
                                        const MilestoneId& successor, int32_t lag_days);
  // Removes the link "`successor` depends on `predecessor`". NotFound when either id or the link
  // is unknown.
  absl::StatusOr<ScheduleDelta> RemoveLink(const MilestoneId& predecessor,
                                           const MilestoneId& successor);
  // Moves a project's start date. NotFound for an unknown project.
  absl::StatusOr<ScheduleDelta> SetProjectStart(const ProjectId& id, Date start);
  // Recomputes the whole schedule from scratch (topological order, forward and backward pass)
  // and returns the milestones whose dates differ from before.
  absl::StatusOr<ScheduleDelta> RescheduleAll();

 private:
  explicit Portfolio(std::unique_ptr<internal::PortfolioState> state);
  std::unique_ptr<internal::PortfolioState> state_;
};

}  // namespace handoff

#endif  // HANDOFF_PORTFOLIO_H_
