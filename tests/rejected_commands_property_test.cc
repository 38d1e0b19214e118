// Property (fixed seed): a command that Apply rejects changes nothing a host can observe
// (DESIGN.md "Validate, then commit"; issue 3: "on error ... nothing changes (state, outbox,
// timers)").
//
// The bundled demo scenario's events, plus one valid event of each kind it lacks, are applied
// to two workspaces in lockstep. Before each event, workspace A also gets mutants of it: a
// member deleted, given a value of another type or out of range, another actor, another type,
// an earlier instant, another or an unknown id. After each mutant that decodes and is rejected,
// A must equal B in everything a host can read: every person's pending messages, the next
// wakeup, the last instant, every feedback item, every project's health, the whole schedule,
// the journal and the messages its sinks got. A mutant that is accepted (a valid variation)
// makes A diverge, so A is then rebuilt from B's history. At the end A's sinks have seen exactly
// B's messages, and both journals replay to them.
#include <cstdio>
#include <map>
#include <memory>
#include <optional>
#include <random>
#include <set>
#include <sstream>
#include <string>
#include <utility>
#include <variant>
#include <vector>

#include "gtest/gtest.h"
#include "handoff/handoff.h"
#include "nlohmann/json.hpp"
#include "tests/support/workspace_fixture.h"

namespace handoff {
namespace {

using nlohmann::json;

// Valid events of the kinds the demo lacks, after its last event (2027-01-14T17:00+08:00).
const char kMoreEvents[] = R"([
  {"at": "2027-01-15T09:00:00+08:00", "by": "chen.ae", "type": "set_feedback_priority",
   "feedback": "F5", "priority": "normal"},
  {"at": "2027-01-15T09:10:00+08:00", "by": "li.pm", "type": "record_cost", "project": "P1",
   "planned": 1000, "actual": 1200, "note": "design overrun"},
  {"at": "2027-01-15T09:20:00+08:00", "by": "chen.ae", "type": "record_csat", "project": "P1",
   "score": 4, "comment": "good workshops"},
  {"at": "2027-01-15T09:30:00+08:00", "by": "chen.ae", "type": "log_touchpoint",
   "account": "acme", "channel": "phone", "text": "Weekly check-in"},
  {"at": "2027-01-15T09:40:00+08:00", "by": "chen.ae", "type": "log_opportunity", "id": "O1",
   "account": "acme", "amount": 50000, "text": "Loyalty app phase 2"},
  {"at": "2027-01-15T09:50:00+08:00", "by": "wang.ae", "type": "record_renewal",
   "account": "blueriver", "renewed": true, "amount": 80000},
  {"at": "2027-01-15T10:00:00+08:00", "by": "zhou.pm", "type": "close_project", "project": "P3",
   "lessons": "Book the penetration testers early"},
  {"at": "2027-01-20T09:00:00+08:00", "by": "li.pm", "type": "tick"}
])";

// Every command type's name, from the library (CommandTypeName over CommandPayload).
template <size_t... I>
std::vector<std::string> TypeNames(std::index_sequence<I...>) {
  std::vector<std::string> names;
  (
      [&] {
        Command c;
        c.payload.emplace<I>();
        names.emplace_back(CommandTypeName(c));
      }(),
      ...);
  return names;
}
const std::vector<std::string> kTypes =
    TypeNames(std::make_index_sequence<std::variant_size_v<CommandPayload>>());

// Everything a host can read from a workspace.
struct Observed {
  std::map<std::string, std::vector<std::string>> pending;  // by person: JSON lines
  std::optional<Instant> wakeup, last;
  std::map<std::string, std::string> feedback;  // by id: its view, or "absent"
  std::map<std::string, std::string> health;    // by project
  std::vector<MilestoneSchedule> schedule;
  std::vector<std::string> journal;
  size_t delivered = 0;  // messages the sinks got
  friend bool operator==(const Observed&, const Observed&) = default;
};

