// Every artefact is written to a temporary file beside its final name and renamed into place when
// complete, so an interrupted run never leaves a half-written file that `make` would trust.
#pragma once

#include <filesystem>
#include <string_view>

namespace superpos {

void write_file_atomically(const std::filesystem::path& path, std::string_view content);

// A temporary name for `path`: in the same directory (so that rename is atomic) and unique to this
// process. Removes the temporaries of `path` that dead processes left first.
std::filesystem::path temporary_path_for(const std::filesystem::path& path);

// Removes .NAME.tmp.PID files beside `path` whose process no longer exists.
void remove_stale_temporaries(const std::filesystem::path& path);

// Renames `temporary` onto `path`; throws with both names on failure.
void commit_file(const std::filesystem::path& temporary, const std::filesystem::path& path);

// Creates `dir` (and parents) or throws an InputError-style message naming it.
void ensure_output_directory(const std::filesystem::path& dir);

}  // namespace superpos
