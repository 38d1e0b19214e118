// Private: the storage behind handoff::Portfolio. The Boost.Graph adjacency_list holds every
// entity as a vertex; entity records live in per-kind tables indexed by dense ordinals; one
// IdIndex maps external ids to those ordinals; the schedule lives in per-milestone arrays.
#ifndef HANDOFF_SRC_GRAPH_PORTFOLIO_STATE_H_
#define HANDOFF_SRC_GRAPH_PORTFOLIO_STATE_H_

#include <algorithm>
#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string_view>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/hash/hash.h"
#include "boost/graph/adjacency_list.hpp"
#include "handoff/calendar.h"
#include "handoff/model.h"
#include "handoff/portfolio.h"
#include "src/internal/large_alloc.h"
#include "src/internal/marks.h"

namespace handoff::internal {

inline constexpr uint32_t kNone = 0xffffffffu;

// Interns strings in stable chunks so records and the id index can hold string_views that
// survive any growth of the tables.
class StringArena {
 public:
  std::string_view Intern(std::string_view s);

 private:
  static constexpr size_t kChunk = 64 * 1024;
  std::vector<std::unique_ptr<char[]>> chunks_;
  size_t used_ = 0;
  size_t capacity_ = 0;
};

// Kinds of vertices and edges. Values are part of the on-disk format; never renumber.
enum class NodeKind : uint8_t { kPerson = 0, kAccount = 1, kProject = 2, kMilestone = 3 };
enum class EdgeKind : uint8_t {
  kAccountProject = 0,    // account -> project
  kProjectMilestone = 1,  // project -> milestone
  kDependsOn = 2,         // predecessor milestone -> successor milestone (lag in Edge::lag)
  kPmOf = 3,              // person -> project
  kAeOf = 4,              // person -> account
  kOwnerOf = 5,           // person -> milestone
};

struct Node {
  NodeKind kind = NodeKind::kPerson;
  uint32_t index = kNone;  // ordinal in the table of its kind; kNone for an orphan (below)
};

struct Edge {
  EdgeKind kind = EdgeKind::kDependsOn;
  bool active = true;  // a removed link stays as an inactive edge: the graph only grows
  int32_t lag = 0;
};

// A vecS edge list keeps edges in one vector (no per-edge allocation). Its stored edges point
// at the vector object itself, so the graph must never be moved: PortfolioState holds it by
// unique_ptr.
//
// Orphan vertices. Portfolio::ApplyChange appends its new milestones (vertices and edges) before
// it re-forecasts; when that fails (OutOfRange) it pops their records, but their vertices stay:
// removing a vertex or an edge would renumber the vecS vertex and edge lists under every stored
// descriptor. An orphan is a milestone vertex with Node::index == kNone whose edges are all
// inactive (dependency edges, and its project and owner edges too). Nothing reads a vertex that
// is not reached from a record: the passes walk the links of record vertices and skip inactive
// edges, FindLink compares targets with record vertices, and no code iterates vertices(g) or
// the out-edges of people and projects. Orphans cost memory only; a later change may reuse the
// ids (the index entries and records are gone) and gets fresh vertices.
using Graph = boost::adjacency_list<boost::vecS, boost::vecS, boost::bidirectionalS, Node, Edge,
                                    boost::no_property, boost::vecS>;
using Vertex = Graph::vertex_descriptor;

struct PersonRec {
  std::string_view id, name;
  Role role = Role::kPm;
  uint32_t vertex = kNone;
};
struct AccountRec {
  std::string_view id, name, tier;
  uint32_t ae = kNone;  // person ordinal
  uint32_t vertex = kNone;
};
struct ProjectRec {
  std::string_view id, name;
  uint32_t account = kNone;  // account ordinal
  uint32_t pm = kNone;       // person ordinal
  Date start;
  int32_t start_index = 0;  // idx(start)
  uint32_t vertex = kNone;
  std::vector<uint32_t> milestones;  // milestone ordinals in spec order
  int32_t end_i = 0;                 // end(P): max EFi over the project's milestones
};
struct MilestoneRec {
  std::string_view id, name;
  uint32_t vertex = kNone;
  uint32_t project = kNone;
  uint32_t owner = kNone;  // person ordinal
  int32_t duration = 0;
  bool customer_visible = false;
};

// A set of ordinals into a record table, looked up by the records' string ids: 4 bytes a slot
// instead of a string key.
template <typename Rec>
class IdSet {
 public:
  explicit IdSet(const LargeVector<Rec>* table) : set_(0, Hash{table}, Eq{table}) {}
  // Returns the ordinal of `id`, or kNone.
  uint32_t Find(std::string_view id) const {
    auto it = set_.find(id);
    return it == set_.end() ? kNone : *it;
  }
  // Inserts ordinal `i` (whose record must already be in the table); false if its id exists.
  bool Insert(uint32_t i) { return set_.insert(i).second; }
  // Removes ordinal `i`; its record must still be in the table (the hash reads its id).
  void Erase(uint32_t i) { set_.erase(i); }
  void Reserve(size_t n) { set_.reserve(n); }

