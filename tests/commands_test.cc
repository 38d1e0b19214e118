// The command codec (handoff/commands.h), the SLA policy and routing parsers, and the field that
// Workspace::Apply errors name (docs/commands.md): every command type survives CommandToJson and
// ParseCommandJson field by field; every malformed input names its JSON pointer and the reason,
// exactly.
#include "handoff/commands.h"

#include <cstdint>
#include <memory>
#include <set>
#include <string>
#include <variant>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "handoff/scenario.h"
#include "handoff/sla.h"
#include "handoff/workspace.h"
#include "tests/support/workspace_fixture.h"

namespace handoff {
namespace {

using ::testing::ElementsAre;

const TimeZone& Shanghai() {
  static const TimeZone* zone = new TimeZone(*TimeZone::Parse("+08:00"));
  return *zone;
}

Instant Local(const std::string& text) { return *ParseInstant(text, Shanghai()); }

// --- field-by-field equality ---------------------------------------------------------------

void ExpectSame(const LogFeedback& a, const LogFeedback& b) {
  EXPECT_EQ(a.id, b.id);
  EXPECT_EQ(a.project, b.project);
  EXPECT_EQ(a.milestone, b.milestone);
  EXPECT_EQ(a.kind, b.kind);
  EXPECT_EQ(a.channel, b.channel);
  EXPECT_EQ(a.priority, b.priority);
  EXPECT_EQ(a.text, b.text);
}
void ExpectSame(const RespondFeedback& a, const RespondFeedback& b) {
  EXPECT_EQ(a.feedback, b.feedback);
  EXPECT_EQ(a.text, b.text);
}
void ExpectSame(const SetFeedbackState& a, const SetFeedbackState& b) {
  EXPECT_EQ(a.feedback, b.feedback);
  EXPECT_EQ(a.state, b.state);
  EXPECT_EQ(a.text, b.text);
}
void ExpectSame(const CustomerReplied& a, const CustomerReplied& b) {
  EXPECT_EQ(a.feedback, b.feedback);
  EXPECT_EQ(a.text, b.text);
}
void ExpectSame(const ConfirmResolution& a, const ConfirmResolution& b) {
  EXPECT_EQ(a.feedback, b.feedback);
}
void ExpectSame(const ReopenFeedback& a, const ReopenFeedback& b) {
  EXPECT_EQ(a.feedback, b.feedback);
  EXPECT_EQ(a.text, b.text);
}
void ExpectSame(const SetFeedbackPriority& a, const SetFeedbackPriority& b) {
  EXPECT_EQ(a.feedback, b.feedback);
  EXPECT_EQ(a.priority, b.priority);
}
void ExpectSame(const UpdateMilestone& a, const UpdateMilestone& b) {
  EXPECT_EQ(a.milestone, b.milestone);
  EXPECT_EQ(a.status, b.status);
  EXPECT_EQ(a.percent, b.percent);
  EXPECT_EQ(a.remaining_days, b.remaining_days);
  EXPECT_EQ(a.finished_on, b.finished_on);
}
void ExpectSame(const RaiseRisk& a, const RaiseRisk& b) {
  EXPECT_EQ(a.id, b.id);
  EXPECT_EQ(a.project, b.project);
  EXPECT_EQ(a.milestones, b.milestones);
  EXPECT_EQ(a.severity, b.severity);
  EXPECT_EQ(a.text, b.text);
}
void ExpectSame(const CloseRisk& a, const CloseRisk& b) {
  EXPECT_EQ(a.risk, b.risk);
  EXPECT_EQ(a.text, b.text);
}
void ExpectSame(const SetHealth& a, const SetHealth& b) {
  EXPECT_EQ(a.project, b.project);
  EXPECT_EQ(a.health, b.health);
  EXPECT_EQ(a.reason, b.reason);
}
void ExpectSame(const Milestone& a, const Milestone& b) {
  EXPECT_EQ(a.id, b.id);
  EXPECT_EQ(a.name, b.name);
  EXPECT_EQ(a.duration_days, b.duration_days);
  EXPECT_EQ(a.customer_visible, b.customer_visible);
  EXPECT_EQ(a.owner, b.owner);
  ASSERT_EQ(a.depends_on.size(), b.depends_on.size());
  for (size_t i = 0; i < a.depends_on.size(); ++i) {
    EXPECT_EQ(a.depends_on[i].id, b.depends_on[i].id);
    EXPECT_EQ(a.depends_on[i].lag_days, b.depends_on[i].lag_days);
  }
}
void ExpectSame(const AcceptChange& a, const AcceptChange& b) {
  EXPECT_EQ(a.feedback, b.feedback);
  ASSERT_EQ(a.durations.size(), b.durations.size());
  for (size_t i = 0; i < a.durations.size(); ++i) {
    EXPECT_EQ(a.durations[i].milestone, b.durations[i].milestone);
    EXPECT_EQ(a.durations[i].duration_days, b.durations[i].duration_days);
  }
  ASSERT_EQ(a.new_milestones.size(), b.new_milestones.size());
  for (size_t i = 0; i < a.new_milestones.size(); ++i) {
    ExpectSame(a.new_milestones[i], b.new_milestones[i]);
  }
  ASSERT_EQ(a.links.size(), b.links.size());
  for (size_t i = 0; i < a.links.size(); ++i) {
    EXPECT_EQ(a.links[i].milestone, b.links[i].milestone);
    EXPECT_EQ(a.links[i].depends_on, b.links[i].depends_on);
    EXPECT_EQ(a.links[i].lag_days, b.links[i].lag_days);
  }
  EXPECT_EQ(a.text, b.text);
}
void ExpectSame(const RecordCost& a, const RecordCost& b) {
  EXPECT_EQ(a.project, b.project);
  EXPECT_EQ(a.planned, b.planned);
  EXPECT_EQ(a.actual, b.actual);
  EXPECT_EQ(a.note, b.note);
}
void ExpectSame(const SetBaseline& a, const SetBaseline& b) { EXPECT_EQ(a.project, b.project); }
void ExpectSame(const CloseProject& a, const CloseProject& b) {
  EXPECT_EQ(a.project, b.project);
  EXPECT_EQ(a.lessons, b.lessons);
}
void ExpectSame(const RecordCsat& a, const RecordCsat& b) {
  EXPECT_EQ(a.project, b.project);
  EXPECT_EQ(a.score, b.score);
  EXPECT_EQ(a.comment, b.comment);
}
void ExpectSame(const LogTouchpoint& a, const LogTouchpoint& b) {
  EXPECT_EQ(a.account, b.account);
  EXPECT_EQ(a.channel, b.channel);
  EXPECT_EQ(a.text, b.text);
}
void ExpectSame(const LogOpportunity& a, const LogOpportunity& b) {
  EXPECT_EQ(a.id, b.id);
  EXPECT_EQ(a.account, b.account);
  EXPECT_EQ(a.amount, b.amount);
  EXPECT_EQ(a.text, b.text);
}
void ExpectSame(const RecordRenewal& a, const RecordRenewal& b) {
  EXPECT_EQ(a.account, b.account);
  EXPECT_EQ(a.renewed, b.renewed);
  EXPECT_EQ(a.amount, b.amount);
}
void ExpectSame(const Tick&, const Tick&) {}

void ExpectSame(const Command& a, const Command& b) {
  SCOPED_TRACE(CommandToJson(a));
  EXPECT_EQ(a.at, b.at);
  EXPECT_EQ(a.by, b.by);
  ASSERT_EQ(a.payload.index(), b.payload.index());
  std::visit(
      [&b](const auto& pa) {
        using T = std::decay_t<decltype(pa)>;
        ExpectSame(pa, std::get<T>(b.payload));
      },
      a.payload);
}

// Every command type, with every optional member both set and left out somewhere.
std::vector<Command> AllCommands() {
  std::vector<CommandPayload> payloads;
  payloads.push_back(LogFeedback{FeedbackId("F1"), ProjectId("P1"), MilestoneId("P1.M2"),
                                 FeedbackKind::kChangeRequest, Channel::kIm, Priority::kUrgent,
                                 "登录太慢 \"quoted\"\n\ttab \\ back / slash \x01"});
  payloads.push_back(LogFeedback{FeedbackId("F2"), ProjectId("P1"), MilestoneId(),
                                 FeedbackKind::kPraise, Channel::kMeeting, Priority::kLow, ""});
  payloads.push_back(RespondFeedback{FeedbackId("F1"), "On it"});
  payloads.push_back(
      SetFeedbackState{FeedbackId("F1"), FeedbackState::kWaitingOnCustomer, "Need logs"});
  payloads.push_back(SetFeedbackState{FeedbackId("F1"), FeedbackState::kResolved, ""});
  payloads.push_back(SetFeedbackState{FeedbackId("F1"), FeedbackState::kInProgress, ""});
  payloads.push_back(CustomerReplied{FeedbackId("F1"), "Attached"});
  payloads.push_back(ConfirmResolution{FeedbackId("F1")});
  payloads.push_back(ReopenFeedback{FeedbackId("F1"), "Still slow"});
  payloads.push_back(SetFeedbackPriority{FeedbackId("F1"), Priority::kHigh});
  payloads.push_back(UpdateMilestone{MilestoneId("P1.M1"), MilestoneStatus::kDone, 100,
                                     std::nullopt, Date(2027, 1, 12)});
  payloads.push_back(
      UpdateMilestone{MilestoneId("P1.M1"), MilestoneStatus::kInProgress, 0, 3, std::nullopt});
  payloads.push_back(UpdateMilestone{MilestoneId("P1.M1"), MilestoneStatus::kNotStarted,
                                     std::nullopt, std::nullopt, std::nullopt});
  payloads.push_back(UpdateMilestone{MilestoneId("P1.M1"), MilestoneStatus::kBlocked, 35,
                                     std::nullopt, std::nullopt});
  payloads.push_back(RaiseRisk{RiskId("R1"),
                               ProjectId("P1"),
                               {MilestoneId("P1.M1"), MilestoneId("P2.M2")},
                               RiskSeverity::kHigh,
                               "Vendor API late"});
  payloads.push_back(RaiseRisk{RiskId("R2"), ProjectId("P1"), {}, RiskSeverity::kLow, ""});
  payloads.push_back(CloseRisk{RiskId("R1"), "Vendor delivered"});
  payloads.push_back(CloseRisk{RiskId("R2"), ""});
  payloads.push_back(SetHealth{ProjectId("P1"), Health::kAmber, "two people out"});
  payloads.push_back(SetHealth{ProjectId("P1"), std::nullopt, ""});
  payloads.push_back(SetHealth{ProjectId("P1"), std::nullopt, "back to normal"});
  {
    AcceptChange c;
    c.feedback = FeedbackId("F1");
    c.durations = {{MilestoneId("P1.M1"), 4}, {MilestoneId("P1.M2"), 0}};
    Milestone m;
    m.id = MilestoneId("P1.M4");
    m.name = "SSO";
    m.duration_days = 2;
    m.customer_visible = true;
    m.owner = PersonId("qian.lead");
    m.depends_on = {{MilestoneId("P1.M3"), 0}, {MilestoneId("P1.M1"), 2}};
    c.new_milestones.push_back(m);
    Milestone bare;
    bare.id = MilestoneId("P1.M5");
    c.new_milestones.push_back(bare);
    c.links = {{MilestoneId("P2.M1"), MilestoneId("P1.M4"), 1}};
    c.text = "SSO adds a day";
    payloads.push_back(c);
  }
  payloads.push_back(AcceptChange{FeedbackId("F1"), {}, {}, {}, ""});
  payloads.push_back(RecordCost{ProjectId("P1"), 9000000000, 9000000001, "overtime"});
  payloads.push_back(RecordCost{ProjectId("P1"), 0, 0, ""});
  payloads.push_back(SetBaseline{ProjectId("P1")});
  payloads.push_back(CloseProject{ProjectId("P1"), "start earlier"});
  payloads.push_back(CloseProject{ProjectId("P1"), ""});
  payloads.push_back(RecordCsat{ProjectId("P1"), 4, "happy"});
  payloads.push_back(LogTouchpoint{AccountId("acme"), Channel::kPhone, "QBR"});
  payloads.push_back(LogTouchpoint{AccountId("acme"), Channel::kEmail, ""});
  payloads.push_back(LogOpportunity{OpportunityId("O1"), AccountId("acme"), 50000, "upsell"});
  payloads.push_back(RecordRenewal{AccountId("acme"), false, 0});
  payloads.push_back(RecordRenewal{AccountId("acme"), true, 120000});
  payloads.push_back(Tick{});
  std::vector<Command> out;
  const Instant base = Local("2027-01-05T10:00:00");
  for (size_t i = 0; i < payloads.size(); ++i) {
    out.push_back(Command{Instant{base.seconds + 61 * static_cast<int64_t>(i)},
                          PersonId(i % 2 ? "li.pm" : "chen.ae"), std::move(payloads[i])});
  }
  return out;
}

// --- round trip ----------------------------------------------------------------------------

TEST(CommandsTest, EveryCommandTypeEncodesAndDecodesBackEqual) {
  const std::vector<Command> commands = AllCommands();
  std::set<size_t> types;
  for (const Command& c : commands) {
    types.insert(c.payload.index());
    const std::string json = CommandToJson(c);
    // Decoding does not depend on the zone: the encoding carries its offset.
    for (const char* zone : {"+08:00", "Z", "EST5EDT,M3.2.0,M11.1.0"}) {
      absl::StatusOr<Command> back = ParseCommandJson(json, *TimeZone::Parse(zone));
      ASSERT_TRUE(back.ok()) << back.status() << " in " << json;
      ExpectSame(c, *back);
      EXPECT_EQ(CommandToJson(*back), json);
    }
  }
  EXPECT_EQ(types.size(), std::variant_size_v<CommandPayload>);
}

TEST(CommandsTest, EventsArrayDecodesToTheSameCommandsInOrder) {
  const std::vector<Command> commands = AllCommands();
  std::vector<std::string> objects;
  for (const Command& c : commands) objects.push_back(CommandToJson(c));
  absl::StatusOr<std::vector<Command>> back =
      ParseCommandsJson(absl::StrCat("[", absl::StrJoin(objects, ","), "]"), Shanghai());
  ASSERT_TRUE(back.ok()) << back.status();
  ASSERT_EQ(back->size(), commands.size());
  for (size_t i = 0; i < commands.size(); ++i) ExpectSame(commands[i], (*back)[i]);
}

TEST(CommandsTest, EncodingWritesUtcInstantsAndOmitsEmptyOptionalMembers) {
  Command tick{Local("2027-01-05T10:00:00"), PersonId("li.pm"), Tick{}};
  EXPECT_EQ(CommandToJson(tick),
            R"({"at":"2027-01-05T02:00:00+00:00","by":"li.pm","type":"tick"})");
  Command health{Local("2027-01-05T10:00:00"), PersonId("li.pm"),
                 SetHealth{ProjectId("P1"), std::nullopt, ""}};
  EXPECT_EQ(
      CommandToJson(health),
      R"({"at":"2027-01-05T02:00:00+00:00","by":"li.pm","health":"auto","project":"P1","type":"set_health"})");
  Command feedback{Local("2027-01-05T10:00:00"), PersonId("chen.ae"),
                   LogFeedback{FeedbackId("F1"), ProjectId("P1"), MilestoneId(),
                               FeedbackKind::kComplaint, Channel::kPhone, Priority::kHigh, "Slow"}};
  EXPECT_EQ(
      CommandToJson(feedback),
      R"({"at":"2027-01-05T02:00:00+00:00","by":"chen.ae","channel":"phone","id":"F1","kind":"complaint","priority":"high","project":"P1","text":"Slow","type":"log_feedback"})");
}

TEST(CommandsTest, DefaultsOfOptionalMembers) {
  absl::StatusOr<Command> c = ParseCommandJson(
      R"({"at": "2027-01-05T10:00:00", "by": "li.pm", "type": "raise_risk", "id": "R1",
          "project": "P1", "text": "x"})",
      Shanghai());
  ASSERT_TRUE(c.ok()) << c.status();
  const RaiseRisk& risk = std::get<RaiseRisk>(c->payload);
  EXPECT_EQ(risk.severity, RiskSeverity::kMedium);
  EXPECT_TRUE(risk.milestones.empty());
  c = ParseCommandJson(
      R"({"at": "2027-01-05T10:00:00", "by": "chen.ae", "type": "record_renewal",
          "account": "acme"})",
      Shanghai());
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_TRUE(std::get<RecordRenewal>(c->payload).renewed);
  EXPECT_EQ(std::get<RecordRenewal>(c->payload).amount, 0);
  c = ParseCommandJson(
      R"({"at": "2027-01-05T10:00:00", "by": "li.pm", "type": "accept_change", "feedback": "F1",
          "links": [{"milestone": "P1.M3", "depends_on": "P2.M2"}]})",
      Shanghai());
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_EQ(std::get<AcceptChange>(c->payload).links.at(0).lag_days, 0);
}

