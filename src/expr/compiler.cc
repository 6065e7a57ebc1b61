// The checker and the compiler in one pass: every Ast node is typed against
// the declarations and turned into a runtime Node, with names resolved to
// slots and functions to pointers. Problems are collected as ExprIssues and
// checking goes on past them where it can, so one run reports them all.
#include "expr/compiler.h"

#include <re2/re2.h>

#include <algorithm>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "aftersales/options.h"
#include "common/text.h"
#include "common/time.h"
#include "expr/ast.h"
#include "expr/builtins.h"
#include "expr/lexer.h"
#include "expr/node.h"
#include "expr/parser.h"

namespace aftersales::internal {
namespace {

using TK = Type::Kind;

// A backstop for a caller who raises max_expression_depth: the parser bounds
// the tree by that limit, and past some hundreds of levels the recursion
// here (a couple of KiB of stack a level, more in sanitizer builds) would
// not fit a small thread stack.
constexpr int kMaxCompileDepth = 512;

bool IsDyn(const TypePtr& t) { return !t || t->kind() == TK::kDyn || t->kind() == TK::kError; }
bool IsNumeric(const TypePtr& t) {
  return t->kind() == TK::kInt || t->kind() == TK::kUint || t->kind() == TK::kDouble;
}
bool IsStringy(const TypePtr& t) { return t->kind() == TK::kString || t->kind() == TK::kEnum; }
bool Is(const TypePtr& t, TK k) { return !IsDyn(t) && t->kind() == k; }
bool IsOr(const TypePtr& t, TK k) { return IsDyn(t) || t->kind() == k; }
bool Same(const TypePtr& a, const TypePtr& b) { return a->ToString() == b->ToString(); }

std::string TypeList(const std::vector<TypePtr>& ts) {
  std::string s;
  for (std::size_t i = 0; i < ts.size(); ++i) {
    if (i) s += ", ";
    s += ts[i] ? ts[i]->ToString() : "dyn";
  }
  return s;
}

std::string OpName(const std::string& fn) {
  if (fn == "@in") return "in";
  if (fn == "_[_]") return "[]";
  if (fn == "-_") return "-";
  if (fn.size() > 2 && fn.front() == '_' && fn.back() == '_') return fn.substr(1, fn.size() - 2);
  return fn;
}

// Values of a and b may be compared with == (CEL's checker is stricter; we
// allow what can be equal at run time).
bool Comparable(const TypePtr& a, const TypePtr& b) {
  if (IsDyn(a) || IsDyn(b)) return true;
  if (a->kind() == TK::kNull || b->kind() == TK::kNull) return true;
  if (IsNumeric(a) && IsNumeric(b)) return true;
  if (IsStringy(a) && IsStringy(b)) {
    return !(a->kind() == TK::kEnum && b->kind() == TK::kEnum) || a->enum_type() == b->enum_type();
  }
  if (a->kind() != b->kind()) return false;
  if (a->kind() == TK::kList) return Comparable(a->elem(), b->elem());
  if (a->kind() == TK::kMap) return Comparable(a->elem(), b->elem()) && Comparable(a->value(), b->value());
  return true;
}

bool Orderable(const TypePtr& a, const TypePtr& b) {
  if (IsDyn(a) && IsDyn(b)) return true;
  if (IsDyn(a)) return Orderable(b, b);
  if (IsDyn(b)) return Orderable(a, a);
  if (IsNumeric(a) && IsNumeric(b)) return true;
  if (IsStringy(a) && IsStringy(b)) return true;
  if (a->kind() != b->kind()) return false;
  return a->kind() == TK::kBool || a->kind() == TK::kTimestamp || a->kind() == TK::kDuration;
}

struct Checked {
  NodePtr node;  // null after an issue
  TypePtr type;
};

class Compiler {
 public:
  Compiler(const Declarations& decls, RegexPool* regex_pool) : decls_(decls), regex_pool_(regex_pool) {}

  Checked Compile(const Expr& e) {
    if (++depth_ > kMaxCompileDepth) {
      --depth_;
      return TooDeep(e.offset);
    }
    Checked c = CompileInner(e);
    --depth_;
    return c;
  }

  std::vector<ExprIssue> issues;
  int max_locals = 0;

  // A string literal standing for a value of `enum_type`: an issue when the
  // enum lacks it.
  void CheckEnumLiteral(const TypePtr& enum_type, const Expr& literal) { CheckEnumWords(enum_type, literal); }

 private:
  struct Local {
    std::string name;
    int index;
    TypePtr type;
  };