std::string FeedbackText(const absl::StatusOr<FeedbackView>& f, const TimeZone& zone) {
  if (!f.ok()) return std::string(absl::StatusCodeToString(f.status().code()));
  std::ostringstream out;
  out << f->id << " " << f->project << " " << f->milestone << " " << FeedbackStateName(f->state)
      << " " << PriorityName(f->priority) << " " << f->assignee << " " << f->policy;
  for (int c = 0; c < 2; ++c) {
    out << " " << f->used_seconds[c] << " "
        << (f->due[c] ? FormatInstant(*f->due[c], zone) : std::string("-")) << " "
        << (f->breached[c] ? "breached" : "-");
  }
  return out.str();
}

// A workspace with its journal and the messages its sinks got.
struct Host {
  std::unique_ptr<Workspace> ws;
  std::shared_ptr<MemoryJournal> journal = std::make_shared<MemoryJournal>();
  testing::Recorder recorder;

  explicit Host(const Scenario& scenario) {
    absl::StatusOr<std::unique_ptr<Workspace>> w = Workspace::Create(scenario);
    EXPECT_TRUE(w.ok()) << w.status();
    ws = *std::move(w);
    ws->AttachJournal(journal);
    recorder.Attach(*ws);
  }

  Observed Observe(const std::vector<std::string>& people,
                   const std::vector<std::string>& feedback_ids) const {
    Observed o;
    const TimeZone& zone = ws->time_zone();
    for (const std::string& p : people) {
      for (const Message& m : ws->Pending(PersonId(p))) {
        o.pending[p].push_back(MessageToJson(m, zone));
      }
    }
    o.wakeup = ws->NextWakeup();
    o.last = ws->last_instant();
    for (const std::string& f : feedback_ids) {
      o.feedback[f] = FeedbackText(ws->GetFeedback(FeedbackId(f)), zone);
    }
    for (const ProjectId& p : ws->portfolio().ProjectIds()) {
      absl::StatusOr<Health> h = ws->GetHealth(p);
      o.health[p.value()] = h.ok() ? std::string(HealthName(*h)) : "?";
    }
    o.schedule = ws->portfolio().Schedule();
    o.journal = journal->records();
    o.delivered = recorder.messages.size();
    return o;
  }
};

// A value of another type, out of range, or malformed.
json OddValue(std::mt19937& rng) {
  static const std::vector<json> kValues = {nullptr,
                                            true,
                                            false,
                                            -1,
                                            0,
                                            101,
                                            100001,
                                            -9223372036854775807LL - 1,
                                            9223372036854775807LL,
                                            1e300,
                                            2.5,
                                            "",
                                            "x",
                                            "unknown-value",
                                            "2027-02-30",
                                            "2027-01-15T25:00:00+08:00",
                                            "9999-12-31",
                                            "9999-12-31T23:59:59+08:00",
                                            json::array(),
                                            json::array({1, 2}),
                                            json::object(),
                                            json::object({{"id", 7}})};
  return kValues[rng() % kValues.size()];
}

// One mutant of `event` (a JSON object).
json Mutate(json event, std::mt19937& rng, const std::vector<std::string>& people,
            const std::vector<std::string>& ids) {
  std::vector<std::string> keys;
  for (auto it = event.begin(); it != event.end(); ++it) keys.push_back(it.key());
  const std::string key = keys[rng() % keys.size()];
  switch (rng() % 7) {
    case 0:
      event.erase(key);
      break;
    case 1:
      event[key] = OddValue(rng);
      break;
    case 2: {  // another actor, or nobody known
      const size_t i = rng() % (people.size() + 1);
      event["by"] = i < people.size() ? people[i] : "ghost.pm";
      break;
    }
    case 3:
      event["type"] = kTypes[rng() % kTypes.size()];
      break;
    case 4:  // before the scenario (and so before the last applied instant)
      event["at"] = "2027-01-01T09:00:00+08:00";
      break;
    case 5: {  // an id member names another entity, or none
      for (const char* member : {"feedback", "project", "milestone", "risk", "account", "id"}) {
        if (!event.contains(member)) continue;
        const size_t i = rng() % (ids.size() + 1);
        event[member] = i < ids.size() ? ids[i] : "NOPE";
        break;
      }
      break;
    }
    default:  // an extra member of any name and value
      event["extra_" + std::to_string(rng() % 3)] = OddValue(rng);
      break;
  }
  return event;
}