// --- instants ------------------------------------------------------------------------------

Instant AtOf(const std::string& at, const TimeZone& zone) {
  absl::StatusOr<Command> c =
      ParseCommandJson(absl::StrCat(R"({"at": ")", at, R"(", "by": "x", "type": "tick"})"), zone);
  EXPECT_TRUE(c.ok()) << c.status();
  return c.ok() ? c->at : Instant{};
}

Instant Utc(const std::string& text) { return *ParseInstant(text, *TimeZone::Parse("Z")); }

TEST(CommandsTest, InstantsWithoutOffsetAreReadInTheZone) {
  EXPECT_EQ(AtOf("2027-01-05T10:00:00", Shanghai()), Utc("2027-01-05T02:00:00Z"));
  EXPECT_EQ(AtOf("2027-01-05T10:00", Shanghai()), Utc("2027-01-05T02:00:00Z"));
  const TimeZone cet = *TimeZone::Parse("CET-1CEST,M3.5.0,M10.5.0/3");
  EXPECT_EQ(AtOf("2027-03-29T09:00:00", cet), Utc("2027-03-29T07:00:00Z"));
  EXPECT_EQ(AtOf("2027-03-26T09:00:00", cet), Utc("2027-03-26T08:00:00Z"));
  EXPECT_EQ(AtOf("2027-03-28T02:30:00", cet), Utc("2027-03-28T01:30:00Z"));  // in the gap
  const TimeZone est = *TimeZone::Parse("EST5EDT,M3.2.0,M11.1.0");
  EXPECT_EQ(AtOf("2027-11-07T01:30:00", est), Utc("2027-11-07T05:30:00Z"));  // first of two
  // An offset wins over the zone.
  EXPECT_EQ(AtOf("2027-01-05T10:00:00Z", Shanghai()), Utc("2027-01-05T10:00:00Z"));
  EXPECT_EQ(AtOf("2027-01-05T10:00:00-05:30", Shanghai()), Utc("2027-01-05T15:30:00Z"));
}

