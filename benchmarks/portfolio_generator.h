// Deterministic synthetic portfolios for the benchmarks.
//
// `GeneratePortfolio(projects)` builds a PortfolioSpec of `projects` projects with 100 milestones
// each, the same on every platform for a given seed: every random draw comes straight from
// std::mt19937_64 (whose output sequence the standard fixes) and ranges are derived with modulo,
// never with std::uniform_int_distribution (whose output differs across standard libraries).
//
// Shape (per milestone, on average):
//   - about 1.5 finish-to-start links to earlier milestones of the same project, mostly to one of
//     the three previous ones, sometimes to any earlier one;
//   - ~1% of milestones have one extra link to a milestone of an earlier project (cross-project);
//   - ~10% are checkpoints (duration 0), the rest last 1-10 working days;
//   - lags are 0 in ~80% of links and 1-3 otherwise;
//   - ~5% are customer-visible.
// Projects start between 2027-01-04 and the end of 2029 and are spread over a few accounts, PMs
// and AEs. The calendar has a Sat/Sun weekend and ~10 holidays a year for every year the
// schedules can reach.
//
// Ids are short ("P000123.M042", 12 bytes) so they fit std::string's small buffer, as typical
// host ids would. Since every link points to an earlier milestone (same project) or to an earlier
// project, the links never form a cycle.
#ifndef HANDOFF_BENCHMARKS_PORTFOLIO_GENERATOR_H_
#define HANDOFF_BENCHMARKS_PORTFOLIO_GENERATOR_H_

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <random>
#include <string>
#include <utility>
#include <vector>

#include "handoff/calendar.h"
#include "handoff/model.h"

namespace handoff_bench {

inline constexpr size_t kMilestonesPerProject = 100;
inline constexpr uint64_t kDefaultSeed = 0x68616e646f6666ULL;  // "handoff"

// The id of milestone `m` of project `p`: "P000123.M042".
inline std::string MilestoneIdText(size_t p, size_t m) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "P%06zu.M%03zu", p, m);
  return buf;
}

inline std::string ProjectIdText(size_t p) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "P%06zu", p);
  return buf;
}

// Deterministic draws: modulo over the raw 64-bit output (the bias is negligible for the small
// ranges used here, and the sequence is identical on every standard library).
class Rng {
 public:
  explicit Rng(uint64_t seed) : engine_(seed) {}
  // A value in [0, n), n > 0.
  uint64_t Below(uint64_t n) { return engine_() % n; }
  // A value in [lo, hi].
  int32_t Between(int32_t lo, int32_t hi) {
    return lo + static_cast<int32_t>(Below(static_cast<uint64_t>(hi - lo + 1)));
  }
  // True with probability percent / 100.
  bool Percent(uint64_t percent) { return Below(100) < percent; }

 private:
  std::mt19937_64 engine_;
};

// Holidays on fixed dates plus a few that move from year to year (still deterministic).
inline std::vector<handoff::Date> GenerateHolidays(int first_year, int last_year) {
  std::vector<handoff::Date> out;
  for (int y = first_year; y <= last_year; ++y) {
    const unsigned short year = static_cast<unsigned short>(y);
    static constexpr std::pair<int, int> kFixed[] = {{1, 1},   {5, 1},   {7, 4},  {11, 11},
                                                     {12, 24}, {12, 25}, {12, 26}};
    for (auto [m, d] : kFixed) {
      out.emplace_back(year, static_cast<unsigned short>(m), static_cast<unsigned short>(d));
    }
    // Three "movable" ones: spring, summer and autumn.
    out.emplace_back(year, 4, static_cast<unsigned short>(1 + (y * 7) % 28));
    out.emplace_back(year, 8, static_cast<unsigned short>(1 + (y * 11) % 28));
    out.emplace_back(year, 10, static_cast<unsigned short>(1 + (y * 13) % 28));
  }
  std::sort(out.begin(), out.end());
  return out;
}

