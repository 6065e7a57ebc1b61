// Output helpers: whole writes to stdout (nothing is ever half-written) and
// file reading with errors as messages.
#ifndef AFTERSALES_CLI_OUTPUT_H_
#define AFTERSALES_CLI_OUTPUT_H_

#include <optional>
#include <string>
#include <string_view>

namespace aftersales::cli {

// Writes all of `text` to stdout. False when it cannot (a pipe whose reader
// went away, a full disk, a closed descriptor): the first failure is
// printed on stderr ("cannot write to standard output: ..."), and the
// caller stops writing and exits kExitBadInput. main() checks
// StdoutFailed() too, so no command exits 0 after a failed write.
bool WriteStdout(std::string_view text);
bool StdoutFailed();
// One line to stderr.
void PrintError(std::string_view line);
// The whole file, or nullopt with `error` set ("PATH: No such file...").
// "-" reads standard input.
std::optional<std::string> ReadWholeFile(const std::string& path, std::string* error);

}  // namespace aftersales::cli

#endif  // AFTERSALES_CLI_OUTPUT_H_
