// Private: read access to a Portfolio's state for the library's own code (the workspace reads
// forecast dates and links by milestone ordinal instead of by id). Milestone ordinals are the
// order of the spec (projects in order, each project's milestones in order), then the order in
// which ApplyChange added milestones.
#ifndef HANDOFF_SRC_GRAPH_PORTFOLIO_ACCESS_H_
#define HANDOFF_SRC_GRAPH_PORTFOLIO_ACCESS_H_

#include <cstdint>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "handoff/portfolio.h"
#include "src/graph/portfolio_state.h"

namespace handoff::internal {

struct PortfolioAccess {
  static const PortfolioState& State(const Portfolio& p);
  // Portfolio::CheckProgress and UpdateProgress for milestone ordinal `m` (no id lookup). With
  // `moved_ids` false the delta's `moved` stays empty: State().last_moved has the moves (in no
  // particular order).
  static absl::Status CheckProgress(const Portfolio& p, uint32_t m, const Progress& progress);
  static absl::StatusOr<ScheduleDelta> UpdateProgress(Portfolio& p, uint32_t m,
                                                      const Progress& progress, bool moved_ids);
  // Starts fetching what a progress report on milestone `m` reads first (its entries in the
  // per-milestone arrays, its progress record), so that those cache misses overlap instead of
  // following one another. A hint: changes nothing.
  static void PrefetchProgress(const Portfolio& p, uint32_t m);
  // Portfolio::ApplyChange; `moved_ids` as for UpdateProgress.
  static absl::StatusOr<ScheduleDelta> ApplyChange(Portfolio& p, const ProjectId& project,
                                                   const ChangeSet& change, bool moved_ids);
  // Portfolio::SetAsOf; `moved_ids` as for UpdateProgress.
  static absl::StatusOr<ScheduleDelta> SetAsOf(Portfolio& p, Date as_of, bool moved_ids);
};

}  // namespace handoff::internal

#endif  // HANDOFF_SRC_GRAPH_PORTFOLIO_ACCESS_H_
