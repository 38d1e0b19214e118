// Scheduling benchmarks on synthetic portfolios (benchmarks/portfolio_generator.h).
//
//   BM_FullSchedule/N         Portfolio::RescheduleAll() on a prebuilt portfolio of N milestones
//                             (topological order, forward and backward pass, move detection).
//                             Counter ns_per_milestone. Target: <= 150 ns per milestone at 1M.
//   BM_IncrementalDuration    Portfolio::SetDuration() on pseudo-random milestones of a 1M
//                             portfolio, each call changing the duration by +1 or back by -1.
//                             Counters median_us / p99_us / mean_us (per call) and the average
//                             reach of a change. Target: <= 20 us median.
//   BM_SetAsOfDaily/N/V       Portfolio::SetAsOf() moving the as-of date one calendar day per
//                             call on its own portfolio of N milestones (no progress reported).
//                             V = 0, "idle": from 2026-01-05, the year before the first project
//                             starts, so nothing binds and a call costs the as-of index's upkeep
//                             (the common case: A moves on every command). V = 1, "slipping":
//                             from 2027-01-04, where every working day every started project's
//                             unstarted milestones slip a day (a worst case: nobody reports);
//                             restarted on a rebuilt portfolio (untimed) after 28 days.
//                             Counters median_us / p90_us / p99_us / mean_us per call, the
//                             average reach and moves, and the rebuilds.
//   BM_MemoryPerMilestone/N   Growth of resident memory across Portfolio::Create for N
//                             milestones (the spec is built before the first reading, so only
//                             the Portfolio counts). Counter bytes_per_milestone.
//                             Target: <= 300 bytes per milestone at 1M.
//
// Portfolios are built once per size, outside the timed loops, and cached for the process.
#include <malloc.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <fstream>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "benchmark/benchmark.h"
#include "benchmarks/portfolio_generator.h"
#include "handoff/portfolio.h"

