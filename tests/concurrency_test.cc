// Several threads use one Workspace at once: commands, Pending, Ack and sinks (which run outside
// the lock, on the applying thread, while the messages they get are released concurrently).
// Every delivered message reaches the sinks exactly once. Meant for the sanitizer builds too
// (HANDOFF_SANITIZE=thread or address).
#include <algorithm>
#include <atomic>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "tests/support/workspace_fixture.h"

namespace handoff {
namespace {

using testing::MakeWorkspace;

TEST(ConcurrencyTest, CommandsQueriesAcksAndSinksFromSeveralThreads) {
  std::unique_ptr<Workspace> ws = MakeWorkspace();
  std::mutex mu;
  std::vector<uint64_t> seen;  // seqs the sinks got
  ws->AddSink([&](const Message& m) {
    std::lock_guard<std::mutex> lock(mu);
    seen.push_back(m.seq);
  });
  // Instants come from one counter; a thread that loses the race to Apply gets
  // FailedPrecondition (an earlier instant than the last applied), and a response may come
  // before its item is logged (NotFound): both are allowed here.
  const int64_t start = testing::At("2027-01-11T09:00").seconds;
  std::atomic<int64_t> clock{0};
  std::atomic<int> applied{0};
  auto apply = [&](Command c) {
    c.at = Instant{start + 60 * clock.fetch_add(1)};
    absl::Status s = ws->Apply(c);
    EXPECT_TRUE(s.ok() || s.code() == absl::StatusCode::kFailedPrecondition ||
                s.code() == absl::StatusCode::kNotFound)
        << s;
    if (s.ok()) applied.fetch_add(1);
  };
  constexpr int kRounds = 400;
  std::thread ae([&] {
    for (int i = 0; i < kRounds; ++i) {
      Command c;
      c.by = PersonId(i % 2 == 0 ? "chen.ae" : "wu.ae");
      c.payload = LogFeedback{FeedbackId(absl::StrCat("F", i)),
                              ProjectId(i % 2 == 0 ? "P1" : "P2"),
                              MilestoneId(),
                              FeedbackKind::kComplaint,
                              Channel::kPhone,
                              i % 3 == 0 ? Priority::kUrgent : Priority::kHigh,
                              absl::StrCat("text ", i)};
      apply(c);
    }
  });
  std::thread pm([&] {
    for (int i = 0; i < kRounds; ++i) {
      Command c;
      c.by = PersonId(i % 2 == 0 ? "li.pm" : "sun.pm");
      c.payload = RespondFeedback{FeedbackId(absl::StrCat("F", i)), "on it"};
      apply(c);
    }
  });
  std::thread ticker([&] {
    for (int i = 0; i < kRounds; ++i) {
      Command c;
      c.by = PersonId("zhao.lead");
      c.payload = Tick{};
      apply(c);
      (void)ws->NextWakeup();
    }
  });
  std::thread reader([&] {
    for (int i = 0; i < kRounds; ++i) {
      for (const char* who : {"chen.ae", "wu.ae", "li.pm", "sun.pm", "zhao.lead"}) {
        std::vector<Message> pending = ws->Pending(PersonId(who));
        if (!pending.empty() && i % 3 == 0) {
          EXPECT_TRUE(ws->Ack(PersonId(who), pending.back().seq).ok());
        }
      }
    }
  });
  ae.join();
  pm.join();
  ticker.join();
  reader.join();
  EXPECT_GT(applied.load(), kRounds);
  // Every delivered message reached the sinks once: seqs 1..N, each once.
  std::sort(seen.begin(), seen.end());
  ASSERT_FALSE(seen.empty());
  for (size_t i = 0; i < seen.size(); ++i) ASSERT_EQ(seen[i], i + 1);
}

// A progress report leaves the latest dates for their next reader; several readers at once
// (const methods may run concurrently) must each see them current, computed once.
TEST(ConcurrencyTest, ConcurrentReadersCompleteTheDeferredLatestDatesOnce) {
  auto report = [](Workspace& ws) {
    ASSERT_TRUE(ws.Apply(testing::Event(R"({"at": "2027-01-12T10:00:00", "by": "li.pm",
        "type": "update_milestone", "milestone": "P1.M1", "status": "in_progress",
        "remaining_days": 6})"))
                    .ok());
  };
  for (int round = 0; round < 20; ++round) {
    std::unique_ptr<Workspace> ws = MakeWorkspace();
    report(*ws);
    // The reference: the same plan, progress and as-of date through a full pass.
    const Portfolio& p = ws->portfolio();
    absl::StatusOr<Portfolio> reference = Portfolio::Create(p.ToSpec());
    ASSERT_TRUE(reference.ok());
    for (const auto& [id, progress] : p.ProgressLog()) {
      ASSERT_TRUE(reference->UpdateProgress(id, progress).ok());
    }
    ASSERT_TRUE(reference->SetAsOf(*p.as_of()).ok());
    ASSERT_TRUE(reference->RescheduleAll().ok());
    const std::vector<MilestoneSchedule> expected = reference->Schedule();
    const std::vector<MilestoneId> expected_path = *reference->CriticalPath(ProjectId("P1"));
    // The report moved P1's end, so slack changed: the deferred pass is visible.
    ASSERT_NE(expected, MakeWorkspace()->portfolio().Schedule());
    std::vector<std::vector<MilestoneSchedule>> seen(4);
    std::vector<std::vector<MilestoneId>> paths(4);
    std::vector<std::thread> readers;
    for (int t = 0; t < 4; ++t) {
      readers.emplace_back([&, t] {
        if (t % 2 == 0) {
          seen[t] = ws->portfolio().Schedule();
        } else {
          paths[t] = *ws->portfolio().CriticalPath(ProjectId("P1"));
          seen[t] = ws->portfolio().Schedule();
        }
      });
    }
    for (std::thread& r : readers) r.join();
    for (int t = 0; t < 4; ++t) {
      EXPECT_EQ(seen[t], expected) << "reader " << t;
      if (t % 2 == 1) {
        EXPECT_EQ(paths[t], expected_path) << "reader " << t;
      }
    }
  }
}

}  // namespace
}  // namespace handoff
