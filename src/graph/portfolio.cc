#include "handoff/portfolio.h"

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "src/graph/portfolio_access.h"
#include "src/graph/portfolio_state.h"
#include "src/internal/status_macros.h"
#include "src/internal/strings.h"
#include "src/schedule/scheduler.h"

namespace handoff {

using internal::AccountRec;
using internal::Edge;
using internal::EdgeKind;
using internal::kNone;
using internal::MilestoneRec;
using internal::Node;
using internal::NodeKind;
using internal::PersonRec;
using internal::PortfolioState;
using internal::ProjectRec;

std::string_view internal::StringArena::Intern(std::string_view s) {
  if (s.empty()) return {};
  if (s.size() > capacity_ - used_) {
    size_t size = std::max(kChunk, s.size());
    chunks_.push_back(std::make_unique<char[]>(size));
    used_ = 0;
    capacity_ = size;
  }
  char* dst = chunks_.back().get() + used_;
  std::memcpy(dst, s.data(), s.size());
  used_ += s.size();
  return std::string_view(dst, s.size());
}

std::string_view RoleName(Role role) {
  switch (role) {
    case Role::kPm:
      return "pm";
    case Role::kAe:
      return "ae";
    case Role::kLead:
      return "lead";
  }
  return "?";
}

absl::StatusOr<Role> ParseRole(std::string_view name) {
  if (name == "pm") return Role::kPm;
  if (name == "ae") return Role::kAe;
  if (name == "lead") return Role::kLead;
  return absl::InvalidArgumentError(
      internal::Cat("unknown role \"", name, "\" (expected pm, ae, lead)"));
}

std::string_view MilestoneStatusName(MilestoneStatus status) {
  switch (status) {
    case MilestoneStatus::kNotStarted:
      return "not_started";
    case MilestoneStatus::kInProgress:
      return "in_progress";
    case MilestoneStatus::kDone:
      return "done";
    case MilestoneStatus::kBlocked:
      return "blocked";
  }
  return "?";
}

absl::StatusOr<MilestoneStatus> ParseMilestoneStatus(std::string_view name) {
  if (name == "not_started") return MilestoneStatus::kNotStarted;
  if (name == "in_progress") return MilestoneStatus::kInProgress;
  if (name == "done") return MilestoneStatus::kDone;
  if (name == "blocked") return MilestoneStatus::kBlocked;
  return absl::InvalidArgumentError(internal::Cat(
      "unknown status \"", name, "\" (expected not_started, in_progress, done, blocked)"));
}

namespace {

// Builds a JSON-pointer location prefix for an error message.
std::string At(std::string_view pointer) { return internal::Cat(pointer, ": "); }

std::string MilestonePath(size_t p, size_t m) {
  return internal::Cat("/projects/", p, "/milestones/", m);
}

// Validates the spec and fills the entity tables and the index. Nothing here touches the graph.
absl::Status BuildTables(const PortfolioSpec& spec, PortfolioState& s) {
  absl::StatusOr<WorkingCalendar> calendar = WorkingCalendar::Create(spec.calendar);
  if (!calendar.ok()) {
    return absl::Status(calendar.status().code(),
                        internal::Cat("/calendar/", calendar.status().message()));
  }
  s.calendar = *std::move(calendar);

  s.people.reserve(spec.people.size());
  s.people_index.Reserve(spec.people.size());
  for (size_t i = 0; i < spec.people.size(); ++i) {
    const Person& p = spec.people[i];
    std::string at = At(internal::Cat("/people/", i, "/id"));
    if (p.id.empty()) return absl::InvalidArgumentError(at + "person: id is empty");
    s.people.push_back(PersonRec{s.arena.Intern(p.id.value()), s.arena.Intern(p.name), p.role});
    if (!s.people_index.Insert(static_cast<uint32_t>(i))) {
      return absl::AlreadyExistsError(internal::Cat(at, "person \"", p.id, "\": duplicate id"));
    }
  }
  auto find_person = [&](const PersonId& id, std::string_view pointer, std::string_view entity,
                         std::string_view field, std::optional<Role> role,
                         uint32_t* out) -> absl::Status {
    *out = kNone;
    if (id.empty()) return absl::OkStatus();
    uint32_t i = s.people_index.Find(id.value());
    if (i == kNone) {
      return absl::NotFoundError(
          internal::Cat(At(pointer), entity, ": ", field, " \"", id, "\": unknown person"));
    }
    if (role && s.people[i].role != *role) {
      return absl::InvalidArgumentError(internal::Cat(At(pointer), entity, ": ", field, " \"", id,
                                                      "\": has role ", RoleName(s.people[i].role),
                                                      ", not ", RoleName(*role)));
    }
    *out = i;
    return absl::OkStatus();
  };

  s.accounts.reserve(spec.accounts.size());
  s.account_index.Reserve(spec.accounts.size());
  for (size_t i = 0; i < spec.accounts.size(); ++i) {
    const Account& a = spec.accounts[i];
    std::string base = internal::Cat("/accounts/", i);
    if (a.id.empty()) return absl::InvalidArgumentError(At(base + "/id") + "account: id is empty");
    std::string entity = internal::Cat("account \"", a.id, "\"");
    AccountRec rec{s.arena.Intern(a.id.value()), s.arena.Intern(a.name), s.arena.Intern(a.tier)};
    HANDOFF_RETURN_IF_ERROR(find_person(a.ae, base + "/ae", entity, "ae", Role::kAe, &rec.ae));
    s.accounts.push_back(rec);
    if (!s.account_index.Insert(static_cast<uint32_t>(i))) {
      return absl::AlreadyExistsError(internal::Cat(At(base + "/id"), entity, ": duplicate id"));
    }
  }

  size_t milestone_total = 0;
  for (const Project& p : spec.projects) milestone_total += p.milestones.size();
  s.projects.reserve(spec.projects.size());
  s.project_index.Reserve(spec.projects.size());
  internal::ReserveWithRoom(s.milestones, milestone_total);
  s.milestone_index.Reserve(internal::WithRoom(milestone_total));
  for (size_t i = 0; i < spec.projects.size(); ++i) {
    const Project& p = spec.projects[i];
    std::string base = internal::Cat("/projects/", i);
    if (p.id.empty()) return absl::InvalidArgumentError(At(base + "/id") + "project: id is empty");
    std::string entity = internal::Cat("project \"", p.id, "\"");
    ProjectRec rec;
    rec.id = s.arena.Intern(p.id.value());
    rec.name = s.arena.Intern(p.name);
    if (!p.account.empty()) {
      rec.account = s.account_index.Find(p.account.value());
      if (rec.account == kNone) {
        return absl::NotFoundError(internal::Cat(At(base + "/account"), entity, ": account \"",
                                                 p.account, "\": unknown account"));
      }
    }
    HANDOFF_RETURN_IF_ERROR(find_person(p.pm, base + "/pm", entity, "pm", Role::kPm, &rec.pm));
    if (p.start.is_special()) {
      return absl::InvalidArgumentError(
          internal::Cat(At(base + "/start"), entity, ": start is required"));
    }
    rec.start = p.start;
    rec.start_index = s.calendar->IndexOf(p.start);
    s.projects.push_back(std::move(rec));
    if (!s.project_index.Insert(static_cast<uint32_t>(i))) {
      return absl::AlreadyExistsError(internal::Cat(At(base + "/id"), entity, ": duplicate id"));
    }
    ProjectRec& project = s.projects.back();
    project.milestones.reserve(p.milestones.size());
    for (size_t j = 0; j < p.milestones.size(); ++j) {
      const Milestone& m = p.milestones[j];
      std::string mbase = MilestonePath(i, j);
      if (m.id.empty()) {
        return absl::InvalidArgumentError(At(mbase + "/id") + "milestone: id is empty");
      }
      std::string mentity = internal::Cat("milestone \"", m.id, "\"");
      if (m.duration_days < 0 || m.duration_days > kMaxDays) {
        return absl::InvalidArgumentError(internal::Cat(At(mbase + "/duration_days"), mentity,
                                                        ": duration_days ", m.duration_days,
                                                        " is out of range (0 to ", kMaxDays, ")"));
      }
      MilestoneRec mrec;
      mrec.id = s.arena.Intern(m.id.value());
      mrec.name = s.arena.Intern(m.name);
      mrec.project = static_cast<uint32_t>(i);
      mrec.duration = m.duration_days;
      mrec.customer_visible = m.customer_visible;
      HANDOFF_RETURN_IF_ERROR(
          find_person(m.owner, mbase + "/owner", mentity, "owner", std::nullopt, &mrec.owner));
      uint32_t ordinal = static_cast<uint32_t>(s.milestones.size());
      s.milestones.push_back(mrec);
      if (!s.milestone_index.Insert(ordinal)) {
        return absl::AlreadyExistsError(
            internal::Cat(At(mbase + "/id"), mentity, ": duplicate id"));
      }
      project.milestones.push_back(ordinal);
    }
  }
  return absl::OkStatus();
}

// Validates every link; fills `links` with (pred, succ, lag) in spec order.
struct Link {
  uint32_t pred, succ;
  int32_t lag;
  uint32_t project_pos, milestone_pos, link_pos;  // where it stands in the spec
};

absl::Status CollectLinks(const PortfolioSpec& spec, const PortfolioState& s,
                          std::vector<Link>* links) {
  uint32_t succ = 0;
  std::vector<uint32_t> preds;
  for (size_t i = 0; i < spec.projects.size(); ++i) {
    for (size_t j = 0; j < spec.projects[i].milestones.size(); ++j, ++succ) {
      const Milestone& m = spec.projects[i].milestones[j];
      preds.clear();
      for (size_t k = 0; k < m.depends_on.size(); ++k) {
        const Dependency& d = m.depends_on[k];
        std::string base = internal::Cat(MilestonePath(i, j), "/depends_on/", k);
        std::string entity = internal::Cat("milestone \"", m.id, "\": depends_on \"", d.id, "\"");
        if (d.id.empty()) {
          return absl::InvalidArgumentError(
              internal::Cat(At(base + "/id"), "milestone \"", m.id, "\": depends_on: id is empty"));
        }
        uint32_t pred = s.milestone_index.Find(d.id.value());
        if (pred == kNone) {
          return absl::NotFoundError(internal::Cat(At(base + "/id"), entity, ": unknown id"));
        }
        if (pred == succ) {
          return absl::InvalidArgumentError(
              internal::Cat(At(base + "/id"), entity, ": a milestone cannot depend on itself"));
        }
        if (std::find(preds.begin(), preds.end(), pred) != preds.end()) {
          return absl::AlreadyExistsError(
              internal::Cat(At(base + "/id"), entity, ": a second link to the same predecessor"));
        }
        if (d.lag_days < 0 || d.lag_days > kMaxDays) {
          return absl::InvalidArgumentError(
              internal::Cat(At(base + "/lag_days"), entity, ": lag_days ", d.lag_days,
                            " is out of range (0 to ", kMaxDays, ")"));
        }
        preds.push_back(pred);
        links->push_back(Link{pred, succ, d.lag_days, static_cast<uint32_t>(i),
                              static_cast<uint32_t>(j), static_cast<uint32_t>(k)});
      }
    }
  }
  return absl::OkStatus();
}

void BuildGraph(PortfolioState& s, const std::vector<Link>& links) {
  internal::Graph& g = *s.graph;
  // Count every vertex's degree first so each incidence list is allocated once, exactly.
  const size_t n = s.people.size() + s.accounts.size() + s.projects.size() + s.milestones.size();
  size_t e = links.size() + s.milestones.size();
  for (const AccountRec& a : s.accounts) e += (a.ae != kNone ? 1 : 0);
  for (const ProjectRec& p : s.projects) {
    e += (p.account != kNone ? 1 : 0) + (p.pm != kNone ? 1 : 0);
  }
  for (const MilestoneRec& m : s.milestones) e += (m.owner != kNone ? 1 : 0);
  g.m_vertices.reserve(n - s.milestones.size() + internal::WithRoom(s.milestones.size()));
  g.m_edges.reserve(e - s.milestones.size() + 2 * internal::WithRoom(s.milestones.size()));
  for (uint32_t i = 0; i < s.people.size(); ++i) {
    s.people[i].vertex = static_cast<uint32_t>(add_vertex(Node{NodeKind::kPerson, i}, g));
  }
  for (uint32_t i = 0; i < s.accounts.size(); ++i) {
    s.accounts[i].vertex = static_cast<uint32_t>(add_vertex(Node{NodeKind::kAccount, i}, g));
  }
  for (uint32_t i = 0; i < s.projects.size(); ++i) {
    s.projects[i].vertex = static_cast<uint32_t>(add_vertex(Node{NodeKind::kProject, i}, g));
  }
  for (uint32_t i = 0; i < s.milestones.size(); ++i) {
    s.milestones[i].vertex = static_cast<uint32_t>(add_vertex(Node{NodeKind::kMilestone, i}, g));
  }
  std::vector<uint32_t> out(n, 0), in(n, 0);
  auto count = [&](uint32_t u, uint32_t v) {
    ++out[u];
    ++in[v];
  };
  for (const AccountRec& a : s.accounts) {
    if (a.ae != kNone) count(s.people[a.ae].vertex, a.vertex);
  }
  for (const ProjectRec& p : s.projects) {
    if (p.account != kNone) count(s.accounts[p.account].vertex, p.vertex);
    if (p.pm != kNone) count(s.people[p.pm].vertex, p.vertex);
  }
  for (const MilestoneRec& m : s.milestones) {
    count(s.projects[m.project].vertex, m.vertex);
    if (m.owner != kNone) count(s.people[m.owner].vertex, m.vertex);
  }
  for (const Link& l : links) count(s.milestones[l.pred].vertex, s.milestones[l.succ].vertex);
  for (size_t v = 0; v < n; ++v) {
    g.out_edge_list(v).reserve(out[v]);
    in_edge_list(g, v).reserve(in[v]);
  }
  for (const AccountRec& a : s.accounts) {
    if (a.ae != kNone) add_edge(s.people[a.ae].vertex, a.vertex, Edge{EdgeKind::kAeOf}, g);
  }
  for (const ProjectRec& p : s.projects) {
    if (p.account != kNone) {
      add_edge(s.accounts[p.account].vertex, p.vertex, Edge{EdgeKind::kAccountProject}, g);
    }
    if (p.pm != kNone) add_edge(s.people[p.pm].vertex, p.vertex, Edge{EdgeKind::kPmOf}, g);
  }
  for (const MilestoneRec& m : s.milestones) {
    add_edge(s.projects[m.project].vertex, m.vertex, Edge{EdgeKind::kProjectMilestone}, g);
    if (m.owner != kNone) add_edge(s.people[m.owner].vertex, m.vertex, Edge{EdgeKind::kOwnerOf}, g);
  }
  for (const Link& l : links) {
    add_edge(s.milestones[l.pred].vertex, s.milestones[l.succ].vertex,
             Edge{EdgeKind::kDependsOn, true, l.lag}, g);
  }
}

// The active link pred -> succ, if any (the inactive one too when `include_inactive`).
std::optional<internal::Graph::edge_descriptor> FindLink(const PortfolioState& s, uint32_t pred,
                                                         uint32_t succ, bool include_inactive) {
  const internal::Graph& g = *s.graph;
  internal::Graph::out_edge_iterator it, end;
  for (std::tie(it, end) = out_edges(s.milestones[pred].vertex, g); it != end; ++it) {
    const Edge& e = g[*it];
    if (e.kind == EdgeKind::kDependsOn && target(*it, g) == s.milestones[succ].vertex &&
        (e.active || include_inactive)) {
      return *it;
    }
  }
  return std::nullopt;
}

absl::StatusOr<uint32_t> FindMilestone(const PortfolioState& s, const MilestoneId& id,
                                       std::string_view role = "milestone") {
  uint32_t m = s.milestone_index.Find(id.value());
  if (m == kNone) return absl::NotFoundError(internal::Cat(role, " \"", id, "\": unknown id"));
  return m;
}

absl::StatusOr<uint32_t> FindProject(const PortfolioState& s, const ProjectId& id) {
  uint32_t p = s.project_index.Find(id.value());
  if (p == kNone) return absl::NotFoundError(internal::Cat("project \"", id, "\": unknown id"));
  return p;
}

MilestoneSchedule ScheduleRow(const PortfolioState& s, uint32_t m) {
  const MilestoneRec& r = s.milestones[m];
  MilestoneSchedule row;
  row.id = MilestoneId(r.id);
  row.project = ProjectId(s.projects[r.project].id);
  row.start = s.calendar->DayAt(s.StartDay(m));
  row.finish = s.calendar->DayAt(s.FinishDay(m));
  row.slack_days = s.Slack(m);
  row.critical = s.Critical(m);
  row.status = s.status[m];
  row.baseline_start = s.calendar->DayAt(s.baseline_start[m]);
  row.baseline_finish = s.calendar->DayAt(s.baseline_finish[m]);
  row.slip_days = s.FinishDay(m) - s.baseline_finish[m];
  return row;
}

// Copies the current forecast into the baseline.
void TakeBaseline(PortfolioState& s) {
  const size_t n = s.milestones.size();
  internal::ResizeWithRoom(s.baseline_start, n);
  internal::ResizeWithRoom(s.baseline_finish, n);
  for (uint32_t m = 0; m < n; ++m) {
    s.baseline_start[m] = s.StartDay(m);
    s.baseline_finish[m] = s.FinishDay(m);
  }
}

// The dates the library accepts (calendar.h): 1900-01-01 to 9999-12-31.
bool IsSupportedDate(Date d) { return !d.is_special() && d >= Date(1900, 1, 1); }

// The ordinal of the last working day on or before `d` (0 when there is none after the origin):
// the day that work finished on a non-working day counts for.
int32_t LastWorkingDayUpTo(const WorkingCalendar& calendar, Date d) {
  const int32_t k = calendar.IndexOf(d);
  return std::max(0, calendar.IsWorkingDay(d) ? k : k - 1);
}

Milestone MilestoneSpec(const PortfolioState& s, uint32_t m) {
  const MilestoneRec& r = s.milestones[m];
  Milestone out;
  out.id = MilestoneId(r.id);
  out.name = std::string(r.name);
  out.duration_days = r.duration;
  out.customer_visible = r.customer_visible;
  if (r.owner != kNone) out.owner = PersonId(s.people[r.owner].id);
  internal::ForEachPredecessor(s, m, [&](uint32_t q, int32_t lag) {
    out.depends_on.push_back(Dependency{MilestoneId(s.milestones[q].id), lag});
  });
  return out;
}

Project ProjectSpec(const PortfolioState& s, uint32_t p) {
  const ProjectRec& r = s.projects[p];
  Project out;
  out.id = ProjectId(r.id);
  out.name = std::string(r.name);
  if (r.account != kNone) out.account = AccountId(s.accounts[r.account].id);
  if (r.pm != kNone) out.pm = PersonId(s.people[r.pm].id);
  out.start = r.start;
  for (uint32_t m : r.milestones) out.milestones.push_back(MilestoneSpec(s, m));
  return out;
}

}  // namespace

Portfolio::Portfolio(std::unique_ptr<internal::PortfolioState> state) : state_(std::move(state)) {}
Portfolio::Portfolio(Portfolio&&) noexcept = default;
Portfolio& Portfolio::operator=(Portfolio&&) noexcept = default;
Portfolio::~Portfolio() = default;

absl::StatusOr<Portfolio> Portfolio::Create(const PortfolioSpec& spec) {
  auto state = std::make_unique<PortfolioState>();
  HANDOFF_RETURN_IF_ERROR(BuildTables(spec, *state));
  std::vector<Link> links;
  HANDOFF_RETURN_IF_ERROR(CollectLinks(spec, *state, &links));
  BuildGraph(*state, links);
  std::vector<uint32_t> cycle = internal::ComputeTopoOrder(*state);
  if (!cycle.empty()) {
    // Point at the link that leaves the cycle's first milestone for the second.
    const uint32_t from = cycle[0], to = cycle[1 % cycle.size()];
    std::string at;
    for (const Link& l : links) {
      if (l.succ == from && l.pred == to) {
        at = At(internal::Cat(MilestonePath(l.project_pos, l.milestone_pos), "/depends_on/",
                              l.link_pos, "/id"));
      }
    }
    return absl::FailedPreconditionError(
        internal::Cat(at, "milestone \"", state->milestones[from].id, "\": dependency cycle ",
                      internal::FormatCycle(*state, cycle)));
  }
  uint32_t failed = kNone;
  absl::Status scheduled = internal::FullSchedule(*state, &failed);
  if (!scheduled.ok()) {
    if (failed == kNone) return scheduled;
    const uint32_t p = state->milestones[failed].project;
    const std::vector<uint32_t>& members = state->projects[p].milestones;
    const size_t j =
        static_cast<size_t>(std::find(members.begin(), members.end(), failed) - members.begin());
    return absl::Status(scheduled.code(), internal::Cat(At(MilestonePath(p, j)),
                                                        internal::StdView(scheduled.message())));
  }
  TakeBaseline(*state);
  return Portfolio(std::move(state));
}

const WorkingCalendar& Portfolio::calendar() const { return *state_->calendar; }
size_t Portfolio::milestone_count() const { return state_->milestones.size(); }
size_t Portfolio::project_count() const { return state_->projects.size(); }

PortfolioSpec Portfolio::ToSpec() const {
  const PortfolioState& s = *state_;
  PortfolioSpec spec;
  spec.calendar = s.calendar->spec();
  for (const PersonRec& p : s.people) {
    spec.people.push_back(Person{PersonId(p.id), std::string(p.name), p.role});
  }
  for (const AccountRec& a : s.accounts) {
    Account out{AccountId(a.id), std::string(a.name), std::string(a.tier), PersonId()};
    if (a.ae != kNone) out.ae = PersonId(s.people[a.ae].id);
    spec.accounts.push_back(std::move(out));
  }
  for (uint32_t p = 0; p < s.projects.size(); ++p) spec.projects.push_back(ProjectSpec(s, p));
  return spec;
}

std::vector<std::pair<MilestoneId, Progress>> Portfolio::ProgressLog() const {
  const PortfolioState& s = *state_;
  std::vector<uint32_t> reported;
  reported.reserve(s.progress.size());
  for (const auto& [m, rec] : s.progress) reported.push_back(m);
  std::sort(reported.begin(), reported.end(),
            [&](uint32_t a, uint32_t b) { return s.milestones[a].id < s.milestones[b].id; });
  std::vector<std::pair<MilestoneId, Progress>> log;
  for (uint32_t m : reported) {
    const internal::ProgressRec& rec = s.progress.at(m);
    const MilestoneId id(s.milestones[m].id);
    // The latest report restores the actual start by itself only when it is the in_progress
    // report that set it.
    if (rec.actual_start && !(rec.last.status == MilestoneStatus::kInProgress &&
                              rec.last.reported_on == *rec.actual_start)) {
      Progress started;
      started.status = MilestoneStatus::kInProgress;
      started.reported_on = *rec.actual_start;
      log.emplace_back(id, started);
    }
    log.emplace_back(id, rec.last);
  }
  return log;
}

std::optional<Date> Portfolio::as_of() const { return state_->as_of; }

absl::StatusOr<Milestone> Portfolio::GetMilestone(const MilestoneId& id) const {
  HANDOFF_ASSIGN_OR_RETURN(uint32_t m, FindMilestone(*state_, id));
  return MilestoneSpec(*state_, m);
}

absl::StatusOr<Project> Portfolio::GetProject(const ProjectId& id) const {
  HANDOFF_ASSIGN_OR_RETURN(uint32_t p, FindProject(*state_, id));
  return ProjectSpec(*state_, p);
}

std::vector<ProjectId> Portfolio::ProjectIds() const {
  std::vector<ProjectId> ids;
  ids.reserve(state_->projects.size());
  for (const ProjectRec& p : state_->projects) ids.emplace_back(p.id);
  std::sort(ids.begin(), ids.end());
  return ids;
}

absl::StatusOr<MilestoneSchedule> Portfolio::ScheduleOf(const MilestoneId& id) const {
  HANDOFF_ASSIGN_OR_RETURN(uint32_t m, FindMilestone(*state_, id));
  internal::EnsureLateDates(*state_);
  return ScheduleRow(*state_, m);
}

std::vector<MilestoneSchedule> Portfolio::Schedule() const {
  const PortfolioState& s = *state_;
  internal::EnsureLateDates(s);
  std::vector<uint32_t> order(s.milestones.size());
  for (uint32_t i = 0; i < order.size(); ++i) order[i] = i;
  std::sort(order.begin(), order.end(),
            [&](uint32_t a, uint32_t b) { return s.milestones[a].id < s.milestones[b].id; });
  std::vector<MilestoneSchedule> rows;
  rows.reserve(order.size());
  for (uint32_t m : order) rows.push_back(ScheduleRow(s, m));
  return rows;
}

absl::StatusOr<std::vector<MilestoneId>> Portfolio::CriticalPath(const ProjectId& id) const {
  HANDOFF_ASSIGN_OR_RETURN(uint32_t p, FindProject(*state_, id));
  internal::EnsureLateDates(*state_);
  std::vector<MilestoneId> path;
  for (uint32_t m : internal::CriticalPath(*state_, p)) path.emplace_back(state_->milestones[m].id);
  return path;
}

absl::StatusOr<Impact> Portfolio::ImpactOf(const MilestoneId& id) const {
  const PortfolioState& s = *state_;
  HANDOFF_ASSIGN_OR_RETURN(uint32_t root, FindMilestone(s, id));
  std::vector<bool> seen(s.milestones.size(), false);
  std::vector<uint32_t> stack = {root}, cone;
  seen[root] = true;
  while (!stack.empty()) {
    uint32_t v = stack.back();
    stack.pop_back();
    internal::ForEachSuccessor(s, v, [&](uint32_t t, int32_t) {
      if (seen[t]) return;
      seen[t] = true;
      cone.push_back(t);
      stack.push_back(t);
    });
  }
  std::sort(cone.begin(), cone.end(),
            [&](uint32_t a, uint32_t b) { return s.milestones[a].id < s.milestones[b].id; });
  Impact impact;
  impact.milestone = id;
  for (uint32_t m : cone) {
    const MilestoneRec& r = s.milestones[m];
    const ProjectRec& p = s.projects[r.project];
    ImpactEntry entry{MilestoneId(r.id), ProjectId(p.id), AccountId(), r.customer_visible};
    if (p.account != kNone) entry.account = AccountId(s.accounts[p.account].id);
    if (r.customer_visible) {
      impact.customer_visible.push_back(entry.id);
      if (!entry.account.empty()) impact.accounts.push_back(entry.account);
    }
    impact.downstream.push_back(std::move(entry));
  }
  std::sort(impact.accounts.begin(), impact.accounts.end());
  impact.accounts.erase(std::unique(impact.accounts.begin(), impact.accounts.end()),
                        impact.accounts.end());
  return impact;
}

absl::StatusOr<ScheduleDelta> Portfolio::SetDuration(const MilestoneId& id, int32_t duration_days) {
  PortfolioState& s = *state_;
  HANDOFF_ASSIGN_OR_RETURN(uint32_t m, FindMilestone(s, id));
  if (duration_days < 0 || duration_days > kMaxDays) {
    return absl::InvalidArgumentError(internal::Cat("milestone \"", id, "\": duration_days ",
                                                    duration_days, " is out of range (0 to ",
                                                    kMaxDays, ")"));
  }
  internal::BeginChange(s);
  internal::Touch(s, m);
  const int32_t old = s.milestones[m].duration;
  s.milestones[m].duration = duration_days;
  absl::StatusOr<ScheduleDelta> delta = internal::Reforecast(s, {m}, {m});
  if (!delta.ok()) s.milestones[m].duration = old;
  return delta;
}

absl::StatusOr<ScheduleDelta> Portfolio::AddLink(const MilestoneId& predecessor,
                                                 const MilestoneId& successor, int32_t lag_days) {
  PortfolioState& s = *state_;
  HANDOFF_ASSIGN_OR_RETURN(uint32_t succ, FindMilestone(s, successor));
  HANDOFF_ASSIGN_OR_RETURN(uint32_t pred, FindMilestone(s, predecessor, "depends_on"));
  std::string entity =
      internal::Cat("milestone \"", successor, "\": depends_on \"", predecessor, "\"");
  if (pred == succ) {
    return absl::InvalidArgumentError(entity + ": a milestone cannot depend on itself");
  }
  if (lag_days < 0 || lag_days > kMaxDays) {
    return absl::InvalidArgumentError(
        internal::Cat(entity, ": lag_days ", lag_days, " is out of range (0 to ", kMaxDays, ")"));
  }
  if (FindLink(s, pred, succ, false)) {
    return absl::AlreadyExistsError(entity + ": a second link to the same predecessor");
  }
  std::vector<uint32_t> cycle = internal::InsertLinkOrder(s, pred, succ);
  if (!cycle.empty()) {
    return absl::FailedPreconditionError(
        internal::Cat(entity, ": dependency cycle ", internal::FormatCycle(s, cycle)));
  }
  internal::Graph& g = *s.graph;
  internal::PatchLinks(s, pred);
  internal::PatchLinks(s, succ);
  std::optional<internal::Graph::edge_descriptor> edge = FindLink(s, pred, succ, true);
  int32_t old_lag = 0;
  if (edge) {
    old_lag = g[*edge].lag;
    g[*edge].active = true;
    g[*edge].lag = lag_days;
  } else {
    edge = add_edge(s.milestones[pred].vertex, s.milestones[succ].vertex,
                    Edge{EdgeKind::kDependsOn, true, lag_days}, g)
               .first;
  }
  internal::BeginChange(s);
  absl::StatusOr<ScheduleDelta> delta = internal::Reforecast(s, {succ}, {pred});
  if (!delta.ok()) {
    // Keep the (inactive) edge: the graph only grows. The reordered topological order stays:
    // an order valid with the link is valid without it.
    g[*edge].active = false;
    g[*edge].lag = old_lag;
  }
  return delta;
}

absl::StatusOr<ScheduleDelta> Portfolio::RemoveLink(const MilestoneId& predecessor,
                                                    const MilestoneId& successor) {
  PortfolioState& s = *state_;
  HANDOFF_ASSIGN_OR_RETURN(uint32_t succ, FindMilestone(s, successor));
  HANDOFF_ASSIGN_OR_RETURN(uint32_t pred, FindMilestone(s, predecessor, "depends_on"));
  std::optional<internal::Graph::edge_descriptor> edge = FindLink(s, pred, succ, false);
  if (!edge) {
    return absl::NotFoundError(internal::Cat("milestone \"", successor, "\": depends_on \"",
                                             predecessor, "\": no such link"));
  }
  internal::PatchLinks(s, pred);
  internal::PatchLinks(s, succ);
  (*s.graph)[*edge].active = false;  // removing a constraint cannot push a date later
  internal::BeginChange(s);
  return internal::Reforecast(s, {succ}, {pred});
}

absl::StatusOr<ScheduleDelta> Portfolio::SetProjectStart(const ProjectId& id, Date start) {
  PortfolioState& s = *state_;
  HANDOFF_ASSIGN_OR_RETURN(uint32_t p, FindProject(s, id));
  if (start.is_special() || start < Date(1900, 1, 1)) {
    return absl::InvalidArgumentError(internal::Cat("project \"", id, "\": start is not a date"));
  }
  ProjectRec& rec = s.projects[p];
  const Date old_start = rec.start;
  const int32_t old_index = rec.start_index;
  rec.start = start;
  rec.start_index = s.calendar->IndexOf(start);
  internal::BeginChange(s);
  absl::StatusOr<ScheduleDelta> delta = internal::Reforecast(s, rec.milestones, {});
  if (!delta.ok()) {
    rec.start = old_start;
    rec.start_index = old_index;
  }
  return delta;
}

namespace {

// The checks of UpdateProgress; nothing is changed. The first segment of a value error names
// the progress field (percent, remaining_days, finished_on).
absl::Status CheckProgressAt(const PortfolioState& s, uint32_t m, const Progress& progress) {
  // Built only for an error.
  auto entity = [&] { return internal::Cat("milestone \"", s.milestones[m].id, "\": "); };
  if (static_cast<uint8_t>(progress.status) > static_cast<uint8_t>(MilestoneStatus::kBlocked)) {
    return absl::InvalidArgumentError(internal::Cat(
        entity(), "status ", static_cast<int>(progress.status), " is not a milestone status"));
  }
  const std::string_view status = MilestoneStatusName(progress.status);
  if (!IsSupportedDate(progress.reported_on)) {
    return absl::InvalidArgumentError(
        internal::Cat(entity(), "reported_on is required (a date from 1900-01-01 to 9999-12-31)"));
  }
  if (progress.percent && (*progress.percent < 0 || *progress.percent > 100)) {
    return absl::InvalidArgumentError(
        internal::Cat(entity(), "percent ", *progress.percent, " is out of range (0 to 100)"));
  }
  if (progress.remaining_days) {
    if (progress.status != MilestoneStatus::kInProgress) {
      return absl::InvalidArgumentError(
          internal::Cat(entity(), "remaining_days is only for in_progress, not ", status));
    }
    if (*progress.remaining_days < 0 || *progress.remaining_days > kMaxDays) {
      return absl::InvalidArgumentError(internal::Cat(entity(), "remaining_days ",
                                                      *progress.remaining_days,
                                                      " is out of range (0 to ", kMaxDays, ")"));
    }
  }
  if (progress.finished_on) {
    if (progress.status != MilestoneStatus::kDone) {
      return absl::InvalidArgumentError(
          internal::Cat(entity(), "finished_on is only for done, not ", status));
    }
    if (!IsSupportedDate(*progress.finished_on)) {
      return absl::InvalidArgumentError(
          internal::Cat(entity(), "finished_on is not a date from 1900-01-01 to 9999-12-31"));
    }
    if (*progress.finished_on > progress.reported_on) {
      return absl::InvalidArgumentError(
          internal::Cat(entity(), "finished_on ", FormatIsoDate(*progress.finished_on),
                        " is after reported_on ", FormatIsoDate(progress.reported_on)));
    }
  }

  return absl::OkStatus();
}

absl::StatusOr<uint32_t> CheckProgressOf(const PortfolioState& s, const MilestoneId& id,
                                         const Progress& progress) {
  HANDOFF_ASSIGN_OR_RETURN(uint32_t m, FindMilestone(s, id));
  HANDOFF_RETURN_IF_ERROR(CheckProgressAt(s, m, progress));
  return m;
}

}  // namespace

absl::Status Portfolio::CheckProgress(const MilestoneId& id, const Progress& progress) const {
  return CheckProgressOf(*state_, id, progress).status();
}

absl::StatusOr<ScheduleDelta> Portfolio::UpdateProgress(const MilestoneId& id,
                                                        const Progress& progress) {
  HANDOFF_ASSIGN_OR_RETURN(uint32_t m, CheckProgressOf(*state_, id, progress));
  return internal::PortfolioAccess::UpdateProgress(*this, m, progress, /*moved_ids=*/true);
}

namespace internal {

const PortfolioState& PortfolioAccess::State(const Portfolio& p) { return *p.state_; }

absl::Status PortfolioAccess::CheckProgress(const Portfolio& p, uint32_t m,
                                            const Progress& progress) {
  return CheckProgressAt(*p.state_, m, progress);
}

void PortfolioAccess::PrefetchProgress(const Portfolio& portfolio, uint32_t m) {
  const PortfolioState& s = *portfolio.state_;
  s.progress.prefetch(m);
  for (const void* p : std::initializer_list<const void*>{&s.milestones[m], &s.es[m], &s.ef[m],
                                                          &s.lf[m], &s.mode[m], &s.status[m],
                                                          &s.topo_pos[m], &s.baseline_finish[m]}) {
    __builtin_prefetch(p);
  }
  if (m < s.touched.size()) __builtin_prefetch(&s.touched[m]);
  if (m < s.stamp.size()) __builtin_prefetch(&s.stamp[m]);
  s.late.seeded.Prefetch(m);
  if (m < s.flat_patched.size()) {
    __builtin_prefetch(&s.flat_patched[m]);
    __builtin_prefetch(&s.flat.pred_begin[m]);
    __builtin_prefetch(&s.flat.succ_begin[m]);
  }
}

absl::StatusOr<ScheduleDelta> PortfolioAccess::UpdateProgress(Portfolio& portfolio, uint32_t m,
                                                              const Progress& progress,
                                                              bool moved_ids) {
  PortfolioState& s = *portfolio.state_;

  const WorkingCalendar& calendar = *s.calendar;
  internal::ProgressRec rec;
  rec.last = progress;
  std::optional<internal::ProgressRec> old;
  if (auto it = s.progress.find(m); it != s.progress.end()) old = it->second;
  // The actual start: the first in_progress report's date, kept by every later report except
  // not_started (which says the work had not begun after all).
  if (progress.status != MilestoneStatus::kNotStarted && old) rec.actual_start = old->actual_start;
  if (progress.status == MilestoneStatus::kInProgress && !rec.actual_start) {
    rec.actual_start = progress.reported_on;
  }
  if (rec.actual_start) rec.start_day = calendar.IndexOf(*rec.actual_start);
  internal::ForecastMode mode = internal::ForecastMode::kPlan;
  switch (progress.status) {
    case MilestoneStatus::kNotStarted:
      break;
    case MilestoneStatus::kInProgress:
      if (progress.remaining_days) {
        mode = internal::ForecastMode::kRemaining;
        // r >= 1: W[idx(U + 1) + r - 1]; r = 0: U. Both are the last working day <= U, plus r.
        rec.finish_day =
            LastWorkingDayUpTo(calendar, progress.reported_on) + *progress.remaining_days;
      } else {
        mode = internal::ForecastMode::kStarted;
      }
      break;
    case MilestoneStatus::kDone:
      mode = internal::ForecastMode::kDone;
      rec.finish_day =
          LastWorkingDayUpTo(calendar, progress.finished_on.value_or(progress.reported_on));
      break;
    case MilestoneStatus::kBlocked:
      mode = rec.actual_start ? internal::ForecastMode::kStarted : internal::ForecastMode::kPlan;
      break;
  }

  internal::BeginChange(s);
  internal::Touch(s, m);
  const internal::ForecastMode old_mode = s.mode[m];
  const int32_t old_key = s.FloorKey(m);
  const MilestoneStatus old_status = s.status[m];
  s.mode[m] = mode;
  s.status[m] = progress.status;
  s.progress.insert_or_assign(m, std::move(rec));
  // Nothing reads a latest date on the way: the backward pass waits for the next reader.
  absl::StatusOr<ScheduleDelta> delta =
      internal::Reforecast(s, {m}, {m}, moved_ids, /*defer_backward=*/true);
  if (!delta.ok()) {
    s.mode[m] = old_mode;
    s.status[m] = old_status;
    if (old) {
      s.progress.insert_or_assign(m, *std::move(old));
    } else {
      s.progress.erase(m);
    }
    return delta;
  }
  // Its floor key may now mean something else (ES or EF) even if no date moved.
  if (old_mode == internal::ForecastMode::kDone) {
    internal::NoteFloorKey(s, m);
  } else {
    internal::NoteFloorKeyMove(s, m, old_key);
  }
  return delta;
}

}  // namespace internal

absl::StatusOr<ScheduleDelta> Portfolio::SetAsOf(Date as_of) {
  return internal::PortfolioAccess::SetAsOf(*this, as_of, /*moved_ids=*/true);
}

namespace internal {

absl::StatusOr<ScheduleDelta> PortfolioAccess::SetAsOf(Portfolio& portfolio, Date as_of,
                                                       bool moved_ids) {
  PortfolioState& s = *portfolio.state_;
  if (!IsSupportedDate(as_of)) {
    return absl::InvalidArgumentError("as_of is not a date from 1900-01-01 to 9999-12-31");
  }
  if (s.as_of && as_of < *s.as_of) {
    return absl::FailedPreconditionError(internal::Cat("as_of ", FormatIsoDate(as_of),
                                                       " is before the current as-of date ",
                                                       FormatIsoDate(*s.as_of)));
  }
  const int32_t floor = 2 * s.calendar->IndexOf(as_of);  // START(idx(A))
  if (floor <= s.floor) {                                // same working day: nothing can move
    s.as_of = as_of;
    s.last_moved.clear();
    return ScheduleDelta{};
  }
  std::vector<std::pair<int32_t, uint32_t>> taken;
  std::vector<uint32_t> bound = internal::TakeFloorBound(s, floor, &taken);
  const int32_t old_floor = s.floor;
  s.floor = floor;
  internal::BeginChange(s);
  absl::StatusOr<ScheduleDelta> delta =
      internal::Reforecast(s, bound, {}, moved_ids, /*defer_backward=*/true);
  if (!delta.ok()) {
    s.floor = old_floor;
    internal::RestoreFloorEntries(s, taken);
    return delta;
  }
  // Their entries were taken; their keys are at or past the new floor now.
  for (uint32_t m : bound) internal::NoteFloorKey(s, m);
  s.as_of = as_of;
  return delta;
}

}  // namespace internal

void Portfolio::SetBaseline() { TakeBaseline(*state_); }

absl::Status Portfolio::SetBaseline(const ProjectId& project) {
  PortfolioState& s = *state_;
  HANDOFF_ASSIGN_OR_RETURN(uint32_t p, FindProject(s, project));
  for (uint32_t m : s.projects[p].milestones) {
    s.baseline_start[m] = s.StartDay(m);
    s.baseline_finish[m] = s.FinishDay(m);
  }
  return absl::OkStatus();
}

absl::StatusOr<ScheduleDelta> Portfolio::RescheduleAll() {
  PortfolioState& s = *state_;
  internal::LargeVector<int32_t> es = s.es, ef = s.ef, lf = s.lf;
  std::vector<int32_t> ends;
  for (const ProjectRec& p : s.projects) ends.push_back(p.end_i);
  internal::LargeVector<uint32_t> old_order = s.topo_order;
  std::vector<int32_t> start_days(s.milestones.size()), finish_days(s.milestones.size());
  for (uint32_t m = 0; m < s.milestones.size(); ++m) {
    start_days[m] = s.StartDay(m);
    finish_days[m] = s.FinishDay(m);
  }
  // The graph is acyclic (every edit checks), so this only rebuilds the order.
  internal::ComputeTopoOrder(s);
  absl::Status status = internal::FullSchedule(s);
  if (!status.ok()) {
    s.es = std::move(es);
    s.ef = std::move(ef);
    s.lf = std::move(lf);
    for (size_t p = 0; p < ends.size(); ++p) s.projects[p].end_i = ends[p];
    s.topo_order = std::move(old_order);
    for (uint32_t i = 0; i < s.topo_order.size(); ++i) s.topo_pos[s.topo_order[i]] = i;
    return status;
  }
  ScheduleDelta delta;
  delta.recomputed = s.milestones.size();
  s.last_moved.clear();
  for (uint32_t m = 0; m < s.milestones.size(); ++m) {
    if (s.StartDay(m) != start_days[m] || s.FinishDay(m) != finish_days[m]) {
      s.last_moved.push_back(m);
    }
  }
  std::sort(s.last_moved.begin(), s.last_moved.end(),
            [&](uint32_t a, uint32_t b) { return s.milestones[a].id < s.milestones[b].id; });
  for (uint32_t m : s.last_moved) delta.moved.emplace_back(s.milestones[m].id);
  return delta;
}

namespace {

// One dependency edge of a change: from a new milestone's depends_on (`link` false: entry
// `entry` of new milestone `item`) or from ChangeSet::links (`link` true: item `item`).
// Milestones are ordinals; a new milestone i of the change is first_new + i.
struct ChangeEdge {
  uint32_t pred, succ;
  int32_t lag;
  bool link;
  uint32_t item, entry;
};

// What ApplyChange did to the graph for one edge, to undo it.
struct AppliedEdge {
  uint32_t pred, succ;
  bool reactivated;  // an inactive edge between existing milestones was reactivated
  int32_t old_lag;
};

// The validated change: every id resolved, every value in range, no cycle.
struct ResolvedChange {
  uint32_t project = kNone;
  uint32_t first_new = 0;         // the ordinal of the first new milestone
  std::vector<uint32_t> owners;   // per new milestone: person ordinal or kNone
  std::vector<ChangeEdge> edges;  // new milestones' depends_on, then links
  std::vector<std::pair<uint32_t, int32_t>> durations;  // (milestone, new duration)
};

// Validates a change against the portfolio without changing anything (see
// Portfolio::ApplyChange for the messages).
absl::StatusOr<ResolvedChange> ResolveChange(const PortfolioState& s, const ProjectId& project,
                                             const ChangeSet& change) {
  ResolvedChange out;
  HANDOFF_ASSIGN_OR_RETURN(out.project, FindProject(s, project));
  const uint32_t first_new = static_cast<uint32_t>(s.milestones.size());
  out.first_new = first_new;
  const std::vector<Milestone>& added = change.new_milestones;
  absl::flat_hash_map<std::string_view, uint32_t> new_index;
  new_index.reserve(added.size());
  out.owners.assign(added.size(), kNone);
  for (size_t i = 0; i < added.size(); ++i) {
    const Milestone& m = added[i];
    const std::string base = internal::Cat("new_milestones/", i);
    if (m.id.empty()) {
      return absl::InvalidArgumentError(At(base + "/id") + "milestone: id is empty");
    }
    const std::string entity = internal::Cat("milestone \"", m.id, "\"");
    if (s.milestone_index.Find(m.id.value()) != kNone ||
        !new_index.emplace(m.id.value(), first_new + static_cast<uint32_t>(i)).second) {
      return absl::AlreadyExistsError(internal::Cat(At(base + "/id"), entity, ": duplicate id"));
    }
    if (m.duration_days < 0 || m.duration_days > kMaxDays) {
      return absl::InvalidArgumentError(internal::Cat(At(base + "/duration_days"), entity,
                                                      ": duration_days ", m.duration_days,
                                                      " is out of range (0 to ", kMaxDays, ")"));
    }
    if (!m.owner.empty()) {
      out.owners[i] = s.people_index.Find(m.owner.value());
      if (out.owners[i] == kNone) {
        return absl::NotFoundError(internal::Cat(At(base + "/owner"), entity, ": owner \"", m.owner,
                                                 "\": unknown person"));
      }
    }
  }
  auto resolve = [&](const MilestoneId& id) -> uint32_t {
    const uint32_t m = s.milestone_index.Find(id.value());
    if (m != kNone) return m;
    auto it = new_index.find(id.value());
    return it == new_index.end() ? kNone : it->second;
  };
  auto name = [&](uint32_t m) -> std::string_view {
    return m < first_new ? s.milestones[m].id : added[m - first_new].id.value();
  };

  // Links: a second link to one predecessor is refused against the active links and within the
  // change (a new milestone's depends_on and the links together).
  absl::flat_hash_set<uint64_t> pairs;
  auto key = [](uint32_t pred, uint32_t succ) { return (uint64_t{pred} << 32) | succ; };
  for (size_t i = 0; i < added.size(); ++i) {
    const Milestone& m = added[i];
    const uint32_t succ = first_new + static_cast<uint32_t>(i);
    for (size_t k = 0; k < m.depends_on.size(); ++k) {
      const Dependency& d = m.depends_on[k];
      const std::string base = internal::Cat("new_milestones/", i, "/depends_on/", k);
      if (d.id.empty()) {
        return absl::InvalidArgumentError(
            internal::Cat(At(base + "/id"), "milestone \"", m.id, "\": depends_on: id is empty"));
      }
      const std::string entity =
          internal::Cat("milestone \"", m.id, "\": depends_on \"", d.id, "\"");
      const uint32_t pred = resolve(d.id);
      if (pred == kNone) {
        return absl::NotFoundError(internal::Cat(At(base + "/id"), entity, ": unknown id"));
      }
      if (pred == succ) {
        return absl::InvalidArgumentError(
            internal::Cat(At(base + "/id"), entity, ": a milestone cannot depend on itself"));
      }
      if (!pairs.insert(key(pred, succ)).second) {
        return absl::AlreadyExistsError(
            internal::Cat(At(base + "/id"), entity, ": a second link to the same predecessor"));
      }
      if (d.lag_days < 0 || d.lag_days > kMaxDays) {
        return absl::InvalidArgumentError(internal::Cat(At(base + "/lag_days"), entity,
                                                        ": lag_days ", d.lag_days,
                                                        " is out of range (0 to ", kMaxDays, ")"));
      }
      out.edges.push_back(ChangeEdge{pred, succ, d.lag_days, false, static_cast<uint32_t>(i),
                                     static_cast<uint32_t>(k)});
    }
  }

  absl::flat_hash_set<uint32_t> edited;
  for (size_t j = 0; j < change.durations.size(); ++j) {
    const auto& [id, days] = change.durations[j];
    const std::string base = internal::Cat("durations/", j);
    if (id.empty()) {
      return absl::InvalidArgumentError(At(base + "/milestone") + "milestone: id is empty");
    }
    const std::string entity = internal::Cat("milestone \"", id, "\"");
    const uint32_t m = resolve(id);
    if (m == kNone) {
      return absl::NotFoundError(internal::Cat(At(base + "/milestone"), entity, ": unknown id"));
    }
    if (!edited.insert(m).second) {
      return absl::AlreadyExistsError(internal::Cat(At(base + "/milestone"), entity,
                                                    ": a second duration for the same milestone"));
    }
    if (days < 0 || days > kMaxDays) {
      return absl::InvalidArgumentError(internal::Cat(At(base + "/duration_days"), entity,
                                                      ": duration_days ", days,
                                                      " is out of range (0 to ", kMaxDays, ")"));
    }
    out.durations.emplace_back(m, days);
  }

  for (size_t j = 0; j < change.links.size(); ++j) {
    const ChangeSet::Link& l = change.links[j];
    const std::string base = internal::Cat("links/", j);
    if (l.successor.empty()) {
      return absl::InvalidArgumentError(At(base + "/successor") + "milestone: id is empty");
    }
    const uint32_t succ = resolve(l.successor);
    if (succ == kNone) {
      return absl::NotFoundError(
          internal::Cat(At(base + "/successor"), "milestone \"", l.successor, "\": unknown id"));
    }
    if (l.predecessor.empty()) {
      return absl::InvalidArgumentError(internal::Cat(At(base + "/predecessor"), "milestone \"",
                                                      l.successor, "\": depends_on: id is empty"));
    }
    const std::string entity =
        internal::Cat("milestone \"", l.successor, "\": depends_on \"", l.predecessor, "\"");
    const uint32_t pred = resolve(l.predecessor);
    if (pred == kNone) {
      return absl::NotFoundError(internal::Cat(At(base + "/predecessor"), entity, ": unknown id"));
    }
    if (pred == succ) {
      return absl::InvalidArgumentError(internal::Cat(At(base + "/predecessor"), entity,
                                                      ": a milestone cannot depend on itself"));
    }
    if (l.lag_days < 0 || l.lag_days > kMaxDays) {
      return absl::InvalidArgumentError(internal::Cat(At(base + "/lag_days"), entity, ": lag_days ",
                                                      l.lag_days, " is out of range (0 to ",
                                                      kMaxDays, ")"));
    }
    if ((pred < first_new && succ < first_new && FindLink(s, pred, succ, false)) ||
        !pairs.insert(key(pred, succ)).second) {
      return absl::AlreadyExistsError(internal::Cat(At(base + "/predecessor"), entity,
                                                    ": a second link to the same predecessor"));
    }
    out.edges.push_back(ChangeEdge{pred, succ, l.lag_days, true, static_cast<uint32_t>(j), 0});
  }

  // Cycles over the active links and every new edge, without changing anything. A cycle holds
  // at least one new edge pred -> succ, and then a path succ ~> pred. Along active links the
  // topological position grows, and a new milestone has new edges only, so every existing
  // milestone on such a cycle sits at or before the last existing predecessor of a new edge:
  // the searches skip existing milestones past it.
  absl::flat_hash_map<uint32_t, std::vector<uint32_t>> new_succs;
  int64_t upper = -1;
  for (const ChangeEdge& e : out.edges) {
    new_succs[e.pred].push_back(e.succ);
    if (e.pred < first_new) upper = std::max<int64_t>(upper, s.topo_pos[e.pred]);
  }
  auto beyond = [&](uint32_t m) {
    return m<first_new&& static_cast<int64_t>(s.topo_pos[m])> upper;
  };
  absl::flat_hash_map<uint32_t, uint32_t> parent;  // the search tree; also the visited set
  std::vector<uint32_t> stack;
  for (const ChangeEdge& e : out.edges) {
    if (beyond(e.succ)) continue;
    // Search from e.succ along successors (active links and new edges) for e.pred.
    parent.clear();
    stack.assign(1, e.succ);
    parent[e.succ] = e.succ;
    bool found = false;
    auto visit = [&](uint32_t v, uint32_t t) {
      if (found || beyond(t) || !parent.emplace(t, v).second) return;
      if (t == e.pred) {
        found = true;
      } else {
        stack.push_back(t);
      }
    };
    while (!stack.empty() && !found) {
      const uint32_t v = stack.back();
      stack.pop_back();
      if (v < first_new)
        internal::ForEachSuccessor(s, v, [&](uint32_t t, int32_t) { visit(v, t); });
      if (auto it = new_succs.find(v); it != new_succs.end()) {
        for (uint32_t t : it->second) visit(v, t);
      }
    }
    if (!found) continue;
    // The path e.succ ~> e.pred runs backwards in "depends on" order; the new edge closes it.
    std::vector<uint32_t> cycle = {e.succ};
    for (uint32_t w = e.pred; w != e.succ; w = parent[w]) cycle.push_back(w);
    std::rotate(cycle.begin(),
                std::min_element(cycle.begin(), cycle.end(),
                                 [&](uint32_t a, uint32_t b) { return name(a) < name(b); }),
                cycle.end());
    std::string text;
    for (uint32_t m : cycle) internal::Append(&text, name(m), " -> ");
    internal::Append(&text, name(cycle.front()));
    const std::string at =
        e.link ? internal::Cat("links/", e.item, "/predecessor")
               : internal::Cat("new_milestones/", e.item, "/depends_on/", e.entry, "/id");
    return absl::FailedPreconditionError(internal::Cat(At(at), "milestone \"", name(e.succ),
                                                       "\": depends_on \"", name(e.pred),
                                                       "\": dependency cycle ", text));
  }
  return out;
}

// Undoes the graph, record and array changes of an ApplyChange whose re-forecast failed
// (Reforecast has restored the schedule values already). The new milestones are the last
// ordinals: their records, index entries, project entries and per-milestone values are popped;
// their vertices stay as orphans (portfolio_state.h).
void RevertChange(PortfolioState& s, const ResolvedChange& rc,
                  const std::vector<std::pair<uint32_t, int32_t>>& old_durations,
                  const std::vector<AppliedEdge>& applied) {
  internal::Graph& g = *s.graph;
  for (auto it = old_durations.rbegin(); it != old_durations.rend(); ++it) {
    s.milestones[it->first].duration = it->second;
  }
  for (auto it = applied.rbegin(); it != applied.rend(); ++it) {
    if (it->pred >= rc.first_new || it->succ >= rc.first_new) continue;  // orphaned below
    std::optional<internal::Graph::edge_descriptor> edge = FindLink(s, it->pred, it->succ, true);
    if (!edge) continue;
    g[*edge].active = false;
    if (it->reactivated) g[*edge].lag = it->old_lag;
  }
  const uint32_t first_new = rc.first_new;
  const uint32_t n = static_cast<uint32_t>(s.milestones.size());
  for (uint32_t m = n; m-- > first_new;) {
    const internal::Vertex v = s.milestones[m].vertex;
    internal::Graph::out_edge_iterator oit, oend;
    for (std::tie(oit, oend) = out_edges(v, g); oit != oend; ++oit) g[*oit].active = false;
    internal::Graph::in_edge_iterator iit, iend;
    for (std::tie(iit, iend) = in_edges(v, g); iit != iend; ++iit) g[*iit].active = false;
    g[v].index = kNone;
    s.milestone_index.Erase(m);
  }
  std::vector<uint32_t>& members = s.projects[rc.project].milestones;
  members.resize(members.size() - (n - first_new));
  s.milestones.resize(first_new);
  for (internal::LargeVector<int32_t>* values :
       {&s.es, &s.ef, &s.lf, &s.baseline_start, &s.baseline_finish}) {
    values->resize(first_new);
  }
  s.mode.resize(first_new);
  s.status.resize(first_new);
  // Drop the new milestones from the topological order: what remains is still an order of the
  // remaining (fewer) links. Positions move only from the first dropped one on.
  uint32_t from = n;
  for (uint32_t m = first_new; m < n; ++m) from = std::min(from, s.topo_pos[m]);
  s.topo_order.erase(std::remove_if(s.topo_order.begin() + from, s.topo_order.end(),
                                    [&](uint32_t m) { return m >= first_new; }),
                     s.topo_order.end());
  s.topo_pos.resize(first_new);
  for (uint32_t i = from; i < s.topo_order.size(); ++i) s.topo_pos[s.topo_order[i]] = i;
  if (s.stamp.size() > first_new) s.stamp.resize(first_new);
  if (s.touched.size() > first_new) s.touched.resize(first_new);
  // The failed forward pass may have indexed a new milestone for the as-of floor.
  internal::PortfolioState::AsOfIndex& index = s.as_of_index;
  for (auto& bucket : index.buckets) {
    index.size -=
        std::erase_if(bucket, [&](const auto& entry) { return entry.second >= first_new; });
  }
  index.live = std::min(index.live, index.size);
  s.flat_stale = true;
  for (uint32_t m = first_new; m < n; ++m) {
    if (m < s.flat_patched.size()) s.flat_patched[m] = 1;  // not expected: added after a rebuild
  }
}

}  // namespace

absl::Status Portfolio::CheckChange(const ProjectId& project, const ChangeSet& change) const {
  return ResolveChange(*state_, project, change).status();
}

absl::StatusOr<ScheduleDelta> Portfolio::ApplyChange(const ProjectId& project,
                                                     const ChangeSet& change) {
  return internal::PortfolioAccess::ApplyChange(*this, project, change, /*moved_ids=*/true);
}

namespace internal {

absl::StatusOr<ScheduleDelta> PortfolioAccess::ApplyChange(Portfolio& portfolio,
                                                           const ProjectId& project,
                                                           const ChangeSet& change,
                                                           bool moved_ids) {
  PortfolioState& s = *portfolio.state_;
  HANDOFF_ASSIGN_OR_RETURN(const ResolvedChange rc, ResolveChange(s, project, change));
  internal::Graph& g = *s.graph;
  const uint32_t first_new = rc.first_new;
  const uint32_t n = first_new + static_cast<uint32_t>(change.new_milestones.size());

  // The new milestones: records, vertices with their project and owner edges, index entries,
  // project members, per-milestone values, and the end of the topological order (they have no
  // links yet).
  ProjectRec& proj = s.projects[rc.project];
  for (uint32_t i = 0; i < change.new_milestones.size(); ++i) {
    const Milestone& m = change.new_milestones[i];
    const uint32_t ordinal = first_new + i;
    MilestoneRec rec;
    rec.id = s.arena.Intern(m.id.value());
    rec.name = s.arena.Intern(m.name);
    rec.project = rc.project;
    rec.owner = rc.owners[i];
    rec.duration = m.duration_days;
    rec.customer_visible = m.customer_visible;
    rec.vertex = static_cast<uint32_t>(add_vertex(Node{NodeKind::kMilestone, ordinal}, g));
    add_edge(proj.vertex, rec.vertex, Edge{EdgeKind::kProjectMilestone}, g);
    if (rec.owner != kNone) {
      add_edge(s.people[rec.owner].vertex, rec.vertex, Edge{EdgeKind::kOwnerOf}, g);
    }
    s.milestones.push_back(rec);
    s.milestone_index.Insert(ordinal);
    proj.milestones.push_back(ordinal);
    s.topo_pos.push_back(static_cast<uint32_t>(s.topo_order.size()));
    s.topo_order.push_back(ordinal);
  }
  for (internal::LargeVector<int32_t>* values :
       {&s.es, &s.ef, &s.lf, &s.baseline_start, &s.baseline_finish}) {
    values->resize(n, 0);
  }
  s.mode.resize(n, internal::ForecastMode::kPlan);
  s.status.resize(n, MilestoneStatus::kNotStarted);

  internal::BeginChange(s);  // after the new milestones: it sizes the undo marks
  std::vector<std::pair<uint32_t, int32_t>> old_durations;
  for (const auto& [m, days] : rc.durations) {
    // Its dates as they are, with its current duration (a checkpoint reads its start day
    // differently from a task).
    if (m < first_new) internal::Touch(s, m);
    old_durations.emplace_back(m, s.milestones[m].duration);
    s.milestones[m].duration = days;
  }
  std::vector<AppliedEdge> applied;
  applied.reserve(rc.edges.size());
  for (const ChangeEdge& e : rc.edges) {
    // Acyclic over the whole change (checked), so every insertion finds its place.
    if (!internal::InsertLinkOrder(s, e.pred, e.succ).empty()) {
      RevertChange(s, rc, old_durations, applied);
      return absl::InternalError("ApplyChange: a checked change closed a cycle");
    }
    AppliedEdge a{e.pred, e.succ, false, 0};
    internal::PatchLinks(s, e.pred);  // before the edit: the next insertion reads it
    internal::PatchLinks(s, e.succ);
    std::optional<internal::Graph::edge_descriptor> edge;
    if (e.pred < first_new && e.succ < first_new) edge = FindLink(s, e.pred, e.succ, true);
    if (edge) {  // a removed link comes back with the new lag
      a.reactivated = true;
      a.old_lag = g[*edge].lag;
      g[*edge].active = true;
      g[*edge].lag = e.lag;
    } else {
      add_edge(s.milestones[e.pred].vertex, s.milestones[e.succ].vertex,
               Edge{EdgeKind::kDependsOn, true, e.lag}, g);
    }
    applied.push_back(a);
  }

  std::vector<uint32_t> forward;
  for (uint32_t m = first_new; m < n; ++m) forward.push_back(m);
  for (const auto& [m, days] : rc.durations) forward.push_back(m);
  for (const ChangeEdge& e : rc.edges) {
    if (e.link) forward.push_back(e.succ);
  }
  std::vector<uint32_t> backward = forward;
  for (const ChangeEdge& e : rc.edges) {
    if (e.link) backward.push_back(e.pred);
  }
  // As for progress: the latest dates wait for their next reader.
  absl::StatusOr<ScheduleDelta> delta =
      internal::Reforecast(s, forward, backward, /*moved_ids=*/false, /*defer_backward=*/true);
  if (!delta.ok()) {
    RevertChange(s, rc, old_durations, applied);
    return delta;
  }
  for (uint32_t m = first_new; m < n; ++m) {
    s.baseline_start[m] = s.StartDay(m);
    s.baseline_finish[m] = s.FinishDay(m);
    internal::NoteFloorKey(s, m);
  }
  // Only existing milestones move; the new ones are listed by the change itself.
  std::erase_if(s.last_moved, [&](uint32_t m) { return m >= first_new; });
  if (moved_ids) internal::ReportMovedIds(s, &*delta);
  return delta;
}

}  // namespace internal

}  // namespace handoff