namespace {

using Clock = std::chrono::steady_clock;

// The cached portfolio of `milestones` milestones (a multiple of 100), or nullptr with `error`
// set when it cannot be built.
handoff::Portfolio* CachedPortfolio(size_t milestones, std::string* error) {
  static auto* cache = new std::map<size_t, std::unique_ptr<handoff::Portfolio>>();
  auto it = cache->find(milestones);
  if (it != cache->end()) return it->second.get();
  absl::StatusOr<handoff::Portfolio> p;
  {
    const handoff::PortfolioSpec spec =
        handoff_bench::GeneratePortfolio(milestones / handoff_bench::kMilestonesPerProject);
    p = handoff::Portfolio::Create(spec);
  }  // the spec is freed here
  malloc_trim(0);
  if (!p.ok()) {
    *error = std::string(p.status().ToString());
    return nullptr;
  }
  auto owned = std::make_unique<handoff::Portfolio>(*std::move(p));
  handoff::Portfolio* raw = owned.get();
  (*cache)[milestones] = std::move(owned);
  return raw;
}

// Resident set size in bytes (/proc/self/statm, second field).
int64_t ResidentBytes() {
  std::ifstream statm("/proc/self/statm");
  int64_t size = 0, resident = 0;
  statm >> size >> resident;
  return resident * static_cast<int64_t>(sysconf(_SC_PAGESIZE));
}

// Resets the peak resident set size (VmHWM) to the current one; false when unsupported.
bool ResetPeakResident() {
  std::ofstream clear("/proc/self/clear_refs");
  if (!clear) return false;
  clear << "5";
  clear.flush();
  return static_cast<bool>(clear);
}

// Peak resident set size in bytes (VmHWM from /proc/self/status), or -1.
int64_t PeakResidentBytes() {
  std::ifstream status("/proc/self/status");
  std::string line;
  while (std::getline(status, line)) {
    if (line.rfind("VmHWM:", 0) == 0) {
      return std::stoll(line.substr(6)) * 1024;  // "VmHWM:   12345 kB"
    }
  }
  return -1;
}

double Percentile(const std::vector<double>& sorted, double q) {
  if (sorted.empty()) return 0;
  const size_t i = std::min(sorted.size() - 1, static_cast<size_t>(q * (sorted.size() - 1) + 0.5));
  return sorted[i];
}

void BM_FullSchedule(benchmark::State& state) {
  const size_t n = static_cast<size_t>(state.range(0));
  std::string error;
  handoff::Portfolio* portfolio = CachedPortfolio(n, &error);
  if (portfolio == nullptr) {
    state.SkipWithError(error.c_str());
    return;
  }
  {
    // Sanity, untimed: a recompute of an unchanged portfolio moves nothing.
    absl::StatusOr<handoff::ScheduleDelta> delta = portfolio->RescheduleAll();
    if (!delta.ok() || !delta->moved.empty() || delta->recomputed != n) {
      state.SkipWithError("RescheduleAll on an unchanged portfolio moved milestones or failed");
      return;
    }
  }
  double total_ns = 0;
  for (auto _ : state) {
    const Clock::time_point t0 = Clock::now();
    {
      absl::StatusOr<handoff::ScheduleDelta> delta = portfolio->RescheduleAll();
      benchmark::DoNotOptimize(delta);
    }  // the result's destruction counts too
    total_ns += std::chrono::duration<double, std::nano>(Clock::now() - t0).count();
  }
  const double iterations = static_cast<double>(state.iterations());
  state.counters["ns_per_milestone"] = total_ns / (iterations * static_cast<double>(n));
  state.counters["milestones"] = static_cast<double>(n);
  state.SetItemsProcessed(state.iterations() * static_cast<int64_t>(n));
}
BENCHMARK(BM_FullSchedule)
    ->Arg(10'000)
    ->Arg(100'000)
    ->Arg(1'000'000)
    ->MinTime(2.0)
    ->Unit(benchmark::kMillisecond);

void BM_IncrementalDuration(benchmark::State& state) {
  const size_t n = static_cast<size_t>(state.range(0));
  std::string error;
  handoff::Portfolio* portfolio = CachedPortfolio(n, &error);
  if (portfolio == nullptr) {
    state.SkipWithError(error.c_str());
    return;
  }
  // Precomputed pseudo-random targets and their original durations.
  constexpr size_t kTargets = 4096;
  struct Target {
    handoff::MilestoneId id;
    int32_t original = 0;
    bool bumped = false;  // currently at original + 1
  };
  std::vector<Target> targets;
  targets.reserve(kTargets);
  for (const std::string& id :
       handoff_bench::PickMilestoneIds(n / handoff_bench::kMilestonesPerProject, kTargets)) {
    absl::StatusOr<handoff::Milestone> m = portfolio->GetMilestone(handoff::MilestoneId(id));
    if (!m.ok()) {
      state.SkipWithError("unknown milestone id in the target list");
      return;
    }
    targets.push_back(Target{handoff::MilestoneId(id), m->duration_days, false});
  }

  std::vector<double> call_ns;
  call_ns.reserve(1 << 20);
  double recomputed = 0, moved = 0;
  size_t next = 0;
  for (auto _ : state) {
    Target& t = targets[next];
    next = (next + 1) % kTargets;
    // Alternate: +1 the first time a milestone comes up, back (-1) the next time.
    const int32_t duration = t.bumped ? t.original : t.original + 1;
    absl::Status status;
    size_t reach = 0, moves = 0;
    const Clock::time_point t0 = Clock::now();
    {
      absl::StatusOr<handoff::ScheduleDelta> delta = portfolio->SetDuration(t.id, duration);
      if (delta.ok()) {
        reach = delta->recomputed;
        moves = delta->moved.size();
      } else {
        status = delta.status();
      }
    }  // the result's destruction counts too
    const double ns = std::chrono::duration<double, std::nano>(Clock::now() - t0).count();
    if (!status.ok()) {
      state.SkipWithError(std::string(status.ToString()).c_str());
      break;
    }
    t.bumped = !t.bumped;
    state.SetIterationTime(ns * 1e-9);
    call_ns.push_back(ns);
    recomputed += static_cast<double>(reach);
    moved += static_cast<double>(moves);
  }
  // Untimed: put every bumped milestone back so later runs see the original portfolio.
  for (Target& t : targets) {
    if (t.bumped && portfolio->SetDuration(t.id, t.original).ok()) t.bumped = false;
  }
  if (call_ns.empty()) return;
  const double calls = static_cast<double>(call_ns.size());
  double sum = 0;
  for (double v : call_ns) sum += v;
  std::sort(call_ns.begin(), call_ns.end());
  state.counters["median_us"] = Percentile(call_ns, 0.5) / 1e3;
  state.counters["p90_us"] = Percentile(call_ns, 0.9) / 1e3;
  state.counters["p99_us"] = Percentile(call_ns, 0.99) / 1e3;
  state.counters["max_us"] = call_ns.back() / 1e3;
  state.counters["mean_us"] = sum / calls / 1e3;
  state.counters["avg_recomputed"] = recomputed / calls;
  state.counters["avg_moved"] = moved / calls;
}
BENCHMARK(BM_IncrementalDuration)
    ->Arg(1'000'000)
    ->UseManualTime()
    ->MinTime(2.0)
    ->Unit(benchmark::kMicrosecond);

// A fresh (uncached) portfolio of `milestones` milestones, or nullptr with `error` set.
std::unique_ptr<handoff::Portfolio> FreshPortfolio(size_t milestones, std::string* error) {
  absl::StatusOr<handoff::Portfolio> p;
  {
    const handoff::PortfolioSpec spec =
        handoff_bench::GeneratePortfolio(milestones / handoff_bench::kMilestonesPerProject);
    p = handoff::Portfolio::Create(spec);
  }
  malloc_trim(0);
  if (!p.ok()) {
    *error = std::string(p.status().ToString());
    return nullptr;
  }
  return std::make_unique<handoff::Portfolio>(*std::move(p));
}

void BM_SetAsOfDaily(benchmark::State& state) {
  const size_t n = static_cast<size_t>(state.range(0));
  const bool slipping = state.range(1) != 0;
  const handoff::Date first = slipping ? handoff::Date(2027, 1, 4) : handoff::Date(2026, 1, 5);
  const long days_per_run = slipping ? 28 : 360;
  std::string error;
  std::unique_ptr<handoff::Portfolio> portfolio;
  long day = days_per_run;  // forces a build before the first call
  std::vector<double> call_ns;
  double recomputed = 0, moved = 0;
  int builds = 0;
  for (auto _ : state) {
    if (day == days_per_run) {  // untimed: manual time counts only the calls
      portfolio.reset();
      portfolio = FreshPortfolio(n, &error);
      if (portfolio == nullptr) {
        state.SkipWithError(error.c_str());
        break;
      }
      ++builds;
      day = 0;
    }
    const handoff::Date as_of = first + boost::gregorian::days(day++);
    absl::Status status;
    size_t reach = 0, moves = 0;
    const Clock::time_point t0 = Clock::now();
    {
      absl::StatusOr<handoff::ScheduleDelta> delta = portfolio->SetAsOf(as_of);
      if (delta.ok()) {
        reach = delta->recomputed;
        moves = delta->moved.size();
      } else {
        status = delta.status();
      }
    }  // the result's destruction counts too
    const double ns = std::chrono::duration<double, std::nano>(Clock::now() - t0).count();
    if (!status.ok()) {
      state.SkipWithError(std::string(status.ToString()).c_str());
      break;
    }
    state.SetIterationTime(ns * 1e-9);
    call_ns.push_back(ns);
    recomputed += static_cast<double>(reach);
    moved += static_cast<double>(moves);
  }
  if (call_ns.empty()) return;
  const double calls = static_cast<double>(call_ns.size());
  double sum = 0;
  for (double v : call_ns) sum += v;
  std::sort(call_ns.begin(), call_ns.end());
  state.counters["median_us"] = Percentile(call_ns, 0.5) / 1e3;
  state.counters["p90_us"] = Percentile(call_ns, 0.9) / 1e3;
  state.counters["p99_us"] = Percentile(call_ns, 0.99) / 1e3;
  state.counters["max_us"] = call_ns.back() / 1e3;
  state.counters["mean_us"] = sum / calls / 1e3;
  state.counters["avg_recomputed"] = recomputed / calls;
  state.counters["avg_moved"] = moved / calls;
  state.counters["builds"] = builds;
}
BENCHMARK(BM_SetAsOfDaily)
    ->ArgNames({"milestones", "slipping"})
    ->Args({1'000'000, 0})
    ->Iterations(360)
    ->UseManualTime()
    ->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_SetAsOfDaily)
    ->ArgNames({"milestones", "slipping"})
    ->Args({1'000'000, 1})
    ->Iterations(112)
    ->UseManualTime()
    ->Unit(benchmark::kMicrosecond);

void BM_MemoryPerMilestone(benchmark::State& state) {
  const size_t n = static_cast<size_t>(state.range(0));
  for (auto _ : state) {
    state.PauseTiming();
    malloc_trim(0);
    const int64_t empty = ResidentBytes();
    auto spec = std::make_unique<handoff::PortfolioSpec>(
        handoff_bench::GeneratePortfolio(n / handoff_bench::kMilestonesPerProject));
    malloc_trim(0);
    const int64_t with_spec = ResidentBytes();
    const bool peak_ok = ResetPeakResident();
    const int64_t before = ResidentBytes();
    state.ResumeTiming();

    absl::StatusOr<handoff::Portfolio> portfolio = handoff::Portfolio::Create(*spec);

    state.PauseTiming();
    if (!portfolio.ok()) {
      state.SkipWithError(std::string(portfolio.status().ToString()).c_str());
      break;
    }
    const int64_t peak = PeakResidentBytes();
    malloc_trim(0);
    const int64_t after = ResidentBytes();
    spec.reset();  // free the spec: what is left over `empty` is the Portfolio alone
    malloc_trim(0);
    const int64_t alone = ResidentBytes();
    const double dn = static_cast<double>(n);
    state.counters["bytes_per_milestone"] = static_cast<double>(after - before) / dn;
    state.counters["bytes_per_milestone_spec_freed"] = static_cast<double>(alone - empty) / dn;
    state.counters["spec_bytes_per_milestone"] = static_cast<double>(with_spec - empty) / dn;
    if (peak_ok && peak > 0) {
      state.counters["create_peak_bytes_per_milestone"] = static_cast<double>(peak - before) / dn;
    }
    { absl::StatusOr<handoff::Portfolio> drop = std::move(portfolio); }
    malloc_trim(0);
    state.ResumeTiming();
  }
}
BENCHMARK(BM_MemoryPerMilestone)->Arg(1'000'000)->Iterations(1)->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
