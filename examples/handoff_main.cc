// The `handoff` command-line tool. Contracts: spec SCENARIO.md ("Command-line contracts").
//
// Exit status: 0 success; 2 bad input or usage (message on stderr naming the file, the JSON
// location and the reason); 1 internal error.
#include <algorithm>
#include <cstdio>
#include <exception>
#include <filesystem>
#include <functional>
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
    "  demo [FILE]                        print each project's schedule and critical path, then\n"
    "                                     replay the events and print who told whom what,\n"
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
       "Events are decoded and applied one at a time: the first malformed or rejected event\n"
       "stops the run with exit status 2 (its JSON location and the reason on stderr, the\n"
       "lines before it on stdout); with --keep-going each one is reported on stderr and the\n"
       "run goes on (exit status 2 at the end).\n"
       "--db PATH (a durable SQLite journal) is not available in this version.\n"},
      {"demo",
       "usage: handoff demo [FILE]\n"
       "\n"
       "Prints, readable by a person, each project's schedule, slack and critical path; then\n"
       "replays the scenario's events through a workspace and prints every routed message in\n"
       "delivery order (when, who told whom what, SLA deadlines, forecast changes and their\n"
       "cause), and a summary: messages per person, open items with their next due instant,\n"
       "each project's health. A rejected event stops the replay with exit status 2.\n"
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

// Decodes and applies a scenario's events in order, one at a time, so that a malformed event
// is rejected like any other: it is reported on stderr with the file, its JSON pointer
// (`/events/1/priority`) and the reason. The first rejected event stops the replay unless
// `keep_going`. `before(i, command)` runs just before event i is applied (sinks called during
// the Apply see that event as the current one); `flush()` runs before an error is reported, so
// that stdout holds everything before it. Returns kOk, or the exit status for the rejected
// events (2, or 1 for an internal error).
int ReplayEvents(const std::string& file, const handoff::Scenario& scenario, handoff::Workspace& ws,
                 bool keep_going,
                 const std::function<void(size_t, const handoff::Command&)>& before,
                 const std::function<void()>& flush) {
  nlohmann::json events = nlohmann::json::parse(scenario.events_json, nullptr,
                                                /*allow_exceptions=*/false);
  if (!events.is_array()) {
    flush();
    return Fail(file, absl::InternalError("/events: not an array after parsing"));
  }
  int status = kOk;
  for (size_t i = 0; i < events.size(); ++i) {
    const std::string pointer = "/events/" + std::to_string(i);
    absl::StatusOr<handoff::Command> command =
        handoff::ParseCommandJson(events[i].dump(), ws.time_zone(), pointer);
    absl::Status applied;
    if (!command.ok()) {
      applied = command.status();  // the message starts with the pointer already
    } else {
      before(i, *command);
      absl::Status s = ws.Apply(*command);
      if (!s.ok()) {
        applied = absl::Status(s.code(), EventPointer(i, s) + ": " + std::string(s.message()));
      }
    }
    if (applied.ok()) continue;
    flush();
    int code = Fail(file, applied);
    if (!keep_going) return code;
    status = std::max(status, code);
  }
  return status;
}

int RunEvents(const std::vector<std::string>& args) {
  std::string file;
  bool keep_going = false;
  for (size_t i = 0; i < args.size(); ++i) {
    if (args[i] == "--keep-going") {
      keep_going = true;
    } else if (args[i] == "--db" || args[i].rfind("--db=", 0) == 0) {
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
  std::string out;
  const handoff::TimeZone& zone = (*ws)->time_zone();
  auto flush = [&out] {
    std::fwrite(out.data(), 1, out.size(), stdout);
    out.clear();
    std::fflush(stdout);
  };
  (*ws)->AddSink([&out, &zone](const handoff::Message& m) {
    out += handoff::MessageToJson(m, zone);
    out += '\n';
    if (out.size() > (1 << 16)) {
      std::fwrite(out.data(), 1, out.size(), stdout);
      out.clear();
    }
  });
  int status = ReplayEvents(
      file, *scenario, **ws, keep_going, [](size_t, const handoff::Command&) {}, flush);
  flush();
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

// --- demo: the conversation ----------------------------------------------------------------

// One delivered message and the event whose Apply delivered it.
struct Delivered {
  handoff::Message message;
  size_t event = 0;
};

// Renders routed messages for a person to read: names instead of ids, local times with their
// weekday, one block per message. Works on the `handoff run` JSON form of a message, so that
// the items of a digest render the same way.
class Narrator {
 public:
  Narrator(const handoff::PortfolioSpec& spec, const handoff::Workspace& ws)
      : ws_(ws), zone_(ws.time_zone()) {
    for (const handoff::Person& p : spec.people) people_[p.id.value()] = p;
    for (const handoff::Account& a : spec.accounts) account_names_[a.id.value()] = a.name;
  }

  // "Tue 2027-01-05 12:00" from an ISO instant in the calendar's zone (seconds when not 0).
  std::string When(const std::string& iso) const {
    if (iso.size() < 19) return iso;
    std::string out = Day(iso.substr(0, 10)) + " " + iso.substr(11, 5);
    if (iso.substr(17, 2) != "00") out += iso.substr(16, 3);
    return out;
  }
  std::string When(handoff::Instant t) const { return When(handoff::FormatInstant(t, zone_)); }
  // "Wed 2027-03-31" from an ISO date.
  std::string Day(const std::string& iso_date) const {
    absl::StatusOr<handoff::Date> d = handoff::ParseIsoDate(iso_date);
    if (!d.ok()) return iso_date;
    return std::string(handoff::WeekdayName(handoff::WeekdayOf(*d))) + " " + iso_date;
  }
  // "Li Wei (PM)".
  std::string Person(const std::string& id) const {
    auto it = people_.find(id);
    if (it == people_.end()) return id;
    std::string role = it->second.role == handoff::Role::kPm   ? "PM"
                       : it->second.role == handoff::Role::kAe ? "AE"
                                                               : "lead";
    return (it->second.name.empty() ? id : it->second.name) + " (" + role + ")";
  }
  // "P1.M5 Design review with customer".
  std::string Milestone(const std::string& id) const {
    absl::StatusOr<handoff::Milestone> m = ws_.portfolio().GetMilestone(handoff::MilestoneId(id));
    if (!m.ok() || m->name.empty()) return id;
    return id + " " + m->name;
  }
  // "Store app (P1)".
  std::string Project(const std::string& id) const {
    absl::StatusOr<handoff::Project> p = ws_.portfolio().GetProject(handoff::ProjectId(id));
    if (!p.ok() || p->name.empty()) return id;
    return p->name + " (" + id + ")";
  }
  std::string Account(const std::string& id) const {
    auto it = account_names_.find(id);
    return it == account_names_.end() || it->second.empty() ? id : it->second;
  }

  // The lines that say what message `m` (its JSON object) tells its recipient, without the
  // header. `indent` starts every line.
  void Describe(const nlohmann::json& m, const std::string& indent, std::string* out) const {
    const std::string kind = Str(m, "kind");
    const std::string feedback = Str(m, "feedback");
    std::vector<std::string> lines;
    if (kind == "feedback_logged") {
      std::string line =
          absl::StrFormat("%s %s \"%s\" (%s, %s)", Words(Str(m, "feedback_kind")), feedback,
                          Str(m, "text"), Str(m, "channel"), Str(m, "priority"));
      if (m.contains("due") && m["due"].is_string()) {
        line += " — first response due " + When(Str(m, "due"));
      }
      lines.push_back(line);
      if (m.contains("policy")) lines.push_back("SLA policy \"" + Str(m, "policy") + "\"");
    } else if (kind == "sla_warning" || kind == "sla_breached" || kind == "escalated") {
      const std::string clock = Words(Str(m, "clock"));
      const std::string due =
          m.contains("due") && m["due"].is_string() ? When(Str(m, "due")) : std::string("-");
      if (kind == "sla_warning") {
        lines.push_back(absl::StrFormat("SLA warning: %s %s is due %s", feedback, clock, due));
      } else if (kind == "sla_breached") {
        lines.push_back(absl::StrFormat("SLA BREACHED: %s %s was due %s", feedback, clock, due));
      } else {
        lines.push_back(absl::StrFormat("ESCALATED (level %s) to %s: %s %s was due %s",
                                        Str(m, "level"), Person(Str(m, "escalated_to")), feedback,
                                        clock, due));
      }
      lines.push_back(
          absl::StrFormat("SLA policy \"%s\", priority %s", Str(m, "policy"), Str(m, "priority")));
    } else if (kind == "forecast_changed") {
      const nlohmann::json& slip = m.value("slip_days", nlohmann::json(0));
      const nlohmann::json& behind = m.value("baseline_slip_days", nlohmann::json(0));
      lines.push_back(absl::StrFormat("forecast changed: %s %s → %s (%s working day%s; %s)",
                                      Milestone(Str(m, "milestone")), Day(Str(m, "old_finish")),
                                      Day(Str(m, "new_finish")), Signed(slip), Plural(slip),
                                      Baseline(behind)));
      lines.push_back("cause: " + Cause(m.value("cause", nlohmann::json::object())));
    } else if (kind == "milestone_started" || kind == "milestone_done" ||
               kind == "milestone_blocked") {
      std::string what = kind == "milestone_started" ? "milestone started"
                         : kind == "milestone_done"  ? "milestone done"
                                                     : "milestone BLOCKED";
      std::string line = what + ": " + Milestone(Str(m, "milestone"));
      if (m.contains("percent")) line += ", " + m["percent"].dump() + "% complete";
      line += kind == "milestone_done" ? ", finished " : ", forecast finish ";
      line += Day(Str(m, "finish"));
      lines.push_back(line);
      if (kind != "milestone_done") {
        lines.push_back(Baseline(m.value("baseline_slip_days", nlohmann::json(0))));
      }
    } else if (kind == "risk_raised" || kind == "risk_closed") {
      std::string head = kind == "risk_raised" ? "risk raised" : "risk closed";
      if (m.contains("risk")) {
        lines.push_back(absl::StrFormat("%s: %s \"%s\" (%s severity)", head, Str(m, "risk"),
                                        Str(m, "text"), Str(m, "severity")));
      } else {
        lines.push_back(
            absl::StrFormat("%s: %s (%s severity)", head, Str(m, "source"), Str(m, "severity")));
      }
      std::string list;
      for (const nlohmann::json& id : m.value("milestones", nlohmann::json::array())) {
        list += list.empty() ? "" : ", ";
        list += Milestone(id.is_string() ? id.get<std::string>() : id.dump());
      }
      lines.push_back(
          (kind == "risk_raised" ? "threatens customer-visible " : "no longer threatens ") +
          (list.empty() ? std::string("nothing") : list));
    } else if (kind == "health_changed") {
      lines.push_back(absl::StrFormat("health of %s: %s → %s", Project(Str(m, "project")),
                                      Str(m, "previous"), Str(m, "health")));
      lines.push_back((m.value("overridden", false) ? "override by the PM: " : "computed: ") +
                      Str(m, "reason"));
    } else if (kind == "change_accepted") {
      lines.push_back(absl::StrFormat("change request %s accepted and re-planned", feedback));
      if (m.contains("text")) lines.push_back("\"" + Str(m, "text") + "\"");
      for (const nlohmann::json& mv : m.value("moved", nlohmann::json::array())) {
        lines.push_back(absl::StrFormat("moves %s %s → %s", Milestone(Str(mv, "milestone")),
                                        Day(Str(mv, "old_finish")), Day(Str(mv, "new_finish"))));
      }
      for (const nlohmann::json& nm : m.value("added", nlohmann::json::array())) {
        lines.push_back(absl::StrFormat("adds %s, forecast %s", Milestone(Str(nm, "milestone")),
                                        Day(Str(nm, "finish"))));
      }
    } else if (kind == "feedback_responded") {
      lines.push_back(absl::StrFormat("response on %s: \"%s\"", feedback, Str(m, "text")));
      lines.push_back("state " + Str(m, "state") + "; first response given");
    } else if (kind == "feedback_state_changed") {
      lines.push_back(absl::StrFormat("%s %s → %s%s", feedback, Words(Str(m, "previous_state")),
                                      Words(Str(m, "state")),
                                      m.contains("text") ? ": \"" + Str(m, "text") + "\"" : ""));
    } else if (kind == "customer_replied") {
      lines.push_back(
          absl::StrFormat("the customer replied on %s: \"%s\"", feedback, Str(m, "text")));
      lines.push_back("back to " + Words(Str(m, "state")) + "; the SLA clocks run again");
    } else if (kind == "feedback_closed") {
      lines.push_back(feedback + " closed: the customer confirmed the resolution");
    } else if (kind == "feedback_reopened") {
      lines.push_back(absl::StrFormat("%s REOPENED: \"%s\"", feedback, Str(m, "text")));
      lines.push_back("back to " + Words(Str(m, "state")) + "; the resolution clock runs again");
    } else if (kind == "feedback_priority_changed") {
      lines.push_back(absl::StrFormat("%s priority %s → %s", feedback, Str(m, "previous_priority"),
                                      Str(m, "priority")));
    } else if (kind == "project_closed") {
      lines.push_back("project " + Project(Str(m, "project")) + " closed");
    } else if (kind == "digest") {
      lines.push_back("digest of " + m.value("count", nlohmann::json(0)).dump() + " messages:");
    } else {
      lines.push_back(kind + " " + m.dump());
    }
    for (const std::string& line : lines) {
      *out += indent;
      *out += line;
      *out += '\n';
    }
    // What it is about, when the lines above do not say it.
    std::string about;
    if (!Str(m, "milestone").empty() && kind != "forecast_changed" &&
        kind.rfind("milestone_", 0) != 0) {
      about = Milestone(Str(m, "milestone")) + " · ";
    }
    if (!Str(m, "project").empty() && kind != "health_changed" && kind != "project_closed") {
      about += Project(Str(m, "project"));
      if (!Str(m, "account").empty()) about += " · " + Account(Str(m, "account"));
      *out += indent;
      *out += "about " + about + '\n';
    }
    if (kind == "digest") {
      for (const nlohmann::json& item : m.value("items", nlohmann::json::array())) {
        *out += indent + "- " + When(Str(item, "at")) + ":\n";
        Describe(item, indent + "  ", out);
      }
    }
  }

 private:
  static std::string Str(const nlohmann::json& m, const char* key) {
    auto it = m.find(key);
    if (it == m.end() || it->is_null()) return std::string();
    return it->is_string() ? it->get<std::string>() : it->dump();
  }
  // "change_request" -> "change request".
  static std::string Words(std::string s) {
    std::replace(s.begin(), s.end(), '_', ' ');
    return s;
  }
  static std::string Signed(const nlohmann::json& n) {
    int64_t v = n.is_number_integer() ? n.get<int64_t>() : 0;
    return v > 0 ? "+" + std::to_string(v) : std::to_string(v);
  }
  static std::string Plural(const nlohmann::json& n) {
    return n.is_number_integer() && (n.get<int64_t>() == 1 || n.get<int64_t>() == -1) ? "" : "s";
  }
  static std::string Baseline(const nlohmann::json& n) {
    int64_t v = n.is_number_integer() ? n.get<int64_t>() : 0;
    if (v == 0) return "on baseline";
    return absl::StrFormat("%d working day%s %s baseline", v < 0 ? -v : v,
                           v == 1 || v == -1 ? "" : "s", v > 0 ? "behind" : "ahead of");
  }
  std::string Cause(const nlohmann::json& c) const {
    const std::string kind = Str(c, "kind");
    if (c.contains("description")) return Str(c, "description");
    if (kind == "milestone") {
      return Milestone(Str(c, "milestone")) + " reported " + Words(Str(c, "status"));
    }
    if (kind == "change_request") return "change request " + Str(c, "feedback") + " accepted";
    return c.dump();
  }

  const handoff::Workspace& ws_;
  const handoff::TimeZone& zone_;
  std::map<std::string, handoff::Person> people_;
  std::map<std::string, std::string> account_names_;
};

// Who a message comes from: the acting person of the event that delivered it, or handoff
// itself for what its clocks and computations send (SLA timers, computed health, forecasts
// moved by the passing of time, digests).
std::string Sender(const handoff::Message& m, const handoff::Command& event,
                   const Narrator& narrator) {
  if (m.kind == "sla_warning" || m.kind == "sla_breached" || m.kind == "escalated") {
    return "SLA clock";
  }
  if (m.kind == "digest") return "handoff (digest)";
  if (m.kind == "health_changed") {
    for (const auto& [name, value] : m.fields) {
      if (name == "overridden" && value == "true") return narrator.Person(event.by.value());
    }
    return "handoff (computed health)";
  }
  if (m.kind == "forecast_changed") {
    for (const auto& [name, value] : m.fields) {
      if (name == "cause" && value.find("\"as_of\"") != std::string::npos) {
        return "handoff (forecast)";
      }
    }
  }
  return narrator.Person(event.by.value());
}

// What the events left open: feedback items, risks, each project's health and end date.
void Summarize(const handoff::Scenario& scenario, const handoff::Workspace& ws,
               const Narrator& narrator, const std::vector<Delivered>& delivered,
               const std::vector<handoff::Command>& applied, std::string* out) {
  const handoff::PortfolioSpec& spec = scenario.portfolio;
  std::optional<handoff::Instant> now = ws.last_instant();
  absl::StrAppendFormat(out, "\n== Summary after %d events%s\n", applied.size(),
                        now ? " (last " + narrator.When(*now) + ")" : "");
  *out += "messages per person:\n";
  for (const handoff::Person& p : spec.people) {
    size_t n = std::count_if(delivered.begin(), delivered.end(),
                             [&](const Delivered& d) { return d.message.to == p.id; });
    absl::StrAppendFormat(out, "   %-24s %3d\n", narrator.Person(p.id.value()), n);
  }

  std::vector<std::string> feedback, risks;
  std::map<std::string, std::string> feedback_text;
  std::map<std::string, bool> risk_open;
  std::map<std::string, std::string> overrides;  // project -> reason of its health override
  for (const handoff::Command& c : applied) {
    if (const auto* lf = std::get_if<handoff::LogFeedback>(&c.payload)) {
      feedback.push_back(lf->id.value());
      feedback_text[lf->id.value()] = lf->text;
    } else if (const auto* rr = std::get_if<handoff::RaiseRisk>(&c.payload)) {
      risks.push_back(rr->id.value());
      risk_open[rr->id.value()] = true;
    } else if (const auto* cr = std::get_if<handoff::CloseRisk>(&c.payload)) {
      risk_open[cr->risk.value()] = false;
    } else if (const auto* sh = std::get_if<handoff::SetHealth>(&c.payload)) {
      if (sh->health) {
        overrides[sh->project.value()] = sh->reason;
      } else {
        overrides.erase(sh->project.value());
      }
    }
  }
  auto ae_of = [&](const handoff::ProjectId& project) {
    for (const handoff::Project& p : spec.projects) {
      if (p.id != project) continue;
      for (const handoff::Account& a : spec.accounts) {
        if (a.id == p.account && !a.ae.empty()) return narrator.Person(a.ae.value());
      }
    }
    return std::string("the AE");
  };
  std::string items;
  for (const std::string& id : feedback) {
    absl::StatusOr<handoff::FeedbackView> f = ws.GetFeedback(handoff::FeedbackId(id));
    if (!f.ok() || f->state == handoff::FeedbackState::kClosed) continue;
    std::string state;
    if (f->state == handoff::FeedbackState::kResolved) {
      state = "resolved, waiting for " + ae_of(f->project) + " to confirm or reopen";
    } else {
      state = absl::StrFormat("%s, with %s", std::string(handoff::FeedbackStateName(f->state)),
                              narrator.Person(f->assignee.value()));
      std::optional<handoff::Instant> next;
      std::string next_clock;
      for (int c = 0; c < 2; ++c) {
        if (f->due[c] && (!now || *f->due[c] > *now) && (!next || *f->due[c] < *next)) {
          next = f->due[c];
          next_clock = c == 0 ? "first response" : "resolution";
        }
      }
      if (next) {
        state += "; " + next_clock + " due " + narrator.When(*next);
      } else if (f->state == handoff::FeedbackState::kWaitingOnCustomer) {
        state += "; SLA clocks paused";
      }
    }
    if (f->breached[0] || f->breached[1]) {
      state += f->breached[0] && f->breached[1] ? "; both SLAs breached"
               : f->breached[0]                 ? "; first response SLA breached"
                                                : "; resolution SLA breached";
    }
    absl::StrAppendFormat(&items, "   %s %s \"%s\" (%s, %s) on %s\n      %s\n", id,
                          std::string(handoff::FeedbackKindName(f->kind)), feedback_text[id],
                          std::string(handoff::PriorityName(f->priority)),
                          f->policy.empty() ? "no SLA policy" : "SLA \"" + f->policy + "\"",
                          narrator.Project(f->project.value()), state);
  }
  *out += "open feedback:";
  *out += items.empty() ? " none\n" : "\n" + items;
  std::string open_risks;
  for (const std::string& id : risks) {
    if (risk_open[id]) open_risks += " " + id;
  }
  *out += "open risks:" + (open_risks.empty() ? std::string(" none") : open_risks) + "\n";
  if (std::optional<handoff::Instant> wake = ws.NextWakeup()) {
    *out += "next SLA timer: " + narrator.When(*wake) + "\n";
  }
  *out += "project health:\n";
  for (const handoff::ProjectId& pid : ws.portfolio().ProjectIds()) {
    absl::StatusOr<handoff::Health> health = ws.GetHealth(pid);
    absl::StatusOr<handoff::Project> project = ws.portfolio().GetProject(pid);
    if (!health.ok() || !project.ok()) continue;
    handoff::Date end = project->start, baseline_end = project->start;
    for (const handoff::Milestone& m : project->milestones) {
      absl::StatusOr<handoff::MilestoneSchedule> row = ws.portfolio().ScheduleOf(m.id);
      if (!row.ok()) continue;
      end = std::max(end, row->finish);
      baseline_end = std::max(baseline_end, row->baseline_finish);
    }
    std::string line = absl::StrFormat("   %-34s %-5s  ends %s", narrator.Project(pid.value()),
                                       std::string(handoff::HealthName(*health)),
                                       narrator.Day(handoff::FormatIsoDate(end)));
    if (end != baseline_end) {
      line += " (baseline " + narrator.Day(handoff::FormatIsoDate(baseline_end)) + ")";
    }
    auto o = overrides.find(pid.value());
    if (o != overrides.end()) line += "; override: " + o->second;
    *out += line + "\n";
  }
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

  // The conversation: the events replayed through a Workspace, every routed message in
  // delivery order.
  absl::StatusOr<std::unique_ptr<handoff::Workspace>> ws = handoff::Workspace::Create(*scenario);
  if (!ws.ok()) {
    std::fwrite(out.data(), 1, out.size(), stdout);
    std::fflush(stdout);
    return Fail(file, ws.status());
  }
  std::vector<Delivered> delivered;
  std::vector<handoff::Command> applied;
  size_t current = 0;
  (*ws)->AddSink([&](const handoff::Message& m) { delivered.push_back({m, current}); });
  Narrator narrator(spec, **ws);
  std::string conversation;
  size_t rendered = 0;
  // Renders the messages delivered so far (names come from the portfolio as it is then).
  auto render = [&] {
    for (; rendered < delivered.size(); ++rendered) {
      const Delivered& d = delivered[rendered];
      absl::StrAppendFormat(
          &conversation, "\n#%d  %s  %s → %s\n", d.message.seq, narrator.When(d.message.at),
          Sender(d.message, applied[d.event], narrator), narrator.Person(d.message.to.value()));
      nlohmann::json j =
          nlohmann::json::parse(handoff::MessageToJson(d.message, (*ws)->time_zone()), nullptr,
                                /*allow_exceptions=*/false);
      narrator.Describe(j, "    ", &conversation);
    }
  };
  bool failed = false;
  int status = ReplayEvents(
      file, *scenario, **ws, /*keep_going=*/false,
      [&](size_t, const handoff::Command& c) {
        render();
        current = applied.size();
        applied.push_back(c);
      },
      [&] {
        failed = true;
        render();
        absl::StrAppendFormat(&out,
                              "\n== Conversation, up to the rejected event (times are local, %s)\n",
                              cal.timezone);
        std::fwrite(out.data(), 1, out.size(), stdout);
        std::fwrite(conversation.data(), 1, conversation.size(), stdout);
        std::fflush(stdout);
      });
  if (failed) return status;
  render();
  if (applied.empty()) {
    out += "\n== Conversation: the scenario has no events\n";
  } else {
    absl::StrAppendFormat(&out, "\n== Conversation: %d events, %d messages (times are local, %s)\n",
                          applied.size(), delivered.size(), cal.timezone);
    out += conversation;
    Summarize(*scenario, **ws, narrator, delivered, applied, &out);
  }
  std::fwrite(out.data(), 1, out.size(), stdout);
  return status;
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
