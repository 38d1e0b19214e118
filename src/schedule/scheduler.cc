#include "src/schedule/scheduler.h"

#include <algorithm>
#include <deque>
#include <functional>
#include <limits>
#include <string>

#include "absl/container/flat_hash_map.h"
#include "src/internal/strings.h"

namespace handoff::internal {
namespace {

// Forgets what the latest dates were deferred from (s.late): they are all current.
void ClearLateDates(PortfolioState& s) {
  PortfolioState::LateDates& late = s.late;
  late.seeds.clear();
  late.ends.clear();
  late.seeded.Begin(s.milestones.size());
  late.ended.Begin(s.projects.size());
  late.pending.store(false, std::memory_order_release);
}

// The forecast of a milestone with progress (docs/scheduling.md, "Progress and forecast").
// `planned` is the plan's ES (project start and predecessors, no as-of floor); only a done
// milestone without an actual start uses it, for its start.
void ProgressedForward(PortfolioState& s, uint32_t m, int32_t planned) {
  const ProgressRec& p = s.progress.find(m)->second;
  const int32_t d = s.milestones[m].duration;
  const int32_t floor_day = s.floor >> 1;  // idx(A)
  int32_t start = p.start_day, finish = 0;
  switch (s.mode[m]) {
    case ForecastMode::kDone:
      // Done ignores predecessors and the floor: a task finished at the end of its finish day,
      // a checkpoint (no duration) at its start, as a planned checkpoint does, so one done on
      // its planned day moves nothing.
      finish = p.finish_day;
      if (start < 0) start = d > 0 ? PortfolioState::First(planned) : (planned >> 1);
      s.es[m] = 2 * std::min(start, finish);
      s.ef[m] = d > 0 ? 2 * finish + 1 : 2 * finish;
      return;
    case ForecastMode::kRemaining:
      finish = std::max(p.finish_day, floor_day);
      s.es[m] = 2 * std::min(start, finish);
      s.ef[m] = 2 * finish + 1;
      return;
    case ForecastMode::kStarted:
      s.es[m] = 2 * start;
      if (d > 0) {
        s.ef[m] = 2 * std::max(start + d - 1, floor_day) + 1;
      } else {
        // A started checkpoint keeps the checkpoint form: EF is START of its (floored) day.
        s.ef[m] = 2 * std::max(start, floor_day);
      }
      return;
    case ForecastMode::kPlan:
      break;
  }
}

// The forward rule of one milestone, the one place it is written: the full pass (over the flat
// links) and the incremental pass (over the graph) both call it. `for_each_pred(f)` calls
// f(predecessor, lag) for every active link into m.
template <typename ForEachPred>
inline void ForwardRule(PortfolioState& s, uint32_t m, ForEachPred&& for_each_pred) {
  const MilestoneRec& r = s.milestones[m];
  const ForecastMode mode = s.mode[m];
  if (mode == ForecastMode::kStarted || mode == ForecastMode::kRemaining) {
    ProgressedForward(s, m, 0);  // started: predecessors no longer bind
    return;
  }
  int32_t es = 2 * s.projects[r.project].start_index;
  for_each_pred([&](uint32_t q, int32_t lag) {
    const int32_t p = s.ef[q];
    // p (+) L: p itself for L = 0, else END(first(p) + L - 1).
    const int32_t cand = lag == 0 ? p : 2 * (PortfolioState::First(p) + lag - 1) + 1;
    if (cand > es) es = cand;
  });
  if (mode == ForecastMode::kPlan) [[likely]] {
    if (s.floor > es) es = s.floor;  // nothing not started starts before A
    s.es[m] = es;
    s.ef[m] = r.duration > 0 ? 2 * (PortfolioState::First(es) + r.duration - 1) + 1 : es;
    return;
  }
  ProgressedForward(s, m, es);
}

// The backward rule of one milestone: LFi from its successors' LSi and its project's end.
// `for_each_succ(f)` calls f(successor, lag) for every active link out of m.
template <typename ForEachSucc>
inline void BackwardRule(PortfolioState& s, uint32_t m, ForEachSucc&& for_each_succ) {
  int32_t lf = s.projects[s.milestones[m].project].end_i;
  for_each_succ([&](uint32_t t, int32_t lag) {
    const int32_t cand = s.LsI(t) - lag;
    if (cand < lf) lf = cand;
  });
  s.lf[m] = lf;
}

// The incremental pass's forward step. Returns false when the finish falls past the calendar's
// range.
inline bool ComputeForward(PortfolioState& s, uint32_t m, int32_t max_day) {
  ForwardRule(s, m, [&](auto&& f) { ForEachPredecessor(s, m, f); });
  return s.FinishDay(m) <= max_day;
}

inline void ComputeBackward(PortfolioState& s, uint32_t m) {
  BackwardRule(s, m, [&](auto&& f) { ForEachSuccessor(s, m, f); });
}

absl::Status OutOfRangeError(const PortfolioState& s, uint32_t m) {
  return absl::OutOfRangeError(
      Cat("milestone \"", s.milestones[m].id, "\": its finish would fall after 9999-12-31"));
}

int32_t ProjectEnd(const PortfolioState& s, const ProjectRec& p) {
  int32_t end = 0;
  for (uint32_t m : p.milestones) end = std::max(end, s.EfI(m));
  return end;
}

// The work list of an incremental pass: (topological position, milestone) items taken smallest
// position first (`kForward`) or largest first, over a heap kept in `heap` (scratch). One item
// is held outside the heap, so a chain of moves (take one, add its one successor) costs no heap
// operation.
template <bool kForward>
class WorkList {
 public:
  using Item = std::pair<uint32_t, uint32_t>;
  explicit WorkList(std::vector<Item>& heap) : heap_(heap) { heap_.clear(); }
  bool empty() const { return !held_ && heap_.empty(); }
  void Push(Item x) {
    if (!held_) {
      held_item_ = x;
      held_ = true;
      return;
    }
    heap_.push_back(x);
    std::push_heap(heap_.begin(), heap_.end(), Later);
  }
  // The first item (the list must not be empty).
  uint32_t Pop() {
    if (held_ && (heap_.empty() || Later(heap_.front(), held_item_))) {
      held_ = false;
      return held_item_.second;
    }
    std::pop_heap(heap_.begin(), heap_.end(), Later);
    const uint32_t m = heap_.back().second;
    heap_.pop_back();
    return m;
  }

