// Every artefact is written to a temporary file beside its final name and renamed into place when
// complete, so an interrupted run never leaves a half-written file that `make` would trust.
#pragma once

#include <filesystem>
#include <cstdint>
#include <functional>
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

// Replaces the folder `dir` whole: `fill` writes the new contents into a temporary sibling, which
// then takes `dir`'s place in one rename (an exchange when `dir` exists), so a reader sees the old
// folder or the new one, never a mix, whatever fails or kills the writer. `may_replace` says which
// file names an existing `dir` may hold: a folder with anything else is refused, not replaced.
void replace_directory_atomically(const std::filesystem::path& dir,
                                  const std::function<bool(const std::string& name)>& may_replace,
                                  const std::function<void(const std::filesystem::path& temporary)>& fill);

// Throws the InputError replace_directory_atomically would, before any work is done.
void check_directory_replaceable(const std::filesystem::path& dir,
                                 const std::function<bool(const std::string& name)>& may_replace);

// Whether `name` is one of superpos's temporaries (.NAME.tmp.PID), which any writer may replace.
bool is_temporary_name(const std::string& name);

// Throws an InputError naming `dir` when its file system has fewer than `needed` bytes free (with a
// margin of 2x): a run that cannot be written is refused before training, not after.
void check_disk_space(const std::filesystem::path& dir, std::uint64_t needed);

// Creates `dir` (and parents) or throws an InputError-style message naming it.
void ensure_output_directory(const std::filesystem::path& dir);

}  // namespace superpos
