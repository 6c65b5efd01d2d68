#include "bot/private_file.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>

namespace warroom {

namespace {

constexpr mode_t kOwnerOnly = S_IRUSR | S_IWUSR;

}  // namespace

bool create_private_file(const std::string& path) {
    // O_EXCL: a file that appears between a check and the creation is left
    // alone rather than taken over.
    const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, kOwnerOnly);
    if (fd >= 0) {
        // The umask can only take bits away; fchmod makes the mode exact.
        const bool exact = ::fchmod(fd, kOwnerOnly) == 0;
        ::close(fd);
        return exact;
    }
    return errno == EEXIST;
}

bool make_private_file(const std::string& path) {
    const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_CLOEXEC, kOwnerOnly);
    if (fd < 0) return false;
    const bool exact = ::fchmod(fd, kOwnerOnly) == 0;
    ::close(fd);
    return exact;
}

bool readable_by_others(const std::string& path) {
    struct stat info {};
    if (::stat(path.c_str(), &info) != 0) return false;
    return (info.st_mode & (S_IRGRP | S_IROTH)) != 0;
}

}  // namespace warroom
