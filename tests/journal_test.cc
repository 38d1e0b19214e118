// The journal replays to the identical state: same messages (byte for byte), same feedback
// states and clocks, same health, same forecast. Randomized with a fixed seed.
#include "handoff/journal.h"

#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "tests/support/random_stream.h"
#include "tests/support/workspace_fixture.h"

namespace handoff {
namespace {

using testing::MakeWorkspace;
using testing::RandomStream;

TEST(JournalTest, ReplayGivesIdenticalMessagesAndState) {
  auto live = MakeWorkspace();
  auto journal = std::make_shared<MemoryJournal>();
  live->AttachJournal(journal);
  testing::Recorder live_messages;
  live_messages.Attach(*live);
  int applied = 0;
  for (const Command& c : RandomStream(20000, 7)) {
    if (live->Apply(c).ok()) ++applied;
  }
  ASSERT_EQ(journal->size(), static_cast<uint64_t>(applied));  // rejected commands are not kept
  ASSERT_GT(applied, 5000);

  auto replayed = MakeWorkspace();
  testing::Recorder replay_messages;
  replay_messages.Attach(*replayed);
  ASSERT_TRUE(Replay(*journal, *replayed).ok());
  EXPECT_EQ(replay_messages.Lines(replayed->time_zone()), live_messages.Lines(live->time_zone()));
  EXPECT_EQ(replayed->NextWakeup(), live->NextWakeup());
  EXPECT_EQ(replayed->last_instant(), live->last_instant());
  for (int i = 0; i < 200; ++i) {
    absl::StatusOr<FeedbackView> a = live->GetFeedback(FeedbackId(absl::StrCat("F", i)));
    absl::StatusOr<FeedbackView> b = replayed->GetFeedback(FeedbackId(absl::StrCat("F", i)));
    ASSERT_EQ(a.ok(), b.ok());
    if (!a.ok()) continue;
    EXPECT_EQ(a->state, b->state);
    EXPECT_EQ(a->priority, b->priority);
    EXPECT_EQ(a->used_seconds[0], b->used_seconds[0]);
    EXPECT_EQ(a->used_seconds[1], b->used_seconds[1]);
    EXPECT_EQ(a->due[1], b->due[1]);
    EXPECT_EQ(a->breached[1], b->breached[1]);
  }
  for (const char* p : {"P1", "P2"})
    EXPECT_EQ(*live->GetHealth(ProjectId(p)), *replayed->GetHealth(ProjectId(p)));
  EXPECT_EQ(live->portfolio().Schedule(), replayed->portfolio().Schedule());
}

TEST(JournalTest, RecordsRoundTripThroughJson) {
  MemoryJournal journal;
  std::vector<Command> stream = RandomStream(500, 11);
  for (const Command& c : stream) ASSERT_TRUE(journal.Append(c).ok());
  absl::StatusOr<std::vector<Command>> back = journal.ReadAll();
  ASSERT_TRUE(back.ok()) << back.status();
  ASSERT_EQ(back->size(), stream.size());
  for (size_t i = 0; i < stream.size(); ++i) {
    EXPECT_EQ(CommandToJson((*back)[i]), journal.records()[i]);
    EXPECT_EQ((*back)[i].at, stream[i].at);
  }
}

TEST(JournalTest, ReplayIntoTheWrongPortfolioIsDataLoss) {
  auto live = MakeWorkspace();
  auto journal = std::make_shared<MemoryJournal>();
  live->AttachJournal(journal);
  ASSERT_TRUE(live->Apply(testing::Event(R"({"at": "2027-01-05T10:00:00", "by": "chen.ae",
      "type": "log_feedback", "id": "F1", "project": "P1", "kind": "bug", "channel": "im",
      "priority": "low", "text": "x"})"))
                  .ok());
  auto other = MakeWorkspace(R"({"calendar": {}, "people": [{"id": "chen.ae", "role": "ae"}],
      "projects": [{"id": "Q", "start": "2027-01-04", "milestones": []}]})");
  absl::Status s = Replay(*journal, *other);
  EXPECT_EQ(s.code(), absl::StatusCode::kDataLoss);
  EXPECT_NE(std::string(s.message()).find("journal record 1"), std::string::npos) << s;
}

}  // namespace
}  // namespace handoff
