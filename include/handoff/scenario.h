// File: handoff/scenario.h
//
// Scenario files (spec SCENARIO.md): one JSON document with the portfolio (calendar, people,
// accounts, projects with milestones), SLA policies and a time-ordered list of events. This
// header reads and writes the portfolio part; `events`, `sla_policies` and `routing` are
// accepted (they must be arrays / an object) and kept as raw JSON text for the layers that use
// them.
//
// Example:
//   absl::StatusOr<std::string> text = handoff::ReadTextFile("demo.json");
//   absl::StatusOr<handoff::Scenario> sc = handoff::ParseScenario(*text);
//   absl::StatusOr<handoff::Portfolio> p = handoff::Portfolio::Create(sc->portfolio);
//
// Every error names the JSON location as a JSON pointer (`/projects/0/milestones/3/duration_days`)
// and the reason; a syntax error names the line and column. Untrusted input never crashes the
// parser. Thread safety: free functions without shared state.
#ifndef HANDOFF_SCENARIO_H_
#define HANDOFF_SCENARIO_H_

#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "handoff/model.h"
#include "handoff/portfolio.h"

namespace handoff {

// The format tag a scenario may carry in its `format` field.
inline constexpr std::string_view kScenarioFormat = "handoff-scenario/1";

// A parsed scenario document.
struct Scenario {
  PortfolioSpec portfolio;
  // The `sla_policies`, `events` and `routing` members as compact JSON text ("[]" / "{}" when
  // absent), for the layers that interpret them.
  std::string sla_policies_json = "[]";
  std::string events_json = "[]";
  std::string routing_json = "{}";
};

// Parses a scenario document. Only `calendar` and `projects` are required. Returns
// InvalidArgument naming the JSON pointer and the reason for a syntax error, a missing required
// member, a member of the wrong JSON type, an unknown member (a likely typo), a bad date or time
// range, an unknown weekday, role or format tag. Reference checks (unknown ids, duplicates,
// cycles) are `Portfolio::Create`'s: its errors use the same pointers.
absl::StatusOr<Scenario> ParseScenario(std::string_view json_text);

// Parses a scenario and builds its portfolio in one step.
absl::StatusOr<Portfolio> LoadPortfolio(std::string_view json_text);

// Serializes a portfolio spec as a scenario document (format tag, calendar, people, accounts,
// projects), indented by two spaces. `ParseScenario` reads it back to an equal spec.
std::string WriteScenario(const PortfolioSpec& spec);

// Reads a whole file. NotFound when it does not exist, Unavailable (with the OS reason) when it
// cannot be read.
absl::StatusOr<std::string> ReadTextFile(const std::string& path);

}  // namespace handoff

#endif  // HANDOFF_SCENARIO_H_