 private:
  // The heap's order: true when a comes after b.
  static bool Later(const Item& a, const Item& b) {
    return kForward ? a.first > b.first : a.first < b.first;
  }
  std::vector<Item>& heap_;
  Item held_item_{};
  bool held_ = false;
};

uint32_t NextGeneration(PortfolioState& s) {
  if (s.stamp.size() < s.milestones.size()) ResizeWithRoom(s.stamp, s.milestones.size());
  if (++s.generation == 0) {  // wrapped: clear once every 2^32 traversals
    std::fill(s.stamp.begin(), s.stamp.end(), 0);
    s.generation = 1;
  }
  return s.generation;
}

std::vector<uint32_t> RotateToSmallestId(const PortfolioState& s, std::vector<uint32_t> cycle) {
  auto smallest = std::min_element(cycle.begin(), cycle.end(), [&](uint32_t a, uint32_t b) {
    return s.milestones[a].id < s.milestones[b].id;
  });
  std::rotate(cycle.begin(), smallest, cycle.end());
  return cycle;
}

}  // namespace

std::string FormatCycle(const PortfolioState& s, const std::vector<uint32_t>& cycle) {
  std::string out;
  for (uint32_t m : cycle) Append(&out, s.milestones[m].id, " -> ");
  Append(&out, s.milestones[cycle.front()].id);
  return out;
}

namespace {

// Rebuilds s.flat from the graph when a link edit made it stale.
void RefreshFlatLinks(PortfolioState& s) {
  if (!s.flat_stale && s.flat.pred_begin.size() == s.milestones.size() + 1) return;
  PortfolioState::FlatLinks& f = s.flat;
  const size_t n = s.milestones.size();
  f.pred_begin.assign(1, 0);
  f.succ_begin.assign(1, 0);
  f.preds.clear();
  f.succs.clear();
  f.pred_lag.clear();
  f.succ_lag.clear();
  f.pred_begin.reserve(n + 1);
  f.succ_begin.reserve(n + 1);
  for (uint32_t m = 0; m < n; ++m) {
    ForEachGraphPredecessor(s, m, [&](uint32_t q, int32_t lag) {
      f.preds.push_back(q);
      f.pred_lag.push_back(lag);
    });
    f.pred_begin.push_back(static_cast<uint32_t>(f.preds.size()));
    ForEachGraphSuccessor(s, m, [&](uint32_t t, int32_t lag) {
      f.succs.push_back(t);
      f.succ_lag.push_back(lag);
    });
    f.succ_begin.push_back(static_cast<uint32_t>(f.succs.size()));
  }
  f.preds.shrink_to_fit();
  f.succs.shrink_to_fit();
  f.pred_lag.shrink_to_fit();
  f.succ_lag.shrink_to_fit();
  s.flat_patched.assign(n, 0);
  s.flat_stale = false;
}

}  // namespace

std::vector<uint32_t> ComputeTopoOrder(PortfolioState& s) {
  RefreshFlatLinks(s);
  const PortfolioState::FlatLinks& f = s.flat;
  const size_t n = s.milestones.size();
  std::vector<uint32_t> indegree(n);
  for (uint32_t m = 0; m < n; ++m) indegree[m] = f.pred_begin[m + 1] - f.pred_begin[m];
  LargeVector<uint32_t> order;
  std::vector<uint32_t> stack;
  ReserveWithRoom(order, n);
  // A stack rather than a queue: a milestone's successors follow it closely, so the passes
  // that walk this order touch one project's data at a time.
  for (uint32_t m = static_cast<uint32_t>(n); m-- > 0;) {
    if (indegree[m] == 0) stack.push_back(m);
  }
  while (!stack.empty()) {
    const uint32_t m = stack.back();
    stack.pop_back();
    order.push_back(m);
    for (uint32_t k = f.succ_begin[m + 1]; k-- > f.succ_begin[m];) {
      if (--indegree[f.succs[k]] == 0) stack.push_back(f.succs[k]);
    }
  }
  if (order.size() == n) {
    ResizeWithRoom(s.topo_pos, n);
    for (uint32_t i = 0; i < n; ++i) s.topo_pos[order[i]] = i;
    s.topo_order = std::move(order);
    return {};
  }
  // Every milestone left has a predecessor that is left too: walk "depends on" edges from the
  // first one until a milestone repeats; the loop is a cycle.
  uint32_t start = 0;
  while (indegree[start] == 0) ++start;
  absl::flat_hash_map<uint32_t, size_t> seen;
  std::vector<uint32_t> walk;
  uint32_t v = start;
  while (!seen.contains(v)) {
    seen[v] = walk.size();
    walk.push_back(v);
    uint32_t next = kNone;
    ForEachPredecessor(s, v, [&](uint32_t q, int32_t) {
      if (next == kNone && indegree[q] != 0) next = q;
    });
    v = next;
  }
  std::vector<uint32_t> cycle(walk.begin() + static_cast<ptrdiff_t>(seen[v]), walk.end());
  return RotateToSmallestId(s, std::move(cycle));
}

absl::Status FullSchedule(PortfolioState& s, uint32_t* failed) {
  RefreshFlatLinks(s);
  const PortfolioState::FlatLinks& f = s.flat;
  const size_t n = s.milestones.size();
  for (LargeVector<int32_t>* values : {&s.es, &s.ef, &s.lf}) ResizeWithRoom(*values, n);
  ResizeWithRoom(s.mode, n, ForecastMode::kPlan);
  ResizeWithRoom(s.status, n, MilestoneStatus::kNotStarted);
  // Every key is at or above the floor after a full pass: the as-of index starts empty.
  s.as_of_index.Reset(s.floor, s.floor);
  const int32_t max_day = s.calendar->MaxIndex();
  for (uint32_t m : s.topo_order) {
    ForwardRule(s, m, [&](auto&& visit) {
      for (uint32_t k = f.pred_begin[m]; k < f.pred_begin[m + 1]; ++k) {
        visit(f.preds[k], f.pred_lag[k]);
      }
    });
    if (s.FinishDay(m) > max_day) {
      if (failed != nullptr) *failed = m;
      return OutOfRangeError(s, m);
    }
  }
  for (ProjectRec& p : s.projects) p.end_i = ProjectEnd(s, p);
  for (auto it = s.topo_order.rbegin(); it != s.topo_order.rend(); ++it) {
    const uint32_t m = *it;
    BackwardRule(s, m, [&](auto&& visit) {
      for (uint32_t k = f.succ_begin[m]; k < f.succ_begin[m + 1]; ++k) {
        visit(f.succs[k], f.succ_lag[k]);
      }
    });
  }
  ClearLateDates(s);  // every latest date is current
  return absl::OkStatus();
}

void BeginChange(PortfolioState& s) {
  s.undo.clear();
  s.project_undo.clear();
  if (s.touched.size() < s.milestones.size()) ResizeWithRoom(s.touched, s.milestones.size());
  if (++s.change_generation == 0) {
    std::fill(s.touched.begin(), s.touched.end(), 0);
    s.change_generation = 1;
  }
}

void Touch(PortfolioState& s, uint32_t m) {
  if (s.touched[m] == s.change_generation) return;
  s.touched[m] = s.change_generation;
  s.undo.push_back(UndoEntry{m, s.es[m], s.ef[m], s.lf[m], s.StartDay(m), s.FinishDay(m)});
}

void RollBack(PortfolioState& s) {
  for (auto it = s.undo.rbegin(); it != s.undo.rend(); ++it) {
    s.es[it->milestone] = it->es;
    s.ef[it->milestone] = it->ef;
    s.lf[it->milestone] = it->lf;
  }
  for (auto it = s.project_undo.rbegin(); it != s.project_undo.rend(); ++it) {
    s.projects[it->first].end_i = it->second;
  }
  s.undo.clear();
  s.project_undo.clear();
}

namespace {

// The backward pass: LFi in reverse topological order (a max-heap on position). Starts from the
// projects whose end moved (from the old end given: LFi = min(end(P), successors' bounds) moves
// with the end only where the end binds: a later end frees the milestones it bound, LFi == the
// old end; an earlier end binds those past it) and from `seeds` with their predecessors (a
// seed's latest start may have moved, its duration, links or working time EFi - ESi changed,
// whether or not its LFi moves). A milestone whose LFi moves queues its predecessors. `touch`:
// record undo entries (an edit's pass). Returns how many milestones it recomputed.
size_t Backward(PortfolioState& s, absl::Span<const std::pair<uint32_t, int32_t>> ends,
                absl::Span<const uint32_t> seeds, bool touch) {
  const uint32_t gen = NextGeneration(s);
  WorkList<false> backward(s.reforecast_heap);
  auto push_backward = [&](uint32_t m) {
    if (s.stamp[m] == gen) return;
    s.stamp[m] = gen;
    backward.Push({s.topo_pos[m], m});
  };
  for (const auto& [p, old_end] : ends) {
    const ProjectRec& rec = s.projects[p];
    const int32_t end = rec.end_i;
    if (end == old_end) continue;
    for (uint32_t m : rec.milestones) {
      if (end > old_end ? s.lf[m] == old_end : s.lf[m] > end) push_backward(m);
    }
  }
  for (uint32_t m : seeds) {
    push_backward(m);
    ForEachPredecessor(s, m, [&](uint32_t q, int32_t) { push_backward(q); });
  }
  size_t recomputed = 0;
  while (!backward.empty()) {
    const uint32_t m = backward.Pop();
    ++recomputed;
    if (touch) Touch(s, m);
    int32_t old_lf = s.lf[m];
    ComputeBackward(s, m);
    if (s.lf[m] != old_lf) ForEachPredecessor(s, m, [&](uint32_t q, int32_t) { push_backward(q); });
  }
  return recomputed;
}

// Runs the deferred backward pass (if any) and clears what it started from. Returns how many
// milestones it recomputed.
size_t RunLateDates(PortfolioState& s, bool touch) {
  PortfolioState::LateDates& late = s.late;
  if (!late.pending.load(std::memory_order_relaxed)) return 0;
  // Seeds of a change later rolled back (a new milestone's ordinal) may be gone.
  std::erase_if(late.seeds, [&](uint32_t m) { return m >= s.milestones.size(); });
  const size_t recomputed = Backward(s, late.ends, late.seeds, touch);
  ClearLateDates(s);
  return recomputed;
}

}  // namespace

void EnsureLateDates(const PortfolioState& s) {
  if (!s.late.pending.load(std::memory_order_acquire)) return;
  // The state is never created const: a reader may complete the deferred pass, which only
  // writes s.lf, the pass's scratch and `late`, none of which another const reader uses
  // without going through here.
  PortfolioState& mutable_state = const_cast<PortfolioState&>(s);
  std::lock_guard<std::mutex> lock(mutable_state.late.mu);
  RunLateDates(mutable_state, /*touch=*/false);
}

absl::StatusOr<ScheduleDelta> Reforecast(PortfolioState& s,
                                         absl::Span<const uint32_t> forward_seeds,
                                         absl::Span<const uint32_t> backward_seeds, bool moved_ids,
                                         bool defer_backward) {
  ScheduleDelta delta;
  const int32_t max_day = s.calendar->MaxIndex();
  // Scratch kept in the state, so a small change allocates nothing.
  std::vector<uint32_t>& projects = s.reforecast_projects;  // finishes may have moved
  std::vector<uint32_t>& reshaped = s.reforecast_reshaped;  // working time EFi - ESi changed
  projects.clear();
  reshaped.clear();
  // Per project in `projects`: the largest EFi a milestone moved to, and whether a milestone
  // that was at the end moved earlier (then the end needs a scan of the project).
  s.project_marks.Begin(s.projects.size());
  if (s.project_moved_max.size() < s.projects.size()) {
    s.project_moved_max.resize(s.projects.size(), 0);
    s.project_rescan.resize(s.projects.size(), 0);
  }

  // Forward: in topological order (a min-heap on position), from the seeds through every
  // milestone whose predecessor's finish point moved.
  uint32_t gen = NextGeneration(s);
  WorkList<true> forward(s.reforecast_heap);
  auto push_forward = [&](uint32_t m) {
    if (s.stamp[m] == gen) return;
    s.stamp[m] = gen;
    forward.Push({s.topo_pos[m], m});
  };
  for (uint32_t m : forward_seeds) push_forward(m);
  while (!forward.empty()) {
    const uint32_t m = forward.Pop();
    ++delta.recomputed;
    Touch(s, m);
    int32_t old_es = s.es[m], old_ef = s.ef[m];
    if (!ComputeForward(s, m, max_day)) {
      absl::Status error = OutOfRangeError(s, m);
      RollBack(s);
      return error;
    }
    if (s.es[m] == old_es && s.ef[m] == old_ef) continue;
    {
      using P = PortfolioState;
      const uint32_t p = s.milestones[m].project;
      if (s.project_marks.Mark(p)) {
        s.project_moved_max[p] = 0;
        s.project_rescan[p] = 0;
        projects.push_back(p);
      }
      const int32_t efi = P::First(s.ef[m]), old_efi = P::First(old_ef);
      s.project_moved_max[p] = std::max(s.project_moved_max[p], efi);
      if (old_efi == s.projects[p].end_i && efi < old_efi) s.project_rescan[p] = 1;
    }
    if (s.ef[m] != old_ef) ForEachSuccessor(s, m, [&](uint32_t t, int32_t) { push_forward(t); });
    // A forecast can change a milestone's working time (an actual start, the floor on a
    // finish): its latest start moves with it, so its predecessors are recomputed backward.
    using P = PortfolioState;
    if (P::First(s.ef[m]) - P::First(s.es[m]) != P::First(old_ef) - P::First(old_es)) {
      reshaped.push_back(m);
    }
    // Its mode is the one it had before the change (UpdateProgress indexes its own milestone).
    NoteFloorKeyMove(s, m, s.mode[m] == ForecastMode::kPlan ? old_es : old_ef);
  }
  std::sort(projects.begin(), projects.end());

  // The backward pass's starting points join those deferred since the last flush: each moved
  // project's end at the last flush, the seeds and the milestones whose working time changed
  // (both recomputed with their predecessors). One pass over them all is the same as a pass
  // after each change: it recomputes whatever any of them could have moved.
  PortfolioState::LateDates& late = s.late;
  late.seeded.Grow(s.milestones.size());
  late.ended.Grow(s.projects.size());
  // A project's end (the largest EFi of its milestones) moves only when an EFi does: later when
  // one passes it, earlier only when one at the end moved earlier (then the project is scanned).
  for (uint32_t p : projects) {
    ProjectRec& rec = s.projects[p];
    const int32_t old_end = rec.end_i;
    const int32_t end =
        s.project_rescan[p] ? ProjectEnd(s, rec) : std::max(old_end, s.project_moved_max[p]);
    if (end == old_end) continue;
    s.project_undo.emplace_back(p, old_end);
    rec.end_i = end;
    if (late.ended.Mark(p)) late.ends.emplace_back(p, old_end);
  }
  auto note = [&](uint32_t m) {
    if (late.seeded.Mark(m)) late.seeds.push_back(m);
  };
  for (uint32_t m : backward_seeds) note(m);
  for (uint32_t m : reshaped) note(m);
  if (!late.seeds.empty() || !late.ends.empty()) {
    late.pending.store(true, std::memory_order_relaxed);
  }
  if (!defer_backward) delta.recomputed += RunLateDates(s, /*touch=*/true);

  s.last_moved.clear();
  for (const UndoEntry& u : s.undo) {
    if (s.StartDay(u.milestone) != u.start_day || s.FinishDay(u.milestone) != u.finish_day) {
      s.last_moved.push_back(u.milestone);
    }
  }
  // Ids are sorted only when asked for: comparing strings of scattered milestones was a quarter
  // of a large re-forecast, and the library's own callers need order only among the few moves
  // they report.
  if (moved_ids) ReportMovedIds(s, &delta);
  // The change is committed: stale entries of the as-of index may go now (never during a
  // change, which might still roll back to the keys they hold).
  PortfolioState::AsOfIndex& index = s.as_of_index;
  if (index.size > 2 * index.live + 16) CompactAsOfIndex(s);
  return delta;
}

void ReportMovedIds(PortfolioState& s, ScheduleDelta* delta) {
  std::sort(s.last_moved.begin(), s.last_moved.end(),
            [&](uint32_t a, uint32_t b) { return s.milestones[a].id < s.milestones[b].id; });
  delta->moved.reserve(delta->moved.size() + s.last_moved.size());
  for (uint32_t m : s.last_moved) delta->moved.emplace_back(s.milestones[m].id);
}

void NoteFloorKey(PortfolioState& s, uint32_t m) {
  NoteFloorKeyMove(s, m, std::numeric_limits<int32_t>::max());
}

void NoteFloorKeyMove(PortfolioState& s, uint32_t m, int32_t old_key) {
  if (s.mode[m] == ForecastMode::kDone) return;
  const int32_t key = s.FloorKey(m);
  // An old key at or past the threshold had no entry, and the new one is lower if it is below.
  if (key >= s.as_of_index.threshold || key >= old_key) return;
  s.as_of_index.Add(key, m);
}

namespace {

// Whether (key, m) is the first bound of m met in generation `gen` that still holds (m is not
// done, its key is at or above `key`); stamps m when it is.
bool FirstBound(PortfolioState& s, int32_t key, uint32_t m, uint32_t gen) {
  if (s.stamp[m] == gen || s.mode[m] == ForecastMode::kDone || s.FloorKey(m) < key) return false;
  s.stamp[m] = gen;
  return true;
}

}  // namespace

void CompactAsOfIndex(PortfolioState& s) {
  PortfolioState::AsOfIndex& index = s.as_of_index;
  const uint32_t gen = NextGeneration(s);
  // The entries name milestones at random over the whole portfolio (a few reads each): their
  // reads start kAhead entries early, so that they overlap instead of missing one by one.
  constexpr size_t kAhead = 16;
  size_t total = 0;
  for (auto& bucket : index.buckets) {
    const size_t n = bucket.size();
    size_t kept = 0;
    for (size_t i = 0; i < n; ++i) {
      if (i + kAhead < n) {
        const uint32_t ahead = bucket[i + kAhead].second;
        __builtin_prefetch(&s.stamp[ahead]);
        __builtin_prefetch(&s.mode[ahead]);
        __builtin_prefetch(&s.es[ahead]);
        __builtin_prefetch(&s.ef[ahead]);
      }
      const auto [key, m] = bucket[i];
      // Keep one bound per milestone not done (by the invariant, it has one).
      if (FirstBound(s, key, m, gen)) bucket[kept++] = {key, m};
    }
    bucket.resize(kept);
    total += kept;
  }
  index.size = index.live = total;
}

namespace {

// Refills the as-of index for a floor that passed its threshold: one scan of the portfolio.
// The new threshold is as far past the floor as a budget of entries (a quarter of the
// milestones) allows, at least one working day and at most kMaxWindow, so that daily calls
// rarely scan: on the benchmark's 1M milestones one scan serves a year of them.
void RebuildAsOfIndex(PortfolioState& s, int32_t floor) {
  constexpr int32_t kMaxWindow = 512;  // working days
  const size_t n = s.milestones.size();
  const size_t budget = n / 4 + 1;
  // Histogram of not-done milestones by working days from the floor to their key.
  std::vector<size_t> ahead(kMaxWindow + 1, 0);
  for (uint32_t m = 0; m < n; ++m) {
    if (s.mode[m] == ForecastMode::kDone) continue;
    const int32_t days = std::max(0, (s.FloorKey(m) - floor) >> 1);
    ++ahead[static_cast<size_t>(std::min(days, kMaxWindow))];
  }
  // The window holds the buckets [0, window): always the first (the milestones the floor binds
  // now), then as many as fit the budget.
  int32_t window = 1;
  for (size_t total = ahead[0];
       window < kMaxWindow && total + ahead[static_cast<size_t>(window)] <= budget; ++window) {
    total += ahead[static_cast<size_t>(window)];
  }
  PortfolioState::AsOfIndex& index = s.as_of_index;
  index.Reset(floor, floor + 2 * window);  // the keys below the floor go to bucket 0
  for (uint32_t m = 0; m < n; ++m) {
    if (s.mode[m] != ForecastMode::kDone && s.FloorKey(m) < index.threshold) {
      index.Add(s.FloorKey(m), m);
    }
  }
  index.live = index.size;
}

}  // namespace

std::vector<uint32_t> TakeFloorBound(PortfolioState& s, int32_t floor,
                                     std::vector<std::pair<int32_t, uint32_t>>* taken) {
  PortfolioState::AsOfIndex& index = s.as_of_index;
  if (floor > index.threshold) RebuildAsOfIndex(s, floor);
  std::vector<uint32_t> bound;
  std::vector<std::pair<int32_t, uint32_t>> again;  // bounds of keys that grew past the floor
  const uint32_t gen = NextGeneration(s);
  // The buckets of keys below the floor: bucket 0 (filtered: it may hold keys up to base), then
  // those of the keys from base + 1 to floor - 1.
  const size_t end =
      std::min(index.buckets.size(), static_cast<size_t>(std::max(1, floor - index.base)));
  for (size_t b = 0; b < end; ++b) {
    std::vector<std::pair<int32_t, uint32_t>>& bucket = index.buckets[b];
    size_t kept = 0;
    for (const auto& [key, m] : bucket) {
      if (key >= floor) {
        bucket[kept++] = {key, m};
        continue;
      }
      // Done, met already, or no longer a bound (the milestone has a lower entry).
      if (!FirstBound(s, key, m, gen)) continue;
      const int32_t now = s.FloorKey(m);
      if (now < floor) {
        taken->emplace_back(key, m);
        bound.push_back(m);
      } else if (now < index.threshold) {
        again.emplace_back(now, m);  // its key grew since: indexed again, at its key
      }
    }
    index.size -= bucket.size() - kept;
    bucket.resize(kept);
  }
  for (const auto& [key, m] : again) index.Add(key, m);
  return bound;
}

void RestoreFloorEntries(PortfolioState& s,
                         const std::vector<std::pair<int32_t, uint32_t>>& taken) {
  for (const auto& [key, m] : taken) s.as_of_index.Add(key, m);
}

std::vector<uint32_t> InsertLinkOrder(PortfolioState& s, uint32_t pred, uint32_t succ) {
  const uint32_t lower = s.topo_pos[succ], upper = s.topo_pos[pred];
  if (upper < lower) return {};
  // Forward from succ within [lower, upper]: reaching pred means pred already depends on succ.
  uint32_t gen = NextGeneration(s);
  absl::flat_hash_map<uint32_t, uint32_t> parent;
  std::vector<uint32_t> forward, stack = {succ};
  s.stamp[succ] = gen;
  while (!stack.empty()) {
    uint32_t v = stack.back();
    stack.pop_back();
    forward.push_back(v);
    bool cycle = false;
    ForEachSuccessor(s, v, [&](uint32_t t, int32_t) {
      if (cycle || s.stamp[t] == gen || s.topo_pos[t] > upper) return;
      s.stamp[t] = gen;
      parent[t] = v;
      if (t == pred) {
        cycle = true;
        return;
      }
      stack.push_back(t);
    });
    if (cycle) {
      // Path succ -> ... -> pred along successors; read as "depends on" it runs backwards, and
      // the new link closes it: succ depends on pred.
      std::vector<uint32_t> cyc = {succ};
      for (uint32_t w = pred; w != succ; w = parent[w]) cyc.push_back(w);
      return RotateToSmallestId(s, std::move(cyc));
    }
  }
  // Backward from pred within [lower, upper].
  std::vector<uint32_t> backward;
  stack = {pred};
  s.stamp[pred] = gen;
  while (!stack.empty()) {
    uint32_t v = stack.back();
    stack.pop_back();
    backward.push_back(v);
    ForEachPredecessor(s, v, [&](uint32_t q, int32_t) {
      if (s.stamp[q] == gen || s.topo_pos[q] < lower) return;
      s.stamp[q] = gen;
      stack.push_back(q);
    });
  }
  auto by_pos = [&](uint32_t a, uint32_t b) { return s.topo_pos[a] < s.topo_pos[b]; };
  std::sort(forward.begin(), forward.end(), by_pos);
  std::sort(backward.begin(), backward.end(), by_pos);
  std::vector<uint32_t> slots;
  slots.reserve(forward.size() + backward.size());
  for (uint32_t v : backward) slots.push_back(s.topo_pos[v]);
  for (uint32_t v : forward) slots.push_back(s.topo_pos[v]);
  std::sort(slots.begin(), slots.end());
  size_t i = 0;
  for (uint32_t v : backward) s.topo_pos[v] = slots[i++];
  for (uint32_t v : forward) s.topo_pos[v] = slots[i++];
  for (uint32_t v : backward) s.topo_order[s.topo_pos[v]] = v;
  for (uint32_t v : forward) s.topo_order[s.topo_pos[v]] = v;
  return {};
}

std::vector<uint32_t> CriticalPath(const PortfolioState& s, uint32_t p) {
  const ProjectRec& rec = s.projects[p];
  auto better = [&](uint32_t cand, uint32_t best) {
    return best == kNone || s.milestones[cand].id < s.milestones[best].id;
  };
  uint32_t current = kNone;
  for (uint32_t m : rec.milestones) {
    if (s.Critical(m) && s.EfI(m) == rec.end_i && better(m, current)) current = m;
  }
  std::vector<uint32_t> path;
  while (current != kNone) {
    path.push_back(current);
    uint32_t next = kNone;
    const int32_t es_i = s.EsI(current);
    ForEachPredecessor(s, current, [&](uint32_t q, int32_t lag) {
      if (s.milestones[q].project == p && s.Critical(q) && s.EfI(q) + lag == es_i &&
          better(q, next)) {
        next = q;
      }
    });
    current = next;
  }
  std::reverse(path.begin(), path.end());
  return path;
}

}  // namespace handoff::internal
