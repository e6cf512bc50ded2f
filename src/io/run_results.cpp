#include "io/run_results.hpp"

#include <algorithm>
#include <fmt/format.h>
#include <fstream>
#include <limits>
#include <nlohmann/json.hpp>
#include <sstream>

#include "analysis/geometry.hpp"
#include "io/atomic_file.hpp"
#include "io/read_file.hpp"
#include "io/sha256.hpp"

namespace superpos {
namespace {

using nlohmann::ordered_json;

// Version 2 added the declared claims to the recorded configuration, 3 the input distribution
// and the held-out evaluation.
constexpr const char* kRunFormat = "superpos-run-3";

// A field read with its type and range checked, so that a damaged or hand-edited record fails
// with its name instead of crashing a later stage.
template <typename T>
T field(const nlohmann::json& object, const char* key, T min, T max) {
  const nlohmann::json& value = object.at(key);
  if constexpr (std::is_integral_v<T>) {
    if (!value.is_number_integer()) throw InputError(fmt::format("field '{}' is not a whole number", key));
  } else {
    if (!value.is_number()) throw InputError(fmt::format("field '{}' is not a number", key));
  }
  const T read = value.get<T>();
  if (!(read >= min && read <= max)) throw InputError(fmt::format("field '{}' is out of range ({})", key, value.dump()));
  return read;
}

// %.9g round-trips a float exactly; %.17g a double.
std::string f9(double value) { return fmt::format("{:.9g}", value); }

// A features x hidden matrix as rows of numbers in results.json, and back (with the shape checked:
// a record of another shape is malformed, named by `name`).
nlohmann::ordered_json matrix_json(const Weights& w) {
  nlohmann::ordered_json rows = nlohmann::ordered_json::array();
  for (Eigen::Index i = 0; i < w.rows(); ++i) {
    nlohmann::ordered_json row = nlohmann::ordered_json::array();
    for (Eigen::Index k = 0; k < w.cols(); ++k) row.push_back(w(i, k));
    rows.push_back(row);
  }
  return rows;
}

// `counted` names what a wrong number of rows is reported of.
Weights matrix_from_json(const nlohmann::json& rows, int height, int width, const char* name, const char* counted) {
  if (!rows.is_array() || rows.size() != static_cast<std::size_t>(height))
    throw InputError(fmt::format("{} do not have {} rows", counted, height));
  Weights w(height, width);
  for (int i = 0; i < height; ++i) {
    const auto& row = rows.at(static_cast<std::size_t>(i));
    if (!row.is_array() || row.size() != static_cast<std::size_t>(width))
      throw InputError(fmt::format("a row of {} does not have {} columns", name, width));
    for (int k = 0; k < width; ++k) w(i, k) = row.at(static_cast<std::size_t>(k));
  }
  return w;
}

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

std::string features_csv(const RunResults& r, const Geometry& g) {
  const FeatureMeasures m = feature_measures(r.model.weights);
  std::string out = "feature,norm,dimensionality,superposition,explained_energy\n";
  for (Eigen::Index i = 0; i < g.norms.size(); ++i)
    out += fmt::format("{},{},{},{},{}\n", i, f9(g.norms[i]), f9(m.dimensionality[i]), f9(m.superposition[i]),
                       f9(r.evaluation.explained_energy[i]));
  return out;
}

// step, feature, then W's row at that step: one line per feature per snapshot.
std::string snapshots_csv(const RunResults& r) {
  std::string out = "step,feature";
  for (int k = 0; k < r.config.train.hidden; ++k) out += fmt::format(",dim_{}", k);
  out += "\n";
  for (const WeightSnapshot& s : r.snapshots)
    for (Eigen::Index i = 0; i < s.weights.rows(); ++i) {
      out += fmt::format("{},{}", s.step, i);
      for (Eigen::Index k = 0; k < s.weights.cols(); ++k) out += fmt::format(",{}", s.weights(i, k));
      out += "\n";
    }
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
  j["format"] = kRunFormat;
  j["config"] = {{"name", r.config.name},        {"title", r.config.title},
                 {"features", t.features},       {"hidden", t.hidden},
                 {"activation", to_string(t.activation)},
                 {"input", t.input == InputDistribution::uniform ? "uniform" : "normal"}, {"sparsity", t.sparsity},
                 {"importance_decay", t.importance_decay}, {"steps", t.steps},
                 {"batch", t.batch},             {"lr", t.lr},
                 {"weight_decay", t.weight_decay}, {"seed", t.seed},
                 {"stream_offset", t.stream_offset}, {"log_every", t.log_every},
                 {"claims", r.config.claims}, {"compare_with", r.config.compare_with},
                 {"comparison_claims", r.config.comparison_claims}};
  // Only where they are not the article's, so that every results.json from before them is unchanged.
  if (t.schedule != LrSchedule::cosine) j["config"]["schedule"] = to_string(t.schedule);
  if (t.feature_loss != FeatureLoss::sum) j["config"]["feature_loss"] = to_string(t.feature_loss);
  if (r.config.shared_stream) j["config"]["instance_stream"] = "shared";
  if (t.snapshot_every > 0) j["config"]["snapshot_every"] = t.snapshot_every;
  if (r.config.feature_pairs != FeaturePairs::independent) j["config"]["feature_pairs"] = to_string(r.config.feature_pairs);
  if (t.task != Task::reconstruct) j["config"]["task"] = to_string(t.task);
  j["config_hash"] = r.config_hash;
  j["trainer_hash"] = r.trainer_hash;
  j["command"] = r.command;
  j["draws_used"] = r.draws_used;
  j["weights"] = matrix_json(r.model.weights);
  // The computation model's read-out W2 (features x neurons); the autoencoder has none.
  if (r.model.output_weights.size() > 0) j["output_weights"] = matrix_json(r.model.output_weights);
  j["bias"] = std::vector<float>(r.model.bias.data(), r.model.bias.data() + r.model.bias.size());
  j["evaluation"] = {{"samples", r.evaluation.samples},
                     {"seed", r.evaluation.seed},
                     {"expected_loss", r.evaluation.expected_loss},
                     {"expected_loss_error", r.evaluation.expected_loss_error},
                     {"input_energy", r.evaluation.input_energy},
                     {"explained_energy", std::vector<double>(r.evaluation.explained_energy.data(),
                                                              r.evaluation.explained_energy.data() +
                                                                  r.evaluation.explained_energy.size())}};
  ordered_json log = ordered_json::array();
  for (const LossRecord& record : r.loss_log) log.push_back({record.step, record.loss, record.lr});
  j["loss_log"] = log;
  // W during training is in snapshots.csv (a JSON array of it would be ten times the size); the
  // record keeps its digest, so that an edited or damaged file is refused like an edited record.
  if (!r.snapshots.empty()) j["snapshots"] = {{"count", r.snapshots.size()}, {"sha256", sha256_hex(snapshots_csv(r))}};
  return j;
}

}  // namespace

double final_loss(const RunResults& results) {
  return results.loss_log.empty() ? std::nan("") : results.loss_log.back().loss;
}

std::uint64_t run_folder_bytes(const TrainSettings& t) {
  const auto n = static_cast<std::uint64_t>(t.features), h = static_cast<std::uint64_t>(t.hidden);
  const auto records = static_cast<std::uint64_t>(t.steps / t.log_every + 2);
  // The loss log twice (results.json, loss.csv), W and the n x n tables twice over (JSON, CSV,
  // angles, interactions), ~25 bytes a number, plus the small files.
  const auto snapshots = t.snapshot_every > 0 ? static_cast<std::uint64_t>(t.steps / t.snapshot_every + 2) : 0;
  return records * 2 * 3 * 25 + (n * h * 2 + n * n * 3 + n * 12) * 25 + snapshots * n * h * 2 * 25 + 16 * 1024;
}

bool is_run_file(const std::string& name) {
  static const char* const kNames[] = {"weights.csv", "bias.csv", "angles.csv", "interactions.csv", "interference.csv",
                                       "loss.csv", "features.csv", "results.json", "timing.json", "instances.json",
                                       "snapshots.csv"};
  // A sweep's instance folders: i0, i1, ...
  if (name.size() > 1 && name[0] == 'i' && std::all_of(name.begin() + 1, name.end(), [](char c) { return c >= '0' && c <= '9'; }))
    return true;
  return std::find(std::begin(kNames), std::end(kNames), name) != std::end(kNames);
}

void write_run(const RunResults& results, const std::filesystem::path& dir) {
  const Geometry geometry = analyse(results.model.weights);
  write_file_atomically(dir / "weights.csv", weights_csv(results, geometry));
  write_file_atomically(dir / "bias.csv", bias_csv(results));
  write_file_atomically(dir / "angles.csv", angles_csv(geometry));
  write_file_atomically(dir / "interactions.csv", interactions_csv(geometry));
  write_file_atomically(dir / "interference.csv", interference_csv(geometry));
  write_file_atomically(dir / "loss.csv", loss_csv(results));
  write_file_atomically(dir / "features.csv", features_csv(results, geometry));
  if (!results.snapshots.empty()) write_file_atomically(dir / "snapshots.csv", snapshots_csv(results));
  // A command line may hold a path that is not UTF-8 (Latin-1 file names are legal): its bytes are
  // recorded as U+FFFD rather than failing after training.
  write_file_atomically(dir / "results.json",
                        to_json(results).dump(1, ' ', false, ordered_json::error_handler_t::replace) + "\n");
}

namespace {

// snapshots.csv as snapshots_csv wrote it, checked against the digest its record keeps.
std::vector<WeightSnapshot> read_snapshots(const std::filesystem::path& dir, const nlohmann::json& record,
                                           const TrainSettings& t) {
  const std::filesystem::path path = dir / "snapshots.csv";
  const std::string text = read_file(path);
  if (sha256_hex(text) != record.at("sha256").get<std::string>())
    throw InputError(fmt::format("{} differs from the digest results.json keeps of it (edited or damaged)", path.string()));
  std::vector<WeightSnapshot> snapshots;
  std::istringstream lines(text);
  std::string line;
  std::getline(lines, line);  // the header
  while (std::getline(lines, line)) {
    std::vector<double> values;
    std::istringstream cells(line);
    for (std::string cell; std::getline(cells, cell, ',');) values.push_back(std::stod(cell));
    if (values.size() != static_cast<std::size_t>(t.hidden) + 2)
      throw InputError(fmt::format("{}: a line does not have {} fields", path.string(), t.hidden + 2));
    const long step = static_cast<long>(values[0]);
    const auto feature = static_cast<Eigen::Index>(values[1]);
    if (feature == 0) snapshots.push_back({step, Weights::Zero(t.features, t.hidden)});
    if (snapshots.empty() || snapshots.back().step != step || feature < 0 || feature >= t.features)
      throw InputError(fmt::format("{}: rows out of order at step {}", path.string(), step));
    for (int k = 0; k < t.hidden; ++k) snapshots.back().weights(feature, k) = static_cast<float>(values[2 + k]);
  }
  if (snapshots.size() != record.at("count").get<std::size_t>())
    throw InputError(fmt::format("{}: {} snapshots, results.json counts {}", path.string(), snapshots.size(),
                                 record.at("count").get<std::size_t>()));
  return snapshots;
}

}  // namespace

RunResults read_run(const std::filesystem::path& dir) {
  const std::filesystem::path path = dir / "results.json";
  std::ifstream in(path);
  if (!in) throw InputError(fmt::format("{}: cannot be read (is {} a trained run?)", path.string(), dir.string()));
  try {
    const nlohmann::json j = nlohmann::json::parse(in);
    if (j.at("format") != kRunFormat)
      throw InputError(fmt::format("format is {} (expected \"{}\"; retrain it)", j.at("format").dump(), kRunFormat));
    RunResults r;
    const auto& c = j.at("config");
    r.config.name = c.at("name");
    r.config.title = c.at("title");
    TrainSettings& t = r.config.train;
    t.features = field<int>(c, "features", 2, 4096);
    t.hidden = field<int>(c, "hidden", 1, t.features - 1);
    const std::string activation = c.at("activation");
    if (activation != "relu" && activation != "linear")
      throw InputError(fmt::format("field 'activation' is '{}' (expected linear or relu)", activation));
    t.activation = activation == "relu" ? Activation::relu : Activation::linear;
    const std::string input = c.at("input");
    if (input != "normal" && input != "uniform")
      throw InputError(fmt::format("field 'input' is '{}' (expected normal or uniform)", input));
    t.input = input == "uniform" ? InputDistribution::uniform : InputDistribution::normal;
    t.sparsity = field<double>(c, "sparsity", 0.0, 1.0);
    t.importance_decay = field<double>(c, "importance_decay", 0.0, 100.0);  // a sweep's importance_decays reach 100
    t.steps = field<long>(c, "steps", 1, 10'000'000);
    t.batch = field<long>(c, "batch", 1, 1'048'576);
    t.lr = field<double>(c, "lr", 0.0, 1e6);
    t.weight_decay = field<double>(c, "weight_decay", 0.0, 1.0);
    t.seed = field<std::uint64_t>(c, "seed", 0, 4294967295ULL);
    t.stream_offset = field<std::uint64_t>(c, "stream_offset", 0, 1'000'000'000'000ULL);
    t.log_every = field<long>(c, "log_every", 1, 10'000'000);
    t.snapshot_every = c.contains("snapshot_every") ? field<long>(c, "snapshot_every", 1, 10'000'000) : 0;
    const std::string schedule = c.value("schedule", "cosine"), feature_loss = c.value("feature_loss", "sum"),
                      stream = c.value("instance_stream", "own");
    if (schedule != "cosine" && schedule != "constant")
      throw InputError(fmt::format("field 'schedule' is '{}' (expected cosine or constant)", schedule));
    t.schedule = schedule == "constant" ? LrSchedule::constant : LrSchedule::cosine;
    if (feature_loss != "sum" && feature_loss != "mean")
      throw InputError(fmt::format("field 'feature_loss' is '{}' (expected sum or mean)", feature_loss));
    t.feature_loss = feature_loss == "mean" ? FeatureLoss::mean : FeatureLoss::sum;
    if (stream != "own" && stream != "shared")
      throw InputError(fmt::format("field 'instance_stream' is '{}' (expected own or shared)", stream));
    r.config.shared_stream = stream == "shared";
    const std::string pairs = c.contains("feature_pairs") ? c.at("feature_pairs").get<std::string>() : "independent";
    if (pairs == "correlated") r.config.feature_pairs = FeaturePairs::correlated;
    else if (pairs == "anticorrelated") r.config.feature_pairs = FeaturePairs::anticorrelated;
    else if (pairs != "independent")
      throw InputError(fmt::format("field 'feature_pairs' is '{}' (expected independent, correlated or anticorrelated)", pairs));
    const std::string task = c.contains("task") ? c.at("task").get<std::string>() : "reconstruct";
    if (task == "absolute_value") t.task = Task::absolute_value;
    else if (task != "reconstruct")
      throw InputError(fmt::format("field 'task' is '{}' (expected reconstruct or absolute_value)", task));
    r.config.claims = c.at("claims").get<std::vector<std::string>>();
    r.config.compare_with = c.at("compare_with");
    r.config.comparison_claims = c.at("comparison_claims").get<std::vector<std::string>>();
    r.config_hash = j.at("config_hash");
    r.trainer_hash = j.at("trainer_hash");
    r.command = j.at("command");
    r.draws_used = j.at("draws_used");
    if (!j.at("bias").is_array() || j.at("bias").size() != static_cast<std::size_t>(t.features))
      throw InputError(fmt::format("weights or bias do not have {} rows", t.features));
    r.model.activation = t.activation;
    r.model.weights = matrix_from_json(j.at("weights"), t.features, t.hidden, "weights", "weights or bias");
    r.model.bias.resize(t.features);
    for (int i = 0; i < t.features; ++i) r.model.bias[i] = j.at("bias").at(i);
    if (t.task == Task::absolute_value)
      r.model.output_weights =
          matrix_from_json(j.at("output_weights"), t.features, t.hidden, "output_weights", "output_weights");
    const auto& evaluation = j.at("evaluation");
    r.evaluation.samples = field<std::uint64_t>(evaluation, "samples", 1, std::uint64_t{1} << 40);
    r.evaluation.seed = field<std::uint64_t>(evaluation, "seed", 0, std::numeric_limits<std::uint64_t>::max());
    r.evaluation.expected_loss = field<double>(evaluation, "expected_loss", 0.0, 1e300);
    r.evaluation.expected_loss_error = field<double>(evaluation, "expected_loss_error", 0.0, 1e300);
    r.evaluation.input_energy = field<double>(evaluation, "input_energy", 0.0, 1e300);
    const auto explained = evaluation.at("explained_energy").get<std::vector<double>>();
    if (explained.size() != static_cast<std::size_t>(t.features))
      throw InputError(fmt::format("field 'explained_energy' does not have {} entries", t.features));
    r.evaluation.explained_energy = Eigen::Map<const Eigen::VectorXd>(explained.data(), t.features);
    for (const auto& record : j.at("loss_log")) r.loss_log.push_back({record.at(0), record.at(1), record.at(2)});
    if (j.contains("snapshots")) r.snapshots = read_snapshots(dir, j.at("snapshots"), t);
    return r;
  } catch (const nlohmann::json::exception& error) {
    throw InputError(fmt::format("{}: malformed run record ({})", path.string(), error.what()));
  } catch (const InputError& error) {
    throw InputError(fmt::format("{}: malformed run record: {}", path.string(), error.what()));
  }
}

std::string run_record_digest(const std::filesystem::path& dir) {
  const std::filesystem::path path = dir / "results.json";
  std::error_code ec;
  if (!std::filesystem::exists(path, ec))
    throw InputError(fmt::format("{}: missing (is {} a trained run?)", path.string(), dir.string()));
  return sha256_hex(read_file(path));
}

}  // namespace superpos
