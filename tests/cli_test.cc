// End-to-end tests of the `handoff` command-line tool (spec SCENARIO.md, "Command-line
// contracts"): exit statuses, error messages that name the file, the JSON location and the
// reason, and the exact output of `schedule` and `impact` on a hand-checked scenario.
//
// The tool runs as a child process (posix_spawn) with stdout and stderr redirected to separate
// temporary files, so both streams and the exit status are captured independently.
#include <fcntl.h>
#include <spawn.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <set>
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
using ::testing::EndsWith;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Not;
using ::testing::StartsWith;

using handoff::testing::kCli;
const std::string kData = HANDOFF_TEST_DATA;
const std::string kSmall = kData + "/good/small.json";

using handoff::testing::RunCli;
using handoff::testing::RunResult;
using handoff::testing::Slurp;

// --- malformed scenarios --------------------------------------------------------------------

// One malformed scenario in tests/data/bad and what `handoff schedule` must say about it.
struct BadCase {
  const char* file;      // under tests/data/bad
  const char* location;  // the JSON pointer (or "line L, column C" for a syntax error)
  const char* reason;    // a substring of the reason after the location
  // When false, `location` is only a prefix of the location (the exact column is not pinned).
  bool exact_location = true;
};

void PrintTo(const BadCase& c, std::ostream* os) { *os << c.file; }

