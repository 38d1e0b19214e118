// Unit tests of the scenario reader and writer (handoff/scenario.h, spec SCENARIO.md):
// defaults, optional members, round trips through WriteScenario, status codes of malformed
// documents, and robustness against hostile input (deep nesting, random byte mutations).
#include "handoff/scenario.h"

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <map>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "handoff/portfolio.h"
#include "nlohmann/json.hpp"

namespace handoff {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::StartsWith;

const std::string kData = HANDOFF_TEST_DATA;

Date D(int y, int m, int d) {
  return Date(static_cast<unsigned short>(y), static_cast<unsigned short>(m),
              static_cast<unsigned short>(d));
}

std::string ReadOrDie(const std::string& path) {
  absl::StatusOr<std::string> text = ReadTextFile(path);
  EXPECT_TRUE(text.ok()) << text.status();
  return text.ok() ? *text : std::string();
}

// Field-by-field equality of two specs, with a readable failure.
void ExpectSameSpec(const PortfolioSpec& a, const PortfolioSpec& b) {
  EXPECT_EQ(a.calendar.weekend, b.calendar.weekend);
  EXPECT_EQ(a.calendar.holidays, b.calendar.holidays);
  EXPECT_EQ(a.calendar.hours, b.calendar.hours);
  EXPECT_EQ(a.calendar.timezone, b.calendar.timezone);
  ASSERT_EQ(a.people.size(), b.people.size());
  for (size_t i = 0; i < a.people.size(); ++i) {
    SCOPED_TRACE(::testing::Message() << "person " << i);
    EXPECT_EQ(a.people[i].id, b.people[i].id);
    EXPECT_EQ(a.people[i].name, b.people[i].name);
    EXPECT_EQ(a.people[i].role, b.people[i].role);
  }
  ASSERT_EQ(a.accounts.size(), b.accounts.size());
  for (size_t i = 0; i < a.accounts.size(); ++i) {
    SCOPED_TRACE(::testing::Message() << "account " << i);
    EXPECT_EQ(a.accounts[i].id, b.accounts[i].id);
    EXPECT_EQ(a.accounts[i].name, b.accounts[i].name);
    EXPECT_EQ(a.accounts[i].tier, b.accounts[i].tier);
    EXPECT_EQ(a.accounts[i].ae, b.accounts[i].ae);
  }
  ASSERT_EQ(a.projects.size(), b.projects.size());
  for (size_t i = 0; i < a.projects.size(); ++i) {
    SCOPED_TRACE(::testing::Message() << "project " << i);
    const Project& p = a.projects[i];
    const Project& q = b.projects[i];
    EXPECT_EQ(p.id, q.id);
    EXPECT_EQ(p.name, q.name);
    EXPECT_EQ(p.account, q.account);
    EXPECT_EQ(p.pm, q.pm);
    EXPECT_EQ(p.start, q.start);
    ASSERT_EQ(p.milestones.size(), q.milestones.size());
    for (size_t j = 0; j < p.milestones.size(); ++j) {
      SCOPED_TRACE(::testing::Message() << "milestone " << j);
      const Milestone& m = p.milestones[j];
      const Milestone& n = q.milestones[j];
      EXPECT_EQ(m.id, n.id);
      EXPECT_EQ(m.name, n.name);
      EXPECT_EQ(m.duration_days, n.duration_days);
      EXPECT_EQ(m.customer_visible, n.customer_visible);
      EXPECT_EQ(m.owner, n.owner);
      ASSERT_EQ(m.depends_on.size(), n.depends_on.size());
      for (size_t k = 0; k < m.depends_on.size(); ++k) {
        EXPECT_EQ(m.depends_on[k].id, n.depends_on[k].id);
        EXPECT_EQ(m.depends_on[k].lag_days, n.depends_on[k].lag_days);
      }
    }
  }
}

// --- defaults and optional members -------------------------------------------------------------

constexpr char kMinimal[] = R"({
  "calendar": {},
  "projects": [{"id": "P1", "start": "2027-01-04", "milestones": [
    {"id": "P1.M1", "duration_days": 2},
    {"id": "P1.M2", "duration_days": 3, "depends_on": [{"id": "P1.M1"}]}]}]
})";

