#include <catch2/catch.hpp>
#include <random>
#include <string>
#include <vector>

#include "model/toy_model.hpp"
#include "model/large_batch_kernel.hpp"

using namespace superpos;

namespace {

// The loss written out independently, in double, as the reference for finite differences.
double reference_loss(const Eigen::MatrixXd& w, const Eigen::VectorXd& b, Activation activation,
                      const Eigen::MatrixXd& x, const Eigen::VectorXd& importance) {
  Eigen::MatrixXd z = (x * w * w.transpose()).rowwise() + b.transpose();
  if (activation == Activation::relu) z = z.cwiseMax(0.0);
  const Eigen::MatrixXd error = z - x;
  return (error.array().square().rowwise() * importance.transpose().array()).rowwise().sum().mean();
}

struct Case {
  ToyModel model;
  Batch inputs;
  Eigen::VectorXf importance;
};

Case random_case(Activation activation, double sparsity, unsigned seed) {
  std::mt19937 engine(seed);
  std::normal_distribution<float> normal;
  std::uniform_real_distribution<float> uniform;
  Case c;
  c.model.activation = activation;
  c.model.weights = Weights(5, 2);
  for (Eigen::Index i = 0; i < c.model.weights.size(); ++i) c.model.weights.data()[i] = 0.6f * normal(engine);
  c.model.bias = Eigen::VectorXf(5);
  for (int i = 0; i < 5; ++i) c.model.bias[i] = 0.1f * normal(engine);
  c.inputs = Batch(64, 5);
  for (Eigen::Index k = 0; k < c.inputs.size(); ++k)
    c.inputs.data()[k] = uniform(engine) < sparsity ? 0.0f : normal(engine);
  c.importance = feature_importance(5, 0.9);
  return c;
}

}  // namespace

TEST_CASE("Feature importance is 0.9^i rounded as torch computes it in float", "[model]") {
  const Eigen::VectorXf importance = feature_importance(5, 0.9);
  // Bit patterns from torch: 0.9 ** torch.arange(5).
  const std::uint32_t expected[] = {0x3f800000, 0x3f666666, 0x3f4f5c28, 0x3f3a9fbd, 0x3f27f62a};
  for (int i = 0; i < 5; ++i) CHECK(std::bit_cast<std::uint32_t>(importance[i]) == expected[i]);
}

TEST_CASE("Gradients match central finite differences of the loss in double precision", "[model]") {
  for (Activation activation : {Activation::linear, Activation::relu}) {
    SECTION(to_string(activation)) {
      const Case c = random_case(activation, 0.5, 11);
      const Gradients g = loss_and_gradients(c.model, c.inputs, c.importance);
      const Eigen::MatrixXd x = c.inputs.cast<double>();
      const Eigen::VectorXd importance = c.importance.cast<double>();
      Eigen::MatrixXd w = c.model.weights.cast<double>();
      Eigen::VectorXd b = c.model.bias.cast<double>();
      CHECK(g.loss == Approx(reference_loss(w, b, activation, x, importance)).epsilon(1e-5));
      const double h = 1e-6;
      for (Eigen::Index i = 0; i < w.rows(); ++i)
        for (Eigen::Index k = 0; k < w.cols(); ++k) {
          Eigen::MatrixXd up = w, down = w;
          up(i, k) += h;
          down(i, k) -= h;
          const double numeric = (reference_loss(up, b, activation, x, importance) -
                                  reference_loss(down, b, activation, x, importance)) / (2 * h);
          CHECK(g.weights(i, k) == Approx(numeric).epsilon(1e-4).margin(1e-5));
        }
      for (Eigen::Index i = 0; i < b.size(); ++i) {
        Eigen::VectorXd up = b, down = b;
        up[i] += h;
        down[i] -= h;
        const double numeric =
            (reference_loss(w, up, activation, x, importance) - reference_loss(w, down, activation, x, importance)) /
            (2 * h);
        CHECK(g.bias[i] == Approx(numeric).epsilon(1e-4).margin(1e-5));
      }
    }
  }
}

TEST_CASE("ReLU passes no gradient where its output is zero", "[model]") {
  ToyModel model{Weights::Zero(5, 2), Eigen::VectorXf::Constant(5, -1.0f), Activation::relu, {}};
  Batch inputs = Batch::Ones(4, 5);
  const Gradients g = loss_and_gradients(model, inputs, feature_importance(5, 0.9));
  CHECK(g.bias.isZero());
  CHECK(g.weights.isZero());
}

