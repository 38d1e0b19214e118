// Workspace::ApplyBatch applies a batch exactly as a loop of Apply calls would: the same
// statuses (rejected commands change nothing and the rest still apply), the same messages in
// the same order, the same journal and the same state; its sinks run after the batch, outside
// the lock.
#include <memory>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/types/span.h"
#include "gtest/gtest.h"
#include "handoff/journal.h"
#include "handoff/workspace.h"
#include "tests/support/random_stream.h"
#include "tests/support/workspace_fixture.h"

namespace handoff {
namespace {

using testing::MakeWorkspace;
using testing::RandomStream;

std::string Describe(const absl::Status& s) {
  std::string out = s.ToString();
  if (auto field = s.GetPayload(kErrorFieldPayload))
    absl::StrAppend(&out, " @", std::string(*field));
  return out;
}

TEST(ApplyBatchTest, GivesWhatApplyInALoopGives) {
  const std::vector<Command> stream = RandomStream(20000, 23);
  auto looped = MakeWorkspace();
  auto batched = MakeWorkspace();
  auto looped_journal = std::make_shared<MemoryJournal>();
  auto batched_journal = std::make_shared<MemoryJournal>();
  looped->AttachJournal(looped_journal);
  batched->AttachJournal(batched_journal);
  testing::Recorder looped_messages, batched_messages;
  looped_messages.Attach(*looped);
  batched_messages.Attach(*batched);

  std::vector<std::string> looped_statuses, batched_statuses;
  for (const Command& c : stream) looped_statuses.push_back(Describe(looped->Apply(c)));
  // Batches of 1 to 100 commands (and some empty ones), cut at random.
  std::mt19937_64 rng(5);
  const absl::Span<const Command> all(stream);
  for (size_t i = 0; i < all.size();) {
    const size_t n = rng() % 101;
    const std::vector<absl::Status> statuses = batched->ApplyBatch(all.subspan(i, n));
    ASSERT_EQ(statuses.size(), std::min(n, all.size() - i));
    for (const absl::Status& s : statuses) batched_statuses.push_back(Describe(s));
    i += statuses.size();
  }

  ASSERT_EQ(batched_statuses.size(), looped_statuses.size());
  int rejected = 0;
  for (size_t i = 0; i < stream.size(); ++i) {
    ASSERT_EQ(batched_statuses[i], looped_statuses[i]) << "command " << i;
    if (looped_statuses[i] != "OK") ++rejected;
  }
  EXPECT_GT(rejected, 2000);  // the stream exercises rejection inside batches
  EXPECT_LT(rejected, 15000);
  EXPECT_EQ(batched_messages.Lines(batched->time_zone()),
            looped_messages.Lines(looped->time_zone()));
  EXPECT_EQ(batched_journal->records(), looped_journal->records());
  for (const char* person : {"li.pm", "sun.pm", "chen.ae", "wu.ae", "zhao.lead", "qian.lead"}) {
    std::vector<std::string> a, b;
    for (const Message& m : looped->Pending(PersonId(person))) {
      a.push_back(MessageToJson(m, looped->time_zone()));
    }
    for (const Message& m : batched->Pending(PersonId(person))) {
      b.push_back(MessageToJson(m, batched->time_zone()));
    }
    EXPECT_EQ(b, a) << person;
  }
  EXPECT_EQ(batched->NextWakeup(), looped->NextWakeup());
  EXPECT_EQ(batched->last_instant(), looped->last_instant());
  for (int i = 0; i < 300; ++i) {
    const FeedbackId id(absl::StrCat("F", i));
    absl::StatusOr<FeedbackView> a = looped->GetFeedback(id), b = batched->GetFeedback(id);
    ASSERT_EQ(a.ok(), b.ok());
    if (!a.ok()) continue;
    EXPECT_EQ(b->state, a->state);
    EXPECT_EQ(b->used_seconds[0], a->used_seconds[0]);
    EXPECT_EQ(b->used_seconds[1], a->used_seconds[1]);
    EXPECT_EQ(b->due[1], a->due[1]);
  }
  for (const char* p : {"P1", "P2"}) {
    EXPECT_EQ(*batched->GetHealth(ProjectId(p)), *looped->GetHealth(ProjectId(p)));
  }
  EXPECT_EQ(batched->portfolio().Schedule(), looped->portfolio().Schedule());
}

TEST(ApplyBatchTest, SinksRunAfterTheBatchOutsideTheLock) {
  auto ws = MakeWorkspace();
  const std::vector<Command> stream = RandomStream(400, 3);
  std::vector<uint64_t> seqs;
  std::optional<Instant> last_at_first_call;
  ws->AddSink([&](const Message& m) {
    // Calling back into the workspace would deadlock under its lock.
    if (seqs.empty()) last_at_first_call = ws->last_instant();
    seqs.push_back(m.seq);
  });
  const std::vector<absl::Status> statuses = ws->ApplyBatch(stream);
  ASSERT_EQ(statuses.size(), stream.size());
  ASSERT_GT(seqs.size(), 20u);
  for (size_t i = 1; i < seqs.size(); ++i) EXPECT_LT(seqs[i - 1], seqs[i]);  // delivery order
  // The sink first ran once the whole batch had committed: the workspace had applied the
  // batch's last accepted command already.
  std::optional<Instant> last_accepted;
  for (size_t i = 0; i < stream.size(); ++i) {
    if (statuses[i].ok()) last_accepted = stream[i].at;
  }
  EXPECT_EQ(last_at_first_call, last_accepted);
  EXPECT_EQ(ws->last_instant(), last_accepted);
  EXPECT_TRUE(ws->ApplyBatch({}).empty());
}

TEST(ApplyBatchTest, ARejectedCommandChangesNothingAndTheRestApply) {
  auto ws = MakeWorkspace();
  testing::Recorder messages;
  messages.Attach(*ws);
  Command log;
  log.at = testing::At("2027-01-11T09:00:00");
  log.by = PersonId("chen.ae");
  log.payload =
      LogFeedback{FeedbackId("F1"), ProjectId("P1"),   MilestoneId(), FeedbackKind::kQuestion,
                  Channel::kEmail,  Priority::kNormal, "Why?"};
  Command duplicate = log;  // the same id again: AlreadyExists
  duplicate.at = testing::At("2027-01-11T09:01:00");
  Command respond;
  respond.at = testing::At("2027-01-11T09:02:00");
  respond.by = PersonId("li.pm");
  respond.payload = RespondFeedback{FeedbackId("F1"), "Looking"};
  const std::vector<Command> batch = {log, duplicate, respond};
  const std::vector<absl::Status> statuses = ws->ApplyBatch(batch);
  ASSERT_EQ(statuses.size(), 3u);
  EXPECT_TRUE(statuses[0].ok());
  EXPECT_EQ(statuses[1].code(), absl::StatusCode::kAlreadyExists);
  EXPECT_TRUE(statuses[2].ok()) << statuses[2];
  ASSERT_EQ(messages.messages.size(), 2u);
  EXPECT_EQ(messages.messages[0].kind, "feedback_logged");
  EXPECT_EQ(messages.messages[1].kind, "feedback_responded");
  EXPECT_EQ(ws->last_instant(), respond.at);
}

}  // namespace
}  // namespace handoff