  Checked Fail(std::uint32_t offset, std::string code, std::string message) {
    issues.push_back({std::move(code), std::move(message), offset});
    return {nullptr, Type::Error()};
  }

  // Chains the parser builds in a loop (`a + b + ...`, `a.b.c...`) are not
  // nesting to it, but everything after it walks the tree recursively: a
  // fixed bound keeps the stack safe. Said once, however many branches
  // reach it.
  Checked TooDeep(std::uint32_t offset) {
    if (too_deep_) return {nullptr, Type::Error()};
    too_deep_ = true;
    return Fail(offset, "expr.limit",
                "expression too deep: more than " + std::to_string(kMaxCompileDepth) +
                    " operators, fields or indexes applied one to the result of another");
  }

  Checked CompileInner(const Expr& e) {
    switch (e.kind) {
      case Expr::Kind::kLiteral: return {MakeConst(e.literal), LiteralType(e.literal)};
      case Expr::Kind::kIdent: return Name(e);
      case Expr::Kind::kSelect: return Select(e);
      case Expr::Kind::kCall: return Call(e);
      case Expr::Kind::kList: return List(e);
      case Expr::Kind::kMap: return MapLiteral(e);
      case Expr::Kind::kComprehension: return Comprehension(e);
    }
    return Fail(e.offset, "expr.internal", "unknown expression");
  }

  static TypePtr LiteralType(const Value& v) {
    switch (v.kind()) {
      case Value::Kind::kNull: return Type::Null();
      case Value::Kind::kBool: return Type::Bool();
      case Value::Kind::kInt: return Type::Int();
      case Value::Kind::kUint: return Type::Uint();
      case Value::Kind::kDouble: return Type::Double();
      case Value::Kind::kString: return Type::String();
      default: return Type::Dyn();
    }
  }

  const Local* FindLocal(const std::string& name) const {
    for (auto it = scope_.rbegin(); it != scope_.rend(); ++it) {
      if (it->name == name) return &*it;
    }
    return nullptr;
  }

  std::vector<std::string> DeclaredNames() const {
    std::vector<std::string> names;
    for (const VarDecl& d : decls_.all()) names.push_back(d.name);
    for (const Local& l : scope_) names.push_back(l.name);
    return names;
  }

  Checked Undeclared(std::uint32_t offset, const std::string& name) {
    std::string msg = "undeclared reference to '" + name + "'";
    if (auto s = DidYouMean(name, DeclaredNames())) msg += " (did you mean '" + *s + "'?)";
    return Fail(offset, "expr.undeclared", msg);
  }

  Checked Name(const Expr& e) {
    if (const Local* l = FindLocal(e.name)) return {MakeLocal(l->index), l->type};
    if (const VarDecl* d = decls_.Find(e.name)) return {MakeVar(d->ref, d->name), d->type};
    return Undeclared(e.offset, e.name);
  }

  // a.b.c rooted at an identifier that is not a comprehension variable:
  // the segments, outermost first. Empty when `e` is not such a chain.
  std::vector<const Expr*> Chain(const Expr& e) const {
    std::vector<const Expr*> chain;
    const Expr* cur = &e;
    while (cur->kind == Expr::Kind::kSelect && !cur->test_only) {
      chain.push_back(cur);
      cur = cur->args[0].get();
    }
    if (cur->kind != Expr::Kind::kIdent || FindLocal(cur->name)) return {};
    chain.push_back(cur);
    std::reverse(chain.begin(), chain.end());
    return chain;
  }

  static std::string Joined(const std::vector<const Expr*>& chain, std::size_t n) {
    std::string s = chain[0]->name;
    for (std::size_t i = 1; i < n; ++i) s += "." + chain[i]->name;
    return s;
  }

  Checked FieldOf(Checked operand, const Expr& sel, bool test_only) {
    if (!operand.node) return operand;
    TypePtr t = operand.type;
    TypePtr result;
    if (IsDyn(t)) {
      result = Type::Dyn();
    } else if (t->kind() == TK::kMap && (IsDyn(t->elem()) || IsStringy(t->elem()))) {
      result = t->value() ? t->value() : Type::Dyn();
    } else {
      return Fail(sel.offset, "expr.type", "a " + t->ToString() + " has no field '" + sel.name + "'");
    }
    return {MakeSelect(std::move(operand.node), sel.name, test_only), test_only ? Type::Bool() : result};
  }

