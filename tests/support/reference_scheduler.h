// A deliberately simple scheduler for tests: it implements spec SCHEDULING.md literally, with a
// day-by-day calendar and fixed-point iteration instead of working-day ordinals and a
// topological order, so that it shares no algorithm with the library it checks.
#ifndef HANDOFF_TESTS_SUPPORT_REFERENCE_SCHEDULER_H_
#define HANDOFF_TESTS_SUPPORT_REFERENCE_SCHEDULER_H_

#include <algorithm>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "handoff/model.h"

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

inline RefSchedule ReferenceSchedule(const PortfolioSpec& spec) {
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
  // W: enough working days from the earliest start on.
  Date last_start = origin;
  for (auto& [id, s] : start_of) last_start = std::max(last_start, s);
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

  std::map<std::string, int> es, ef;
  for (auto& [id, m] : ms) {
    es[id] = 2 * idx(start_of[m.project]);
    ef[id] = m.d > 0 ? 2 * (first(es[id]) + m.d - 1) + 1 : es[id];
  }
  for (bool changed = true; changed;) {
    changed = false;
    for (auto& [id, m] : ms) {
      int e = 2 * idx(start_of[m.project]);
      for (auto& [q, lag] : m.preds) e = std::max(e, plus(ef[q], lag));
      int f = m.d > 0 ? 2 * (first(e) + m.d - 1) + 1 : e;
      if (e != es[id] || f != ef[id]) {
        es[id] = e;
        ef[id] = f;
        changed = true;
      }
    }
  }
  std::map<std::string, int> end;
  for (auto& [id, m] : ms) end[m.project] = std::max(end[m.project], first(es[id]) + m.d);
  std::map<std::string, int> lf;
  for (auto& [id, m] : ms) lf[id] = end[m.project];
  for (bool changed = true; changed;) {
    changed = false;
    for (auto& [id, m] : ms) {
      int l = end[m.project];
      for (auto& [s, lag] : m.succs) l = std::min(l, lf[s] - ms[s].d - lag);
      if (l != lf[id]) {
        lf[id] = l;
        changed = true;
      }
    }
  }
  RefSchedule out;
  auto slack = [&](const std::string& id) { return lf[id] - ms[id].d - first(es[id]); };
  for (auto& [id, m] : ms) {
    RefRow r;
    if (m.d > 0) {
      r.start = W.at(first(es[id]));
      r.finish = W.at(first(es[id]) + m.d - 1);
    } else {
      r.start = r.finish = W.at(es[id] / 2);
    }
    r.slack = slack(id);
    r.critical = r.slack == 0;
    out.rows[id] = r;
  }
  for (const Project& p : spec.projects) {
    std::string cur;
    for (const Milestone& m : p.milestones) {
      const std::string& id = m.id.value();
      if (slack(id) == 0 && first(es[id]) + m.duration_days == end[p.id.value()] &&
          (cur.empty() || id < cur)) {
        cur = id;
      }
    }
    std::vector<std::string> path;
    while (!cur.empty()) {
      path.push_back(cur);
      std::string next;
      for (auto& [q, lag] : ms[cur].preds) {
        if (ms[q].project == p.id.value() && slack(q) == 0 &&
            first(es[q]) + ms[q].d + lag == first(es[cur]) && (next.empty() || q < next)) {
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