const BadCase kBadCases[] = {
    // JSON syntax.
    {"syntax_trailing_comma.json", "line 5, column 57",
     "invalid JSON: syntax error while parsing value - unexpected ']'"},
    {"syntax_truncated.json", "line 5, column 1", "invalid JSON: syntax error"},
    // Too deep a document names the JSON pointer of the container past the limit.
    {"nested_too_deep.json",
     "/events/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/"
     "0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0",
     "invalid JSON: nested deeper than 64 levels"},
    // Document shape.
    {"top_level_array.json", "/", "must be an object, got an array"},
    {"missing_calendar.json", "/", "missing required member \"calendar\""},
    {"missing_projects.json", "/", "missing required member \"projects\""},
    {"format_wrong.json", "/format",
     "unsupported format \"handoff-scenario/2\" (expected \"handoff-scenario/1\")"},
    {"events_not_array.json", "/events", "must be an array, got an object"},
    // Milestone members.
    {"duration_string.json", "/projects/0/milestones/1/duration_days",
     "must be an integer, got a string"},
    {"duration_float.json", "/projects/0/milestones/0/duration_days",
     "must be an integer, got a number"},
    {"duration_huge_integer.json", "/projects/0/milestones/0/duration_days",
     "integer 4294967296 is out of range"},
    {"missing_duration.json", "/projects/0/milestones/1",
     "missing required member \"duration_days\""},
    // A member repeated in one object is named at its second occurrence.
    {"member_twice.json", "/projects/0/milestones/0/duration_days",
     "member \"duration_days\" appears twice in one object"},
    {"member_unknown.json", "/projects/0/milestones/1/duration",
     "unknown member \"duration\" (expected one of: id, name, duration_days, customer_visible, "
     "owner, depends_on)"},
    {"milestone_id_empty.json", "/projects/0/milestones/1/id", "must be a non-empty id"},
    {"customer_visible_string.json", "/projects/0/milestones/0/customer_visible",
     "must be true or false, got a string"},
    {"depends_on_not_array.json", "/projects/0/milestones/1/depends_on",
     "must be an array, got a string"},
    // Values out of range.
    {"negative_duration.json", "/projects/0/milestones/1/duration_days",
     "milestone \"P1.M2\": duration_days -1 is out of range (0 to 100000)"},
    {"duration_too_large.json", "/projects/0/milestones/0/duration_days",
     "milestone \"P1.M1\": duration_days 100001 is out of range (0 to 100000)"},
    {"negative_lag.json", "/projects/0/milestones/1/depends_on/0/lag_days",
     "milestone \"P1.M2\": depends_on \"P1.M1\": lag_days -2 is out of range (0 to 100000)"},
    {"lag_too_large.json", "/projects/0/milestones/1/depends_on/0/lag_days",
     "milestone \"P1.M2\": depends_on \"P1.M1\": lag_days 100001 is out of range (0 to 100000)"},
    // A finish past 9999-12-31 must name the milestone whose finish overflows.
    {"finish_after_9999.json", "/projects/0/milestones/1",
     "milestone \"P1.M2\": its finish would fall after 9999-12-31"},
    // Dates and the calendar.
    {"date_nonexistent.json", "/projects/0/start", "date 2027-02-30 does not exist"},
    {"date_bad_format.json", "/projects/0/start",
     "\"2027/01/04\" is not an ISO date (expected YYYY-MM-DD)"},
    {"holiday_bad_date.json", "/calendar/holidays/1", "date 2027-13-01 does not exist"},
    {"weekday_unknown.json", "/calendar/weekend/1",
     "unknown weekday \"Sunday\" (expected Mon, Tue, Wed, Thu, Fri, Sat, Sun)"},
    {"weekend_all_seven.json", "/calendar/weekend", "lists all seven days"},
    {"weekend_day_twice.json", "/calendar/weekend/2", "\"Sat\" is listed twice"},
    {"hours_overlap.json", "/calendar/hours/1",
     "\"12:00-18:00\" overlaps or precedes \"09:00-12:30\""},
    {"hours_reversed.json", "/calendar/hours/0",
     "time range \"18:00-09:00\" ends before it begins"},
    {"hours_empty.json", "/calendar/hours", "is empty"},
    {"timezone_bad.json", "/calendar/timezone",
     "time zone \"+25:00\": is neither a fixed offset (\"+08:00\", \"-05:30\", \"Z\") nor a POSIX "
     "rule"},
    // People and accounts.
    {"role_unknown.json", "/people/1/role", "unknown role \"sales\" (expected pm, ae, lead)"},
    {"duplicate_person_id.json", "/people/1/id", "person \"li.pm\": duplicate id"},
    {"account_unknown.json", "/projects/0/account",
     "project \"P1\": account \"acme\": unknown account"},
    {"account_ae_is_pm.json", "/accounts/0/ae",
     "account \"acme\": ae \"li.pm\": has role pm, not ae"},
    {"pm_unknown.json", "/projects/0/pm", "project \"P1\": pm \"wang.pm\": unknown person"},
    // Ids and links.
    {"duplicate_project_id.json", "/projects/1/id", "project \"P1\": duplicate id"},
    {"duplicate_milestone_id.json", "/projects/1/milestones/1/id",
     "milestone \"P1.M2\": duplicate id"},
    {"depends_unknown_id.json", "/projects/0/milestones/1/depends_on/1/id",
     "milestone \"P1.M2\": depends_on \"P1.M9\": unknown id"},
    {"depends_self.json", "/projects/0/milestones/1/depends_on/0/id",
     "milestone \"P1.M2\": depends_on \"P1.M2\": a milestone cannot depend on itself"},
    {"depends_twice.json", "/projects/0/milestones/1/depends_on/1/id",
     "milestone \"P1.M2\": depends_on \"P1.M1\": a second link to the same predecessor"},
    // A cycle is named from its smallest id, read "depends on"; the location is that
    // milestone's link to the next one in the cycle.
    {"cycle_two.json", "/projects/0/milestones/1/depends_on/1/id",
     "milestone \"P1.M2\": dependency cycle P1.M2 -> P1.M5 -> P1.M2"},
    {"cycle_three_across_projects.json", "/projects/0/milestones/1/depends_on/1/id",
     "milestone \"P1.M2\": dependency cycle P1.M2 -> P2.M3 -> P2.M1 -> P1.M2"},
};

class CliBadScenarioTest : public ::testing::TestWithParam<BadCase> {};

