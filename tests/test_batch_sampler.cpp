#include <catch2/catch.hpp>

#include "fixtures_loader.hpp"
#include "random/torch_generator.hpp"
#include "train/batch_sampler.hpp"
#include "train/trainer.hpp"

using namespace superpos;

TEST_CASE("A sparse batch is drawn exactly as randn(B, N) * (rand(B, N) > p)", "[batch]") {
  // Bound first: a range-for over a member of a temporary reads freed memory.
  const auto fixtures = test::load_fixture("rng_fixtures.json");
  for (const auto& c : fixtures.at("cases")) {
    TorchGenerator generator(c.at("seed").get<std::uint64_t>());
    Batch inputs(1024, 5);
    BatchScratch scratch;
    draw_batch(generator, 0.5, inputs, scratch);
    // The fixture holds torch's tensor in its own row-major order.
    std::vector<float> drawn;
    for (Eigen::Index b = 0; b < inputs.rows(); ++b)
      for (Eigen::Index i = 0; i < inputs.cols(); ++i) drawn.push_back(inputs(b, i));
    CHECK(test::bits_of(drawn) == c.at("batch_1024x5_sparsity_0.5").get<std::vector<std::uint32_t>>());
    CHECK(generator.draws() == batch_draws(1024, 5));
  }
}

TEST_CASE("Xavier init matches torch.nn.init.xavier_normal_ for a 5 x 2 weight", "[batch]") {
  // Bound first: a range-for over a member of a temporary reads freed memory.
  const auto fixtures = test::load_fixture("rng_fixtures.json");
  for (const auto& c : fixtures.at("cases")) {
    TorchGenerator generator(c.at("seed").get<std::uint64_t>());
    const Weights w = xavier_normal(5, 2, generator);
    const std::vector<float> drawn(w.data(), w.data() + w.size());
    CHECK(test::bits_of(drawn) == c.at("xavier_normal_5x2").get<std::vector<std::uint32_t>>());
  }
}
