// SHA-256 through OpenSSL: provenance hashes of configurations and results.
#pragma once

#include <string>
#include <string_view>

namespace superpos {

std::string sha256_hex(std::string_view data);
// The first 12 hex digits: enough to tell versions apart in a caption.
std::string short_hash(std::string_view hex_digest);

}  // namespace superpos