  Checked Select(const Expr& e) {
    const Expr& operand = *e.args[0];
    // has(order.delivered_at): a declared fact tests its slot.
    if (e.test_only) {
      std::vector<const Expr*> chain = Chain(operand);
      if (!chain.empty()) {
        std::string full = Joined(chain, chain.size()) + "." + e.name;
        if (const VarDecl* d = decls_.Find(full)) return {MakePresence(d->ref), Type::Bool()};
        if (decls_.IsNamespace(full) ) {
          return Fail(e.offset, "expr.type", "has() needs a fact, and '" + full + "' is a group of facts");
        }
        if (!decls_.Find(Joined(chain, chain.size())) && decls_.IsNamespace(chain[0]->name)) {
          return Undeclared(operand.offset, full);
        }
      }
      return FieldOf(Compile(operand), e, /*test_only=*/true);
    }
    std::vector<const Expr*> chain = Chain(e);
    if (chain.size() > static_cast<std::size_t>(kMaxCompileDepth)) return TooDeep(e.offset);
    if (!chain.empty()) {
      for (std::size_t n = chain.size(); n >= 1; --n) {
        std::string name = Joined(chain, n);
        const VarDecl* d = decls_.Find(name);
        if (!d) continue;
        Checked c{MakeVar(d->ref, d->name), d->type};
        for (std::size_t i = n; i < chain.size() && c.node; ++i) c = FieldOf(std::move(c), *chain[i], false);
        return c;
      }
      return Undeclared(chain[0]->offset, Joined(chain, chain.size()));
    }
    return FieldOf(Compile(operand), e, /*test_only=*/false);
  }

  Checked List(const Expr& e) {
    std::vector<NodePtr> elems;
    TypePtr elem;
    bool ok = true, mixed = false;
    for (const ExprPtr& a : e.args) {
      Checked c = Compile(*a);
      if (!c.node) {
        ok = false;
        continue;
      }
      if (!elem) {
        elem = c.type;
      } else if (!Same(elem, c.type)) {
        mixed = true;
      }
      elems.push_back(std::move(c.node));
    }
    if (!ok) return {nullptr, Type::Error()};
    TypePtr type = Type::List(!elem || mixed ? Type::Dyn() : elem);
    // A list of literals (['defect', 'malfunction']) is built once, here.
    bool constant = true;
    for (const ExprPtr& a : e.args) constant = constant && a->kind == Expr::Kind::kLiteral;
    if (constant) {
      Value::List values;
      for (const ExprPtr& a : e.args) values.push_back(a->literal);
      return {MakeConst(Value::ListOf(std::move(values))), type};
    }
    return {MakeList(std::move(elems)), type};
  }

  Checked MapLiteral(const Expr& e) {
    std::vector<NodePtr> keys, values;
    TypePtr kt, vt;
    bool ok = true, kmixed = false, vmixed = false;
    for (std::size_t i = 0; i + 1 < e.args.size(); i += 2) {
      Checked k = Compile(*e.args[i]);
      Checked v = Compile(*e.args[i + 1]);
      if (!k.node || !v.node) {
        ok = false;
        continue;
      }
      TK kk = k.type->kind();
      if (kk != TK::kString && kk != TK::kEnum && kk != TK::kInt && kk != TK::kUint && kk != TK::kBool &&
          !IsDyn(k.type)) {
        Fail(e.args[i]->offset, "expr.type", "unsupported map key type " + k.type->ToString());
        ok = false;
        continue;
      }
      if (!kt) kt = k.type; else if (!Same(kt, k.type)) kmixed = true;
      if (!vt) vt = v.type; else if (!Same(vt, v.type)) vmixed = true;
      keys.push_back(std::move(k.node));
      values.push_back(std::move(v.node));
    }
    if (!ok) return {nullptr, Type::Error()};
    return {MakeMap(std::move(keys), std::move(values)),
            Type::Map(!kt || kmixed ? Type::Dyn() : kt, !vt || vmixed ? Type::Dyn() : vt)};
  }

