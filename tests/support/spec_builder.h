// Small helpers to write portfolios in tests.
#ifndef HANDOFF_TESTS_SUPPORT_SPEC_BUILDER_H_
#define HANDOFF_TESTS_SUPPORT_SPEC_BUILDER_H_

#include <string>
#include <utility>
#include <vector>

#include "handoff/model.h"

namespace handoff::testing {

inline Date D(int y, int m, int d) {
  return Date(static_cast<unsigned short>(y), static_cast<unsigned short>(m),
              static_cast<unsigned short>(d));
}

// Adds a project and returns it for adding milestones.
inline Project& AddProject(PortfolioSpec& spec, const std::string& id, Date start) {
  Project p;
  p.id = ProjectId(id);
  p.start = start;
  spec.projects.push_back(std::move(p));
  return spec.projects.back();
}

inline Milestone& AddMilestone(Project& p, const std::string& id, int days,
                               std::vector<std::pair<std::string, int>> deps = {}) {
  Milestone m;
  m.id = MilestoneId(id);
  m.duration_days = days;
  for (auto& [q, lag] : deps) m.depends_on.push_back(Dependency{MilestoneId(q), lag});
  p.milestones.push_back(std::move(m));
  return p.milestones.back();
}

}  // namespace handoff::testing

#endif  // HANDOFF_TESTS_SUPPORT_SPEC_BUILDER_H_
