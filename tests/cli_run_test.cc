// End-to-end tests of `handoff run` and of the conversation part of `handoff demo` (spec
// SCENARIO.md, "Command-line contracts"; SLA.md): the exact JSON lines of a hand-checked SLA case
// over a lunch break, rejected and malformed events with and without --keep-going, the refused
// --db option, determinism, and the shape of every line of the bundled scenario's run.
//
// The tool runs as a child process (posix_spawn) with stdout and stderr redirected to separate
// temporary files, so both streams and the exit status are captured independently.
#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <iterator>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "tests/support/run_cli.h"

extern char** environ;

namespace {

using ::testing::AllOf;
using ::testing::ElementsAreArray;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Not;
using ::testing::StartsWith;

using handoff::testing::kCli;
const std::string kRunData = std::string(HANDOFF_TEST_DATA) + "/run";
const std::string kSlaLunch = kRunData + "/sla_lunch.json";
const std::string kKeepGoing = kRunData + "/keep_going.json";
const std::string kMalformed = kRunData + "/malformed_event.json";
const std::string kAgency = HANDOFF_DEMO_SCENARIO;

using handoff::testing::RunCli;
using handoff::testing::RunResult;
using handoff::testing::Slurp;

std::vector<std::string> Lines(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

// --- a hand-checked SLA case ----------------------------------------------------------------

// tests/data/run/sla_lunch.json: hours 09:00-12:00 and 13:00-18:00 (+08:00); Tue 2027-01-05 is
// a working day. Policy "hot complaints": first response 90 business minutes, warning at 50%,
// escalation level 1 to zhao.lead 30 minutes after the breach, level 2 to chen.ae (the AE
// herself) 240 minutes after it; no resolution target, so the resolution clock has no timers.
//
// F1 is logged at 10:30 (used time 0 of the first-response clock):
//   warning  at used  45 min: 10:30 + 45 min                            = 11:15
//   breach   at used  90 min: 10:30 + 90 min, ending at the interval end = 12:00 (not 13:00)
//   level 1  at used 120 min: 90 min by 12:00, lunch, then 30 min        = 13:30
//   level 2  at used 330 min: 90 min by 12:00, then 240 min from 13:00   = 17:00
// The tick at 13:30 (local time without an offset) fires the warning, the breach and level 1,
// each with its own instant as `at`; the breach also turns the project red. The response at
// 09:30Z = 17:30+08:00 first fires level 2 (at 17:00) and then stops the clock. Level 2 goes
// to chen.ae as its escalation person, then to the assignee li.pm, and not a second time to
// chen.ae as the AE.
TEST(CliRunTest, SlaOverALunchBreakGivesTheHandCheckedLines) {
  RunResult r = RunCli({"run", kSlaLunch});
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_THAT(r.err, IsEmpty());
  const std::string common =
      R"("account":"acme","project":"P1","milestone":"P1.M2","feedback":"F1",)"
      R"("clock":"first_response","due":"2027-01-05T12:00:00+08:00")";
  const std::string sla = common + R"(,"priority":"high","policy":"hot complaints")";
  const std::vector<std::string> expected = {
      R"({"seq":1,"at":"2027-01-05T10:30:00+08:00","to":"li.pm","kind":"feedback_logged",)" +
          common +
          R"(,"feedback_kind":"complaint","channel":"phone","priority":"high",)"
          R"("text":"Login page is too slow","policy":"hot complaints"})",
      R"({"seq":2,"at":"2027-01-05T11:15:00+08:00","to":"li.pm","kind":"sla_warning",)" + sla + "}",
      R"({"seq":3,"at":"2027-01-05T12:00:00+08:00","to":"li.pm","kind":"sla_breached",)" + sla +
          "}",
      R"({"seq":4,"at":"2027-01-05T12:00:00+08:00","to":"chen.ae","kind":"sla_breached",)" + sla +
          "}",
      R"({"seq":5,"at":"2027-01-05T12:00:00+08:00","to":"chen.ae","kind":"health_changed",)"
      R"("account":"acme","project":"P1","health":"red","previous":"green",)"
      R"("reason":"1 feedback item(s) with a breached SLA","overridden":false})",
      R"({"seq":6,"at":"2027-01-05T13:30:00+08:00","to":"zhao.lead","kind":"escalated",)" + sla +
          R"(,"level":1,"escalated_to":"zhao.lead"})",
      R"({"seq":7,"at":"2027-01-05T13:30:00+08:00","to":"li.pm","kind":"escalated",)" + sla +
          R"(,"level":1,"escalated_to":"zhao.lead"})",
      R"({"seq":8,"at":"2027-01-05T13:30:00+08:00","to":"chen.ae","kind":"escalated",)" + sla +
          R"(,"level":1,"escalated_to":"zhao.lead"})",
      R"({"seq":9,"at":"2027-01-05T17:00:00+08:00","to":"chen.ae","kind":"escalated",)" + sla +
          R"(,"level":2,"escalated_to":"chen.ae"})",
      R"({"seq":10,"at":"2027-01-05T17:00:00+08:00","to":"li.pm","kind":"escalated",)" + sla +
          R"(,"level":2,"escalated_to":"chen.ae"})",
      R"({"seq":11,"at":"2027-01-05T17:30:00+08:00","to":"chen.ae","kind":"feedback_responded",)"
      R"("account":"acme","project":"P1","milestone":"P1.M2","feedback":"F1",)"
      R"("state":"acknowledged","text":"Found it: the session lookup"})",
  };
  EXPECT_THAT(Lines(r.out), ElementsAreArray(expected));
}

// --- rejected and malformed events ----------------------------------------------------------

// tests/data/run/keep_going.json: event 2 names an unknown milestone (NotFound on the field
// "milestone"), event 4 comes earlier than event 3 (FailedPrecondition on "at").
TEST(CliRunTest, FirstRejectedEventStopsTheRunAfterPrintingTheLinesBeforeIt) {
  RunResult r = RunCli({"run", kKeepGoing});
  EXPECT_EQ(r.status, 2);
  EXPECT_EQ(r.err, "handoff: " + kKeepGoing +
                       ": /events/2/milestone: update_milestone by \"li.pm\": milestone: "
                       "milestone \"P1.M9\": unknown id\n");
  std::vector<std::string> lines = Lines(r.out);
  ASSERT_EQ(lines.size(), 2u) << r.out;
  EXPECT_THAT(lines[0], StartsWith(R"({"seq":1,"at":"2027-01-04T09:00:00+08:00","to":"chen.ae",)"
                                   R"("kind":"milestone_started")"));
  EXPECT_THAT(lines[1], StartsWith(R"({"seq":2,"at":"2027-01-04T10:00:00+08:00","to":"chen.ae",)"
                                   R"("kind":"milestone_done")"));
}

TEST(CliRunTest, KeepGoingReportsEveryRejectedEventAndExitsTwo) {
  RunResult r = RunCli({"run", kKeepGoing, "--keep-going"});
  EXPECT_EQ(r.status, 2);
  std::vector<std::string> err = Lines(r.err);
  ASSERT_EQ(err.size(), 2u) << r.err;
  EXPECT_THAT(err[0], AllOf(StartsWith("handoff: " + kKeepGoing + ": /events/2/milestone: "),
                            HasSubstr("\"P1.M9\": unknown id")));
  EXPECT_THAT(err[1],
              AllOf(StartsWith("handoff: " + kKeepGoing + ": /events/4/at: "),
                    HasSubstr("is earlier than the last applied 2027-01-04T12:00:00+08:00")));
  // Events 0, 1 and 3 were applied; seq runs on without a gap.
  std::vector<std::string> lines = Lines(r.out);
  ASSERT_EQ(lines.size(), 3u) << r.out;
  EXPECT_THAT(lines[2], StartsWith(R"({"seq":3,"at":"2027-01-04T12:00:00+08:00","to":"li.pm",)"
                                   R"("kind":"feedback_logged")"));
  // The option may come before the file too.
  RunResult before = RunCli({"run", "--keep-going", kKeepGoing});
  EXPECT_EQ(before.status, 2);
  EXPECT_EQ(before.out, r.out);
  EXPECT_EQ(before.err, r.err);
}

// tests/data/run/malformed_event.json: event 1 has a priority outside the closed list. Events
// are decoded one at a time, so a malformed event is rejected like any other.
TEST(CliRunTest, MalformedEventIsRejectedWithItsJsonPointer) {
  const std::string message = "handoff: " + kMalformed +
                              ": /events/1/priority: unknown priority \"critical\" (expected one "
                              "of: low, normal, high, urgent)\n";
  RunResult r = RunCli({"run", kMalformed});
  EXPECT_EQ(r.status, 2);
  EXPECT_EQ(r.err, message);
  std::vector<std::string> lines = Lines(r.out);
  ASSERT_EQ(lines.size(), 1u) << r.out;
  EXPECT_THAT(lines[0], HasSubstr(R"("kind":"feedback_logged")"));

  RunResult k = RunCli({"run", kMalformed, "--keep-going"});
  EXPECT_EQ(k.status, 2);
  EXPECT_EQ(k.err, message);
  lines = Lines(k.out);
  ASSERT_EQ(lines.size(), 2u) << k.out;
  EXPECT_THAT(lines[1], AllOf(StartsWith(R"({"seq":2,"at":"2027-01-04T10:00:00+08:00")"),
                              HasSubstr(R"("kind":"feedback_responded")")));
}

TEST(CliRunTest, DbOptionIsRefusedWithExitTwo) {
  for (const std::vector<std::string>& args :
       std::vector<std::vector<std::string>>{{"run", kSlaLunch, "--db", "journal.sqlite"},
                                             {"run", "--db", "journal.sqlite", kSlaLunch},
                                             {"run", kSlaLunch, "--db=journal.sqlite"}}) {
    RunResult r = RunCli(args);
    EXPECT_EQ(r.status, 2) << args[2];
    EXPECT_THAT(r.out, IsEmpty());
    EXPECT_THAT(r.err, HasSubstr("--db: the durable journal is not available"));
  }
}

TEST(CliRunTest, UsageErrorsExitTwo) {
  EXPECT_EQ(RunCli({"run"}).status, 2);
  EXPECT_EQ(RunCli({"run", kSlaLunch, kSlaLunch}).status, 2);
  RunResult unknown = RunCli({"run", kSlaLunch, "--fast"});
  EXPECT_EQ(unknown.status, 2);
  EXPECT_THAT(unknown.err, HasSubstr("unknown option --fast"));
  RunResult missing = RunCli({"run", kRunData + "/no_such_file.json"});
  EXPECT_EQ(missing.status, 2);
  EXPECT_THAT(missing.err, HasSubstr("no_such_file.json"));
}

TEST(CliRunTest, RepeatedRunsAreByteIdentical) {
  for (const std::vector<std::string>& args :
       std::vector<std::vector<std::string>>{{"run", kSlaLunch},
                                             {"run", kKeepGoing, "--keep-going"},
                                             {"run", kAgency},
                                             {"demo"},
                                             {"demo", kSlaLunch}}) {
    RunResult a = RunCli(args), b = RunCli(args);
    EXPECT_FALSE(a.out.empty()) << args.back();
    EXPECT_EQ(a.status, b.status);
    EXPECT_EQ(a.out, b.out);
    EXPECT_EQ(a.err, b.err);
  }
}

// --- the bundled scenario -------------------------------------------------------------------

TEST(CliRunTest, BundledScenarioRunsCleanlyAndEveryLineHasTheContractFields) {
  RunResult r = RunCli({"run", kAgency});
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_THAT(r.err, IsEmpty());
  std::vector<std::string> lines = Lines(r.out);
  ASSERT_GE(lines.size(), 40u);
  const std::regex iso(R"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+08:00)");
  uint64_t seq = 0;
  std::string last_at;
  for (const std::string& line : lines) {
    nlohmann::ordered_json m = nlohmann::ordered_json::parse(line, nullptr, false);
    ASSERT_TRUE(m.is_object()) << line;
    // The contract's first members, in order.
    std::vector<std::string> keys;
    for (auto it = m.begin(); it != m.end() && keys.size() < 6; ++it) keys.push_back(it.key());
    EXPECT_THAT(keys, ElementsAreArray({"seq", "at", "to", "kind", "account", "project"})) << line;
    ASSERT_TRUE(m["seq"].is_number_unsigned()) << line;
    EXPECT_EQ(m["seq"].get<uint64_t>(), ++seq) << line;
    ASSERT_TRUE(m["at"].is_string()) << line;
    const std::string at = m["at"].get<std::string>();
    EXPECT_TRUE(std::regex_match(at, iso)) << line;
    EXPECT_GE(at, last_at) << "delivery order goes back in time: " << line;  // one offset
    last_at = at;
    EXPECT_TRUE(m["to"].is_string()) << line;
    EXPECT_TRUE(m["kind"].is_string()) << line;
    EXPECT_TRUE(m["account"].is_string()) << line;  // every project here has an account
    EXPECT_TRUE(m["project"].is_string()) << line;
    const std::string kind = m["kind"].get<std::string>();
    if (kind == "sla_warning" || kind == "sla_breached" || kind == "escalated") {
      EXPECT_TRUE(m.contains("feedback")) << line;
      ASSERT_TRUE(m.contains("clock")) << line;
      EXPECT_THAT(m["clock"].get<std::string>(), testing::AnyOf("first_response", "resolution"))
          << line;
      ASSERT_TRUE(m.contains("due") && m["due"].is_string()) << line;
      EXPECT_TRUE(std::regex_match(m["due"].get<std::string>(), iso)) << line;
    }
    if (kind.rfind("feedback_", 0) == 0 || kind == "customer_replied" ||
        kind == "change_accepted") {
      EXPECT_TRUE(m.contains("feedback")) << line;
    }
    if (kind.rfind("milestone_", 0) == 0 || kind == "forecast_changed") {
      EXPECT_TRUE(m.contains("milestone")) << line;
    }
  }
  // The story's milestones: an SLA breach and an escalation, a change accepted.
  EXPECT_THAT(r.out, HasSubstr(R"("kind":"sla_breached")"));
  EXPECT_THAT(r.out, HasSubstr(R"("kind":"escalated")"));
  EXPECT_THAT(r.out, HasSubstr(R"("kind":"change_accepted")"));
}

// --- demo: the conversation -----------------------------------------------------------------

TEST(CliDemoConversationTest, BundledScenarioTellsTheStoryByName) {
  RunResult r = RunCli({"demo"});
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_THAT(r.err, IsEmpty());
  // The schedule part comes first, then the conversation, then the summary.
  const size_t schedule = r.out.find("critical path:");
  const size_t conversation = r.out.find("\n== Conversation: ");
  const size_t summary = r.out.find("\n== Summary after ");
  ASSERT_NE(schedule, std::string::npos);
  ASSERT_NE(conversation, std::string::npos);
  ASSERT_NE(summary, std::string::npos);
  EXPECT_LT(schedule, conversation);
  EXPECT_LT(conversation, summary);
  EXPECT_THAT(
      r.out,
      AllOf(HasSubstr("  Tue 2027-01-05 10:00  Chen Jing (AE) → Li Wei (PM)\n"
                      "    complaint F1 \"Login page is too slow\" (phone, high) — first response "
                      "due Tue 2027-01-05 12:00\n"),
            HasSubstr("  Tue 2027-01-05 12:00  SLA clock → Chen Jing (AE)\n"
                      "    SLA BREACHED: F1 first response was due Tue 2027-01-05 12:00\n"),
            HasSubstr("  Tue 2027-01-05 14:00  SLA clock → Zhao Min (lead)\n"
                      "    ESCALATED (level 1) to Zhao Min (lead): F1 first response was due "
                      "Tue 2027-01-05 12:00\n"),
            HasSubstr("    forecast changed: P1.M5 Design review with customer Thu 2027-01-21 → "
                      "Tue 2027-01-26 (+3 working days; 3 working days behind baseline)\n"
                      "    cause: P1.M4 UX design reported in progress\n"),
            HasSubstr("    moves P2.M10 Go-live Thu 2027-04-15 → Mon 2027-04-19\n"),
            HasSubstr("messages per person:\n"), HasSubstr("open feedback:\n"),
            HasSubstr("project health:\n")));
  // Every message of the run is one block, numbered by its seq.
  RunResult run = RunCli({"run", kAgency});
  const size_t messages = Lines(run.out).size();
  EXPECT_THAT(r.out, HasSubstr("\n#" + std::to_string(messages) + "  "));
  EXPECT_THAT(r.out, Not(HasSubstr("\n#" + std::to_string(messages + 1) + "  ")));
}

TEST(CliDemoConversationTest, RejectedEventStopsTheDemoWithExitTwo) {
  RunResult r = RunCli({"demo", kKeepGoing});
  EXPECT_EQ(r.status, 2);
  EXPECT_THAT(r.err, HasSubstr(": /events/2/milestone: "));
  EXPECT_THAT(r.out, AllOf(HasSubstr("critical path:"), HasSubstr("\n#2  "),
                           Not(HasSubstr("\n#3  ")), Not(HasSubstr("== Summary"))));
  RunResult malformed = RunCli({"demo", kMalformed});
  EXPECT_EQ(malformed.status, 2);
  EXPECT_THAT(malformed.err, HasSubstr(": /events/1/priority: unknown priority \"critical\""));
}

}  // namespace
