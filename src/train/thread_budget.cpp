#include "train/thread_budget.hpp"

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <fcntl.h>
#include <thread>
#include <unistd.h>

namespace superpos {
namespace {

// The value of --jobserver-auth= (make 4.2+) or --jobserver-fds= (older) in MAKEFLAGS.
std::string jobserver_auth(const std::string& makeflags) {
  for (const char* option : {"--jobserver-auth=", "--jobserver-fds="}) {
    const auto at = makeflags.rfind(option);
    if (at == std::string::npos) continue;
    const auto start = at + std::char_traits<char>::length(option);
    return makeflags.substr(start, makeflags.find(' ', start) - start);
  }
  return "";
}

}  // namespace

std::string environment_makeflags() {
  const char* flags = std::getenv("MAKEFLAGS");
  return flags ? flags : "";
}

ThreadBudget::ThreadBudget(unsigned requested, const std::string& makeflags) {
  // In a Slurm job the cores are the job's, not the machine's (superpos submit asks for them).
  const unsigned slurm = slurm_cpus_per_task();
  const unsigned cores = slurm > 0 ? slurm : std::max(1u, std::thread::hardware_concurrency());
  const unsigned wanted = requested == 0 ? cores : slurm > 0 ? std::min(requested, slurm) : requested;
  const std::string auth = jobserver_auth(makeflags);
  if (auth.empty()) {  // not under a parallel make: ours to use
    threads_ = wanted;
    return;
  }
  if (auth.starts_with("fifo:")) {
    read_fd_ = ::open(auth.c_str() + 5, O_RDWR | O_NONBLOCK | O_CLOEXEC);
    write_fd_ = read_fd_;
    own_fds_ = true;
  } else if (std::sscanf(auth.c_str(), "%d,%d", &read_fd_, &write_fd_) != 2) {
    read_fd_ = write_fd_ = -1;
  }
  // Not handed the jobserver (a recipe make does not mark as recursive): one thread, as make
  // counted this job as one.
  if (read_fd_ < 0 || ::fcntl(read_fd_, F_GETFD) < 0 || ::fcntl(write_fd_, F_GETFD) < 0) {
    read_fd_ = write_fd_ = -1;
    threads_ = 1;
    return;
  }
  // Take the free slots there are now, without waiting: a sweep that waited for slots would hold
  // the one it has while make waits for it.
  const int flags = ::fcntl(read_fd_, F_GETFL);
  if (!own_fds_) ::fcntl(read_fd_, F_SETFL, flags | O_NONBLOCK);
  while (1 + tokens_.size() < wanted) {
    char token = 0;
    if (::read(read_fd_, &token, 1) != 1) break;
    tokens_ += token;
  }
  if (!own_fds_) ::fcntl(read_fd_, F_SETFL, flags);
  threads_ = 1 + static_cast<unsigned>(tokens_.size());
}

ThreadBudget::~ThreadBudget() {
  if (!tokens_.empty() && write_fd_ >= 0) {
    std::size_t done = 0;
    while (done < tokens_.size()) {
      const ssize_t n = ::write(write_fd_, tokens_.data() + done, tokens_.size() - done);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) break;
      done += static_cast<std::size_t>(n);
    }
  }
  if (own_fds_ && read_fd_ >= 0) ::close(read_fd_);
}

unsigned slurm_cpus_per_task() {
  const char* text = std::getenv("SLURM_CPUS_PER_TASK");
  if (text == nullptr || *text == '\0') return 0;
  char* end = nullptr;
  const unsigned long value = std::strtoul(text, &end, 10);
  return *end == '\0' && value > 0 && value <= 4096 ? static_cast<unsigned>(value) : 0;
}

std::vector<std::exception_ptr> run_on_threads(std::size_t count, unsigned threads,
                                               const std::function<void(std::size_t)>& task) {
  std::vector<std::exception_ptr> errors(count);
  std::atomic<std::size_t> next{0};
  auto work = [&] {
    for (std::size_t k = next++; k < count; k = next++) {
      try {
        task(k);
      } catch (...) {
        errors[k] = std::current_exception();
      }
    }
  };
  std::vector<std::thread> pool;
  for (unsigned t = 1; t < threads; ++t) pool.emplace_back(work);
  work();
  for (std::thread& thread : pool) thread.join();
  return errors;
}

}  // namespace superpos
