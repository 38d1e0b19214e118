// SLA timers fire in the same order, at the same instants, with the same messages, whether one
// tick long after the fact fires hundreds of them at once (taken out of the timer heap in one
// batch) or ticks follow NextWakeup() and fire them a few at a time. Randomized, fixed seeds.
// (Only the SLA messages compare: ticks on other days move the as-of date, so the forecast
// messages differ between the two runs by design.)
#include <algorithm>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "tests/support/workspace_fixture.h"

namespace handoff {
namespace {

using testing::Event;
using testing::MakeWorkspace;
using testing::Recorder;

// kTwoAccounts with policies for every kind and priority: warnings at 100% (same instant as the
// breach), a zero-minute escalation, several levels, and a policy without a resolution target.
std::string Scenario() {
  std::string json = testing::kTwoAccounts;
  const std::string policies = R"("sla_policies": [
    {"name": "urgent", "match": {"priorities": ["urgent"]}, "first_response_minutes": 30,
     "resolution_minutes": 240, "warn_at_percent": 100,
     "escalation": [{"after_minutes": 0, "to": "zhao.lead"}, {"after_minutes": 45, "to": "qian.lead"},
                    {"after_minutes": 20, "to": "zhao.lead"}]},
    {"name": "high", "match": {"priorities": ["high"]}, "first_response_minutes": 90,
     "resolution_minutes": 600, "warn_at_percent": 50,
     "escalation": [{"after_minutes": 60, "to": "zhao.lead"}]},
    {"name": "first response only", "match": {"kinds": ["question"]},
     "first_response_minutes": 120, "warn_at_percent": 75},
    {"name": "standard", "first_response_minutes": 240, "resolution_minutes": 1440,
     "warn_at_percent": 80, "escalation": [{"after_minutes": 120, "to": "qian.lead"}]}]
})";
  json.replace(json.find("\"sla_policies\""), std::string::npos, policies);
  return json;
}

// Feedback logged within a few minutes, at random seconds, some answered or paused at once (so
// the heap holds stale entries too).
std::vector<std::string> Commands(uint64_t seed, int items) {
  std::mt19937_64 rng(seed);
  auto pick = [&](int n) { return static_cast<int>(rng() % static_cast<uint64_t>(n)); };
  const char* kinds[] = {"complaint", "change_request", "question", "bug", "praise"};
  const char* priorities[] = {"low", "normal", "high", "urgent"};
  std::vector<std::string> out;
  int second = 0;
  for (int i = 0; i < items; ++i) {
    second += pick(4);
    const std::string at = absl::StrCat("2027-01-11T09:", second / 60 < 10 ? "0" : "", second / 60,
                                        ":", second % 60 < 10 ? "0" : "", second % 60, "+08:00");
    const bool acme = pick(2) == 0;
    const std::string f = absl::StrCat("F", 1000 + pick(9000), "-", i);  // ids not in log order
    out.push_back(absl::StrCat(R"({"at":")", at, R"(","by":")", acme ? "chen.ae" : "wu.ae",
                               R"(","type":"log_feedback","id":")", f, R"(","project":")",
                               acme ? "P1" : "P2", R"(","kind":")", kinds[pick(5)],
                               R"(","channel":"email","priority":")", priorities[pick(4)],
                               R"(","text":"t"})"));
    const std::string pm = acme ? "li.pm" : "sun.pm";
    switch (pick(6)) {
      case 0:
        out.push_back(absl::StrCat(R"({"at":")", at, R"(","by":")", pm,
                                   R"(","type":"respond_feedback","feedback":")", f,
                                   R"(","text":"on it"})"));
        break;
      case 1:
        out.push_back(absl::StrCat(R"({"at":")", at, R"(","by":")", pm,
                                   R"(","type":"set_feedback_state","feedback":")", f,
                                   R"(","state":"waiting_on_customer"})"));
        break;
      default:
        break;
    }
  }
  return out;
}

Command TickAt(Instant at) {
  Command tick;
  tick.at = at;
  tick.by = PersonId("zhao.lead");
  tick.payload = Tick{};
  return tick;
}

struct Result {
  std::vector<std::string> lines;
  size_t before_midway = 0;     // messages delivered before the midway tick (if any)
  size_t before_last_tick = 0;  // messages delivered before the final tick
  size_t sla_in_midway_tick = 0;
  size_t sla_in_last_tick = 0;
};

