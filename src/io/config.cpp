#include "io/config.hpp"

#include "claims/claim_names.hpp"
#include "train/notebook_trainer.hpp"

#include <boost/program_options/parsers.hpp>
#include <boost/program_options/value_semantic.hpp>
#include <cerrno>
#include <charconv>
#include <cstring>
#include <cmath>
#include <filesystem>
#include <fmt/format.h>
#include <fstream>
#include <map>
#include <algorithm>
#include <optional>
#include <sstream>

namespace po = boost::program_options;

namespace superpos {
namespace {

struct KeySpec {
  const char* key;
  const char* default_value;  // nullptr: required
  const char* help;
};

// The one list of keys: order here is the order of --help and of canonical_text.
constexpr KeySpec kKeys[] = {
    {"name", nullptr, "run identifier, used for its output folder ([A-Za-z0-9_.-]+)"},
    {"title", "", "human-readable title for the report (default: the name)"},
    {"features", "5", "number of input features N (2 <= N <= 4096)"},
    {"hidden", "2", "hidden dimensions H (1 <= H < features)"},
    {"activation", "linear", "output activation: linear or relu"},
    {"input", "normal", "a present feature's value: normal (torch.randn, the article) or uniform ([0, 1), Elhage et al.)"},
    {"sparsity", "0", "probability that an input value is zeroed (0 <= p < 1)"},
    {"importance_decay", "0.9", "feature i has importance decay^i (0 < decay <= 1)"},
    {"steps", "10000", "optimizer steps (1 <= steps <= 10000000)"},
    {"batch", "1024", "samples per step (1 <= batch <= 1048576)"},
    {"lr", "0.001", "peak learning rate of the cosine schedule (0 < lr <= 1e6)"},
    {"weight_decay", "0.01", "AdamW decoupled weight decay (0 <= wd < 1)"},
    {"seed", "42", "torch.manual_seed value (0 <= seed < 2^32)"},
    {"stream_offset", "0", "32-bit draws to skip after seeding, to start mid-stream (>= 0)"},
    {"log_every", "100", "record the loss every this many steps (>= 1)"},
    {"snapshot_every", "0", "record W every this many steps, for the learning dynamics (0: never; at most 1000 snapshots)"},
    {"claims", "", "claims the report checks on this run, separated by spaces (`superpos claims --list`)"},
    {"compare_with", "", "another configuration (the denser one) that comparison_claims compare this run with"},
    {"comparison_claims", "", "claims comparing compare_with with this run, separated by spaces"},
    {"instances", "", "train one model per sparsity, side by side: a list (0, 0.5, 0.9) or a sweep "
                      "1 - B^-linspace(A, C, n) (the Anthropic notebook: 1 - 20^-linspace(0, 1, 10)); replaces sparsity"},
    {"schedule", "cosine", "learning rate over the run: cosine (the article: from lr down to 0) or constant "
                           "(Elhage et al.'s notebook)"},
    {"feature_loss", "sum", "a sample's loss over its features' weighted squared errors: sum (the article) or mean "
                            "(Elhage et al.'s notebook)"},
    {"instance_stream", "own", "a sweep's random numbers: own (every instance from the seed, a stream each) or "
                               "shared (Elhage et al.'s notebook: one (batch, instances, features) stream of uniform "
                               "values, then the mask rand <= 1 - S; W one tensor; needs input = uniform)"},
    {"importance_decays", "", "a sweep over importance too: the whole instance sweep once per decay, as a list "
                              "(0.1, 1, 10) or B^linspace(A, C, n) (0 < decay <= 100; with 2 features, decay is the "
                              "second feature's importance relative to the first); replaces importance_decay"},
    {"feature_pairs", "independent", "with instance_stream = shared: independent features, or pairs (2k, 2k + 1) that are "
                                     "correlated (present together) or anticorrelated (never together), as in Elhage et al.'s "
                                     "section on correlated features"},
    {"restarts", "1", "train each instance of a sweep from this many initialisations (restart r from seed + 1000 r) "
                      "and keep the one with the lowest held-out loss (1 <= restarts <= 100)"},
    {"task", "reconstruct", "what the model learns: reconstruct (x_hat = act(x W W^T + b)) or absolute_value (Elhage et "
                            "al.'s computation in superposition: |x| = ReLU(W2 ReLU(W1 x) + b) with `hidden` neurons, "
                            "x uniform on [-1, 1); needs instance_stream = shared and activation = relu)"},
    {"memory_limit_mb", "8192", "refuse a run whose buffers need more than this many MiB (1 <= limit <= 1048576)"},
};

// Where a value came from, for messages: "FILE:LINE" or "command line".
struct Origin {
  std::string where;
  std::string value;
  bool given = true;  // set in the file or on the command line, not a default
};

// A configuration is a few hundred bytes; anything past this is not one (and /dev/zero never ends).
constexpr std::size_t kMaxConfigBytes = 1 << 20;

// Whether `text` is valid UTF-8 (titles end up in JSON and in the report, which must be UTF-8).
bool is_valid_utf8(std::string_view text) {
  for (std::size_t i = 0; i < text.size();) {
    const auto c = static_cast<unsigned char>(text[i]);
    const int length = c < 0x80 ? 1 : (c >> 5) == 0x6 ? 2 : (c >> 4) == 0xE ? 3 : (c >> 3) == 0x1E ? 4 : 0;
    if (length == 0 || i + length > text.size()) return false;
    for (int k = 1; k < length; ++k)
      if ((static_cast<unsigned char>(text[i + k]) >> 6) != 0x2) return false;
    i += length;
  }
  return true;
}

std::string read_config_text(const std::string& path) {
  namespace fs = std::filesystem;
  std::error_code ec;
  const fs::file_status status = fs::status(path, ec);
  if (ec && ec != std::errc::no_such_file_or_directory)
    throw InputError(fmt::format("{}: cannot be read ({})", path, ec.message()));
  if (!fs::exists(status)) throw InputError(fmt::format("{}: no such configuration file", path));
  if (fs::is_directory(status)) throw InputError(fmt::format("{}: is a directory, not a configuration file", path));
  std::ifstream in(path, std::ios::binary);
  if (!in) throw InputError(fmt::format("{}: cannot be read ({})", path, std::strerror(errno)));
  std::string text(kMaxConfigBytes + 1, '\0');
  in.read(text.data(), static_cast<std::streamsize>(text.size()));
  text.resize(static_cast<std::size_t>(in.gcount()));
  if (text.size() > kMaxConfigBytes)
    throw InputError(fmt::format("{}: is larger than {} KiB, not a configuration file", path, kMaxConfigBytes / 1024));
  if (text.rfind("\xEF\xBB\xBF", 0) == 0) text.erase(0, 3);  // a UTF-8 byte-order mark is harmless
  std::string unix_text;
  unix_text.reserve(text.size());
  for (char c : text) {
    if (c == '\r') continue;  // Windows line endings too
    if (c == '\0') throw InputError(fmt::format("{}: is a binary file, not a configuration file", path));
    unix_text.push_back(c);
  }
  return unix_text;
}

// Checks the file line by line (Boost's parser reports a bad line without its number) and finds,
// for each key, the line it is set on, so that errors can point at it.
std::map<std::string, Origin> locate_keys(const std::string& path, const std::string& text) {
  auto trim = [](const std::string& s) {
    const auto first = s.find_first_not_of(" \t");
    const auto last = s.find_last_not_of(" \t");
    return first == std::string::npos ? std::string() : s.substr(first, last - first + 1);
  };
  std::map<std::string, Origin> located;
  std::map<std::string, int> first_line;
  std::istringstream lines(text);
  std::string line;
  for (int number = 1; std::getline(lines, line); ++number) {
    // A comment is a whole line starting with '#'; a '#' inside a value (a title) is kept.
    const std::string content = trim(line);
    if (content.empty() || content.front() == '#') continue;
    if (!is_valid_utf8(content))
      throw InputError(fmt::format("{}:{}: line is not valid UTF-8 (save the file as UTF-8)", path, number));
    if (content.front() == '[')
      throw InputError(fmt::format("{}:{}: line '{}' is a section header; configuration files have none "
                                   "(expected key = value)", path, number, content));
    const auto equals = content.find('=');
    if (equals == std::string::npos)
      throw InputError(fmt::format("{}:{}: line '{}' is not a setting (expected key = value)", path, number, content));
    const std::string key = trim(content.substr(0, equals));
    if (key.empty())
      throw InputError(fmt::format("{}:{}: line '{}' has no key before '=' (expected key = value)", path, number, content));
    if (first_line.contains(key))
      throw InputError(fmt::format("{}:{}: key '{}' is set more than once (first on line {})", path, number, key,
                                   first_line[key]));
    const bool known = std::any_of(std::begin(kKeys), std::end(kKeys), [&](const KeySpec& spec) { return key == spec.key; });
    if (!known)
      throw InputError(fmt::format("{}:{}: unknown key '{}' (known keys: see `superpos train --help`)", path, number, key));
    first_line[key] = number;
    located[key] = {fmt::format("{}:{}", path, number), trim(content.substr(equals + 1))};
  }
  if (located.empty())
    throw InputError(fmt::format("{}: has no settings (expected key = value lines; 'name' is required)", path));
  return located;
}

class Validator {
 public:
  Validator(std::map<std::string, Origin> origins) : origins_(std::move(origins)) {}