TEST(CommandsTest, FractionalSecondsAreDroppedNotRounded) {
  EXPECT_EQ(AtOf("2027-01-05T10:00:00.999+08:00", Shanghai()), Utc("2027-01-05T02:00:00Z"));
  EXPECT_EQ(AtOf("2027-01-05T10:00:59.9999999", Shanghai()), Utc("2027-01-05T02:00:59Z"));
  EXPECT_EQ(AtOf("2027-12-31T23:59:59.5Z", Shanghai()), Utc("2027-12-31T23:59:59Z"));
}

// --- malformed events ----------------------------------------------------------------------

// The error of decoding `json` as event 7 of a file.
absl::Status Error(const std::string& json) {
  absl::StatusOr<Command> c = ParseCommandJson(json, Shanghai(), "/events/7");
  if (c.ok()) return absl::OkStatus();
  EXPECT_EQ(c.status().code(), absl::StatusCode::kInvalidArgument) << c.status();
  return c.status();
}

std::string ErrorOf(const std::string& type_and_payload) {
  return std::string(
      Error(absl::StrCat(R"({"at": "2027-01-05T10:00:00", "by": "li.pm", )", type_and_payload, "}"))
          .message());
}

TEST(CommandsTest, UnknownTypeListsTheKnownOnes) {
  EXPECT_EQ(
      ErrorOf(R"("type": "dance")"),
      R"(/events/7/type: unknown event type "dance" (expected one of: log_feedback, respond_feedback, set_feedback_state, customer_replied, confirm_resolution, reopen_feedback, set_feedback_priority, update_milestone, raise_risk, close_risk, set_health, accept_change, record_cost, set_baseline, close_project, record_csat, log_touchpoint, log_opportunity, record_renewal, tick))");
}

