// SLA clocks end to end, against instants computed by hand (spec SLA.md). Calendar: 09:00-12:00
// and 13:00-18:00 at +08:00, Sat/Sun weekend. 2027-01-05 is a Tuesday.
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/support/workspace_fixture.h"

namespace handoff {
namespace {

using testing::At;
using ::testing::ElementsAre;
using testing::Event;
using testing::MakeWorkspace;
using testing::Recorder;

// "HH:MM kind to clock due" for SLA messages; "HH:MM kind to" for others (local +08:00).
std::vector<std::string> Summary(const std::vector<Message>& messages, const TimeZone& zone) {
  std::vector<std::string> out;
  for (const Message& m : messages) {
    std::string at = FormatInstant(m.at, zone);  // 2027-01-05T12:00:00+08:00
    std::string line = at.substr(5, 11) + " " + m.kind + " " + m.to.value();
    if (!m.clock.empty()) line += " " + m.clock;
    if (m.due) line += " due " + FormatInstant(*m.due, zone).substr(5, 11);
    out.push_back(line);
  }
  return out;
}

const char kUrgentComplaint[] =
    R"({"at": "2027-01-05T10:00:00", "by": "chen.ae", "type": "log_feedback", "id": "F1",
        "project": "P1", "kind": "complaint", "channel": "phone", "priority": "high",
        "text": "Login page is too slow"})";

TEST(SlaScenarioTest, WarningBreachAndEscalationOfFirstResponseAcrossLunch) {
  // First response: 120 min from Tue 10:00 -> 12:00 exactly (due at the interval's end, not
  // 13:00). Warning at 96 min -> 11:36. Escalation at 180 min -> 13:00 + 60 -> 14:00.
  auto ws = MakeWorkspace();
  Recorder r;
  r.Attach(*ws);
  ASSERT_TRUE(ws->Apply(Event(kUrgentComplaint)).ok());
  EXPECT_EQ(ws->NextWakeup(), At("2027-01-05T11:36:00"));
  ASSERT_TRUE(
      ws->Apply(Event(R"({"at": "2027-01-05T14:00:00", "by": "li.pm", "type": "tick"})")).ok());
  EXPECT_THAT(Summary(r.messages, ws->time_zone()),
              ElementsAre("01-05T10:00 feedback_logged li.pm first_response due 01-05T12:00",
                          "01-05T11:36 sla_warning li.pm first_response due 01-05T12:00",
                          "01-05T12:00 sla_breached li.pm first_response due 01-05T12:00",
                          "01-05T12:00 sla_breached chen.ae first_response due 01-05T12:00",
                          "01-05T12:00 health_changed chen.ae",
                          "01-05T14:00 escalated zhao.lead first_response due 01-05T12:00",
                          "01-05T14:00 escalated li.pm first_response due 01-05T12:00",
                          "01-05T14:00 escalated chen.ae first_response due 01-05T12:00"));
  // Resolution: 960 min = 16 h: Tue 7 h, Wed 8 h, Thu 09:00-10:00 -> due Thu 10:00; warning at
  // 12.8 h -> Wed 13:00 + 2.8 h = 15:48.
  EXPECT_EQ(ws->NextWakeup(), At("2027-01-06T15:48:00"));
  absl::StatusOr<FeedbackView> f = ws->GetFeedback(FeedbackId("F1"));
  ASSERT_TRUE(f.ok());
  EXPECT_EQ(f->due[1], At("2027-01-07T10:00:00"));
  EXPECT_TRUE(f->breached[0]);
  EXPECT_FALSE(f->breached[1]);
}