// Replays `commands`, then ticks at 2027-01-20T18:00 (after every threshold). With
// `follow_wakeups`, also ticks at every wakeup before each command and before that last tick;
// else, when `midway` is set, ticks there first (so the last tick fires what the midway tick
// scheduled).
Result Replay(const std::vector<std::string>& commands, bool follow_wakeups,
              std::optional<Instant> midway = std::nullopt) {
  std::unique_ptr<Workspace> ws = MakeWorkspace(Scenario());
  Recorder rec;
  rec.Attach(*ws);
  const Instant end = testing::At("2027-01-20T18:00");
  for (const std::string& c : commands) {
    // Before each command, and at the end, tick at every wakeup up to that point.
    const Command command = Event(c);
    while (follow_wakeups && ws->NextWakeup() && *ws->NextWakeup() <= command.at) {
      EXPECT_TRUE(ws->Apply(TickAt(*ws->NextWakeup())).ok());
    }
    absl::Status s = ws->Apply(command);
    EXPECT_TRUE(s.ok()) << s << " in " << c;
  }
  while (follow_wakeups && ws->NextWakeup() && *ws->NextWakeup() <= end) {
    EXPECT_TRUE(ws->Apply(TickAt(*ws->NextWakeup())).ok());
  }
  Result result;
  result.before_midway = rec.messages.size();
  if (!follow_wakeups && midway) {
    EXPECT_TRUE(ws->Apply(TickAt(*midway)).ok());
  }
  result.before_last_tick = rec.messages.size();
  EXPECT_TRUE(ws->Apply(TickAt(end)).ok());
  EXPECT_FALSE(ws->NextWakeup() && *ws->NextWakeup() <= end);
  // The SLA messages, without seq (the runs interleave other messages differently).
  const std::vector<std::string> lines = rec.Lines(ws->time_zone());
  for (size_t i = 0; i < lines.size(); ++i) {
    const std::string& line = lines[i];
    if (line.find(R"("kind":"sla_)") == std::string::npos &&
        line.find(R"("kind":"escalated")") == std::string::npos) {
      continue;
    }
    if (i >= result.before_last_tick) {
      ++result.sla_in_last_tick;
    } else if (i >= result.before_midway) {
      ++result.sla_in_midway_tick;
    }
    result.lines.push_back(line.substr(line.find(",\"at\"")));
  }
  return result;
}

TEST(TimerOrderTest, OneLateTickFiresWhatTicksAtEveryWakeupFire) {
  for (uint64_t seed : {1u, 2u, 3u}) {
    const std::vector<std::string> commands = Commands(seed, 400);
    const Result one_tick = Replay(commands, /*follow_wakeups=*/false);
    const Result every_wakeup = Replay(commands, /*follow_wakeups=*/true);
    const std::vector<std::string>& batched = one_tick.lines;
    const std::vector<std::string>& stepped = every_wakeup.lines;
    // Hundreds of timers are due at the last tick: the batch path runs.
    EXPECT_GT(one_tick.sla_in_last_tick, 500u) << "seed " << seed;
    EXPECT_LT(every_wakeup.sla_in_last_tick, 5u) << "seed " << seed;
    ASSERT_EQ(batched.size(), stepped.size()) << "seed " << seed;
    for (size_t i = 0; i < batched.size(); ++i) {
      ASSERT_EQ(batched[i], stepped[i]) << "seed " << seed << ", message " << i;
    }
  }
}

// A late tick in the middle of the day fires hundreds of due timers and schedules the next
// thresholds of their clocks after its instant (hundreds of them join the heap at once, not one
// by one); the final tick fires those. Both match ticks at every wakeup.
TEST(TimerOrderTest, TimersScheduledByALateTickFireAtTheNextOne) {
  const Instant midway = testing::At("2027-01-11T16:00");
  for (uint64_t seed : {4u, 5u}) {
    const std::vector<std::string> commands = Commands(seed, 400);
    const Result two_ticks = Replay(commands, /*follow_wakeups=*/false, midway);
    const Result every_wakeup = Replay(commands, /*follow_wakeups=*/true);
    EXPECT_GT(two_ticks.sla_in_midway_tick, 300u) << "seed " << seed;
    EXPECT_GT(two_ticks.sla_in_last_tick, 300u) << "seed " << seed;  // what it scheduled
    ASSERT_EQ(two_ticks.lines.size(), every_wakeup.lines.size()) << "seed " << seed;
    for (size_t i = 0; i < two_ticks.lines.size(); ++i) {
      ASSERT_EQ(two_ticks.lines[i], every_wakeup.lines[i]) << "seed " << seed << ", message " << i;
    }
  }
}

}  // namespace
}  // namespace handoff

namespace handoff {
namespace {

// Timers due at one instant fire in feedback id byte order (then clock, then threshold), ids
// sharing their first eight bytes included.
TEST(TimerOrderTest, SameInstantTimersFireInFeedbackIdByteOrder) {
  std::unique_ptr<Workspace> ws = MakeWorkspace(Scenario());
  Recorder rec;
  rec.Attach(*ws);
  const std::vector<std::string> ids = {
      "FEEDBACK-0002", "F9",       "FEEDBACK-0001",  "F10", "F1", "FEEDBACK-00010", "Fa",
      "F1x",           "FEEDBACK", "FEEDBACK-0001a", "E99", "G"};
  for (const std::string& id : ids) {
    ASSERT_TRUE(ws->Apply(Event(absl::StrCat(R"({"at":"2027-01-11T09:00:00+08:00","by":"chen.ae",)",
                                             R"("type":"log_feedback","id":")", id,
                                             R"(","project":"P1","kind":"bug","channel":"email",)",
                                             R"("priority":"high","text":"t"})")))
                    .ok());
  }
  // "high": warning at 50% of 90 minutes.
  ASSERT_TRUE(ws->Apply(Event(R"({"at":"2027-01-11T09:50:00+08:00","by":"zhao.lead",)"
                              R"("type":"tick"})"))
                  .ok());
  std::vector<std::string> fired;
  for (const Message& m : rec.messages) {
    if (m.kind == "sla_warning") fired.push_back(m.feedback);
  }
  std::vector<std::string> expected = ids;
  std::sort(expected.begin(), expected.end());
  EXPECT_EQ(fired, expected);
}

}  // namespace
}  // namespace handoff