TEST_P(CliBadScenarioTest, ExitsTwoNamingFileLocationAndReason) {
  const BadCase& c = GetParam();
  const std::string path = kData + "/bad/" + c.file;
  ASSERT_TRUE(std::filesystem::exists(path)) << path;
  RunResult r = RunCli({"schedule", path});
  EXPECT_EQ(r.status, 2) << r.err;
  EXPECT_THAT(r.out, IsEmpty());
  // One line: "handoff: FILE: LOCATION: REASON".
  const std::string prefix = "handoff: " + path + ": " + c.location;
  EXPECT_THAT(r.err, StartsWith(c.exact_location ? prefix + ": " : prefix));
  EXPECT_THAT(r.err, HasSubstr(c.reason));
  EXPECT_THAT(r.err, EndsWith("\n"));
  EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
}

TEST_P(CliBadScenarioTest, ImpactRejectsTheSameFileWithTheSameMessage) {
  const BadCase& c = GetParam();
  const std::string path = kData + "/bad/" + c.file;
  RunResult schedule = RunCli({"schedule", path});
  RunResult impact = RunCli({"impact", path, "P1.M1"});
  EXPECT_EQ(impact.status, 2) << impact.err;
  EXPECT_THAT(impact.out, IsEmpty());
  EXPECT_EQ(impact.err, schedule.err);
}

std::string BadCaseName(const ::testing::TestParamInfo<BadCase>& info) {
  std::string name = info.param.file;
  name = name.substr(0, name.find('.'));
  return name;
}

INSTANTIATE_TEST_SUITE_P(BadFiles, CliBadScenarioTest, ::testing::ValuesIn(kBadCases), BadCaseName);

TEST(CliBadScenarioTableTest, EveryBadFileHasAnExpectation) {
  std::set<std::string> listed;
  for (const BadCase& c : kBadCases) {
    EXPECT_TRUE(listed.insert(c.file).second) << "listed twice: " << c.file;
  }
  std::set<std::string> on_disk;
  for (const auto& entry : std::filesystem::directory_iterator(kData + "/bad")) {
    on_disk.insert(entry.path().filename().string());
  }
  EXPECT_EQ(listed, on_disk);
  EXPECT_GE(on_disk.size(), 18u);
}

// --- usage ------------------------------------------------------------------------------------

TEST(CliUsageTest, HelpListsEveryCommandAndExitsZero) {
  for (const char* flag : {"--help", "-h", "help"}) {
    RunResult r = RunCli({flag});
    EXPECT_EQ(r.status, 0) << flag;
    EXPECT_THAT(r.err, IsEmpty()) << flag;
    EXPECT_THAT(r.out, AllOf(StartsWith("usage: handoff COMMAND"), HasSubstr("  schedule FILE"),
                             HasSubstr("  impact FILE MILESTONE_ID"), HasSubstr("  demo [FILE]"),
                             HasSubstr("  help [COMMAND]"), HasSubstr("exit status")))
        << flag;
  }
}

TEST(CliUsageTest, CommandHelpPrintsThatCommandsUsage) {
  RunResult r = RunCli({"schedule", "--help"});
  EXPECT_EQ(r.status, 0);
  EXPECT_THAT(r.err, IsEmpty());
  EXPECT_THAT(r.out, AllOf(StartsWith("usage: handoff schedule FILE [--format csv|json]\n"),
                           HasSubstr("--format csv"), HasSubstr("--format json")));
  // `help schedule` and `schedule -h` print the same text.
  EXPECT_EQ(RunCli({"help", "schedule"}).out, r.out);
  EXPECT_EQ(RunCli({"schedule", "-h"}).out, r.out);
  // --help wins over the other arguments, even a file that does not exist.
  EXPECT_EQ(RunCli({"schedule", "/nonexistent/x.json", "--help"}).out, r.out);

  RunResult impact = RunCli({"impact", "--help"});
  EXPECT_EQ(impact.status, 0);
  EXPECT_THAT(impact.out, StartsWith("usage: handoff impact FILE MILESTONE_ID\n"));
  RunResult demo = RunCli({"help", "demo"});
  EXPECT_EQ(demo.status, 0);
  EXPECT_THAT(demo.out, StartsWith("usage: handoff demo [FILE]\n"));
}

