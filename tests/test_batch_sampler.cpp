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

TEST_CASE("Every batch shape is the masked draws, feature by feature, whatever path the transpose takes",
          "[batch]") {
  // The draws are torch's (tested above at 1024 x 5); this checks the masking and the transpose:
  // blocks of 8 (under 16 features), tiles of 16 x 16 with a last tile that overlaps the one
  // before (37, 100 and 17 features), and batches that end part-way through a block.
  struct Shape {
    long batch, features;
  };
  for (const Shape shape : {Shape{1024, 5}, Shape{37, 5}, Shape{1024, 16}, Shape{1024, 37}, Shape{45, 100},
                            Shape{1024, 400}, Shape{3, 17}}) {
    for (InputDistribution distribution : {InputDistribution::normal, InputDistribution::uniform}) {
      TorchGenerator generator(7), reference(7);
      Batch inputs(shape.batch, shape.features);
      BatchScratch scratch;
      draw_batch(generator, 0.6, inputs, scratch, distribution);
      std::vector<float> values(static_cast<std::size_t>(shape.batch * shape.features)), uniforms(values.size());
      if (distribution == InputDistribution::uniform) reference.fill_uniform(values);
      else reference.fill_normal(values);
      reference.fill_uniform(uniforms);
      INFO(shape.batch << " x " << shape.features);
      bool all_equal = true;
      for (long b = 0; b < shape.batch; ++b)
        for (long i = 0; i < shape.features; ++i) {
          const auto at = static_cast<std::size_t>(b * shape.features + i);
          const float expected = values[at] * (uniforms[at] > 0.6f ? 1.0f : 0.0f);
          all_equal = all_equal && test::bits_of(std::vector<float>{inputs(b, i)}) ==
                                       test::bits_of(std::vector<float>{expected});
        }
      CHECK(all_equal);
      CHECK(generator.draws() == reference.draws());
    }
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