TEST(CommandsTest, UnknownMemberNamesItAndTheAcceptedOnes) {
  EXPECT_EQ(
      ErrorOf(R"("type": "tick", "feedback": "F1")"),
      R"(/events/7/feedback: unknown member "feedback" for tick (expected one of: at, by, type))");
  EXPECT_EQ(
      ErrorOf(R"("type": "log_feedback", "id": "F1", "project": "P1", "kind": "bug",
                 "channel": "im", "priority": "low", "text": "x", "colour": "red")"),
      R"(/events/7/colour: unknown member "colour" for log_feedback (expected one of: at, by, type, id, project, milestone, kind, channel, priority, text))");
  // A member name is escaped as a JSON pointer token (RFC 6901).
  EXPECT_EQ(
      ErrorOf(R"("type": "tick", "a/b~c": 1)"),
      R"(/events/7/a~1b~0c: unknown member "a/b~c" for tick (expected one of: at, by, type))");
  EXPECT_EQ(
      ErrorOf(R"("type": "accept_change", "feedback": "F1",
                 "links": [{"milestone": "P1.M3", "depends_on": "P1.M1", "lag": 1}])"),
      R"(/events/7/links/0/lag: unknown member "lag" (expected one of: milestone, depends_on, lag_days))");
  EXPECT_EQ(
      ErrorOf(R"("type": "accept_change", "feedback": "F1",
                 "new_milestones": [{"id": "P1.M4", "duration_days": 1, "visible": true}])"),
      R"(/events/7/new_milestones/0/visible: unknown member "visible" (expected one of: id, name, duration_days, customer_visible, owner, depends_on))");
}