TEST(CliUsageTest, NoCommandExitsTwoWithUsage) {
  RunResult r = RunCli({});
  EXPECT_EQ(r.status, 2);
  EXPECT_THAT(r.out, IsEmpty());
  EXPECT_THAT(r.err, AllOf(StartsWith("handoff: a COMMAND is required\n"),
                           HasSubstr("usage: handoff COMMAND")));
}

TEST(CliUsageTest, UnknownCommandExitsTwoNamingIt) {
  RunResult r = RunCli({"frobnicate", kSmall});
  EXPECT_EQ(r.status, 2);
  EXPECT_THAT(r.out, IsEmpty());
  EXPECT_THAT(r.err, AllOf(StartsWith("handoff: unknown command \"frobnicate\"\n"),
                           HasSubstr("usage: handoff COMMAND")));
}

TEST(CliUsageTest, HelpForUnknownCommandExitsTwo) {
  RunResult r = RunCli({"help", "frobnicate"});
  EXPECT_EQ(r.status, 2);
  EXPECT_THAT(r.out, IsEmpty());
  EXPECT_THAT(r.err, HasSubstr("unknown command \"frobnicate\""));
}

TEST(CliUsageTest, ScheduleWithoutFileExitsTwo) {
  RunResult r = RunCli({"schedule"});
  EXPECT_EQ(r.status, 2);
  EXPECT_THAT(r.out, IsEmpty());
  EXPECT_THAT(r.err, StartsWith("handoff: schedule: FILE is required\n"));
}

TEST(CliUsageTest, ScheduleWithTwoFilesExitsTwo) {
  RunResult r = RunCli({"schedule", kSmall, kSmall});
  EXPECT_EQ(r.status, 2);
  EXPECT_THAT(r.out, IsEmpty());
  EXPECT_THAT(r.err, StartsWith("handoff: schedule: more than one FILE\n"));
}

TEST(CliUsageTest, NonexistentFileExitsTwoNamingIt) {
  const std::string missing = kData + "/good/does_not_exist.json";
  for (const std::vector<std::string>& args : {std::vector<std::string>{"schedule", missing},
                                               std::vector<std::string>{"impact", missing, "P1.M1"},
                                               std::vector<std::string>{"demo", missing}}) {
    RunResult r = RunCli(args);
    EXPECT_EQ(r.status, 2) << args[0];
    EXPECT_THAT(r.out, IsEmpty()) << args[0];
    EXPECT_EQ(r.err, "handoff: " + missing + ": no such file\n") << args[0];
  }
}

// A directory is not a scenario: the message must say the file cannot be read, not blame the
// JSON of an "empty" document.
TEST(CliUsageTest, DirectoryAsFileExitsTwoSayingItCannotBeRead) {
  const std::string dir = kData + "/good";
  RunResult r = RunCli({"schedule", dir});
  EXPECT_EQ(r.status, 2) << r.err;
  EXPECT_THAT(r.out, IsEmpty());
  EXPECT_THAT(r.err, StartsWith("handoff: " + dir + ": "));
  EXPECT_THAT(r.err, Not(HasSubstr("invalid JSON")));
  EXPECT_THAT(r.err, HasSubstr("directory"));
}

TEST(CliUsageTest, UnknownFormatExitsTwoNamingIt) {
  for (const std::vector<std::string>& args :
       {std::vector<std::string>{"schedule", kSmall, "--format", "xml"},
        std::vector<std::string>{"schedule", "--format=xml", kSmall}}) {
    RunResult r = RunCli(args);
    EXPECT_EQ(r.status, 2);
    EXPECT_THAT(r.out, IsEmpty());
    EXPECT_THAT(r.err,
                StartsWith("handoff: schedule: --format must be csv or json, not \"xml\"\n"));
  }
}

