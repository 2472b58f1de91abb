// Replacing a file so that readers see either the old or the whole new contents.
#include "fdt/blob_io.h"

#include <cerrno>
#include <cstring>
#include <csignal>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace ovl::fdt {

Expected<bool> write_file_atomically(const std::string& file,
                                     const std::vector<std::uint8_t>& bytes) {
  auto cannot_write = [&](int err) {
    return Error{"'" + file + "': cannot write: " + std::strerror(err)};
  };

  // The temporary file must sit in the target's directory: rename() does not cross file systems.
  std::string::size_type slash = file.rfind('/');
  std::string dir = slash == std::string::npos ? "." : file.substr(0, slash == 0 ? 1 : slash);
  std::string base = slash == std::string::npos ? file : file.substr(slash + 1);
  if (base.empty()) return cannot_write(EISDIR);
  std::string temp = (slash == std::string::npos ? "" : file.substr(0, slash + 1)) + "." + base +
                     ".tmp-XXXXXX";

  int fd = ::mkstemp(temp.data());
  if (fd < 0) return cannot_write(errno);
  auto abandon = [&](int err) {
    ::close(fd);
    ::unlink(temp.c_str());
    return cannot_write(err);
  };

  // mkstemp() makes the file 0600; give it the mode the target has, or the one a new file gets.
  mode_t mode = 0;
  struct stat st {};
  if (::stat(file.c_str(), &st) == 0) {
    mode = st.st_mode & 07777;
  } else {
    // Reading the umask means setting it for a moment: fine for a single-threaded tool.
    mode_t mask = ::umask(0);
    ::umask(mask);
    mode = 0666 & ~mask;
  }
  if (::fchmod(fd, mode) != 0) return abandon(errno);

  // Past the file size limit (RLIMIT_FSIZE) the kernel sends SIGXFSZ, which by default kills the
  // process and leaves the temporary file behind; ignored, write() fails with EFBIG instead.
  struct sigaction ignore {}, previous {};
  ignore.sa_handler = SIG_IGN;
  ::sigemptyset(&ignore.sa_mask);
  ::sigaction(SIGXFSZ, &ignore, &previous);
  std::size_t done = 0;
  int write_error = 0;
  while (done < bytes.size()) {
    ssize_t put = ::write(fd, bytes.data() + done, bytes.size() - done);
    if (put < 0 && errno == EINTR) continue;
    if (put < 0) {
      write_error = errno;
      break;
    }
    done += static_cast<std::size_t>(put);
  }
  ::sigaction(SIGXFSZ, &previous, nullptr);
  if (write_error != 0) return abandon(write_error);
  if (::fsync(fd) != 0) return abandon(errno);
  if (::close(fd) != 0) {
    int err = errno;
    ::unlink(temp.c_str());
    return cannot_write(err);
  }
  if (::rename(temp.c_str(), file.c_str()) != 0) {
    int err = errno;
    ::unlink(temp.c_str());
    return cannot_write(err);
  }
  // Make the rename itself durable; the new file is in place whatever this answers.
  int dir_fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dir_fd >= 0) {
    ::fsync(dir_fd);
    ::close(dir_fd);
  }
  return true;
}

}  // namespace ovl::fdt
