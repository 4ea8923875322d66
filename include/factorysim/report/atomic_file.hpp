// Output files are replaced atomically: the content goes to a temporary file in the same
// directory, is flushed, then renamed over the destination. A crash or Ctrl-C leaves
// either the old file or the new one, never a truncated mix.
#pragma once

#include <string>
#include <string_view>

namespace factorysim::report {

// Throws UsageError naming the path if the directory is not writable or the rename fails.
void write_file_atomically(const std::string& path, std::string_view content);

}  // namespace factorysim::report
