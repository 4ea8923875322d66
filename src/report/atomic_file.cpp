#include "factorysim/report/atomic_file.hpp"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <string>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fmt/format.h>

#include "factorysim/core/error.hpp"

namespace factorysim::report {

void write_file_atomically(const std::string& path, std::string_view content) {
    namespace fs = std::filesystem;
    const fs::path target(path);
    const fs::path dir = target.has_parent_path() ? target.parent_path() : fs::path(".");
    std::string pattern = fmt::format("{}/.{}.tmp-XXXXXX", dir.string(), target.filename().string());
    const int fd = ::mkstemp(pattern.data());
    if (fd < 0) throw UsageError(fmt::format("{}: cannot create a file in {}: {}", path, dir.string(), std::strerror(errno)));
    std::size_t written = 0;
    while (written < content.size()) {
        const ssize_t n = ::write(fd, content.data() + written, content.size() - written);
        if (n < 0) {
            if (errno == EINTR) continue;
            const int err = errno;
            ::close(fd);
            ::unlink(pattern.c_str());
            throw UsageError(fmt::format("{}: write failed: {}", path, std::strerror(err)));
        }
        written += static_cast<std::size_t>(n);
    }
    // mkstemp creates 0600; reports are ordinary files.
    ::fchmod(fd, 0644);
    const bool synced = ::fsync(fd) == 0;
    const int sync_err = errno;
    const bool closed = ::close(fd) == 0;
    if (!synced || !closed) {
        const int err = synced ? errno : sync_err;
        ::unlink(pattern.c_str());
        throw UsageError(fmt::format("{}: cannot flush: {}", path, std::strerror(err)));
    }
    if (std::rename(pattern.c_str(), path.c_str()) != 0) {
        const int err = errno;
        ::unlink(pattern.c_str());
        throw UsageError(fmt::format("{}: cannot replace the file: {}", path, std::strerror(err)));
    }
}

}  // namespace factorysim::report