  Checked Comprehension(const Expr& e) {
    Checked range = Compile(*e.args[0]);
    if (!range.node) return range;
    TypePtr var_type;
    if (IsDyn(range.type)) {
      var_type = Type::Dyn();
    } else if (range.type->kind() == TK::kList || range.type->kind() == TK::kMap) {
      var_type = range.type->elem() ? range.type->elem() : Type::Dyn();
    } else {
      return Fail(e.args[0]->offset, "expr.type",
                  "macros range over lists and maps, not " + range.type->ToString());
    }
    int index = static_cast<int>(scope_.size());
    scope_.push_back({e.var, index, var_type});
    max_locals = std::max(max_locals, index + 1);
    Checked filter{nullptr, nullptr};
    Checked body;
    bool is_map = e.macro == Expr::Macro::kMap;
    if (is_map && e.args.size() == 3) {
      filter = Compile(*e.args[1]);
      body = Compile(*e.args[2]);
      if (filter.node && !IsOr(filter.type, TK::kBool)) {
        Fail(e.args[1]->offset, "expr.type", "the filter of map() must be bool, not " + filter.type->ToString());
        filter.node = nullptr;
      }
    } else {
      body = Compile(*e.args[1]);
      if (!is_map && body.node && !IsOr(body.type, TK::kBool)) {
        Fail(e.args[1]->offset, "expr.type", "the predicate must be bool, not " + body.type->ToString());
        body.node = nullptr;
      }
    }
    scope_.pop_back();
    if (!body.node || (is_map && e.args.size() == 3 && !filter.node)) return {nullptr, Type::Error()};
    MacroKind kind = MacroKind::kAll;
    TypePtr type = Type::Bool();
    switch (e.macro) {
      case Expr::Macro::kAll: kind = MacroKind::kAll; break;
      case Expr::Macro::kExists: kind = MacroKind::kExists; break;
      case Expr::Macro::kExistsOne: kind = MacroKind::kExistsOne; break;
      case Expr::Macro::kFilter: kind = MacroKind::kFilter; type = Type::List(var_type); break;
      case Expr::Macro::kMap: kind = MacroKind::kMap; type = Type::List(body.type); break;
      case Expr::Macro::kNone: break;
    }
    return {MakeComprehension(kind, index, std::move(range.node), std::move(filter.node), std::move(body.node)),
            type};
  }

  // An enum-typed side compared with string literals the enum lacks.
  void CheckEnumWords(const TypePtr& enum_side, const Expr& other) {
    if (IsDyn(enum_side) || enum_side->kind() != TK::kEnum) return;
    const EnumType& en = *enum_side->enum_type();
    auto check = [&](const Expr& lit) {
      if (lit.kind != Expr::Kind::kLiteral || lit.literal.kind() != Value::Kind::kString) return;
      const std::string& w = lit.literal.string_value();
      if (en.Contains(w)) return;
      std::string msg = "'" + w + "' is not a value of enum '" + en.name + "'";
      if (auto s = DidYouMean(w, en.values)) msg += " (did you mean '" + *s + "'?)";
      issues.push_back({"expr.enum", msg, lit.offset});
    };
    if (other.kind == Expr::Kind::kList) {
      for (const ExprPtr& a : other.args) check(*a);
    } else {
      check(other);
    }
  }