TEST(CliUsageTest, FormatWithoutValueExitsTwo) {
  RunResult r = RunCli({"schedule", kSmall, "--format"});
  EXPECT_EQ(r.status, 2);
  EXPECT_THAT(r.out, IsEmpty());
  EXPECT_THAT(r.err, StartsWith("handoff: schedule: --format needs csv or json\n"));
}

TEST(CliUsageTest, UnknownOptionExitsTwo) {
  RunResult r = RunCli({"schedule", kSmall, "--verbose"});
  EXPECT_EQ(r.status, 2);
  EXPECT_THAT(r.out, IsEmpty());
  EXPECT_THAT(r.err, StartsWith("handoff: schedule: unknown option --verbose\n"));
}

TEST(CliUsageTest, ImpactWithoutMilestoneExitsTwo) {
  RunResult r = RunCli({"impact", kSmall});
  EXPECT_EQ(r.status, 2);
  EXPECT_THAT(r.out, IsEmpty());
  EXPECT_THAT(r.err, StartsWith("handoff: impact: needs FILE and MILESTONE_ID\n"));
}

TEST(CliUsageTest, ImpactOfUnknownMilestoneExitsTwoNamingIt) {
  RunResult r = RunCli({"impact", kSmall, "P9.M9"});
  EXPECT_EQ(r.status, 2);
  EXPECT_THAT(r.out, IsEmpty());
  EXPECT_EQ(r.err, "handoff: " + kSmall + ": milestone \"P9.M9\": unknown id\n");
}

// --- schedule on a hand-checked scenario -------------------------------------------------------

