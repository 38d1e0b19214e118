// End-to-end benchmark of the `handoff` command-line tool.
//
//   BM_CliScheduleCsv/N   wall-clock time of `handoff schedule FILE --format csv > /dev/null`
//                         for a scenario file of N milestones (written once with WriteScenario),
//                         the process spawn included. Target: <= 1 s at 100k milestones.
//                         Counter child_cpu_ms: the child's user + system CPU time.
//   BM_LoadPhases/N       the same work in-process, phase by phase (read, parse, create,
//                         Schedule(), CSV formatting), to show where the CLI's time goes.
#include <fcntl.h>
#include <spawn.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/str_format.h"
#include "benchmark/benchmark.h"
#include "benchmarks/portfolio_generator.h"
#include "handoff/portfolio.h"
#include "handoff/scenario.h"

extern char** environ;

namespace {

using Clock = std::chrono::steady_clock;

// Writes the scenario of `milestones` milestones to a temporary file once per size and returns
// its path (empty on failure). The files are removed at exit.
const std::string& ScenarioFile(size_t milestones) {
  static auto* files = new std::vector<std::pair<size_t, std::string>>();
  for (const auto& [n, path] : *files) {
    if (n == milestones) return path;
  }
  std::string path;
  {
    const std::string text = handoff::WriteScenario(
        handoff_bench::GeneratePortfolio(milestones / handoff_bench::kMilestonesPerProject));
    char name[] = "/tmp/handoff_cli_benchmark_XXXXXX.json";
    const int fd = mkstemps(name, 5);
    if (fd >= 0) {
      const char* data = text.data();
      size_t left = text.size();
      bool ok = true;
      while (left > 0) {
        const ssize_t w = write(fd, data, left);
        if (w <= 0) {
          ok = false;
          break;
        }
        data += w;
        left -= static_cast<size_t>(w);
      }
      close(fd);
      if (ok) {
        path = name;
      } else {
        unlink(name);
      }
    }
  }
  if (files->empty()) {
    std::atexit([] {
      for (const auto& entry : *files) unlink(entry.second.c_str());
    });
  }
  files->emplace_back(milestones, path);
  return files->back().second;
}

// Runs `HANDOFF_CLI schedule FILE --format csv` with stdout on /dev/null; returns its exit
// status, or -1 when it could not be started or did not exit normally. Adds the child's user and
// system CPU time (in ms) to `*cpu_ms` when given.
int RunCli(const std::string& file, double* cpu_ms = nullptr) {
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, "/dev/null", O_WRONLY, 0);
  std::string cli = HANDOFF_CLI, schedule = "schedule", format = "--format", csv = "csv";
  std::string path = file;
  char* argv[] = {cli.data(), schedule.data(), path.data(), format.data(), csv.data(), nullptr};
  pid_t pid = 0;
  const int rc = posix_spawn(&pid, cli.c_str(), &actions, nullptr, argv, environ);
  posix_spawn_file_actions_destroy(&actions);
  if (rc != 0) return -1;
  int status = 0;
  struct rusage usage {};
  if (wait4(pid, &status, 0, &usage) != pid || !WIFEXITED(status)) return -1;
  if (cpu_ms != nullptr) {
    auto ms = [](const timeval& tv) { return tv.tv_sec * 1e3 + tv.tv_usec / 1e3; };
    *cpu_ms += ms(usage.ru_utime) + ms(usage.ru_stime);
  }
  return WEXITSTATUS(status);
}

void BM_CliScheduleCsv(benchmark::State& state) {
  const size_t n = static_cast<size_t>(state.range(0));
  const std::string& file = ScenarioFile(n);
  if (file.empty()) {
    state.SkipWithError("cannot write the scenario file");
    return;
  }
  // Untimed warm-up: the file and the binary in the page cache, and a check that it works.
  if (RunCli(file) != 0) {
    state.SkipWithError("handoff schedule failed on the generated scenario");
    return;
  }
  double child_cpu_ms = 0;
  for (auto _ : state) {
    if (RunCli(file, &child_cpu_ms) != 0) {
      state.SkipWithError("handoff schedule failed");
      break;
    }
  }
  // The child's own CPU time (user + system): less sensitive than wall time to other load.
  state.counters["child_cpu_ms"] = child_cpu_ms / static_cast<double>(state.iterations());
  std::ifstream in(file, std::ios::binary | std::ios::ate);
  state.counters["file_mb"] = static_cast<double>(in.tellg()) / 1e6;
  state.counters["milestones"] = static_cast<double>(n);
}
BENCHMARK(BM_CliScheduleCsv)
    ->Arg(100'000)
    ->Iterations(5)
    ->UseRealTime()
    ->Unit(benchmark::kMillisecond);

void BM_LoadPhases(benchmark::State& state) {
  const size_t n = static_cast<size_t>(state.range(0));
  const std::string& file = ScenarioFile(n);
  if (file.empty()) {
    state.SkipWithError("cannot write the scenario file");
    return;
  }
  double read_ms = 0, parse_ms = 0, create_ms = 0, schedule_ms = 0, format_ms = 0;
  auto ms_since = [](Clock::time_point t0) {
    return std::chrono::duration<double, std::milli>(Clock::now() - t0).count();
  };
  for (auto _ : state) {
    Clock::time_point t0 = Clock::now();
    absl::StatusOr<std::string> text = handoff::ReadTextFile(file);
    read_ms += ms_since(t0);
    if (!text.ok()) {
      state.SkipWithError("cannot read the scenario file");
      break;
    }
    t0 = Clock::now();
    absl::StatusOr<handoff::Scenario> scenario = handoff::ParseScenario(*text);
    parse_ms += ms_since(t0);
    if (!scenario.ok()) {
      state.SkipWithError("cannot parse the scenario file");
      break;
    }
    t0 = Clock::now();
    absl::StatusOr<handoff::Portfolio> portfolio = handoff::Portfolio::Create(scenario->portfolio);
    create_ms += ms_since(t0);
    if (!portfolio.ok()) {
      state.SkipWithError("cannot create the portfolio");
      break;
    }
    t0 = Clock::now();
    std::vector<handoff::MilestoneSchedule> rows = portfolio->Schedule();
    schedule_ms += ms_since(t0);
    t0 = Clock::now();
    // The CLI's CSV formatting, as in examples/handoff_main.cc.
    std::string out;
    out.reserve(rows.size() * 48 + 40);
    out += "id,start,finish,slack_days,critical\n";
    for (const handoff::MilestoneSchedule& r : rows) {
      out += r.id.value();
      absl::StrAppendFormat(&out, ",%s,%s,%d,%s\n", handoff::FormatIsoDate(r.start),
                            handoff::FormatIsoDate(r.finish), r.slack_days,
                            r.critical ? "true" : "false");
    }
    benchmark::DoNotOptimize(out.data());
    format_ms += ms_since(t0);
  }
  const double it = static_cast<double>(state.iterations());
  state.counters["read_ms"] = read_ms / it;
  state.counters["parse_ms"] = parse_ms / it;
  state.counters["create_ms"] = create_ms / it;
  state.counters["schedule_ms"] = schedule_ms / it;
  state.counters["format_ms"] = format_ms / it;
}
BENCHMARK(BM_LoadPhases)->Arg(100'000)->Iterations(3)->UseRealTime()->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