 private:
  struct Hash {
    using is_transparent = void;
    const LargeVector<Rec>* table;
    size_t operator()(uint32_t i) const { return absl::Hash<std::string_view>{}((*table)[i].id); }
    size_t operator()(std::string_view s) const { return absl::Hash<std::string_view>{}(s); }
  };
  struct Eq {
    using is_transparent = void;
    const LargeVector<Rec>* table;
    std::string_view Key(uint32_t i) const { return (*table)[i].id; }
    static std::string_view Key(std::string_view s) { return s; }
    template <typename A, typename B>
    bool operator()(const A& a, const B& b) const {
      return Key(a) == Key(b);
    }
  };
  absl::flat_hash_set<uint32_t, Hash, Eq> set_;
};

// How the forward pass forecasts a milestone, from its progress (docs/scheduling.md).
enum class ForecastMode : uint8_t {
  kPlan = 0,       // not started (or blocked before starting): the plan, floored by the as-of
  kStarted = 1,    // started, no remaining days: the duration counts from the actual start
  kRemaining = 2,  // in progress with remaining days: finishes on a known working day
  kDone = 3,       // finished on a known working day
};

// The progress of a milestone that has been reported on.
struct ProgressRec {
  Progress last;                     // the latest report
  std::optional<Date> actual_start;  // the first in_progress report since the last not_started
  int32_t start_day = -1;            // idx(actual_start), -1 without one
  int32_t finish_day = 0;            // kDone: the finish day; kRemaining: before the as-of floor
};

// One snapshot of a milestone's schedule values, for undo and for reporting moves.
struct UndoEntry {
  uint32_t milestone;
  int32_t es, ef, lf;
  int32_t start_day, finish_day;
};

class PortfolioState {
 public:
  PortfolioState()
      : people_index(&people),
        account_index(&accounts),
        project_index(&projects),
        milestone_index(&milestones) {}
  PortfolioState(const PortfolioState&) = delete;
  PortfolioState& operator=(const PortfolioState&) = delete;

  std::optional<WorkingCalendar> calendar;
  StringArena arena;
  std::unique_ptr<Graph> graph = std::make_unique<Graph>();

  LargeVector<PersonRec> people;
  LargeVector<AccountRec> accounts;
  LargeVector<ProjectRec> projects;
  LargeVector<MilestoneRec> milestones;

  // The one external-id index (ids are unique per kind).
  IdSet<PersonRec> people_index;
  IdSet<AccountRec> account_index;
  IdSet<ProjectRec> project_index;
  IdSet<MilestoneRec> milestone_index;

  // Per-milestone storage is reserved with room to grow (WithRoom): the first milestones a
  // change adds do not relocate the arrays of a freshly built million-milestone portfolio. The
  // tables a command reads at random are LargeVectors (src/internal/large_alloc.h): once large,
  // they sit in huge pages, so those reads rarely miss the TLB as well as the cache.
  // Schedule, per milestone ordinal. Points encode START(k) = 2k and END(k) = 2k+1.
  LargeVector<int32_t> es, ef;  // earliest start and finish points
  LargeVector<int32_t> lf;      // latest finish, in working-time instants (LFi); current only
                                // when `late` holds nothing (EnsureLateDates)
  // A topological order of milestones along active dependency edges, and each one's position.
  LargeVector<uint32_t> topo_order;
  LargeVector<uint32_t> topo_pos;

  // A flat (CSR) copy of the active links, by milestone ordinal, for the full passes: they walk
  // every link, and contiguous arrays keep that walk in cache where the adjacency lists do not.
  // Link edits mark it stale; the next full pass rebuilds it from the graph.
  struct FlatLinks {
    LargeVector<uint32_t> pred_begin, succ_begin;  // size milestones + 1
    LargeVector<uint32_t> preds, succs;            // milestone ordinals
    LargeVector<int32_t> pred_lag, succ_lag;
  } flat;
  bool flat_stale = true;
  // The incremental passes read links from `flat` too, except for milestones whose links changed
  // since it was built (marked 1 here by every link edit, for both ends) and milestones added
  // since (ordinals past the end): those read the graph. Sized and cleared by each rebuild.
  LargeVector<uint8_t> flat_patched;

