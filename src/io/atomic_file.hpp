// One way to put a file in place: it is written under a temporary name in the target folder and
// renamed, so that its name never shows a half-written file. How durable the result is before the
// call returns is the caller's stated choice:
//   Atomic   complete or absent under its name; a crash of the machine may still lose it. For
//            outputs that a rerun recreates (tables, model images): no fsync per file.
//   Durable  also on disk: the file and its folder are fsynced. For what a --resume or a later
//            job relies on (journal manifests, drain markers, campaign results, whose journals
//            are removed once the results are in place).
#pragma once

#include <string>

#include "io/io_error.hpp"

namespace isoster::io {

enum class Durability { Atomic, Durable };

// A temporary name for `path` in its folder, unique within the process:
// "<path>.tmp-<pid>-<n>".
std::string temp_path(const std::string& path);

// Moves the complete file `tmp` to `path` (replacing it) with the given durability. Throws
// IoError naming `path`: before the rename (`tmp` removed, `path` untouched), or, Durable only,
// after it when the folder cannot be synced (the new file is in place).
void commit_file(const std::string& tmp, const std::string& path, Durability d);

// Writes `text` to `path` through a temporary file and commit_file. Throws IoError as
// commit_file does; no temporary file is left behind.
void write_file_atomic(const std::string& path, const std::string& text, Durability d);

// fsync of the folder that holds `path`, which makes a rename or a new file in it durable. A file
// system that cannot sync folders (EINVAL, ENOTSUP, EROFS) counts as synced. False on failure,
// with errno set.
bool sync_folder_of(const std::string& path);

}  // namespace isoster::io