TEST(CommandsTest, WrongJsonTypeNamesWhatWasFound) {
  EXPECT_EQ(ErrorOf(R"("type": "respond_feedback", "feedback": "F1", "text": 5)"),
            "/events/7/text: must be a string, got an integer");
  EXPECT_EQ(ErrorOf(R"("type": "update_milestone", "milestone": "P1.M1", "status": "done",
                       "percent": "50")"),
            "/events/7/percent: must be an integer, got a string");
  EXPECT_EQ(ErrorOf(R"("type": "update_milestone", "milestone": "P1.M1", "status": "done",
                       "percent": 50.5)"),
            "/events/7/percent: must be an integer, got a number");
  EXPECT_EQ(ErrorOf(R"("type": "update_milestone", "milestone": "P1.M1",
                       "status": "in_progress", "remaining_days": 3000000000)"),
            "/events/7/remaining_days: integer 3000000000 is out of range");
  EXPECT_EQ(ErrorOf(R"("type": "record_renewal", "account": "acme", "renewed": "yes")"),
            "/events/7/renewed: must be true or false, got a string");
  EXPECT_EQ(ErrorOf(R"("type": "raise_risk", "id": "R1", "project": "P1",
                       "milestones": "P1.M1", "text": "x")"),
            "/events/7/milestones: must be an array, got a string");
  EXPECT_EQ(ErrorOf(R"("type": "raise_risk", "id": "R1", "project": "P1",
                       "milestones": ["P1.M1", 2], "text": "x")"),
            "/events/7/milestones/1: must be a string, got an integer");
  EXPECT_EQ(ErrorOf(R"("type": "accept_change", "feedback": "F1",
                       "durations": [{"milestone": "P1.M1", "duration_days": "4"}])"),
            "/events/7/durations/0/duration_days: must be an integer, got a string");
  EXPECT_EQ(ErrorOf(R"("type": "record_cost", "project": "P1", "planned": null)"),
            "/events/7/planned: must be an integer, got null");
  EXPECT_EQ(ErrorOf(R"("type": "close_risk", "risk": "")"),
            "/events/7/risk: must be a non-empty id");
  EXPECT_EQ(std::string(Error(R"([1, 2])").message()),
            "/events/7: must be an object, got an array");
  EXPECT_EQ(std::string(Error(R"({"at": 5, "by": "x", "type": "tick"})").message()),
            "/events/7/at: must be a string, got an integer");
}

TEST(CommandsTest, MissingRequiredMemberNamesTheObject) {
  EXPECT_EQ(ErrorOf(R"("type": "confirm_resolution")"),
            R"(/events/7: missing required member "feedback")");
  EXPECT_EQ(std::string(Error(R"({"by": "li.pm", "type": "tick"})").message()),
            R"(/events/7: missing required member "at")");
  EXPECT_EQ(std::string(Error(R"({"at": "2027-01-05T10:00:00", "type": "tick"})").message()),
            R"(/events/7: missing required member "by")");
  EXPECT_EQ(ErrorOf(R"("type": "accept_change", "feedback": "F1",
                       "durations": [{"milestone": "P1.M1"}])"),
            R"(/events/7/durations/0: missing required member "duration_days")");
}

TEST(CommandsTest, BadEnumValueListsTheAcceptedNames) {
  const std::string feedback =
      R"("type": "log_feedback", "id": "F1", "project": "P1", "text": "x", )";
  EXPECT_EQ(
      ErrorOf(feedback + R"("kind": "rant", "channel": "im", "priority": "low")"),
      R"(/events/7/kind: unknown kind "rant" (expected one of: complaint, change_request, question, bug, praise))");
  EXPECT_EQ(
      ErrorOf(feedback + R"("kind": "bug", "channel": "fax", "priority": "low")"),
      R"(/events/7/channel: unknown channel "fax" (expected one of: meeting, phone, email, im))");
  EXPECT_EQ(
      ErrorOf(feedback + R"("kind": "bug", "channel": "im", "priority": "Low")"),
      R"(/events/7/priority: unknown priority "Low" (expected one of: low, normal, high, urgent))");
  EXPECT_EQ(
      ErrorOf(R"("type": "update_milestone", "milestone": "P1.M1", "status": "finished")"),
      R"(/events/7/status: unknown status "finished" (expected not_started, in_progress, done, blocked))");
  EXPECT_EQ(
      ErrorOf(R"("type": "set_health", "project": "P1", "health": "yellow", "reason": "x")"),
      R"(/events/7/health: unknown health "yellow" (expected one of: green, amber, red) or "auto" to drop the override)");
  EXPECT_EQ(
      ErrorOf(R"("type": "raise_risk", "id": "R1", "project": "P1", "severity": "critical",
                 "text": "x")"),
      R"(/events/7/severity: unknown severity "critical" (expected one of: low, medium, high))");
  EXPECT_EQ(
      ErrorOf(R"("type": "set_feedback_state", "feedback": "F1", "state": "paused")"),
      R"(/events/7/state: unknown state "paused" (expected one of: new, acknowledged, in_progress, waiting_on_customer, resolved, closed))");
}

TEST(CommandsTest, FeedbackStatesThePmMayNotSetAreRejected) {
  for (const char* state : {"closed", "new", "acknowledged"}) {
    EXPECT_EQ(
        ErrorOf(absl::StrCat(R"("type": "set_feedback_state", "feedback": "F1", "state": ")", state,
                             R"(")")),
        absl::StrCat(R"(/events/7/state: state ")", state,
                     R"(" cannot be set (expected in_progress, waiting_on_customer, resolved))"));
  }
}

TEST(CommandsTest, BadInstantNamesTheTextAndTheReason) {
  auto at = [](const std::string& text) {
    return std::string(
        Error(absl::StrCat(R"({"at": ")", text, R"(", "by": "li.pm", "type": "tick"})")).message());
  };
  EXPECT_EQ(at("2027-01-05T24:00:00"),
            R"(/events/7/at: instant "2027-01-05T24:00:00": hour 24 is out of range (00-23))");
  EXPECT_EQ(
      at("2027-01-05T10:00:60"),
      R"(/events/7/at: instant "2027-01-05T10:00:60": second 60 is out of range (00-59; no leap seconds))");
  EXPECT_EQ(
      at("2027-01-05T10:00:00.+08:00"),
      R"(/events/7/at: instant "2027-01-05T10:00:00.+08:00": a '.' after the seconds needs at least one digit)");
  EXPECT_EQ(
      at("2027-01-05T10:00:00+24:00"),
      R"(/events/7/at: instant "2027-01-05T10:00:00+24:00": offset "+24:00" is out of range (at most 23:59))");
  // The layout and the date's own reasons come from ParseInstant / ParseIsoDate; check the
  // location and the text.
  for (const char* text :
       {"2027-01-05 10:00", "2027-02-30T10:00:00", "yesterday", "2027-01-05T10:00:00 +08:00"}) {
    EXPECT_THAT(at(text),
                ::testing::StartsWith(absl::StrCat(R"(/events/7/at: instant ")", text, R"(": )")));
  }
}

