// Reads the JSON fixtures made by the scripts in tests/reference/ (PyTorch, run once, committed).
#pragma once

#include <bit>
#include <cstdint>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace superpos::test {

inline nlohmann::json load_fixture(const std::string& name) {
  std::ifstream in(std::string(SUPERPOS_FIXTURES_DIR) + "/" + name);
  if (!in) throw std::runtime_error("missing fixture " + name);
  return nlohmann::json::parse(in);
}

inline std::vector<float> floats_from_bits(const nlohmann::json& bits) {
  std::vector<float> values;
  for (const auto& b : bits) values.push_back(std::bit_cast<float>(b.get<std::uint32_t>()));
  return values;
}

inline std::vector<std::uint32_t> bits_of(const std::vector<float>& values) {
  std::vector<std::uint32_t> bits;
  for (float v : values) bits.push_back(std::bit_cast<std::uint32_t>(v));
  return bits;
}

}  // namespace superpos::test
