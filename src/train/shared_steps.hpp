// The step loop of a shared-stream sweep (notebook_trainer.hpp, computation_trainer.hpp): each
// step draws one batch for every instance, then trains each instance on it. With two or more
// threads, a step is a list of tasks the threads take in turn: task 0 draws the next step's batch
// into the other buffer, tasks 1.. train one instance each, and a barrier ends the step. The stream
// is drawn in the one-thread order and each instance's step runs the same operations on any thread,
// so a sweep is the same whatever the thread count.
#pragma once

#include <cstddef>
#include <functional>
#include <vector>

namespace superpos {

struct SharedSteps {
  long steps = 0;
  std::size_t instances = 0;
  std::size_t batch_floats = 0;  // one step's draws: batch x instances x features
  unsigned threads = 1;          // clamped to 1 .. instances + 1
  // Fills a buffer with one step's batch.
  std::function<void(std::vector<float>&)> draw;
  // Before a step's instances train (its learning rate, say), and after all of them (the schedule).
  std::function<void()> begin_step = [] {};
  std::function<void()> end_step = [] {};
  // Instance k's step on `batch`, on thread `worker` (0 .. threads - 1: its scratch buffers).
  std::function<void(std::size_t k, const std::vector<float>& batch, unsigned worker)> train;
};

// Runs steps 0 .. steps - 1, `step` holding the current one (train reads it). An instance's
// exception is rethrown after the step it happened in, the lowest instance's first, as one thread
// would; then a drawing error.
void run_shared_steps(const SharedSteps& s, long& step);

// The threads run_shared_steps uses for `requested` threads and `instances` instances.
unsigned shared_step_threads(unsigned requested, std::size_t instances);

}  // namespace superpos
