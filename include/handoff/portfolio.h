// File: handoff/portfolio.h
//
// The portfolio graph and its schedule. A `Portfolio` holds every person, account, project and
// milestone of a `PortfolioSpec` as vertices of one Boost.Graph `adjacency_list` with typed edges
// (account -> project, project -> milestone, milestone -> milestone dependency, person -> project
// / account / milestone role edges), one external-id index, and the schedule of every milestone
// computed exactly as spec SCHEDULING.md says: earliest dates, slack, critical flag and each
// project's critical path.
//
// The schedule is a *forecast*: the plan of the spec, moved by reported progress
// (`UpdateProgress`: started, done, remaining days, blocked) and by the as-of date (`SetAsOf`:
// nothing unfinished is forecast to finish, and nothing unstarted to start, before it). With no
// progress and no as-of date the forecast is the plan. Each milestone also carries its
// *baseline* (the plan at `Create`, or the forecast at the last `SetBaseline`) and its slip
// against it. docs/scheduling.md gives every rule.
//
// Edits (`SetDuration`, `AddLink`, `RemoveLink`, `SetProjectStart`, `UpdateProgress`,
// `SetAsOf`, `ApplyChange`) validate first, change nothing on error, and re-forecast
// incrementally: only milestones the change can reach are recomputed, and the result lists the
// milestones whose dates moved. `UpdateProgress`, `SetAsOf` and `ApplyChange` leave the
// latest dates (slack, critical) to be brought up to date by the next `ScheduleOf`, `Schedule`
// or `CriticalPath`, or by the next other edit, once for everything since. `RescheduleAll`
// recomputes everything and is the reference the incremental path is tested against.
//
// Example:
//   absl::StatusOr<handoff::Portfolio> p = handoff::Portfolio::Create(spec);
//   if (!p.ok()) { std::cerr << p.status() << "\n"; return; }
//   for (const handoff::MilestoneSchedule& s : p->Schedule()) { ... }
//   absl::StatusOr<handoff::ScheduleDelta> d =
//       p->SetDuration(handoff::MilestoneId("P1.M2"), 7);   // d->moved: P1.M2 and its cone
//   handoff::Progress done;
//   done.status = handoff::MilestoneStatus::kDone;
//   done.reported_on = handoff::Date(2027, 1, 6);
//   d = p->UpdateProgress(handoff::MilestoneId("P1.M1"), done);  // successors from 01-06
//   d = p->SetAsOf(handoff::Date(2027, 1, 11));  // what has not started slips to 01-11
//
// Vertices are never removed (a removed link is kept as an inactive edge; a change rolled back
// leaves its new milestones' vertices unreachable), so the graph only grows. Thread safety:
// const methods may run concurrently; an edit needs exclusive access.
#ifndef HANDOFF_PORTFOLIO_H_
#define HANDOFF_PORTFOLIO_H_

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "handoff/calendar.h"
#include "handoff/ids.h"
#include "handoff/model.h"

