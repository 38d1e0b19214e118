// Routing end to end (docs/messages.md, docs/health.md): each rule through Workspace::Apply, with
// every expected message line computed by hand. Unless a test says otherwise it uses the
// two-account fixture (tests/support/workspace_fixture.h):
//
//   working days in January 2027: 4-8, 11-15, 18-22, 25-29 (Sat/Sun weekend).
//   P1 (acme, li.pm, AE chen.ae), start Mon 01-11:
//     P1.M1 3 d   01-11..01-13
//     P1.M2 5 d   01-14..01-20   owner qian.lead
//     P1.M3 0 d   01-20          customer-visible
//   P2 (beta, sun.pm, AE wu.ae), start Mon 01-11:
//     P2.M1 2 d   01-14..01-15   depends on P1.M1
//     P2.M2 1 d   01-18          customer-visible
//
// Lines are MessageToJson in +08:00, seq included: seq is the delivery order over the whole
// workspace.
#include <chrono>
#include <future>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "tests/support/workspace_fixture.h"

namespace handoff {
namespace {

using testing::At;
using ::testing::ElementsAre;
using testing::Event;
using ::testing::IsEmpty;
using testing::MakeWorkspace;
using testing::Recorder;

// One event: `body` is the event without `at` and `by` (local instants in +08:00).
std::string Ev(const std::string& at, const std::string& by, const std::string& body) {
  return absl::StrCat(R"({"at": ")", at, R"(", "by": ")", by, R"(", )", body, "}");
}

::testing::AssertionResult Applied(Workspace& ws, const std::string& at, const std::string& by,
                                   const std::string& body) {
  const std::string json = Ev(at, by, body);
  absl::Status s = ws.Apply(Event(json));
  if (s.ok()) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure() << s << "\n  in " << json;
}

std::vector<std::string> Lines(const std::vector<Message>& messages, const TimeZone& zone) {
  std::vector<std::string> out;
  for (const Message& m : messages) out.push_back(MessageToJson(m, zone));
  return out;
}

std::vector<Message> OfKind(const std::vector<Message>& messages, const std::string& kind) {
  std::vector<Message> out;
  for (const Message& m : messages) {
    if (m.kind == kind) out.push_back(m);
  }
  return out;
}

// The fixture with a `routing` section.
std::string WithRouting(const std::string& routing) {
  std::string json = testing::kTwoAccounts;
  const size_t end = json.rfind('}');
  return absl::StrCat(json.substr(0, end), R"(, "routing": )", routing, "}");
}

// A one-account portfolio whose customer-visible milestone comes first, so its status reports
// move no date: M1 3 d 01-11..01-13 (visible), M2 2 d 01-14..01-15 after it.
const char kVisibleFirst[] = R"({
  "calendar": {"hours": ["09:00-12:00", "13:00-18:00"], "timezone": "+08:00"},
  "people": [{"id": "li.pm", "role": "pm"}, {"id": "chen.ae", "role": "ae"},
             {"id": "wu.ae", "role": "ae"}],
  "accounts": [{"id": "acme", "ae": "chen.ae"}, {"id": "beta", "ae": "wu.ae"}],
  "projects": [{"id": "P1", "account": "acme", "pm": "li.pm", "start": "2027-01-11",
                "milestones": [
                  {"id": "M1", "duration_days": 3, "customer_visible": true},
                  {"id": "M2", "duration_days": 2, "depends_on": [{"id": "M1"}]}]}]
})";

// --- PM -> AE: milestone status ------------------------------------------------------------