TEST(CommandsTest, ArrayErrorsNameTheEventIndex) {
  absl::StatusOr<std::vector<Command>> c = ParseCommandsJson(
      R"([{"at": "2027-01-05T10:00:00", "by": "li.pm", "type": "tick"},
          {"at": "2027-01-05T10:00:00", "by": "li.pm", "type": "tock"}])",
      Shanghai());
  ASSERT_FALSE(c.ok());
  EXPECT_THAT(std::string(c.status().message()),
              ::testing::StartsWith(R"(/events/1/type: unknown event type "tock")"));
  c = ParseCommandsJson(R"({"at": "x"})", Shanghai());
  EXPECT_EQ(c.status().message(), "/events: must be an array, got an object");
  c = ParseCommandsJson("[", Shanghai());
  EXPECT_EQ(c.status().message(), "/events: invalid JSON");
  absl::StatusOr<Command> one = ParseCommandJson("{", Shanghai(), "/events/3");
  EXPECT_EQ(one.status().message(), "/events/3: invalid JSON");
}

// --- errors of Workspace::Apply: the field they are about -----------------------------------

std::string FieldOf(const absl::Status& s) {
  return std::string(s.GetPayload(kErrorFieldPayload).value_or(absl::Cord()));
}

TEST(CommandsTest, ApplyErrorsCarryTheFieldTheyAreAbout) {
  auto ws = testing::MakeWorkspace();
  auto apply = [&](const std::string& json) { return ws->Apply(testing::Event(json)); };
  ASSERT_TRUE(apply(R"({"at": "2027-01-05T10:00:00", "by": "li.pm", "type": "tick"})").ok());

  absl::Status s = apply(R"({"at": "2027-01-05T09:00:00", "by": "li.pm", "type": "tick"})");
  EXPECT_EQ(s.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(FieldOf(s), "at");
  EXPECT_EQ(
      s.message(),
      R"(tick by "li.pm": at 2027-01-05T09:00:00+08:00 is earlier than the last applied 2027-01-05T10:00:00+08:00)");

  s = apply(R"({"at": "2027-01-05T10:00:00", "by": "ghost", "type": "tick"})");
  EXPECT_EQ(s.code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(FieldOf(s), "by");
  EXPECT_EQ(s.message(), R"(tick by "ghost": by: person "ghost": unknown id)");

  s = apply(R"({"at": "2027-01-05T10:00:00", "by": "li.pm", "type": "update_milestone",
                "milestone": "P1.M9", "status": "done"})");
  EXPECT_EQ(s.code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(FieldOf(s), "milestone");
  EXPECT_EQ(s.message(),
            R"(update_milestone by "li.pm": milestone: milestone "P1.M9": unknown id)");

  s = apply(R"({"at": "2027-01-05T10:00:00", "by": "li.pm", "type": "raise_risk", "id": "R1",
                "project": "P1", "milestones": ["P1.M1", "P9.M1"], "text": "x"})");
  EXPECT_EQ(s.code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(FieldOf(s), "milestones/1");

  s = apply(R"({"at": "2027-01-05T10:00:00", "by": "chen.ae", "type": "log_feedback",
                "id": "F1", "project": "P1", "milestone": "P2.M1", "kind": "bug",
                "channel": "im", "priority": "low", "text": "x"})");
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(FieldOf(s), "milestone");
  EXPECT_EQ(s.message(),
            R"(log_feedback by "chen.ae": milestone: milestone "P2.M1" is not in project "P1")");

  s = apply(R"({"at": "2027-01-05T10:00:00", "by": "chen.ae", "type": "record_csat",
                "project": "P1", "score": 6})");
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(FieldOf(s), "score");
  EXPECT_EQ(s.message(), R"(record_csat by "chen.ae": score: 6 is outside 1..5)");

  s = apply(R"({"at": "2027-01-05T10:00:00", "by": "li.pm", "type": "record_cost",
                "project": "P1", "planned": -1})");
  EXPECT_EQ(FieldOf(s), "planned");

  s = apply(R"({"at": "2027-01-05T10:00:00", "by": "li.pm", "type": "close_risk",
                "risk": "R9"})");
  EXPECT_EQ(s.code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(FieldOf(s), "risk");

  // Who may send it and in which state are not about one field.
  s = apply(R"({"at": "2027-01-05T10:00:00", "by": "wu.ae", "type": "record_csat",
                "project": "P1", "score": 3})");
  EXPECT_EQ(s.code(), absl::StatusCode::kPermissionDenied);
  EXPECT_EQ(FieldOf(s), "");
  EXPECT_EQ(
      s.message(),
      R"(record_csat by "wu.ae": project "P1": person "wu.ae" (ae) may not record_csat: only the AE of the project's account may)");
  EXPECT_EQ(ws->last_instant(), testing::At("2027-01-05T10:00:00"));
}