  Checked Call(const Expr& e) {
    const std::string& fn = e.name;
    if (fn == "_&&_" || fn == "_||_") {
      Checked a = Compile(*e.args[0]);
      Checked b = Compile(*e.args[1]);
      bool ok = a.node && b.node;
      for (int i = 0; i < 2; ++i) {
        const Checked& c = i == 0 ? a : b;
        if (c.node && !IsOr(c.type, TK::kBool)) {
          Fail(e.args[i]->offset, "expr.type",
               "the operands of '" + OpName(fn) + "' must be bool, not " + c.type->ToString());
          ok = false;
        }
      }
      if (!ok) return {nullptr, Type::Error()};
      return {fn == "_&&_" ? MakeAnd(std::move(a.node), std::move(b.node)) : MakeOr(std::move(a.node), std::move(b.node)),
              Type::Bool()};
    }
    if (fn == "!_") {
      Checked a = Compile(*e.args[0]);
      if (!a.node) return a;
      if (!IsOr(a.type, TK::kBool)) {
        return Fail(e.offset, "expr.type", "no matching overload for '!' applied to (" + a.type->ToString() + ")");
      }
      return {MakeNot(std::move(a.node)), Type::Bool()};
    }
    if (fn == "_?_:_") {
      Checked c = Compile(*e.args[0]);
      Checked a = Compile(*e.args[1]);
      Checked b = Compile(*e.args[2]);
      if (c.node && !IsOr(c.type, TK::kBool)) {
        Fail(e.args[0]->offset, "expr.type", "the condition of '?:' must be bool, not " + c.type->ToString());
        c.node = nullptr;
      }
      if (!c.node || !a.node || !b.node) return {nullptr, Type::Error()};
      TypePtr t = Same(a.type, b.type) ? a.type
                  : a.type->kind() == TK::kNull ? b.type
                  : b.type->kind() == TK::kNull ? a.type
                                                : Type::Dyn();
      return {MakeConditional(std::move(c.node), std::move(a.node), std::move(b.node)), t};
    }

    BuiltinFn impl = FindBuiltin(fn);
    if (!impl) {
      static const std::vector<std::string> kFunctions = {
          "size", "contains", "startsWith", "endsWith", "matches", "int", "uint", "double", "string",
          "bool", "timestamp", "duration", "dyn", "getFullYear", "getMonth", "getDate", "getDayOfMonth",
          "getDayOfWeek", "getDayOfYear", "getHours", "getMinutes", "getSeconds", "getMilliseconds",
          "calendar_days", "split", "share", "has", "all", "exists", "exists_one", "filter", "map"};
      std::string msg = "undeclared reference to function '" + fn + "'";
      if (auto s = DidYouMean(fn, kFunctions)) msg += " (did you mean '" + *s + "'?)";
      // Still check the arguments, for their own issues.
      for (const ExprPtr& a : e.args) Compile(*a);
      return Fail(e.offset, "expr.undeclared", msg);
    }
    std::vector<NodePtr> nodes;
    std::vector<TypePtr> types;
    bool ok = true;
    for (const ExprPtr& a : e.args) {
      Checked c = Compile(*a);
      if (!c.node) ok = false;
      nodes.push_back(std::move(c.node));
      types.push_back(c.type);
    }
    if (!ok) return {nullptr, Type::Error()};
    std::string why;
    TypePtr result = ResultType(e, types, &why);
    if (!result) {
      return Fail(e.offset, "expr.type",
                  why.empty() ? "no matching overload for '" + OpName(fn) + "' applied to (" + TypeList(types) + ")"
                              : why);
    }
    if (fn == "_==_" || fn == "_!=_") {
      CheckEnumWords(types[0], *e.args[1]);
      CheckEnumWords(types[1], *e.args[0]);
    } else if (fn == "@in" && !IsDyn(types[1]) && types[1]->kind() == TK::kList) {
      CheckEnumWords(types[0], *e.args[1]);
      // 'videos' in issue.evidence: the word against the list's enum.
      if (types[1]->elem()) CheckEnumWords(types[1]->elem(), *e.args[0]);
    }
    BuiltinData data;
    if (!PrepareData(e, &data)) return {nullptr, Type::Error()};
    // Comparisons with a constant skip the general call path.
    auto literal = [&](std::size_t i) -> const Value* {
      const Expr& a = *e.args[i];
      if (a.kind == Expr::Kind::kLiteral) return &a.literal;
      return nullptr;
    };
    auto constant_list = [&](std::size_t i) -> std::optional<Value> {
      const Expr& a = *e.args[i];
      if (a.kind != Expr::Kind::kList) return std::nullopt;
      Value::List items;
      for (const ExprPtr& x : a.args) {
        if (x->kind != Expr::Kind::kLiteral) return std::nullopt;
        items.push_back(x->literal);
      }
      return Value::ListOf(std::move(items));
    };
    if (fn == "_==_" || fn == "_!=_") {
      bool negate = fn == "_!=_";
      if (const Value* c = literal(1)) return {MakeEqConst(std::move(nodes[0]), *c, negate), result};
      if (const Value* c = literal(0)) return {MakeEqConst(std::move(nodes[1]), *c, negate), result};
    }
    if (fn == "@in") {
      if (auto list = constant_list(1)) return {MakeInConstList(std::move(nodes[0]), std::move(*list)), result};
    }
    return {MakeCall(impl, std::move(nodes), std::move(data)), result};
  }

  // Constant regex patterns and time zones are compiled once, here.
  bool PrepareData(const Expr& e, BuiltinData* data) {
    const std::string& fn = e.name;
    auto literal_string = [](const Expr& a) -> const std::string* {
      if (a.kind == Expr::Kind::kLiteral && a.literal.kind() == Value::Kind::kString) return &a.literal.string_value();
      return nullptr;
    };
    if (fn == "matches" && e.args.size() == 2) {
      if (const std::string* pattern = literal_string(*e.args[1])) {
        std::string error;
        auto re = regex_pool_->Get(*pattern, &error);
        if (!re) {
          const bool invalid = error.rfind("invalid", 0) == 0;
          issues.push_back({invalid ? "expr.regex" : "expr.limit", error, e.args[1]->offset});
          return false;
        }
        data->regex_size = re->ProgramSize();
        data->regex = std::move(re);
      }
    }
    const Expr* zone_arg = nullptr;
    if (fn == "calendar_days" && e.args.size() == 3) zone_arg = e.args[2].get();
    if (e.receiver && fn.rfind("get", 0) == 0 && e.args.size() == 2) zone_arg = e.args[1].get();
    if (zone_arg) {
      if (const std::string* name = literal_string(*zone_arg)) {
        data->zone = FindTimeZone(*name);
        if (!data->zone) {
          issues.push_back({"expr.timezone", "unknown time zone '" + *name + "'", zone_arg->offset});
          return false;
        }
      }
    }
    return true;
  }

