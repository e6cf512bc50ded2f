#include <boost/program_options.hpp>
#include <catch2/catch.hpp>

#include "io/config.hpp"
#include "train/trainer.hpp"

using namespace superpos;

namespace {

RunConfig load(const std::string& name) {
  boost::program_options::variables_map none;
  return load_run_config(std::string(SUPERPOS_SOURCE_DIR) + "/report/configs/" + name + ".ini", none);
}

}  // namespace

TEST_CASE("The article's runs start where the previous one ended in the notebook's stream", "[configs]") {
  // After manual_seed(42) the notebook drew a 5 x 2 Xavier init (20 draws) and rand(1, 5) (5 draws).
  const std::uint64_t sanity_check = 20 + 5;
  const RunConfig linear_0 = load("linear_0");
  const RunConfig linear_05 = load("linear_05");
  const RunConfig relu_05 = load("relu_05");
  const RunConfig relu_09 = load("relu_09");
  CHECK(linear_0.train.stream_offset == sanity_check);
  CHECK(linear_05.train.stream_offset == linear_0.train.stream_offset + run_draws(linear_0.train));
  CHECK(relu_05.train.stream_offset == linear_05.train.stream_offset + run_draws(linear_05.train));
  CHECK(relu_09.train.stream_offset == relu_05.train.stream_offset + run_draws(relu_05.train));
}
