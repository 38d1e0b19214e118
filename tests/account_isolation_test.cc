// Account isolation, randomized with a fixed seed: 100,000 commands over 24 accounts whose
// projects depend on each other, and no message to an AE names another account's ids or
// carries its text. Every id and text of account NN contains the token "accNN". In the second
// half everyone acknowledges now and then, so messages are reused from the pool.
#include <cctype>
#include <cstdio>
#include <random>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "handoff/commands.h"
#include "handoff/scenario.h"
#include "handoff/workspace.h"
#include "nlohmann/json.hpp"

namespace handoff {
namespace {

constexpr int kAccounts = 24;
constexpr int kMilestones = 6;

std::string Acc(int a) {
  char buf[8];
  std::snprintf(buf, sizeof buf, "acc%02d", a);
  return buf;
}
std::string Pm(int a) { return absl::StrCat("pm", a); }
std::string Ae(int a) { return absl::StrCat("ae", a); }
std::string Project(int a) { return absl::StrCat(Acc(a), "-P"); }
std::string Milestone(int a, int m) { return absl::StrCat(Acc(a), "-P.M", m); }

std::string ScenarioJson() {
  using nlohmann::json;
  json doc;
  doc["calendar"] = {{"hours", {"09:00-12:00", "13:00-18:00"}}, {"timezone", "+08:00"}};
  doc["people"] = json::array({{{"id", "lead"}, {"role", "lead"}}});
  doc["accounts"] = json::array();
  doc["projects"] = json::array();
  for (int a = 0; a < kAccounts; ++a) {
    doc["people"].push_back({{"id", Pm(a)}, {"role", "pm"}});
    doc["people"].push_back({{"id", Ae(a)}, {"role", "ae"}});
    doc["accounts"].push_back({{"id", Acc(a)}, {"tier", a % 2 ? "gold" : "silver"}, {"ae", Ae(a)}});
    json ms = json::array();
    for (int m = 0; m < kMilestones; ++m) {
      json deps = json::array();
      if (m > 0) deps.push_back({{"id", Milestone(a, m - 1)}});
      // Cross-account links: every account's M2 waits for the previous account's M1.
      if (m == 2 && a > 0) deps.push_back({{"id", Milestone(a - 1, 1)}, {"lag_days", 1}});
      ms.push_back({{"id", Milestone(a, m)},
                    {"name", absl::StrCat(Acc(a), " milestone ", m)},
                    {"duration_days", 2 + (a + m) % 4},
                    {"customer_visible", m % 2 == 1},
                    {"depends_on", deps}});
    }
    doc["projects"].push_back({{"id", Project(a)},
                               {"name", absl::StrCat(Acc(a), " project")},
                               {"account", Acc(a)},
                               {"pm", Pm(a)},
                               {"start", "2027-01-04"},
                               {"milestones", ms}});
  }
  doc["sla_policies"] =
      json::array({{{"name", "fast"},
                    {"match", {{"kinds", {"complaint", "bug"}}}},
                    {"first_response_minutes", 60},
                    {"resolution_minutes", 240},
                    {"escalation", json::array({{{"after_minutes", 30}, {"to", "lead"}}})}},
                   {{"name", "slow"}, {"resolution_minutes", 2400}}});
  return doc.dump();
}

TEST(AccountIsolationTest, NoMessageToAnAeNamesAnotherAccountsIdsOrText) {
  absl::StatusOr<Scenario> sc = ParseScenario(ScenarioJson());
  ASSERT_TRUE(sc.ok()) << sc.status();
  absl::StatusOr<std::unique_ptr<Workspace>> created = Workspace::Create(*sc);
  ASSERT_TRUE(created.ok()) << created.status();
  Workspace& ws = **created;
  const TimeZone& zone = ws.time_zone();

  long ae_messages = 0, redacted = 0, violations = 0, acknowledged = 0;
  std::vector<std::string> people = {"lead"};
  for (int a = 0; a < kAccounts; ++a) {
    people.push_back(Pm(a));
    people.push_back(Ae(a));
  }
  std::string first_violation;
  ws.AddSink([&](const Message& m) {
    const std::string& to = m.to.value();
    if (to.rfind("ae", 0) != 0) return;
    ++ae_messages;
    const std::string own = Acc(std::stoi(to.substr(2)));
    const std::string line = MessageToJson(m, zone);
    if (line.find("another account") != std::string::npos) ++redacted;
    bool bad = m.account != own;
    for (size_t p = line.find("acc"); p != std::string::npos; p = line.find("acc", p + 3)) {
      const bool token = p + 4 < line.size() &&
                         std::isdigit(static_cast<unsigned char>(line[p + 3])) &&
                         std::isdigit(static_cast<unsigned char>(line[p + 4]));
      if (token && line.compare(p, own.size(), own) != 0) bad = true;
    }
    if (bad && violations++ == 0) first_violation = line;
  });

  std::mt19937_64 rng(20270105);
  auto pick = [&](int n) { return static_cast<int>(rng() % static_cast<uint64_t>(n)); };
  const char* kinds[] = {"complaint", "change_request", "question", "bug", "praise"};
  const char* priorities[] = {"low", "normal", "high", "urgent"};
  const char* states[] = {"in_progress", "waiting_on_customer", "resolved"};
  const char* statuses[] = {"not_started", "in_progress", "done", "blocked"};
  std::vector<std::vector<int>> feedback(kAccounts);
  std::vector<std::vector<int>> risks(kAccounts);
  int next_id = 0, applied = 0;
  long minutes = 0;
  for (int i = 0; i < 100000; ++i) {
    minutes += pick(4) == 0 ? pick(240) : pick(3);
    const long day = minutes / (24 * 60), minute = minutes % (24 * 60);
    char at[40];
    std::snprintf(at, sizeof at, "2027-01-04T00:00:00+08:00");
    Command c;
    c.at = Instant{ParseInstant(at, zone)->seconds + day * 86400 + minute * 60};
    const int a = pick(kAccounts);
    const int fb =
        feedback[a].empty()
            ? -1
            : feedback[a][static_cast<size_t>(pick(static_cast<int>(feedback[a].size())))];
    const FeedbackId fid(absl::StrCat(Acc(a), "-F", fb));
    const std::string text = absl::StrCat(Acc(a), " secret ", i);
    switch (pick(14)) {
      case 0:
      case 1: {
        const int id = next_id++;
        LogFeedback p{FeedbackId(absl::StrCat(Acc(a), "-F", id)),
                      ProjectId(Project(a)),
                      pick(2) ? MilestoneId(Milestone(a, pick(kMilestones))) : MilestoneId(),
                      *ParseFeedbackKind(kinds[pick(5)]),
                      Channel::kEmail,
                      *ParsePriority(priorities[pick(4)]),
                      text};
        c.by = PersonId(Ae(a));
        c.payload = p;
        feedback[a].push_back(id);
        break;
      }
      case 2:
        c.by = PersonId(Pm(a));
        c.payload = RespondFeedback{fid, text};
        break;
      case 3:
        c.by = PersonId(Pm(a));
        c.payload = SetFeedbackState{fid, *ParseFeedbackState(states[pick(3)]), text};
        break;
      case 4:
        c.by = PersonId(Ae(a));
        c.payload = CustomerReplied{fid, text};
        break;
      case 5:
        c.by = PersonId(Ae(a));
        if (pick(2)) {
          c.payload = ConfirmResolution{fid};
        } else {
          c.payload = ReopenFeedback{fid, text};
        }
        break;
      case 6:
        c.by = PersonId(pick(2) ? Ae(a) : Pm(a));
        c.payload = SetFeedbackPriority{fid, *ParsePriority(priorities[pick(4)])};
        break;
      case 7:
      case 8: {
        UpdateMilestone p;
        p.milestone = MilestoneId(Milestone(a, pick(kMilestones)));
        p.status = *ParseMilestoneStatus(statuses[pick(4)]);
        if (p.status == MilestoneStatus::kInProgress && pick(2)) p.remaining_days = pick(8);
        c.by = PersonId(Pm(a));
        c.payload = p;
        break;
      }
      case 9: {
        const int id = next_id++;
        RaiseRisk p;
        p.id = RiskId(absl::StrCat(Acc(a), "-R", id));
        p.project = ProjectId(Project(a));
        p.milestones = {MilestoneId(Milestone(a, pick(3)))};
        p.severity = pick(3) == 0 ? RiskSeverity::kHigh : RiskSeverity::kMedium;
        p.text = text;
        c.by = PersonId(Pm(a));
        c.payload = p;
        risks[a].push_back(id);
        break;
      }
      case 10:
        if (risks[a].empty()) continue;
        c.by = PersonId(Pm(a));
        c.payload =
            CloseRisk{RiskId(absl::StrCat(
                          Acc(a), "-R",
                          risks[a][static_cast<size_t>(pick(static_cast<int>(risks[a].size())))])),
                      text};
        break;
      case 11: {
        AcceptChange p;
        p.feedback = fid;
        p.durations.push_back({MilestoneId(Milestone(a, pick(kMilestones))), 1 + pick(6)});
        p.text = text;
        c.by = PersonId(Pm(a));
        c.payload = p;
        break;
      }
      case 12: {
        SetHealth p{ProjectId(Project(a)), std::nullopt, ""};
        if (pick(2)) {
          p.health = Health::kRed;
          p.reason = text;
        }
        c.by = PersonId(Pm(a));
        c.payload = p;
        break;
      }
      default:
        c.by = PersonId("lead");
        c.payload = Tick{};
    }
    if (ws.Apply(c).ok()) ++applied;
    // In the second half everyone acknowledges what they have, now and then, so later messages
    // reuse the released ones (the workspace's message pool): a member a message kept from its
    // previous recipient would name another account.
    if (i >= 50000 && i % 97 == 0) {
      for (const std::string& person : people) {
        const std::vector<Message> pending = ws.Pending(PersonId(person));
        if (pending.empty()) continue;
        ASSERT_TRUE(ws.Ack(PersonId(person), pending.back().seq).ok());
        ++acknowledged;
      }
    }
  }
  EXPECT_EQ(violations, 0) << first_violation;
  EXPECT_GT(acknowledged, 1000);
  EXPECT_GT(applied, 30000);
  EXPECT_GT(ae_messages, 10000);
  EXPECT_GT(redacted, 100);  // cross-account effects were exercised
}

}  // namespace
}  // namespace handoff