// A portfolio of `projects` projects of 100 milestones each.
inline handoff::PortfolioSpec GeneratePortfolio(size_t projects, uint64_t seed = kDefaultSeed) {
  using handoff::Date;
  Rng rng(seed);
  handoff::PortfolioSpec spec;

  // Schedules start in 2027-2029; a project's own chain spans ~1-2 years and cross-project links
  // push some further (the latest finish of the 1M-milestone portfolio falls in 2034), so the
  // holidays cover 2027-2040.
  spec.calendar.weekend = {handoff::Weekday::kSat, handoff::Weekday::kSun};
  spec.calendar.holidays = GenerateHolidays(2027, 2040);

  constexpr size_t kPms = 12, kAes = 6, kAccounts = 40;
  for (size_t i = 0; i < kPms; ++i) {
    spec.people.push_back({handoff::PersonId("pm" + std::to_string(i)), "PM " + std::to_string(i),
                           handoff::Role::kPm});
  }
  for (size_t i = 0; i < kAes; ++i) {
    spec.people.push_back({handoff::PersonId("ae" + std::to_string(i)), "AE " + std::to_string(i),
                           handoff::Role::kAe});
  }
  spec.people.push_back({handoff::PersonId("lead0"), "Lead 0", handoff::Role::kLead});
  static constexpr const char* kTiers[] = {"gold", "silver", "bronze"};
  for (size_t i = 0; i < kAccounts; ++i) {
    spec.accounts.push_back({handoff::AccountId("acct" + std::to_string(i)),
                             "Account " + std::to_string(i), kTiers[i % 3],
                             handoff::PersonId("ae" + std::to_string(i % kAes))});
  }

  const Date first_start(2027, 1, 4);
  spec.projects.reserve(projects);
  std::vector<uint32_t> preds;  // same-project predecessor positions of one milestone
  for (size_t p = 0; p < projects; ++p) {
    handoff::Project project;
    project.id = handoff::ProjectId(ProjectIdText(p));
    project.account = handoff::AccountId("acct" + std::to_string(rng.Below(kAccounts)));
    project.pm = handoff::PersonId("pm" + std::to_string(rng.Below(kPms)));
    project.start = first_start + boost::gregorian::days(static_cast<long>(rng.Below(3 * 365)));
    project.milestones.reserve(kMilestonesPerProject);
    for (size_t m = 0; m < kMilestonesPerProject; ++m) {
      handoff::Milestone ms;
      ms.id = handoff::MilestoneId(MilestoneIdText(p, m));
      ms.duration_days = rng.Percent(10) ? 0 : rng.Between(1, 10);
      ms.customer_visible = rng.Percent(5);
      // 1 or 2 links (1.5 on average), fewer when there are not enough earlier milestones.
      preds.clear();
      if (m > 0) {
        const size_t want = std::min<size_t>(m, 1 + rng.Below(2));
        while (preds.size() < want) {
          // Mostly one of the three previous milestones, sometimes any earlier one.
          const size_t back =
              rng.Percent(85) ? 1 + rng.Below(std::min<size_t>(m, 3)) : 1 + rng.Below(m);
          const uint32_t q = static_cast<uint32_t>(m - back);
          if (std::find(preds.begin(), preds.end(), q) != preds.end()) continue;
          preds.push_back(q);
          const int32_t lag = rng.Percent(80) ? 0 : rng.Between(1, 3);
          ms.depends_on.push_back({handoff::MilestoneId(MilestoneIdText(p, q)), lag});
        }
      }
      // ~1%: one extra link to a milestone of an earlier project (any earlier project).
      if (p > 0 && rng.Percent(1)) {
        const size_t q = rng.Below(p);
        const size_t qm = rng.Below(kMilestonesPerProject);
        const int32_t lag = rng.Percent(80) ? 0 : rng.Between(1, 3);
        ms.depends_on.push_back({handoff::MilestoneId(MilestoneIdText(q, qm)), lag});
      }
      project.milestones.push_back(std::move(ms));
    }
    spec.projects.push_back(std::move(project));
  }
  return spec;
}

// A deterministic list of `count` milestone positions (project, milestone) of a portfolio of
// `projects` projects, for benchmarks that edit "random" milestones.
inline std::vector<std::string> PickMilestoneIds(size_t projects, size_t count,
                                                 uint64_t seed = kDefaultSeed ^
                                                                 0x9e3779b97f4a7c15ULL) {
  Rng rng(seed);
  std::vector<std::string> ids;
  ids.reserve(count);
  for (size_t i = 0; i < count; ++i) {
    ids.push_back(MilestoneIdText(rng.Below(projects), rng.Below(kMilestonesPerProject)));
  }
  return ids;
}

// A GeneratePortfolio(projects) portfolio in which a cross-project cone hangs below one root
// milestone. The root is milestone M000 of project `projects - cone_projects - 1` (the root
// project), lasting `root_duration_days`; the first milestone (M000) of each of the last
// `cone_projects` projects depends on it (finish-to-start, no lag). The root project and the
// cone projects start on the generator's first start date (2027-01-04) and keep only the
// cross-project links that stay inside them, so every cone link binds: a slip of the root
// moves the whole cone. Since every generated milestone but M000 links to an earlier one of its
// project, each cone project lies wholly in the cone, and so does the rest of the root project:
// 100 * cone_projects + 99 milestones downstream of the root, spread over the generator's
// accounts (and so all its AEs), ~5% of them customer-visible. No project outside links into
// the cone (generated links point only to earlier projects). Requires
// projects > cone_projects.
struct FanOutPortfolio {
  handoff::PortfolioSpec spec;
  std::string root;          // the root milestone's id
  std::string root_project;  // its project's id
};

inline FanOutPortfolio GenerateFanOutPortfolio(size_t projects, size_t cone_projects,
                                               int32_t root_duration_days = 5,
                                               uint64_t seed = kDefaultSeed) {
  FanOutPortfolio out;
  out.spec = GeneratePortfolio(projects, seed);
  const size_t root_index = projects - cone_projects - 1;
  out.root = MilestoneIdText(root_index, 0);
  out.root_project = ProjectIdText(root_index);
  const handoff::Date first_start(2027, 1, 4);
  const std::string root_prefix = out.root_project;  // project ids sort like their positions
  for (size_t p = root_index; p < projects; ++p) {
    handoff::Project& project = out.spec.projects[p];
    project.start = first_start;
    for (handoff::Milestone& ms : project.milestones) {
      // Keep links within the root project and the cone projects only.
      std::erase_if(ms.depends_on, [&](const handoff::Dependency& d) {
        return d.id.value().compare(0, root_prefix.size(), root_prefix) < 0;
      });
    }
    if (p == root_index) {
      project.milestones[0].duration_days = root_duration_days;
    } else {
      handoff::Milestone& head = project.milestones[0];
      const bool linked =
          std::any_of(head.depends_on.begin(), head.depends_on.end(),
                      [&](const handoff::Dependency& d) { return d.id.value() == out.root; });
      if (!linked) head.depends_on.push_back({handoff::MilestoneId(out.root), 0});
    }
  }
  return out;
}

}  // namespace handoff_bench

#endif  // HANDOFF_BENCHMARKS_PORTFOLIO_GENERATOR_H_