TEST_CASE("reconstruct applies x W W^T + b and the activation", "[model]") {
  ToyModel model{Weights::Zero(3, 1), Eigen::Vector3f(0.5f, -0.5f, 0.0f), Activation::relu, {}};
  model.weights(0, 0) = 1.0f;
  Batch inputs(1, 3);
  inputs << 2.0f, 1.0f, 1.0f;
  const Batch out = reconstruct(model, inputs);
  CHECK(out(0, 0) == Approx(2.5f));
  CHECK(out(0, 1) == 0.0f);  // -0.5 clipped by the ReLU
  CHECK(out(0, 2) == 0.0f);
}

TEST_CASE("The batch kernel equals the per-sample formulation, any shape and batch size", "[model]") {
  // The plain per-sample computation the kernel reorganises: float per sample, double batch sums.
  struct Shape {
    int features, hidden, batch;
  };
  for (const Shape shape : {Shape{5, 2, 1024}, Shape{5, 2, 70}, Shape{7, 3, 37}, Shape{2, 1, 3}}) {
    for (Activation activation : {Activation::linear, Activation::relu}) {
      std::mt19937 engine(static_cast<unsigned>(shape.features * 100 + shape.batch));
      std::normal_distribution<float> normal;
      ToyModel model{Weights(shape.features, shape.hidden), Eigen::VectorXf(shape.features), activation, {}};
      for (Eigen::Index k = 0; k < model.weights.size(); ++k) model.weights.data()[k] = 0.5f * normal(engine);
      for (int i = 0; i < shape.features; ++i) model.bias[i] = 0.1f * normal(engine);
      Batch inputs(shape.batch, shape.features);
      for (Eigen::Index k = 0; k < inputs.size(); ++k) inputs.data()[k] = normal(engine);
      const Eigen::VectorXf importance = feature_importance(shape.features, 0.9);

      Eigen::MatrixXd grad_w = Eigen::MatrixXd::Zero(shape.features, shape.hidden);
      Eigen::VectorXd grad_b = Eigen::VectorXd::Zero(shape.features);
      double loss = 0.0;
      const float inv_batch = 1.0f / static_cast<float>(shape.batch);
      for (int b = 0; b < shape.batch; ++b) {
        std::vector<float> h(shape.hidden, 0.0f), gh(shape.hidden, 0.0f), gz(shape.features);
        for (int k = 0; k < shape.hidden; ++k)
          for (int i = 0; i < shape.features; ++i) h[k] += inputs(b, i) * model.weights(i, k);
        float sample_loss = 0.0f;
        for (int i = 0; i < shape.features; ++i) {
          float z = 0.0f;
          for (int k = 0; k < shape.hidden; ++k) z += h[k] * model.weights(i, k);
          const float pre = z + model.bias[i];
          const bool relu = activation == Activation::relu;
          const float error = (relu && !(pre > 0.0f) ? 0.0f : pre) - inputs(b, i);
          sample_loss += importance[i] * (error * error);
          gz[i] = (!relu || pre > 0.0f) ? (inv_batch * importance[i]) * (2.0f * error) : 0.0f;
        }
        loss += sample_loss;
        for (int k = 0; k < shape.hidden; ++k)
          for (int i = 0; i < shape.features; ++i) gh[k] += gz[i] * model.weights(i, k);
        for (int i = 0; i < shape.features; ++i) {
          grad_b[i] += gz[i];
          for (int k = 0; k < shape.hidden; ++k)
            grad_w(i, k) += double(gz[i]) * h[k] + double(inputs(b, i)) * gh[k];
        }
      }
      const Gradients g = loss_and_gradients(model, inputs, importance);
      // Only the order of the double sums differs: agreement to double rounding, then the float cast.
      CHECK(g.loss == Approx(loss / shape.batch).epsilon(1e-12));
      for (int i = 0; i < shape.features; ++i) {
        CHECK(g.bias[i] == static_cast<float>(grad_b[i]));
        for (int k = 0; k < shape.hidden; ++k) CHECK(g.weights(i, k) == static_cast<float>(grad_w(i, k)));
      }
    }
  }
}