  [[noreturn]] void fail(const std::string& key, const std::string& problem, const std::string& expected) const {
    const Origin& origin = origins_.at(key);
    // Comments are whole lines: a '#' after a value is part of it, and the likely cause.
    const std::string hint = origin.value.find('#') != std::string::npos ? "; a comment must be on a line of its own" : "";
    throw InputError(fmt::format("{}: key '{}': value '{}' {} (expected {}{})", origin.where, key, shown(origin.value),
                                 problem, expected, hint));
  }
  const std::string& raw(const std::string& key) const { return origins_.at(key).value; }
  // A key set to nothing where leaving it out would mean something else is a mistake to name.
  bool given(const std::string& key) const { return origins_.at(key).given; }

  // A value as a one-line message quotes it: whole up to 80 characters, else its start and length.
  static std::string shown(const std::string& value) {
    if (value.size() <= 80) return value;
    std::size_t cut = 60;
    while (cut > 0 && (static_cast<unsigned char>(value[cut]) & 0xC0) == 0x80) --cut;  // not inside a UTF-8 character
    return fmt::format("{}... ({} characters)", value.substr(0, cut), value.size());
  }

  long long integer(const std::string& key, long long min, long long max, const std::string& expected) const {
    const std::string& text = raw(key);
    long long value = 0;
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (text.empty()) fail(key, "is empty", expected);
    if (ec == std::errc::result_out_of_range) fail(key, "is out of range", expected);
    if (ec != std::errc() || end != text.data() + text.size()) fail(key, "is not a whole number", expected);
    if (value < min || value > max) fail(key, "is out of range", expected);
    return value;
  }

