// Runs the `handoff` command-line tool for tests: exit status, stdout and stderr.
#ifndef HANDOFF_TESTS_SUPPORT_RUN_CLI_H_
#define HANDOFF_TESTS_SUPPORT_RUN_CLI_H_

#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "gtest/gtest.h"

extern char** environ;

namespace handoff::testing {

inline const std::string kCli = HANDOFF_CLI;

struct RunResult {
  int status = -1;  // the exit status; 128 + signal number when killed by a signal
  std::string out;  // everything written to stdout
  std::string err;  // everything written to stderr
};

inline std::string Slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

// Runs the CLI with `args` and returns its exit status, stdout and stderr.
inline RunResult RunCli(const std::vector<std::string>& args) {
  RunResult result;
  std::string dir = ::testing::TempDir();
  if (dir.empty() || dir.back() != '/') dir += '/';
  std::string out_path = dir + "handoff_cli_out_XXXXXX";
  std::string err_path = dir + "handoff_cli_err_XXXXXX";
  int out_fd = mkstemp(out_path.data());
  int err_fd = mkstemp(err_path.data());
  if (out_fd < 0 || err_fd < 0) {
    ADD_FAILURE() << "mkstemp failed in " << dir;
    return result;
  }
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, out_fd, STDOUT_FILENO);
  posix_spawn_file_actions_adddup2(&actions, err_fd, STDERR_FILENO);
  posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
  std::vector<std::string> argv_storage = {kCli};
  argv_storage.insert(argv_storage.end(), args.begin(), args.end());
  std::vector<char*> argv;
  for (std::string& a : argv_storage) argv.push_back(a.data());
  argv.push_back(nullptr);
  pid_t pid = 0;
  int rc = posix_spawn(&pid, kCli.c_str(), &actions, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  close(out_fd);
  close(err_fd);
  if (rc != 0) {
    ADD_FAILURE() << "posix_spawn(" << kCli << ") failed: " << rc;
  } else {
    int wstatus = 0;
    while (waitpid(pid, &wstatus, 0) < 0) {
    }
    if (WIFEXITED(wstatus)) {
      result.status = WEXITSTATUS(wstatus);
    } else if (WIFSIGNALED(wstatus)) {
      result.status = 128 + WTERMSIG(wstatus);
    }
  }
  result.out = Slurp(out_path);
  result.err = Slurp(err_path);
  std::remove(out_path.c_str());
  std::remove(err_path.c_str());
  return result;
}

}  // namespace handoff::testing

#endif  // HANDOFF_TESTS_SUPPORT_RUN_CLI_H_
