// How many threads a sweep may use. Alone, every core (or what --threads asks). Under `make -j`,
// whose other jobs are using cores too, a thread beyond the first runs only on a job slot taken
// from make's jobserver, and gives it back when done: make -jN and the threads of its jobs
// together never run more than N things at once.
#pragma once

#include <cstddef>
#include <exception>
#include <functional>
#include <string>
#include <vector>

namespace superpos {

// $SLURM_CPUS_PER_TASK inside a Slurm job that asked for cores, else 0.
unsigned slurm_cpus_per_task();

// $MAKEFLAGS, or "" outside make.
std::string environment_makeflags();

class ThreadBudget {
 public:
  // `requested` 0 means every core. `makeflags` is $MAKEFLAGS (empty when not under make); the
  // tests pass their own.
  explicit ThreadBudget(unsigned requested, const std::string& makeflags = environment_makeflags());
  ~ThreadBudget();  // returns the slots taken
  ThreadBudget(const ThreadBudget&) = delete;
  ThreadBudget& operator=(const ThreadBudget&) = delete;

  unsigned threads() const { return threads_; }

 private:
  unsigned threads_ = 1;
  int read_fd_ = -1, write_fd_ = -1;
  bool own_fds_ = false;  // opened a jobserver fifo (make 4.4) rather than inherited pipe ends
  std::string tokens_;    // the bytes read from the jobserver, written back as they were
};

// Runs task(0) ... task(count - 1) on `threads` threads (this one among them), each index once,
// and returns what each task threw (null where it finished): the caller decides which errors to
// report, in index order, whatever order the threads ran them in.
std::vector<std::exception_ptr> run_on_threads(std::size_t count, unsigned threads,
                                               const std::function<void(std::size_t)>& task);

}  // namespace superpos
