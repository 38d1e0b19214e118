// Private: the scheduling passes of spec SCHEDULING.md over a PortfolioState.
#ifndef HANDOFF_SRC_SCHEDULE_SCHEDULER_H_
#define HANDOFF_SRC_SCHEDULE_SCHEDULER_H_

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/types/span.h"
#include "handoff/portfolio.h"
#include "src/graph/portfolio_state.h"

namespace handoff::internal {

// Computes a topological order of every milestone along active dependency edges into
// s.topo_order / s.topo_pos (Kahn's algorithm with a stack, so that a project's milestones stay
// together in the order; deterministic). When the links form a
// cycle, leaves the order untouched and returns one cycle as milestone ordinals in "depends on"
// order, rotated to start at the smallest id; returns an empty vector on success.
std::vector<uint32_t> ComputeTopoOrder(PortfolioState& s);

// Forward pass, project ends and backward pass over s.topo_order, with each milestone's
// progress and the as-of floor (the forecast; with no progress and no as-of date, the plan).
// Empties the as-of index. OutOfRange (naming the milestone, whose ordinal goes to `*failed`
// when given) when a date would pass 9999-12-31; the schedule arrays are then unspecified.
absl::Status FullSchedule(PortfolioState& s, uint32_t* failed = nullptr);

// Starts an incremental change: clears the undo log. Call before Touch and the edit.
void BeginChange(PortfolioState& s);
// Records milestone `m`'s schedule values (and its dates, computed with its current duration)
// the first time it is touched in this change.
void Touch(PortfolioState& s, uint32_t m);
// Re-forecasts incrementally after an edit: recomputes earliest dates from `forward_seeds`
// through everything whose finish moved, project ends, then latest dates from `backward_seeds`
// and from every project whose end moved. On OutOfRange restores every schedule value touched
// and returns the error (the caller reverts its edit). On success reports the moves.
// With `moved_ids` false, ScheduleDelta::moved stays empty and s.last_moved has the moves in no
// particular order (else in id order, as `moved`).
// With `defer_backward`, the backward pass is left for later (s.late): for progress reports,
// as-of moves and change requests, whose callers read no latest date. Without it, the pass runs
// now, over this change and everything deferred before it.
absl::StatusOr<ScheduleDelta> Reforecast(PortfolioState& s,
                                         absl::Span<const uint32_t> forward_seeds,
                                         absl::Span<const uint32_t> backward_seeds,
                                         bool moved_ids = true, bool defer_backward = false);

// Sorts s.last_moved by id and lists those ids in delta->moved (what Reforecast does with
// `moved_ids`).
void ReportMovedIds(PortfolioState& s, ScheduleDelta* delta);

// For readers of s.lf (slack, critical): runs the deferred backward pass, under s.late.mu,
// when anything is deferred. Safe to call from concurrent readers.
void EnsureLateDates(const PortfolioState& s);
// Restores every value recorded since BeginChange.
void RollBack(PortfolioState& s);

// The as-of index (PortfolioState::AsOfIndex).
// Adds milestone m with its current floor key when it is not done and its key is below the
// index's threshold. Call for a milestone that may have no entry: a new one, one whose entries
// TakeFloorBound took, one that was done.
void NoteFloorKey(PortfolioState& s, uint32_t m);
// The same for a milestone not done before whose floor key was `old_key`, only when its key is
// now lower (an entry at or below the old key is still a valid bound). Reforecast calls it for
// what it moves.
void NoteFloorKeyMove(PortfolioState& s, uint32_t m, int32_t old_key);
// Drops the entries that are no longer bounds, done milestones' and duplicates. Only between
// changes (never before a possible RollBack).
void CompactAsOfIndex(PortfolioState& s);
// Returns the milestones not done whose floor key is below `floor` (the new floor point
// START(idx(A))), taking their entries out of the index into `*taken`; refills the index by a
// scan first when `floor` passes its threshold. The caller re-forecasts them and then indexes
// them again (NoteFloorKey), or puts the entries back with RestoreFloorEntries when it rolls
// back.
std::vector<uint32_t> TakeFloorBound(PortfolioState& s, int32_t floor,
                                     std::vector<std::pair<int32_t, uint32_t>>* taken);
void RestoreFloorEntries(PortfolioState& s, const std::vector<std::pair<int32_t, uint32_t>>& taken);

// Keeps s.topo_order valid after adding the active link pred -> succ (Pearce-Kelly dynamic
// topological order: only the positions between the two ends are reordered). When the link
// would close a cycle, changes nothing and returns the cycle (as ComputeTopoOrder does,
// including the new link); otherwise returns an empty vector. Call before activating the edge.
std::vector<uint32_t> InsertLinkOrder(PortfolioState& s, uint32_t pred, uint32_t succ);

// The critical path of project `p`, first to last (spec SCHEDULING.md).
std::vector<uint32_t> CriticalPath(const PortfolioState& s, uint32_t p);

// Formats a cycle of milestone ordinals as "A -> B -> A".
std::string FormatCycle(const PortfolioState& s, const std::vector<uint32_t>& cycle);

}  // namespace handoff::internal

#endif  // HANDOFF_SRC_SCHEDULE_SCHEDULER_H_