  // The result type of a call, or null when no overload fits (`why` may
  // say more).
  TypePtr ResultType(const Expr& e, const std::vector<TypePtr>& t, std::string* why) {
    const std::string& fn = e.name;
    const std::size_t n = t.size();
    auto known = [&](std::size_t i, std::size_t j) { return IsDyn(t[i]) ? t[j] : t[i]; };

    if (fn == "_+_" || fn == "_-_" || fn == "_*_" || fn == "_/_" || fn == "_%_") {
      if (n != 2) return nullptr;
      if (IsDyn(t[0]) && IsDyn(t[1])) return Type::Dyn();
      TypePtr a = t[0], b = t[1];
      if (IsDyn(a) || IsDyn(b)) {
        TypePtr k = known(0, 1);
        if (IsNumeric(k)) return fn == "_%_" && k->kind() == TK::kDouble ? nullptr : k;
        if (fn == "_+_" && (IsStringy(k) || k->kind() == TK::kList)) return IsStringy(k) ? Type::String() : k;
        if ((fn == "_+_" || fn == "_-_") && (k->kind() == TK::kTimestamp || k->kind() == TK::kDuration)) {
          return Type::Dyn();
        }
        return nullptr;
      }
      if (IsNumeric(a) && a->kind() == b->kind()) {
        if (fn == "_%_" && a->kind() == TK::kDouble) return nullptr;
        return a;
      }
      if (fn == "_+_") {
        if (IsStringy(a) && IsStringy(b)) return Type::String();
        if (a->kind() == TK::kList && b->kind() == TK::kList) return Same(a, b) ? a : Type::List(Type::Dyn());
        if (a->kind() == TK::kTimestamp && b->kind() == TK::kDuration) return a;
        if (a->kind() == TK::kDuration && b->kind() == TK::kTimestamp) return b;
        if (a->kind() == TK::kDuration && b->kind() == TK::kDuration) return a;
      }
      if (fn == "_-_") {
        if (a->kind() == TK::kTimestamp && b->kind() == TK::kTimestamp) return Type::Duration();
        if (a->kind() == TK::kTimestamp && b->kind() == TK::kDuration) return a;
        if (a->kind() == TK::kDuration && b->kind() == TK::kDuration) return a;
      }
      return nullptr;
    }
    if (fn == "-_") {
      if (IsDyn(t[0])) return Type::Dyn();
      TK k = t[0]->kind();
      return k == TK::kInt || k == TK::kDouble || k == TK::kDuration ? t[0] : nullptr;
    }
    if (fn == "_<_" || fn == "_<=_" || fn == "_>_" || fn == "_>=_") {
      return Orderable(t[0], t[1]) ? Type::Bool() : nullptr;
    }
    if (fn == "_==_" || fn == "_!=_") {
      if (Comparable(t[0], t[1])) return Type::Bool();
      *why = "cannot compare " + t[0]->ToString() + " with " + t[1]->ToString();
      return nullptr;
    }
    if (fn == "@in") {
      if (IsDyn(t[1])) return Type::Bool();
      if (t[1]->kind() == TK::kList) return Comparable(t[0], t[1]->elem()) ? Type::Bool() : nullptr;
      if (t[1]->kind() == TK::kMap) return Comparable(t[0], t[1]->elem()) ? Type::Bool() : nullptr;
      return nullptr;
    }
    if (fn == "_[_]") {
      if (IsDyn(t[0])) return Type::Dyn();
      if (t[0]->kind() == TK::kList) {
        return IsDyn(t[1]) || t[1]->kind() == TK::kInt || t[1]->kind() == TK::kUint ? t[0]->elem() : nullptr;
      }
      if (t[0]->kind() == TK::kMap) return Comparable(t[1], t[0]->elem()) ? t[0]->value() : nullptr;
      return nullptr;
    }
    if (fn == "size") {
      if (n != 1) return nullptr;
      if (IsDyn(t[0]) || IsStringy(t[0]) || t[0]->kind() == TK::kList || t[0]->kind() == TK::kMap) return Type::Int();
      return nullptr;
    }
    if (fn == "contains" || fn == "startsWith" || fn == "endsWith" || fn == "matches") {
      if (n != 2 || (!e.receiver && fn != "matches")) return nullptr;
      return (IsDyn(t[0]) || IsStringy(t[0])) && (IsDyn(t[1]) || IsStringy(t[1])) ? Type::Bool() : nullptr;
    }
    if (fn == "int" || fn == "uint" || fn == "double" || fn == "string" || fn == "bool" || fn == "timestamp" ||
        fn == "duration" || fn == "dyn") {
      if (n != 1 || e.receiver) return nullptr;
      if (fn == "dyn") return Type::Dyn();
      TK k = IsDyn(t[0]) ? TK::kDyn : t[0]->kind();
      auto allow = [&](std::initializer_list<TK> ks) {
        if (k == TK::kDyn) return true;
        for (TK x : ks) {
          if (x == k) return true;
        }
        return false;
      };
      if (fn == "int") return allow({TK::kInt, TK::kUint, TK::kDouble, TK::kString, TK::kEnum, TK::kTimestamp}) ? Type::Int() : nullptr;
      if (fn == "uint") return allow({TK::kInt, TK::kUint, TK::kDouble, TK::kString, TK::kEnum}) ? Type::Uint() : nullptr;
      if (fn == "double") return allow({TK::kInt, TK::kUint, TK::kDouble, TK::kString, TK::kEnum}) ? Type::Double() : nullptr;
      if (fn == "string") {
        return allow({TK::kInt, TK::kUint, TK::kDouble, TK::kString, TK::kEnum, TK::kBool, TK::kTimestamp, TK::kDuration})
                   ? Type::String() : nullptr;
      }
      if (fn == "bool") return allow({TK::kBool, TK::kString, TK::kEnum}) ? Type::Bool() : nullptr;
      if (fn == "timestamp") return allow({TK::kString, TK::kEnum, TK::kInt, TK::kTimestamp}) ? Type::Timestamp() : nullptr;
      return allow({TK::kString, TK::kEnum, TK::kDuration}) ? Type::Duration() : nullptr;
    }
    if (fn.rfind("get", 0) == 0) {
      if (!e.receiver || n < 1 || n > 2) return nullptr;
      if (n == 2 && !IsDyn(t[1]) && !IsStringy(t[1])) return nullptr;
      if (IsDyn(t[0]) || Is(t[0], TK::kTimestamp)) return Type::Int();
      bool duration_getter = fn == "getHours" || fn == "getMinutes" || fn == "getSeconds" || fn == "getMilliseconds";
      if (Is(t[0], TK::kDuration) && n == 1 && duration_getter) return Type::Int();
      return nullptr;
    }
    if (fn == "calendar_days") {
      if (e.receiver || n != 3) return nullptr;
      return IsOr(t[0], TK::kTimestamp) && IsOr(t[1], TK::kTimestamp) && (IsDyn(t[2]) || IsStringy(t[2]))
                 ? Type::Int() : nullptr;
    }
    if (fn == "split") {
      if (e.receiver || n != 2) return nullptr;
      return IsOr(t[0], TK::kInt) && (IsDyn(t[1]) || (t[1]->kind() == TK::kList && IsOr(t[1]->elem(), TK::kInt)))
                 ? Type::List(Type::Int()) : nullptr;
    }
    if (fn == "share") {
      if (e.receiver || n != 3) return nullptr;
      return IsOr(t[0], TK::kInt) && IsOr(t[1], TK::kInt) && IsOr(t[2], TK::kInt) ? Type::Int() : nullptr;
    }
    return nullptr;
  }

