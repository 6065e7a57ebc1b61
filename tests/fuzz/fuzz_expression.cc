// Fuzz target: expression bytes -> the lexer, parser and checker against the
// shipped schema (the facts of rules/: the vocabulary of rules/schema.yaml,
// which is also the embedded default schema, and the policy's own), and,
// when it compiles, evaluation on a few fixed cases. Also the standalone
// path `aftersales expr` takes (EvaluateExpression, variables typed dyn).
//
// What must hold, beyond not crashing:
// - a result's kind fits the type the checker gave the expression;
// - a program whose guard says it cannot be true is not true, and a true
//   `a && b && ...` has every part true;
// - a value printed as a CEL literal reads back as an equal value;
// - compiling with an expected bool type agrees with the plain compile.
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "aftersales/aftersales.h"
#include "common/value.h"
#include "decision/policy_impl.h"
#include "decision/policy_internal.h"
#include "expr/compiler.h"
#include "expr/program.h"
#include "expr/type.h"
#include "fuzz_common.h"

namespace {

using aftersales::internal::CompileExpression;
using aftersales::internal::CompileOptions;
using aftersales::internal::CompileResult;
using aftersales::internal::Declarations;
using aftersales::internal::EvalContext;
using aftersales::internal::FormatCelLiteral;
using aftersales::internal::Program;
using aftersales::internal::Type;
using aftersales::internal::Value;

constexpr std::int64_t kSteps = 100'000;
constexpr std::size_t kMaxCollection = 10'000;
constexpr std::size_t kMaxString = 64u << 10;

// One fixed set of values for the two spaces: facts and decision fields.
struct Env {
  aftersales::Facts facts;
  std::vector<Value> decided;
};

struct Fixture {
  std::shared_ptr<const aftersales::Policy> policy = aftersales_fuzz::ShippedPolicy();
  const Declarations* decls = nullptr;
  std::vector<Env> envs;