TEST(ScenarioParseTest, AppliesDefaultsForOmittedMembers) {
  absl::StatusOr<Scenario> sc = ParseScenario(kMinimal);
  ASSERT_TRUE(sc.ok()) << sc.status();
  const PortfolioSpec& spec = sc->portfolio;
  EXPECT_THAT(spec.calendar.weekend, ElementsAre(Weekday::kSat, Weekday::kSun));
  EXPECT_THAT(spec.calendar.holidays, IsEmpty());
  EXPECT_THAT(spec.calendar.hours, ElementsAre(TimeRange{9 * 60, 18 * 60}));
  EXPECT_EQ(spec.calendar.timezone, "+00:00");
  EXPECT_THAT(spec.people, IsEmpty());
  EXPECT_THAT(spec.accounts, IsEmpty());
  ASSERT_EQ(spec.projects.size(), 1u);
  const Project& p = spec.projects[0];
  EXPECT_EQ(p.id, ProjectId("P1"));
  EXPECT_EQ(p.name, "");
  EXPECT_TRUE(p.account.empty());
  EXPECT_TRUE(p.pm.empty());
  EXPECT_EQ(p.start, D(2027, 1, 4));
  ASSERT_EQ(p.milestones.size(), 2u);
  EXPECT_EQ(p.milestones[0].name, "");
  EXPECT_FALSE(p.milestones[0].customer_visible);
  EXPECT_TRUE(p.milestones[0].owner.empty());
  EXPECT_THAT(p.milestones[0].depends_on, IsEmpty());
  ASSERT_EQ(p.milestones[1].depends_on.size(), 1u);
  EXPECT_EQ(p.milestones[1].depends_on[0].id, MilestoneId("P1.M1"));
  EXPECT_EQ(p.milestones[1].depends_on[0].lag_days, 0);
  EXPECT_EQ(sc->sla_policies_json, "[]");
  EXPECT_EQ(sc->events_json, "[]");
  EXPECT_EQ(sc->routing_json, "{}");
}

TEST(ScenarioParseTest, MinimalDocumentSchedules) {
  absl::StatusOr<Portfolio> p = LoadPortfolio(kMinimal);
  ASSERT_TRUE(p.ok()) << p.status();
  std::vector<MilestoneSchedule> rows = p->Schedule();
  ASSERT_EQ(rows.size(), 2u);
  // Mon 01-04..Tue 01-05, then Wed 01-06..Fri 01-08.
  EXPECT_EQ(rows[0].start, D(2027, 1, 4));
  EXPECT_EQ(rows[0].finish, D(2027, 1, 5));
  EXPECT_EQ(rows[1].start, D(2027, 1, 6));
  EXPECT_EQ(rows[1].finish, D(2027, 1, 8));
}