  double real(const std::string& key, double min, bool min_inclusive, double max, bool max_inclusive,
              const std::string& expected) const {
    const std::string& text = raw(key);
    double value = 0.0;
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (text.empty()) fail(key, "is empty", expected);
    if (ec == std::errc::result_out_of_range) fail(key, "is out of range", expected);
    if (ec != std::errc() || end != text.data() + text.size()) fail(key, "is not a number", expected);
    if (!std::isfinite(value)) fail(key, "is not finite", expected);
    const bool above = min_inclusive ? value >= min : value > min;
    const bool below = max_inclusive ? value <= max : value < max;
    if (!above || !below) fail(key, "is out of range", expected);
    return value + 0.0;  // -0 reads as 0: one value, one config hash
  }

  // `instances`: empty (one model), a comma-separated list of sparsities, or the sweep
  // 1 - B^-linspace(A, C, n), whose k-th sparsity is 1 - B^-(A + k (C - A) / (n - 1)).
  struct Sweep {
    std::vector<double> sparsities;
    std::vector<float> presence;  // 1 - S as float32; for a formula, as torch computes B^-linspace
  };
  Sweep sparsities(const std::string& key) const {
    const std::string expected = "sparsities 0 <= s < 1 as 0, 0.5, 0.9 or 1 - B^-linspace(A, C, n) with 2 <= n <= 1000";
    std::string text;
    for (char c : raw(key)) if (c != ' ') text += c;
    std::vector<double> out;
    std::vector<float> presence;
    if (text.empty()) return {};
    if (text.starts_with("1-")) {
      const auto caret = text.find("^-linspace(");
      if (caret == std::string::npos || !text.ends_with(")")) fail(key, "is not a list or a sweep", expected);
      const double base = list_number(key, std::string_view(text).substr(2, caret - 2), expected);
      const auto [first, last, n] = linspace_args(key, std::string_view(text).substr(caret + 11, text.size() - caret - 12), expected);
      if (!(base > 1.0)) fail(key, "has a base B not above 1", expected);
      for (int k = 0; k < n; ++k) out.push_back(1.0 - std::pow(base, -(first + k * (last - first) / (n - 1))));
      presence = sweep_presence(base, first, last, n);
    } else {
      for (std::string_view word : split_commas(text)) out.push_back(list_number(key, word, expected));
      if (out.size() > 1000) fail(key, "lists more than 1000 instances", expected);
    }
    for (double& s : out) {
      if (!(s >= 0.0 && s < 1.0)) fail(key, fmt::format("gives sparsity {}, out of range", s), expected);
      s += 0.0;
    }
    if (presence.empty())
      for (double s : out) presence.push_back(static_cast<float>(1.0 - s));
    return {out, presence};
  }

