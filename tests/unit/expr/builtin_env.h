// Test-only: a checker and evaluator for the builtin area tests
// (builtins_*_test.cc). Facts of every static type (t_int, t_string, ...),
// and three facts of unknown type (d0, d1, d2) whose values a test sets, so
// that a call can be typed, run with any argument kinds, and its step charge
// measured.
#ifndef AFTERSALES_TESTS_UNIT_EXPR_BUILTIN_ENV_H_
#define AFTERSALES_TESTS_UNIT_EXPR_BUILTIN_ENV_H_

#include <boost/test/unit_test.hpp>

#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "common/time.h"
#include "common/value.h"
#include "expr/compiler.h"
#include "expr/program.h"
#include "expr/regex_pool.h"

namespace aftersales::internal::testing {

class BuiltinEnv {
 public:
  static constexpr std::int64_t kBudget = 1'000'000;

  BuiltinEnv() {
    auto platform = std::make_shared<EnumType>(EnumType{"platform", {"taobao", "tmall", "jd"}});
    auto evidence = std::make_shared<EnumType>(EnumType{"evidence", {"photo", "video"}});
    platform->Seal();
    evidence->Seal();
    Add("d0", Type::Dyn(), Value());
    Add("d1", Type::Dyn(), Value());
    Add("d2", Type::Dyn(), Value());
    Add("t_int", Type::Int(), Value::Int(7));
    Add("t_uint", Type::Uint(), Value::Uint(7));
    Add("t_double", Type::Double(), Value::Double(2.5));
    Add("t_string", Type::String(), Value::String("héllo"));
    Add("t_enum", Type::Enum(platform), Value::String("tmall"));
    Add("t_evidence", Type::Enum(evidence), Value::String("photo"));
    Add("t_bool", Type::Bool(), Value::Bool(true));
    Add("t_ts", Type::Timestamp(), Value::Time(*ParseTimestamp("2025-03-01T20:30:00+08:00")));
    Add("t_dur", Type::Duration(), Value::Dur(*ParseDuration("90061.5s")));
    Add("t_ints", Type::List(Type::Int()), Value::ListOf({Value::Int(1), Value::Int(2), Value::Int(3)}));
    Add("t_strings", Type::List(Type::String()), Value::ListOf({Value::String("a"), Value::String("b")}));
    Add("t_evidences", Type::List(Type::Enum(evidence)), Value::ListOf({Value::String("photo")}));
    Add("t_dyns", Type::List(Type::Dyn()), Value::ListOf({Value::Int(1), Value::String("a")}));
    Add("t_counts", Type::Map(Type::String(), Type::Int()),
        Value::MapOf({{Value::String("a"), Value::Int(1)}, {Value::String("b"), Value::Int(2)}}));
    Add("t_names", Type::Map(Type::Int(), Type::String()), Value::MapOf({{Value::Int(1), Value::String("one")}}));
  }

  // Sets d0, d1, d2.
  void Set(Value d0, Value d1 = Value(), Value d2 = Value()) {
    facts_[0] = std::move(d0);
    facts_[1] = std::move(d1);
    facts_[2] = std::move(d2);
  }

  // The first issue of compiling `src` as "code@offset: message"; "" when it
  // compiles. `regex_pool`: the pool constant patterns go to (default: the
  // expression's own, with the default limits).
  std::string Issue(const std::string& src, RegexPool* regex_pool = nullptr) const {
    CompileOptions options;
    options.regex_pool = regex_pool;
    CompileResult c = CompileExpression(src, decls_, options);
    if (c.issues.empty()) return "";
    const ExprIssue& i = c.issues[0];
    return i.code + "@" + std::to_string(i.offset) + ": " + i.message;
  }

  // The result type of `src`, or its first issue.
  std::string TypeOf(const std::string& src) const {
    CompileResult c = CompileExpression(src, decls_);
    if (!c.program) return Issue(src);
    return c.program->type()->ToString();
  }

  // The value of `src` as a CEL literal, or "error: <message>".
  std::string Eval(const std::string& src) { return Run(src).first; }

  // The steps evaluating `src` took.
  std::int64_t Steps(const std::string& src) { return Run(src).second; }

  // The value (as Eval gives it) and the steps taken, on `budget` steps.
  std::pair<std::string, std::int64_t> Run(const std::string& src, std::int64_t budget = kBudget) {
    CompileResult c = CompileExpression(src, decls_);
    if (!c.program) {
      BOOST_TEST_ERROR(src << " does not compile: " << Issue(src));
      return {"", 0};
    }
    const Value* spaces[1] = {facts_.data()};
    EvalContext ctx;
    ctx.spaces = spaces;
    ctx.num_spaces = 1;
    ctx.steps_left = budget;
    ctx.max_collection_size = max_collection_size;
    ctx.max_string_length = max_string_length;
    ctx.max_value_bytes = max_value_bytes;
    ctx.regex_cache = regex_cache;
    Value v = c.program->Evaluate(ctx);
    std::string shown = v.is_error() ? "error: " + v.error_message() : FormatCelLiteral(v);
    return {shown, budget - ctx.steps_left};
  }

  std::size_t max_collection_size = 100'000;
  std::size_t max_string_length = 1u << 20;
  std::size_t max_value_bytes = 4u << 20;
  RegexPool* regex_cache = nullptr;

 private:
  void Add(const std::string& name, TypePtr type, Value v) {
    decls_.Add(name, std::move(type), {0, static_cast<std::uint32_t>(facts_.size())});
    facts_.push_back(std::move(v));
  }

  Declarations decls_;
  std::vector<Value> facts_;
};

struct Row {
  const char* expr;
  const char* want;
};

// Each row's value (Eval), type (TypeOf) or issue (Issue) against `want`.
inline void CheckValues(BuiltinEnv& env, const std::vector<Row>& rows) {
  for (const Row& r : rows) {
    BOOST_TEST_CONTEXT(r.expr) { BOOST_TEST(env.Eval(r.expr) == std::string(r.want)); }
  }
}
inline void CheckTypes(const BuiltinEnv& env, const std::vector<Row>& rows) {
  for (const Row& r : rows) {
    BOOST_TEST_CONTEXT(r.expr) { BOOST_TEST(env.TypeOf(r.expr) == std::string(r.want)); }
  }
}

}  // namespace aftersales::internal::testing

#endif  // AFTERSALES_TESTS_UNIT_EXPR_BUILTIN_ENV_H_