TEST(ScenarioParseTest, ReadsEveryOptionalMember) {
  absl::StatusOr<Scenario> sc = ParseScenario(ReadOrDie(kData + "/good/small.json"));
  ASSERT_TRUE(sc.ok()) << sc.status();
  const PortfolioSpec& spec = sc->portfolio;
  EXPECT_THAT(spec.calendar.weekend, ElementsAre(Weekday::kSat, Weekday::kSun));
  EXPECT_THAT(spec.calendar.holidays, ElementsAre(D(2027, 1, 1), D(2027, 1, 18)));
  EXPECT_THAT(spec.calendar.hours,
              ElementsAre(TimeRange{9 * 60, 12 * 60}, TimeRange{13 * 60, 18 * 60}));
  EXPECT_EQ(spec.calendar.timezone, "+08:00");
  ASSERT_EQ(spec.people.size(), 4u);
  EXPECT_EQ(spec.people[0].id, PersonId("li.pm"));
  EXPECT_EQ(spec.people[0].name, "Li Wei");
  EXPECT_EQ(spec.people[0].role, Role::kPm);
  EXPECT_EQ(spec.people[2].role, Role::kAe);
  EXPECT_EQ(spec.people[3].role, Role::kLead);
  ASSERT_EQ(spec.accounts.size(), 2u);
  EXPECT_EQ(spec.accounts[0].id, AccountId("acme"));
  EXPECT_EQ(spec.accounts[0].name, "Acme Retail");
  EXPECT_EQ(spec.accounts[0].tier, "gold");
  EXPECT_EQ(spec.accounts[0].ae, PersonId("chen.ae"));
  EXPECT_EQ(spec.accounts[1].tier, "");
  ASSERT_EQ(spec.projects.size(), 2u);
  const Project& p1 = spec.projects[0];
  EXPECT_EQ(p1.name, "Store app");
  EXPECT_EQ(p1.account, AccountId("acme"));
  EXPECT_EQ(p1.pm, PersonId("li.pm"));
  EXPECT_EQ(p1.start, D(2027, 1, 3));
  ASSERT_EQ(p1.milestones.size(), 7u);
  EXPECT_EQ(p1.milestones[0].name, "Kickoff");
  EXPECT_TRUE(p1.milestones[0].customer_visible);
  EXPECT_EQ(p1.milestones[1].owner, PersonId("li.pm"));
  ASSERT_EQ(p1.milestones[2].depends_on.size(), 1u);
  EXPECT_EQ(p1.milestones[2].depends_on[0].lag_days, 2);
  // A link without lag_days has lag 0; a link may point into another project.
  ASSERT_EQ(p1.milestones[3].depends_on.size(), 2u);
  EXPECT_EQ(p1.milestones[3].depends_on[0].lag_days, 0);
  EXPECT_EQ(p1.milestones[3].depends_on[1].id, MilestoneId("P2.M2"));
}

TEST(ScenarioParseTest, KeepsSlaPoliciesEventsAndRoutingAsCompactJson) {
  absl::StatusOr<Scenario> sc = ParseScenario(R"({
    "format": "handoff-scenario/1",
    "calendar": {},
    "projects": [],
    "sla_policies": [ {"name": "p", "first_response_minutes": 120} ],
    "events": [ {"at": "2027-01-05T10:00:00+08:00", "by": "x", "type": "tick"} ],
    "routing": { "k": [1, 2] }
  })");
  ASSERT_TRUE(sc.ok()) << sc.status();
  EXPECT_EQ(nlohmann::json::parse(sc->sla_policies_json),
            nlohmann::json::parse(R"([{"name": "p", "first_response_minutes": 120}])"));
  EXPECT_EQ(
      nlohmann::json::parse(sc->events_json),
      nlohmann::json::parse(R"([{"at": "2027-01-05T10:00:00+08:00", "by": "x", "type": "tick"}])"));
  EXPECT_EQ(sc->routing_json, R"({"k":[1,2]})");
  EXPECT_EQ(sc->sla_policies_json.find(' '), std::string::npos);
}

TEST(ScenarioParseTest, AcceptsEmptyWeekendAndNoFormatTag) {
  absl::StatusOr<Scenario> sc = ParseScenario(
      R"({"calendar": {"weekend": []}, "projects": [{"id": "P1", "start": "2027-01-09",
          "milestones": [{"id": "A", "duration_days": 2}]}]})");
  ASSERT_TRUE(sc.ok()) << sc.status();
  EXPECT_THAT(sc->portfolio.calendar.weekend, IsEmpty());
  absl::StatusOr<Portfolio> p = Portfolio::Create(sc->portfolio);
  ASSERT_TRUE(p.ok()) << p.status();
  // Every day is worked: Sat 01-09 and Sun 01-10.
  EXPECT_EQ(p->Schedule()[0].start, D(2027, 1, 9));
  EXPECT_EQ(p->Schedule()[0].finish, D(2027, 1, 10));
}

