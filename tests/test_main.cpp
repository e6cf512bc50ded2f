// Catch2's main; every other tests/test_*.cpp holds the cases for one library file.
#define CATCH_CONFIG_MAIN
#include <catch2/catch.hpp>