// tests/data/good/small.json, derived by hand from SCHEDULING.md.
//
// Calendar: weekend Sat/Sun, holidays 2027-01-01 (Fri, before every start) and 2027-01-18 (Mon).
// 2027-01-04 is a Monday. Working days, numbered from 2027-01-04:
//   W0 01-04  W1 01-05  W2 01-06  W3 01-07  W4 01-08
//   W5 01-11  W6 01-12  W7 01-13  W8 01-14  W9 01-15
//   (01-18 holiday)  W10 01-19  W11 01-20  W12 01-21  W13 01-22  W14 01-25
// Points: START(k) = 2k, END(k) = 2k+1; first(START(k)) = k, first(END(k)) = k+1;
// p (+) 0 = p; p (+) L = END(first(p) + L - 1).
// P1 starts Sun 2027-01-03, rolls forward to W0: START(0) = 0.
// P2 starts Wed 2027-01-06 = W2: START(2) = 4.
//
// Forward pass (ES, EF as points; ESi = first(ES), EFi = ESi + d):
//   P1.M1 d0                 ES = 0                         date W0 01-04      ESi 0  EFi 0
//   P1.M2 d5  <- M1 L0       ES = max(0, 0) = 0, f = 0      W0..W4 01-04..08   EF = END(4) = 9
//                                                                              ESi 0  EFi 5
//   P1.M6 d2                 ES = 0, f = 0                  W0..W1 01-04..05   EF = END(1) = 3
//                                                                              ESi 0  EFi 2
//   P2.M0 d0  <- P1.M6 L0    ES = max(START(2)=4, 3) = 4 (START(2) beats END(1) at equal working
//                            time, so the checkpoint dates W2 01-06, not 01-05)  ESi 2  EFi 2
//   P2.M1 d3  <- P2.M0 L0    ES = 4, f = 2                  W2..W4 01-06..08   EF = 9
//                                                                              ESi 2  EFi 5
//   P2.M2 d2  <- P2.M1 L0    9
//             <- P1.M2 L3    END(first(9) + 3 - 1) = END(7) = 15
//                            ES = 15, f = 8                 W8..W9 01-14..15   EF = END(9) = 19
//                            (the 4th working day after P1.M2's finish)        ESi 8  EFi 10
//   P2.M3 d8  <- P2.M1 L0    ES = 9, f = 5                  W5..W12 01-11..21  EF = END(12) = 25
//                                                                              ESi 5  EFi 13
//   P1.M3 d4  <- P1.M2 L2    ES = END(5 + 2 - 1) = 13, f = 7
//                            W7..W10 01-13..19 (skips the 01-18 holiday)       EF = END(10) = 21
//                                                                              ESi 7  EFi 11
//   P1.M4 d0  <- P1.M3 L0 (21), <- P2.M2 L0 (19): ES = 21 = END(10)
//                            a checkpoint on its predecessor's finish day W10 01-19
//                                                                              ESi 11 EFi 11
//   P1.M5 d3  <- P1.M4 L0    ES = 21, f = 11                W11..W13 01-20..22 ESi 11 EFi 14
//                            (the checkpoint uses up no day)
//   P1.M7 d1  <- P1.M3 L0    ES = 21, f = 11                W11 01-20          ESi 11 EFi 12
//
// end(P1) = max(0, 5, 11, 11, 14, 2, 12) = 14;  end(P2) = max(2, 5, 10, 13) = 13.
//
// Backward pass (LFi = min(end(P), min over successors LSi(s) - L); LSi = LFi - d):
//   P1.M5  LF 14                                   LS 11  slack 11 - 11 = 0
//   P1.M7  LF 14                                   LS 13  slack 13 - 11 = 2
//   P1.M4  LF min(14, 11 - 0) = 11                 LS 11  slack 0
//   P1.M3  LF min(14, M4: 11 - 0, M7: 13 - 0) = 11 LS 7   slack 0
//   P2.M3  LF 13                                   LS 5   slack 0
//   P2.M2  LF min(13, P1.M4: 11 - 0) = 11          LS 9   slack 9 - 8 = 1  (bound by the
//                                                         successor in the other project)
//   P2.M1  LF min(13, P2.M2: 9 - 0, P2.M3: 5 - 0) = 5   LS 2  slack 0
//   P2.M0  LF min(13, P2.M1: 2 - 0) = 2            LS 2   slack 0
//   P1.M6  LF min(14, P2.M0: 2 - 0) = 2            LS 0   slack 0
//   P1.M2  LF min(14, P1.M3: 7 - 2, P2.M2: 9 - 3) = 5   LS 0  slack 0
//   P1.M1  LF min(14, P1.M2: 0 - 0) = 0            LS 0   slack 0
constexpr char kSmallCsv[] =
    "id,start,finish,slack_days,critical\n"
    "P1.M1,2027-01-04,2027-01-04,0,true\n"
    "P1.M2,2027-01-04,2027-01-08,0,true\n"
    "P1.M3,2027-01-13,2027-01-19,0,true\n"
    "P1.M4,2027-01-19,2027-01-19,0,true\n"
    "P1.M5,2027-01-20,2027-01-22,0,true\n"
    "P1.M6,2027-01-04,2027-01-05,0,true\n"
    "P1.M7,2027-01-20,2027-01-20,2,false\n"
    "P2.M0,2027-01-06,2027-01-06,0,true\n"
    "P2.M1,2027-01-06,2027-01-08,0,true\n"
    "P2.M2,2027-01-14,2027-01-15,1,false\n"
    "P2.M3,2027-01-11,2027-01-21,0,true\n";

TEST(CliScheduleTest, CsvMatchesHandDerivedSchedule) {
  RunResult r = RunCli({"schedule", kSmall, "--format", "csv"});
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_THAT(r.err, IsEmpty());
  EXPECT_EQ(r.out, kSmallCsv);
}

TEST(CliScheduleTest, CsvIsTheDefaultFormat) {
  RunResult r = RunCli({"schedule", kSmall});
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(r.out, kSmallCsv);
  EXPECT_EQ(RunCli({"schedule", "--format=csv", kSmall}).out, kSmallCsv);
}

