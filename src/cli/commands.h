// The subcommands of the `aftersales` tool. The CLI is a thin client: it
// uses only the public headers, turns options into library calls, and is
// the only code that prints. Each Run* returns the process exit code:
// 0 success, 1 understood but evaluation failed, 2 bad usage, bad policy or
// unreadable input.
#ifndef AFTERSALES_CLI_COMMANDS_H_
#define AFTERSALES_CLI_COMMANDS_H_

#include <string>
#include <utility>
#include <vector>

namespace aftersales::cli {

inline constexpr int kExitOk = 0;
inline constexpr int kExitEvalFailed = 1;
inline constexpr int kExitBadInput = 2;

struct DecideArgs {
  std::string policy;
  std::string case_file;   // one case (JSON or YAML)
  std::string cases_file;  // JSON Lines, "-" for stdin
  std::string format = "json";
  bool explain = false;
  int threads = 0;         // deciding threads for --cases; 0 = one per core
};
int RunDecide(const DecideArgs& args);

struct CheckArgs {
  std::string policy;
  bool strict = false;  // lint too, and fail on any finding
};
int RunCheck(const CheckArgs& args);

struct DiffArgs {
  std::string policy;     // the candidate
  std::string baseline;   // a path, or git:REV for --policy as it was at REV
  std::string cases_file; // JSON Lines, "-" for stdin
  std::string report;     // HTML report to write, optional
  std::string json;       // JSON summary to write, optional
};
int RunDiff(const DiffArgs& args);

struct TestArgs {
  std::string policy;
  std::string tests;  // default: <policy folder>/tests
};
int RunTest(const TestArgs& args);

struct ExprArgs {
  std::vector<std::string> lets;  // NAME=LITERAL
  std::string expr;
};
int RunExpr(const ExprArgs& args);

// Static checks with counterexamples (docs/cli.md, "aftersales lint"):
// exit 1 with an error-severity finding, 0 otherwise, 2 when the policy
// does not load.
struct LintArgs {
  std::string policy;
  std::string format = "text";
};
int RunLint(const LintArgs& args);

// Writes the policy's lock file (docs/cli.md, "aftersales lock").
struct LockArgs {
  std::string policy;
};
int RunLock(const LockArgs& args);

// Writes a compiled snapshot of the policy (docs/cli.md, "aftersales
// compile"): exit 0, or 2 when the policy does not load or the file cannot
// be written.
struct CompileArgs {
  std::string policy;
  std::string out;
};
int RunCompile(const CompileArgs& args);

}  // namespace aftersales::cli

#endif  // AFTERSALES_CLI_COMMANDS_H_
