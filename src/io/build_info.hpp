// SHA-256 of each pipeline stage's sources, compiled in (see cmake/hash_sources.cmake).
#pragma once

#include <string_view>
#include <vector>

namespace superpos {

std::string_view source_hash_trainer();
std::string_view source_hash_plot();
std::string_view source_hash_report();
std::string_view source_hash_paper();

// A part as the build hashed it: its name, hash, the patterns (relative to src/) whose files it
// covers, and each file with its SHA-256 ("path:hash\n" lines, sorted as cmake sorts them).
struct SourcePart {
  std::string_view name, hash, patterns, manifest;
};
const std::vector<SourcePart>& source_parts();

}  // namespace superpos