  // `importance_decays`: empty, a comma-separated list, or B^linspace(A, C, n), each 0 < d <= 100.
  std::vector<double> decays(const std::string& key) const {
    const std::string expected = "decays 0 < d <= 100 as 0.1, 1, 10 or B^linspace(A, C, n) with 2 <= n <= 1000";
    std::string text;
    for (char c : raw(key)) if (c != ' ') text += c;
    std::vector<double> out;
    if (text.empty()) {
      if (given(key)) fail(key, "is empty", expected + "; leave the key out to train each sparsity once");
      return out;
    }
    const auto caret = text.find("^linspace(");
    if (caret != std::string::npos) {
      if (!text.ends_with(")")) fail(key, "is not a list or a sweep", expected);
      const double base = list_number(key, std::string_view(text).substr(0, caret), expected);
      const auto [first, last, n] = linspace_args(key, std::string_view(text).substr(caret + 10, text.size() - caret - 11), expected);
      if (!(base > 0.0)) fail(key, "has a base B not above 0", expected);
      for (int k = 0; k < n; ++k) out.push_back(std::pow(base, first + k * (last - first) / (n - 1)));
    } else {
      for (std::string_view word : split_commas(text)) out.push_back(list_number(key, word, expected));
      if (out.size() > 1000) fail(key, "lists more than 1000 decays", expected);
    }
    for (double& d : out) {
      if (!(d > 0.0 && d <= 100.0)) fail(key, fmt::format("gives decay {}, out of range", d), expected);
      d += 0.0;
    }
    return out;
  }

  // One number of a list or formula in `key`'s value (-0 reads as 0), or the error naming it.
  double list_number(const std::string& key, std::string_view word, const std::string& expected) const {
    double value = 0.0;
    const auto [end, ec] = std::from_chars(word.data(), word.data() + word.size(), value);
    if (word.empty() || ec != std::errc() || end != word.data() + word.size() || !std::isfinite(value))
      fail(key, fmt::format("has '{}', which is not a number", word), expected);
    return value + 0.0;
  }

