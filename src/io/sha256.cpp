#include "io/sha256.hpp"

#include <array>
#include <fmt/format.h>
#include <openssl/evp.h>
#include <stdexcept>

namespace superpos {

std::string sha256_hex(std::string_view data) {
  std::array<unsigned char, EVP_MAX_MD_SIZE> digest{};
  unsigned int length = 0;
  if (EVP_Digest(data.data(), data.size(), digest.data(), &length, EVP_sha256(), nullptr) != 1)
    throw std::runtime_error("SHA-256 failed in OpenSSL");
  std::string hex;
  for (unsigned int i = 0; i < length; ++i) hex += fmt::format("{:02x}", digest[i]);
  return hex;
}

std::string short_hash(std::string_view hex_digest) { return std::string(hex_digest.substr(0, 12)); }

}  // namespace superpos
