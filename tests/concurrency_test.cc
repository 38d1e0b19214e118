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

}  // namespace
}  // namespace handoff