// An unknown feedback id is about the event's `feedback` member, as an unknown milestone is
// about `milestone`, so `handoff run` can print /events/N/feedback.
TEST(CommandsTest, UnknownFeedbackNamesTheFeedbackField) {
  auto ws = testing::MakeWorkspace();
  absl::Status s = ws->Apply(testing::Event(
      R"({"at": "2027-01-05T10:00:00", "by": "li.pm", "type": "respond_feedback",
          "feedback": "F9", "text": "x"})"));
  EXPECT_EQ(s.code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(FieldOf(s), "feedback");
}

// A report the portfolio rejects names its field (`percent`), and a rejected change names the
// field within the change (`durations/0/milestone`), as portfolio.h documents.
TEST(CommandsTest, PortfolioRejectionsNameTheirField) {
  auto ws = testing::MakeWorkspace();
  absl::Status s = ws->Apply(testing::Event(
      R"({"at": "2027-01-05T10:00:00", "by": "li.pm", "type": "update_milestone",
          "milestone": "P1.M1", "status": "in_progress", "percent": 150})"));
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(FieldOf(s), "percent");
  ASSERT_TRUE(ws->Apply(testing::Event(R"({"at": "2027-01-05T10:00:00", "by": "chen.ae",
      "type": "log_feedback", "id": "F1", "project": "P1", "kind": "change_request",
      "channel": "im", "priority": "low", "text": "x"})"))
                  .ok());
  s = ws->Apply(testing::Event(
      R"({"at": "2027-01-05T10:00:00", "by": "li.pm", "type": "accept_change", "feedback": "F1",
          "durations": [{"milestone": "P1.M9", "duration_days": 2}]})"));
  EXPECT_EQ(s.code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(FieldOf(s), "durations/0/milestone");
}

// --- SLA policies --------------------------------------------------------------------------

std::string PolicyError(const std::string& json) {
  absl::StatusOr<std::vector<SlaPolicy>> p = ParseSlaPoliciesJson(json);
  if (p.ok()) return "ok";
  EXPECT_EQ(p.status().code(), absl::StatusCode::kInvalidArgument) << p.status();
  return std::string(p.status().message());
}

TEST(CommandsTest, SlaPolicyErrorsNameThePointerAndTheReason) {
  EXPECT_EQ(PolicyError(R"([{"match": {"kinds": []}}])"),
            "/sla_policies/0/match/kinds: is empty; leave the list out to match anything");
  EXPECT_EQ(PolicyError(R"([{}, {"match": {"priorities": []}}])"),
            "/sla_policies/1/match/priorities: is empty; leave the list out to match anything");
  EXPECT_EQ(PolicyError(R"([{"match": {"tiers": []}}])"),
            "/sla_policies/0/match/tiers: is empty; leave the list out to match anything");
  EXPECT_EQ(
      PolicyError(R"([{"match": {"kinds": ["bug", "rant"]}}])"),
      R"(/sla_policies/0/match/kinds/1: unknown kind "rant" (expected one of: complaint, change_request, question, bug, praise))");
  EXPECT_EQ(PolicyError(R"([{"first_response_minutes": 0}])"),
            "/sla_policies/0/first_response_minutes: first_response_minutes 0 must be at least 1");
  EXPECT_EQ(PolicyError(R"([{"resolution_minutes": -5}])"),
            "/sla_policies/0/resolution_minutes: resolution_minutes -5 must be at least 1");
  EXPECT_EQ(PolicyError(R"([{"warn_at_percent": 0}])"),
            "/sla_policies/0/warn_at_percent: warn_at_percent 0 is outside 1..100");
  EXPECT_EQ(PolicyError(R"([{"warn_at_percent": 101}])"),
            "/sla_policies/0/warn_at_percent: warn_at_percent 101 is outside 1..100");
  EXPECT_EQ(PolicyError(R"([{"warn_at_percent": 1}, {"warn_at_percent": 100}])"), "ok");
  EXPECT_EQ(PolicyError(R"([{"escalation": [{"after_minutes": 0, "to": "a"},
                                           {"after_minutes": -1, "to": "b"}]}])"),
            "/sla_policies/0/escalation/1/after_minutes: after_minutes -1 must not be negative");
  EXPECT_EQ(PolicyError(R"([{"escalation": [{"after_minutes": 5}]}])"),
            R"(/sla_policies/0/escalation/0: missing required member "to")");
  EXPECT_EQ(
      PolicyError(R"([{"warn_percent": 50}])"),
      R"(/sla_policies/0/warn_percent: unknown member "warn_percent" (expected one of: name, match, first_response_minutes, resolution_minutes, warn_at_percent, escalation))");
  EXPECT_EQ(
      PolicyError(R"([{"match": {"kind": ["bug"]}}])"),
      R"(/sla_policies/0/match/kind: unknown member "kind" (expected one of: kinds, priorities, tiers))");
  EXPECT_EQ(PolicyError(R"([{"first_response_minutes": "120"}])"),
            "/sla_policies/0/first_response_minutes: must be an integer, got a string");
  EXPECT_EQ(PolicyError(R"({})"), "/sla_policies: must be an array, got an object");
}

TEST(CommandsTest, SlaPoliciesRoundTripWithTheirDefaults) {
  absl::StatusOr<std::vector<SlaPolicy>> p = ParseSlaPoliciesJson(
      R"([{"name": "urgent", "match": {"kinds": ["complaint"], "priorities": ["urgent", "high"],
                                       "tiers": ["gold"]},
           "first_response_minutes": 120, "resolution_minutes": 960, "warn_at_percent": 75,
           "escalation": [{"after_minutes": 0, "to": "zhao.lead"},
                          {"after_minutes": 60, "to": "qian.lead"}]},
          {"resolution_minutes": 2400}])");
  ASSERT_TRUE(p.ok()) << p.status();
  ASSERT_EQ(p->size(), 2u);
  const SlaPolicy& second = (*p)[1];
  EXPECT_EQ(second.name, "");
  EXPECT_FALSE(second.match.kinds.has_value());
  EXPECT_FALSE(second.match.priorities.has_value());
  EXPECT_FALSE(second.match.tiers.has_value());
  EXPECT_FALSE(second.first_response_minutes.has_value());
  EXPECT_EQ(second.warn_at_percent, 80);
  EXPECT_TRUE(second.escalation.empty());
  absl::StatusOr<std::vector<SlaPolicy>> back = ParseSlaPoliciesJson(SlaPoliciesToJson(*p));
  ASSERT_TRUE(back.ok()) << back.status();
  ASSERT_EQ(back->size(), 2u);
  for (size_t i = 0; i < 2; ++i) {
    const SlaPolicy& a = (*p)[i];
    const SlaPolicy& b = (*back)[i];
    EXPECT_EQ(a.name, b.name);
    EXPECT_EQ(a.match.kinds, b.match.kinds);
    EXPECT_EQ(a.match.priorities, b.match.priorities);
    EXPECT_EQ(a.match.tiers, b.match.tiers);
    EXPECT_EQ(a.first_response_minutes, b.first_response_minutes);
    EXPECT_EQ(a.resolution_minutes, b.resolution_minutes);
    EXPECT_EQ(a.warn_at_percent, b.warn_at_percent);
    ASSERT_EQ(a.escalation.size(), b.escalation.size());
    for (size_t k = 0; k < a.escalation.size(); ++k) {
      EXPECT_EQ(a.escalation[k].after_minutes, b.escalation[k].after_minutes);
      EXPECT_EQ(a.escalation[k].to, b.escalation[k].to);
    }
  }
  // Matching: a missing list matches anything; a tiers list never matches an account without
  // a tier.
  EXPECT_TRUE(SlaMatches((*p)[0], FeedbackKind::kComplaint, Priority::kHigh, "gold"));
  EXPECT_FALSE(SlaMatches((*p)[0], FeedbackKind::kComplaint, Priority::kHigh, ""));
  EXPECT_FALSE(SlaMatches((*p)[0], FeedbackKind::kComplaint, Priority::kNormal, "gold"));
  EXPECT_TRUE(SlaMatches((*p)[1], FeedbackKind::kPraise, Priority::kLow, ""));
}