namespace handoff {

namespace internal {
class PortfolioState;
struct PortfolioAccess;
}  // namespace internal

// The progress status of a milestone. Values are part of the on-disk format; never renumber.
enum class MilestoneStatus : uint8_t {
  kNotStarted = 0,
  kInProgress = 1,
  kDone = 2,
  kBlocked = 3,
};
// Returns "not_started", "in_progress", "done" or "blocked".
std::string_view MilestoneStatusName(MilestoneStatus status);
// Parses "not_started", "in_progress", "done", "blocked" (exact case). Returns InvalidArgument
// for anything else.
absl::StatusOr<MilestoneStatus> ParseMilestoneStatus(std::string_view name);

// One progress report on a milestone (`Portfolio::UpdateProgress`). Each report replaces the
// previous one, except that the milestone's actual start (the `reported_on` of its first
// `in_progress` report) is kept until a `not_started` report clears it.
struct Progress {
  MilestoneStatus status = MilestoneStatus::kNotStarted;
  // The local date of the report. Required.
  Date reported_on;
  // Percent complete, 0..100. Informational: the forecast does not use it.
  std::optional<int32_t> percent;
  // Working days still needed after `reported_on` (0: it finishes on `reported_on`).
  // `in_progress` only; 0..kMaxDays.
  std::optional<int32_t> remaining_days;
  // The actual finish date. `done` only; not after `reported_on`. Default: `reported_on`.
  std::optional<Date> finished_on;
  friend bool operator==(const Progress&, const Progress&) = default;
};

// The computed schedule of one milestone (spec SCHEDULING.md): its forecast and its baseline.
struct MilestoneSchedule {
  MilestoneId id;
  ProjectId project;
  // Forecast start and finish (inclusive; for a checkpoint, start = finish = its date). With no
  // progress and no as-of date, the plan's earliest dates.
  Date start;
  Date finish;
  int32_t slack_days = 0;  // total slack in working days; >= 0 in a plan, < 0 out of sequence
  bool critical = false;   // slack_days <= 0
  MilestoneStatus status = MilestoneStatus::kNotStarted;  // from the latest progress report
  Date baseline_start;  // the baseline's start and finish (see Portfolio::SetBaseline)
  Date baseline_finish;
  // Working days from baseline_finish to finish: IndexOf(finish) - IndexOf(baseline_finish);
  // negative when early.
  int32_t slip_days = 0;
  friend bool operator==(const MilestoneSchedule&, const MilestoneSchedule&) = default;
};

// What an edit changed.
struct ScheduleDelta {
  // Milestones whose start or finish date moved, sorted by id (byte order).
  std::vector<MilestoneId> moved;
  // How many milestones were recomputed (the reach of the change; for tests and benchmarks).
  // For the edits that leave the latest dates for later, the forward pass only.
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

// The milestone edits of an accepted change request (Portfolio::ApplyChange). Error messages
// name fields by these members: `durations/<j>/milestone` and `durations/<j>/duration_days` for
// the pair's first and second; `new_milestones/<i>/...` as in a project's `milestones`;
// `links/<j>/predecessor`, `links/<j>/successor`, `links/<j>/lag_days`.
struct ChangeSet {
  struct Link {
    MilestoneId predecessor;
    MilestoneId successor;
    int32_t lag_days = 0;
  };
  // (milestone, new duration) pairs.
  std::vector<std::pair<MilestoneId, int32_t>> durations;
  // Milestones added to the project; their depends_on may name existing or new milestones.
  std::vector<Milestone> new_milestones;
  // Links added ("successor depends on predecessor"), between existing or new milestones.
  std::vector<Link> links;
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
  // added links appended. Progress, the as-of date and the baseline are not part of it:
  // `Create(ToSpec())`, then `UpdateProgress` with every entry of `ProgressLog()` in order and
  // `SetAsOf(*as_of())`, gives the same forecast.
  PortfolioSpec ToSpec() const;
  // Returns the progress reports that rebuild the current progress state, sorted by milestone id
  // (byte order): per reported milestone its latest report, preceded by an `in_progress` report
  // on its actual start date when the latest report alone would not restore that start.
  std::vector<std::pair<MilestoneId, Progress>> ProgressLog() const;
  // Returns the as-of date set by `SetAsOf`, or nullopt before the first call.
  std::optional<Date> as_of() const;

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
  // Records a progress report on a milestone and re-forecasts what it reaches. Returns
  // InvalidArgument for a missing or out-of-range `reported_on`, a `percent` outside 0..100, a
  // negative or too large `remaining_days`, `remaining_days` on a status other than
  // `in_progress`, `finished_on` on a status other than `done`, a `finished_on` after
  // `reported_on`; NotFound for an unknown id; OutOfRange when a date would pass 9999-12-31.
  // Nothing changes on error.
  absl::StatusOr<ScheduleDelta> UpdateProgress(const MilestoneId& id, const Progress& progress);
  // Runs UpdateProgress's checks without changing anything: OK exactly when UpdateProgress
  // would fail only with OutOfRange, if at all.
  absl::Status CheckProgress(const MilestoneId& id, const Progress& progress) const;
  // Sets the as-of date A (the local date of the latest applied instant) and re-forecasts what it
  // moves: a milestone not started is forecast to start no earlier than A, one started but not
  // done to finish no earlier than A (on a non-working A, the next working day). A may only
  // grow: FailedPrecondition for a date before the current one; InvalidArgument for a date that
  // is not a date or before 1900-01-01; OutOfRange when a date would pass 9999-12-31 (nothing
  // changes on error). Cost: O(1) when A stays on the same working day (the usual call);
  // otherwise O(log n) per milestone the new floor binds, plus the re-forecast of their cone,
  // plus, once per window of several hundred working days, one scan of the portfolio to index
  // the milestones near A.
  absl::StatusOr<ScheduleDelta> SetAsOf(Date as_of);
  // Applies an accepted change request to `project` atomically (see ChangeSet): new milestones
  // are appended to the project (after its other milestones, in the change's order), durations
  // set and links added, with one cycle check over the whole set and one incremental
  // re-forecast. `depends_on` of a new milestone, `durations` and `links` may name existing or
  // new milestones, in any project; a link on a pair whose link was removed brings it back with
  // the new lag (as AddLink does).
  // Everything is validated before anything changes. Errors name the field within the change
  // first, then the entity and the reason, e.g.
  // `new_milestones/1/depends_on/0/id: milestone "X": depends_on "Y": unknown id`,
  // `links/0/predecessor: milestone "S": depends_on "P": a second link to the same predecessor`,
  // `durations/2/milestone: milestone "M": unknown id`: NotFound for an unknown project (no
  // field), milestone or owner; AlreadyExists for an id that exists (in the portfolio or earlier
  // in the change), a link that exists (active, or earlier in the change), a second duration for
  // one milestone; InvalidArgument for an empty id, a duration or lag outside [0, kMaxDays], a
  // self-link; FailedPrecondition for a cycle over the active links and the new ones, named as
  // AddLink names it (`... dependency cycle A -> B -> A`) at the first new link on it. The one
  // error after validation is OutOfRange, when a date would pass 9999-12-31 (the message names
  // the milestone, as SetDuration's does); then everything is rolled back. On any error nothing
  // changes. New milestones take their first forecast as their baseline; `moved` lists the
  // existing milestones whose dates moved (not the new ones).
  absl::StatusOr<ScheduleDelta> ApplyChange(const ProjectId& project, const ChangeSet& change);
  // Runs ApplyChange's checks (ids, values, links, cycles) without changing anything.
  absl::Status CheckChange(const ProjectId& project, const ChangeSet& change) const;

  // Makes the current forecast the baseline of every milestone (spec: `set_baseline`).
  void SetBaseline();
  // Makes the current forecast the baseline of the project's milestones; other projects keep
  // theirs. NotFound for an unknown project.
  absl::Status SetBaseline(const ProjectId& project);
  // Recomputes the whole schedule from scratch (topological order, forward and backward pass)
  // and returns the milestones whose dates differ from before.
  absl::StatusOr<ScheduleDelta> RescheduleAll();

 private:
  friend struct internal::PortfolioAccess;  // the library's own fast paths (by ordinal)
  explicit Portfolio(std::unique_ptr<internal::PortfolioState> state);
  std::unique_ptr<internal::PortfolioState> state_;
};

}  // namespace handoff

#endif  // HANDOFF_PORTFOLIO_H_
