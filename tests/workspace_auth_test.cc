// Who may send what (spec SCENARIO.md "Events"): every command type against every role, on a
// fresh workspace each time.
#include <map>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "tests/support/workspace_fixture.h"

namespace handoff {
namespace {

using testing::Event;
using testing::MakeWorkspace;

// Brings F1 (a change request on P1.M2, assignee qian.lead), F3 (resolved), F4 (waiting on the
// customer) and risk R1 into being, by the people entitled to.
const char* const kSetup[] = {
    R"({"at": "2027-01-05T09:00:00", "by": "chen.ae", "type": "log_feedback", "id": "F1",
        "project": "P1", "milestone": "P1.M2", "kind": "change_request", "channel": "meeting",
        "priority": "normal", "text": "Add SSO"})",
    R"({"at": "2027-01-05T09:01:00", "by": "chen.ae", "type": "log_feedback", "id": "F3",
        "project": "P1", "kind": "question", "channel": "email", "priority": "low",
        "text": "Where are the docs?"})",
    R"({"at": "2027-01-05T09:02:00", "by": "li.pm", "type": "set_feedback_state",
        "feedback": "F3", "state": "resolved"})",
    R"({"at": "2027-01-05T09:03:00", "by": "chen.ae", "type": "log_feedback", "id": "F4",
        "project": "P1", "kind": "bug", "channel": "im", "priority": "high",
        "text": "Crash on login"})",
    R"({"at": "2027-01-05T09:04:00", "by": "li.pm", "type": "set_feedback_state",
        "feedback": "F4", "state": "waiting_on_customer"})",
    R"({"at": "2027-01-05T09:05:00", "by": "li.pm", "type": "raise_risk", "id": "R1",
        "project": "P1", "milestones": ["P1.M2"], "severity": "medium",
        "text": "Vendor API late"})",
};

struct Cell {
  const char* body;  // the event without at/by
  std::set<std::string> allowed;
};

const std::map<std::string, Cell>& Commands() {
  static const auto* cells = new std::map<std::string, Cell>{
      {"log_feedback",
       {R"("type": "log_feedback", "id": "F9", "project": "P1", "kind": "question",
           "channel": "phone", "priority": "low", "text": "?")",
        {"chen.ae"}}},
      {"respond_feedback",
       {R"("type": "respond_feedback", "feedback": "F1", "text": "On it")",
        {"li.pm", "qian.lead"}}},
      {"set_feedback_state",
       {R"("type": "set_feedback_state", "feedback": "F1", "state": "in_progress")",
        {"li.pm", "qian.lead"}}},
      {"customer_replied",
       {R"("type": "customer_replied", "feedback": "F4", "text": "logs attached")", {"chen.ae"}}},
      {"confirm_resolution", {R"("type": "confirm_resolution", "feedback": "F3")", {"chen.ae"}}},
      {"reopen_feedback",
       {R"("type": "reopen_feedback", "feedback": "F3", "text": "not found")", {"chen.ae"}}},
      {"set_feedback_priority",
       {R"("type": "set_feedback_priority", "feedback": "F1", "priority": "urgent")",
        {"li.pm", "qian.lead", "chen.ae"}}},
      {"update_milestone",
       {R"("type": "update_milestone", "milestone": "P1.M1", "status": "in_progress")", {"li.pm"}}},
      {"raise_risk",
       {R"("type": "raise_risk", "id": "R9", "project": "P1", "milestones": ["P1.M1"],
           "text": "x")",
        {"li.pm"}}},
      {"close_risk", {R"("type": "close_risk", "risk": "R1")", {"li.pm"}}},
      {"set_health",
       {R"("type": "set_health", "project": "P1", "health": "red", "reason": "staffing")",
        {"li.pm"}}},
      {"accept_change",
       {R"("type": "accept_change", "feedback": "F1",
           "durations": [{"milestone": "P1.M2", "duration_days": 6}])",
        {"li.pm", "qian.lead"}}},
      {"record_cost",
       {R"("type": "record_cost", "project": "P1", "planned": 100, "actual": 120)", {"li.pm"}}},
      {"set_baseline", {R"("type": "set_baseline", "project": "P1")", {"li.pm"}}},
      {"close_project",
       {R"("type": "close_project", "project": "P1", "lessons": "start earlier")", {"li.pm"}}},
      {"record_csat", {R"("type": "record_csat", "project": "P1", "score": 4)", {"chen.ae"}}},
      {"log_touchpoint",
       {R"("type": "log_touchpoint", "account": "acme", "channel": "meeting", "text": "QBR")",
        {"chen.ae"}}},
      {"log_opportunity",
       {R"("type": "log_opportunity", "id": "O1", "account": "acme", "amount": 5000)",
        {"chen.ae"}}},
      {"record_renewal",
       {R"("type": "record_renewal", "account": "acme", "renewed": true, "amount": 9000)",
        {"chen.ae"}}},
      {"tick",
       {R"("type": "tick")", {"li.pm", "chen.ae", "qian.lead", "sun.pm", "wu.ae", "zhao.lead"}}},
  };
  return *cells;
}

TEST(WorkspaceAuthTest, EveryRoleAgainstEveryCommand) {
  // li.pm: PM of P1; chen.ae: AE of P1's account; qian.lead: owner of P1.M2, so F1's assignee;
  // sun.pm and wu.ae: PM and AE of the other account; zhao.lead: an escalation lead.
  const std::vector<std::string> actors = {"li.pm",  "chen.ae", "qian.lead",
                                           "sun.pm", "wu.ae",   "zhao.lead"};
  ASSERT_EQ(Commands().size(), 20u);  // every event type of SCENARIO.md
  int cells = 0;
  for (const auto& [type, cell] : Commands()) {
    for (const std::string& actor : actors) {
      auto ws = MakeWorkspace();
      for (const char* e : kSetup) ASSERT_TRUE(ws->Apply(Event(e)).ok()) << e;
      const std::string json =
          absl::StrCat(R"({"at": "2027-01-05T10:00:00", "by": ")", actor, R"(", )", cell.body, "}");
      absl::Status s = ws->Apply(Event(json));
      ++cells;
      if (cell.allowed.count(actor)) {
        EXPECT_TRUE(s.ok()) << type << " by " << actor << ": " << s;
      } else {
        EXPECT_EQ(s.code(), absl::StatusCode::kPermissionDenied) << type << " by " << actor;
        // The message names the actor, the role and the entity.
        EXPECT_NE(std::string(s.message()).find(absl::StrCat("person \"", actor, "\" (")),
                  std::string::npos)
            << s;
      }
    }
  }
  EXPECT_EQ(cells, 120);
}

}  // namespace
}  // namespace handoff