TEST(SlaScenarioTest, ResponseStopsFirstClockAndWaitingPausesResolution) {
  auto ws = MakeWorkspace();
  Recorder r;
  r.Attach(*ws);
  ASSERT_TRUE(ws->Apply(Event(kUrgentComplaint)).ok());
  ASSERT_TRUE(ws->Apply(Event(R"({"at": "2027-01-05T10:30:00", "by": "li.pm",
      "type": "respond_feedback", "feedback": "F1", "text": "Looking into it"})"))
                  .ok());
  // Resolution used at Tue 14:00: 10-12 and 13-14 = 3 h. Paused until Wed 10:00.
  ASSERT_TRUE(ws->Apply(Event(R"({"at": "2027-01-05T14:00:00", "by": "li.pm",
      "type": "set_feedback_state", "feedback": "F1", "state": "waiting_on_customer"})"))
                  .ok());
  EXPECT_EQ(ws->NextWakeup(), std::nullopt);  // nothing runs while paused
  ASSERT_TRUE(ws->Apply(Event(R"({"at": "2027-01-06T10:00:00", "by": "chen.ae",
      "type": "customer_replied", "feedback": "F1", "text": "Here is the HAR file"})"))
                  .ok());
  // 13 h left from Wed 10:00: Wed 10-12, 13-18 (7 h), Thu 9-12 (3 h), 13-16 -> due Thu 16:00.
  // Warning at 12.8 h used: 9.8 h after Wed 10:00 -> Thu 9:00 + 2.8 h = 11:48.
  EXPECT_EQ(ws->NextWakeup(), At("2027-01-07T11:48:00"));
  absl::StatusOr<FeedbackView> f = ws->GetFeedback(FeedbackId("F1"));
  ASSERT_TRUE(f.ok());
  EXPECT_EQ(f->state, FeedbackState::kInProgress);
  EXPECT_EQ(f->due[1], At("2027-01-07T16:00:00"));
  EXPECT_FALSE(f->due[0].has_value() && f->breached[0]);  // answered in time
  EXPECT_THAT(Summary(r.messages, ws->time_zone()),
              ElementsAre("01-05T10:00 feedback_logged li.pm first_response due 01-05T12:00",
                          "01-05T10:30 feedback_responded chen.ae",
                          "01-05T14:00 feedback_state_changed chen.ae",
                          "01-06T10:00 customer_replied li.pm"));
}

TEST(SlaScenarioTest, PriorityRaiseFiresPassedThresholdsAtTheChangeInOrder) {
  // Logged as normal (no policy). At 13:30 the AE raises it to high: first-response used time
  // is 2.5 h > 2 h, so its warning and breach fire at 13:30, warning first.
  auto ws = MakeWorkspace();
  Recorder r;
  r.Attach(*ws);
  ASSERT_TRUE(ws->Apply(Event(R"({"at": "2027-01-05T10:00:00", "by": "chen.ae",
      "type": "log_feedback", "id": "F1", "project": "P1", "kind": "complaint",
      "channel": "email", "priority": "normal", "text": "Slow"})"))
                  .ok());
  EXPECT_EQ(ws->NextWakeup(), std::nullopt);
  ASSERT_TRUE(ws->Apply(Event(R"({"at": "2027-01-05T13:30:00", "by": "chen.ae",
      "type": "set_feedback_priority", "feedback": "F1", "priority": "high"})"))
                  .ok());
  EXPECT_THAT(Summary(r.messages, ws->time_zone()),
              ElementsAre("01-05T10:00 feedback_logged li.pm",
                          "01-05T13:30 feedback_priority_changed li.pm",
                          "01-05T13:30 sla_warning li.pm first_response due 01-05T12:00",
                          "01-05T13:30 sla_breached li.pm first_response due 01-05T12:00",
                          "01-05T13:30 sla_breached chen.ae first_response due 01-05T12:00",
                          "01-05T13:30 health_changed chen.ae"));
  EXPECT_EQ(ws->NextWakeup(), At("2027-01-05T14:00:00"));  // escalation at 180 min
}

TEST(SlaScenarioTest, ReopenKeepsUsedTimeAndFiresPassedThresholdsAtReopen) {
  auto ws = MakeWorkspace();
  Recorder r;
  r.Attach(*ws);
  ASSERT_TRUE(ws->Apply(Event(kUrgentComplaint)).ok());
  ASSERT_TRUE(ws->Apply(Event(R"({"at": "2027-01-05T10:10:00", "by": "li.pm",
      "type": "set_feedback_state", "feedback": "F1", "state": "resolved"})"))
                  .ok());
  // Resolution used 10 min. Lowered to normal while resolved (no policy), raised back to
  // urgent later while resolved: a stopped clock fires nothing.
  ASSERT_TRUE(ws->Apply(Event(R"({"at": "2027-01-08T10:00:00", "by": "chen.ae",
      "type": "reopen_feedback", "feedback": "F1", "text": "Still slow"})"))
                  .ok());
  // From Fri 10:00 with 10 min used: 950 min left: Fri 10-12, 13-18 (7 h = 420), Mon 9-12,
  // 13-18 (480) -> 900, Tue 09:00 + 50 min -> due Tue 2027-01-12 09:50.
  absl::StatusOr<FeedbackView> f = ws->GetFeedback(FeedbackId("F1"));
  ASSERT_TRUE(f.ok());
  EXPECT_EQ(f->state, FeedbackState::kInProgress);
  EXPECT_EQ(f->due[1], At("2027-01-12T09:50:00"));
  EXPECT_EQ(f->used_seconds[1], 600);
  // The first response was given by the state change at 10:10: no first-response SLA message.
  for (const Message& m : r.messages) {
    if (m.kind.rfind("sla_", 0) == 0 || m.kind == "escalated") {
      EXPECT_NE(m.clock, "first_response") << m.kind;
    }
  }
}