TEST_CASE("The large-model kernel agrees with the loss and gradients computed in double", "[model]") {
  // 20 x 5 and 40 x 8 take large_batch_kernel; dense inputs take its blocked products, inputs at
  // sparsity 0.95 its nonzero lists (from below an eighth nonzero: 0.95 stays clear of that, where
  // 0.9 drawn at random might not); a batch of 37 pads the last vector. The reference is the
  // gradient written out in double: float sums in another order agree to a few float roundings.
  struct Shape {
    int features, hidden, batch;
  };
  for (const Shape shape : {Shape{20, 5, 1024}, Shape{40, 8, 37}, Shape{13, 5, 100}}) {
    REQUIRE(static_cast<std::size_t>(shape.features * shape.hidden) >= kLargeKernelFromWeights);
    for (double sparsity : {0.0, 0.95}) {
      for (Activation activation : {Activation::linear, Activation::relu}) {
        std::mt19937 engine(static_cast<unsigned>(shape.features * 7 + shape.batch));
        std::normal_distribution<float> normal;
        std::uniform_real_distribution<float> uniform;
        ToyModel model{Weights(shape.features, shape.hidden), Eigen::VectorXf(shape.features), activation, {}};
        for (Eigen::Index k = 0; k < model.weights.size(); ++k) model.weights.data()[k] = 0.4f * normal(engine);
        for (int i = 0; i < shape.features; ++i) model.bias[i] = 0.1f * normal(engine);
        Batch inputs(shape.batch, shape.features);
        for (Eigen::Index k = 0; k < inputs.size(); ++k)
          inputs.data()[k] = uniform(engine) < sparsity ? 0.0f : normal(engine);
        const Eigen::VectorXf importance = feature_importance(shape.features, 0.9);

        const Eigen::MatrixXd x = inputs.cast<double>(), w = model.weights.cast<double>();
        const Eigen::VectorXd b = model.bias.cast<double>(), imp = importance.cast<double>();
        const Eigen::MatrixXd h = x * w;
        const Eigen::MatrixXd pre = (h * w.transpose()).rowwise() + b.transpose();
        const bool relu = activation == Activation::relu;
        const Eigen::MatrixXd out = relu ? pre.cwiseMax(0.0) : pre;
        Eigen::MatrixXd gz = (2.0 / shape.batch) * ((out - x).array().rowwise() * imp.transpose().array()).matrix();
        if (relu) gz = (pre.array() > 0.0).select(gz, 0.0);
        const Eigen::MatrixXd grad_w = gz.transpose() * h + x.transpose() * (gz * w);
        const double loss = ((out - x).array().square().rowwise() * imp.transpose().array()).rowwise().sum().mean();

        const Gradients g = loss_and_gradients(model, inputs, importance);
        INFO(shape.features << " x " << shape.hidden << ", batch " << shape.batch << ", sparsity " << sparsity << ", "
                            << to_string(activation));
        CHECK(g.loss == Approx(loss).epsilon(1e-5));
        const double scale = grad_w.cwiseAbs().maxCoeff();
        CHECK((g.weights.cast<double>() - grad_w).cwiseAbs().maxCoeff() <= 1e-5 * scale);
        const Eigen::VectorXd grad_b = gz.colwise().sum().transpose();
        CHECK((g.bias.cast<double>() - grad_b).cwiseAbs().maxCoeff() <= 1e-5 * grad_b.cwiseAbs().maxCoeff() + 1e-9);
      }
    }
  }
}

TEST_CASE("The large-model kernel's AVX-512, AVX2 and baseline variants agree bit for bit", "[model]") {
  // A run must not depend on the machine it trained on: the variants block the products
  // differently and pack the nonzero lists differently, but add the same numbers in the same order.
  const std::vector<std::string> variants = large_kernel_variants();
  INFO("variants on this CPU: " << variants.size());
  REQUIRE(variants.back() == "baseline");
  struct Shape {
    std::size_t features, hidden, batch;
  };
  for (const Shape shape : {Shape{400, 40, 1024}, Shape{21, 7, 37}, Shape{100, 20, 1000}}) {
    for (double sparsity : {0.0, 0.95}) {
      for (bool relu : {false, true}) {
        std::mt19937 engine(static_cast<unsigned>(shape.features + shape.batch));
        std::normal_distribution<float> normal;
        std::uniform_real_distribution<float> uniform;
        std::vector<float> weights(shape.features * shape.hidden), bias(shape.features), x(shape.batch * shape.features);
        for (float& w : weights) w = 0.2f * normal(engine);
        for (float& b : bias) b = 0.1f * normal(engine);
        for (float& v : x) v = uniform(engine) < sparsity ? 0.0f : normal(engine);
        const Eigen::VectorXf importance = feature_importance(static_cast<int>(shape.features), 0.9);
        auto run = [&](const std::string& variant) {
          LargeKernelScratch scratch;
          std::vector<double> gw(weights.size()), gb(bias.size());
          double loss = 0.0;
          large_batch_kernel_variant(variant, weights.data(), bias.data(), relu, x.data(), importance.data(),
                                     {shape.batch, shape.features, shape.hidden}, scratch, gw.data(), gb.data(),
                                     &loss);
          gw.insert(gw.end(), gb.begin(), gb.end());
          gw.push_back(loss);
          return gw;
        };
        const std::vector<double> baseline = run("baseline");
        for (const std::string& variant : variants) {
          INFO(variant << ", " << shape.features << " x " << shape.hidden << ", batch " << shape.batch
                       << ", sparsity " << sparsity << (relu ? ", relu" : ", linear"));
          CHECK(run(variant) == baseline);
        }
      }
    }
  }
}
