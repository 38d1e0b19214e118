#include "handoff/portfolio.h"

#include <algorithm>
#include <cstring>
#include <string>
#include <utility>

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
  s.milestones.reserve(milestone_total);
  s.milestone_index.Reserve(milestone_total);
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
  g.m_vertices.reserve(n);
  g.m_edges.reserve(e);
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
  s.baseline_start.resize(n);
  s.baseline_finish.resize(n);
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
  return ScheduleRow(*state_, m);
}

std::vector<MilestoneSchedule> Portfolio::Schedule() const {
  const PortfolioState& s = *state_;
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
  s.flat_stale = true;
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
  (*s.graph)[*edge].active = false;  // removing a constraint cannot push a date later
  s.flat_stale = true;
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

absl::StatusOr<ScheduleDelta> Portfolio::UpdateProgress(const MilestoneId& id,
                                                        const Progress& progress) {
  PortfolioState& s = *state_;
  HANDOFF_ASSIGN_OR_RETURN(uint32_t m, FindMilestone(s, id));
  const std::string entity = internal::Cat("milestone \"", id, "\": ");
  if (static_cast<uint8_t>(progress.status) > static_cast<uint8_t>(MilestoneStatus::kBlocked)) {
    return absl::InvalidArgumentError(internal::Cat(
        entity, "status ", static_cast<int>(progress.status), " is not a milestone status"));
  }
  const std::string_view status = MilestoneStatusName(progress.status);
  if (!IsSupportedDate(progress.reported_on)) {
    return absl::InvalidArgumentError(
        internal::Cat(entity, "reported_on is required (a date from 1900-01-01 to 9999-12-31)"));
  }
  if (progress.percent && (*progress.percent < 0 || *progress.percent > 100)) {
    return absl::InvalidArgumentError(
        internal::Cat(entity, "percent ", *progress.percent, " is out of range (0 to 100)"));
  }
  if (progress.remaining_days) {
    if (progress.status != MilestoneStatus::kInProgress) {
      return absl::InvalidArgumentError(
          internal::Cat(entity, "remaining_days is only for in_progress, not ", status));
    }
    if (*progress.remaining_days < 0 || *progress.remaining_days > kMaxDays) {
      return absl::InvalidArgumentError(internal::Cat(entity, "remaining_days ",
                                                      *progress.remaining_days,
                                                      " is out of range (0 to ", kMaxDays, ")"));
    }
  }
  if (progress.finished_on) {
    if (progress.status != MilestoneStatus::kDone) {
      return absl::InvalidArgumentError(
          internal::Cat(entity, "finished_on is only for done, not ", status));
    }
    if (!IsSupportedDate(*progress.finished_on)) {
      return absl::InvalidArgumentError(
          internal::Cat(entity, "finished_on is not a date from 1900-01-01 to 9999-12-31"));
    }
    if (*progress.finished_on > progress.reported_on) {
      return absl::InvalidArgumentError(
          internal::Cat(entity, "finished_on ", FormatIsoDate(*progress.finished_on),
                        " is after reported_on ", FormatIsoDate(progress.reported_on)));
    }
  }

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
  const MilestoneStatus old_status = s.status[m];
  s.mode[m] = mode;
  s.status[m] = progress.status;
  s.progress.insert_or_assign(m, std::move(rec));
  absl::StatusOr<ScheduleDelta> delta = internal::Reforecast(s, {m}, {m});
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
  internal::NoteFloorKey(s, m);
  return delta;
}

absl::StatusOr<ScheduleDelta> Portfolio::SetAsOf(Date as_of) {
  PortfolioState& s = *state_;
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
    return ScheduleDelta{};
  }
  std::vector<std::pair<int32_t, uint32_t>> taken;
  std::vector<uint32_t> bound = internal::TakeFloorBound(s, floor, &taken);
  const int32_t old_floor = s.floor;
  s.floor = floor;
  internal::BeginChange(s);
  absl::StatusOr<ScheduleDelta> delta = internal::Reforecast(s, bound, {});
  if (!delta.ok()) {
    s.floor = old_floor;
    internal::RestoreFloorEntries(s, taken);
    return delta;
  }
  s.as_of = as_of;
  return delta;
}

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
  std::vector<int32_t> es = s.es, ef = s.ef, lf = s.lf;
  std::vector<int32_t> ends;
  for (const ProjectRec& p : s.projects) ends.push_back(p.end_i);
  std::vector<uint32_t> old_order = s.topo_order;
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
  for (uint32_t m = 0; m < s.milestones.size(); ++m) {
    if (s.StartDay(m) != start_days[m] || s.FinishDay(m) != finish_days[m]) {
      delta.moved.emplace_back(s.milestones[m].id);
    }
  }
  std::sort(delta.moved.begin(), delta.moved.end());
  return delta;
}

absl::StatusOr<ScheduleDelta> Portfolio::ApplyChange(const ProjectId& project,
                                                     const ChangeSet& change) {
  // TEMPORARY stub, replaced by the real implementation.
  (void)project;
  (void)change;
  return absl::UnimplementedError("ApplyChange is not implemented yet");
}

}  // namespace handoff