TEST(SlaScenarioTest, RejectedCommandsChangeNothing) {
  auto ws = MakeWorkspace();
  Recorder r;
  r.Attach(*ws);
  ASSERT_TRUE(ws->Apply(Event(kUrgentComplaint)).ok());
  const size_t before = r.messages.size();
  const auto wake = ws->NextWakeup();
  // Earlier than the last instant, even with due timers in between.
  absl::Status s =
      ws->Apply(Event(R"({"at": "2027-01-05T09:00:00", "by": "li.pm", "type": "tick"})"));
  EXPECT_EQ(s.code(), absl::StatusCode::kFailedPrecondition);
  // Wrong actor, at an instant after due timers: the timers must not fire.
  s = ws->Apply(Event(R"({"at": "2027-01-05T15:00:00", "by": "wu.ae", "type": "respond_feedback",
      "feedback": "F1", "text": "x"})"));
  EXPECT_EQ(s.code(), absl::StatusCode::kPermissionDenied);
  EXPECT_THAT(std::string(s.message()), ::testing::HasSubstr("person \"wu.ae\" (ae)"));
  // Same state twice.
  s = ws->Apply(Event(R"({"at": "2027-01-05T15:00:00", "by": "li.pm", "type": "confirm_resolution",
      "feedback": "F1"})"));
  EXPECT_EQ(s.code(), absl::StatusCode::kPermissionDenied);
  s = ws->Apply(
      Event(R"({"at": "2027-01-05T15:00:00", "by": "chen.ae", "type": "confirm_resolution",
      "feedback": "F1"})"));
  EXPECT_EQ(s.code(), absl::StatusCode::kFailedPrecondition);
  s = ws->Apply(Event(R"({"at": "2027-01-05T15:00:00", "by": "chen.ae", "type": "log_feedback",
      "id": "F1", "project": "P1", "kind": "bug", "channel": "im", "priority": "low", "text": "x"})"));
  EXPECT_EQ(s.code(), absl::StatusCode::kAlreadyExists);
  s = ws->Apply(Event(R"({"at": "2027-01-05T15:00:00", "by": "ghost", "type": "tick"})"));
  EXPECT_EQ(s.code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(r.messages.size(), before);
  EXPECT_EQ(ws->NextWakeup(), wake);
  EXPECT_EQ(ws->last_instant(), At("2027-01-05T10:00:00"));
}

TEST(SlaScenarioTest, OutboxIsOrderedAtLeastOnceAndAcksAreCumulative) {
  auto ws = MakeWorkspace();
  ASSERT_TRUE(ws->Apply(Event(kUrgentComplaint)).ok());
  ASSERT_TRUE(
      ws->Apply(Event(R"({"at": "2027-01-05T14:00:00", "by": "li.pm", "type": "tick"})")).ok());
  std::vector<Message> pm = ws->Pending(PersonId("li.pm"));
  ASSERT_EQ(pm.size(), 4u);  // logged, warning, breached, escalated
  for (size_t i = 1; i < pm.size(); ++i) EXPECT_LT(pm[i - 1].seq, pm[i].seq);
  ASSERT_TRUE(ws->Ack(PersonId("li.pm"), pm[1].seq).ok());
  EXPECT_EQ(ws->Pending(PersonId("li.pm")).size(), 2u);
  ASSERT_TRUE(ws->Ack(PersonId("li.pm"), pm[1].seq).ok());  // idempotent
  EXPECT_EQ(ws->Pending(PersonId("li.pm")).size(), 2u);
  EXPECT_EQ(ws->Ack(PersonId("li.pm"), pm.back().seq + 100).code(), absl::StatusCode::kOutOfRange);
  EXPECT_EQ(ws->Ack(PersonId("ghost"), 1).code(), absl::StatusCode::kNotFound);
  ASSERT_TRUE(ws->Ack(PersonId("li.pm"), pm.back().seq).ok());
  EXPECT_TRUE(ws->Pending(PersonId("li.pm")).empty());
}

}  // namespace
}  // namespace handoff