  // Progress, per milestone ordinal (dense, one byte each) and per reported milestone.
  LargeVector<ForecastMode> mode;
  LargeVector<MilestoneStatus> status;
  absl::flat_hash_map<uint32_t, ProgressRec, absl::Hash<uint32_t>, std::equal_to<uint32_t>,
                      LargeAllocator<std::pair<const uint32_t, ProgressRec>>>
      progress;
  // The as-of date and its floor point START(idx(A)) (0 before the first SetAsOf).
  std::optional<Date> as_of;
  int32_t floor = 0;
  // The baseline, per milestone ordinal: start and finish working days.
  LargeVector<int32_t> baseline_start, baseline_finish;

  // The milestones the as-of floor may reach next: every milestone not done whose floor key
  // (FloorKey) is below `threshold` has an entry (key, ordinal) with a key at or below its own,
  // in the bucket of that key. So a milestone whose key grows (a slip) needs no new entry; one
  // whose key falls gets one. Entries may go stale (the milestone's key fell below theirs, or it
  // is done); they are checked when taken and dropped when the index is compacted. A full pass
  // empties it and sets `threshold` to the floor (no key is below the floor then); SetAsOf
  // refills it by a scan when the floor passes the threshold.
  // Keys are points below `threshold`, at most 2 * 512 past `base` (RebuildAsOfIndex), so the
  // buckets are indexed by key: adding an entry appends it to its bucket, where a heap would sift
  // it up, and a compaction filters the buckets in place, where a heap would be rebuilt.
  struct AsOfIndex {
    // Bucket b holds the entries with key base + b, except that bucket 0 holds every key up to
    // base (keys below the floor, from the scan of an as-of move or put back by a failed one).
    std::vector<std::vector<std::pair<int32_t, uint32_t>>> buckets =
        std::vector<std::vector<std::pair<int32_t, uint32_t>>>(1);
    int32_t base = 0;
    int32_t threshold = 0;
    size_t size = 0;  // entries in the buckets
    size_t live = 0;  // entries after the last scan or compaction

    // Empties the index, for keys from `floor` to below `new_threshold`.
    void Reset(int32_t floor, int32_t new_threshold) {
      for (auto& bucket : buckets) bucket.clear();
      base = floor;
      threshold = new_threshold;
      buckets.resize(static_cast<size_t>(std::max(1, threshold - base)));
      size = live = 0;
    }
    // Adds an entry; `key` must be below `threshold`.
    void Add(int32_t key, uint32_t m) {
      buckets[key > base ? static_cast<size_t>(key - base) : 0].emplace_back(key, m);
      ++size;
    }
  } as_of_index;

  // Scratch for incremental passes (generation-stamped so they never need clearing).
  LargeVector<uint32_t> stamp;  // visited / queued marks, one generation per traversal
  uint32_t generation = 0;
  LargeVector<uint32_t> touched;  // recorded in the undo log, one generation per change
  uint32_t change_generation = 0;
  std::vector<UndoEntry> undo;
  // The ordinals of the last change's ScheduleDelta::moved (the library's own callers read it
  // instead of the ids; ApplyChange filters both alike): in the same order when the change
  // reported ids, in no particular order after Reforecast with `moved_ids` false.
  std::vector<uint32_t> last_moved;
  // Reforecast's scratch: its heap of (topological position, milestone), the projects whose
  // ends may move, the milestones whose working time changed.
  std::vector<std::pair<uint32_t, uint32_t>> reforecast_heap;
  std::vector<uint32_t> reforecast_projects, reforecast_reshaped;
  Marks project_marks;  // projects already listed in reforecast_projects
  // Latest dates on demand (docs/scheduling.md "Latest dates on demand"): a progress report,
  // an as-of move or a change request re-forecasts forward and leaves its backward pass here; the
  // pass runs before the next read of a latest date (slack, critical; EnsureLateDates) or the next
  // plan edit.
  struct LateDates {
    LateDates() {
      seeded.Begin(0);
      ended.Begin(0);
    }
    std::vector<uint32_t> seeds;                     // recomputed with their predecessors
    Marks seeded;                                    // milestones in `seeds` (one round per flush)
    std::vector<std::pair<uint32_t, int32_t>> ends;  // (project, its end at the last flush)
    Marks ended;                                     // projects in `ends`
    std::atomic<bool> pending{false};
    std::mutex mu;  // const readers flush under it
  } late;
  std::vector<int32_t> project_moved_max;
  std::vector<uint8_t> project_rescan;
  std::vector<std::pair<uint32_t, int32_t>> project_undo;  // (project, old end_i)

