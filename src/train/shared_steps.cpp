#include "train/shared_steps.hpp"

#include <algorithm>
#include <atomic>
#include <barrier>
#include <exception>
#include <thread>

namespace superpos {

unsigned shared_step_threads(unsigned requested, std::size_t instances) {
  return static_cast<unsigned>(std::clamp<std::size_t>(requested, 1, instances + 1));
}

void run_shared_steps(const SharedSteps& s, long& step) {
  const unsigned threads = shared_step_threads(s.threads, s.instances);
  std::vector<float> values[2] = {std::vector<float>(s.batch_floats), {}};  // the second with a second thread
  if (threads == 1) {
    for (; step < s.steps; ++step) {
      s.draw(values[0]);
      s.begin_step();
      for (std::size_t k = 0; k < s.instances; ++k) s.train(k, values[0], 0);
      s.end_step();
    }
    return;
  }
  std::atomic<std::size_t> next_task{0};
  std::vector<std::exception_ptr> errors(s.instances);
  std::exception_ptr draw_error;
  bool finished = false;
  auto take_tasks = [&](unsigned worker) {
    const std::vector<float>& current = values[step % 2];
    for (std::size_t task; (task = next_task.fetch_add(1)) <= s.instances;) {
      try {
        if (task == 0) {
          if (step + 1 < s.steps) s.draw(values[(step + 1) % 2]);
        } else {
          s.train(task - 1, current, worker);
        }
      } catch (...) {
        // Kept under the task's own slot; an instance's failure is reported in index order.
        (task == 0 ? draw_error : errors[task - 1]) = std::current_exception();
      }
    }
  };
  auto end_step = [&]() noexcept {
    next_task = 0;
    s.end_step();
    ++step;
    finished = step >= s.steps || draw_error ||
               std::any_of(errors.begin(), errors.end(), [](const std::exception_ptr& e) { return bool(e); });
    if (!finished) s.begin_step();
  };
  std::barrier step_done(static_cast<std::ptrdiff_t>(threads), end_step);
  values[1].resize(s.batch_floats);
  s.draw(values[0]);
  s.begin_step();
  std::vector<std::jthread> helpers;
  for (unsigned h = 1; h < threads; ++h)
    helpers.emplace_back([&, h] {
      while (!finished) {
        take_tasks(h);
        step_done.arrive_and_wait();
      }
    });
  while (!finished) {
    take_tasks(0);
    step_done.arrive_and_wait();
  }
  helpers.clear();  // joins
  for (const std::exception_ptr& error : errors)
    if (error) std::rethrow_exception(error);  // the lowest instance's, as one thread would
  if (draw_error) std::rethrow_exception(draw_error);
}

}  // namespace superpos
