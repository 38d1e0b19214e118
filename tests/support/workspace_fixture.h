// A small two-account portfolio for workspace tests, with the lunch-break calendar of the spec
// (09:00-12:00, 13:00-18:00, +08:00, Sat/Sun weekend, 2027-01-01 holiday) and one SLA policy:
// complaints of high or urgent priority get 120 minutes to a first response and 960 to a
// resolution, a warning at 80%, and an escalation to zhao.lead 60 minutes after a breach.
//
// 2027-01-05 is a Tuesday.
#ifndef HANDOFF_TESTS_SUPPORT_WORKSPACE_FIXTURE_H_
#define HANDOFF_TESTS_SUPPORT_WORKSPACE_FIXTURE_H_

#include <memory>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "handoff/commands.h"
#include "handoff/scenario.h"
#include "handoff/workspace.h"

namespace handoff::testing {

inline const char kTwoAccounts[] = R"({
  "format": "handoff-scenario/1",
  "calendar": {"weekend": ["Sat", "Sun"], "holidays": ["2027-01-01"],
               "hours": ["09:00-12:00", "13:00-18:00"], "timezone": "+08:00"},
  "people": [{"id": "li.pm", "role": "pm"}, {"id": "sun.pm", "role": "pm"},
             {"id": "chen.ae", "role": "ae"}, {"id": "wu.ae", "role": "ae"},
             {"id": "zhao.lead", "role": "lead"}, {"id": "qian.lead", "role": "lead"}],
  "accounts": [{"id": "acme", "tier": "gold", "ae": "chen.ae"},
               {"id": "beta", "tier": "silver", "ae": "wu.ae"}],
  "projects": [
    {"id": "P1", "account": "acme", "pm": "li.pm", "start": "2027-01-11", "milestones": [
      {"id": "P1.M1", "duration_days": 3},
      {"id": "P1.M2", "duration_days": 5, "owner": "qian.lead",
       "depends_on": [{"id": "P1.M1"}]},
      {"id": "P1.M3", "duration_days": 0, "customer_visible": true,
       "depends_on": [{"id": "P1.M2"}]}]},
    {"id": "P2", "account": "beta", "pm": "sun.pm", "start": "2027-01-11", "milestones": [
      {"id": "P2.M1", "duration_days": 2, "depends_on": [{"id": "P1.M1"}]},
      {"id": "P2.M2", "duration_days": 1, "customer_visible": true,
       "depends_on": [{"id": "P2.M1"}]}]}],
  "sla_policies": [{"name": "urgent complaints",
                    "match": {"kinds": ["complaint"], "priorities": ["urgent", "high"]},
                    "first_response_minutes": 120, "resolution_minutes": 960,
                    "warn_at_percent": 80,
                    "escalation": [{"after_minutes": 60, "to": "zhao.lead"}]}]
})";

inline std::unique_ptr<Workspace> MakeWorkspace(const std::string& json = kTwoAccounts) {
  absl::StatusOr<Scenario> sc = ParseScenario(json);
  EXPECT_TRUE(sc.ok()) << sc.status();
  absl::StatusOr<std::unique_ptr<Workspace>> ws = Workspace::Create(*sc);
  EXPECT_TRUE(ws.ok()) << ws.status();
  return std::move(ws).value();
}

// Parses one event object (local instants in +08:00).
inline Command Event(const std::string& json) {
  absl::StatusOr<Command> c = ParseCommandJson(json, *TimeZone::Parse("+08:00"));
  EXPECT_TRUE(c.ok()) << c.status() << " in " << json;
  return c.ok() ? *c : Command{};
}

inline Instant At(const std::string& local) {
  return *ParseInstant(local, *TimeZone::Parse("+08:00"));
}

// Collects every delivered message as its JSON line.
struct Recorder {
  std::vector<Message> messages;
  void Attach(Workspace& ws) {
    ws.AddSink([this](const Message& m) { messages.push_back(m); });
  }
  std::vector<std::string> Lines(const TimeZone& zone) const {
    std::vector<std::string> out;
    for (const Message& m : messages) out.push_back(MessageToJson(m, zone));
    return out;
  }
};

}  // namespace handoff::testing

#endif  // HANDOFF_TESTS_SUPPORT_WORKSPACE_FIXTURE_H_
