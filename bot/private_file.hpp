#pragma once
// Files that hold an incident's record or what was typed about it: readable
// by their owner only, whatever the umask says.
#include <string>

namespace warroom {

// Creates `path` empty with mode 0600 if it does not exist; an existing file
// keeps its mode (an operator may have shared it on purpose). Returns false,
// with errno set, when the file could not be created.
bool create_private_file(const std::string& path);

// Like create_private_file, and an existing file is made 0600 too: for files
// warroom alone writes and nobody has reason to share (the console history).
bool make_private_file(const std::string& path);

// True when someone other than the owner may read the file (group or others).
bool readable_by_others(const std::string& path);

}  // namespace warroom
