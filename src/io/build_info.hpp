// SHA-256 of each pipeline stage's sources, compiled in (see cmake/hash_sources.cmake).
#pragma once

#include <string_view>

namespace superpos {

std::string_view source_hash_trainer();
std::string_view source_hash_plot();
std::string_view source_hash_report();
std::string_view source_hash_paper();

}  // namespace superpos
