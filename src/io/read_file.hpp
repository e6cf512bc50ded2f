// Reading a whole input file: only a regular file (a FIFO would hang the reader, a device never
// end), with a one-line error naming it.
#pragma once

#include <filesystem>
#include <string>

namespace superpos {

// The bytes of `path`; throws an InputError "PATH: no such file" (or "is not a regular file", or
// "cannot be read").
std::string read_file(const std::filesystem::path& path);

}  // namespace superpos