TEST(RoutingTest, VisibleMilestoneStatusGoesToTheAccountsAe) {
  auto ws = MakeWorkspace(kVisibleFirst);
  Recorder r;
  r.Attach(*ws);
  ASSERT_TRUE(Applied(*ws, "2027-01-11T10:00:00", "li.pm",
                      R"("type": "update_milestone", "milestone": "M1", "status": "in_progress",
                          "percent": 10)"));
  // Same status again: no message, even with a new percent.
  ASSERT_TRUE(Applied(*ws, "2027-01-11T11:00:00", "li.pm",
                      R"("type": "update_milestone", "milestone": "M1", "status": "in_progress",
                          "percent": 40)"));
  ASSERT_TRUE(Applied(*ws, "2027-01-12T10:00:00", "li.pm",
                      R"("type": "update_milestone", "milestone": "M1", "status": "blocked")"));
  ASSERT_TRUE(Applied(*ws, "2027-01-13T17:00:00", "li.pm",
                      R"("type": "update_milestone", "milestone": "M1", "status": "done")"));
  // An internal milestone started early (01-13 instead of 01-14): its dates move, nobody hears.
  ASSERT_TRUE(Applied(*ws, "2027-01-13T17:30:00", "li.pm",
                      R"("type": "update_milestone", "milestone": "M2", "status": "in_progress",
                          "remaining_days": 0)"));
  EXPECT_THAT(
      Lines(r.messages, ws->time_zone()),
      ElementsAre(
          R"j({"seq":1,"at":"2027-01-11T10:00:00+08:00","to":"chen.ae","kind":"milestone_started","account":"acme","project":"P1","milestone":"M1","status":"in_progress","percent":10,"finish":"2027-01-13","baseline_slip_days":0})j",
          R"j({"seq":2,"at":"2027-01-12T10:00:00+08:00","to":"chen.ae","kind":"milestone_blocked","account":"acme","project":"P1","milestone":"M1","status":"blocked","finish":"2027-01-13","baseline_slip_days":0})j",
          R"j({"seq":3,"at":"2027-01-13T17:00:00+08:00","to":"chen.ae","kind":"milestone_done","account":"acme","project":"P1","milestone":"M1","status":"done","finish":"2027-01-13","baseline_slip_days":0})j"));
  EXPECT_THAT(ws->Pending(PersonId("wu.ae")), IsEmpty());
}

// --- PM -> AE: forecast --------------------------------------------------------------------

TEST(RoutingTest, InternalSlipTellsEachAffectedAeWithTheCauseRedactedAcrossAccounts) {
  // P1.M1 started Mon 01-11 with 4 days left: finish 01-15 (+2). P1.M2 01-18..01-22, P1.M3
  // 01-22 (+2); P2.M1 01-18..01-19, P2.M2 01-20 (+2).
  auto ws = MakeWorkspace();
  Recorder r;
  r.Attach(*ws);
  ASSERT_TRUE(Applied(*ws, "2027-01-11T10:00:00", "li.pm",
                      R"("type": "update_milestone", "milestone": "P1.M1", "status": "in_progress",
                          "remaining_days": 4)"));
  const std::vector<std::string> lines = Lines(r.messages, ws->time_zone());
  EXPECT_THAT(
      lines,
      ElementsAre(
          R"j({"seq":1,"at":"2027-01-11T10:00:00+08:00","to":"chen.ae","kind":"forecast_changed","account":"acme","project":"P1","milestone":"P1.M3","old_finish":"2027-01-20","new_finish":"2027-01-22","slip_days":2,"baseline_slip_days":2,"cause":{"kind":"milestone","milestone":"P1.M1","status":"in_progress"}})j",
          R"j({"seq":2,"at":"2027-01-11T10:00:00+08:00","to":"wu.ae","kind":"forecast_changed","account":"beta","project":"P2","milestone":"P2.M2","old_finish":"2027-01-18","new_finish":"2027-01-20","slip_days":2,"baseline_slip_days":2,"cause":{"kind":"milestone","description":"a milestone in another account's project"}})j",
          R"j({"seq":3,"at":"2027-01-11T10:00:00+08:00","to":"chen.ae","kind":"health_changed","account":"acme","project":"P1","health":"amber","previous":"green","reason":"P1.M1 slips 2 working day(s)","overridden":false})j",
          R"j({"seq":4,"at":"2027-01-11T10:00:00+08:00","to":"wu.ae","kind":"health_changed","account":"beta","project":"P2","health":"amber","previous":"green","reason":"P2.M1 slips 2 working day(s)","overridden":false})j"));
  for (const std::string& line : lines) {
    if (line.find(R"("to":"wu.ae")") == std::string::npos) continue;
    for (const char* foreign : {"P1", "acme", "li.pm", "chen.ae", "in_progress"}) {
      EXPECT_EQ(line.find(foreign), std::string::npos) << foreign << " in " << line;
    }
  }
}

TEST(RoutingTest, TimePassingSlipsUnstartedWorkWithCauseAsOf) {
  // Nothing started by Tue 01-12: P1.M1 01-12..01-14, P1.M2 01-15..01-21, P1.M3 01-21 (+1);
  // P2.M1 01-15..01-18, P2.M2 01-19 (+1).
  auto ws = MakeWorkspace();
  Recorder r;
  r.Attach(*ws);
  ASSERT_TRUE(Applied(*ws, "2027-01-05T10:00:00", "zhao.lead", R"("type": "tick")"));
  ASSERT_TRUE(Applied(*ws, "2027-01-11T17:00:00", "zhao.lead", R"("type": "tick")"));
  EXPECT_THAT(r.messages, IsEmpty());  // the plan starts on 01-11: nothing late yet
  ASSERT_TRUE(Applied(*ws, "2027-01-12T09:00:00", "zhao.lead", R"("type": "tick")"));
  ASSERT_TRUE(Applied(*ws, "2027-01-12T17:00:00", "zhao.lead", R"("type": "tick")"));  // same day
  EXPECT_THAT(
      Lines(r.messages, ws->time_zone()),
      ElementsAre(
          R"j({"seq":1,"at":"2027-01-12T09:00:00+08:00","to":"chen.ae","kind":"forecast_changed","account":"acme","project":"P1","milestone":"P1.M3","old_finish":"2027-01-20","new_finish":"2027-01-21","slip_days":1,"baseline_slip_days":1,"cause":{"kind":"as_of","description":"work not started or not finished by the as-of date"}})j",
          R"j({"seq":2,"at":"2027-01-12T09:00:00+08:00","to":"wu.ae","kind":"forecast_changed","account":"beta","project":"P2","milestone":"P2.M2","old_finish":"2027-01-18","new_finish":"2027-01-19","slip_days":1,"baseline_slip_days":1,"cause":{"kind":"as_of","description":"work not started or not finished by the as-of date"}})j",
          R"j({"seq":3,"at":"2027-01-12T09:00:00+08:00","to":"chen.ae","kind":"health_changed","account":"acme","project":"P1","health":"amber","previous":"green","reason":"P1.M1 slips 1 working day(s)","overridden":false})j",
          R"j({"seq":4,"at":"2027-01-12T09:00:00+08:00","to":"wu.ae","kind":"health_changed","account":"beta","project":"P2","health":"amber","previous":"green","reason":"P2.M1 slips 1 working day(s)","overridden":false})j"));
}

// A report on a new day first lets time pass (the as-of date moves what has fallen behind),
// then applies the report (spec SLA.md "Time": timers, then the command). Each move is told
// with its own cause. Regression test: the report used to be applied before the as-of moves
// were told, so the whole move was told once with cause as_of.
TEST(RoutingTest, ReportOnANewDayTellsTheAsOfMoveThenTheReportsMove) {
  // As of Tue 01-12: P1.M3 01-20 -> 01-21, P2.M2 01-18 -> 01-19 (cause as_of). Then P1.M1
  // started 01-12 with 4 days left: finish 01-18; P1.M2 01-19..01-25, P1.M3 01-25; P2.M1
  // 01-19..01-20, P2.M2 01-21.
  auto ws = MakeWorkspace();
  Recorder r;
  r.Attach(*ws);
  ASSERT_TRUE(Applied(*ws, "2027-01-05T10:00:00", "zhao.lead", R"("type": "tick")"));
  ASSERT_TRUE(Applied(*ws, "2027-01-12T10:00:00", "li.pm",
                      R"("type": "update_milestone", "milestone": "P1.M1", "status": "in_progress",
                          "remaining_days": 4)"));
  std::vector<std::string> summary;
  for (const Message& m : OfKind(r.messages, "forecast_changed")) {
    std::string cause;
    for (const auto& [name, value] : m.fields) {
      if (name == "cause") cause = nlohmann::json::parse(value).value("kind", "");
    }
    summary.push_back(
        absl::StrCat(m.to.value(), " ", m.milestone, " ",
                     nlohmann::json::parse(m.fields[0].second).get<std::string>(), " -> ",
                     nlohmann::json::parse(m.fields[1].second).get<std::string>(), " ", cause));
  }
  EXPECT_THAT(summary, ElementsAre("chen.ae P1.M3 2027-01-20 -> 2027-01-21 as_of",
                                   "wu.ae P2.M2 2027-01-18 -> 2027-01-19 as_of",
                                   "chen.ae P1.M3 2027-01-21 -> 2027-01-25 milestone",
                                   "wu.ae P2.M2 2027-01-19 -> 2027-01-21 milestone"));
}

// A rejected command changes nothing (DESIGN.md "Validate, then commit"), so the as-of moves of
// its day are still told by the next command. Regression test: update_milestone used to move
// the as-of date before the portfolio validated the report.
TEST(RoutingTest, RejectedReportOnANewDayLeavesTheAsOfMovesToTheNextCommand) {
  auto ws = MakeWorkspace();
  Recorder r;
  r.Attach(*ws);
  ASSERT_TRUE(Applied(*ws, "2027-01-05T10:00:00", "zhao.lead", R"("type": "tick")"));
  absl::Status s = ws->Apply(Event(Ev("2027-01-12T10:00:00", "li.pm",
                                      R"("type": "update_milestone", "milestone": "P1.M1",
                                          "status": "in_progress", "percent": 150)")));
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(r.messages, IsEmpty());
  ASSERT_TRUE(Applied(*ws, "2027-01-12T10:00:00", "zhao.lead", R"("type": "tick")"));
  EXPECT_EQ(OfKind(r.messages, "forecast_changed").size(), 2u);  // P1.M3 and P2.M2, as_of
  EXPECT_EQ(OfKind(r.messages, "health_changed").size(), 2u);
}

// --- PM -> AE: risks -----------------------------------------------------------------------

TEST(RoutingTest, RiskGoesToEveryAeWithAVisibleMilestoneDownstreamRedactedForOthers) {
  // R1 threatens P1.M1, whose cone holds P1.M3 (acme) and P2.M2 (beta).
  auto ws = MakeWorkspace();
  Recorder r;
  r.Attach(*ws);
  ASSERT_TRUE(Applied(*ws, "2027-01-05T10:00:00", "li.pm",
                      R"("type": "raise_risk", "id": "R1", "project": "P1",
                          "milestones": ["P1.M1"], "severity": "medium",
                          "text": "Vendor API late")"));
  ASSERT_TRUE(Applied(*ws, "2027-01-05T11:00:00", "li.pm",
                      R"("type": "close_risk", "risk": "R1", "text": "Vendor delivered")"));
  // A risk on an internal milestone whose cone holds only P1.M3: acme only.
  ASSERT_TRUE(Applied(*ws, "2027-01-05T12:00:00", "li.pm",
                      R"("type": "raise_risk", "id": "R2", "project": "P1",
                          "milestones": ["P1.M2"], "severity": "high", "text": "Key dev leaves")"));
  EXPECT_THAT(
      Lines(r.messages, ws->time_zone()),
      ElementsAre(
          R"j({"seq":1,"at":"2027-01-05T10:00:00+08:00","to":"chen.ae","kind":"risk_raised","account":"acme","project":"P1","risk":"R1","severity":"medium","milestones":["P1.M3"],"text":"Vendor API late"})j",
          R"j({"seq":2,"at":"2027-01-05T10:00:00+08:00","to":"wu.ae","kind":"risk_raised","account":"beta","project":"P2","severity":"medium","milestones":["P2.M2"],"reference":"external-risk-1","source":"a risk in another account's project"})j",
          R"j({"seq":3,"at":"2027-01-05T10:00:00+08:00","to":"chen.ae","kind":"health_changed","account":"acme","project":"P1","health":"amber","previous":"green","reason":"1 risk(s) open","overridden":false})j",
          R"j({"seq":4,"at":"2027-01-05T11:00:00+08:00","to":"chen.ae","kind":"risk_closed","account":"acme","project":"P1","risk":"R1","severity":"medium","milestones":["P1.M3"],"text":"Vendor delivered"})j",
          R"j({"seq":5,"at":"2027-01-05T11:00:00+08:00","to":"wu.ae","kind":"risk_closed","account":"beta","project":"P2","severity":"medium","milestones":["P2.M2"],"reference":"external-risk-1","source":"a risk in another account's project"})j",
          R"j({"seq":6,"at":"2027-01-05T11:00:00+08:00","to":"chen.ae","kind":"health_changed","account":"acme","project":"P1","health":"green","previous":"amber","reason":"on plan","overridden":false})j",
          R"j({"seq":7,"at":"2027-01-05T12:00:00+08:00","to":"chen.ae","kind":"risk_raised","account":"acme","project":"P1","risk":"R2","severity":"high","milestones":["P1.M3"],"text":"Key dev leaves"})j",
          R"j({"seq":8,"at":"2027-01-05T12:00:00+08:00","to":"chen.ae","kind":"health_changed","account":"acme","project":"P1","health":"red","previous":"green","reason":"1 high-severity risk(s) open","overridden":false})j"));
  // A risk on P1 does not change P2's health.
  EXPECT_EQ(*ws->GetHealth(ProjectId("P2")), Health::kGreen);
}

// Two of another account's risks reach an AE as notices that redaction makes identical. Each is
// a separate fact (two risks raised, one closed: one is still open), so neither may be dropped
// as a duplicate: an opaque reference ("external-risk-N") keeps them apart without naming them.
TEST(RoutingTest, TwoForeignRisksAreTwoNoticesForTheOtherAccountsAe) {
  auto ws = MakeWorkspace();
  ASSERT_TRUE(Applied(*ws, "2027-01-05T10:00:00", "li.pm",
                      R"("type": "raise_risk", "id": "R1", "project": "P1",
                          "milestones": ["P1.M1"], "text": "Vendor API late")"));
  ASSERT_TRUE(Applied(*ws, "2027-01-05T10:01:00", "li.pm",
                      R"("type": "raise_risk", "id": "R2", "project": "P1",
                          "milestones": ["P1.M1"], "text": "Test lab booked")"));
  EXPECT_EQ(OfKind(ws->Pending(PersonId("wu.ae")), "risk_raised").size(), 2u);
}

// --- health --------------------------------------------------------------------------------

TEST(RoutingTest, ComputedHealthFollowsTheWorstSlip) {
  // P1.M1 started Mon 01-11: 7 days left -> 01-20 (slip 5, red); 3 -> 01-14 (1, amber);
  // 2 -> 01-13 (0, green).
  auto ws = MakeWorkspace();
  Recorder r;
  r.Attach(*ws);
  for (const char* days : {"7", "3", "2"}) {
    ASSERT_TRUE(Applied(*ws, "2027-01-11T10:00:00", "li.pm",
                        absl::StrCat(R"("type": "update_milestone", "milestone": "P1.M1",
                                         "status": "in_progress", "remaining_days": )",
                                     days)));
  }
  std::vector<std::string> health;
  for (const Message& m : OfKind(r.messages, "health_changed")) {
    health.push_back(absl::StrCat(m.to.value(), " ", m.project, " ", m.fields[0].second, " ",
                                  m.fields[2].second));
  }
  EXPECT_THAT(health,
              ElementsAre(R"j(chen.ae P1 "red" "P1.M1 slips 5 working days")j",
                          R"j(wu.ae P2 "red" "P2.M1 slips 5 working days")j",
                          R"j(chen.ae P1 "amber" "P1.M1 slips 1 working day(s)")j",
                          R"j(wu.ae P2 "amber" "P2.M1 slips 1 working day(s)")j",
                          R"(chen.ae P1 "green" "on plan")", R"j(wu.ae P2 "green" "on plan")j"));
  EXPECT_EQ(*ws->GetHealth(ProjectId("P1")), Health::kGreen);
}

TEST(RoutingTest, OpenSlaBreachMakesTheProjectRedUntilResolved) {
  // High complaint at Tue 10:00: first response due 12:00 (breach), escalation 14:00.
  auto ws = MakeWorkspace();
  Recorder r;
  r.Attach(*ws);
  ASSERT_TRUE(Applied(*ws, "2027-01-05T10:00:00", "chen.ae",
                      R"("type": "log_feedback", "id": "F1", "project": "P1",
                          "kind": "complaint", "channel": "phone", "priority": "high",
                          "text": "Login page is too slow")"));
  ASSERT_TRUE(Applied(*ws, "2027-01-05T12:30:00", "zhao.lead", R"("type": "tick")"));
  EXPECT_EQ(*ws->GetHealth(ProjectId("P1")), Health::kRed);
  // Responding does not end the breach: the item is still open.
  ASSERT_TRUE(Applied(*ws, "2027-01-05T12:40:00", "li.pm",
                      R"("type": "respond_feedback", "feedback": "F1", "text": "On it")"));
  EXPECT_EQ(*ws->GetHealth(ProjectId("P1")), Health::kRed);
  ASSERT_TRUE(Applied(*ws, "2027-01-05T13:30:00", "li.pm",
                      R"("type": "set_feedback_state", "feedback": "F1", "state": "resolved")"));
  // Reopened: the breached item is open again.
  ASSERT_TRUE(Applied(*ws, "2027-01-05T15:00:00", "chen.ae",
                      R"("type": "reopen_feedback", "feedback": "F1", "text": "Still slow")"));
  EXPECT_EQ(*ws->GetHealth(ProjectId("P1")), Health::kRed);
  const std::vector<Message> health = OfKind(r.messages, "health_changed");
  ASSERT_GE(health.size(), 2u);
  EXPECT_THAT(
      Lines({health[0], health[1]}, ws->time_zone()),
      ElementsAre(
          R"j({"seq":5,"at":"2027-01-05T12:00:00+08:00","to":"chen.ae","kind":"health_changed","account":"acme","project":"P1","health":"red","previous":"green","reason":"1 feedback item(s) with a breached SLA","overridden":false})j",
          R"j({"seq":8,"at":"2027-01-05T13:30:00+08:00","to":"chen.ae","kind":"health_changed","account":"acme","project":"P1","health":"green","previous":"red","reason":"on plan","overridden":false})j"));
}

// Dedup may drop a notice only while an identical one is the latest word on its subject. Here
// the AE has "red" (seq 5) and then "green" (seq 8) unacknowledged when P1 turns red again: the
// new "red, previous green" equals seq 5, but dropping it leaves "green" as the last health the
// AE has heard while the project is red. Regression test: the outbox used to drop it.
TEST(RoutingTest, DedupNeverLeavesAnOutdatedNoticeAsTheLatest) {
  auto ws = MakeWorkspace();
  ASSERT_TRUE(Applied(*ws, "2027-01-05T10:00:00", "chen.ae",
                      R"("type": "log_feedback", "id": "F1", "project": "P1",
                          "kind": "complaint", "channel": "phone", "priority": "high",
                          "text": "Login page is too slow")"));
  ASSERT_TRUE(Applied(*ws, "2027-01-05T12:30:00", "zhao.lead", R"("type": "tick")"));
  ASSERT_TRUE(Applied(*ws, "2027-01-05T13:30:00", "li.pm",
                      R"("type": "set_feedback_state", "feedback": "F1", "state": "resolved")"));
  ASSERT_TRUE(Applied(*ws, "2027-01-05T15:00:00", "chen.ae",
                      R"("type": "reopen_feedback", "feedback": "F1", "text": "Still slow")"));
  ASSERT_EQ(*ws->GetHealth(ProjectId("P1")), Health::kRed);
  const std::vector<Message> health = OfKind(ws->Pending(PersonId("chen.ae")), "health_changed");
  ASSERT_FALSE(health.empty());
  EXPECT_EQ(health.back().fields[0].second, R"("red")");
}

TEST(RoutingTest, PmOverrideNeedsAReasonAndAutoDropsIt) {
  auto ws = MakeWorkspace();
  Recorder r;
  r.Attach(*ws);
  absl::Status s =
      ws->Apply(Event(Ev("2027-01-05T09:00:00", "li.pm",
                         R"("type": "set_health", "project": "P1", "health": "red")")));
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(s.message(),
            R"(set_health by "li.pm": reason: an override of the computed health needs a reason)");
  EXPECT_EQ(s.GetPayload(kErrorFieldPayload).value_or(absl::Cord()), "reason");
  EXPECT_EQ(ws->last_instant(), std::nullopt);

  ASSERT_TRUE(Applied(*ws, "2027-01-05T10:00:00", "li.pm",
                      R"("type": "set_health", "project": "P1", "health": "red",
                          "reason": "two developers out sick")"));
  EXPECT_EQ(*ws->GetHealth(ProjectId("P1")), Health::kRed);
  // The computed health moves to amber underneath; the override holds and nobody hears.
  ASSERT_TRUE(Applied(*ws, "2027-01-05T10:30:00", "li.pm",
                      R"("type": "raise_risk", "id": "R1", "project": "P1",
                          "milestones": ["P1.M3"], "text": "Vendor API late")"));
  ASSERT_TRUE(Applied(*ws, "2027-01-05T11:00:00", "li.pm",
                      R"("type": "set_health", "project": "P1", "health": "green",
                          "reason": "staffing solved")"));
  ASSERT_TRUE(Applied(*ws, "2027-01-05T11:30:00", "li.pm",
                      R"("type": "set_health", "project": "P1", "health": "auto")"));
  EXPECT_EQ(*ws->GetHealth(ProjectId("P1")), Health::kAmber);
  EXPECT_THAT(
      Lines(OfKind(r.messages, "health_changed"), ws->time_zone()),
      ElementsAre(
          R"j({"seq":1,"at":"2027-01-05T10:00:00+08:00","to":"chen.ae","kind":"health_changed","account":"acme","project":"P1","health":"red","previous":"green","reason":"two developers out sick","overridden":true})j",
          R"j({"seq":3,"at":"2027-01-05T11:00:00+08:00","to":"chen.ae","kind":"health_changed","account":"acme","project":"P1","health":"green","previous":"red","reason":"staffing solved","overridden":true})j",
          R"j({"seq":4,"at":"2027-01-05T11:30:00+08:00","to":"chen.ae","kind":"health_changed","account":"acme","project":"P1","health":"amber","previous":"green","reason":"1 risk(s) open","overridden":false})j"));
  // The other account never hears of P1's health.
  EXPECT_THAT(OfKind(ws->Pending(PersonId("wu.ae")), "health_changed"), IsEmpty());
}

// --- feedback, both ways -------------------------------------------------------------------

TEST(RoutingTest, FeedbackFlowReachesTheAssigneeAndTheAe) {
  auto ws = MakeWorkspace();
  Recorder r;
  r.Attach(*ws);
  // On P1.M2 (owner qian.lead): the owner is the assignee. Without a milestone: the PM.
  ASSERT_TRUE(Applied(*ws, "2027-01-05T10:00:00", "chen.ae",
                      R"("type": "log_feedback", "id": "F1", "project": "P1",
                          "milestone": "P1.M2", "kind": "complaint", "channel": "phone",
                          "priority": "high", "text": "Login page is too slow")"));
  ASSERT_TRUE(Applied(*ws, "2027-01-05T10:01:00", "chen.ae",
                      R"("type": "log_feedback", "id": "F2", "project": "P1",
                          "kind": "question", "channel": "email", "priority": "normal",
                          "text": "Where are the docs?")"));
  ASSERT_TRUE(
      Applied(*ws, "2027-01-05T10:10:00", "qian.lead",
              R"("type": "respond_feedback", "feedback": "F1", "text": "Looking into it")"));
  ASSERT_TRUE(Applied(*ws, "2027-01-05T10:20:00", "qian.lead",
                      R"("type": "set_feedback_state", "feedback": "F1",
                          "state": "waiting_on_customer", "text": "Need a HAR file")"));
  ASSERT_TRUE(Applied(*ws, "2027-01-05T10:30:00", "chen.ae",
                      R"("type": "customer_replied", "feedback": "F1", "text": "HAR attached")"));
  ASSERT_TRUE(
      Applied(*ws, "2027-01-05T10:40:00", "chen.ae",
              R"("type": "set_feedback_priority", "feedback": "F1", "priority": "urgent")"));
  ASSERT_TRUE(Applied(*ws, "2027-01-05T10:50:00", "li.pm",
                      R"("type": "set_feedback_priority", "feedback": "F1", "priority": "high")"));
  ASSERT_TRUE(Applied(*ws, "2027-01-05T11:00:00", "qian.lead",
                      R"("type": "set_feedback_state", "feedback": "F1", "state": "resolved")"));
  ASSERT_TRUE(Applied(*ws, "2027-01-05T11:10:00", "chen.ae",
                      R"("type": "reopen_feedback", "feedback": "F1", "text": "Still slow")"));
  // The AE has read everything so far: the second "resolved after in_progress" is not an
  // identical unacknowledged notice (see IdenticalUnacknowledgedNotice... below).
  ASSERT_TRUE(ws->Ack(PersonId("chen.ae"), 8).ok());
  ASSERT_TRUE(Applied(*ws, "2027-01-05T11:20:00", "qian.lead",
                      R"("type": "set_feedback_state", "feedback": "F1", "state": "resolved")"));
  ASSERT_TRUE(Applied(*ws, "2027-01-05T11:30:00", "chen.ae",
                      R"("type": "confirm_resolution", "feedback": "F1")"));
  EXPECT_THAT(
      Lines(r.messages, ws->time_zone()),
      ElementsAre(
          R"j({"seq":1,"at":"2027-01-05T10:00:00+08:00","to":"qian.lead","kind":"feedback_logged","account":"acme","project":"P1","milestone":"P1.M2","feedback":"F1","clock":"first_response","due":"2027-01-05T12:00:00+08:00","feedback_kind":"complaint","channel":"phone","priority":"high","text":"Login page is too slow","policy":"urgent complaints"})j",
          R"j({"seq":2,"at":"2027-01-05T10:01:00+08:00","to":"li.pm","kind":"feedback_logged","account":"acme","project":"P1","feedback":"F2","feedback_kind":"question","channel":"email","priority":"normal","text":"Where are the docs?"})j",
          R"j({"seq":3,"at":"2027-01-05T10:10:00+08:00","to":"chen.ae","kind":"feedback_responded","account":"acme","project":"P1","milestone":"P1.M2","feedback":"F1","state":"acknowledged","text":"Looking into it"})j",
          R"j({"seq":4,"at":"2027-01-05T10:20:00+08:00","to":"chen.ae","kind":"feedback_state_changed","account":"acme","project":"P1","milestone":"P1.M2","feedback":"F1","state":"waiting_on_customer","previous_state":"acknowledged","text":"Need a HAR file"})j",
          R"j({"seq":5,"at":"2027-01-05T10:30:00+08:00","to":"qian.lead","kind":"customer_replied","account":"acme","project":"P1","milestone":"P1.M2","feedback":"F1","state":"in_progress","text":"HAR attached"})j",
          R"j({"seq":6,"at":"2027-01-05T10:40:00+08:00","to":"qian.lead","kind":"feedback_priority_changed","account":"acme","project":"P1","milestone":"P1.M2","feedback":"F1","priority":"urgent","previous_priority":"high"})j",
          R"j({"seq":7,"at":"2027-01-05T10:50:00+08:00","to":"chen.ae","kind":"feedback_priority_changed","account":"acme","project":"P1","milestone":"P1.M2","feedback":"F1","priority":"high","previous_priority":"urgent"})j",
          R"j({"seq":8,"at":"2027-01-05T11:00:00+08:00","to":"chen.ae","kind":"feedback_state_changed","account":"acme","project":"P1","milestone":"P1.M2","feedback":"F1","state":"resolved","previous_state":"in_progress"})j",
          R"j({"seq":9,"at":"2027-01-05T11:10:00+08:00","to":"qian.lead","kind":"feedback_reopened","account":"acme","project":"P1","milestone":"P1.M2","feedback":"F1","state":"in_progress","text":"Still slow"})j",
          R"j({"seq":10,"at":"2027-01-05T11:20:00+08:00","to":"chen.ae","kind":"feedback_state_changed","account":"acme","project":"P1","milestone":"P1.M2","feedback":"F1","state":"resolved","previous_state":"in_progress"})j",
          R"j({"seq":11,"at":"2027-01-05T11:30:00+08:00","to":"qian.lead","kind":"feedback_closed","account":"acme","project":"P1","milestone":"P1.M2","feedback":"F1","state":"closed"})j"));
  EXPECT_EQ(ws->GetFeedback(FeedbackId("F1"))->state, FeedbackState::kClosed);
  EXPECT_EQ(ws->NextWakeup(), std::nullopt);  // F1 closed; F2 has no policy
}

TEST(RoutingTest, ClosingAProjectTellsTheAeAndFreezesIt) {
  auto ws = MakeWorkspace();
  Recorder r;
  r.Attach(*ws);
  ASSERT_TRUE(Applied(*ws, "2027-01-05T10:00:00", "li.pm",
                      R"("type": "close_project", "project": "P1", "lessons": "start earlier")"));
  EXPECT_THAT(
      Lines(r.messages, ws->time_zone()),
      ElementsAre(
          R"j({"seq":1,"at":"2027-01-05T10:00:00+08:00","to":"chen.ae","kind":"project_closed","account":"acme","project":"P1"})j"));
  absl::Status s = ws->Apply(Event(Ev("2027-01-05T10:01:00", "li.pm",
                                      R"("type": "update_milestone", "milestone": "P1.M1",
                                          "status": "done")")));
  EXPECT_EQ(s.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(s.message(), R"(update_milestone by "li.pm": project "P1": is closed)");
  s = ws->Apply(
      Event(Ev("2027-01-05T10:01:00", "li.pm", R"("type": "close_project", "project": "P1")")));
  EXPECT_EQ(s.code(), absl::StatusCode::kFailedPrecondition);
  s = ws->Apply(Event(Ev("2027-01-05T10:01:00", "chen.ae",
                         R"("type": "log_feedback", "id": "F1", "project": "P1",
                             "kind": "bug", "channel": "im", "priority": "low", "text": "x")")));
  EXPECT_EQ(s.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(r.messages.size(), 1u);
}

// --- accepted change requests --------------------------------------------------------------

TEST(RoutingTest, AcceptedChangeListsOwnMovesAndRedactsTheCauseForOtherAccounts) {
  // P1.M1 4 d: 01-11..01-14. P1.M2 01-15..01-21, P1.M3 01-21 (+1); P2.M1 01-15..01-18, P2.M2
  // 01-19 (+1). New P1.M4 (2 d, visible, after P1.M3): 01-22..01-25.
  auto ws = MakeWorkspace();
  Recorder r;
  r.Attach(*ws);
  ASSERT_TRUE(Applied(*ws, "2027-01-05T10:00:00", "chen.ae",
                      R"("type": "log_feedback", "id": "F1", "project": "P1",
                          "kind": "change_request", "channel": "meeting", "priority": "normal",
                          "text": "Add SSO")"));
  absl::Status s = ws->Apply(Event(Ev("2027-01-05T10:30:00", "li.pm",
                                      R"("type": "accept_change", "feedback": "F1",
                                          "durations": [{"milestone": "P1.M1", "duration_days": 4}],
                                          "new_milestones": [{"id": "P1.M4", "duration_days": 2,
                                              "customer_visible": true,
                                              "depends_on": [{"id": "P1.M3"}]}],
                                          "text": "SSO adds a day")")));
  ASSERT_TRUE(s.ok()) << s;
  EXPECT_THAT(
      Lines(r.messages, ws->time_zone()),
      ElementsAre(
          R"j({"seq":1,"at":"2027-01-05T10:00:00+08:00","to":"li.pm","kind":"feedback_logged","account":"acme","project":"P1","feedback":"F1","feedback_kind":"change_request","channel":"meeting","priority":"normal","text":"Add SSO"})j",
          R"j({"seq":2,"at":"2027-01-05T10:30:00+08:00","to":"wu.ae","kind":"forecast_changed","account":"beta","project":"P2","milestone":"P2.M2","old_finish":"2027-01-18","new_finish":"2027-01-19","slip_days":1,"baseline_slip_days":1,"cause":{"kind":"change_request","description":"a change in another account's project"}})j",
          R"j({"seq":3,"at":"2027-01-05T10:30:00+08:00","to":"chen.ae","kind":"change_accepted","account":"acme","project":"P1","feedback":"F1","moved":[{"milestone":"P1.M3","old_finish":"2027-01-20","new_finish":"2027-01-21"}],"added":[{"milestone":"P1.M4","finish":"2027-01-25"}],"text":"SSO adds a day"})j",
          R"j({"seq":4,"at":"2027-01-05T10:30:00+08:00","to":"chen.ae","kind":"health_changed","account":"acme","project":"P1","health":"amber","previous":"green","reason":"P1.M1 slips 1 working day(s)","overridden":false})j",
          R"j({"seq":5,"at":"2027-01-05T10:30:00+08:00","to":"wu.ae","kind":"health_changed","account":"beta","project":"P2","health":"amber","previous":"green","reason":"P2.M1 slips 1 working day(s)","overridden":false})j"));
  // The new milestone is a milestone like any other: its status reaches the AE.
  ASSERT_TRUE(Applied(*ws, "2027-01-05T11:00:00", "li.pm",
                      R"("type": "update_milestone", "milestone": "P1.M4", "status": "blocked")"));
  EXPECT_EQ(r.messages.back().kind, "milestone_blocked");
  EXPECT_EQ(r.messages.back().milestone, "P1.M4");
}

// --- dedup ---------------------------------------------------------------------------------

TEST(RoutingTest, IdenticalUnacknowledgedNoticeIsNotSentTwiceButIsAfterAck) {
  // A question (no SLA policy) bouncing between waiting_on_customer and in_progress repeats
  // two notices exactly: "waiting_on_customer after in_progress" to the AE and the customer's
  // "ok" to the PM.
  auto ws = MakeWorkspace();
  ASSERT_TRUE(Applied(*ws, "2027-01-05T10:00:00", "chen.ae",
                      R"("type": "log_feedback", "id": "F1", "project": "P1",
                          "kind": "question", "channel": "email", "priority": "normal",
                          "text": "Where are the docs?")"));
  auto bounce = [&](const std::string& reply_at, const std::string& wait_at) {
    EXPECT_TRUE(Applied(*ws, reply_at, "chen.ae",
                        R"("type": "customer_replied", "feedback": "F1", "text": "ok")"));
    EXPECT_TRUE(Applied(*ws, wait_at, "li.pm",
                        R"("type": "set_feedback_state", "feedback": "F1",
                            "state": "waiting_on_customer")"));
  };
  ASSERT_TRUE(Applied(*ws, "2027-01-05T10:05:00", "li.pm",
                      R"("type": "set_feedback_state", "feedback": "F1",
                          "state": "waiting_on_customer")"));  // seq 2, previous "new"
  bounce("2027-01-05T10:10:00", "2027-01-05T10:15:00");        // seq 3 and 4
  bounce("2027-01-05T10:20:00", "2027-01-05T10:25:00");        // both dropped
  auto seqs = [&](const char* person) {
    std::vector<uint64_t> out;
    for (const Message& m : ws->Pending(PersonId(person))) out.push_back(m.seq);
    return out;
  };
  EXPECT_THAT(seqs("li.pm"), ElementsAre(1, 3));
  EXPECT_THAT(seqs("chen.ae"), ElementsAre(2, 4));
  // Acknowledging an older message does not release a newer one's notice.
  ASSERT_TRUE(ws->Ack(PersonId("chen.ae"), 2).ok());
  ASSERT_TRUE(ws->Ack(PersonId("li.pm"), 3).ok());
  bounce("2027-01-05T10:30:00", "2027-01-05T10:35:00");  // li.pm: seq 5; chen.ae: dropped
  EXPECT_THAT(seqs("li.pm"), ElementsAre(5));
  EXPECT_THAT(seqs("chen.ae"), ElementsAre(4));
  ASSERT_TRUE(ws->Ack(PersonId("chen.ae"), 4).ok());
  bounce("2027-01-05T10:40:00", "2027-01-05T10:45:00");  // li.pm: dropped (5 unacked); chen: 6
  EXPECT_THAT(seqs("li.pm"), ElementsAre(5));
  EXPECT_THAT(seqs("chen.ae"), ElementsAre(6));
  const std::vector<Message> chen = ws->Pending(PersonId("chen.ae"));
  EXPECT_EQ(
      MessageToJson(chen[0], ws->time_zone()),
      R"j({"seq":6,"at":"2027-01-05T10:45:00+08:00","to":"chen.ae","kind":"feedback_state_changed","account":"acme","project":"P1","feedback":"F1","state":"waiting_on_customer","previous_state":"in_progress"})j");
}

TEST(RoutingTest, EscalationLevelsToOnePersonAreEachDelivered) {
  // Two levels, both 0 minutes after the breach, both to zhao.lead: both fire at the breach
  // instant, level by level, each to the lead, the assignee and the AE. (SLA messages never
  // enter dedup; being unique per clock and threshold, they could not repeat anyway.)
  const std::string json = [] {
    std::string s = testing::kTwoAccounts;
    const std::string from = R"("escalation": [{"after_minutes": 60, "to": "zhao.lead"}])";
    s.replace(s.find(from), from.size(),
              R"("escalation": [{"after_minutes": 0, "to": "zhao.lead"},
                                {"after_minutes": 0, "to": "zhao.lead"}])");
    return s;
  }();
  auto ws = MakeWorkspace(json);
  ASSERT_TRUE(Applied(*ws, "2027-01-05T10:00:00", "chen.ae",
                      R"("type": "log_feedback", "id": "F1", "project": "P1",
                          "kind": "complaint", "channel": "phone", "priority": "high",
                          "text": "Slow")"));
  ASSERT_TRUE(Applied(*ws, "2027-01-05T12:00:00", "zhao.lead", R"("type": "tick")"));
  std::vector<std::string> lead;
  for (const Message& m : ws->Pending(PersonId("zhao.lead"))) {
    lead.push_back(MessageToJson(m, ws->time_zone()));
  }
  // Both levels at the breach instant, level 1 then 2.
  EXPECT_THAT(
      lead,
      ElementsAre(
          R"j({"seq":6,"at":"2027-01-05T12:00:00+08:00","to":"zhao.lead","kind":"escalated","account":"acme","project":"P1","feedback":"F1","clock":"first_response","due":"2027-01-05T12:00:00+08:00","priority":"high","policy":"urgent complaints","level":1,"escalated_to":"zhao.lead"})j",
          R"j({"seq":9,"at":"2027-01-05T12:00:00+08:00","to":"zhao.lead","kind":"escalated","account":"acme","project":"P1","feedback":"F1","clock":"first_response","due":"2027-01-05T12:00:00+08:00","priority":"high","policy":"urgent complaints","level":2,"escalated_to":"zhao.lead"})j"));
}

// --- digests -------------------------------------------------------------------------------

TEST(RoutingTest, DigestHoldsNonSlaMessagesUntilTheWindowEnds) {
  auto ws = MakeWorkspace(WithRouting(R"({"digests": [{"to": "chen.ae", "window_minutes": 60}]})"));
  Recorder r;
  r.Attach(*ws);
  ASSERT_TRUE(Applied(*ws, "2027-01-05T10:00:00", "chen.ae",
                      R"("type": "log_feedback", "id": "F1", "project": "P1",
                          "kind": "complaint", "channel": "phone", "priority": "high",
                          "text": "Login page is too slow")"));
  // risk_raised and health_changed for chen.ae are held; the digest is due at 11:05, before the
  // first SLA timer (warning at 11:36).
  ASSERT_TRUE(Applied(*ws, "2027-01-05T10:05:00", "li.pm",
                      R"("type": "raise_risk", "id": "R1", "project": "P1",
                          "milestones": ["P1.M2"], "text": "Vendor API late")"));
  EXPECT_THAT(ws->Pending(PersonId("chen.ae")), IsEmpty());
  EXPECT_EQ(ws->NextWakeup(), At("2027-01-05T11:05:00"));
  ASSERT_TRUE(Applied(*ws, "2027-01-05T11:00:00", "zhao.lead", R"("type": "tick")"));
  EXPECT_EQ(r.messages.size(), 1u);  // only feedback_logged to li.pm
  // At 12:30: the digest (11:05), the warning (11:36), the breach (12:00) to li.pm and, never
  // held, to chen.ae. The breach turns P1 red at 12:00: held again, next digest at 13:00.
  ASSERT_TRUE(Applied(*ws, "2027-01-05T12:30:00", "zhao.lead", R"("type": "tick")"));
  EXPECT_EQ(ws->NextWakeup(), At("2027-01-05T13:00:00"));  // before the escalation at 14:00
  ASSERT_TRUE(Applied(*ws, "2027-01-05T13:00:00", "zhao.lead", R"("type": "tick")"));
  EXPECT_EQ(ws->NextWakeup(), At("2027-01-05T14:00:00"));
  EXPECT_THAT(
      Lines(r.messages, ws->time_zone()),
      ElementsAre(
          R"j({"seq":1,"at":"2027-01-05T10:00:00+08:00","to":"li.pm","kind":"feedback_logged","account":"acme","project":"P1","feedback":"F1","clock":"first_response","due":"2027-01-05T12:00:00+08:00","feedback_kind":"complaint","channel":"phone","priority":"high","text":"Login page is too slow","policy":"urgent complaints"})j",
          R"j({"seq":2,"at":"2027-01-05T11:05:00+08:00","to":"chen.ae","kind":"digest","account":"acme","project":null,"count":2,"items":[{"seq":0,"at":"2027-01-05T10:05:00+08:00","to":"chen.ae","kind":"risk_raised","account":"acme","project":"P1","risk":"R1","severity":"medium","milestones":["P1.M3"],"text":"Vendor API late"},{"seq":0,"at":"2027-01-05T10:05:00+08:00","to":"chen.ae","kind":"health_changed","account":"acme","project":"P1","health":"amber","previous":"green","reason":"1 risk(s) open","overridden":false}]})j",
          R"j({"seq":3,"at":"2027-01-05T11:36:00+08:00","to":"li.pm","kind":"sla_warning","account":"acme","project":"P1","feedback":"F1","clock":"first_response","due":"2027-01-05T12:00:00+08:00","priority":"high","policy":"urgent complaints"})j",
          R"j({"seq":4,"at":"2027-01-05T12:00:00+08:00","to":"li.pm","kind":"sla_breached","account":"acme","project":"P1","feedback":"F1","clock":"first_response","due":"2027-01-05T12:00:00+08:00","priority":"high","policy":"urgent complaints"})j",
          R"j({"seq":5,"at":"2027-01-05T12:00:00+08:00","to":"chen.ae","kind":"sla_breached","account":"acme","project":"P1","feedback":"F1","clock":"first_response","due":"2027-01-05T12:00:00+08:00","priority":"high","policy":"urgent complaints"})j",
          R"j({"seq":6,"at":"2027-01-05T13:00:00+08:00","to":"chen.ae","kind":"digest","account":"acme","project":null,"count":1,"items":[{"seq":0,"at":"2027-01-05T12:00:00+08:00","to":"chen.ae","kind":"health_changed","account":"acme","project":"P1","health":"red","previous":"amber","reason":"1 feedback item(s) with a breached SLA","overridden":false}]})j"));
  // The digest is one message to acknowledge.
  std::vector<Message> pending = ws->Pending(PersonId("chen.ae"));
  ASSERT_EQ(pending.size(), 3u);
  EXPECT_EQ(pending[0].kind, "digest");
  ASSERT_TRUE(ws->Ack(PersonId("chen.ae"), 6).ok());
  EXPECT_THAT(ws->Pending(PersonId("chen.ae")), IsEmpty());
}

TEST(RoutingTest, HeldNoticeCountsForDedupUntilItsDigestIsAcknowledged) {
  auto ws = MakeWorkspace(WithRouting(R"({"digests": [{"to": "li.pm", "window_minutes": 30}]})"));
  ASSERT_TRUE(Applied(*ws, "2027-01-05T10:00:00", "chen.ae",
                      R"("type": "log_feedback", "id": "F1", "project": "P1",
                          "kind": "question", "channel": "email", "priority": "normal",
                          "text": "Where are the docs?")"));
  ASSERT_TRUE(Applied(*ws, "2027-01-05T10:01:00", "li.pm",
                      R"("type": "set_feedback_state", "feedback": "F1",
                          "state": "waiting_on_customer")"));
  // 10:02 "ok" held; 10:03 waiting again; 10:04 the same "ok" is dropped; 10:05 waiting.
  for (const char* minute : {"02", "04"}) {
    ASSERT_TRUE(Applied(*ws, absl::StrCat("2027-01-05T10:", minute, ":00"), "chen.ae",
                        R"("type": "customer_replied", "feedback": "F1", "text": "ok")"));
    ASSERT_TRUE(Applied(*ws, absl::StrCat("2027-01-05T10:", minute[1] == '2' ? "03" : "05", ":00"),
                        "li.pm",
                        R"("type": "set_feedback_state", "feedback": "F1",
                            "state": "waiting_on_customer")"));
  }
  EXPECT_EQ(ws->NextWakeup(), At("2027-01-05T10:30:00"));
  ASSERT_TRUE(Applied(*ws, "2027-01-05T10:30:00", "zhao.lead", R"("type": "tick")"));
  std::vector<Message> pm = ws->Pending(PersonId("li.pm"));
  ASSERT_EQ(pm.size(), 1u);
  EXPECT_EQ(pm[0].kind, "digest");
  EXPECT_EQ(pm[0].fields[0], (std::pair<std::string, std::string>("count", "2")));  // logged, ok
  // The digest is unacknowledged: another identical "ok" is dropped, not held.
  ASSERT_TRUE(Applied(*ws, "2027-01-05T10:31:00", "chen.ae",
                      R"("type": "customer_replied", "feedback": "F1", "text": "ok")"));
  EXPECT_EQ(ws->NextWakeup(), std::nullopt);
  ASSERT_TRUE(ws->Ack(PersonId("li.pm"), pm[0].seq).ok());
  ASSERT_TRUE(Applied(*ws, "2027-01-05T10:32:00", "li.pm",
                      R"("type": "set_feedback_state", "feedback": "F1",
                          "state": "waiting_on_customer")"));
  ASSERT_TRUE(Applied(*ws, "2027-01-05T10:33:00", "chen.ae",
                      R"("type": "customer_replied", "feedback": "F1", "text": "ok")"));
  EXPECT_EQ(ws->NextWakeup(), At("2027-01-05T11:03:00"));
}

// --- sinks, Pending and Ack ----------------------------------------------------------------

TEST(RoutingTest, SinksRunAfterCommitOutsideTheLockInDeliveryOrder) {
  auto ws = MakeWorkspace();
  std::vector<uint64_t> first, second;
  bool committed = true;
  ws->AddSink([&](const Message& m) {
    // Calls back into the workspace: a sink under the lock would deadlock here.
    std::vector<Message> pending = ws->Pending(m.to);
    bool found = false;
    for (const Message& p : pending) found = found || p.seq == m.seq;
    committed = committed && found && ws->last_instant().has_value();
    first.push_back(m.seq);
  });
  ws->AddSink([&](const Message& m) {
    second.push_back(m.seq);
    EXPECT_TRUE(ws->Ack(m.to, m.seq).ok());  // a sink may change the workspace too
  });
  std::promise<void> done;
  std::future<void> finished = done.get_future();
  std::thread worker([&] {
    EXPECT_TRUE(Applied(*ws, "2027-01-05T10:00:00", "chen.ae",
                        R"("type": "log_feedback", "id": "F1", "project": "P1",
                            "kind": "complaint", "channel": "phone", "priority": "high",
                            "text": "Slow")"));
    EXPECT_TRUE(Applied(*ws, "2027-01-05T14:00:00", "zhao.lead", R"("type": "tick")"));
    done.set_value();
  });
  if (finished.wait_for(std::chrono::seconds(30)) != std::future_status::ready) {
    ADD_FAILURE() << "Apply did not return: a sink that calls the workspace deadlocked";
    std::fflush(nullptr);
    std::abort();
  }
  worker.join();
  EXPECT_TRUE(committed);
  // logged, warning, breached x2, health, escalated x3.
  EXPECT_THAT(first, ElementsAre(1, 2, 3, 4, 5, 6, 7, 8));
  EXPECT_EQ(second, first);
  for (const char* p : {"li.pm", "chen.ae", "zhao.lead"}) {
    EXPECT_THAT(ws->Pending(PersonId(p)), IsEmpty()) << p;
  }
}

TEST(RoutingTest, PendingIsPerPersonAndAckIsCumulativeOverGlobalSeqs) {
  auto ws = MakeWorkspace();
  // seq 1 li.pm (logged), 2 chen.ae (responded), 3 li.pm (F2 logged).
  ASSERT_TRUE(Applied(*ws, "2027-01-05T10:00:00", "chen.ae",
                      R"("type": "log_feedback", "id": "F1", "project": "P1",
                          "kind": "question", "channel": "email", "priority": "normal",
                          "text": "a")"));
  ASSERT_TRUE(Applied(*ws, "2027-01-05T10:01:00", "li.pm",
                      R"("type": "respond_feedback", "feedback": "F1", "text": "b")"));
  ASSERT_TRUE(Applied(*ws, "2027-01-05T10:02:00", "chen.ae",
                      R"("type": "log_feedback", "id": "F2", "project": "P1",
                          "kind": "question", "channel": "email", "priority": "normal",
                          "text": "c")"));
  auto seqs = [&](const char* person) {
    std::vector<uint64_t> out;
    for (const Message& m : ws->Pending(PersonId(person))) out.push_back(m.seq);
    return out;
  };
  EXPECT_THAT(seqs("li.pm"), ElementsAre(1, 3));
  EXPECT_THAT(seqs("chen.ae"), ElementsAre(2));
  EXPECT_THAT(seqs("wu.ae"), IsEmpty());
  EXPECT_THAT(seqs("nobody"), IsEmpty());  // unknown person: nothing pending
  // seq 2 is chen.ae's, but a cumulative ack up to 2 is fine for li.pm: it acks seq 1.
  ASSERT_TRUE(ws->Ack(PersonId("li.pm"), 2).ok());
  EXPECT_THAT(seqs("li.pm"), ElementsAre(3));
  ASSERT_TRUE(ws->Ack(PersonId("li.pm"), 0).ok());  // nothing, idempotent
  ASSERT_TRUE(ws->Ack(PersonId("li.pm"), 1).ok());  // already acknowledged
  EXPECT_THAT(seqs("li.pm"), ElementsAre(3));
  // Past the last message delivered to the person: OutOfRange, nothing acknowledged.
  absl::Status s = ws->Ack(PersonId("chen.ae"), 3);
  EXPECT_EQ(s.code(), absl::StatusCode::kOutOfRange);
  EXPECT_EQ(
      s.message(),
      R"(person "chen.ae": cannot acknowledge seq 3: the last message delivered to them is 2)");
  EXPECT_THAT(seqs("chen.ae"), ElementsAre(2));
  EXPECT_EQ(ws->Ack(PersonId("wu.ae"), 0).code(), absl::StatusCode::kOk);
  EXPECT_EQ(ws->Ack(PersonId("wu.ae"), 1).code(), absl::StatusCode::kOutOfRange);
  s = ws->Ack(PersonId("nobody"), 0);
  EXPECT_EQ(s.code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(s.message(), R"(person "nobody": unknown id)");
  // Pending returns copies: at-least-once, the same messages until acknowledged.
  std::vector<Message> before = ws->Pending(PersonId("li.pm"));
  EXPECT_EQ(Lines(ws->Pending(PersonId("li.pm")), ws->time_zone()), Lines(before, ws->time_zone()));
  ASSERT_TRUE(ws->Ack(PersonId("li.pm"), 3).ok());
  EXPECT_THAT(seqs("li.pm"), IsEmpty());
}

// A long inbox acknowledged in uneven steps while new messages keep arriving: Pending is always
// exactly the unacknowledged messages in delivery order (the inbox compacts its queue once half
// of it is acknowledged).
TEST(RoutingTest, LongInboxStaysOrderedThroughPartialAcks) {
  auto ws = MakeWorkspace();
  std::vector<uint64_t> expected;  // li.pm's unacknowledged seqs, the reference
  int next_id = 0;
  auto log = [&](int n) {
    for (int i = 0; i < n; ++i, ++next_id) {
      const int minute = next_id / 60, second = next_id % 60;
      const std::string at = absl::StrCat("2027-01-05T10:", minute < 10 ? "0" : "", minute, ":",
                                          second < 10 ? "0" : "", second);
      ASSERT_TRUE(Applied(*ws, at, "chen.ae",
                          absl::StrCat(R"("type": "log_feedback", "id": "F)", next_id,
                                       R"(", "project": "P1", "kind": "question",
                                          "channel": "email", "priority": "normal",
                                          "text": "q)",
                                       next_id, "\"")));
    }
  };
  auto pending = [&] {
    std::vector<uint64_t> out;
    for (const Message& m : ws->Pending(PersonId("li.pm"))) out.push_back(m.seq);
    return out;
  };
  // Each step: messages logged, then how many of the oldest unacknowledged are acknowledged.
  const std::vector<std::pair<int, int>> steps = {{150, 7}, {0, 60}, {20, 1},  {0, 40},  {100, 90},
                                                  {5, 70},  {0, 0},  {30, 37}, {64, 63}, {1, 2}};
  for (const auto& [logged, acked] : steps) {
    const uint64_t before =
        ws->Pending(PersonId("li.pm")).empty() ? 0 : ws->Pending(PersonId("li.pm")).back().seq;
    log(logged);
    for (const Message& m : ws->Pending(PersonId("li.pm"))) {
      if (m.seq > before) expected.push_back(m.seq);
    }
    ASSERT_LE(static_cast<size_t>(acked), expected.size());
    if (acked > 0) {
      ASSERT_TRUE(ws->Ack(PersonId("li.pm"), expected[static_cast<size_t>(acked) - 1]).ok());
      expected.erase(expected.begin(), expected.begin() + acked);
    }
    ASSERT_EQ(pending(), expected) << "after logging " << logged << " and acking " << acked;
  }
  EXPECT_EQ(next_id, 370);
  EXPECT_THAT(expected, IsEmpty());
}

}  // namespace
}  // namespace handoff
