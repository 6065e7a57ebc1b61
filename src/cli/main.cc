// aftersales: the command-line front end of the library.
#include <csignal>
#include <iostream>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "aftersales/version.h"
#include "commands.h"
#include "output.h"

namespace {

// `aftersales expr` takes the expression as its last argument, and it may
// start with '-' (e.g. -9223372036854775808). Put "--" before it so that
// CLI11 reads it as the positional it is.
std::vector<std::string> PrepareArgs(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  if (!args.empty() && args[0] == "expr" && args.size() >= 2) {
    bool already = false;
    for (std::size_t i = 1; i + 1 < args.size(); ++i) {
      if (args[i] == "--let") { ++i; continue; }
      if (args[i] == "--") already = true;
    }
    const std::string& last = args.back();
    if (!already && last != "--help" && last != "-h") args.insert(args.end() - 1, "--");
  }
  return args;
}

}  // namespace

int main(int argc, char** argv) {
  // A closed pipe (`| head -1`) is a write error we see and report (exit 2),
  // not a silent death by signal.
  std::signal(SIGPIPE, SIG_IGN);
  // std::cin buffered on its own, not read a character at a time through
  // stdio: `--cases -` streams at the speed of the disk. Standard output is
  // written with write(2) (output.cc), standard error unbuffered.
  std::ios::sync_with_stdio(false);
  using namespace aftersales::cli;

  CLI::App app{"aftersales: decide e-commerce after-sales cases with a YAML policy"};
  app.set_version_flag("--version", AFTERSALES_VERSION_STRING);
  app.require_subcommand(1);

  DecideArgs decide;
  CLI::App* decide_cmd = app.add_subcommand("decide", "Decide one case, or every line of a JSON Lines file");
  decide_cmd->add_option("--policy", decide.policy, "Policy file or folder (rules = the shipped policy)")->required();
  auto* case_opt = decide_cmd->add_option("--case", decide.case_file, "One case, JSON or YAML");
  auto* cases_opt = decide_cmd->add_option("--cases", decide.cases_file, "JSON Lines file of cases, - for stdin");
  case_opt->excludes(cases_opt);
  decide_cmd->add_option("--format", decide.format, "Output format")
      ->check(CLI::IsMember({"json", "text"}));
  decide_cmd->add_flag("--explain", decide.explain, "Show every rule tried and why it matched or not");
  decide_cmd->add_option("--threads", decide.threads, "Deciding threads for --cases (default: one per core)")
      ->check(CLI::Range(1, 256));

  CheckArgs check;
  CLI::App* check_cmd = app.add_subcommand("check", "Load and validate a policy; report every problem");
  check_cmd->add_option("--policy", check.policy, "Policy file or folder")->required();
  check_cmd->add_flag("--strict", check.strict, "Lint it too, and fail on any finding (warnings included)");

  LintArgs lint;
  CLI::App* lint_cmd = app.add_subcommand(
      "lint", "Find rules that never fire, overlapping rows, gaps and unused declarations, with counterexamples");
  lint_cmd->add_option("--policy", lint.policy, "Policy file or folder")->required();
  lint_cmd->add_option("--format", lint.format, "Output format")->check(CLI::IsMember({"text", "json"}));

  DiffArgs diff;
  CLI::App* diff_cmd = app.add_subcommand("diff", "Decide cases under two policies and report what changes");
  diff_cmd->add_option("--policy", diff.policy, "The new policy (file or folder)")->required();
  diff_cmd->add_option("--baseline", diff.baseline, "The old policy: a path, or git:REV for --policy at REV")->required();
  diff_cmd->add_option("--cases", diff.cases_file, "JSON Lines file of cases, - for stdin")->required();
  diff_cmd->add_option("--report", diff.report, "Write a self-contained HTML report here");
  diff_cmd->add_option("--json", diff.json, "Write the JSON summary here");

  TestArgs test;
  CLI::App* test_cmd = app.add_subcommand("test", "Run a policy's test cases");
  test_cmd->add_option("--policy", test.policy, "Policy file or folder")->required();
  test_cmd->add_option("--tests", test.tests, "Test file or folder (default: the policy folder's tests/)");

  ExprArgs expr;
  CLI::App* expr_cmd = app.add_subcommand("expr", "Evaluate one expression and print it as a CEL literal");
  expr_cmd->add_option("--let", expr.lets, "Bind NAME=LITERAL (repeatable)")->allow_extra_args(false);
  expr_cmd->add_option("expression", expr.expr, "The expression")->required();

  LockArgs lock;
  CLI::App* lock_cmd = app.add_subcommand(
      "lock", "Write the policy's lock file (the SHA-256 of each of its files) into its folder");
  lock_cmd->add_option("--policy", lock.policy, "Policy file or folder")->required();

  CompileArgs compile;
  CLI::App* compile_cmd = app.add_subcommand(
      "compile", "Write a compiled snapshot of the policy, which every --policy loads without reading YAML");
  compile_cmd->add_option("--policy", compile.policy, "Policy file or folder")->required();
  compile_cmd->add_option("--out", compile.out, "The snapshot file to write")->required();

  // CLI11 prints help and usage errors through std::cout: a failed write
  // there is a failed command too.
  auto flushed = [](int code) {
    std::cout.flush();
    if (!std::cout) {
      PrintError("aftersales: cannot write to standard output");
      return kExitBadInput;
    }
    return code;
  };
  std::vector<std::string> args = PrepareArgs(argc, argv);
  std::vector<std::string> reversed(args.rbegin(), args.rend());
  try {
    app.parse(reversed);
  } catch (const CLI::CallForHelp& e) {
    return flushed(app.exit(e));
  } catch (const CLI::CallForAllHelp& e) {
    return flushed(app.exit(e));
  } catch (const CLI::CallForVersion& e) {
    return flushed(app.exit(e));
  } catch (const CLI::ParseError& e) {
    app.exit(e);
    return flushed(kExitBadInput);
  }

  int code = kExitBadInput;
  if (decide_cmd->parsed()) {
    if (decide.case_file.empty() && decide.cases_file.empty()) {
      PrintError("decide: give --case FILE or --cases FILE.jsonl");
      return kExitBadInput;
    }
    code = RunDecide(decide);
  } else if (check_cmd->parsed()) {
    code = RunCheck(check);
  } else if (lint_cmd->parsed()) {
    code = RunLint(lint);
  } else if (test_cmd->parsed()) {
    code = RunTest(test);
  } else if (diff_cmd->parsed()) {
    code = RunDiff(diff);
  } else if (expr_cmd->parsed()) {
    code = RunExpr(expr);
  } else if (lock_cmd->parsed()) {
    code = RunLock(lock);
  } else if (compile_cmd->parsed()) {
    code = RunCompile(compile);
  }
  // Whatever the command said, output that did not reach stdout fails it
  // (the error is on stderr already).
  return StdoutFailed() ? kExitBadInput : flushed(code);
}
