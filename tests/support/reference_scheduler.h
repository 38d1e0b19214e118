// A deliberately simple scheduler for tests: it implements spec SCHEDULING.md literally, with a
// day-by-day calendar and fixed-point iteration instead of working-day ordinals and a
// topological order, so that it shares no algorithm with the library it checks. It forecasts
// too: progress and the as-of date by the rules of docs/scheduling.md ("Progress and
// forecast"), each case written out on its own.
#ifndef HANDOFF_TESTS_SUPPORT_REFERENCE_SCHEDULER_H_
#define HANDOFF_TESTS_SUPPORT_REFERENCE_SCHEDULER_H_

#include <algorithm>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "handoff/model.h"
#include "handoff/portfolio.h"

namespace handoff::testing {

struct RefRow {
  Date start, finish;
  int slack = 0;
  bool critical = false;
};

struct RefSchedule {
  std::map<std::string, RefRow> rows;                        // by milestone id
  std::map<std::string, std::vector<std::string>> critical;  // by project id
};

// The progress state of one milestone as the test models it: the latest report, and the actual
// start (the date of the first in_progress report since the last not_started one).
struct RefProgress {
  MilestoneStatus status = MilestoneStatus::kNotStarted;
  Date reported_on;
  std::optional<int> remaining_days;
  std::optional<Date> finished_on;
  std::optional<Date> actual_start;
};

inline RefSchedule ReferenceSchedule(const PortfolioSpec& spec,
                                     const std::map<std::string, RefProgress>& progress = {},
                                     std::optional<Date> as_of = std::nullopt) {
  // Weekday names by boost's day_of_week (0 = Sunday).
  std::set<int> weekend;  // boost numbering
  for (Weekday w : spec.calendar.weekend) weekend.insert((static_cast<int>(w) + 1) % 7);
  std::set<Date> holidays(spec.calendar.holidays.begin(), spec.calendar.holidays.end());
  auto working = [&](Date d) {
    return !weekend.count(d.day_of_week().as_number()) && !holidays.count(d);
  };
  struct M {
    std::string id, project;
    int d;
    std::vector<std::pair<std::string, int>> preds;
    std::vector<std::pair<std::string, int>> succs;
  };
  std::map<std::string, M> ms;
  std::map<std::string, Date> start_of;
  Date origin(9999, 12, 31);
  long budget = 10;
  for (const Project& p : spec.projects) {
    start_of[p.id.value()] = p.start;
    origin = std::min(origin, p.start);
    for (const Milestone& m : p.milestones) {
      M& x = ms[m.id.value()];
      x.id = m.id.value();
      x.project = p.id.value();
      x.d = m.duration_days;
      budget += m.duration_days + 1;
      for (const Dependency& dep : m.depends_on) {
        x.preds.emplace_back(dep.id.value(), dep.lag_days);
        budget += dep.lag_days;
      }
    }
  }
  for (auto& [id, m] : ms) {
    for (auto& [q, lag] : m.preds) ms[q].succs.emplace_back(id, lag);
  }
  // W: enough working days from a little before the earliest date on.
  Date last_start = origin;
  for (auto& [id, s] : start_of) last_start = std::max(last_start, s);
  auto see = [&](Date d) {
    origin = std::min(origin, d);
    last_start = std::max(last_start, d);
  };
  for (auto& [id, p] : progress) {
    see(p.reported_on);
    if (p.finished_on) see(*p.finished_on);
    if (p.actual_start) see(*p.actual_start);
    if (p.remaining_days) budget += *p.remaining_days + 1;
  }
  if (as_of) see(*as_of);
  origin -= boost::gregorian::days(21);
  std::vector<Date> W;
  std::map<Date, int> index_of;
  const long need = budget + (last_start - origin).days() + 10;
  for (Date d = origin; static_cast<long>(W.size()) < need; d += boost::gregorian::days(1)) {
    if (working(d)) {
      index_of[d] = static_cast<int>(W.size());
      W.push_back(d);
    }
  }
  auto idx = [&](Date d) {
    while (!working(d)) d += boost::gregorian::days(1);
    return index_of.at(d);
  };
  auto first = [](int p) { return p % 2 == 0 ? p / 2 : p / 2 + 1; };
  auto plus = [&](int p, int lag) { return lag == 0 ? p : 2 * (first(p) + lag - 1) + 1; };

  // The last working day on or before d.
  auto back = [&](Date d) {
    while (!working(d)) d -= boost::gregorian::days(1);
    return index_of.at(d);
  };
  const int floor_day = as_of ? idx(*as_of) : 0;  // idx(A)

  // One milestone's forecast from `planned`, the plan's ES (project start and predecessors).
  struct Fc {
    int es, ef, start, finish;  // points, then working-day ordinals of the dates
  };
  auto forecast = [&](const std::string& id, const M& m, int planned) -> Fc {
    auto it = progress.find(id);
    const RefProgress* p = it == progress.end() ? nullptr : &it->second;
    const MilestoneStatus status = p ? p->status : MilestoneStatus::kNotStarted;
    if (status == MilestoneStatus::kDone) {
      // Finished on the last working day on or before its finish date: a task at the end of
      // that day, a checkpoint (no duration) at its start, as planned checkpoints are.
      const int k = back(p->finished_on.value_or(p->reported_on));
      int start =
          p->actual_start ? idx(*p->actual_start) : (m.d > 0 ? first(planned) : planned / 2);
      start = std::min(start, k);
      return {2 * start, m.d > 0 ? 2 * k + 1 : 2 * k, start, k};
    }
    if (status == MilestoneStatus::kInProgress && p->remaining_days) {
      const int r = *p->remaining_days;
      int k =
          r >= 1 ? idx(p->reported_on + boost::gregorian::days(1)) + r - 1 : back(p->reported_on);
      if (as_of) k = std::max(k, floor_day);
      const int start = std::min(idx(*p->actual_start), k);
      return {2 * start, 2 * k + 1, start, k};
    }
    if (p && p->actual_start &&
        (status == MilestoneStatus::kInProgress || status == MilestoneStatus::kBlocked)) {
      // The duration counts from the actual start.
      const int a = idx(*p->actual_start);
      int k = m.d > 0 ? a + m.d - 1 : a;
      if (as_of) k = std::max(k, floor_day);
      return {2 * a, m.d > 0 ? 2 * k + 1 : 2 * k, a, k};
    }
    // Not started: the plan, starting no earlier than A.
    int e = planned;
    if (as_of) e = std::max(e, 2 * floor_day);
    if (m.d > 0) return {e, 2 * (first(e) + m.d - 1) + 1, first(e), first(e) + m.d - 1};
    return {e, e, e / 2, e / 2};
  };

  std::map<std::string, int> es, ef;
  std::map<std::string, Fc> fc;
  for (auto& [id, m] : ms) {
    fc.insert_or_assign(id, forecast(id, m, 2 * idx(start_of[m.project])));
    es[id] = fc.at(id).es;
    ef[id] = fc.at(id).ef;
  }
  for (bool changed = true; changed;) {
    changed = false;
    for (auto& [id, m] : ms) {
      int e = 2 * idx(start_of[m.project]);
      for (auto& [q, lag] : m.preds) e = std::max(e, plus(ef[q], lag));
      Fc f = forecast(id, m, e);
      if (f.es != es[id] || f.ef != ef[id] || f.start != fc.at(id).start) {
        es[id] = f.es;
        ef[id] = f.ef;
        fc.insert_or_assign(id, f);
        changed = true;
      }
    }
  }
  // Working time: ESi = first(ES), EFi = first(EF).
  auto work = [&](const std::string& id) { return first(ef[id]) - first(es[id]); };
  std::map<std::string, int> end;
  for (auto& [id, m] : ms) end[m.project] = std::max(end[m.project], first(ef[id]));
  std::map<std::string, int> lf;
  for (auto& [id, m] : ms) lf[id] = end[m.project];
  for (bool changed = true; changed;) {
    changed = false;
    for (auto& [id, m] : ms) {
      int l = end[m.project];
      for (auto& [s, lag] : m.succs) l = std::min(l, lf[s] - work(s) - lag);
      if (l != lf[id]) {
        lf[id] = l;
        changed = true;
      }
    }
  }
  RefSchedule out;
  auto slack = [&](const std::string& id) { return lf[id] - work(id) - first(es[id]); };
  for (auto& [id, m] : ms) {
    RefRow r;
    r.start = W.at(fc.at(id).start);
    r.finish = W.at(fc.at(id).finish);
    r.slack = slack(id);
    r.critical = r.slack <= 0;
    out.rows[id] = r;
  }
  for (const Project& p : spec.projects) {
    std::string cur;
    for (const Milestone& m : p.milestones) {
      const std::string& id = m.id.value();
      if (slack(id) <= 0 && first(ef[id]) == end[p.id.value()] && (cur.empty() || id < cur)) {
        cur = id;
      }
    }
    std::vector<std::string> path;
    while (!cur.empty()) {
      path.push_back(cur);
      std::string next;
      for (auto& [q, lag] : ms[cur].preds) {
        if (ms[q].project == p.id.value() && slack(q) <= 0 &&
            first(ef[q]) + lag == first(es[cur]) && (next.empty() || q < next)) {
          next = q;
        }
      }
      cur = next;
    }
    std::reverse(path.begin(), path.end());
    out.critical[p.id.value()] = path;
  }
  return out;
}

}  // namespace handoff::testing

#endif  // HANDOFF_TESTS_SUPPORT_REFERENCE_SCHEDULER_H_
