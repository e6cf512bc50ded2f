#include "io/run_results.hpp"

#include <fmt/format.h>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "analysis/geometry.hpp"
#include "io/atomic_file.hpp"

namespace superpos {
namespace {

using nlohmann::ordered_json;

// %.9g round-trips a float exactly; %.17g a double.
std::string f9(double value) { return fmt::format("{:.9g}", value); }

std::string weights_csv(const RunResults& r, const Geometry& g) {
  const Weights& w = r.model.weights;
  const Eigen::VectorXf importance = feature_importance(r.config.train.features, r.config.train.importance_decay);
  std::string out = "feature,importance";
  for (Eigen::Index k = 0; k < w.cols(); ++k) out += fmt::format(",dim_{}", k);
  out += ",norm\n";
  for (Eigen::Index i = 0; i < w.rows(); ++i) {
    out += fmt::format("{},{}", i, f9(importance[i]));
    for (Eigen::Index k = 0; k < w.cols(); ++k) out += fmt::format(",{}", f9(w(i, k)));
    out += fmt::format(",{}\n", f9(g.norms[i]));
  }
  return out;
}

std::string bias_csv(const RunResults& r) {
  std::string out = "feature,bias\n";
  for (Eigen::Index i = 0; i < r.model.bias.size(); ++i) out += fmt::format("{},{}\n", i, f9(r.model.bias[i]));
  return out;
}

std::string angles_csv(const Geometry& g) {
  std::string out = "i,j,degrees\n";
  for (Eigen::Index i = 0; i < g.angles_degrees.rows(); ++i)
    for (Eigen::Index j = i + 1; j < g.angles_degrees.cols(); ++j)
      out += fmt::format("{},{},{}\n", i, j, f9(g.angles_degrees(i, j)));
  return out;
}

std::string interactions_csv(const Geometry& g) {
  std::string out = "feature";
  for (Eigen::Index j = 0; j < g.interactions.cols(); ++j) out += fmt::format(",f{}", j);
  out += "\n";
  for (Eigen::Index i = 0; i < g.interactions.rows(); ++i) {
    out += fmt::format("{}", i);
    for (Eigen::Index j = 0; j < g.interactions.cols(); ++j) out += fmt::format(",{}", f9(g.interactions(i, j)));
    out += "\n";
  }
  return out;
}

std::string interference_csv(const Geometry& g) {
  std::string out = "feature,interference\n";
  for (Eigen::Index i = 0; i < g.interference.size(); ++i) out += fmt::format("{},{}\n", i, f9(g.interference[i]));
  return out;
}

std::string loss_csv(const RunResults& r) {
  std::string out = "step,loss,lr\n";
  for (const LossRecord& record : r.loss_log)
    out += fmt::format("{},{},{}\n", record.step, f9(record.loss), fmt::format("{:.9g}", record.lr));
  return out;
}

ordered_json to_json(const RunResults& r) {
  ordered_json j;
  const TrainSettings& t = r.config.train;
  j["format"] = "superpos-run-1";
  j["config"] = {{"name", r.config.name},        {"title", r.config.title},
                 {"features", t.features},       {"hidden", t.hidden},
                 {"activation", to_string(t.activation)}, {"sparsity", t.sparsity},
                 {"importance_decay", t.importance_decay}, {"steps", t.steps},
                 {"batch", t.batch},             {"lr", t.lr},
                 {"weight_decay", t.weight_decay}, {"seed", t.seed},
                 {"stream_offset", t.stream_offset}, {"log_every", t.log_every}};
  j["config_hash"] = r.config_hash;
  j["trainer_hash"] = r.trainer_hash;
  j["command"] = r.command;
  j["draws_used"] = r.draws_used;
  ordered_json weights = ordered_json::array();
  for (Eigen::Index i = 0; i < r.model.weights.rows(); ++i) {
    ordered_json row = ordered_json::array();
    for (Eigen::Index k = 0; k < r.model.weights.cols(); ++k) row.push_back(r.model.weights(i, k));
    weights.push_back(row);
  }
  j["weights"] = weights;
  j["bias"] = std::vector<float>(r.model.bias.data(), r.model.bias.data() + r.model.bias.size());
  ordered_json log = ordered_json::array();
  for (const LossRecord& record : r.loss_log) log.push_back({record.step, record.loss, record.lr});
  j["loss_log"] = log;
  return j;
}

}  // namespace

double final_loss(const RunResults& results) {
  return results.loss_log.empty() ? std::nan("") : results.loss_log.back().loss;
}

void write_run(const RunResults& results, const std::filesystem::path& dir) {
  const Geometry geometry = analyse(results.model.weights);
  write_file_atomically(dir / "weights.csv", weights_csv(results, geometry));
  write_file_atomically(dir / "bias.csv", bias_csv(results));
  write_file_atomically(dir / "angles.csv", angles_csv(geometry));
  write_file_atomically(dir / "interactions.csv", interactions_csv(geometry));
  write_file_atomically(dir / "interference.csv", interference_csv(geometry));
  write_file_atomically(dir / "loss.csv", loss_csv(results));
  write_file_atomically(dir / "results.json", to_json(results).dump(1) + "\n");
}

RunResults read_run(const std::filesystem::path& dir) {
  const std::filesystem::path path = dir / "results.json";
  std::ifstream in(path);
  if (!in) throw InputError(fmt::format("{}: cannot be read (is {} a trained run?)", path.string(), dir.string()));
  try {
    const nlohmann::json j = nlohmann::json::parse(in);
    if (j.at("format") != "superpos-run-1") throw InputError(fmt::format("{}: unknown format", path.string()));
    RunResults r;
    const auto& c = j.at("config");
    r.config.name = c.at("name");
    r.config.title = c.at("title");
    TrainSettings& t = r.config.train;
    t.features = c.at("features");
    t.hidden = c.at("hidden");
    t.activation = c.at("activation") == "relu" ? Activation::relu : Activation::linear;
    t.sparsity = c.at("sparsity");
    t.importance_decay = c.at("importance_decay");
    t.steps = c.at("steps");
    t.batch = c.at("batch");
    t.lr = c.at("lr");
    t.weight_decay = c.at("weight_decay");
    t.seed = c.at("seed");
    t.stream_offset = c.at("stream_offset");
    t.log_every = c.at("log_every");
    r.config_hash = j.at("config_hash");
    r.trainer_hash = j.at("trainer_hash");
    r.command = j.at("command");
    r.draws_used = j.at("draws_used");
    const auto& weights = j.at("weights");
    r.model.activation = t.activation;
    r.model.weights.resize(t.features, t.hidden);
    for (int i = 0; i < t.features; ++i)
      for (int k = 0; k < t.hidden; ++k) r.model.weights(i, k) = weights.at(i).at(k);
    r.model.bias.resize(t.features);
    for (int i = 0; i < t.features; ++i) r.model.bias[i] = j.at("bias").at(i);
    for (const auto& record : j.at("loss_log")) r.loss_log.push_back({record.at(0), record.at(1), record.at(2)});
    return r;
  } catch (const nlohmann::json::exception& error) {
    throw InputError(fmt::format("{}: malformed run record ({})", path.string(), error.what()));
  }
}

}  // namespace superpos