TEST(CliScheduleTest, JsonHasTheSameRowsAsCsv) {
  RunResult r = RunCli({"schedule", kSmall, "--format", "json"});
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_THAT(r.err, IsEmpty());
  nlohmann::json rows = nlohmann::json::parse(r.out, nullptr, /*allow_exceptions=*/false);
  ASSERT_TRUE(rows.is_array()) << r.out;

  std::istringstream csv(kSmallCsv);
  std::string line;
  std::getline(csv, line);  // header
  size_t i = 0;
  while (std::getline(csv, line)) {
    ASSERT_LT(i, rows.size());
    std::vector<std::string> f;
    std::stringstream ls(line);
    for (std::string cell; std::getline(ls, cell, ',');) f.push_back(cell);
    ASSERT_EQ(f.size(), 5u);
    const nlohmann::json expected = {{"id", f[0]},
                                     {"start", f[1]},
                                     {"finish", f[2]},
                                     {"slack_days", std::stoi(f[3])},
                                     {"critical", f[4] == "true"}};
    EXPECT_EQ(rows[i], expected) << "row " << i;
    ++i;
  }
  EXPECT_EQ(i, rows.size());
  // Members in the CSV column order.
  std::vector<std::string> keys;
  const nlohmann::ordered_json first = nlohmann::ordered_json::parse(r.out)[0];
  for (auto it = first.begin(); it != first.end(); ++it) keys.push_back(it.key());
  EXPECT_EQ(keys, (std::vector<std::string>{"id", "start", "finish", "slack_days", "critical"}));
  EXPECT_EQ(RunCli({"schedule", "--format=json", kSmall}).out, r.out);
}

// Rows sort by id as byte strings (upper case before lower case, "M10" before "M2"); an id with a
// comma or a quote is quoted as in RFC 4180.
TEST(CliScheduleTest, CsvSortsIdsByBytesAndQuotesSpecialIds) {
  const std::string path = ::testing::TempDir() + "/handoff_cli_test_ids.json";
  {
    std::ofstream out(path, std::ios::binary);
    out << R"({"calendar": {}, "projects": [{"id": "P", "start": "2027-01-04", "milestones": [
      {"id": "a,b", "duration_days": 1}, {"id": "Z", "duration_days": 1},
      {"id": "M2", "duration_days": 1}, {"id": "Q\"x", "duration_days": 1},
      {"id": "a", "duration_days": 1}, {"id": "M10", "duration_days": 1}]}]})";
  }
  RunResult r = RunCli({"schedule", path});
  std::remove(path.c_str());
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(r.out,
            "id,start,finish,slack_days,critical\n"
            "M10,2027-01-04,2027-01-04,0,true\n"
            "M2,2027-01-04,2027-01-04,0,true\n"
            "\"Q\"\"x\",2027-01-04,2027-01-04,0,true\n"
            "Z,2027-01-04,2027-01-04,0,true\n"
            "a,2027-01-04,2027-01-04,0,true\n"
            "\"a,b\",2027-01-04,2027-01-04,0,true\n");
}

// The downstream cone of P1.M2: P1.M3 (link), P1.M4 and P1.M7 (after P1.M3), P1.M5 (after P1.M4),
// and P2.M2 in the other project (link with lag 3); P1.M4 and P2.M2 are customer visible, in
// accounts acme and beta.
constexpr char kImpactP1M2[] = R"({
  "milestone": "P1.M2",
  "downstream": [
    {
      "id": "P1.M3",
      "project": "P1",
      "account": "acme",
      "customer_visible": false
    },
    {
      "id": "P1.M4",
      "project": "P1",
      "account": "acme",
      "customer_visible": true
    },
    {
      "id": "P1.M5",
      "project": "P1",
      "account": "acme",
      "customer_visible": false
    },
    {
      "id": "P1.M7",
      "project": "P1",
      "account": "acme",
      "customer_visible": false
    },
    {
      "id": "P2.M2",
      "project": "P2",
      "account": "beta",
      "customer_visible": true
    }
  ],
  "customer_visible": [
    "P1.M4",
    "P2.M2"
  ],
  "accounts": [
    "acme",
    "beta"
  ]
}
)";

