#include "handoff/workspace.h"

#include <algorithm>
#include <array>
#include <cassert>
#include <type_traits>
#include <utility>
#include <variant>

#include "absl/container/inlined_vector.h"
#include "absl/strings/cord.h"
#include "nlohmann/json.hpp"
#include "src/graph/portfolio_access.h"
#include "src/internal/json_text.h"
#include "src/internal/prefetch.h"
#include "src/internal/status_macros.h"
#include "src/internal/strings.h"
#include "src/io/json_reader.h"
#include "src/workspace/workspace_state.h"

namespace handoff {

using internal::Cat;
using internal::ClockState;
using internal::DeliveredList;
using internal::FeedbackRec;
using internal::IdIndex;
using internal::JsonString;
using internal::kNobody;
using internal::MessageDraft;
using internal::MessagePtr;
using internal::MilestoneInfo;
using internal::ProjectInfo;
using internal::Threshold;
using internal::ThresholdKind;
using internal::Timer;
using internal::TimerLater;
using internal::WorkspaceState;

namespace {

constexpr int kFirst = static_cast<int>(SlaClockKind::kFirstResponse);
constexpr int kResolution = static_cast<int>(SlaClockKind::kResolution);

std::string Quote(std::string_view s) { return JsonString(s); }

// Names the command field an error is about (see kErrorFieldPayload).
absl::Status WithField(absl::Status status, std::string_view field) {
  if (!field.empty()) status.SetPayload(kErrorFieldPayload, absl::Cord(std::string(field)));
  return status;
}

// Quote(name(value)) for each of an enum's `kCount` values, built once: messages carry these
// as JSON text.
template <typename E, size_t kCount, std::string_view (*kName)(E)>
const std::string& QuotedName(E value) {
  static const std::array<std::string, kCount> kQuoted = [] {
    std::array<std::string, kCount> out;
    for (size_t i = 0; i < kCount; ++i) out[i] = Quote(kName(static_cast<E>(i)));
    return out;
  }();
  return kQuoted[static_cast<size_t>(value)];
}
const std::string& Quoted(Priority v) { return QuotedName<Priority, 4, PriorityName>(v); }
const std::string& Quoted(FeedbackState v) {
  return QuotedName<FeedbackState, 6, FeedbackStateName>(v);
}
const std::string& Quoted(FeedbackKind v) {
  return QuotedName<FeedbackKind, 5, FeedbackKindName>(v);
}
const std::string& Quoted(Channel v) { return QuotedName<Channel, 4, ChannelName>(v); }
const std::string& Quoted(Health v) { return QuotedName<Health, 3, HealthName>(v); }
const std::string& Quoted(MilestoneStatus v) {
  return QuotedName<MilestoneStatus, 4, MilestoneStatusName>(v);
}
const std::string& Quoted(RiskSeverity v) {
  return QuotedName<RiskSeverity, 3, RiskSeverityName>(v);
}

bool IsOpenState(FeedbackState s) {
  return s != FeedbackState::kResolved && s != FeedbackState::kClosed;
}

// Why a forecast moved, as a recipient may see it.
struct Cause {
  enum Kind { kAsOf, kMilestone, kChange } kind = kAsOf;
  uint32_t milestone = kNobody;  // kMilestone
  uint32_t feedback = kNobody;   // kChange
  uint32_t account = kNobody;    // the account the cause belongs to
};

// Cache warming (hints: they change nothing). A command's ids are looked up in two steps: the
// index slots they hash to (PrefetchSlots); then, the slots having arrived, the records of the
// ordinals the slots name (IdIndex::Candidate), with what a progress report reads about its
// milestone (PrefetchRecords). Apply takes the first step on its own command, so that its
// lookups' misses overlap with one another; ApplyBatch takes the first step two commands
// ahead and the second one command ahead, so that a command's misses overlap with the work of
// the command before it.
enum class IdTable { kFeedback, kProject, kMilestone, kRisk };
template <typename F>
void VisitIds(const Command& c, F&& f) {
  std::visit(
      [&](const auto& p) {
        using P = std::decay_t<decltype(p)>;
        if constexpr (std::is_same_v<P, LogFeedback>) f(IdTable::kFeedback, p.id.value());
        if constexpr (requires { p.feedback.value(); }) f(IdTable::kFeedback, p.feedback.value());
        if constexpr (requires { p.project.value(); }) f(IdTable::kProject, p.project.value());
        if constexpr (requires { p.milestone.value(); }) {
          f(IdTable::kMilestone, p.milestone.value());
        }
        if constexpr (requires { p.risk.value(); }) f(IdTable::kRisk, p.risk.value());
      },
      c.payload);
}
const IdIndex& IndexOf(const WorkspaceState& s, IdTable t) {
  switch (t) {
    case IdTable::kFeedback:
      return s.feedback_index;
    case IdTable::kProject:
      return s.project_index;
    case IdTable::kMilestone:
      return s.milestone_index;
    case IdTable::kRisk:
      break;
  }
  return s.risk_index;
}
void PrefetchSlots(const WorkspaceState& s, const Command& c) {
  VisitIds(c, [&](IdTable t, const std::string& id) {
    if (!id.empty()) IndexOf(s, t).Prefetch(IdIndex::HashOf(id));
  });
}
void PrefetchRecords(const WorkspaceState& s, const Command& c) {
  const bool report = std::holds_alternative<UpdateMilestone>(c.payload);
  VisitIds(c, [&](IdTable t, const std::string& id) {
    if (id.empty()) return;
    const uint32_t i = IndexOf(s, t).Candidate(IdIndex::HashOf(id));
    switch (t) {
      case IdTable::kFeedback:
        if (i < s.feedback.size()) internal::PrefetchObject(s.feedback[i]);
        break;
      case IdTable::kProject:
        if (i < s.projects.size()) internal::PrefetchObject(s.projects[i]);
        break;
      case IdTable::kMilestone:
        if (i < s.milestones.size()) {
          internal::PrefetchObject(s.milestones[i]);
          if (report) internal::PortfolioAccess::PrefetchProgress(*s.portfolio, i);
        }
        break;
      case IdTable::kRisk:
        if (i < s.risks.size()) internal::PrefetchObject(s.risks[i]);
        break;
    }
  });
}

// One Apply: validation has passed when Begin() is called; everything after may mutate.
class Run {
 public:
  // The messages the command delivers are appended to `delivered` when there are sinks.
  // `looked_ahead`: ApplyBatch fetched the command's index slots and records already
  // (PrefetchSlots, PrefetchRecords).
  Run(WorkspaceState& s, const Command& c, DeliveredList* delivered, bool looked_ahead = false)
      : s_(s), c_(c), delivered_(s.sinks ? delivered : nullptr), looked_ahead_(looked_ahead) {}

  absl::Status Execute();

 private:
  // --- lookups and errors (no mutation) ---
  std::string Prefix() const { return Cat(CommandTypeName(c_), " by \"", c_.by, "\": "); }
  absl::Status NotFound(std::string_view entity, std::string_view id,
                        std::string_view field = "") const {
    return WithField(
        absl::NotFoundError(Cat(Prefix(), field.empty() ? "" : field, field.empty() ? "" : ": ",
                                entity, " \"", id, "\": unknown id")),
        field);
  }
  absl::Status Denied(std::string_view entity, std::string_view id, std::string_view rule) const {
    const internal::PersonInfo& who = s_.people[actor_];
    return absl::PermissionDeniedError(Cat(Prefix(), entity, " \"", id, "\": person \"", who.id,
                                           "\" (", RoleName(who.role), ") may not ",
                                           CommandTypeName(c_), ": ", rule));
  }
  absl::Status Precondition(std::string_view entity, std::string_view id,
                            std::string_view reason) const {
    return absl::FailedPreconditionError(Cat(Prefix(), entity, " \"", id, "\": ", reason));
  }
  absl::Status Invalid(std::string_view field, std::string_view reason) const {
    return WithField(absl::InvalidArgumentError(Cat(Prefix(), field, ": ", reason)), field);
  }
  // `hash` is IdIndex::HashOf(id).
  template <typename Table>
  absl::StatusOr<uint32_t> Find(const IdIndex& index, const Table& table, std::string_view entity,
                                const std::string& id, std::string_view field,
                                uint32_t hash) const {
    const uint32_t found = index.FindIn(table, id, hash);
    if (found == IdIndex::kNone) return NotFound(entity, id, field);
    return found;
  }
  template <typename Table>
  absl::StatusOr<uint32_t> Find(const IdIndex& index, const Table& table, std::string_view entity,
                                const std::string& id, std::string_view field) const {
    return Find(index, table, entity, id, field, IdIndex::HashOf(id));
  }
  bool IsPm(uint32_t project) const { return s_.projects[project].pm == actor_; }
  bool IsAe(uint32_t project) const {
    uint32_t a = s_.projects[project].account;
    return a != kNobody && s_.accounts[a].ae == actor_;
  }
  uint32_t AeOf(uint32_t project) const {
    uint32_t a = s_.projects[project].account;
    return a == kNobody ? kNobody : s_.accounts[a].ae;
  }
  absl::Status RequirePm(uint32_t project) const {
    if (IsPm(project)) return absl::OkStatus();
    return Denied("project", s_.projects[project].id, "only the project's PM may");
  }
  absl::Status RequireAe(uint32_t project) const {
    if (IsAe(project)) return absl::OkStatus();
    return Denied("project", s_.projects[project].id, "only the AE of the project's account may");
  }
  absl::Status RequirePmSide(const FeedbackRec& f) const {
    if (IsPm(f.project) || f.assignee == actor_) return absl::OkStatus();
    return Denied("feedback", f.id, "only the project's PM or the feedback's assignee may");
  }
  absl::Status RequireAeSide(const FeedbackRec& f) const {
    if (IsAe(f.project)) return absl::OkStatus();
    return Denied("feedback", f.id, "only the AE of the project's account may");
  }
  absl::StatusOr<uint32_t> FindFeedback(const FeedbackId& id) const {
    return Find(s_.feedback_index, s_.feedback, "feedback", id.value(), "feedback");
  }
  // A portfolio error as this command's error: the command prefix, and the field it names.
  // Portfolio messages name a change's field first ("durations/0/milestone: ...", with links
  // as "links/0/predecessor" for the event's "depends_on") or a progress value after the
  // milestone ("milestone \"X\": percent 150 ...").
  absl::Status PortfolioCheck(const absl::Status& status) const {
    if (status.ok()) return status;
    const std::string message(status.message());
    std::string field;
    const size_t colon = message.find(": ");
    if (colon != std::string::npos && message.substr(0, colon).find('/') != std::string::npos &&
        message.substr(0, colon).find(' ') == std::string::npos) {
      field = message.substr(0, colon);
      for (auto [from, to] :
           {std::pair<std::string_view, std::string_view>{"/predecessor", "/depends_on"},
            {"/successor", "/milestone"}}) {
        if (field.size() > from.size() && field.ends_with(from)) {
          field = field.substr(0, field.size() - from.size()) + std::string(to);
        }
      }
    } else if (colon != std::string::npos) {
      for (std::string_view name : {"percent", "remaining_days", "finished_on"}) {
        if (message.compare(colon + 2, name.size(), name) == 0) field = std::string(name);
      }
    }
    return WithField(absl::Status(status.code(), Cat(Prefix(), message)), field);
  }