  // The A, C and n of linspace(A, C, n), given what is between its parentheses; 2 <= n <= 1000.
  struct Linspace {
    double first;
    double last;
    int n;
  };
  Linspace linspace_args(const std::string& key, std::string_view inside, const std::string& expected) const {
    const auto args = split_commas(inside);
    if (args.size() != 3) fail(key, "needs linspace(A, C, n)", expected);
    const double first = list_number(key, args[0], expected), last = list_number(key, args[1], expected),
                 count = list_number(key, args[2], expected);
    if (count != std::floor(count) || count < 2 || count > 1000) fail(key, "has a count n out of range", expected);
    return {first, last, static_cast<int>(count)};
  }

  // At commas, keeping empty words (an error later).
  static std::vector<std::string_view> split_commas(std::string_view list) {
    std::vector<std::string_view> words;
    for (std::size_t at = 0;;) {
      const auto comma = list.find(',', at);
      words.push_back(list.substr(at, comma == std::string_view::npos ? std::string_view::npos : comma - at));
      if (comma == std::string_view::npos) return words;
      at = comma + 1;
    }
  }

  // A space-separated list of names, each one of `known`, none repeated.
  template <std::size_t N>
  std::vector<std::string> names(const std::string& key, const std::string_view (&known)[N]) const {
    std::string expected = "names from:";
    for (std::string_view name : known) expected += fmt::format(" {}", name);
    std::istringstream words(raw(key));
    std::vector<std::string> out;
    for (std::string word; words >> word;) {
      if (std::find(std::begin(known), std::end(known), word) == std::end(known))
        fail(key, fmt::format("names an unknown claim '{}'", word), expected);
      if (std::find(out.begin(), out.end(), word) != out.end())
        fail(key, fmt::format("names claim '{}' twice", word), expected);
      out.push_back(word);
    }
    return out;
  }

