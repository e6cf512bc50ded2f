#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <sys/wait.h>
#include <unistd.h>

#include "io/atomic_file.hpp"

namespace fs = std::filesystem;

TEST_CASE("A write removes the temporaries that dead writers of the same file left", "[io]") {
  const fs::path dir = fs::temp_directory_path() / "superpos_atomic";
  fs::remove_all(dir);
  fs::create_directories(dir);
  // A process id that surely belongs to no process: one that has exited and been reaped.
  const pid_t child = ::fork();
  if (child == 0) ::_exit(0);
  ::waitpid(child, nullptr, 0);
  const fs::path stale = dir / (".table.csv.tmp." + std::to_string(child));
  const fs::path live = dir / (".table.csv.tmp." + std::to_string(::getppid()));  // a running process
  const fs::path other = dir / (".other.csv.tmp." + std::to_string(child));     // another file's
  for (const fs::path& p : {stale, live, other}) std::ofstream(p) << "partial";

  superpos::write_file_atomically(dir / "table.csv", "a,b\n");
  CHECK_FALSE(fs::exists(stale));
  CHECK(fs::exists(live));   // may still be writing: left alone
  CHECK(fs::exists(other));  // removed only when other.csv is written
  std::ifstream in(dir / "table.csv");
  std::string line;
  std::getline(in, line);
  CHECK(line == "a,b");
  fs::remove_all(dir);
}

TEST_CASE("A zombie writer counts as gone", "[io]") {
  const fs::path dir = fs::temp_directory_path() / "superpos_atomic_zombie";
  fs::remove_all(dir);
  fs::create_directories(dir);
  const pid_t child = ::fork();
  if (child == 0) ::_exit(0);
  ::usleep(100000);  // the child exits and, not yet reaped, stays a zombie
  const fs::path stale = dir / (".fig.pdf.tmp." + std::to_string(child));
  std::ofstream(stale) << "partial";
  superpos::remove_stale_temporaries(dir / "fig.pdf");
  CHECK_FALSE(fs::exists(stale));
  ::waitpid(child, nullptr, 0);
  fs::remove_all(dir);
}
