// The story of the bundled demo scenario (examples/scenarios/agency.json), told through the
// library without the CLI: its events are applied to a Workspace and the routed messages are
// checked against what the story says, with the SLA instants computed by hand (spec SLA.md).
//
// Calendar: Sat/Sun weekend, hours 09:00-12:00 and 13:00-18:00 at +08:00 (8 business hours a
// day). Mon 2027-01-04 is the first working day of the story.
#include <algorithm>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "handoff/handoff.h"
#include "nlohmann/json.hpp"
#include "tests/support/workspace_fixture.h"

namespace handoff {
namespace {

using testing::At;
using ::testing::ElementsAre;
using ::testing::IsEmpty;
using ::testing::UnorderedElementsAre;

// `s` as a JSON string (the ids and names here need no escaping).
std::string Quoted(std::string_view s) {
  std::string out = "\"";
  out += s;
  out += '"';
  return out;
}

// The scenario, its workspace and the commands, applied one by one with a recorder attached.
class DemoScenarioTest : public ::testing::Test {
 protected:
  void SetUp() override {
    absl::StatusOr<std::string> text = ReadTextFile(HANDOFF_DEMO_SCENARIO);
    ASSERT_TRUE(text.ok()) << text.status();
    absl::StatusOr<Scenario> scenario = ParseScenario(*text);
    ASSERT_TRUE(scenario.ok()) << scenario.status();
    scenario_ = *std::move(scenario);
    absl::StatusOr<std::unique_ptr<Workspace>> ws = Workspace::Create(scenario_);
    ASSERT_TRUE(ws.ok()) << ws.status();
    ws_ = *std::move(ws);
    absl::StatusOr<std::vector<Command>> events =
        ParseCommandsJson(scenario_.events_json, ws_->time_zone());
    ASSERT_TRUE(events.ok()) << events.status();
    events_ = *std::move(events);
    recorder_.Attach(*ws_);
  }

  // Applies events [applied_, end); every one must be accepted.
  void ApplyUpTo(size_t end) {
    for (; applied_ < std::min(end, events_.size()); ++applied_) {
      absl::Status s = ws_->Apply(events_[applied_]);
      ASSERT_TRUE(s.ok()) << "/events/" << applied_ << ": " << s;
    }
  }
  void ApplyAll() { ApplyUpTo(events_.size()); }

  const std::vector<Message>& messages() const { return recorder_.messages; }
  std::string Local(Instant t) const { return FormatInstant(t, ws_->time_zone()); }
  std::string Json(const Message& m) const { return MessageToJson(m, ws_->time_zone()); }
  std::string Field(const Message& m, const std::string& name) const {
    for (const auto& [n, v] : m.fields) {
      if (n == name) return v;
    }
    return "";
  }
  const Milestone* SpecMilestone(const std::string& id) const {
    for (const Project& p : scenario_.portfolio.projects) {
      for (const Milestone& m : p.milestones) {
        if (m.id.value() == id) return &m;
      }
    }
    return nullptr;
  }