  absl::Status OpenProject(uint32_t p) const {
    if (s_.projects[p].closed) return Precondition("project", s_.projects[p].id, "is closed");
    return absl::OkStatus();
  }

  // --- phases ---
  absl::Status Begin();
  void FireDue();
  void FireTimer(const Timer& t);
  void End();

  // --- SLA timers ---
  // Whether `t` is its clock's pending timer (not replaced since it was scheduled).
  bool Live(const Timer& t) const {
    const FeedbackRec& f = s_.feedback[t.feedback];
    return f.armed[static_cast<size_t>(t.clock())] &&
           internal::GenClock(f, t.clock()) == t.gen_clock;
  }
  // Fetches what firing the timers a little further on in a sorted batch reads (from `next`
  // on): a large tick is bound by the latency of these scattered records.
  void PrefetchTimer(const std::vector<Timer>& batch, size_t next) const {
    constexpr size_t kRecordAhead = 16, kRelatedAhead = 8;
    if (next + kRecordAhead < batch.size()) {
      internal::PrefetchObject(s_.feedback[batch[next + kRecordAhead].feedback]);
    }
    if (next + kRelatedAhead < batch.size()) {  // its record has arrived by now
      const FeedbackRec& f = s_.feedback[batch[next + kRelatedAhead].feedback];
      __builtin_prefetch(&s_.projects[f.project]);  // its first line: see ProjectInfo
      if (f.milestone != kNobody) __builtin_prefetch(&s_.milestones[f.milestone]);
      if (f.assignee != kNobody) __builtin_prefetch(&s_.people[f.assignee]);
    }
  }
  void PushTimer(const Timer& t) {
    s_.timers.push_back(t);
    std::push_heap(s_.timers.begin(), s_.timers.end(), s_.timer_later());
  }
  // The earliest live timer (stale entries on top are dropped); null when none.
  const Timer* TopTimer();
  // Schedules the next threshold of the clock to fire (after the last fired, as of `now`),
  // replacing its pending timer.
  // Returns the instant at which the clock's used time reaches that threshold when it had to be
  // computed (the threshold is not reached yet), with the threshold's position.
  struct Scheduled {
    size_t threshold = 0;
    std::optional<Instant> reaches;
  };
  // `used_now`, when known, is the clock's used time at `now`.
  Scheduled Schedule(uint32_t feedback, int clock, Instant now,
                     std::optional<int64_t> used_now = std::nullopt);
  void Schedule(uint32_t feedback, int clock) { Schedule(feedback, clock, c_.at); }

  // --- effects ---
  // A message to person `to` about `project` (built in place in its shared block).
  // (Its fields reuse the buffers of the pool's earlier messages: see MessageDraft.)
  MessageDraft NewMessage(Instant at, uint32_t to, std::string_view kind, uint32_t project) const;
  // A message at the command's instant to person `to` about feedback `f` (its project,
  // milestone and id set); the caller adds the fields and routes it. Null when `to` is nobody.
  MessageDraft FeedbackMessage(const FeedbackRec& f, uint32_t to, std::string_view kind) const;
  // Delivered messages are collected only for the sinks, if there are any.
  DeliveredList* Delivered() { return delivered_; }
  void Route(uint32_t to, MessageDraft m, bool sla = false) {
    s_.outbox.Route(to, std::move(m).Release(), sla, Delivered());
  }
  // Sets a milestone's baseline slip and status, keeping its project's slip counts.
  void SetSlipStatus(MilestoneInfo& mi, int32_t slip, MilestoneStatus status);
  std::string ComputedHealthReason(const ProjectInfo& p, Health computed) const;
  void SyncBreach(FeedbackRec& f);
  // The first SLA policy that fits the item's kind, priority and account tier; -1 for none.
  void SelectPolicy(FeedbackRec& f) const;
  // Tells the moves of the last portfolio change (PortfolioState::last_moved, milestone
  // ordinals in any order): notices in milestone id order.
  void ReportMoves(const std::vector<uint32_t>& moved, const Cause& cause, uint32_t quiet_account);
  const internal::PortfolioState& portfolio_state() const {
    return internal::PortfolioAccess::State(*s_.portfolio);
  }
  std::string CauseJson(const Cause& cause, uint32_t account) const;
  void UpdateHealth(uint32_t project, Instant at);
  void RiskMessages(uint32_t risk, const std::string& kind, const std::string& text);

  // --- handlers ---
  absl::Status Do(const LogFeedback& p);
  absl::Status Do(const RespondFeedback& p);
  absl::Status Do(const SetFeedbackState& p);
  absl::Status Do(const CustomerReplied& p);
  absl::Status Do(const ConfirmResolution& p);
  absl::Status Do(const ReopenFeedback& p);
  absl::Status Do(const SetFeedbackPriority& p);
  absl::Status Do(const UpdateMilestone& p);
  absl::Status Do(const RaiseRisk& p);
  absl::Status Do(const CloseRisk& p);
  absl::Status Do(const SetHealth& p);
  absl::Status Do(const AcceptChange& p);
  absl::Status Do(const RecordCost& p);
  absl::Status Do(const SetBaseline& p);
  absl::Status Do(const CloseProject& p);
  absl::Status Do(const RecordCsat& p);
  absl::Status Do(const LogTouchpoint& p);
  absl::Status Do(const LogOpportunity& p);
  absl::Status Do(const RecordRenewal& p);
  absl::Status Do(const Tick& p);