 private:
  std::map<std::string, Origin> origins_;
};

RunConfig validate(const Validator& v) {
  RunConfig config;
  config.name = v.raw("name");
  if (config.name.empty()) v.fail("name", "is empty", "letters, digits, '_', '.' or '-'");
  if (!is_safe_name(config.name))
    v.fail("name", "has a character that cannot name a folder", "letters, digits, '_', '.' or '-'");
  config.title = v.raw("title").empty() ? config.name : v.raw("title");

  TrainSettings& t = config.train;
  t.features = static_cast<int>(v.integer("features", 2, 4096, "a whole number 2 <= features <= 4096"));
  t.hidden = static_cast<int>(v.integer("hidden", 1, 4095, "a whole number 1 <= hidden < features"));
  if (t.hidden >= t.features)
    v.fail("hidden", fmt::format("is not below features ({})", t.features), "1 <= hidden < features");
  const std::string& activation = v.raw("activation");
  if (activation == "linear") t.activation = Activation::linear;
  else if (activation == "relu") t.activation = Activation::relu;
  else v.fail("activation", "is not a known activation", "linear or relu");
  const std::string& input = v.raw("input");
  if (input == "normal") t.input = InputDistribution::normal;
  else if (input == "uniform") t.input = InputDistribution::uniform;
  else v.fail("input", "is not a known input distribution", "normal or uniform");
  t.sparsity = v.real("sparsity", 0.0, true, 1.0, false, "0 <= sparsity < 1");
  t.importance_decay = v.real("importance_decay", 0.0, false, 1.0, true, "0 < importance_decay <= 1");
  t.steps = static_cast<long>(v.integer("steps", 1, 10'000'000, "a whole number 1 <= steps <= 10000000"));
  t.batch = static_cast<long>(v.integer("batch", 1, 1'048'576, "a whole number 1 <= batch <= 1048576"));
  t.lr = v.real("lr", 0.0, false, 1e6, true, "0 < lr <= 1e6");
  t.weight_decay = v.real("weight_decay", 0.0, true, 1.0, false, "0 <= weight_decay < 1");
  t.seed = static_cast<std::uint64_t>(v.integer("seed", 0, 4294967295LL, "a whole number 0 <= seed < 2^32"));
  t.stream_offset = static_cast<std::uint64_t>(
      v.integer("stream_offset", 0, 1'000'000'000'000LL, "a whole number 0 <= stream_offset <= 10^12"));
  t.log_every = static_cast<long>(v.integer("log_every", 1, 10'000'000, "a whole number >= 1"));
  t.snapshot_every = static_cast<long>(v.integer("snapshot_every", 0, 10'000'000, "a whole number >= 0"));
  if (t.snapshot_every > 0 && t.steps / t.snapshot_every > 1000)
    v.fail("snapshot_every", fmt::format("with steps = {} records more than 1000 snapshots", t.steps),
           "a larger snapshot_every");
  const std::string& schedule = v.raw("schedule");
  if (schedule == "cosine") t.schedule = LrSchedule::cosine;
  else if (schedule == "constant") t.schedule = LrSchedule::constant;
  else v.fail("schedule", "is not a known schedule", "cosine or constant");
  const std::string& feature_loss = v.raw("feature_loss");
  if (feature_loss == "sum") t.feature_loss = FeatureLoss::sum;
  else if (feature_loss == "mean") t.feature_loss = FeatureLoss::mean;
  else v.fail("feature_loss", "is not a known way to combine features", "sum or mean");
  const auto sweep = v.sparsities("instances");
  config.instance_sparsities = sweep.sparsities;
  config.instance_presence = sweep.presence;
  const std::string& stream = v.raw("instance_stream");
  if (stream == "shared") config.shared_stream = true;
  else if (stream != "own") v.fail("instance_stream", "is not a known stream", "own or shared");
  if (config.shared_stream && config.instance_sparsities.empty())
    v.fail("instance_stream", "needs a sweep", "instances = a list or a sweep of sparsities, or instance_stream = own");
  if (config.shared_stream && t.snapshot_every > 0)
    v.fail("snapshot_every", "is recorded for a model of its own stream, not a shared one",
           "instance_stream = own, or snapshot_every = 0");
  if (config.shared_stream && t.input != InputDistribution::uniform)
    v.fail("instance_stream", fmt::format("draws uniform values, but input = {}", v.raw("input")),
           "input = uniform, or instance_stream = own");
  config.instance_decays = v.decays("importance_decays");
  if (!config.instance_decays.empty() && config.instance_sparsities.empty())
    v.fail("importance_decays", "needs a sweep", "instances = a list or a sweep of sparsities, or no importance_decays");
  if (config.instance_decays.size() * config.instance_sparsities.size() > 10000)
    v.fail("importance_decays", fmt::format("with {} sparsities makes more than 10000 instances", config.instance_sparsities.size()),
           "fewer decays or sparsities");
  const std::string& pairs = v.raw("feature_pairs");
  if (pairs == "correlated") config.feature_pairs = FeaturePairs::correlated;
  else if (pairs == "anticorrelated") config.feature_pairs = FeaturePairs::anticorrelated;
  else if (pairs != "independent") v.fail("feature_pairs", "is not a kind of pairing", "independent, correlated or anticorrelated");
  if (config.feature_pairs != FeaturePairs::independent && !config.shared_stream)
    v.fail("feature_pairs", "is drawn by the shared stream's sampler", "instance_stream = shared, or feature_pairs = independent");
  if (config.feature_pairs != FeaturePairs::independent && t.features % 2 != 0)
    v.fail("feature_pairs", fmt::format("pairs features, but features = {} is odd", t.features), "an even number of features");
  config.restarts = static_cast<int>(v.integer("restarts", 1, 100, "a whole number 1 <= restarts <= 100"));
  if (config.restarts > 1 && config.instance_sparsities.empty())
    v.fail("restarts", "needs a sweep", "instances = a list or a sweep of sparsities, or restarts = 1");
  if (restart_seed(t.seed, config.restarts - 1) > 4294967295ULL)
    v.fail("restarts", fmt::format("with seed = {} takes seeds past 2^32 - 1", t.seed), "fewer restarts or a smaller seed");
  const std::string& task = v.raw("task");
  if (task == "absolute_value") t.task = Task::absolute_value;
  else if (task != "reconstruct") v.fail("task", "is not a known task", "reconstruct or absolute_value");
  if (t.task == Task::absolute_value) {
    if (!config.shared_stream)
      v.fail("task", "is trained from the shared stream", "instance_stream = shared, or task = reconstruct");
    if (t.activation != Activation::relu)
      v.fail("task", fmt::format("computes |x| through ReLU neurons, but activation = {}", v.raw("activation")),
             "activation = relu, or task = reconstruct");
    if (config.feature_pairs != FeaturePairs::independent)
      v.fail("task", "draws independent features", "feature_pairs = independent, or task = reconstruct");
  }
  config.memory_limit_mb = static_cast<long>(v.integer("memory_limit_mb", 1, 1 << 20, "a whole number 1 <= memory_limit_mb <= 1048576"));
  const std::uint64_t needed_mb = (training_buffer_bytes(t) + (1 << 20) - 1) >> 20;
  if (needed_mb > static_cast<std::uint64_t>(config.memory_limit_mb))
    v.fail("batch", fmt::format("with features = {} needs about {} MiB of buffers, over memory_limit_mb = {}",
                                t.features, needed_mb, config.memory_limit_mb),
           "a smaller batch or fewer features, or a higher memory_limit_mb");
  config.claims = v.names("claims", kRunClaimNames);
  config.comparison_claims = v.names("comparison_claims", kComparisonClaimNames);
  config.compare_with = v.raw("compare_with");
  if (!config.compare_with.empty() && !is_safe_name(config.compare_with))
    v.fail("compare_with", "is not a configuration name", "letters, digits, '_', '.' or '-'");
  if (config.compare_with == config.name)
    v.fail("compare_with", "is this configuration itself", "the name of another configuration");
  if (config.compare_with.empty() && !config.comparison_claims.empty())
    v.fail("comparison_claims", "needs compare_with", "compare_with = the denser configuration's name");
  return config;
}

}  // namespace

std::size_t instance_count(const RunConfig& sweep) {
  return sweep.instance_sparsities.size() * std::max<std::size_t>(1, sweep.instance_decays.size());
}

RunConfig instance_config(const RunConfig& sweep, std::size_t k) {
  const std::size_t per_decay = sweep.instance_sparsities.size();
  RunConfig instance = sweep;
  instance.name = fmt::format("{}.i{}", sweep.name, k);
  instance.train.sparsity = sweep.instance_sparsities.at(k % per_decay);
  if (!sweep.instance_decays.empty()) instance.train.importance_decay = sweep.instance_decays.at(k / per_decay);
  instance.instance_sparsities.clear();
  instance.instance_presence.clear();
  instance.instance_decays.clear();
  return instance;
}

NotebookSettings notebook_settings(const RunConfig& sweep) {
  NotebookSettings settings;
  settings.train = sweep.instance_decays.empty() ? sweep.train : instance_config(sweep, 0).train;
  settings.presence = sweep.instance_presence;
  settings.pairs = sweep.feature_pairs;
  return settings;
}

po::options_description run_config_options() {
  po::options_description options("Configuration keys (in the file as `key = value`; on the command line as --key value)");
  for (const KeySpec& spec : kKeys) {
    const std::string help = spec.default_value && *spec.default_value
                                 ? fmt::format("{} [default {}]", spec.help, spec.default_value)
                                 : std::string(spec.help) + (spec.default_value ? "" : " [required]");
    options.add_options()(spec.key, po::value<std::string>(), help.c_str());
  }
  return options;
}

RunConfig load_run_config(const std::string& config_path, const po::variables_map& overrides) {
  const std::string text = read_config_text(config_path);
  const auto located = locate_keys(config_path, text);

  std::map<std::string, Origin> origins;
  for (const KeySpec& spec : kKeys) {
    const std::string key = spec.key;
    if (overrides.count(key)) {
      origins[key] = {"command line", overrides[key].as<std::string>()};
    } else if (located.contains(key)) {
      origins[key] = located.at(key);
    } else if (spec.default_value) {
      origins[key] = {config_path, spec.default_value, false};
    } else {
      throw InputError(fmt::format("{}: required key '{}' is missing", config_path, key));
    }
  }
  return validate(Validator(std::move(origins)));
}

RunConfig load_run_config(const std::string& config_path, const std::map<std::string, std::string>& overrides) {
  std::vector<std::string> args;
  for (const auto& [key, value] : overrides) {
    args.push_back("--" + key);
    args.push_back(value);
  }
  po::variables_map vm;
  po::store(po::command_line_parser(args).options(run_config_options()).run(), vm);
  return load_run_config(config_path, vm);
}

std::vector<std::pair<std::string, std::string>> config_entries(const RunConfig& config) {
  std::vector<std::pair<std::string, std::string>> entries;
  std::istringstream lines(canonical_text(config));
  for (std::string line; std::getline(lines, line);) {
    const auto equals = line.find(" = ");
    if (equals != std::string::npos) entries.emplace_back(line.substr(0, equals), line.substr(equals + 3));
  }
  return entries;
}

std::string canonical_text(const RunConfig& config) {
  const TrainSettings& t = config.train;
  return fmt::format(
      "name = {}\ntitle = {}\nfeatures = {}\nhidden = {}\nactivation = {}\ninput = {}\nsparsity = {}\n"
      "importance_decay = {}\nsteps = {}\nbatch = {}\nlr = {}\nweight_decay = {}\nseed = {}\n"
      "stream_offset = {}\nlog_every = {}\nclaims = {}\ncompare_with = {}\ncomparison_claims = {}\n",
      config.name, config.title, t.features, t.hidden, to_string(t.activation),
      t.input == InputDistribution::uniform ? "uniform" : "normal", t.sparsity, t.importance_decay,
      t.steps, t.batch, t.lr, t.weight_decay, t.seed, t.stream_offset, t.log_every, fmt::join(config.claims, " "),
      config.compare_with, fmt::join(config.comparison_claims, " ")) +
         // Only a sweep has the line, and only a setting other than the article's has the next three,
         // so that the hash of every config from before these keys stays what it was.
         (config.instance_sparsities.empty() ? std::string()
                                             : fmt::format("instances = {}\n", fmt::join(config.instance_sparsities, ", "))) +
         (t.schedule == LrSchedule::cosine ? std::string() : fmt::format("schedule = {}\n", to_string(t.schedule))) +
         (t.feature_loss == FeatureLoss::sum ? std::string()
                                             : fmt::format("feature_loss = {}\n", to_string(t.feature_loss))) +
         (config.shared_stream ? "instance_stream = shared\n" : "") +
         (config.instance_decays.empty() ? std::string()
                                         : fmt::format("importance_decays = {}\n", fmt::join(config.instance_decays, ", "))) +
         (config.restarts == 1 ? std::string() : fmt::format("restarts = {}\n", config.restarts)) +
         (t.snapshot_every == 0 ? std::string() : fmt::format("snapshot_every = {}\n", t.snapshot_every)) +
         (config.feature_pairs == FeaturePairs::independent ? std::string()
                                                            : fmt::format("feature_pairs = {}\n", to_string(config.feature_pairs))) +
         (t.task == Task::reconstruct ? std::string() : fmt::format("task = {}\n", to_string(t.task)));
}

std::uint64_t restart_seed(std::uint64_t seed, int restart) {
  return seed + 1000ULL * static_cast<std::uint64_t>(restart);
}

bool is_safe_name(const std::string& name) {
  return !name.empty() && name != "." && name != ".." && std::all_of(name.begin(), name.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '.' || c == '-';
  });
}

}  // namespace superpos
