// What the article's notebook computed before any training, from the same stream: after
// torch.manual_seed(42) it built a 5 x 2 model (xavier_normal_ W, zero bias), drew
// x = torch.rand(1, 5) and ran one forward pass. superpos redraws those tensors and prints them,
// with the feature importances and the ten angles between the untrained rows; that these 25 draws
// end where linear_0's stream_offset says the first run starts is checked here too.
#include <fmt/format.h>
#include <stdexcept>
#include <vector>

#include "analysis/geometry.hpp"
#include "random/torch_generator.hpp"
#include "report/report_parts.hpp"
#include "train/trainer.hpp"

namespace superpos::report_parts {

std::string notebook_sanity(const ReportContext& c) {
  constexpr int kFeatures = 5, kHidden = 2;
  TorchGenerator generator(42);
  ToyModel model;
  model.activation = Activation::linear;
  model.weights = xavier_normal(kFeatures, kHidden, generator);
  model.bias = Eigen::VectorXf::Zero(kFeatures);
  std::vector<float> x(kFeatures);
  generator.fill_uniform(x);
  if (c.runs.contains("linear_0") && c.runs.at("linear_0").config.train.seed == 42 &&
      c.runs.at("linear_0").config.train.stream_offset != generator.draws())
    throw std::runtime_error(fmt::format("the sanity check takes {} draws but linear_0 starts at offset {}",
                                         generator.draws(), c.runs.at("linear_0").config.train.stream_offset));
  Batch input(1, kFeatures);
  for (int i = 0; i < kFeatures; ++i) input(0, i) = x[static_cast<std::size_t>(i)];
  const Batch output = reconstruct(model, input);
  const Eigen::VectorXf importance = feature_importance(kFeatures, 0.9);
  auto row = [](const auto& values, int n) {
    std::vector<std::string> parts;
    for (int i = 0; i < n; ++i) parts.push_back(fmt::format("{:.4f}", values(i)));
    return fmt::format("[{}]", fmt::join(parts, ", "));
  };
  std::string out = "| tensor | value |\n|---|---|\n";
  out += fmt::format("| feature importances | {} |\n", row([&](int i) { return importance[i]; }, kFeatures));
  out += fmt::format("| input `torch.rand(1, 5)` | {} |\n", row([&](int i) { return x[static_cast<std::size_t>(i)]; }, kFeatures));
  out += fmt::format("| output of the untrained model | {} |\n", row([&](int i) { return output(0, i); }, kFeatures));
  std::vector<std::string> angles;
  for (int i = 0; i < kFeatures; ++i)
    for (int j = i + 1; j < kFeatures; ++j)
      angles.push_back(fmt::format("{}-{}: {:.2f}", i, j, angle_degrees(model.weights, i, j)));
  out += fmt::format("| angles between untrained rows (degrees) | {} |\n", fmt::join(angles, "; "));
  return out + fmt::format("\nTable: The notebook's sanity check, redrawn from seed 42 ({} draws, where `linear_0` "
                           "starts).\n", generator.draws());
}

}  // namespace superpos::report_parts
