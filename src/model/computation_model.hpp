// Elhage et al.'s model of computation in superposition: it must compute |x| of sparse inputs
// x uniform on [-1, 1) through a hidden layer of ReLU neurons, whose basis is privileged:
//   h = ReLU(x W1^T),  y = ReLU(h W2^T + b),  loss = mean over the batch of sum_i w_i (y_i - |x_i|)^2
// (w_i: the run's loss weights). A ToyModel holds it as weights = W1^T (features x neurons: row i
// is feature i's weight into each neuron) and output_weights = W2 (features x neurons).
//
// The gradients are exact (tested against finite differences) and computed row by row: every sum
// runs over rows, neurons or features in a fixed order (a row's sums over features or neurons in
// two interleaved halves, added at the end) and each vector lane holds its own output, so the
// numbers do not depend on the vector width the CPU has. A row whose features are
// all absent has h = 0, y = ReLU(b): it adds only to the bias's gradient and the loss, once per
// row count; the sparsest instances have mostly such rows.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "model/toy_model.hpp"

namespace superpos {

// The model's estimate of |x| for every row of `inputs` (batch x features).
Batch compute_absolute(const ToyModel& model, const Batch& inputs);

// Buffers reused from step to step: the parameters padded to whole 16-float vectors, one row's
// activations, and the gradients summed over the rows.
struct ComputationScratch {
  std::vector<float> input_padded, output_padded, output_by_neuron, bias_padded;
  std::vector<float> hidden, output, gradient, hidden_gradient;
  std::vector<float> grad_output_by_neuron;  // d loss / d W2^T, summed in float over the rows
  std::vector<float> grad_input;             // d loss / d W1^T
  std::vector<float> bias_sum, loss_sum;     // per feature over the rows: d loss / d b and the squared error
  std::vector<std::uint32_t> present, active, passing;  // a row's present features, firing neurons, passing outputs
  // A block of rows: each one's hidden activations, d loss / d y and d loss / d h, and its inputs;
  // the gradient rows the block touches, and a mark per row against listing one twice.
  std::vector<float> block_hidden, block_gradient, block_hidden_gradient, block_x;
  std::vector<const float*> block_rows;
  std::vector<std::uint32_t> touched;
  std::vector<std::uint8_t> mark;
};

// The loss and its gradients on `batch` rows, row b's features at rows + b * stride (row-major, as
// the shared stream lays out one instance's slice of (batch, instances, features)). Fills
// out.weights (d/d W1^T), out.output_weights, out.bias and out.loss. The counts of present inputs
// and of rows with any are added to `present_inputs` and `nonempty_rows` (make bench reports them).
void computation_loss_and_gradients(const ToyModel& model, const float* rows, std::size_t stride, std::size_t batch,
                                    const Eigen::VectorXf& loss_weights, ComputationScratch& scratch, Gradients& out,
                                    std::uint64_t* present_inputs = nullptr, std::uint64_t* nonempty_rows = nullptr);

}  // namespace superpos
