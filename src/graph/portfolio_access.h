// Private: read access to a Portfolio's state for the library's own code (the workspace reads
// forecast dates and links by milestone ordinal instead of by id). Milestone ordinals are the
// order of the spec (projects in order, each project's milestones in order), then the order in
// which ApplyChange added milestones.
#ifndef HANDOFF_SRC_GRAPH_PORTFOLIO_ACCESS_H_
#define HANDOFF_SRC_GRAPH_PORTFOLIO_ACCESS_H_

#include "handoff/portfolio.h"
#include "src/graph/portfolio_state.h"

namespace handoff::internal {

struct PortfolioAccess {
  static const PortfolioState& State(const Portfolio& p) { return *p.state_; }
};

}  // namespace handoff::internal

#endif  // HANDOFF_SRC_GRAPH_PORTFOLIO_ACCESS_H_
