#include "handoff/scenario.h"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <initializer_list>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include "absl/container/flat_hash_set.h"
#include "nlohmann/json.hpp"
#include "src/internal/status_macros.h"
#include "src/internal/strings.h"
#include "src/io/json_reader.h"

namespace handoff {
namespace {

using nlohmann::json;
using namespace internal::json_reader;  // NOLINT: the reader helpers

// Deeper documents are rejected instead of risking the parser's stack.
constexpr int kMaxDepth = 64;

// Thrown from the parser callback (and caught in ParseScenario) to stop at the first problem.
struct Rejected {
  std::string pointer, reason;
};

absl::StatusOr<CalendarSpec> ParseCalendar(const json& j) {
  const std::string ptr = "/calendar";
  HANDOFF_RETURN_IF_ERROR(ExpectObject(j, ptr, {"weekend", "holidays", "hours", "timezone"}));
  CalendarSpec cal;
  if (const json* w = Member(j, "weekend")) {
    HANDOFF_ASSIGN_OR_RETURN(const json* arr, AsArray(*w, ptr + "/weekend"));
    cal.weekend.clear();
    for (size_t i = 0; i < arr->size(); ++i) {
      std::string p = internal::Cat(ptr, "/weekend/", i);
      HANDOFF_ASSIGN_OR_RETURN(std::string name, AsString((*arr)[i], p));
      absl::StatusOr<Weekday> day = ParseWeekday(name);
      if (!day.ok()) return Bad(p, internal::StdView(day.status().message()));
      cal.weekend.push_back(*day);
    }
  }
  if (const json* h = Member(j, "holidays")) {
    HANDOFF_ASSIGN_OR_RETURN(const json* arr, AsArray(*h, ptr + "/holidays"));
    for (size_t i = 0; i < arr->size(); ++i) {
      HANDOFF_ASSIGN_OR_RETURN(Date d, AsDate((*arr)[i], internal::Cat(ptr, "/holidays/", i)));
      cal.holidays.push_back(d);
    }
  }
  if (const json* h = Member(j, "hours")) {
    HANDOFF_ASSIGN_OR_RETURN(const json* arr, AsArray(*h, ptr + "/hours"));
    cal.hours.clear();
    for (size_t i = 0; i < arr->size(); ++i) {
      std::string p = internal::Cat(ptr, "/hours/", i);
      HANDOFF_ASSIGN_OR_RETURN(std::string text, AsString((*arr)[i], p));
      absl::StatusOr<TimeRange> range = ParseTimeRange(text);
      if (!range.ok()) return Bad(p, internal::StdView(range.status().message()));
      cal.hours.push_back(*range);
    }
  }
  HANDOFF_RETURN_IF_ERROR(OptString(j, ptr, "timezone", &cal.timezone));
  return cal;
}

absl::Status ParsePeople(const json& j, std::vector<Person>* out) {
  HANDOFF_ASSIGN_OR_RETURN(const json* arr, AsArray(j, "/people"));
  for (size_t i = 0; i < arr->size(); ++i) {
    const json& e = (*arr)[i];
    std::string ptr = internal::Cat("/people/", i);
    HANDOFF_RETURN_IF_ERROR(ExpectObject(e, ptr, {"id", "name", "role"}));
    Person p;
    HANDOFF_ASSIGN_OR_RETURN(const json* id, Required(e, ptr, "id"));
    HANDOFF_ASSIGN_OR_RETURN(std::string ids, AsId(*id, ptr + "/id"));
    p.id = PersonId(std::move(ids));
    HANDOFF_RETURN_IF_ERROR(OptString(e, ptr, "name", &p.name));
    HANDOFF_ASSIGN_OR_RETURN(const json* role, Required(e, ptr, "role"));
    HANDOFF_ASSIGN_OR_RETURN(std::string rs, AsString(*role, ptr + "/role"));
    absl::StatusOr<Role> r = ParseRole(rs);
    if (!r.ok()) return Bad(ptr + "/role", internal::StdView(r.status().message()));
    p.role = *r;
    out->push_back(std::move(p));
  }
  return absl::OkStatus();
}

absl::Status ParseAccounts(const json& j, std::vector<Account>* out) {
  HANDOFF_ASSIGN_OR_RETURN(const json* arr, AsArray(j, "/accounts"));
  for (size_t i = 0; i < arr->size(); ++i) {
    const json& e = (*arr)[i];
    std::string ptr = internal::Cat("/accounts/", i);
    HANDOFF_RETURN_IF_ERROR(ExpectObject(e, ptr, {"id", "name", "tier", "ae"}));
    Account a;
    HANDOFF_ASSIGN_OR_RETURN(const json* id, Required(e, ptr, "id"));
    HANDOFF_ASSIGN_OR_RETURN(std::string ids, AsId(*id, ptr + "/id"));
    a.id = AccountId(std::move(ids));
    HANDOFF_RETURN_IF_ERROR(OptString(e, ptr, "name", &a.name));
    HANDOFF_RETURN_IF_ERROR(OptString(e, ptr, "tier", &a.tier));
    HANDOFF_RETURN_IF_ERROR(OptId(e, ptr, "ae", &a.ae));
    out->push_back(std::move(a));
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<Milestone> internal::ParseMilestoneJson(const json& e, const std::string& ptr) {
  HANDOFF_RETURN_IF_ERROR(ExpectObject(
      e, ptr, {"id", "name", "duration_days", "customer_visible", "owner", "depends_on"}));
  Milestone m;
  HANDOFF_ASSIGN_OR_RETURN(const json* id, Required(e, ptr, "id"));
  HANDOFF_ASSIGN_OR_RETURN(std::string ids, AsId(*id, ptr + "/id"));
  m.id = MilestoneId(std::move(ids));
  HANDOFF_RETURN_IF_ERROR(OptString(e, ptr, "name", &m.name));
  HANDOFF_ASSIGN_OR_RETURN(const json* d, Required(e, ptr, "duration_days"));
  HANDOFF_ASSIGN_OR_RETURN(m.duration_days, AsInt(*d, ptr + "/duration_days"));
  if (const json* v = Member(e, "customer_visible")) {
    if (!v->is_boolean()) {
      return Bad(ptr + "/customer_visible",
                 internal::Cat("must be true or false, got ", TypeName(*v)));
    }
    m.customer_visible = v->get<bool>();
  }
  HANDOFF_RETURN_IF_ERROR(OptId(e, ptr, "owner", &m.owner));
  if (const json* deps = Member(e, "depends_on")) {
    HANDOFF_ASSIGN_OR_RETURN(const json* arr, AsArray(*deps, ptr + "/depends_on"));
    for (size_t k = 0; k < arr->size(); ++k) {
      const json& link = (*arr)[k];
      std::string lptr = internal::Cat(ptr, "/depends_on/", k);
      HANDOFF_RETURN_IF_ERROR(ExpectObject(link, lptr, {"id", "lag_days"}));
      Dependency dep;
      HANDOFF_ASSIGN_OR_RETURN(const json* lid, Required(link, lptr, "id"));
      HANDOFF_ASSIGN_OR_RETURN(std::string lids, AsId(*lid, lptr + "/id"));
      dep.id = MilestoneId(std::move(lids));
      if (const json* lag = Member(link, "lag_days")) {
        HANDOFF_ASSIGN_OR_RETURN(dep.lag_days, AsInt(*lag, lptr + "/lag_days"));
      }
      m.depends_on.push_back(std::move(dep));
    }
  }
  return m;
}

namespace {

absl::Status ParseProjects(const json& j, std::vector<Project>* out) {
  HANDOFF_ASSIGN_OR_RETURN(const json* arr, AsArray(j, "/projects"));
  out->reserve(arr->size());
  for (size_t i = 0; i < arr->size(); ++i) {
    const json& e = (*arr)[i];
    std::string ptr = internal::Cat("/projects/", i);
    HANDOFF_RETURN_IF_ERROR(
        ExpectObject(e, ptr, {"id", "name", "account", "pm", "start", "milestones"}));
    Project p;
    HANDOFF_ASSIGN_OR_RETURN(const json* id, Required(e, ptr, "id"));
    HANDOFF_ASSIGN_OR_RETURN(std::string ids, AsId(*id, ptr + "/id"));
    p.id = ProjectId(std::move(ids));
    HANDOFF_RETURN_IF_ERROR(OptString(e, ptr, "name", &p.name));
    HANDOFF_RETURN_IF_ERROR(OptId(e, ptr, "account", &p.account));
    HANDOFF_RETURN_IF_ERROR(OptId(e, ptr, "pm", &p.pm));
    HANDOFF_ASSIGN_OR_RETURN(const json* start, Required(e, ptr, "start"));
    HANDOFF_ASSIGN_OR_RETURN(p.start, AsDate(*start, ptr + "/start"));
    HANDOFF_ASSIGN_OR_RETURN(const json* ms, Required(e, ptr, "milestones"));
    HANDOFF_ASSIGN_OR_RETURN(const json* marr, AsArray(*ms, ptr + "/milestones"));
    p.milestones.reserve(marr->size());
    for (size_t k = 0; k < marr->size(); ++k) {
      HANDOFF_ASSIGN_OR_RETURN(Milestone m, internal::ParseMilestoneJson(
                                                (*marr)[k], internal::Cat(ptr, "/milestones/", k)));
      p.milestones.push_back(std::move(m));
    }
    out->push_back(std::move(p));
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<Scenario> ParseScenario(std::string_view text) {
  json doc;
  try {
    // Reject over-deep nesting before it costs stack, and a member repeated in one object (the
    // parser would silently keep the last one, hiding a likely mistake). The callback tracks the
    // JSON pointer of the value being read so both errors can name their location.
    struct Frame {
      bool object = false;
      size_t count = 0;  // arrays: index of the element being read
      std::string key;   // objects: member being read
      absl::flat_hash_set<std::string> seen;
    };
    std::vector<Frame> frames;  // reused: frames[0, depth) are live
    size_t depth = 0;
    auto pointer = [&frames, &depth] {
      std::string p;
      for (size_t i = 0; i < depth; ++i) {
        p += '/';
        p += frames[i].object ? PointerToken(frames[i].key) : std::to_string(frames[i].count);
      }
      return p;
    };
    auto element_done = [&frames, &depth] {
      if (depth > 0 && !frames[depth - 1].object) ++frames[depth - 1].count;
    };
    json::parser_callback_t check = [&](int, json::parse_event_t event, json& parsed) {
      switch (event) {
        case json::parse_event_t::object_start:
        case json::parse_event_t::array_start: {
          if (depth >= static_cast<size_t>(kMaxDepth)) {
            throw Rejected{pointer(), internal::Cat("nested deeper than ", kMaxDepth, " levels")};
          }
          if (frames.size() <= depth) frames.emplace_back();
          Frame& f = frames[depth++];
          f.object = event == json::parse_event_t::object_start;
          f.count = 0;
          f.key.clear();
          f.seen.clear();
          break;
        }
        case json::parse_event_t::key: {
          Frame& f = frames[depth - 1];
          f.key = parsed.get_ref<const std::string&>();
          if (!f.seen.insert(f.key).second) {
            throw Rejected{pointer(),
                           internal::Cat("member \"", f.key, "\" appears twice in one object")};
          }
          break;
        }
        case json::parse_event_t::object_end:
        case json::parse_event_t::array_end:
          if (depth > 0) --depth;
          element_done();
          break;
        case json::parse_event_t::value:
          element_done();
          break;
      }
      return true;
    };
    doc = json::parse(text.begin(), text.end(), check);
  } catch (const json::parse_error& e) {
    // nlohmann's message reads "... parse error at line L, column C: <reason>": keep the
    // position and the reason, drop the exception's own prefix.
    std::string what = e.what();
    size_t at = what.find("line ");
    std::string where = "line ?, column ?", reason = what;
    if (at != std::string::npos) {
      size_t colon = what.find(": ", at);
      where = what.substr(at, colon == std::string::npos ? std::string::npos : colon - at);
      if (colon != std::string::npos) reason = what.substr(colon + 2);
    }
    return absl::InvalidArgumentError(internal::Cat(where, ": invalid JSON: ", reason));
  } catch (const Rejected& r) {
    return Bad(r.pointer, internal::Cat("invalid JSON: ", r.reason));
  } catch (const json::exception& e) {
    return absl::InvalidArgumentError(internal::Cat("invalid JSON: ", e.what()));
  }
  HANDOFF_RETURN_IF_ERROR(ExpectObject(doc, "",
                                       {"format", "calendar", "people", "accounts", "projects",
                                        "sla_policies", "events", "routing"}));
  Scenario sc;
  if (const json* f = Member(doc, "format")) {
    HANDOFF_ASSIGN_OR_RETURN(std::string format, AsString(*f, "/format"));
    if (format != kScenarioFormat) {
      return Bad("/format", internal::Cat("unsupported format \"", format, "\" (expected \"",
                                          kScenarioFormat, "\")"));
    }
  }
  HANDOFF_ASSIGN_OR_RETURN(const json* cal, Required(doc, "", "calendar"));
  HANDOFF_ASSIGN_OR_RETURN(sc.portfolio.calendar, ParseCalendar(*cal));
  if (const json* people = Member(doc, "people")) {
    HANDOFF_RETURN_IF_ERROR(ParsePeople(*people, &sc.portfolio.people));
  }
  if (const json* accounts = Member(doc, "accounts")) {
    HANDOFF_RETURN_IF_ERROR(ParseAccounts(*accounts, &sc.portfolio.accounts));
  }
  HANDOFF_ASSIGN_OR_RETURN(const json* projects, Required(doc, "", "projects"));
  HANDOFF_RETURN_IF_ERROR(ParseProjects(*projects, &sc.portfolio.projects));
  if (const json* p = Member(doc, "sla_policies")) {
    HANDOFF_RETURN_IF_ERROR(AsArray(*p, "/sla_policies").status());
    sc.sla_policies_json = p->dump();
  }
  if (const json* e = Member(doc, "events")) {
    HANDOFF_RETURN_IF_ERROR(AsArray(*e, "/events").status());
    sc.events_json = e->dump();
  }
  if (const json* r = Member(doc, "routing")) {
    if (!r->is_object()) {
      return Bad("/routing", internal::Cat("must be an object, got ", TypeName(*r)));
    }
    sc.routing_json = r->dump();
  }
  return sc;
}

absl::StatusOr<Portfolio> LoadPortfolio(std::string_view json_text) {
  HANDOFF_ASSIGN_OR_RETURN(Scenario sc, ParseScenario(json_text));
  return Portfolio::Create(sc.portfolio);
}

std::string WriteScenario(const PortfolioSpec& spec) {
  using ojson = nlohmann::ordered_json;
  ojson doc;
  doc["format"] = std::string(kScenarioFormat);
  ojson cal;
  cal["weekend"] = ojson::array();
  for (Weekday d : spec.calendar.weekend) cal["weekend"].push_back(std::string(WeekdayName(d)));
  cal["holidays"] = ojson::array();
  for (Date d : spec.calendar.holidays) cal["holidays"].push_back(FormatIsoDate(d));
  cal["hours"] = ojson::array();
  for (const TimeRange& r : spec.calendar.hours) cal["hours"].push_back(FormatTimeRange(r));
  cal["timezone"] = spec.calendar.timezone;
  doc["calendar"] = std::move(cal);
  doc["people"] = ojson::array();
  for (const Person& p : spec.people) {
    ojson o;
    o["id"] = p.id.value();
    if (!p.name.empty()) o["name"] = p.name;
    o["role"] = std::string(RoleName(p.role));
    doc["people"].push_back(std::move(o));
  }
  doc["accounts"] = ojson::array();
  for (const Account& a : spec.accounts) {
    ojson o;
    o["id"] = a.id.value();
    if (!a.name.empty()) o["name"] = a.name;
    if (!a.tier.empty()) o["tier"] = a.tier;
    if (!a.ae.empty()) o["ae"] = a.ae.value();
    doc["accounts"].push_back(std::move(o));
  }
  doc["projects"] = ojson::array();
  for (const Project& p : spec.projects) {
    ojson o;
    o["id"] = p.id.value();
    if (!p.name.empty()) o["name"] = p.name;
    if (!p.account.empty()) o["account"] = p.account.value();
    if (!p.pm.empty()) o["pm"] = p.pm.value();
    o["start"] = FormatIsoDate(p.start);
    o["milestones"] = ojson::array();
    for (const Milestone& m : p.milestones) {
      ojson mo;
      mo["id"] = m.id.value();
      if (!m.name.empty()) mo["name"] = m.name;
      mo["duration_days"] = m.duration_days;
      if (m.customer_visible) mo["customer_visible"] = true;
      if (!m.owner.empty()) mo["owner"] = m.owner.value();
      mo["depends_on"] = ojson::array();
      for (const Dependency& d : m.depends_on) {
        mo["depends_on"].push_back(ojson{{"id", d.id.value()}, {"lag_days", d.lag_days}});
      }
      o["milestones"].push_back(std::move(mo));
    }
    doc["projects"].push_back(std::move(o));
  }
  // Names from a host may not be valid UTF-8: replace bad bytes rather than throw.
  return doc.dump(2, ' ', false, nlohmann::ordered_json::error_handler_t::replace) + "\n";
}

absl::StatusOr<std::string> ReadTextFile(const std::string& path) {
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec)) {
    return absl::UnavailableError(internal::Cat(path, ": is a directory"));
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    int err = errno;
    if (err == ENOENT) return absl::NotFoundError(internal::Cat(path, ": no such file"));
    return absl::UnavailableError(internal::Cat(path, ": cannot open: ", std::strerror(err)));
  }
  std::ostringstream buffer;
  buffer << in.rdbuf();
  if (in.bad()) return absl::UnavailableError(internal::Cat(path, ": read error"));
  return buffer.str();
}

}  // namespace handoff