// The fixture with its `sla_policies` or a `routing` section replaced.
std::string ScenarioWith(const std::string& policies, const std::string& routing = "{}") {
  std::string json = testing::kTwoAccounts;
  const size_t at = json.find(R"("sla_policies")");
  return absl::StrCat(json.substr(0, at), R"("sla_policies": )", policies, R"(, "routing": )",
                      routing, "}");
}

absl::Status CreateError(const std::string& json) {
  absl::StatusOr<Scenario> sc = ParseScenario(json);
  EXPECT_TRUE(sc.ok()) << sc.status();
  if (!sc.ok()) return sc.status();
  absl::StatusOr<std::unique_ptr<Workspace>> ws = Workspace::Create(*sc);
  return ws.status();
}

TEST(CommandsTest, WorkspaceRejectsUnknownEscalationAndDigestPeople) {
  EXPECT_TRUE(CreateError(ScenarioWith("[]")).ok());
  absl::Status s = CreateError(ScenarioWith(
      R"([{}, {"escalation": [{"after_minutes": 0, "to": "zhao.lead"},
                               {"after_minutes": 30, "to": "nobody"}]}])"));
  EXPECT_EQ(s.code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(s.message(), R"(/sla_policies/1/escalation/1/to: person "nobody": unknown id)");
  // Parse errors of the sections come through Create with their pointers.
  s = CreateError(ScenarioWith(R"([{"warn_at_percent": 101}])"));
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(s.message(), "/sla_policies/0/warn_at_percent: warn_at_percent 101 is outside 1..100");
  s = CreateError(ScenarioWith("[]", R"({"digests": [{"to": "ghost"}]})"));
  EXPECT_EQ(s.code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(s.message(), R"(/routing/digests/0/to: person "ghost": unknown id)");
  s = CreateError(ScenarioWith("[]", R"({"digests": [{"to": "chen.ae", "window_minutes": 0}]})"));
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(s.message(), "/routing/digests/0/window_minutes: must be at least 1");
}

// --- routing options -----------------------------------------------------------------------

std::string RoutingError(const std::string& json) {
  absl::StatusOr<RoutingOptions> r = ParseRoutingJson(json);
  if (r.ok()) return "ok";
  EXPECT_EQ(r.status().code(), absl::StatusCode::kInvalidArgument) << r.status();
  return std::string(r.status().message());
}

TEST(CommandsTest, RoutingErrorsNameThePointerAndTheReason) {
  EXPECT_EQ(RoutingError("{}"), "ok");
  EXPECT_EQ(RoutingError(R"({"digests": []})"), "ok");
  EXPECT_EQ(RoutingError(R"({"digest": []})"),
            R"(/routing/digest: unknown member "digest" (expected one of: digests))");
  EXPECT_EQ(RoutingError(R"({"digests": {}})"),
            "/routing/digests: must be an array, got an object");
  EXPECT_EQ(RoutingError(R"({"digests": [{"window_minutes": 5}]})"),
            R"(/routing/digests/0: missing required member "to")");
  EXPECT_EQ(RoutingError(R"({"digests": [{"to": ""}]})"),
            "/routing/digests/0/to: must be a non-empty id");
  EXPECT_EQ(RoutingError(R"({"digests": [{"to": "a"}, {"to": "b", "window_minutes": 0}]})"),
            "/routing/digests/1/window_minutes: must be at least 1");
  EXPECT_EQ(RoutingError(R"({"digests": [{"to": "a", "window_minutes": "60"}]})"),
            "/routing/digests/0/window_minutes: must be an integer, got a string");
  EXPECT_EQ(
      RoutingError(R"({"digests": [{"to": "a", "every": 5}]})"),
      R"(/routing/digests/0/every: unknown member "every" (expected one of: to, window_minutes))");
  EXPECT_EQ(RoutingError("[]"), "/routing: must be an object, got an array");
  absl::StatusOr<RoutingOptions> r =
      ParseRoutingJson(R"({"digests": [{"to": "a"}, {"to": "b", "window_minutes": 15}]})");
  ASSERT_TRUE(r.ok());
  ASSERT_EQ(r->digests.size(), 2u);
  EXPECT_EQ(r->digests[0].to, PersonId("a"));
  EXPECT_EQ(r->digests[0].window_minutes, 60);  // default
  EXPECT_EQ(r->digests[1].window_minutes, 15);
}

}  // namespace
}  // namespace handoff