TEST(ScenarioParseTest, AcceptsFixedOffsetTimezones) {
  for (const char* tz : {"Z", "+08:00", "-05:30", "+00:00"}) {
    std::string doc = std::string(R"({"calendar": {"timezone": ")") + tz + R"("}, "projects": []})";
    absl::StatusOr<Portfolio> p = LoadPortfolio(doc);
    EXPECT_TRUE(p.ok()) << tz << ": " << p.status();
  }
}

// SLA.md: the calendar's timezone may also be a POSIX TZ rule with explicit rules.
TEST(ScenarioParseTest, AcceptsPosixTimezoneRules) {
  for (const char* tz : {"CET-1CEST,M3.5.0,M10.5.0/3", "EST5EDT,M3.2.0,M11.1.0"}) {
    std::string doc = std::string(R"({"calendar": {"timezone": ")") + tz + R"("}, "projects": []})";
    absl::StatusOr<Portfolio> p = LoadPortfolio(doc);
    EXPECT_TRUE(p.ok()) << tz << ": " << p.status();
  }
}

TEST(ScenarioParseTest, SyntaxErrorNamesLineAndColumn) {
  absl::Status s = ParseScenario("{\n  \"calendar\": {},\n  \"projects\": [,]\n}\n").status();
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(s.message()), StartsWith("line 3, column 16: invalid JSON: "));
}

// A repeated member would silently keep its last value; it is rejected at its second occurrence.
TEST(ScenarioParseTest, RejectsMemberRepeatedInOneObject) {
  absl::Status s =
      ParseScenario(R"({"calendar": {}, "projects": [], "calendar": {"weekend": []}})").status();
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(s.message()),
              StartsWith("/calendar: invalid JSON: member \"calendar\" appears twice"));
  // The same name in different objects is fine.
  EXPECT_TRUE(ParseScenario(R"({"calendar": {}, "projects": [{"id": "P1", "start": "2027-01-04",
      "milestones": [{"id": "A", "duration_days": 1},
                     {"id": "B", "duration_days": 1, "depends_on": [{"id": "A"}]}]}]})")
                  .ok());
}

TEST(ScenarioParseTest, RejectsUnknownTopLevelMember) {
  absl::Status s = ParseScenario(R"({"calendar": {}, "projects": [], "project": []})").status();
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(s.message()), StartsWith("/project: unknown member \"project\""));
}

TEST(ScenarioParseTest, EscapesMemberNamesInPointers) {
  absl::Status s = ParseScenario(R"({"calendar": {"a/b~c": 1}, "projects": []})").status();
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(s.message()), StartsWith("/calendar/a~1b~0c: unknown member"));
}

// Each malformed file under tests/data/bad fails with the status code the headers document.
TEST(ScenarioLoadTest, ReturnsDocumentedStatusCodeForEachBadFile) {
  const std::map<std::string, absl::StatusCode> codes = {
      {"account_unknown.json", absl::StatusCode::kNotFound},
      {"pm_unknown.json", absl::StatusCode::kNotFound},
      {"depends_unknown_id.json", absl::StatusCode::kNotFound},
      {"duplicate_milestone_id.json", absl::StatusCode::kAlreadyExists},
      {"duplicate_project_id.json", absl::StatusCode::kAlreadyExists},
      {"duplicate_person_id.json", absl::StatusCode::kAlreadyExists},
      {"depends_twice.json", absl::StatusCode::kAlreadyExists},
      {"cycle_two.json", absl::StatusCode::kFailedPrecondition},
      {"cycle_three_across_projects.json", absl::StatusCode::kFailedPrecondition},
      {"finish_after_9999.json", absl::StatusCode::kOutOfRange},
  };
  int files = 0;
  for (const auto& entry : std::filesystem::directory_iterator(kData + "/bad")) {
    const std::string name = entry.path().filename().string();
    SCOPED_TRACE(name);
    absl::StatusOr<Portfolio> p = LoadPortfolio(ReadOrDie(entry.path().string()));
    ASSERT_FALSE(p.ok());
    auto it = codes.find(name);
    EXPECT_EQ(p.status().code(),
              it == codes.end() ? absl::StatusCode::kInvalidArgument : it->second)
        << p.status();
    ++files;
  }
  EXPECT_GE(files, 18);
}