  WorkspaceState& s_;
  const Command& c_;
  uint32_t actor_ = kNobody;
  DeliveredList* const delivered_;
  const bool looked_ahead_;
  absl::InlinedVector<uint32_t, 8> touched_projects_;  // sorted and deduplicated by End()
  // Notes that `project`'s health may have changed. A re-forecast notes the project of every
  // milestone it moved, mostly runs of one project: a repeat of the last is not stored again.
  void TouchProject(uint32_t project) {
    if (touched_projects_.empty() || touched_projects_.back() != project) {
      touched_projects_.push_back(project);
    }
  }
  std::optional<std::vector<uint32_t>> time_moves_;
  // During FireDue, the timers scheduled after the command's instant wait in s_.later_timers
  // and join the heap when it ends (one heap construction when a tick schedules many of them).
  bool firing_ = false;
  bool begun_ = false;        // Begin ran (and fired what was due)
  bool due_now_ = false;      // a timer due at or before the command's instant was scheduled since
  bool rescheduled_ = false;  // a clock's pending timer was replaced
};

absl::Status Run::Execute() {
  if (s_.last && c_.at < *s_.last) {
    return WithField(absl::FailedPreconditionError(Cat(
                         Prefix(), "at ", FormatInstant(c_.at, s_.zone),
                         " is earlier than the last applied ", FormatInstant(*s_.last, s_.zone))),
                     "at");
  }
  if (!looked_ahead_) PrefetchSlots(s_, c_);
  actor_ = s_.person_index.FindIn(s_.people, c_.by.value());
  if (actor_ == IdIndex::kNone) {
    return WithField(absl::NotFoundError(Cat(Prefix(), "by: person \"", c_.by, "\": unknown id")),
                     "by");
  }
  HANDOFF_RETURN_IF_ERROR(std::visit([this](const auto& p) { return Do(p); }, c_.payload));
  End();
  return absl::OkStatus();
}

absl::Status Run::Begin() {
  begun_ = true;
  // The as-of date is the local date of the latest instant; most commands fall on a day
  // already seen, which one comparison tells.
  if (!s_.as_of || c_.at >= s_.next_day_start) {
    const Date today = LocalDate(c_.at, s_.zone);
    if (!s_.as_of || today > *s_.as_of) {
      absl::StatusOr<ScheduleDelta> moved =
          internal::PortfolioAccess::SetAsOf(*s_.portfolio, today, /*moved_ids=*/false);
      if (!moved.ok()) return moved.status();
      s_.as_of = today;
      if (!portfolio_state().last_moved.empty()) time_moves_ = portfolio_state().last_moved;
    }
    static const Date kEpoch(1970, 1, 1);
    const int64_t next_local = ((today - kEpoch).days() + 1) * 86400;
    s_.next_day_start = Instant{s_.zone.LocalToUtc(next_local)};
  }
  FireDue();
  return absl::OkStatus();
}

void Run::FireDue() {
  // Most commands find nothing due, which the heap's top (live or stale: every timer is at or
  // after it) and the next digest tell.
  if (!time_moves_ && s_.later_timers.empty()) {
    const std::vector<Timer>& heap = s_.timers;
    const std::optional<Instant> digest = s_.outbox.NextDigest();
    if ((heap.empty() || c_.at < heap.front().at) && (!digest || c_.at < *digest)) return;
  }
  // When many timers are due (a tick after a quiet spell), they are taken out of the heap in
  // one pass and sorted, instead of popped one by one from a large heap.
  constexpr int kPopsBeforeBatch = 32;
  std::vector<Timer> batch;  // due at or before c_.at, sorted, from `next_in_batch` on
  size_t next_in_batch = 0;
  std::vector<Timer>& later = s_.later_timers;  // empty between calls
  firing_ = true;
  int pops = 0;
  for (;;) {
    while (next_in_batch < batch.size() && !Live(batch[next_in_batch])) ++next_in_batch;
    const std::optional<Instant> digest = s_.outbox.NextDigest();
    const Timer* top = TopTimer();
    const bool from_batch = next_in_batch < batch.size() &&
                            (top == nullptr || s_.timer_later().before(batch[next_in_batch], *top));
    const Timer* next = from_batch ? &batch[next_in_batch] : top;
    if (next != nullptr && next->at <= c_.at && (!digest || next->at <= *digest)) {
      const Timer t = *next;
      s_.feedback[t.feedback].armed[static_cast<size_t>(t.clock())] = false;
      --s_.live_timers;
      if (from_batch) {
        ++next_in_batch;
        PrefetchTimer(batch, next_in_batch);
      } else {
        std::pop_heap(s_.timers.begin(), s_.timers.end(), s_.timer_later());
        s_.timers.pop_back();
        if (++pops == kPopsBeforeBatch && batch.empty()) {
          std::vector<Timer>& heap = s_.timers;
          auto due = std::partition(heap.begin(), heap.end(),
                                    [&](const Timer& x) { return c_.at < x.at; });
          batch.assign(due, heap.end());  // stale ones included: skipped when reached
          heap.erase(due, heap.end());
          std::make_heap(heap.begin(), heap.end(), s_.timer_later());
          // Not std::sort: on a heap's tail its introsort falls back to heapsort (a fifth of a
          // large tick).
          std::stable_sort(batch.begin(), batch.end(), s_.timer_later().before);
          later.reserve(later.size() + batch.size());  // a fired timer schedules at most one
          // One allocation for what the batch delivers (a timer tells one to three people),
          // rather than a doubling per power of two.
          if (DeliveredList* d = Delivered()) d->reserve(d->size() + 2 * batch.size());
        }
      }
      FireTimer(t);
    } else if (digest && *digest <= c_.at) {
      s_.outbox.FireDigests(*digest, s_.zone, Delivered());
    } else {
      break;
    }
  }
  firing_ = false;
  std::vector<Timer>& heap = s_.timers;
  if (later.size() > 64 && 8 * later.size() > heap.size()) {
    heap.insert(heap.end(), later.begin(), later.end());
    std::make_heap(heap.begin(), heap.end(), s_.timer_later());
  } else {
    for (const Timer& t : later) PushTimer(t);
  }
  later.clear();
  if (time_moves_) {
    const std::vector<uint32_t> moves = *std::move(time_moves_);
    time_moves_.reset();
    ReportMoves(moves, Cause{Cause::kAsOf}, kNobody);
  }
}

void Run::FireTimer(const Timer& t) {
  FeedbackRec& f = s_.feedback[t.feedback];
  const size_t ci = static_cast<size_t>(t.clock());
  internal::SlaClock& clock = f.clocks[ci];
  const size_t pi = static_cast<size_t>(f.policy);
  const Threshold& th = s_.policy_thresholds[pi][ci][f.next_threshold[ci]];
  clock.MarkFired(th);
  // The clock's next threshold; when the timer fired where the clock reached its threshold, the
  // used time is known.
  const Scheduled next = Schedule(t.feedback, t.clock(), t.at,
                                  f.exact[ci] ? std::optional<int64_t>(th.used) : std::nullopt);
  const SlaPolicy& policy = s_.policies[pi];
  const SlaClockKind kind = static_cast<SlaClockKind>(ci);
  const int64_t target = *internal::TargetSeconds(policy, kind);
  // After a warning, the next threshold is usually the breach: its instant is the due time.
  const std::optional<Instant> due =
      next.reaches && s_.policy_thresholds[pi][ci][next.threshold].used == target
          ? next.reaches
          : clock.InstantAtUsed(target, *s_.business_time);
  std::array<uint32_t, 3> to = {kNobody, kNobody, kNobody};
  const char* name = "";
  switch (th.kind) {
    case ThresholdKind::kWarning:
      name = "sla_warning";
      to = {f.assignee, kNobody, kNobody};
      break;
    case ThresholdKind::kBreach:
      name = "sla_breached";
      to = {f.assignee, AeOf(f.project), kNobody};
      break;
    case ThresholdKind::kEscalation:
      name = "escalated";
      to = {s_.policy_escalation[pi][th.level], f.assignee, AeOf(f.project)};
      break;
  }
  for (size_t i = 0; i < to.size(); ++i) {
    const uint32_t person = to[i];
    if (person == kNobody || std::find(to.begin(), to.begin() + i, person) != to.begin() + i) {
      continue;
    }
    auto m = NewMessage(t.at, person, name, f.project);
    if (f.milestone != kNobody) m->milestone = s_.milestones[f.milestone].id;
    m->feedback = f.id;
    m->clock.assign(SlaClockName(kind));
    m->due = due;
    m.AddField("priority", Quoted(f.priority));
    m.AddField("policy", s_.policy_quoted_names[pi]);
    if (th.kind == ThresholdKind::kEscalation) {
      m.AddInt("level", th.level + 1);
      m.AddString("escalated_to", s_.people[s_.policy_escalation[pi][th.level]].id);
    }
    Route(person, std::move(m), /*sla=*/true);
  }
  if (th.kind == ThresholdKind::kBreach) {
    SyncBreach(f);
    UpdateHealth(f.project, t.at);  // the project turns red when the breach happens
  }
}

void Run::End() {
  // Timers the command made due at or before its instant (Begin fired the others).
  if (!begun_ || due_now_) FireDue();
  std::sort(touched_projects_.begin(), touched_projects_.end());
  touched_projects_.erase(std::unique(touched_projects_.begin(), touched_projects_.end()),
                          touched_projects_.end());
  for (uint32_t p : touched_projects_) UpdateHealth(p, c_.at);
  // The top is live between commands (NextWakeup reads it): FireDue leaves it so, and only a
  // rescheduled clock can have made it stale since.
  if (rescheduled_) TopTimer();
  s_.last = c_.at;
}

const Timer* Run::TopTimer() {
  std::vector<Timer>& heap = s_.timers;
  while (!heap.empty()) {
    if (Live(heap.front())) return &heap.front();
    std::pop_heap(heap.begin(), heap.end(), s_.timer_later());
    heap.pop_back();
  }
  return nullptr;
}

MessageDraft Run::NewMessage(Instant at, uint32_t to, std::string_view kind,
                             uint32_t project) const {
  MessageDraft m = s_.message_pool.NewDraft();
  m->at = at;
  m->to = s_.people[to].person_id;
  m->kind = kind;
  const ProjectInfo& p = s_.projects[project];
  if (p.account != kNobody) m->account = s_.accounts[p.account].id;
  m->project = p.id;
  return m;
}

Run::Scheduled Run::Schedule(uint32_t fi, int c, Instant now, std::optional<int64_t> used_now) {
  FeedbackRec& f = s_.feedback[fi];
  const size_t ci = static_cast<size_t>(c);
  ++f.timer_gen[ci];  // its pending timer, if any, is stale now
  rescheduled_ = true;
  if (f.armed[ci]) {
    f.armed[ci] = false;
    --s_.live_timers;
  }
  std::vector<Timer>& heap = s_.timers;
  if (heap.size() > 2 * s_.live_timers + 1024) {  // drop the stale entries
    std::erase_if(heap, [&](const Timer& t) { return !Live(t); });
    std::make_heap(heap.begin(), heap.end(), s_.timer_later());
  }
  Scheduled out;
  if (f.policy < 0) return out;
  const internal::SlaClock& clock = f.clocks[ci];
  if (clock.state() == ClockState::kStopped) return out;
  const BusinessTime& bt = *s_.business_time;
  const int64_t used = used_now ? *used_now : clock.Used(now, bt);
  assert(used == clock.Used(now, bt));
  // Thresholds already reached fire now, in firing order; otherwise the one the clock reaches
  // first (thresholds fire in order of their used time, ties in firing order).
  const std::vector<Threshold>& thresholds =
      s_.policy_thresholds[static_cast<size_t>(f.policy)][ci];
  size_t next = thresholds.size();
  bool reached = false;
  for (size_t i = 0; i < thresholds.size(); ++i) {
    const Threshold& th = thresholds[i];
    if (clock.Fired(th)) continue;
    if (th.used <= used) {
      next = i;
      reached = true;
      break;
    }
    if (next == thresholds.size() || th.used < thresholds[next].used) next = i;
  }
  if (next == thresholds.size()) return out;
  Instant at = now;
  if (!reached) {
    if (clock.state() != ClockState::kRunning) return out;  // paused short of it
    const std::optional<Instant> when = clock.InstantAtUsed(thresholds[next].used, bt);
    if (!when) return out;
    out.threshold = next;
    out.reaches = when;
    at = std::max(*when, now);
  }
  // After `now`, the instant comes from the running segment: the used time there is exact.
  f.exact[ci] = !reached && now < at;
  f.next_threshold[ci] = static_cast<uint16_t>(next);
  const Timer timer{at, f.id_prefix, fi, internal::GenClock(f, c)};
  if (firing_ && c_.at < at) {
    s_.later_timers.push_back(timer);  // cannot fire in this FireDue: joins the heap after it
  } else {
    PushTimer(timer);
    if (!firing_ && at <= c_.at) due_now_ = true;  // End fires it
  }
  f.armed[ci] = true;
  ++s_.live_timers;
  return out;
}

void Run::SelectPolicy(FeedbackRec& f) const {
  const uint32_t account = s_.projects[f.project].account;
  const std::string_view tier =
      account == kNobody ? std::string_view() : std::string_view(s_.accounts[account].tier);
  f.policy = -1;
  for (size_t i = 0; i < s_.policies.size(); ++i) {
    if (SlaMatches(s_.policies[i], f.kind, f.priority, tier)) {
      f.policy = static_cast<int32_t>(i);
      return;
    }
  }
}

void Run::SyncBreach(FeedbackRec& f) {
  bool breached = false;
  for (const internal::SlaClock& c : f.clocks) {
    breached = breached || c.Fired(Threshold{ThresholdKind::kBreach, 0, 0});
  }
  const bool count = breached && IsOpenState(f.state);
  if (count != f.counted_breach) {
    s_.projects[f.project].open_breached_feedback += count ? 1 : -1;
    f.counted_breach = count;
    TouchProject(f.project);
  }
}

std::string Run::CauseJson(const Cause& cause, uint32_t account) const {
  switch (cause.kind) {
    case Cause::kAsOf:
      return R"({"kind":"as_of","description":"work not started or not finished by the as-of date"})";
    case Cause::kMilestone:
      if (cause.account == account) {
        const MilestoneInfo& m = s_.milestones[cause.milestone];
        return Cat(R"({"kind":"milestone","milestone":)", Quote(m.id), R"(,"status":)",
                   Quoted(m.status), "}");
      }
      return R"({"kind":"milestone","description":"a milestone in another account's project"})";
    case Cause::kChange:
      if (cause.account == account) {
        return Cat(R"({"kind":"change_request","feedback":)", Quote(s_.feedback[cause.feedback].id),
                   "}");
      }
      return R"({"kind":"change_request","description":"a change in another account's project"})";
  }
  return "null";
}

void Run::ReportMoves(const std::vector<uint32_t>& moved, const Cause& cause,
                      uint32_t quiet_account) {
  const WorkingCalendar& cal = s_.portfolio->calendar();
  const internal::PortfolioState& ps = portfolio_state();
  // (milestone, old finish day) of each notice; `moved` may be in any order, notices go out in
  // milestone id order.
  absl::InlinedVector<std::pair<uint32_t, int32_t>, 8> notices;
  for (const uint32_t m : moved) {
    MilestoneInfo& mi = s_.milestones[m];
    const int32_t old_day = mi.finish_day;
    const int32_t day = ps.FinishDay(m);
    SetSlipStatus(mi, day - ps.baseline_finish[m], mi.status);
    TouchProject(mi.project);
    if (old_day == day) continue;
    mi.finish_day = day;
    if (!mi.visible) continue;
    if (AeOf(mi.project) == kNobody || s_.projects[mi.project].account == quiet_account) continue;
    notices.emplace_back(m, old_day);
  }
  std::sort(notices.begin(), notices.end(), [&](const auto& a, const auto& b) {
    return s_.milestones[a.first].id < s_.milestones[b.first].id;
  });
  // The cause as each account may see it: notices to one account share the text.
  uint32_t cause_account = kNobody;
  std::string cause_json;
  for (const auto& [m, old_day] : notices) {
    const MilestoneInfo& mi = s_.milestones[m];
    const int32_t day = mi.finish_day;
    const Date old_finish = cal.DayAt(old_day), new_finish = cal.DayAt(day);
    const uint32_t account = s_.projects[mi.project].account;
    const uint32_t ae = AeOf(mi.project);
    auto m_out = NewMessage(c_.at, ae, "forecast_changed", mi.project);
    m_out->milestone = mi.id;
    m_out.AddString("old_finish", FormatIsoDate(old_finish));
    m_out.AddString("new_finish", FormatIsoDate(new_finish));
    m_out.AddInt("slip_days", day - old_day);
    m_out.AddInt("baseline_slip_days", mi.slip);
    if (cause_json.empty() || account != cause_account) {
      cause_json = CauseJson(cause, account);
      cause_account = account;
    }
    m_out.AddField("cause", cause_json);
    Route(ae, std::move(m_out));
  }
}

void Run::SetSlipStatus(MilestoneInfo& mi, int32_t slip, MilestoneStatus status) {
  ProjectInfo& p = s_.projects[mi.project];
  auto count = [&](int sign) {
    if (mi.status == MilestoneStatus::kDone) return;
    if (mi.slip >= 1) p.slipping += sign;
    if (mi.slip >= 5) p.slipping_5 += sign;
  };
  count(-1);
  mi.slip = slip;
  mi.status = status;
  count(+1);
}

std::string Run::ComputedHealthReason(const ProjectInfo& p, Health computed) const {
  if (computed == Health::kGreen) return "on plan";
  if (computed == Health::kRed && p.open_breached_feedback > 0) {
    return Cat(p.open_breached_feedback, " feedback item(s) with a breached SLA");
  }
  if (computed == Health::kRed && p.open_high_risks > 0) {
    return Cat(p.open_high_risks, " high-severity risk(s) open");
  }
  if (computed == Health::kAmber && p.open_risks > 0) return Cat(p.open_risks, " risk(s) open");
  // The slip: the first milestone (in project order) not done with the largest slip.
  int32_t max_slip = 0;
  const MilestoneInfo* slipping = nullptr;
  for (uint32_t m : p.milestones) {
    const MilestoneInfo& mi = s_.milestones[m];
    if (mi.status == MilestoneStatus::kDone) continue;
    if (mi.slip > max_slip) {
      max_slip = mi.slip;
      slipping = &mi;
    }
  }
  const std::string& id = slipping != nullptr ? slipping->id : p.id;
  return computed == Health::kRed ? Cat(id, " slips ", max_slip, " working days")
                                  : Cat(id, " slips ", max_slip, " working day(s)");
}

void Run::UpdateHealth(uint32_t pi, Instant at) {
  ProjectInfo& p = s_.projects[pi];
  Health computed = Health::kGreen;
  if (p.open_breached_feedback > 0 || p.open_high_risks > 0 || p.slipping_5 > 0) {
    computed = Health::kRed;
  } else if (p.open_risks > 0 || p.slipping > 0) {
    computed = Health::kAmber;
  }
  const Health effective = p.override_health.value_or(computed);
  const bool overridden = p.override_health.has_value();
  // The AE hears a new health, and any change of the override (set, dropped, new reason);
  // a computed reason that changes under the same health is not news.
  const bool news = effective != p.health || overridden != p.told_overridden ||
                    (overridden && p.override_reason != p.health_reason);
  const Health previous = p.health;
  p.health = effective;
  p.told_overridden = overridden;
  if (!news) return;
  std::string reason = overridden ? p.override_reason : ComputedHealthReason(p, computed);
  if (overridden) p.health_reason = p.override_reason;
  const uint32_t ae = AeOf(pi);
  if (ae == kNobody) return;
  auto m = NewMessage(at, ae, "health_changed", pi);
  m.AddField("health", Quoted(effective));
  m.AddField("previous", Quoted(previous));
  m.AddString("reason", reason);
  m.AddField("overridden", overridden ? "true" : "false");
  Route(ae, std::move(m));
}

MessageDraft Run::FeedbackMessage(const FeedbackRec& f, uint32_t to, std::string_view kind) const {
  if (to == kNobody) return MessageDraft();
  auto m = NewMessage(c_.at, to, kind, f.project);
  if (f.milestone != kNobody) m->milestone = s_.milestones[f.milestone].id;
  m->feedback = f.id;
  return m;
}

// --- AE -> PM ------------------------------------------------------------------------------

absl::Status Run::Do(const LogFeedback& p) {
  if (s_.feedback_index.ContainsIn(s_.feedback, p.id.value())) {
    return absl::AlreadyExistsError(Cat(Prefix(), "feedback \"", p.id, "\": duplicate id"));
  }
  HANDOFF_ASSIGN_OR_RETURN(uint32_t project, Find(s_.project_index, s_.projects, "project",
                                                  p.project.value(), "project"));
  HANDOFF_RETURN_IF_ERROR(RequireAe(project));
  HANDOFF_RETURN_IF_ERROR(OpenProject(project));
  uint32_t milestone = kNobody;
  if (!p.milestone.empty()) {
    HANDOFF_ASSIGN_OR_RETURN(milestone, Find(s_.milestone_index, s_.milestones, "milestone",
                                             p.milestone.value(), "milestone"));
    if (s_.milestones[milestone].project != project) {
      return Invalid("milestone",
                     Cat("milestone \"", p.milestone, "\" is not in project \"", p.project, "\""));
    }
  }
  uint32_t assignee = milestone != kNobody && s_.milestones[milestone].owner != kNobody
                          ? s_.milestones[milestone].owner
                          : s_.projects[project].pm;
  if (assignee == kNobody) {
    return Precondition("project", s_.projects[project].id,
                        "has no pm (and the milestone no owner) to assign the feedback to");
  }
  HANDOFF_RETURN_IF_ERROR(Begin());

  const uint32_t fi = static_cast<uint32_t>(s_.feedback.size());
  FeedbackRec& f = s_.feedback.emplace_back();
  f.id = p.id.value();
  f.id_prefix = internal::IdPrefix(f.id);
  f.project = project;
  f.milestone = milestone;
  f.kind = p.kind;
  f.channel = p.channel;
  f.priority = p.priority;
  f.text = p.text;
  f.assignee = assignee;
  f.logged_at = c_.at;
  f.clocks = {internal::SlaClock(c_.at), internal::SlaClock(c_.at)};
  SelectPolicy(f);
  s_.feedback_index.Insert(f.id, fi);
  Schedule(fi, kFirst);
  Schedule(fi, kResolution);

  auto m = FeedbackMessage(f, assignee, "feedback_logged");
  m.AddField("feedback_kind", Quoted(f.kind));
  m.AddField("channel", Quoted(f.channel));
  m.AddField("priority", Quoted(f.priority));
  m.AddString("text", f.text);
  if (f.policy >= 0) {
    const SlaPolicy& policy = s_.policies[static_cast<size_t>(f.policy)];
    if (auto target = internal::TargetSeconds(policy, SlaClockKind::kFirstResponse)) {
      m->clock = "first_response";
      m->due = f.clocks[kFirst].InstantAtUsed(*target, *s_.business_time);
    }
    m.AddField("policy", s_.policy_quoted_names[static_cast<size_t>(f.policy)]);
  }
  Route(assignee, std::move(m));
  TouchProject(project);
  return absl::OkStatus();
}

absl::Status Run::Do(const CustomerReplied& p) {
  HANDOFF_ASSIGN_OR_RETURN(uint32_t fi, FindFeedback(p.feedback));
  FeedbackRec& f = s_.feedback[fi];
  HANDOFF_RETURN_IF_ERROR(RequireAeSide(f));
  if (f.state != FeedbackState::kWaitingOnCustomer) {
    return Precondition("feedback", f.id,
                        Cat("is ", FeedbackStateName(f.state), ", not waiting_on_customer"));
  }
  HANDOFF_RETURN_IF_ERROR(Begin());
  f.state = FeedbackState::kInProgress;
  for (int c : {kFirst, kResolution}) {
    if (f.clocks[static_cast<size_t>(c)].state() == ClockState::kPaused) {
      f.clocks[static_cast<size_t>(c)].Run(c_.at);
      Schedule(fi, c);
    }
  }
  auto m = FeedbackMessage(f, f.assignee, "customer_replied");
  m.AddField("state", Quoted(f.state));
  m.AddString("text", p.text);
  Route(f.assignee, std::move(m));
  return absl::OkStatus();
}

absl::Status Run::Do(const ConfirmResolution& p) {
  HANDOFF_ASSIGN_OR_RETURN(uint32_t fi, FindFeedback(p.feedback));
  FeedbackRec& f = s_.feedback[fi];
  HANDOFF_RETURN_IF_ERROR(RequireAeSide(f));
  if (f.state != FeedbackState::kResolved) {
    return Precondition("feedback", f.id, Cat("is ", FeedbackStateName(f.state), ", not resolved"));
  }
  HANDOFF_RETURN_IF_ERROR(Begin());
  f.state = FeedbackState::kClosed;
  for (int c : {kFirst, kResolution}) {
    f.clocks[static_cast<size_t>(c)].Halt(c_.at, ClockState::kStopped, *s_.business_time);
    Schedule(fi, c);
  }
  SyncBreach(f);
  auto m = FeedbackMessage(f, f.assignee, "feedback_closed");
  m.AddField("state", Quoted(f.state));
  Route(f.assignee, std::move(m));
  return absl::OkStatus();
}

absl::Status Run::Do(const ReopenFeedback& p) {
  HANDOFF_ASSIGN_OR_RETURN(uint32_t fi, FindFeedback(p.feedback));
  FeedbackRec& f = s_.feedback[fi];
  HANDOFF_RETURN_IF_ERROR(RequireAeSide(f));
  if (f.state != FeedbackState::kResolved) {
    return Precondition("feedback", f.id, Cat("is ", FeedbackStateName(f.state), ", not resolved"));
  }
  HANDOFF_RETURN_IF_ERROR(Begin());
  f.state = FeedbackState::kInProgress;
  f.clocks[kResolution].Run(c_.at);
  Schedule(fi, kResolution);
  SyncBreach(f);
  auto m = FeedbackMessage(f, f.assignee, "feedback_reopened");
  m.AddField("state", Quoted(f.state));
  m.AddString("text", p.text);
  Route(f.assignee, std::move(m));
  return absl::OkStatus();
}

absl::Status Run::Do(const SetFeedbackPriority& p) {
  HANDOFF_ASSIGN_OR_RETURN(uint32_t fi, FindFeedback(p.feedback));
  FeedbackRec& f = s_.feedback[fi];
  const bool ae_side = IsAe(f.project);
  if (!ae_side && !IsPm(f.project) && f.assignee != actor_) {
    return Denied("feedback", f.id,
                  "only the project's PM, the feedback's assignee or the account's AE may");
  }
  if (f.state == FeedbackState::kClosed) return Precondition("feedback", f.id, "is closed");
  if (f.priority == p.priority) {
    return Precondition("feedback", f.id, Cat("already has priority ", PriorityName(p.priority)));
  }
  HANDOFF_RETURN_IF_ERROR(Begin());
  const Priority previous = f.priority;
  f.priority = p.priority;
  SelectPolicy(f);
  Schedule(fi, kFirst);
  Schedule(fi, kResolution);
  // The other side hears it.
  const uint32_t to = ae_side ? f.assignee : AeOf(f.project);
  if (auto m = FeedbackMessage(f, to, "feedback_priority_changed")) {
    m.AddField("priority", Quoted(f.priority));
    m.AddField("previous_priority", Quoted(previous));
    Route(to, std::move(m));
  }
  return absl::OkStatus();
}

// --- PM side: feedback ---------------------------------------------------------------------

absl::Status Run::Do(const RespondFeedback& p) {
  HANDOFF_ASSIGN_OR_RETURN(uint32_t fi, FindFeedback(p.feedback));
  FeedbackRec& f = s_.feedback[fi];
  HANDOFF_RETURN_IF_ERROR(RequirePmSide(f));
  if (f.state == FeedbackState::kClosed) return Precondition("feedback", f.id, "is closed");
  HANDOFF_RETURN_IF_ERROR(Begin());
  if (f.state == FeedbackState::kNew) f.state = FeedbackState::kAcknowledged;
  f.clocks[kFirst].Halt(c_.at, ClockState::kStopped, *s_.business_time);
  Schedule(fi, kFirst);
  const uint32_t ae = AeOf(f.project);
  if (auto m = FeedbackMessage(f, ae, "feedback_responded")) {
    m.AddField("state", Quoted(f.state));
    m.AddString("text", p.text);
    Route(ae, std::move(m));
  }
  return absl::OkStatus();
}

absl::Status Run::Do(const SetFeedbackState& p) {
  HANDOFF_ASSIGN_OR_RETURN(uint32_t fi, FindFeedback(p.feedback));
  FeedbackRec& f = s_.feedback[fi];
  HANDOFF_RETURN_IF_ERROR(RequirePmSide(f));
  if (!IsOpenState(f.state)) {
    return Precondition(
        "feedback", f.id,
        Cat("is ", FeedbackStateName(f.state),
            f.state == FeedbackState::kResolved ? " (the AE confirms or reopens it)" : " (final)"));
  }
  if (p.state != FeedbackState::kInProgress && p.state != FeedbackState::kWaitingOnCustomer &&
      p.state != FeedbackState::kResolved) {
    return Invalid("state", Cat("\"", FeedbackStateName(p.state), "\" cannot be set"));
  }
  if (p.state == f.state) {
    return Precondition("feedback", f.id, Cat("is already ", FeedbackStateName(f.state)));
  }
  HANDOFF_RETURN_IF_ERROR(Begin());
  const FeedbackState previous = f.state;
  f.state = p.state;
  const BusinessTime& bt = *s_.business_time;
  f.clocks[kFirst].Halt(c_.at, ClockState::kStopped, bt);  // a state change is a response
  if (p.state == FeedbackState::kWaitingOnCustomer) {
    f.clocks[kResolution].Halt(c_.at, ClockState::kPaused, bt);
  } else if (p.state == FeedbackState::kInProgress) {
    if (f.clocks[kResolution].state() == ClockState::kPaused) f.clocks[kResolution].Run(c_.at);
  } else {  // resolved: stops the resolution clock, even while paused
    f.clocks[kResolution].Halt(c_.at, ClockState::kStopped, bt);
  }
  Schedule(fi, kFirst);
  Schedule(fi, kResolution);
  SyncBreach(f);
  const uint32_t ae = AeOf(f.project);
  if (auto m = FeedbackMessage(f, ae, "feedback_state_changed")) {
    m.AddField("state", Quoted(f.state));
    m.AddField("previous_state", Quoted(previous));
    if (!p.text.empty()) m.AddString("text", p.text);
    Route(ae, std::move(m));
  }
  return absl::OkStatus();
}

// --- PM side: delivery ---------------------------------------------------------------------

absl::Status Run::Do(const UpdateMilestone& p) {
  // What the report reads about its milestone is fetched as soon as the index names a likely
  // ordinal, together with the record the lookup compares the id in (a cache miss less in a row);
  // ApplyBatch fetched it a command ahead.
  const uint32_t hash = IdIndex::HashOf(p.milestone.value());
  uint32_t likely = IdIndex::kNone;
  if (!looked_ahead_) {
    likely = s_.milestone_index.Candidate(hash);
    if (likely < s_.milestones.size()) {
      internal::PortfolioAccess::PrefetchProgress(*s_.portfolio, likely);
    }
  }
  HANDOFF_ASSIGN_OR_RETURN(uint32_t mi_index, Find(s_.milestone_index, s_.milestones, "milestone",
                                                   p.milestone.value(), "milestone", hash));
  if (!looked_ahead_ && mi_index != likely) {
    internal::PortfolioAccess::PrefetchProgress(*s_.portfolio, mi_index);
  }
  MilestoneInfo& mi = s_.milestones[mi_index];
  __builtin_prefetch(&s_.projects[mi.project]);  // its first line: see ProjectInfo
  HANDOFF_RETURN_IF_ERROR(RequirePm(mi.project));
  HANDOFF_RETURN_IF_ERROR(OpenProject(mi.project));
  Progress progress;
  progress.status = p.status;
  // The local date of the command; most commands fall on the as-of date.
  progress.reported_on =
      s_.as_of && c_.at < s_.next_day_start ? *s_.as_of : LocalDate(c_.at, s_.zone);
  progress.percent = p.percent;
  progress.remaining_days = p.remaining_days;
  progress.finished_on = p.finished_on;
  HANDOFF_RETURN_IF_ERROR(
      PortfolioCheck(internal::PortfolioAccess::CheckProgress(*s_.portfolio, mi_index, progress)));
  // Time passes first (as-of moves and due timers are told), then the report applies.
  HANDOFF_RETURN_IF_ERROR(Begin());
  absl::StatusOr<ScheduleDelta> delta = internal::PortfolioAccess::UpdateProgress(
      *s_.portfolio, mi_index, progress, /*moved_ids=*/false);
  if (!delta.ok()) return PortfolioCheck(delta.status());  // only OutOfRange is left
  const MilestoneStatus previous = mi.status;
  SetSlipStatus(mi, mi.slip, p.status);
  const uint32_t account = s_.projects[mi.project].account;
  ReportMoves(portfolio_state().last_moved, Cause{Cause::kMilestone, mi_index, kNobody, account},
              kNobody);
  TouchProject(mi.project);
  if (mi.visible && previous != p.status && p.status != MilestoneStatus::kNotStarted) {
    const uint32_t ae = AeOf(mi.project);
    if (ae != kNobody) {
      const char* kind = p.status == MilestoneStatus::kInProgress ? "milestone_started"
                         : p.status == MilestoneStatus::kDone     ? "milestone_done"
                                                                  : "milestone_blocked";
      auto m = NewMessage(c_.at, ae, kind, mi.project);
      m->milestone = mi.id;
      m.AddField("status", Quoted(p.status));
      if (p.percent) m.AddInt("percent", *p.percent);
      m.AddString("finish", FormatIsoDate(s_.portfolio->calendar().DayAt(mi.finish_day)));
      m.AddInt("baseline_slip_days", mi.slip);
      Route(ae, std::move(m));
    }
  }
  return absl::OkStatus();
}

void Run::RiskMessages(uint32_t risk_index, const std::string& kind, const std::string& text) {
  const internal::RiskInfo& risk = s_.risks[risk_index];
  // Customer-visible milestones threatened, directly or downstream, grouped by account.
  std::vector<uint32_t> affected;
  const internal::PortfolioState& ps = portfolio_state();
  s_.milestone_marks.Begin(s_.milestones.size());
  std::vector<uint32_t> stack;
  for (uint32_t root : risk.milestones) {
    if (s_.milestones[root].visible) affected.push_back(root);
    stack.push_back(root);
    while (!stack.empty()) {
      const uint32_t v = stack.back();
      stack.pop_back();
      internal::ForEachSuccessor(ps, v, [&](uint32_t t, int32_t) {
        if (!s_.milestone_marks.Mark(t)) return;
        if (s_.milestones[t].visible) affected.push_back(t);
        stack.push_back(t);
      });
    }
  }
  std::sort(affected.begin(), affected.end(),
            [&](uint32_t a, uint32_t b) { return s_.milestones[a].id < s_.milestones[b].id; });
  affected.erase(std::unique(affected.begin(), affected.end()), affected.end());
  const uint32_t own_account = s_.projects[risk.project].account;
  std::vector<uint32_t> accounts;
  for (uint32_t m : affected) {
    uint32_t a = s_.projects[s_.milestones[m].project].account;
    if (a != kNobody && (accounts.empty() || accounts.back() != a)) accounts.push_back(a);
  }
  std::sort(accounts.begin(), accounts.end(),
            [&](uint32_t a, uint32_t b) { return s_.accounts[a].id < s_.accounts[b].id; });
  accounts.erase(std::unique(accounts.begin(), accounts.end()), accounts.end());
  for (uint32_t a : accounts) {
    const uint32_t ae = s_.accounts[a].ae;
    if (ae == kNobody) continue;
    std::string list = "[";
    uint32_t first_project = kNobody;
    for (uint32_t m : affected) {
      if (s_.projects[s_.milestones[m].project].account != a) continue;
      if (first_project == kNobody) first_project = s_.milestones[m].project;
      if (list.size() > 1) list += ',';
      internal::AppendJsonString(&list, s_.milestones[m].id);
    }
    list += ']';
    const bool own = a == own_account;
    auto m = NewMessage(c_.at, ae, kind, own ? risk.project : first_project);
    if (own) m->risk = risk.id;
    m.AddField("severity", Quoted(risk.severity));
    m.MoveField("milestones", std::move(list));
    if (own) {
      m.AddString("text", text);
    } else {
      // An opaque reference keeps two foreign risks apart without naming them.
      m.AddString("reference", Cat("external-risk-", risk_index + 1));
      m.AddString("source", "a risk in another account's project");
    }
    Route(ae, std::move(m));
  }
}

absl::Status Run::Do(const RaiseRisk& p) {
  if (s_.risk_index.ContainsIn(s_.risks, p.id.value())) {
    return absl::AlreadyExistsError(Cat(Prefix(), "risk \"", p.id, "\": duplicate id"));
  }
  HANDOFF_ASSIGN_OR_RETURN(uint32_t project, Find(s_.project_index, s_.projects, "project",
                                                  p.project.value(), "project"));
  HANDOFF_RETURN_IF_ERROR(RequirePm(project));
  HANDOFF_RETURN_IF_ERROR(OpenProject(project));
  internal::RiskInfo risk;
  risk.id = p.id.value();
  risk.project = project;
  risk.severity = p.severity;
  risk.text = p.text;
  for (size_t i = 0; i < p.milestones.size(); ++i) {
    HANDOFF_ASSIGN_OR_RETURN(uint32_t m, Find(s_.milestone_index, s_.milestones, "milestone",
                                              p.milestones[i].value(), Cat("milestones/", i)));
    risk.milestones.push_back(m);
  }
  HANDOFF_RETURN_IF_ERROR(Begin());
  ProjectInfo& pr = s_.projects[project];
  ++pr.open_risks;
  if (risk.severity == RiskSeverity::kHigh) ++pr.open_high_risks;
  s_.risk_index.Insert(risk.id, static_cast<uint32_t>(s_.risks.size()));
  s_.risks.push_back(std::move(risk));
  RiskMessages(static_cast<uint32_t>(s_.risks.size() - 1), "risk_raised", s_.risks.back().text);
  TouchProject(project);
  return absl::OkStatus();
}

absl::Status Run::Do(const CloseRisk& p) {
  HANDOFF_ASSIGN_OR_RETURN(uint32_t ri,
                           Find(s_.risk_index, s_.risks, "risk", p.risk.value(), "risk"));
  internal::RiskInfo& risk = s_.risks[ri];
  HANDOFF_RETURN_IF_ERROR(RequirePm(risk.project));
  if (!risk.open) return Precondition("risk", risk.id, "is already closed");
  HANDOFF_RETURN_IF_ERROR(Begin());
  risk.open = false;
  ProjectInfo& pr = s_.projects[risk.project];
  --pr.open_risks;
  if (risk.severity == RiskSeverity::kHigh) --pr.open_high_risks;
  RiskMessages(ri, "risk_closed", p.text.empty() ? risk.text : p.text);
  TouchProject(risk.project);
  return absl::OkStatus();
}

absl::Status Run::Do(const SetHealth& p) {
  HANDOFF_ASSIGN_OR_RETURN(uint32_t project, Find(s_.project_index, s_.projects, "project",
                                                  p.project.value(), "project"));
  HANDOFF_RETURN_IF_ERROR(RequirePm(project));
  if (p.health && p.reason.empty()) {
    return Invalid("reason", "an override of the computed health needs a reason");
  }
  HANDOFF_RETURN_IF_ERROR(Begin());
  ProjectInfo& pr = s_.projects[project];
  pr.override_health = p.health;
  pr.override_reason = p.reason;
  TouchProject(project);
  return absl::OkStatus();
}

absl::Status Run::Do(const AcceptChange& p) {
  HANDOFF_ASSIGN_OR_RETURN(uint32_t fi, FindFeedback(p.feedback));
  FeedbackRec& f = s_.feedback[fi];
  HANDOFF_RETURN_IF_ERROR(RequirePmSide(f));
  if (f.kind != FeedbackKind::kChangeRequest) {
    return Precondition("feedback", f.id,
                        Cat("is a ", FeedbackKindName(f.kind), ", not a change_request"));
  }
  if (f.state == FeedbackState::kClosed) return Precondition("feedback", f.id, "is closed");
  HANDOFF_RETURN_IF_ERROR(OpenProject(f.project));
  ChangeSet change;
  for (const auto& d : p.durations) change.durations.emplace_back(d.milestone, d.duration_days);
  change.new_milestones = p.new_milestones;
  for (const auto& l : p.links)
    change.links.push_back(ChangeSet::Link{l.depends_on, l.milestone, l.lag_days});
  const ProjectId project_id(s_.projects[f.project].id);
  HANDOFF_RETURN_IF_ERROR(PortfolioCheck(s_.portfolio->CheckChange(project_id, change)));
  HANDOFF_RETURN_IF_ERROR(Begin());
  absl::StatusOr<ScheduleDelta> delta = internal::PortfolioAccess::ApplyChange(
      *s_.portfolio, project_id, change, /*moved_ids=*/false);
  if (!delta.ok()) return PortfolioCheck(delta.status());  // only OutOfRange is left
  // Register the new milestones (the portfolio appended them in the same order).
  const internal::PortfolioState& ps = portfolio_state();
  const WorkingCalendar& cal = s_.portfolio->calendar();
  for (const Milestone& nm : p.new_milestones) {
    const uint32_t index = static_cast<uint32_t>(s_.milestones.size());
    MilestoneInfo& info = s_.milestones.emplace_back();
    info.id = nm.id.value();
    info.project = f.project;
    info.visible = nm.customer_visible;
    if (!nm.owner.empty()) info.owner = s_.person_index.FindIn(s_.people, nm.owner.value());
    info.finish_day = ps.FinishDay(index);
    s_.milestone_index.Insert(info.id, index);
    s_.projects[f.project].milestones.push_back(index);
    SetSlipStatus(info, info.finish_day - ps.baseline_finish[index], info.status);
  }
  const uint32_t account = s_.projects[f.project].account;
  // The AE of the change's account hears the new dates in one message; others by forecast.
  std::vector<std::tuple<uint32_t, Date, Date>> own_moves;
  for (const uint32_t m : ps.last_moved) {
    const MilestoneInfo& mi = s_.milestones[m];
    if (mi.visible && s_.projects[mi.project].account == account &&
        ps.FinishDay(m) != mi.finish_day) {
      own_moves.emplace_back(m, cal.DayAt(mi.finish_day), cal.DayAt(ps.FinishDay(m)));
    }
  }
  ReportMoves(ps.last_moved, Cause{Cause::kChange, kNobody, fi, account}, account);
  std::string moved = "[";
  for (const auto& [m, old_finish, new_finish] : own_moves) {
    if (moved.size() > 1) moved += ',';
    moved += Cat(R"({"milestone":)", Quote(s_.milestones[m].id), R"(,"old_finish":)",
                 Quote(FormatIsoDate(old_finish)), R"(,"new_finish":)",
                 Quote(FormatIsoDate(new_finish)), "}");
  }
  moved += ']';
  std::string added = "[";
  for (const Milestone& nm : p.new_milestones) {
    if (!nm.customer_visible) continue;
    const MilestoneInfo& mi =
        s_.milestones[s_.milestone_index.FindIn(s_.milestones, nm.id.value())];
    if (added.size() > 1) added += ',';
    added += Cat(R"({"milestone":)", Quote(mi.id), R"(,"finish":)",
                 Quote(FormatIsoDate(cal.DayAt(mi.finish_day))), "}");
  }
  added += ']';
  const uint32_t ae = AeOf(f.project);
  if (auto m = FeedbackMessage(f, ae, "change_accepted")) {
    m.MoveField("moved", std::move(moved));
    m.MoveField("added", std::move(added));
    if (!p.text.empty()) m.AddString("text", p.text);
    Route(ae, std::move(m));
  }
  TouchProject(f.project);
  return absl::OkStatus();
}

absl::Status Run::Do(const RecordCost& p) {
  HANDOFF_ASSIGN_OR_RETURN(uint32_t project, Find(s_.project_index, s_.projects, "project",
                                                  p.project.value(), "project"));
  HANDOFF_RETURN_IF_ERROR(RequirePm(project));
  if (p.planned < 0) return Invalid("planned", "a cost may not be negative");
  if (p.actual < 0) return Invalid("actual", "a cost may not be negative");
  HANDOFF_RETURN_IF_ERROR(Begin());
  s_.projects[project].cost_planned += p.planned;
  s_.projects[project].cost_actual += p.actual;
  return absl::OkStatus();
}

absl::Status Run::Do(const SetBaseline& p) {
  HANDOFF_ASSIGN_OR_RETURN(uint32_t project, Find(s_.project_index, s_.projects, "project",
                                                  p.project.value(), "project"));
  HANDOFF_RETURN_IF_ERROR(RequirePm(project));
  HANDOFF_RETURN_IF_ERROR(Begin());
  // Cannot fail: the project exists.
  s_.portfolio->SetBaseline(p.project).IgnoreError();
  for (uint32_t m : s_.projects[project].milestones) {
    SetSlipStatus(s_.milestones[m], 0, s_.milestones[m].status);
  }
  TouchProject(project);
  return absl::OkStatus();
}

absl::Status Run::Do(const CloseProject& p) {
  HANDOFF_ASSIGN_OR_RETURN(uint32_t project, Find(s_.project_index, s_.projects, "project",
                                                  p.project.value(), "project"));
  HANDOFF_RETURN_IF_ERROR(RequirePm(project));
  HANDOFF_RETURN_IF_ERROR(OpenProject(project));
  HANDOFF_RETURN_IF_ERROR(Begin());
  s_.projects[project].closed = true;
  s_.projects[project].lessons = p.lessons;
  const uint32_t ae = AeOf(project);
  if (ae != kNobody) Route(ae, NewMessage(c_.at, ae, "project_closed", project));
  return absl::OkStatus();
}

// --- AE: relationship ----------------------------------------------------------------------

absl::Status Run::Do(const RecordCsat& p) {
  HANDOFF_ASSIGN_OR_RETURN(uint32_t project, Find(s_.project_index, s_.projects, "project",
                                                  p.project.value(), "project"));
  HANDOFF_RETURN_IF_ERROR(RequireAe(project));
  if (p.score < 1 || p.score > 5) return Invalid("score", Cat(p.score, " is outside 1..5"));
  HANDOFF_RETURN_IF_ERROR(Begin());
  s_.projects[project].csat_scores.push_back(p.score);
  return absl::OkStatus();
}

absl::Status Run::Do(const LogTouchpoint& p) {
  HANDOFF_ASSIGN_OR_RETURN(uint32_t account, Find(s_.account_index, s_.accounts, "account",
                                                  p.account.value(), "account"));
  if (s_.accounts[account].ae != actor_) {
    return Denied("account", s_.accounts[account].id, "only the account's AE may");
  }
  HANDOFF_RETURN_IF_ERROR(Begin());
  s_.touchpoints.push_back({c_.at, account, p.channel});
  return absl::OkStatus();
}

absl::Status Run::Do(const LogOpportunity& p) {
  if (s_.opportunity_index.ContainsIn(s_.opportunities, p.id.value())) {
    return absl::AlreadyExistsError(Cat(Prefix(), "opportunity \"", p.id, "\": duplicate id"));
  }
  HANDOFF_ASSIGN_OR_RETURN(uint32_t account, Find(s_.account_index, s_.accounts, "account",
                                                  p.account.value(), "account"));
  if (s_.accounts[account].ae != actor_) {
    return Denied("account", s_.accounts[account].id, "only the account's AE may");
  }
  if (p.amount < 0) return Invalid("amount", "may not be negative");
  HANDOFF_RETURN_IF_ERROR(Begin());
  s_.opportunity_index.Insert(p.id.value(), static_cast<uint32_t>(s_.opportunities.size()));
  s_.opportunities.push_back({p.id.value(), account, p.amount, c_.at});
  return absl::OkStatus();
}

absl::Status Run::Do(const RecordRenewal& p) {
  HANDOFF_ASSIGN_OR_RETURN(uint32_t account, Find(s_.account_index, s_.accounts, "account",
                                                  p.account.value(), "account"));
  if (s_.accounts[account].ae != actor_) {
    return Denied("account", s_.accounts[account].id, "only the account's AE may");
  }
  if (p.amount < 0) return Invalid("amount", "may not be negative");
  HANDOFF_RETURN_IF_ERROR(Begin());
  s_.renewals.push_back({account, p.renewed, p.amount, c_.at});
  return absl::OkStatus();
}

absl::Status Run::Do(const Tick&) { return Begin(); }

}  // namespace

// --- Workspace -----------------------------------------------------------------------------

absl::StatusOr<RoutingOptions> ParseRoutingJson(std::string_view text) {
  using nlohmann::json;
  using namespace internal::json_reader;  // NOLINT
  json doc = json::parse(text.begin(), text.end(), nullptr, /*allow_exceptions=*/false);
  if (doc.is_discarded()) return Bad("/routing", "invalid JSON");
  HANDOFF_RETURN_IF_ERROR(ExpectObject(doc, "/routing", {"digests"}));
  RoutingOptions out;
  if (const json* d = Member(doc, "digests")) {
    HANDOFF_ASSIGN_OR_RETURN(const json* arr, AsArray(*d, "/routing/digests"));
    for (size_t i = 0; i < arr->size(); ++i) {
      std::string ptr = Cat("/routing/digests/", i);
      HANDOFF_RETURN_IF_ERROR(ExpectObject((*arr)[i], ptr, {"to", "window_minutes"}));
      RoutingOptions::Digest digest;
      HANDOFF_ASSIGN_OR_RETURN(const json* to, Required((*arr)[i], ptr, "to"));
      HANDOFF_ASSIGN_OR_RETURN(std::string id, AsId(*to, Cat(ptr, "/to")));
      digest.to = PersonId(std::move(id));
      if (const json* w = Member((*arr)[i], "window_minutes")) {
        HANDOFF_ASSIGN_OR_RETURN(digest.window_minutes, AsInt(*w, Cat(ptr, "/window_minutes")));
        if (digest.window_minutes < 1) {
          return Bad(Cat(ptr, "/window_minutes"), "must be at least 1");
        }
      }
      out.digests.push_back(std::move(digest));
    }
  }
  return out;
}

Workspace::Workspace(std::unique_ptr<internal::WorkspaceState> state) : state_(std::move(state)) {}
Workspace::~Workspace() = default;

absl::StatusOr<std::unique_ptr<Workspace>> Workspace::Create(const Scenario& scenario) {
  HANDOFF_ASSIGN_OR_RETURN(std::vector<SlaPolicy> policies,
                           ParseSlaPoliciesJson(scenario.sla_policies_json));
  HANDOFF_ASSIGN_OR_RETURN(RoutingOptions routing, ParseRoutingJson(scenario.routing_json));
  return Create(scenario.portfolio, std::move(policies), std::move(routing));
}

absl::StatusOr<std::unique_ptr<Workspace>> Workspace::Create(const PortfolioSpec& spec,
                                                             std::vector<SlaPolicy> policies,
                                                             RoutingOptions routing) {
  auto s = std::make_unique<internal::WorkspaceState>();
  HANDOFF_ASSIGN_OR_RETURN(Portfolio portfolio, Portfolio::Create(spec));
  s->portfolio.emplace(std::move(portfolio));
  s->business_time.emplace(s->portfolio->calendar());
  s->zone = s->portfolio->calendar().time_zone();
  for (const Person& p : spec.people) {
    s->person_index.Insert(p.id.value(), static_cast<uint32_t>(s->people.size()));
    s->people.push_back({p.id.value(), p.role, p.id});
  }
  auto person = [&](const PersonId& id) {
    return id.empty() ? kNobody : s->person_index.FindIn(s->people, id.value());
  };
  for (const Account& a : spec.accounts) {
    s->account_index.Insert(a.id.value(), static_cast<uint32_t>(s->accounts.size()));
    s->accounts.push_back({a.id.value(), a.tier, person(a.ae)});
  }
  size_t milestone_total = 0;
  for (const Project& p : spec.projects) milestone_total += p.milestones.size();
  internal::ReserveWithRoom(s->milestones, milestone_total);  // as the portfolio's arrays
  s->milestone_index.Reserve(internal::WithRoom(milestone_total));
  for (const Project& p : spec.projects) {
    const uint32_t pi = static_cast<uint32_t>(s->projects.size());
    s->project_index.Insert(p.id.value(), pi);
    ProjectInfo info;
    info.id = p.id.value();
    info.account =
        p.account.empty() ? kNobody : s->account_index.FindIn(s->accounts, p.account.value());
    info.pm = person(p.pm);
    for (const Milestone& m : p.milestones) {
      const uint32_t mi = static_cast<uint32_t>(s->milestones.size());
      s->milestone_index.Insert(m.id.value(), mi);
      MilestoneInfo minfo;
      minfo.id = m.id.value();
      minfo.project = pi;
      minfo.owner = person(m.owner);
      minfo.visible = m.customer_visible;
      s->milestones.push_back(std::move(minfo));
      info.milestones.push_back(mi);
    }
    s->projects.push_back(std::move(info));
  }
  const internal::PortfolioState& ps = internal::PortfolioAccess::State(*s->portfolio);
  if (ps.milestones.size() != s->milestones.size()) {
    return absl::InternalError("Workspace::Create: the portfolio's milestones do not match");
  }
  for (uint32_t m = 0; m < s->milestones.size(); ++m) {
    MilestoneInfo& mi = s->milestones[m];
    if (ps.milestones[m].id != mi.id) {
      return absl::InternalError(
          Cat("Workspace::Create: milestone ", m, " is \"", mi.id, "\" in the workspace"));
    }
    mi.finish_day = ps.FinishDay(m);
    mi.slip = mi.finish_day - ps.baseline_finish[m];
    ProjectInfo& p = s->projects[mi.project];
    if (mi.slip >= 1) ++p.slipping;
    if (mi.slip >= 5) ++p.slipping_5;
  }
  {
    std::vector<std::string> names;
    names.reserve(s->people.size());
    for (const internal::PersonInfo& info : s->people) names.push_back(info.id);
    s->outbox = internal::Outbox(std::move(names), &s->message_pool);
  }
  for (size_t i = 0; i < policies.size(); ++i) {
    std::vector<uint32_t> levels;
    for (size_t k = 0; k < policies[i].escalation.size(); ++k) {
      const uint32_t to = s->person_index.FindIn(s->people, policies[i].escalation[k].to.value());
      if (to == IdIndex::kNone) {
        return absl::NotFoundError(Cat("/sla_policies/", i, "/escalation/", k, "/to: person \"",
                                       policies[i].escalation[k].to, "\": unknown id"));
      }
      levels.push_back(to);
    }
    s->policy_escalation.push_back(std::move(levels));
    s->policy_quoted_names.push_back(Quote(policies[i].name));
    s->policy_thresholds.push_back({internal::Thresholds(policies[i], SlaClockKind::kFirstResponse),
                                    internal::Thresholds(policies[i], SlaClockKind::kResolution)});
  }
  s->policies = std::move(policies);
  for (size_t i = 0; i < routing.digests.size(); ++i) {
    const RoutingOptions::Digest& d = routing.digests[i];
    const uint32_t to = s->person_index.FindIn(s->people, d.to.value());
    if (to == IdIndex::kNone) {
      return absl::NotFoundError(
          Cat("/routing/digests/", i, "/to: person \"", d.to, "\": unknown id"));
    }
    s->outbox.SetDigest(to, static_cast<int64_t>(d.window_minutes) * 60);
  }
  return std::unique_ptr<Workspace>(new Workspace(std::move(s)));
}

namespace {

// One command under the workspace's lock: applied (its deliveries appended to `delivered` when
// there are sinks), then journaled. `looked_ahead`: as for Run.
absl::Status ApplyLocked(WorkspaceState& s, const Command& command, DeliveredList* delivered,
                         bool looked_ahead = false) {
  Run run(s, command, delivered, looked_ahead);
  HANDOFF_RETURN_IF_ERROR(run.Execute());
  if (s.journal) return s.journal->Append(command);
  return absl::OkStatus();
}

// Hands what a command or batch delivered to the sinks, in delivery order (outside the lock).
void CallSinks(const DeliveredList& delivered, const internal::SinkList& sinks) {
  for (const MessagePtr& m : delivered) {
    for (const auto& sink : *sinks) sink(*m);
  }
}

}  // namespace

absl::Status Workspace::Apply(const Command& command) {
  absl::Status status;
  DeliveredList delivered;
  internal::SinkList sinks;
  {
    std::lock_guard<std::mutex> lock(state_->mu);
    status = ApplyLocked(*state_, command, &delivered);
    if (!delivered.empty()) sinks = state_->sinks;
  }
  CallSinks(delivered, sinks);
  return status;
}

std::vector<absl::Status> Workspace::ApplyBatch(absl::Span<const Command> commands) {
  std::vector<absl::Status> statuses(commands.size());
  DeliveredList delivered;
  internal::SinkList sinks;
  {
    std::lock_guard<std::mutex> lock(state_->mu);
    WorkspaceState& s = *state_;
    // The lookahead (see PrefetchSlots): a command's index slots two commands ahead, its
    // records one command ahead. A command takes about a microsecond, a cache miss over the
    // large tables a few hundred nanoseconds. A third step (the records' projects and links, one
    // command ahead) measured slower.
    const size_t n = commands.size();
    if (n > 0) PrefetchSlots(s, commands[0]);
    if (n > 1) PrefetchSlots(s, commands[1]);
    if (n > 0) PrefetchRecords(s, commands[0]);
    for (size_t i = 0; i < n; ++i) {
      if (i + 2 < n) PrefetchSlots(s, commands[i + 2]);
      if (i + 1 < n) PrefetchRecords(s, commands[i + 1]);
      statuses[i] = ApplyLocked(s, commands[i], &delivered, /*looked_ahead=*/true);
    }
    if (!delivered.empty()) sinks = s.sinks;
  }
  CallSinks(delivered, sinks);
  return statuses;
}

void Workspace::AttachJournal(std::shared_ptr<Journal> journal) {
  std::lock_guard<std::mutex> lock(state_->mu);
  state_->journal = std::move(journal);
}

std::optional<Instant> Workspace::NextWakeup() const {
  std::lock_guard<std::mutex> lock(state_->mu);
  std::optional<Instant> next = state_->outbox.NextDigest();
  // The heap's top is live between commands.
  if (!state_->timers.empty() && (!next || state_->timers.front().at < *next)) {
    next = state_->timers.front().at;
  }
  return next;
}

std::optional<Instant> Workspace::last_instant() const {
  std::lock_guard<std::mutex> lock(state_->mu);
  return state_->last;
}

std::vector<Message> Workspace::Pending(const PersonId& person) const {
  std::lock_guard<std::mutex> lock(state_->mu);
  const uint32_t p = state_->person_index.FindIn(state_->people, person.value());
  if (p == IdIndex::kNone) return {};
  return state_->outbox.Pending(p);
}

absl::Status Workspace::Ack(const PersonId& person, uint64_t seq) {
  std::lock_guard<std::mutex> lock(state_->mu);
  const uint32_t p = state_->person_index.FindIn(state_->people, person.value());
  if (p == IdIndex::kNone) return absl::NotFoundError(Cat("person \"", person, "\": unknown id"));
  return state_->outbox.Ack(p, seq);
}

void Workspace::AddSink(std::function<void(const Message&)> sink) {
  std::lock_guard<std::mutex> lock(state_->mu);
  auto sinks =
      state_->sinks
          ? std::make_shared<std::vector<std::function<void(const Message&)>>>(*state_->sinks)
          : std::make_shared<std::vector<std::function<void(const Message&)>>>();
  sinks->push_back(std::move(sink));
  state_->sinks = std::move(sinks);
}

absl::StatusOr<FeedbackView> Workspace::GetFeedback(const FeedbackId& id) const {
  std::lock_guard<std::mutex> lock(state_->mu);
  const WorkspaceState& s = *state_;
  const uint32_t fi = s.feedback_index.FindIn(s.feedback, id.value());
  if (fi == IdIndex::kNone) return absl::NotFoundError(Cat("feedback \"", id, "\": unknown id"));
  const FeedbackRec& f = s.feedback[fi];
  FeedbackView v;
  v.id = id;
  v.project = ProjectId(s.projects[f.project].id);
  if (f.milestone != kNobody) v.milestone = MilestoneId(s.milestones[f.milestone].id);
  v.kind = f.kind;
  v.channel = f.channel;
  v.priority = f.priority;
  v.state = f.state;
  v.assignee = s.people[f.assignee].person_id;
  if (f.policy >= 0) v.policy = s.policies[static_cast<size_t>(f.policy)].name;
  const Instant now = s.last.value_or(f.logged_at);
  for (int c : {kFirst, kResolution}) {
    const internal::SlaClock& clock = f.clocks[static_cast<size_t>(c)];
    v.used_seconds[c] = clock.Used(now, *s.business_time);
    v.breached[c] = clock.Fired(Threshold{ThresholdKind::kBreach, 0, 0});
    if (f.policy >= 0) {
      if (auto target = internal::TargetSeconds(s.policies[static_cast<size_t>(f.policy)],
                                                static_cast<SlaClockKind>(c))) {
        v.due[c] = clock.InstantAtUsed(*target, *s.business_time);
      }
    }
  }
  return v;
}

absl::StatusOr<Health> Workspace::GetHealth(const ProjectId& id) const {
  std::lock_guard<std::mutex> lock(state_->mu);
  const uint32_t p = state_->project_index.FindIn(state_->projects, id.value());
  if (p == IdIndex::kNone) return absl::NotFoundError(Cat("project \"", id, "\": unknown id"));
  return state_->projects[p].health;
}

const TimeZone& Workspace::time_zone() const { return state_->zone; }
const Portfolio& Workspace::portfolio() const { return *state_->portfolio; }

}  // namespace handoff
