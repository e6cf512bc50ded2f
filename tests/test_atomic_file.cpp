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

TEST_CASE("A folder replaced whole keeps its old contents when the writer fails", "[io]") {
  const fs::path dir = fs::temp_directory_path() / "superpos_atomic_dir";
  fs::remove_all(dir);
  fs::create_directories(dir / "run");
  std::ofstream(dir / "run" / "a.csv") << "old";
  const auto any = [](const std::string&) { return true; };
  CHECK_THROWS_WITH(superpos::replace_directory_atomically(dir / "run", any,
                                                           [](const fs::path& folder) {
                                                             std::ofstream(folder / "a.csv") << "new";
                                                             throw std::runtime_error("disk full");
                                                           }),
                    "disk full");
  std::ifstream old_file(dir / "run" / "a.csv");
  std::string text;
  old_file >> text;
  CHECK(text == "old");
  for (const auto& entry : fs::directory_iterator(dir)) CHECK(entry.path().filename() == "run");

  superpos::replace_directory_atomically(dir / "run", any,
                                         [](const fs::path& folder) { std::ofstream(folder / "b.csv") << "new"; });
  CHECK_FALSE(fs::exists(dir / "run" / "a.csv"));  // the folder is the new one, not a mix
  CHECK(fs::exists(dir / "run" / "b.csv"));
  for (const auto& entry : fs::directory_iterator(dir)) CHECK(entry.path().filename() == "run");
}
