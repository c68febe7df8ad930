#include "input_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace epicsync {

Result<std::string> read_input_file(const std::string& path) {
  auto fail = [&](const std::string& why) {
    return Error{ErrorKind::kInputFile, path + ": " + why, ""};
  };
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    if (errno == ENOENT) return fail("no such file");
    return fail(std::strerror(errno));
  }
  struct stat st {};
  if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    ::close(fd);
    return fail("not a regular file");
  }
  std::string content;
  content.resize(static_cast<size_t>(st.st_size));
  size_t got = 0;
  for (;;) {
    if (got == content.size()) content.resize(content.size() + 65536);
    ssize_t n = ::read(fd, content.data() + got, content.size() - got);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      int err = errno;
      ::close(fd);
      return fail(std::strerror(err));
    }
    if (n == 0) break;
    got += static_cast<size_t>(n);
  }
  ::close(fd);
  content.resize(got);
  return content;
}

}  // namespace epicsync
