// Catch2's main; every other tests/test_*.cpp holds the cases for one library file.
//
// ctest runs each case as its own process, two at a time (`ctest -j`), and the cases name their
// scratch files under temp_directory_path(). So that two cases never share a file, and nothing is
// left in /tmp, each process gets a temporary folder of its own as TMPDIR, removed when it ends.
#define CATCH_CONFIG_RUNNER
#include <catch2/catch.hpp>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <system_error>

int main(int argc, char* argv[]) {
  const char* parent = std::getenv("TMPDIR");
  std::string pattern = std::string(parent && *parent ? parent : "/tmp") + "/superpos-test.XXXXXX";
  if (mkdtemp(pattern.data()) == nullptr) return 2;
  setenv("TMPDIR", pattern.c_str(), 1);
  const int status = Catch::Session().run(argc, argv);
  std::error_code ignored;
  std::filesystem::remove_all(pattern, ignored);
  return status;
}