  const Declarations& decls_;
  RegexPool* regex_pool_;
  std::vector<Local> scope_;
  int depth_ = 0;
  bool too_deep_ = false;
};

std::uint32_t StartOf(const Expr& e) {
  std::uint32_t s = e.offset;
  const Expr* cur = &e;
  for (int guard = 0; guard < 100000 && !cur->args.empty() &&
                      (cur->kind == Expr::Kind::kCall || cur->kind == Expr::Kind::kSelect ||
                       cur->kind == Expr::Kind::kComprehension);
       ++guard) {
    cur = cur->args[0].get();
    s = std::min(s, cur->offset);
  }
  return s;
}

// Widens [*start, *end) over the brackets the AST does not record, so that
// the text's parentheses balance: `(a + 1) * 2` starts at its '(' though
// its leftmost leaf starts after it.
void BalanceParens(const std::vector<Token>& tokens, std::uint32_t* start, std::uint32_t* end) {
  int depth = 0, min_depth = 0;
  std::size_t first = tokens.size(), last = 0;
  for (std::size_t i = 0; i < tokens.size(); ++i) {
    const Token& t = tokens[i];
    if (t.kind == Token::Kind::kEnd || t.offset < *start || t.offset >= *end) continue;
    if (first == tokens.size()) first = i;
    last = i;
    if (t.kind == Token::Kind::kLParen) ++depth;
    if (t.kind == Token::Kind::kRParen) min_depth = std::min(min_depth, --depth);
  }
  if (first == tokens.size()) return;
  for (int open = -min_depth; open > 0 && first > 0 && tokens[first - 1].kind == Token::Kind::kLParen; --open) {
    *start = tokens[--first].offset;
  }
  for (int close = depth - min_depth;
       close > 0 && last + 1 < tokens.size() && tokens[last + 1].kind == Token::Kind::kRParen; --close) {
    *end = tokens[++last].end;
  }
}

// The nodes whose value can be the expression's value: through ?: branches.
void ResultPositions(const Expr& e, std::vector<const Expr*>* out, int depth) {
  if (depth < 1000 && e.kind == Expr::Kind::kCall && e.name == "_?_:_") {
    ResultPositions(*e.args[1], out, depth + 1);
    ResultPositions(*e.args[2], out, depth + 1);
    return;
  }
  out->push_back(&e);
}

void Conjuncts(const Expr& e, std::vector<const Expr*>* out, int depth) {
  if (depth < 1000 && e.kind == Expr::Kind::kCall && e.name == "_&&_") {
    Conjuncts(*e.args[0], out, depth + 1);
    Conjuncts(*e.args[1], out, depth + 1);
    return;
  }
  out->push_back(&e);
}

}  // namespace

CompileResult CompileExpression(std::string_view source, const Declarations& decls,
                                const CompileOptions& options) {
  CompileResult result;
  if (source.size() > options.max_length) {
    result.issues.push_back({"expr.limit",
                             "expression too long (" + std::to_string(source.size()) + " bytes; the limit is " +
                                 std::to_string(options.max_length) + ")",
                             0});
    return result;
  }
  ParseResult parsed = Parse(source, options.max_depth);
  if (!parsed.expr) {
    result.issues = std::move(parsed.issues);
    if (result.issues.empty()) result.issues.push_back({"expr.syntax", "cannot parse the expression", 0});
    return result;
  }
  // The conjuncts below are compiled again from the same tree: the pool
  // gives them the RE2s the whole expression has, not copies.
  std::optional<RegexPool> own_pool;
  RegexPool* pool = options.regex_pool;
  if (!pool) {
    const Limits defaults;
    pool = &own_pool.emplace(defaults.max_regex_memory, defaults.max_policy_regex_memory,
                             RegexPool::WhenFull::kRefuse);
  }
  Compiler compiler(decls, pool);
  Checked root = compiler.Compile(*parsed.expr);
  if (root.node && options.result_enum && options.result_enum->kind() == TK::kEnum &&
      root.type->kind() == TK::kString) {
    std::vector<const Expr*> results;
    ResultPositions(*parsed.expr, &results, 0);
    bool all_literals = true;
    for (const Expr* r : results) {
      all_literals = all_literals && r->kind == Expr::Kind::kLiteral && r->literal.kind() == Value::Kind::kString;
    }
    if (all_literals) {
      std::size_t before = compiler.issues.size();
      for (const Expr* r : results) compiler.CheckEnumLiteral(options.result_enum, *r);
      if (compiler.issues.size() == before) root.type = options.result_enum;
    }
  }
  if (root.node && options.expected_type && !IsAssignable(*options.expected_type, *root.type)) {
    compiler.issues.push_back({"expr.type",
                               "expected " + options.expected_type->ToString() + ", but the expression is " +
                                   root.type->ToString(),
                               StartOf(*parsed.expr)});
  }
  if (!compiler.issues.empty() || !root.node) {
    result.issues = std::move(compiler.issues);
    return result;
  }
  std::vector<const Expr*> parts;
  Conjuncts(*parsed.expr, &parts, 0);
  std::vector<Program::Conjunct> conjuncts;
  std::vector<NodePtr> conjunct_nodes;
  const std::vector<Token> tokens = Lex(source);
  for (const Expr* p : parts) {
    std::uint32_t start = StartOf(*p);
    std::uint32_t end = std::max<std::uint32_t>(p->end, start);
    BalanceParens(tokens, &start, &end);
    std::string text(source.substr(start, end - start));
    Compiler again(decls, pool);
    Checked c = again.Compile(*p);
    if (!c.node) {  // cannot happen: the whole compiled
      conjuncts.clear();
      conjunct_nodes.clear();
      break;
    }
    conjuncts.push_back({std::move(text), start});
    conjunct_nodes.push_back(std::move(c.node));
  }
  int locals = compiler.max_locals;
  result.program = std::make_unique<const Program>(std::move(root.node), root.type, std::move(conjuncts),
                                                   std::move(conjunct_nodes), std::string(source), locals);
  return result;
}

}  // namespace aftersales::internal