TEST(ScenarioLoadTest, ReadTextFileReportsMissingFileAsNotFound) {
  absl::StatusOr<std::string> text = ReadTextFile(kData + "/good/does_not_exist.json");
  EXPECT_EQ(text.status().code(), absl::StatusCode::kNotFound);
  EXPECT_THAT(std::string(text.status().message()), HasSubstr("does_not_exist.json"));
}

// scenario.h: "Unavailable (with the OS reason) when it cannot be read". A directory cannot be
// read as a file; it must not come back as an empty document.
TEST(ScenarioLoadTest, ReadTextFileReportsDirectoryAsUnavailable) {
  absl::StatusOr<std::string> text = ReadTextFile(kData + "/good");
  EXPECT_EQ(text.status().code(), absl::StatusCode::kUnavailable);
}

// --- round trips -------------------------------------------------------------------------------

TEST(ScenarioRoundTripTest, WriteThenParseGivesEqualSpecAndSchedule) {
  absl::StatusOr<Scenario> original = ParseScenario(ReadOrDie(kData + "/good/small.json"));
  ASSERT_TRUE(original.ok()) << original.status();
  const std::string written = WriteScenario(original->portfolio);
  EXPECT_THAT(written, StartsWith("{\n  \"format\": \"handoff-scenario/1\",\n"));
  absl::StatusOr<Scenario> reread = ParseScenario(written);
  ASSERT_TRUE(reread.ok()) << reread.status() << "\n" << written;
  ExpectSameSpec(original->portfolio, reread->portfolio);
  // Writing is a fixed point.
  EXPECT_EQ(WriteScenario(reread->portfolio), written);

  absl::StatusOr<Portfolio> a = Portfolio::Create(original->portfolio);
  absl::StatusOr<Portfolio> b = Portfolio::Create(reread->portfolio);
  ASSERT_TRUE(a.ok()) << a.status();
  ASSERT_TRUE(b.ok()) << b.status();
  EXPECT_EQ(a->Schedule(), b->Schedule());
  for (const ProjectId& id : a->ProjectIds()) EXPECT_EQ(*a->CriticalPath(id), *b->CriticalPath(id));
}

TEST(ScenarioRoundTripTest, RoundTripsAnUnusualSpec) {
  // Empty weekend, several hours, odd characters in names and ids, every optional member set or
  // unset.
  PortfolioSpec spec;
  spec.calendar.weekend = {};
  spec.calendar.holidays = {D(2027, 12, 24), D(2027, 1, 1)};
  spec.calendar.hours = {TimeRange{0, 60}, TimeRange{60, 24 * 60}};
  spec.calendar.timezone = "-05:30";
  spec.people = {Person{PersonId("p/1~x"), "Zoë \"Z\" O'Neil\n\t\\", Role::kPm},
                 Person{PersonId("ae 2"), "", Role::kAe},
                 Person{PersonId("lead"), "李", Role::kLead}};
  spec.accounts = {Account{AccountId("a,1"), "Ünïcode", "platinum", PersonId("ae 2")},
                   Account{AccountId("bare"), "", "", PersonId()}};
  Project p1;
  p1.id = ProjectId("P\"1");
  p1.name = "";
  p1.account = AccountId("a,1");
  p1.pm = PersonId("p/1~x");
  p1.start = D(2027, 1, 2);
  p1.milestones.push_back(Milestone{MilestoneId("m,1"), "Check", 0, true, PersonId("lead"), {}});
  p1.milestones.push_back(
      Milestone{MilestoneId("m\n2"), "", 100000, false, PersonId(), {{MilestoneId("m,1"), 7}}});
  Project p2;
  p2.id = ProjectId("P2");
  p2.start = D(2027, 1, 4);
  p2.milestones.push_back(
      Milestone{MilestoneId("z"), "z", 3, false, PersonId(), {{MilestoneId("m,1"), 0}}});
  spec.projects = {p1, p2};

  absl::StatusOr<Portfolio> a = Portfolio::Create(spec);
  ASSERT_TRUE(a.ok()) << a.status();
  absl::StatusOr<Scenario> reread = ParseScenario(WriteScenario(spec));
  ASSERT_TRUE(reread.ok()) << reread.status();
  ExpectSameSpec(spec, reread->portfolio);
  absl::StatusOr<Portfolio> b = Portfolio::Create(reread->portfolio);
  ASSERT_TRUE(b.ok()) << b.status();
  EXPECT_EQ(a->Schedule(), b->Schedule());
}