  // Derived values. A progressed milestone always has an even ES (START of its start day), so
  // the start-day rule of a checkpoint and of a task agree on it. EF is END(finish day) for a
  // task, and ES (START or END of its day) for a checkpoint, so the finish day is EF >> 1.
  static int32_t First(int32_t point) { return (point + 1) >> 1; }
  int32_t StartDay(uint32_t m) const {
    return milestones[m].duration > 0 ? First(es[m]) : (es[m] >> 1);
  }
  int32_t FinishDay(uint32_t m) const { return ef[m] >> 1; }
  int32_t EsI(uint32_t m) const { return First(es[m]); }
  // EFi = first(EF): ESi + d for the plan, the effective working time for a forecast.
  int32_t EfI(uint32_t m) const { return First(ef[m]); }
  int32_t LsI(uint32_t m) const { return lf[m] - (EfI(m) - EsI(m)); }
  int32_t Slack(uint32_t m) const { return lf[m] - EfI(m); }
  bool Critical(uint32_t m) const { return Slack(m) <= 0; }
  // The point the as-of floor is compared with: ES for a milestone not started, EF for one
  // started (its finish day is before A exactly when EF < START(idx(A))).
  int32_t FloorKey(uint32_t m) const { return mode[m] == ForecastMode::kPlan ? es[m] : ef[m]; }
};

inline bool IsLink(const Edge& e) { return e.kind == EdgeKind::kDependsOn && e.active; }

// Calls f(predecessor ordinal, lag) for every active link into milestone m, from the graph.
template <typename F>
inline void ForEachGraphPredecessor(const PortfolioState& s, uint32_t m, F&& f) {
  const Graph& g = *s.graph;
  Graph::in_edge_iterator it, end;
  for (std::tie(it, end) = in_edges(s.milestones[m].vertex, g); it != end; ++it) {
    const Edge& e = g[*it];
    if (IsLink(e)) f(g[source(*it, g)].index, e.lag);
  }
}

// Calls f(successor ordinal, lag) for every active link out of milestone m, from the graph.
template <typename F>
inline void ForEachGraphSuccessor(const PortfolioState& s, uint32_t m, F&& f) {
  const Graph& g = *s.graph;
  Graph::out_edge_iterator it, end;
  for (std::tie(it, end) = out_edges(s.milestones[m].vertex, g); it != end; ++it) {
    const Edge& e = g[*it];
    if (IsLink(e)) f(g[target(*it, g)].index, e.lag);
  }
}

// The same, read from the flat copy where it holds m's current links (see
// PortfolioState::flat_patched), in the same order as the graph's lists.
template <typename F>
inline void ForEachPredecessor(const PortfolioState& s, uint32_t m, F&& f) {
  if (m < s.flat_patched.size() && s.flat_patched[m] == 0) {
    const PortfolioState::FlatLinks& flat = s.flat;
    for (uint32_t k = flat.pred_begin[m], end = flat.pred_begin[m + 1]; k < end; ++k) {
      f(flat.preds[k], flat.pred_lag[k]);
    }
    return;
  }
  ForEachGraphPredecessor(s, m, f);
}

template <typename F>
inline void ForEachSuccessor(const PortfolioState& s, uint32_t m, F&& f) {
  if (m < s.flat_patched.size() && s.flat_patched[m] == 0) {
    const PortfolioState::FlatLinks& flat = s.flat;
    for (uint32_t k = flat.succ_begin[m], end = flat.succ_begin[m + 1]; k < end; ++k) {
      f(flat.succs[k], flat.succ_lag[k]);
    }
    return;
  }
  ForEachGraphSuccessor(s, m, f);
}

// Marks milestone m's links as changed: call for both ends before a link edit.
inline void PatchLinks(PortfolioState& s, uint32_t m) {
  s.flat_stale = true;
  if (m < s.flat_patched.size()) s.flat_patched[m] = 1;
}

}  // namespace handoff::internal

#endif  // HANDOFF_SRC_GRAPH_PORTFOLIO_STATE_H_
