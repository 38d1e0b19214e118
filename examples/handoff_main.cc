// The `handoff` command-line tool. Contracts: spec SCENARIO.md ("Command-line contracts").
//
// Exit status: 0 success; 2 bad input or usage (message on stderr naming the file, the JSON
// location and the reason); 1 internal error.
#include <algorithm>
#include <cstdio>
#include <exception>
#include <filesystem>
#include <iostream>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/strings/cord.h"
#include "absl/strings/str_format.h"
#include "handoff/handoff.h"
#include "nlohmann/json.hpp"

namespace {

constexpr int kOk = 0;
constexpr int kInternal = 1;
constexpr int kBadInput = 2;

constexpr char kUsage[] =
    "usage: handoff COMMAND [ARGS]\n"
    "\n"
    "The handoff between a customer project's PM and its AE.\n"
    "\n"
    "commands:\n"
    "  schedule FILE [--format csv|json]  print every milestone's dates, slack and critical flag\n"
    "  impact FILE MILESTONE_ID           print a milestone's downstream cone as JSON\n"
    "  run FILE [--keep-going]            apply the scenario's events; print every routed\n"
    "                                     message as one JSON object per line\n"
    "  demo [FILE]                        print each project's schedule and critical path,\n"
    "                                     readable by a person (default: the bundled scenario)\n"
    "  help [COMMAND]                     print this help, or a command's\n"
    "\n"
    "exit status: 0 success, 2 bad input or usage, 1 internal error\n";

const std::map<std::string, std::string>& CommandHelp() {
  static const auto* help = new std::map<std::string, std::string>{
      {"schedule",
       "usage: handoff schedule FILE [--format csv|json]\n"
       "\n"
       "Schedules the scenario's portfolio (spec SCHEDULING.md) and prints one row per\n"
       "milestone, sorted by id (byte order).\n"
       "  --format csv   (default) header id,start,finish,slack_days,critical; ISO dates,\n"
       "                 slack an integer, critical true/false\n"
       "  --format json  the same rows as a JSON array of objects\n"},
      {"impact",
       "usage: handoff impact FILE MILESTONE_ID\n"
       "\n"
       "Prints as JSON every milestone that depends on MILESTONE_ID, transitively and across\n"
       "projects, with its project, account and customer visibility; then the customer-visible\n"
       "ones and the accounts they belong to.\n"},
      {"run",
       "usage: handoff run FILE [--keep-going] [--db PATH]\n"
       "\n"
       "Applies the scenario's events in order and prints every routed message as one JSON\n"
       "object per line, in delivery order: seq, at, to, kind, account, project, and\n"
       "milestone / feedback / risk where it concerns one (SLA messages also clock and due).\n"
       "The first rejected event stops the run with exit status 2; with --keep-going each\n"
       "rejected event is reported on stderr and the run goes on (exit status 2 at the end).\n"
       "--db PATH (a durable SQLite journal) is not available in this version.\n"},
      {"demo",
       "usage: handoff demo [FILE]\n"
       "\n"
       "Prints, readable by a person, each project's schedule, slack and critical path.\n"
       "Without FILE it uses the bundled scenario of a small agency.\n"},
      {"help", "usage: handoff help [COMMAND]\n"},
  };
  return *help;
}

int Usage(const std::string& message) {
  std::cerr << "handoff: " << message << "\n\n" << kUsage;
  return kBadInput;
}

// Maps a library error to an exit status: bad input is 2, anything else 1.
int Fail(const std::string& file, const absl::Status& status) {
  std::cerr << "handoff: " << (file.empty() ? "" : file + ": ") << status.message() << "\n";
  switch (status.code()) {
    case absl::StatusCode::kInvalidArgument:
    case absl::StatusCode::kNotFound:
    case absl::StatusCode::kAlreadyExists:
    case absl::StatusCode::kFailedPrecondition:
    case absl::StatusCode::kPermissionDenied:
    case absl::StatusCode::kOutOfRange:
      return kBadInput;
    default:
      return kInternal;
  }
}

// Reads FILE. A file that is missing, unreadable or a directory is bad input (2); the message
// names it.
absl::StatusOr<std::string> ReadInput(const std::string& file) {
  std::error_code ec;
  if (std::filesystem::is_directory(file, ec)) {
    return absl::InvalidArgumentError(file + ": is a directory, not a scenario file");
  }
  absl::StatusOr<std::string> text = handoff::ReadTextFile(file);
  if (!text.ok()) return absl::InvalidArgumentError(text.status().message());
  return text;
}

absl::StatusOr<handoff::Portfolio> Load(const std::string& file) {
  absl::StatusOr<std::string> text = ReadInput(file);
  if (!text.ok()) return text.status();
  return handoff::LoadPortfolio(*text);
}

int LoadFailed(const std::string& file, const absl::Status& status) {
  // ReadTextFile's messages already start with the path.
  bool has_path = status.message().substr(0, file.size()) == file;
  return Fail(has_path ? "" : file, status);
}

int Schedule(const std::vector<std::string>& args) {
  std::string file, format = "csv";
  for (size_t i = 0; i < args.size(); ++i) {
    if (args[i] == "--format") {
      if (i + 1 >= args.size()) return Usage("schedule: --format needs csv or json");
      format = args[++i];
    } else if (args[i].rfind("--format=", 0) == 0) {
      format = args[i].substr(9);
    } else if (!args[i].empty() && args[i][0] == '-' && args[i] != "-") {
      return Usage("schedule: unknown option " + args[i]);
    } else if (file.empty()) {
      file = args[i];
    } else {
      return Usage("schedule: more than one FILE");
    }
  }
  if (file.empty()) return Usage("schedule: FILE is required");
  if (format != "csv" && format != "json") {
    return Usage("schedule: --format must be csv or json, not \"" + format + "\"");
  }
  absl::StatusOr<handoff::Portfolio> portfolio = Load(file);
  if (!portfolio.ok()) return LoadFailed(file, portfolio.status());
  std::vector<handoff::MilestoneSchedule> rows = portfolio->Schedule();
  std::string out;
  if (format == "csv") {
    out.reserve(rows.size() * 48 + 40);
    out += "id,start,finish,slack_days,critical\n";
    for (const handoff::MilestoneSchedule& r : rows) {
      // Ids are written as they are; an id with a comma, quote or newline is quoted (RFC 4180).
      const std::string& id = r.id.value();
      if (id.find_first_of(",\"\r\n") != std::string::npos) {
        out += '"';
        for (char c : id) {
          if (c == '"') out += '"';
          out += c;
        }
        out += '"';
      } else {
        out += id;
      }
      absl::StrAppendFormat(&out, ",%s,%s,%d,%s\n", handoff::FormatIsoDate(r.start),
                            handoff::FormatIsoDate(r.finish), r.slack_days,
                            r.critical ? "true" : "false");
    }
  } else {
    nlohmann::ordered_json arr = nlohmann::ordered_json::array();
    for (const handoff::MilestoneSchedule& r : rows) {
      arr.push_back({{"id", r.id.value()},
                     {"start", handoff::FormatIsoDate(r.start)},
                     {"finish", handoff::FormatIsoDate(r.finish)},
                     {"slack_days", r.slack_days},
                     {"critical", r.critical}});
    }
    out = arr.dump(2) + "\n";
  }
  std::fwrite(out.data(), 1, out.size(), stdout);
  return kOk;
}

// "/events/17" plus the rejected field when the error names one ("/events/17/milestone").
std::string EventPointer(size_t index, const absl::Status& status) {
  std::string pointer = "/events/" + std::to_string(index);
  auto field = status.GetPayload(handoff::kErrorFieldPayload);  // absl::optional<absl::Cord>
  if (field) {
    pointer += '/';
    pointer += std::string(*field);
  }
  return pointer;
}

int RunEvents(const std::vector<std::string>& args) {
  std::string file;
  bool keep_going = false;
  for (size_t i = 0; i < args.size(); ++i) {
    if (args[i] == "--keep-going") {
      keep_going = true;
    } else if (args[i] == "--db") {
      return Usage("run: --db: the durable journal is not available in this version");
    } else if (!args[i].empty() && args[i][0] == '-') {
      return Usage("run: unknown option " + args[i]);
    } else if (file.empty()) {
      file = args[i];
    } else {
      return Usage("run: more than one FILE");
    }
  }
  if (file.empty()) return Usage("run: FILE is required");
  absl::StatusOr<std::string> text = ReadInput(file);
  if (!text.ok()) return LoadFailed(file, text.status());
  absl::StatusOr<handoff::Scenario> scenario = handoff::ParseScenario(*text);
  if (!scenario.ok()) return Fail(file, scenario.status());
  absl::StatusOr<std::unique_ptr<handoff::Workspace>> ws = handoff::Workspace::Create(*scenario);
  if (!ws.ok()) return Fail(file, ws.status());
  absl::StatusOr<std::vector<handoff::Command>> events =
      handoff::ParseCommandsJson(scenario->events_json, (*ws)->time_zone());
  if (!events.ok()) return Fail(file, events.status());
  std::string out;
  const handoff::TimeZone& zone = (*ws)->time_zone();
  (*ws)->AddSink([&out, &zone](const handoff::Message& m) {
    out += handoff::MessageToJson(m, zone);
    out += '\n';
    if (out.size() > (1 << 16)) {
      std::fwrite(out.data(), 1, out.size(), stdout);
      out.clear();
    }
  });
  int status = kOk;
  for (size_t i = 0; i < events->size(); ++i) {
    absl::Status applied = (*ws)->Apply((*events)[i]);
    if (applied.ok()) continue;
    std::fwrite(out.data(), 1, out.size(), stdout);
    out.clear();
    std::fflush(stdout);
    int code = Fail(file, absl::Status(applied.code(), EventPointer(i, applied) + ": " +
                                                           std::string(applied.message())));
    if (!keep_going) return code;
    status = std::max(status, code == kInternal ? kInternal : kBadInput);
  }
  std::fwrite(out.data(), 1, out.size(), stdout);
  return status;
}

int Impact(const std::vector<std::string>& args) {
  if (args.size() != 2) return Usage("impact: needs FILE and MILESTONE_ID");
  absl::StatusOr<handoff::Portfolio> portfolio = Load(args[0]);
  if (!portfolio.ok()) return LoadFailed(args[0], portfolio.status());
  absl::StatusOr<handoff::Impact> impact = portfolio->ImpactOf(handoff::MilestoneId(args[1]));
  if (!impact.ok()) return Fail(args[0], impact.status());
  nlohmann::ordered_json out;
  out["milestone"] = impact->milestone.value();
  out["downstream"] = nlohmann::ordered_json::array();
  for (const handoff::ImpactEntry& e : impact->downstream) {
    nlohmann::ordered_json o;
    o["id"] = e.id.value();
    o["project"] = e.project.value();
    if (e.account.empty()) {
      o["account"] = nullptr;
    } else {
      o["account"] = e.account.value();
    }
    o["customer_visible"] = e.customer_visible;
    out["downstream"].push_back(std::move(o));
  }
  out["customer_visible"] = nlohmann::ordered_json::array();
  for (const handoff::MilestoneId& id : impact->customer_visible) {
    out["customer_visible"].push_back(id.value());
  }
  out["accounts"] = nlohmann::ordered_json::array();
  for (const handoff::AccountId& id : impact->accounts) out["accounts"].push_back(id.value());
  std::cout << out.dump(2) << "\n";
  return kOk;
}

std::string Display(const std::string& name, const std::string& id) {
  return name.empty() ? id : name + " (" + id + ")";
}

int Demo(const std::vector<std::string>& args) {
  if (args.size() > 1) return Usage("demo: takes at most one FILE");
  const std::string file = args.empty() ? HANDOFF_DEMO_SCENARIO : args[0];
  absl::StatusOr<std::string> text = ReadInput(file);
  if (!text.ok()) return LoadFailed(file, text.status());
  absl::StatusOr<handoff::Scenario> scenario = handoff::ParseScenario(*text);
  if (!scenario.ok()) return Fail(file, scenario.status());
  absl::StatusOr<handoff::Portfolio> portfolio = handoff::Portfolio::Create(scenario->portfolio);
  if (!portfolio.ok()) return Fail(file, portfolio.status());

  const handoff::PortfolioSpec& spec = scenario->portfolio;
  std::map<std::string, std::string> person_names, account_names;
  for (const handoff::Person& p : spec.people) person_names[p.id.value()] = p.name;
  for (const handoff::Account& a : spec.accounts) account_names[a.id.value()] = a.name;
  auto person = [&](const handoff::PersonId& id) {
    return id.empty() ? std::string("(none)") : Display(person_names[id.value()], id.value());
  };

  std::string out;
  absl::StrAppendFormat(&out, "handoff demo: %d projects, %d milestones (%s)\n",
                        portfolio->project_count(), portfolio->milestone_count(), file);
  const handoff::CalendarSpec& cal = portfolio->calendar().spec();
  out += "calendar: weekend";
  for (handoff::Weekday d : cal.weekend) (out += " ") += handoff::WeekdayName(d);
  out += "; hours";
  for (const handoff::TimeRange& r : cal.hours) {
    out += " ";
    out += handoff::FormatTimeRange(r);
  }
  absl::StrAppendFormat(&out, "; time zone %s; %d holidays\n", cal.timezone, cal.holidays.size());

  for (const handoff::ProjectId& pid : portfolio->ProjectIds()) {
    handoff::Project project = *portfolio->GetProject(pid);
    std::vector<handoff::MilestoneSchedule> rows;
    for (const handoff::Milestone& m : project.milestones) {
      rows.push_back(*portfolio->ScheduleOf(m.id));
    }
    handoff::Date end = project.start;
    for (const auto& r : rows) end = std::max(end, r.finish);
    std::string account = project.account.empty() ? "(no account)"
                                                  : Display(account_names[project.account.value()],
                                                            project.account.value());
    absl::StrAppendFormat(&out, "\n== %s — account %s, PM %s\n", Display(project.name, pid.value()),
                          account, person(project.pm));
    absl::StrAppendFormat(&out, "   starts %s, ends %s, %d milestones\n",
                          handoff::FormatIsoDate(project.start), handoff::FormatIsoDate(end),
                          rows.size());
    absl::StrAppendFormat(&out, "   %-10s %-28s %-10s %-10s %5s\n", "id", "milestone", "start",
                          "finish", "slack");
    for (size_t i = 0; i < rows.size(); ++i) {
      const handoff::Milestone& m = project.milestones[i];
      std::string flags;
      if (rows[i].critical) flags += "critical";
      if (m.customer_visible) flags += flags.empty() ? "customer" : ", customer";
      if (m.duration_days == 0) flags += flags.empty() ? "checkpoint" : ", checkpoint";
      std::string name = m.name.size() > 28 ? m.name.substr(0, 27) + "~" : m.name;
      std::string line =
          absl::StrFormat("   %-10s %-28s %-10s %-10s %5d  %s", m.id.value(), name,
                          handoff::FormatIsoDate(rows[i].start),
                          handoff::FormatIsoDate(rows[i].finish), rows[i].slack_days, flags);
      line.erase(line.find_last_not_of(' ') + 1);
      out += line;
      out += '\n';
    }
    std::vector<handoff::MilestoneId> path = *portfolio->CriticalPath(pid);
    out += "   critical path:";
    for (size_t i = 0; i < path.size(); ++i) {
      out += i == 0 ? " " : " -> ";
      out += path[i].value();
    }
    out += "\n";
  }
  std::fwrite(out.data(), 1, out.size(), stdout);
  return kOk;
}

int Run(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  if (args.empty()) return Usage("a COMMAND is required");
  const std::string command = args[0];
  args.erase(args.begin());
  if (command == "--help" || command == "-h" || command == "help") {
    if (!args.empty()) {
      auto it = CommandHelp().find(args[0]);
      if (it == CommandHelp().end()) return Usage("help: unknown command \"" + args[0] + "\"");
      std::cout << it->second;
      return kOk;
    }
    std::cout << kUsage;
    return kOk;
  }
  auto help = CommandHelp().find(command);
  if (help == CommandHelp().end()) return Usage("unknown command \"" + command + "\"");
  if (std::find(args.begin(), args.end(), "--help") != args.end() ||
      std::find(args.begin(), args.end(), "-h") != args.end()) {
    std::cout << help->second;
    return kOk;
  }
  if (command == "schedule") return Schedule(args);
  if (command == "impact") return Impact(args);
  if (command == "run") return RunEvents(args);
  if (command == "demo") return Demo(args);
  return Usage("unknown command \"" + command + "\"");
}

}  // namespace

int main(int argc, char** argv) {
  try {
    return Run(argc, argv);
  } catch (const std::exception& e) {
    std::cerr << "handoff: internal error: " << e.what() << "\n";
    return kInternal;
  } catch (...) {
    std::cerr << "handoff: internal error\n";
    return kInternal;
  }
}