TEST(ScenarioRoundTripTest, PortfolioToSpecWritesAnEquivalentScenario) {
  absl::StatusOr<Portfolio> a = LoadPortfolio(ReadOrDie(kData + "/good/small.json"));
  ASSERT_TRUE(a.ok()) << a.status();
  absl::StatusOr<Portfolio> b = LoadPortfolio(WriteScenario(a->ToSpec()));
  ASSERT_TRUE(b.ok()) << b.status();
  EXPECT_EQ(a->Schedule(), b->Schedule());
}

// WriteScenario is a plain function over any spec a host builds; bytes that are not UTF-8 in a
// display name must not escape as an exception.
TEST(ScenarioRoundTripTest, WriteScenarioDoesNotThrowOnNonUtf8Names) {
  PortfolioSpec spec;
  Project p;
  p.id = ProjectId("P1");
  p.name = std::string("caf\xe9", 4);  // Latin-1
  p.start = D(2027, 1, 4);
  spec.projects.push_back(p);
  std::string written;
  EXPECT_NO_THROW(written = WriteScenario(spec));
  EXPECT_THAT(written, HasSubstr("\"P1\""));
}

// --- hostile input -----------------------------------------------------------------------------

TEST(ScenarioRobustnessTest, RejectsDeeplyNestedArraysWithoutCrashing) {
  const std::string deep = std::string(10000, '[') + std::string(10000, ']');
  absl::Status s = ParseScenario(deep).status();
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(s.message()), HasSubstr("nested deeper than"));

  const std::string in_events = R"({"calendar": {}, "projects": [], "events": )" +
                                std::string(10000, '[') + std::string(10000, ']') + "}";
  s = ParseScenario(in_events).status();
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(s.message()), HasSubstr("nested deeper than"));

  std::string objects;
  for (int i = 0; i < 10000; ++i) objects += R"({"a":)";
  objects += "1" + std::string(10000, '}');
  s = ParseScenario(objects).status();
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);

  // Unterminated: the limit applies before the end of input is noticed.
  s = ParseScenario(std::string(100000, '[')).status();
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
}

TEST(ScenarioRobustnessTest, AcceptsModeratelyNestedEvents) {
  const std::string doc = R"({"calendar": {}, "projects": [], "events": [)" + std::string(20, '[') +
                          std::string(20, ']') + "]}";
  absl::StatusOr<Scenario> sc = ParseScenario(doc);
  EXPECT_TRUE(sc.ok()) << sc.status();
}

// Checking members for repeats must stay linear: one object with 100000 members (1.7 MB) parses
// in a fraction of a second when it is; a quadratic check takes about 15 s (Release).
TEST(ScenarioRobustnessTest, ParsesAnObjectWithManyMembersQuickly) {
  std::string doc = R"({"calendar": {}, "projects": [], "routing": {)";
  for (int i = 0; i < 100000; ++i) {
    if (i > 0) doc += ", ";
    doc += "\"k" + std::to_string(i) + "\": " + std::to_string(i);
  }
  doc += "}}";
  const auto start = std::chrono::steady_clock::now();
  absl::StatusOr<Scenario> sc = ParseScenario(doc);
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  EXPECT_TRUE(sc.ok()) << sc.status();
  EXPECT_LT(seconds, 5.0);
}