  Scenario scenario_;
  std::unique_ptr<Workspace> ws_;
  std::vector<Command> events_;
  testing::Recorder recorder_;
  size_t applied_ = 0;
};

TEST_F(DemoScenarioTest, EveryEventIsAcceptedInTimeOrder) {
  ASSERT_GE(events_.size(), 30u);
  for (size_t i = 1; i < events_.size(); ++i) {
    EXPECT_LE(events_[i - 1].at, events_[i].at) << "/events/" << i;
  }
  ApplyAll();
  EXPECT_EQ(applied_, events_.size());
  // Delivery order: seq from 1 without gaps, instants never going back.
  for (size_t i = 0; i < messages().size(); ++i) {
    EXPECT_EQ(messages()[i].seq, i + 1);
    if (i > 0) {
      EXPECT_LE(messages()[i - 1].at, messages()[i].at) << Json(messages()[i]);
    }
  }
}

// Wed 2027-01-13 11:00: Li Wei reports UX design (P1.M4, internal: not customer-visible) in
// progress with 8 working days left. SCHEDULING.md: finish = W[idx(U+1) + r - 1] with U =
// Wed 01-13, so the 8th working day from Thu 01-14: 14, 15, 18, 19, 20, 21, 22, 25 -> Mon 01-25
// instead of Wed 01-20, 3 working days late. The customer's design review P1.M5 (lag 1 after
// P1.M4) moves from Thu 01-21 to Tue 01-26, and the chain behind it (build sprints, UAT, go-live,
// handover, the wishlist demo, and Loyalty platform's go-live 10 days after the store app's)
// moves 3 working days too. Chen Jing, the AE of Acme Retail, hears each customer-visible move
// with the internal milestone as its cause; nobody hears about P1.M4 itself.
TEST_F(DemoScenarioTest, InternalSlipMovesCustomerVisibleMilestonesAndTellsTheAeWhy) {
  const Instant slip_at = At("2027-01-13T11:00:00");
  size_t slip_event = events_.size();
  for (size_t i = 0; i < events_.size(); ++i) {
    if (events_[i].at == slip_at) slip_event = i;
  }
  ASSERT_LT(slip_event, events_.size());
  const auto* update = std::get_if<UpdateMilestone>(&events_[slip_event].payload);
  ASSERT_NE(update, nullptr);
  EXPECT_EQ(update->milestone, MilestoneId("P1.M4"));
  EXPECT_EQ(update->status, MilestoneStatus::kInProgress);
  EXPECT_EQ(update->remaining_days, 8);
  ASSERT_NE(SpecMilestone("P1.M4"), nullptr);
  EXPECT_FALSE(SpecMilestone("P1.M4")->customer_visible);

  ApplyUpTo(slip_event);
  const size_t before = messages().size();
  ApplyUpTo(slip_event + 1);
  std::vector<std::string> moved;
  for (size_t i = before; i < messages().size(); ++i) {
    const Message& m = messages()[i];
    if (m.kind != "forecast_changed") continue;
    EXPECT_EQ(m.to, PersonId("chen.ae")) << Json(m);
    EXPECT_EQ(m.at, slip_at) << Json(m);
    EXPECT_EQ(m.account, "acme") << Json(m);
    EXPECT_EQ(Field(m, "cause"),
              R"({"kind":"milestone","milestone":"P1.M4","status":"in_progress"})")
        << Json(m);
    EXPECT_EQ(Field(m, "slip_days"), "3") << Json(m);
    moved.push_back(m.milestone);
    if (m.milestone == "P1.M5") {
      EXPECT_EQ(Field(m, "old_finish"), "\"2027-01-21\"");
      EXPECT_EQ(Field(m, "new_finish"), "\"2027-01-26\"");
    }
  }
  EXPECT_THAT(moved, ElementsAre("P1.M14", "P1.M15", "P1.M17", "P1.M18", "P1.M5", "P2.M10"));
  absl::StatusOr<MilestoneSchedule> m4 = ws_->portfolio().ScheduleOf(MilestoneId("P1.M4"));
  ASSERT_TRUE(m4.ok());
  EXPECT_EQ(FormatIsoDate(m4->finish), "2027-01-25");
  absl::StatusOr<MilestoneSchedule> m5 = ws_->portfolio().ScheduleOf(MilestoneId("P1.M5"));
  ASSERT_TRUE(m5.ok());
  EXPECT_EQ(FormatIsoDate(m5->finish), "2027-01-26");
  EXPECT_EQ(m5->slip_days, 3);
}

// F1, a high-priority complaint on the store app logged Tue 2027-01-05 10:00; policy "urgent
// complaints" (first response 120 min, resolution 960 min, warning at 80%, escalation to Zhao
// Min 60 min after a breach). Assignee: Li Wei (P1.M2 has no owner). By hand:
//   first response  warning at  96 min: 10:00 + 96 min                        = Tue 11:36
//                   breach  at 120 min: due at the interval's end              = Tue 12:00
//                   level 1 at 180 min: 120 by 12:00, lunch, 13:00 + 60 min    = Tue 14:00
//   (the ticks at 12:15 and 14:00 carry time forward; Li Wei answers at 14:20)
//   resolution      used by Tue 18:00: 120 + 300 = 420 min; Wed 09:00-12:00 -> 600 min;
//                   warning at 768 min: Wed 13:00 + 168 min                    = Wed 15:48
//                   due at 960 min: Wed 18:00 is 900 min, Thu 09:00 + 60 min   = Thu 10:00
// Li Wei resolves it Wed 16:00 (780 min used, after the warning), Chen Jing reopens it Thu
// 10:00 (the breach would now come at Thu 14:00), Li Wei resolves it again Thu 11:30 (870 min
// used): the resolution clock never breaches.
TEST_F(DemoScenarioTest, ComplaintBreachesAndEscalatesAtTheHandComputedInstants) {
  ApplyAll();
  std::vector<std::string> sla;
  for (const Message& m : messages()) {
    if (m.feedback != "F1" || m.clock.empty()) continue;
    if (m.kind != "sla_warning" && m.kind != "sla_breached" && m.kind != "escalated") continue;
    ASSERT_TRUE(m.due.has_value()) << Json(m);
    sla.push_back(Local(m.at) + " " + m.kind + " " + m.to.value() + " " + m.clock + " due " +
                  Local(*m.due));
  }
  EXPECT_THAT(
      sla,
      ElementsAre(
          "2027-01-05T11:36:00+08:00 sla_warning li.pm first_response due "
          "2027-01-05T12:00:00+08:00",
          "2027-01-05T12:00:00+08:00 sla_breached li.pm first_response due "
          "2027-01-05T12:00:00+08:00",
          "2027-01-05T12:00:00+08:00 sla_breached chen.ae first_response due "
          "2027-01-05T12:00:00+08:00",
          "2027-01-05T14:00:00+08:00 escalated zhao.lead first_response due "
          "2027-01-05T12:00:00+08:00",
          "2027-01-05T14:00:00+08:00 escalated li.pm first_response due 2027-01-05T12:00:00+08:00",
          "2027-01-05T14:00:00+08:00 escalated chen.ae first_response due "
          "2027-01-05T12:00:00+08:00",
          "2027-01-06T15:48:00+08:00 sla_warning li.pm resolution due 2027-01-07T10:00:00+08:00"));
  // The escalation names its level and person.
  for (const Message& m : messages()) {
    if (m.kind == "escalated" && m.feedback == "F1") {
      EXPECT_EQ(Field(m, "level"), "1");
      EXPECT_EQ(Field(m, "escalated_to"), "\"zhao.lead\"");
    }
  }
  // The breach turned the store app red at the breach instant, for its AE.
  bool red = false;
  for (const Message& m : messages()) {
    if (m.kind == "health_changed" && m.project == "P1" && m.at == At("2027-01-05T12:00:00")) {
      red = true;
      EXPECT_EQ(m.to, PersonId("chen.ae"));
      EXPECT_EQ(Field(m, "health"), "\"red\"");
    }
  }
  EXPECT_TRUE(red);
  absl::StatusOr<FeedbackView> f1 = ws_->GetFeedback(FeedbackId("F1"));
  ASSERT_TRUE(f1.ok());
  EXPECT_EQ(f1->state, FeedbackState::kClosed);
  EXPECT_EQ(f1->used_seconds[0], (120 + 80) * 60);  // 10:00-12:00 and 13:00-14:20
  EXPECT_EQ(f1->used_seconds[1], 870 * 60);
  EXPECT_TRUE(f1->breached[0]);
  EXPECT_FALSE(f1->breached[1]);
}

// F2, a bug logged Wed 09:15 (policy "standard"). Li Wei asks the customer at Wed 11:00: the
// first-response clock stops at 105 min and the resolution clock pauses at 105 min. The
// customer replies Thu 15:30 (clock runs again); Li Wei resolves it Fri 11:00:
// 105 + (Thu 15:30-18:00) 150 + (Fri 09:00-11:00) 120 = 375 min.
TEST_F(DemoScenarioTest, WaitingOnTheCustomerPausesTheResolutionClock) {
  ApplyAll();
  std::vector<std::string> story;
  for (const Message& m : messages()) {
    if (m.feedback == "F2") story.push_back(Local(m.at) + " " + m.kind + " " + m.to.value());
  }
  EXPECT_THAT(story, ElementsAre("2027-01-06T09:15:00+08:00 feedback_logged li.pm",
                                 "2027-01-06T11:00:00+08:00 feedback_state_changed chen.ae",
                                 "2027-01-07T15:30:00+08:00 customer_replied li.pm",
                                 "2027-01-08T11:00:00+08:00 feedback_state_changed chen.ae",
                                 "2027-01-08T17:30:00+08:00 feedback_closed li.pm"));
  absl::StatusOr<FeedbackView> f2 = ws_->GetFeedback(FeedbackId("F2"));
  ASSERT_TRUE(f2.ok());
  EXPECT_EQ(f2->used_seconds[0], 105 * 60);
  EXPECT_EQ(f2->used_seconds[1], 375 * 60);
  EXPECT_FALSE(f2->breached[0] || f2->breached[1]);
}

// Fri 2027-01-08 14:00: Li Wei accepts Acme's change request F4: build sprint 2 (P1.M9) grows
// from 10 to 12 working days (Fri 02-12 .. Mon 03-01, with the Spring Festival holidays
// 02-08..02-11 before it) and a customer-visible "Wishlist demo" checkpoint P1.M18 follows it.
// Everything behind sprint 2 moves 2 working days: UAT and go-live Wed 03-31 -> Fri 04-02,
// handover Thu 04-15 -> Mon 04-19 (Fri 04-16, Mon 04-19), Loyalty platform's go-live too.
// Chen Jing hears it in one change_accepted message, not as separate forecast changes.
TEST_F(DemoScenarioTest, AcceptedChangeListsTheMovedCustomerVisibleMilestones) {
  ApplyAll();
  std::vector<const Message*> accepted;
  for (const Message& m : messages()) {
    if (m.kind == "change_accepted") accepted.push_back(&m);
  }
  ASSERT_EQ(accepted.size(), 1u);
  const Message& m = *accepted[0];
  EXPECT_EQ(m.to, PersonId("chen.ae"));
  EXPECT_EQ(m.at, At("2027-01-08T14:00:00"));
  EXPECT_EQ(m.feedback, "F4");
  nlohmann::json moved = nlohmann::json::parse(Field(m, "moved"));
  EXPECT_EQ(moved, nlohmann::json::parse(R"([
      {"milestone": "P1.M14", "old_finish": "2027-03-31", "new_finish": "2027-04-02"},
      {"milestone": "P1.M15", "old_finish": "2027-03-31", "new_finish": "2027-04-02"},
      {"milestone": "P1.M17", "old_finish": "2027-04-15", "new_finish": "2027-04-19"},
      {"milestone": "P2.M10", "old_finish": "2027-04-15", "new_finish": "2027-04-19"}])"));
  for (const nlohmann::json& e : moved) {
    const Milestone* spec = SpecMilestone(e["milestone"].get<std::string>());
    ASSERT_NE(spec, nullptr);
    EXPECT_TRUE(spec->customer_visible) << e.dump();
  }
  EXPECT_EQ(nlohmann::json::parse(Field(m, "added")),
            nlohmann::json::parse(R"([{"milestone": "P1.M18", "finish": "2027-03-01"}])"));
  for (const Message& other : messages()) {
    if (other.at == m.at && other.to == m.to) {
      EXPECT_NE(other.kind, "forecast_changed") << Json(other);
    }
  }
  absl::StatusOr<Milestone> added = ws_->portfolio().GetMilestone(MilestoneId("P1.M18"));
  ASSERT_TRUE(added.ok()) << added.status();
  EXPECT_EQ(added->name, "Wishlist demo");
  absl::StatusOr<MilestoneSchedule> sprint = ws_->portfolio().ScheduleOf(MilestoneId("P1.M9"));
  ASSERT_TRUE(sprint.ok());
  // Li Wei re-baselined the store app after the change (and before the UX design slip).
  EXPECT_EQ(FormatIsoDate(sprint->baseline_start), "2027-02-12");
  EXPECT_EQ(FormatIsoDate(sprint->baseline_finish), "2027-03-01");
}

TEST_F(DemoScenarioTest, RisksMilestonesAndTheHealthOverrideReachTheirAes) {
  ApplyAll();
  std::vector<std::string> seen;
  for (const Message& m : messages()) {
    if (m.kind == "risk_raised" || m.kind == "risk_closed" || m.kind == "milestone_done" ||
        m.kind == "feedback_reopened" ||
        (m.kind == "health_changed" && Field(m, "overridden") == "true")) {
      seen.push_back(m.kind + " " + m.to.value() + " " + m.account + " " + m.project + " " +
                     (m.risk.empty() ? m.milestone : m.risk));
    }
  }
  EXPECT_THAT(
      seen,
      ElementsAre("milestone_done chen.ae acme P1 P1.M1", "health_changed wang.ae blueriver P3 ",
                  "feedback_reopened li.pm acme P1 P1.M2", "milestone_done chen.ae acme P1 P1.M2",
                  "milestone_done chen.ae acme P1 P1.M3", "risk_raised chen.ae acme P1 R1",
                  // The risk threatens Cloud Tea's UAT through P1.M12: its AE
                  // hears it without the other account's risk id or text.
                  "risk_raised chen.ae cloudtea P4 ", "risk_closed chen.ae acme P1 R1",
                  "risk_closed chen.ae cloudtea P4 "));
  absl::StatusOr<Health> p3 = ws_->GetHealth(ProjectId("P3"));
  ASSERT_TRUE(p3.ok());
  EXPECT_EQ(*p3, Health::kAmber);
}

// Account isolation: a message to an AE concerns one of the AE's accounts and names no id
// (project, milestone, feedback item, risk) of any other account. Chen Jing is the AE of two
// accounts (Acme Retail and Cloud Tea Co.), so each message must keep to its own account.
TEST_F(DemoScenarioTest, NoAeMessageMentionsAnotherAccountsIds) {
  ApplyAll();
  std::map<std::string, std::string> account_of;  // id -> account
  std::map<std::string, std::set<std::string>> accounts_of_ae;
  std::set<std::string> aes;
  for (const Person& p : scenario_.portfolio.people) {
    if (p.role == Role::kAe) aes.insert(p.id.value());
  }
  for (const Account& a : scenario_.portfolio.accounts) {
    accounts_of_ae[a.ae.value()].insert(a.id.value());
  }
  std::map<std::string, std::string> project_account;
  for (const Project& p : scenario_.portfolio.projects) {
    project_account[p.id.value()] = p.account.value();
    account_of[p.id.value()] = p.account.value();
  }
  for (const ProjectId& pid : ws_->portfolio().ProjectIds()) {
    absl::StatusOr<Project> p = ws_->portfolio().GetProject(pid);
    ASSERT_TRUE(p.ok());
    for (const Milestone& m : p->milestones) account_of[m.id.value()] = p->account.value();
  }
  EXPECT_EQ(account_of["P1.M18"], "acme");  // added by the change request
  for (const Command& c : events_) {
    if (const auto* lf = std::get_if<LogFeedback>(&c.payload)) {
      account_of[lf->id.value()] = project_account[lf->project.value()];
    } else if (const auto* rr = std::get_if<RaiseRisk>(&c.payload)) {
      account_of[rr->id.value()] = project_account[rr->project.value()];
    }
  }
  std::map<std::string, int> per_account;
  for (const Message& m : messages()) {
    if (!aes.contains(m.to.value())) continue;
    const std::string line = Json(m);
    EXPECT_TRUE(accounts_of_ae[m.to.value()].contains(m.account)) << line;
    ++per_account[m.account];
    for (const auto& [id, account] : account_of) {
      if (account == m.account) continue;
      EXPECT_EQ(line.find(Quoted(id)), std::string::npos)
          << "mentions " << id << " of account " << account << ": " << line;
    }
  }
  // The scan has something to scan: every account's AE heard about it.
  EXPECT_GT(per_account["acme"], 10);
  EXPECT_GE(per_account["cloudtea"], 2);
  EXPECT_GE(per_account["blueriver"], 2);
}

// After every event, the last health_changed message the AE got for a project says the
// project's health. Reopening F1 (Thu 01-07 10:00) turns the store app red again with the same
// message as on Tue 12:00 (red, previous green, same reason): a notice identical to an earlier
// unacknowledged one must still be delivered when the state changed in between.
TEST_F(DemoScenarioTest, TheAeHearsEveryHealthChange) {
  for (size_t i = 0; i < events_.size(); ++i) {
    ApplyUpTo(i + 1);
    for (const char* id : {"P1", "P2", "P3", "P4"}) {
      std::string last = "\"green\"";
      for (const Message& m : messages()) {
        if (m.kind == "health_changed" && m.project == id) last = Field(m, "health");
      }
      absl::StatusOr<Health> health = ws_->GetHealth(ProjectId(id));
      ASSERT_TRUE(health.ok());
      EXPECT_EQ(last, Quoted(HealthName(*health))) << id << " after /events/" << i;
    }
  }
}

}  // namespace
}  // namespace handoff