  Fixture() {
    const auto& schema = aftersales::internal::PolicyInternal::Impl(*policy).model().schema;
    decls = &schema.declarations;
    std::string root = aftersales_fuzz::SourceDir() + "/examples/cases/";
    std::vector<std::string> cases = {
        aftersales_fuzz::ReadFileOrDie(root + "quality_defect_day3.json"),
        aftersales_fuzz::ReadFileOrDie(root + "no_reason_insured_en.json"),
        "{}",
    };
    std::vector<Value> defaults, none(schema.decisions.size());
    for (const auto& d : schema.decisions) defaults.push_back(d.default_value);
    for (std::size_t i = 0; i < cases.size(); ++i) {
      auto facts = policy->ReadFactsJson(cases[i]);
      if (!facts.ok()) aftersales_fuzz::Fail("an example case does not read", facts.status().message());
      envs.push_back(Env{std::move(*facts), i % 2 == 0 ? defaults : none});
    }
  }
};

const Fixture& GetFixture() {
  static const Fixture* fixture = new Fixture();
  return *fixture;
}

// The variables of the standalone path, bound to literals.
const std::vector<std::pair<std::string, std::string>>& Bindings() {
  static const auto* bindings = [] {
    auto* b = new std::vector<std::pair<std::string, std::string>>{
        {"x", "3"},
        {"s", "'kettle'"},
        {"l", "[1, 2u, 3.5, 'a', null]"},
        {"m", "{'k': [1], 2: true}"},
        {"t", "timestamp('2026-11-20T14:03:00+08:00')"},
        {"d", "duration('36h')"},
    };
    auto r = aftersales::EvaluateExpression("[x, s, l, m, t, d]", *b);
    if (r.outcome != aftersales::ExpressionResult::Outcome::kValue) {
      aftersales_fuzz::Fail("the bindings do not evaluate", r.errors.empty() ? "" : r.errors.front());
    }
    return b;
  }();
  return *bindings;
}

EvalContext Context(const Value* const* spaces) {
  EvalContext ctx;
  ctx.spaces = spaces;
  ctx.num_spaces = 2;
  ctx.steps_left = kSteps;
  ctx.max_collection_size = kMaxCollection;
  ctx.max_string_length = kMaxString;
  return ctx;
}

bool HasNaN(const Value& v) {
  switch (v.kind()) {
    case Value::Kind::kDouble:
      return std::isnan(v.double_value());
    case Value::Kind::kList:
      for (const Value& e : v.list_value()) {
        if (HasNaN(e)) return true;
      }
      return false;
    case Value::Kind::kMap:
      for (const auto& [k, e] : v.map_value()) {
        if (HasNaN(e)) return true;
      }
      return false;
    default:
      return false;
  }
}

// Whether a value of kind v.kind() may have static type `t`.
bool Fits(const Type& t, const Value& v) {
  using K = Type::Kind;
  using V = Value::Kind;
  switch (t.kind()) {
    case K::kDyn:
    case K::kError:
      return true;
    case K::kNull:
      return v.kind() == V::kNull;
    case K::kBool:
      return v.kind() == V::kBool;
    case K::kInt:
      return v.kind() == V::kInt;
    case K::kUint:
      return v.kind() == V::kUint;
    case K::kDouble:
      return v.kind() == V::kDouble;
    case K::kString:
      return v.kind() == V::kString;
    case K::kEnum:
      return v.kind() == V::kString && t.enum_type()->Contains(v.string_value());
    case K::kTimestamp:
      return v.kind() == V::kTimestamp;
    case K::kDuration:
      return v.kind() == V::kDuration;
    case K::kList:
      if (v.kind() != V::kList) return false;
      for (const Value& e : v.list_value()) {
        if (!Fits(*t.elem(), e)) return false;
      }
      return true;
    case K::kMap:
      if (v.kind() != V::kMap) return false;
      for (const auto& [k, e] : v.map_value()) {
        if (!Fits(*t.elem(), k) || !Fits(*t.value(), e)) return false;
      }
      return true;
  }
  return false;
}

// A value printed as a CEL literal compiles, with no names declared, to an
// expression whose value equals it.
void CheckLiteral(const Value& v) {
  if (HasNaN(v)) return;  // NaN equals nothing, not even itself
  std::string literal = FormatCelLiteral(v);
  CompileResult c = CompileExpression(literal, Declarations());
  if (!c.program) {
    for (const auto& issue : c.issues) {
      if (issue.code == "expr.limit") return;  // too long or too deep to read back
    }
    aftersales_fuzz::Fail("a printed value does not compile", literal + "\n" + c.issues.front().message);
  }
  EvalContext ctx = Context(nullptr);
  ctx.num_spaces = 0;
  Value back = c.program->Evaluate(ctx);
  FUZZ_CHECK(aftersales::internal::ValuesEqual(v, back),
             literal + " reads back as " + FormatCelLiteral(back));
}

void RunProgram(const Program& program, const Env& env) {
  const auto& facts = aftersales::internal::PolicyInternal::Data(env.facts)->slots;
  const Value* spaces[2] = {facts.data(), env.decided.data()};

  EvalContext ctx = Context(spaces);
  Value v = program.Evaluate(ctx);
  FUZZ_CHECK(!v.is_absent(), program.source());
  if (v.is_error()) {
    FUZZ_CHECK(!v.error_message().empty(), program.source());
    return;
  }
  FUZZ_CHECK(Fits(*program.type(), v),
             program.source() + "\nis typed " + program.type()->ToString() + " but gave " + FormatCelLiteral(v));

  EvalContext guard_ctx = Context(spaces);
  bool is_true = v.kind() == Value::Kind::kBool && v.bool_value();
  if (is_true) {
    FUZZ_CHECK(program.GuardAllows(guard_ctx), "the guard rules out a true condition: " + program.source());
    // Each part of a true `a && b && ...` is true (each part alone may use
    // more steps than the whole did, so a step error is no contradiction).
    for (std::size_t i = 0; i < program.conjuncts().size(); ++i) {
      EvalContext part_ctx = Context(spaces);
      Value part = program.EvaluateConjunct(i, part_ctx);
      FUZZ_CHECK(part.kind() == Value::Kind::kBool && part.bool_value(),
                 program.source() + "\nis true but its part '" + std::string(program.conjuncts()[i].source) + "' gives " +
                     FormatCelLiteral(part));
    }
  }
  CheckLiteral(v);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const Fixture& f = GetFixture();
  std::string_view source(reinterpret_cast<const char*>(data), size);

  CompileResult plain = CompileExpression(source, *f.decls);
  CompileOptions want_bool;
  want_bool.expected_type = Type::Bool();
  CompileResult as_bool = CompileExpression(source, *f.decls, want_bool);

  FUZZ_CHECK(plain.program != nullptr || !plain.issues.empty(), std::string(source));
  for (const auto& issue : plain.issues) {
    FUZZ_CHECK(!issue.code.empty() && !issue.message.empty() && issue.offset <= source.size(),
               std::string(source) + "\n" + issue.code + " at " + std::to_string(issue.offset) + ": " + issue.message);
  }
  if (as_bool.program) {
    FUZZ_CHECK(plain.program != nullptr, "compiles as a condition but not plainly: " + std::string(source));
  }
  if (plain.program) {
    Type::Kind k = plain.program->type()->kind();
    if (k == Type::Kind::kBool || k == Type::Kind::kDyn) {
      FUZZ_CHECK(as_bool.program != nullptr, "a " + plain.program->type()->ToString() +
                                                 " expression does not compile as a condition: " +
                                                 std::string(source));
    }
    for (const Env& env : f.envs) RunProgram(*plain.program, env);
  }

  // The standalone path: variables typed dyn.
  aftersales::Limits limits;
  limits.max_eval_steps = kSteps;
  limits.max_collection_size = kMaxCollection;
  limits.max_string_length = kMaxString;
  aftersales::ExpressionResult r = aftersales::EvaluateExpression(source, Bindings(), limits);
  if (r.outcome == aftersales::ExpressionResult::Outcome::kValue) {
    FUZZ_CHECK(r.errors.empty(), r.value);
  } else {
    FUZZ_CHECK(!r.errors.empty(), std::string(source));
    FUZZ_CHECK(r.errors.front().rfind("internal error", 0) != 0, r.errors.front());
  }
  return 0;
}