TEST(RejectedCommandsPropertyTest, ARejectedCommandChangesNothingAHostCanObserve) {
  absl::StatusOr<std::string> text = ReadTextFile(HANDOFF_DEMO_SCENARIO);
  ASSERT_TRUE(text.ok()) << text.status();
  absl::StatusOr<Scenario> scenario = ParseScenario(*text);
  ASSERT_TRUE(scenario.ok()) << scenario.status();
  json events = json::parse(scenario->events_json);
  for (const json& e : json::parse(kMoreEvents)) events.push_back(e);

  std::vector<std::string> people, ids, feedback_ids;
  for (const Person& p : scenario->portfolio.people) people.push_back(p.id.value());
  for (const Project& p : scenario->portfolio.projects) {
    ids.push_back(p.id.value());
    for (const Milestone& m : p.milestones) ids.push_back(m.id.value());
  }
  for (const Account& a : scenario->portfolio.accounts) ids.push_back(a.id.value());
  for (const json& e : events) {
    if (e["type"] == "log_feedback") feedback_ids.push_back(e["id"]);
    if (e["type"] == "log_feedback" || e["type"] == "raise_risk") ids.push_back(e["id"]);
  }

  auto b = std::make_unique<Host>(*scenario);
  auto a = std::make_unique<Host>(*scenario);
  const TimeZone& zone = b->ws->time_zone();
  std::mt19937 rng(20270115);
  std::vector<Command> applied;  // B's history
  int undecodable = 0, rejected = 0, accepted = 0;
  std::set<absl::StatusCode> codes;
  constexpr int kMutantsPerEvent = 40;
  for (size_t i = 0; i < events.size(); ++i) {
    for (int k = 0; k < kMutantsPerEvent; ++k) {
      const std::string mutant = Mutate(events[i], rng, people, ids).dump();
      SCOPED_TRACE(::testing::Message() << "/events/" << i << " mutant " << k << ": " << mutant);
      absl::StatusOr<Command> command = ParseCommandJson(mutant, zone);
      if (!command.ok()) {
        ++undecodable;
        continue;
      }
      const absl::Status status = a->ws->Apply(*command);
      if (status.ok()) {  // a valid variation: A diverged; rebuild it from B's history
        ++accepted;
        a = std::make_unique<Host>(*scenario);
        for (const Command& c : applied) ASSERT_TRUE(a->ws->Apply(c).ok());
        continue;
      }
      ++rejected;
      codes.insert(status.code());
      ASSERT_FALSE(status.message().empty());
      ASSERT_TRUE(a->Observe(people, feedback_ids) == b->Observe(people, feedback_ids))
          << "rejected with " << status << " but changed what a host sees";
    }
    absl::StatusOr<Command> command = ParseCommandJson(events[i].dump(), zone);
    ASSERT_TRUE(command.ok()) << command.status();
    ASSERT_TRUE(b->ws->Apply(*command).ok()) << "/events/" << i;
    ASSERT_TRUE(a->ws->Apply(*command).ok()) << "/events/" << i;
    applied.push_back(*command);
  }
  EXPECT_EQ(a->recorder.Lines(zone), b->recorder.Lines(zone));
  EXPECT_TRUE(a->Observe(people, feedback_ids) == b->Observe(people, feedback_ids));
  EXPECT_EQ(a->journal->size(), applied.size());

  // The journal holds exactly the accepted commands: replayed, it gives B's messages.
  Host replayed(*scenario);
  ASSERT_TRUE(Replay(*b->journal, *replayed.ws).ok());
  EXPECT_EQ(replayed.recorder.Lines(zone), b->recorder.Lines(zone));

  // The mutants reach the workspace's checks, not just the decoder, with several kinds of
  // error, and some are valid variations.
  const int total = static_cast<int>(events.size()) * kMutantsPerEvent;
  std::printf("%d mutants: %d undecodable, %d rejected by Apply (%zu status codes), %d accepted\n",
              total, undecodable, rejected, codes.size(), accepted);
  EXPECT_GT(rejected, total / 4) << "undecodable " << undecodable << ", accepted " << accepted;
  EXPECT_GE(codes.size(), 4u);
  EXPECT_GT(accepted, 0);
}

}  // namespace
}  // namespace handoff
