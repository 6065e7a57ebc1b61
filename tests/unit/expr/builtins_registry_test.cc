// The builtin registry (src/expr/builtins.h, src/expr/builtins/): one
// declaration per name, complete; the names "did you mean" suggests, in
// their order; overload resolution (type parameters, unknown arguments,
// call styles, arity); a Cost::kArgBytes builtin charged by its call node;
// and preparation hooks run at load.
#include <boost/test/unit_test.hpp>

#include <set>
#include <string>
#include <vector>

#include "builtin_env.h"
#include "expr/builtins.h"
#include "expr/node.h"

namespace aftersales::internal::testing {
namespace {

std::string Resolve(const Builtin& b, bool receiver, const std::vector<TypePtr>& args) {
  std::string why;
  TypePtr t = ResolveOverload(b, receiver, args, &why);
  if (t) return t->ToString();
  return why.empty() ? "none" : "none: " + why;
}

const TypePtr kInt = Type::Int();
const TypePtr kString = Type::String();
const TypePtr kDyn = Type::Dyn();

// A function of the test's own: twice(list(A), A) -> list(A), global only,
// charged a step per 4 bytes of its second argument.
Value Twice(const Value* a, std::size_t, const BuiltinData&, Frame&) {
  Value::List out = a[0].list_value();
  out.push_back(a[1]);
  out.push_back(a[1]);
  return Value::ListOf(std::move(out));
}

Builtin TestBuiltin() {
  using K = TypeSpec::Kind;
  return Builtin{.name = "twice",
                 .display = "twice",
                 .overloads = {{{{K::kList, K::kA}, {K::kA}}, {K::kList, K::kA}},
                               {{{K::kInt}}, {K::kInt}}},
                 .impl = Twice,
                 .cost = Cost::ArgBytes(1, 4)};
}

}  // namespace

BOOST_AUTO_TEST_SUITE(builtins_registry)

BOOST_AUTO_TEST_CASE(every_builtin_is_declared_once_and_completely) {
  std::set<std::string_view> names;
  for (const Builtin* b : AllBuiltins()) {
    BOOST_TEST_CONTEXT(b->name) {
      BOOST_TEST(names.insert(b->name).second);
      BOOST_TEST(FindBuiltin(b->name) == b);
      BOOST_TEST(!b->display.empty());
      const bool lazy = b->form == Form::kAnd || b->form == Form::kOr || b->form == Form::kNot ||
                        b->form == Form::kConditional;
      // Lazy operators are built by the compiler; everything else is a call
      // of its implementation, with at least one signature.
      BOOST_TEST((b->impl == nullptr) == lazy);
      BOOST_TEST(b->overloads.empty() == lazy);
      for (const Overload& o : b->overloads) {
        if (b->cost.kind == Cost::Kind::kArgBytes) BOOST_TEST(b->cost.arg < o.params.size());
      }
      if (b->prepare.fn) {
        // The prepared argument is a string in some signature.
        bool somewhere = false;
        for (const Overload& o : b->overloads) {
          const auto arg = static_cast<std::size_t>(b->prepare.arg);
          somewhere = somewhere || (arg < o.params.size() && o.params[arg].kind == TypeSpec::Kind::kString);
        }
        BOOST_TEST(somewhere);
      }
    }
  }
  BOOST_TEST(names.size() == 44u);
  BOOST_TEST(FindBuiltin("nope") == nullptr);
  BOOST_TEST(FindBuiltin("") == nullptr);
  BOOST_TEST(FindBuiltin("all") == nullptr);  // a macro, expanded by the parser
}

BOOST_AUTO_TEST_CASE(the_declarations_say_how_calls_are_made_and_charged) {
  auto style = [](const char* n) { return FindBuiltin(n)->style; };
  BOOST_TEST((style("size") == CallStyle::kBoth));
  BOOST_TEST((style("matches") == CallStyle::kBoth));
  BOOST_TEST((style("contains") == CallStyle::kReceiver));
  BOOST_TEST((style("getHours") == CallStyle::kReceiver));
  BOOST_TEST((style("int") == CallStyle::kGlobal));
  BOOST_TEST((style("calendar_days") == CallStyle::kGlobal));
  BOOST_TEST((FindBuiltin("_+_")->form == Form::kOperator));
  BOOST_TEST((FindBuiltin("size")->form == Form::kFunction));
  std::vector<std::string> by_bytes, measured;
  for (const Builtin* b : AllBuiltins()) {
    if (b->cost.kind == Cost::Kind::kArgBytes) by_bytes.emplace_back(b->name);
    if (b->cost.kind == Cost::Kind::kMeasured) measured.emplace_back(b->name);
  }
  const std::vector<std::string> want_by_bytes = {"size", "startsWith", "endsWith"};
  const std::vector<std::string> want_measured = {"_+_", "_==_", "_!=_", "@in", "_[_]", "contains", "matches",
                                                  "split"};
  BOOST_TEST(by_bytes == want_by_bytes, boost::test_tools::per_element());
  BOOST_TEST(measured == want_measured, boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(did_you_mean_suggests_functions_then_macros_in_order) {
  const std::vector<std::string> want = {
      "size", "contains", "startsWith", "endsWith", "matches", "int", "uint", "double", "string", "bool",
      "timestamp", "duration", "dyn", "getFullYear", "getMonth", "getDate", "getDayOfMonth", "getDayOfWeek",
      "getDayOfYear", "getHours", "getMinutes", "getSeconds", "getMilliseconds", "calendar_days", "split",
      "share", "has", "all", "exists", "exists_one", "filter", "map"};
  BOOST_TEST(SuggestedNames() == want, boost::test_tools::per_element());
  BuiltinEnv env;
  BOOST_TEST(env.Issue("t_string.contain('a')") ==
             "expr.undeclared@9: undeclared reference to function 'contain' (did you mean 'contains'?)");
  BOOST_TEST(env.Issue("t_ts.getHour()") ==
             "expr.undeclared@5: undeclared reference to function 'getHour' (did you mean 'getHours'?)");
  BOOST_TEST(env.Issue("calendarDays(t_ts, t_ts, 'UTC')") ==
             "expr.undeclared@0: undeclared reference to function 'calendarDays' (did you mean 'calendar_days'?)");
  BOOST_TEST(env.Issue("t_ints.exist(1)") ==
             "expr.undeclared@7: undeclared reference to function 'exist' (did you mean 'exists'?)");
  // Ties go to the name listed first: 'int' before 'uint' for 'unt'.
  BOOST_TEST(env.Issue("unt(1)") == "expr.undeclared@0: undeclared reference to function 'unt' (did you mean 'int'?)");
  BOOST_TEST(env.Issue("frobnicate(1)") == "expr.undeclared@0: undeclared reference to function 'frobnicate'");
  // The arguments are still checked.
  BOOST_TEST(env.Issue("frobnicate(nope)") == "expr.undeclared@11: undeclared reference to 'nope'");
}

BOOST_AUTO_TEST_CASE(overload_resolution) {
  const Builtin twice = TestBuiltin();
  const TypePtr ints = Type::List(kInt);
  // A type parameter is the argument's own type; two that differ join as dyn.
  BOOST_TEST(Resolve(twice, false, {ints, kInt}) == "list(int)");
  BOOST_TEST(Resolve(twice, false, {ints, kString}) == "list(dyn)");
  BOOST_TEST(Resolve(twice, false, {kDyn, kString}) == "list(string)");
  BOOST_TEST(Resolve(twice, false, {kInt}) == "int");
  // An unknown argument fits every overload of its arity; the results agree.
  BOOST_TEST(Resolve(twice, false, {kDyn}) == "int");
  // Arity and call style.
  BOOST_TEST(Resolve(twice, false, {}) == "none");
  BOOST_TEST(Resolve(twice, true, {kInt}) == "none");
  BOOST_TEST(Resolve(twice, false, {kString}) == "none");
  // The registry's own: comparable type parameters and the mismatch message.
  const Builtin& eq = *FindBuiltin("_==_");
  BOOST_TEST(Resolve(eq, false, {kInt, Type::Double()}) == "bool");
  BOOST_TEST(Resolve(eq, false, {kInt, kString}) == "none: cannot compare int with string");
  BOOST_TEST(Resolve(eq, false, {Type::Null(), Type::List(kString)}) == "bool");
  // Overloads whose result an unknown argument leaves open: dyn.
  const Builtin& plus = *FindBuiltin("_+_");
  BOOST_TEST(Resolve(plus, false, {Type::Timestamp(), Type::Duration()}) == "timestamp");
  BOOST_TEST(Resolve(plus, false, {kDyn, Type::Timestamp()}) == "dyn");
  BOOST_TEST(Resolve(plus, false, {kDyn, kInt}) == "int");
  BOOST_TEST(Resolve(plus, false, {kDyn, kDyn}) == "dyn");
}

BOOST_AUTO_TEST_CASE(an_arg_bytes_cost_is_charged_by_the_call_when_it_succeeds) {
  const Builtin twice = TestBuiltin();
  Value small[1];
  EvalContext ctx;
  ctx.steps_left = 1000;
  Frame f{&ctx, small};
  std::vector<NodePtr> args;
  args.push_back(MakeConst(Value::ListOf({})));
  args.push_back(MakeConst(Value::String(std::string(41, 'x'))));
  NodePtr call = MakeCall(twice, std::move(args));
  Value v = call->Eval(f);
  BOOST_TEST(v.list_value().size() == 2u);
  // The call's step, its two constants', and 41 / 4 for the text.
  BOOST_TEST(ctx.steps_left == 1000 - 3 - 10);
  // Not a string: not charged.
  std::vector<NodePtr> other;
  other.push_back(MakeConst(Value::ListOf({})));
  other.push_back(MakeConst(Value::Int(12345678)));
  ctx.steps_left = 1000;
  MakeCall(twice, std::move(other))->Eval(f);
  BOOST_TEST(ctx.steps_left == 1000 - 3);
}

BOOST_AUTO_TEST_CASE(preparations_run_at_load) {
  // The regex and zone hooks, called as the compiler calls them.
  const Builtin& matches = *FindBuiltin("matches");
  RegexPool pool(1u << 20, 4u << 20, RegexPool::WhenFull::kRefuse);
  PrepareContext ctx{pool};
  BuiltinData data;
  PrepareIssue issue;
  BOOST_TEST(matches.prepare.arg == 1);
  BOOST_TEST(matches.prepare.fn("^a+$", ctx, &data, &issue));
  BOOST_TEST(data.regex != nullptr);
  BOOST_TEST(data.regex_size > 0);
  BOOST_TEST(!matches.prepare.fn("(", ctx, &data, &issue));
  BOOST_TEST(issue.code == "expr.regex");
  BOOST_TEST(issue.message == "invalid regular expression: missing ): (");
  const Builtin& hours = *FindBuiltin("getHours");
  BuiltinData zone;
  BOOST_TEST(hours.prepare.arg == 1);
  BOOST_TEST(hours.prepare.fn("Asia/Shanghai", ctx, &zone, &issue));
  BOOST_TEST(zone.zone != nullptr);
  BOOST_TEST(!hours.prepare.fn("Nowhere", ctx, &zone, &issue));
  BOOST_TEST(issue.code == "expr.timezone");
  BOOST_TEST(FindBuiltin("calendar_days")->prepare.arg == 2);
  BOOST_TEST(FindBuiltin("size")->prepare.fn == nullptr);
  // A pattern the pool already has is not compiled again.
  BuiltinData again;
  BOOST_TEST(matches.prepare.fn("^a+$", ctx, &again, &issue));
  BOOST_TEST(again.regex == data.regex);
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace aftersales::internal::testing
