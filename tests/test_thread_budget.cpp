#include <catch2/catch.hpp>
#include <fmt/format.h>
#include <thread>
#include <fcntl.h>
#include <unistd.h>

#include "train/thread_budget.hpp"

using namespace superpos;

namespace {

// Bytes waiting in a pipe (the jobserver's free slots).
int waiting(int read_fd) {
  int count = 0;
  char byte = 0;
  std::string taken;
  while (::read(read_fd, &byte, 1) == 1) {
    ++count;
    taken += byte;
  }
  return count;
}

}  // namespace

TEST_CASE("Outside make a sweep gets the threads it asks for, or every core", "[threads]") {
  CHECK(ThreadBudget(3, "").threads() == 3);
  CHECK(ThreadBudget(0, "").threads() == std::max(1u, std::thread::hardware_concurrency()));
  CHECK(ThreadBudget(0, "-j4").threads() == std::max(1u, std::thread::hardware_concurrency()));
}

TEST_CASE("Under make -j a thread beyond the first takes a free job slot and gives it back", "[threads]") {
  int fds[2];
  REQUIRE(::pipe(fds) == 0);
  REQUIRE(::write(fds[1], "+++", 3) == 3);  // three free slots
  const std::string makeflags = fmt::format(" -j4 --jobserver-auth={},{}", fds[0], fds[1]);
  {
    ThreadBudget budget(8, makeflags);
    CHECK(budget.threads() == 4);  // its own slot and the three free ones
  }
  {
    ThreadBudget budget(2, makeflags);
    CHECK(budget.threads() == 2);
  }
  ::fcntl(fds[0], F_SETFL, O_NONBLOCK);
  CHECK(waiting(fds[0]) == 3);  // every slot returned
  {
    ThreadBudget budget(8, makeflags);  // no slot free now: only its own
    CHECK(budget.threads() == 1);
  }
  ::close(fds[0]);
  ::close(fds[1]);
  // The jobserver named but not handed down (make did not count the recipe as recursive).
  CHECK(ThreadBudget(8, makeflags).threads() == 1);
}
