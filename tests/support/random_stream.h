// A random stream of commands over the fixture workspace (tests/support/workspace_fixture.h):
// feedback through its life, progress reports and ticks, by the right people or not, so that a
// good share is rejected (unknown feedback ids, wrong states, wrong sides). Deterministic per
// seed.
#ifndef HANDOFF_TESTS_SUPPORT_RANDOM_STREAM_H_
#define HANDOFF_TESTS_SUPPORT_RANDOM_STREAM_H_

#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "handoff/commands.h"
#include "tests/support/workspace_fixture.h"

namespace handoff::testing {

inline std::vector<Command> RandomStream(int n, uint64_t seed) {
  std::mt19937_64 rng(seed);
  auto pick = [&](int k) { return static_cast<int>(rng() % static_cast<uint64_t>(k)); };
  const Instant start = At("2027-01-11T08:00:00");
  const char* pms[] = {"li.pm", "sun.pm"};
  const char* aes[] = {"chen.ae", "wu.ae"};
  const char* projects[] = {"P1", "P2"};
  const std::vector<std::vector<std::string>> milestones = {{"P1.M1", "P1.M2", "P1.M3"},
                                                            {"P2.M1", "P2.M2"}};
  std::vector<Command> out;
  int64_t t = start.seconds;
  int feedback = 0;
  for (int i = 0; i < n; ++i) {
    t += pick(3) == 0 ? pick(6 * 3600) : pick(600);
    const int a = pick(2);
    Command c;
    c.at = Instant{t};
    const FeedbackId f(absl::StrCat("F", feedback == 0 ? 0 : pick(feedback)));
    switch (pick(10)) {
      case 0:
      case 1:
        c.by = PersonId(aes[a]);
        c.payload = LogFeedback{FeedbackId(absl::StrCat("F", feedback++)),
                                ProjectId(projects[a]),
                                MilestoneId(),
                                static_cast<FeedbackKind>(pick(5)),
                                Channel::kPhone,
                                static_cast<Priority>(pick(4)),
                                absl::StrCat("text ", i)};
        break;
      case 2:
        c.by = PersonId(pms[a]);
        c.payload = RespondFeedback{f, "ok"};
        break;
      case 3:
        c.by = PersonId(pms[a]);
        c.payload = SetFeedbackState{f, static_cast<FeedbackState>(2 + pick(3)), ""};
        break;
      case 4:
        c.by = PersonId(aes[a]);
        c.payload = CustomerReplied{f, "reply"};
        break;
      case 5:
        c.by = PersonId(aes[a]);
        c.payload = ReopenFeedback{f, "again"};
        break;
      case 6:
        c.by = PersonId(aes[a]);
        c.payload = SetFeedbackPriority{f, static_cast<Priority>(pick(4))};
        break;
      case 7: {
        UpdateMilestone u;
        const auto& ms = milestones[static_cast<size_t>(a)];
        u.milestone = MilestoneId(ms[static_cast<size_t>(pick(static_cast<int>(ms.size())))]);
        u.status = static_cast<MilestoneStatus>(pick(4));
        if (u.status == MilestoneStatus::kInProgress) u.remaining_days = pick(5);
        c.by = PersonId(pms[a]);
        c.payload = u;
        break;
      }
      case 8:
        c.by = PersonId(aes[a]);
        c.payload = ConfirmResolution{f};
        break;
      default:
        c.by = PersonId("zhao.lead");
        c.payload = Tick{};
    }
    out.push_back(c);
  }
  return out;
}

}  // namespace handoff::testing

#endif  // HANDOFF_TESTS_SUPPORT_RANDOM_STREAM_H_