bool IsDocumentedError(absl::StatusCode code) {
  switch (code) {
    case absl::StatusCode::kInvalidArgument:
    case absl::StatusCode::kNotFound:
    case absl::StatusCode::kAlreadyExists:
    case absl::StatusCode::kFailedPrecondition:
    case absl::StatusCode::kOutOfRange:
      return true;
    default:
      return false;
  }
}

// Random byte edits of a valid scenario (fixed seed): the reader never crashes and either
// accepts the document or returns one of the documented error codes. An accepted document
// writes out and reads back to the same spec.
TEST(ScenarioRobustnessTest, RandomByteMutationsNeverCrash) {
  const std::string base = ReadOrDie(kData + "/good/small.json");
  ASSERT_FALSE(base.empty());
  std::mt19937 rng(20270104);
  static constexpr char kInteresting[] = "{}[],:\"\\-0123456789eE.+ tfn\0\xff";
  const std::string interesting(kInteresting, sizeof(kInteresting) - 1);
  int accepted = 0, rejected = 0;
  std::map<absl::StatusCode, int> by_code;
  for (int iter = 0; iter < 4000; ++iter) {
    std::string doc = base;
    const int edits = 1 + static_cast<int>(rng() % 4);
    for (int e = 0; e < edits && !doc.empty(); ++e) {
      const size_t pos = rng() % doc.size();
      const char byte = (rng() % 2 == 0) ? interesting[rng() % interesting.size()]
                                         : static_cast<char>(rng() % 256);
      switch (rng() % 5) {
        case 0:  // overwrite
          doc[pos] = byte;
          break;
        case 1:  // insert
          doc.insert(doc.begin() + static_cast<std::ptrdiff_t>(pos), byte);
          break;
        case 2:  // delete a short run
          doc.erase(pos, 1 + rng() % 8);
          break;
        case 3: {  // duplicate a short run elsewhere
          const size_t len = 1 + rng() % 32;
          const std::string chunk = doc.substr(pos, len);
          doc.insert(rng() % (doc.size() + 1), chunk);
          break;
        }
        default:  // change a digit (durations, lags, dates)
          for (size_t i = pos; i < doc.size(); ++i) {
            if (doc[i] >= '0' && doc[i] <= '9') {
              doc[i] = static_cast<char>('0' + rng() % 10);
              break;
            }
          }
          break;
      }
    }
    SCOPED_TRACE(::testing::Message() << "iteration " << iter);
    absl::StatusOr<Scenario> sc = ParseScenario(doc);
    if (!sc.ok()) {
      EXPECT_TRUE(IsDocumentedError(sc.status().code())) << sc.status() << "\n" << doc;
      ++rejected;
      ++by_code[sc.status().code()];
      continue;
    }
    absl::StatusOr<Portfolio> p = Portfolio::Create(sc->portfolio);
    if (!p.ok()) {
      EXPECT_TRUE(IsDocumentedError(p.status().code())) << p.status() << "\n" << doc;
      ++rejected;
      ++by_code[p.status().code()];
      continue;
    }
    ++accepted;
    (void)p->Schedule();
    const std::string written = WriteScenario(sc->portfolio);
    absl::StatusOr<Scenario> reread = ParseScenario(written);
    ASSERT_TRUE(reread.ok()) << reread.status() << "\n" << written;
    EXPECT_EQ(WriteScenario(reread->portfolio), written);
  }
  // The mutations exercise both paths and several error kinds.
  EXPECT_GT(accepted, 50);
  EXPECT_GT(rejected, 1000);
  EXPECT_GE(by_code.size(), 3u);
}

}  // namespace
}  // namespace handoff