TEST(CliImpactTest, PrintsDownstreamConeAcrossProjects) {
  RunResult r = RunCli({"impact", kSmall, "P1.M2"});
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_THAT(r.err, IsEmpty());
  EXPECT_EQ(r.out, kImpactP1M2);
}

TEST(CliImpactTest, ConeOfAnotherProjectsPredecessorComesBackThroughTheLink) {
  // P1.M6 -> P2.M0 -> P2.M1 -> {P2.M2 -> P1.M4 -> P1.M5, P2.M3}.
  RunResult r = RunCli({"impact", kSmall, "P1.M6"});
  EXPECT_EQ(r.status, 0) << r.err;
  nlohmann::json j = nlohmann::json::parse(r.out);
  std::vector<std::string> ids;
  for (const auto& e : j["downstream"]) ids.push_back(e["id"]);
  EXPECT_EQ(ids, (std::vector<std::string>{"P1.M4", "P1.M5", "P2.M0", "P2.M1", "P2.M2", "P2.M3"}));
  EXPECT_EQ(j["customer_visible"], (nlohmann::json{"P1.M4", "P2.M2"}));
  EXPECT_EQ(j["accounts"], (nlohmann::json{"acme", "beta"}));
}

TEST(CliImpactTest, LastMilestoneHasAnEmptyCone) {
  RunResult r = RunCli({"impact", kSmall, "P1.M5"});
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(r.out,
            "{\n  \"milestone\": \"P1.M5\",\n  \"downstream\": [],\n  \"customer_visible\": [],\n"
            "  \"accounts\": []\n}\n");
}

TEST(CliDeterminismTest, RepeatedRunsAreByteIdentical) {
  const std::vector<std::vector<std::string>> commands = {
      {"schedule", kSmall},
      {"schedule", kSmall, "--format", "json"},
      {"impact", kSmall, "P1.M2"},
      {"demo", kSmall},
  };
  for (const auto& args : commands) {
    RunResult a = RunCli(args), b = RunCli(args);
    EXPECT_EQ(a.status, 0) << args[0] << ": " << a.err;
    EXPECT_FALSE(a.out.empty()) << args[0];
    EXPECT_EQ(a.out, b.out) << args[0];
    EXPECT_EQ(a.err, b.err) << args[0];
  }
}

TEST(CliDemoTest, PrintsEachProjectsCriticalPath) {
  RunResult r = RunCli({"demo", kSmall});
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_THAT(r.err, IsEmpty());
  // Critical paths by hand (SCHEDULING.md): P1 ends with P1.M5 (EFi 14 = end(P1)), then
  // P1.M4 (EFi 11 + 0 = ESi 11), P1.M3 (11 + 0), P1.M2 (5 + 2 = 7), P1.M1 (0 + 0). P2 ends with
  // P2.M3 (EFi 13), then P2.M1 (5 + 0 = 5), P2.M0 (2 + 0 = 2); P1.M6 is in another project.
  EXPECT_THAT(r.out, HasSubstr("handoff demo: 2 projects, 11 milestones"));
  EXPECT_THAT(r.out, HasSubstr("critical path: P1.M1 -> P1.M2 -> P1.M3 -> P1.M4 -> P1.M5\n"));
  EXPECT_THAT(r.out, HasSubstr("critical path: P2.M0 -> P2.M1 -> P2.M3\n"));
}

TEST(CliDemoTest, RunsOnTheBundledScenario) {
  RunResult r = RunCli({"demo"});
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_THAT(r.err, IsEmpty());
  EXPECT_THAT(r.out, AllOf(StartsWith("handoff demo: "), HasSubstr("critical path:")));
  EXPECT_EQ(RunCli({"demo", HANDOFF_DEMO_SCENARIO}).out, r.out);
  EXPECT_EQ(RunCli({"demo"}).out, r.out);

  RunResult schedule = RunCli({"schedule", HANDOFF_DEMO_SCENARIO});
  EXPECT_EQ(schedule.status, 0) << schedule.err;
  EXPECT_THAT(schedule.out, StartsWith("id,start,finish,slack_days,critical\n"));
}

}  // namespace
