#include "claims/thresholds.hpp"

#include <boost/program_options.hpp>
#include <cmath>
#include <fmt/format.h>
#include <fstream>
#include <map>
#include <sstream>

#include "io/config.hpp"
#include "io/sha256.hpp"

namespace po = boost::program_options;

namespace superpos {

Thresholds load_thresholds(const std::filesystem::path& path) {
  Thresholds t;
  const std::map<std::string, double*> keys = {
      {"represented_fraction", &t.represented_fraction},
      {"direction_norm_fraction", &t.direction_norm_fraction},
      {"ordering_tolerance", &t.ordering_tolerance},
      {"unit_norm_tolerance", &t.unit_norm_tolerance},
      {"unrepresented_norm", &t.unrepresented_norm},
      {"orthogonal_tolerance_degrees", &t.orthogonal_tolerance_degrees},
      {"line_tolerance_degrees", &t.line_tolerance_degrees},
      {"near_zero", &t.near_zero},
      {"distinct_direction_degrees", &t.distinct_direction_degrees},
      {"notable_interaction", &t.notable_interaction},
      {"orthogonality_margin", &t.orthogonality_margin},
      {"represented_norm", &t.represented_norm},
      {"trend_agreement", &t.trend_agreement},
      {"fraction_tolerance", &t.fraction_tolerance},
      {"plateau_flatness", &t.plateau_flatness},
      {"robust_share", &t.robust_share},
      {"phase_loss_tolerance", &t.phase_loss_tolerance},
      {"phase_boundary_steps", &t.phase_boundary_steps},
      {"monosemantic_purity", &t.monosemantic_purity},
      {"computed_r2", &t.computed_r2}};
  po::options_description options;
  for (const auto& [key, target] : keys) options.add_options()(key.c_str(), po::value<double>(target)->required());
  std::ifstream in(path);
  if (!in) throw InputError(fmt::format("{}: cannot be read", path.string()));
  try {
    po::variables_map vm;
    po::store(po::parse_config_file(in, options, false), vm);
    po::notify(vm);
  } catch (const po::error& error) {
    throw InputError(fmt::format("{}: {}", path.string(), error.what()));
  }
  for (const auto& [key, target] : keys)
    if (!std::isfinite(*target) || *target < 0)
      throw InputError(fmt::format("{}: key '{}': value '{}' is out of range (expected a finite number >= 0)",
                                   path.string(), key, *target));
  return t;
}

std::string thresholds_digest(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return sha256_hex(text.str());
}

}  // namespace superpos
