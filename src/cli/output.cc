#include "output.h"

#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <iostream>
#include <iterator>
#include <sstream>

namespace aftersales::cli {

namespace {
bool stdout_failed = false;
}  // namespace

bool StdoutFailed() { return stdout_failed; }

bool WriteStdout(std::string_view text) {
  // write(2) directly so that a closed pipe is an error we see (SIGPIPE is
  // ignored in main) and partial writes are continued, never dropped.
  if (stdout_failed) return false;
  const char* p = text.data();
  std::size_t left = text.size();
  while (left > 0) {
    ssize_t n = ::write(STDOUT_FILENO, p, left);
    if (n < 0) {
      if (errno == EINTR) continue;
      stdout_failed = true;
      PrintError(std::string("aftersales: cannot write to standard output: ") + std::strerror(errno));
      return false;
    }
    p += n;
    left -= static_cast<std::size_t>(n);
  }
  return true;
}

void PrintError(std::string_view line) {
  std::string s(line);
  s.push_back('\n');
  std::cerr << s << std::flush;
}

std::optional<std::string> ReadWholeFile(const std::string& path, std::string* error) {
  if (path == "-") {
    std::ostringstream ss;
    ss << std::cin.rdbuf();
    return ss.str();
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    *error = path + ": cannot open: " + std::strerror(errno);
    return std::nullopt;
  }
  std::string data((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (in.bad()) {
    *error = path + ": read error";
    return std::nullopt;
  }
  return data;
}

}  // namespace aftersales::cli
