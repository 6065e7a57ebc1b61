// The checker and the compiler in one pass: every Ast node is typed against
// the declarations and turned into a runtime Node, with names resolved to
// slots and calls to their builtins (src/expr/builtins.h: typed by its
// overloads, constants prepared by its hooks, run through its function
// pointer). Problems are collected as ExprIssues and checking goes on past
// them where it can, so one run reports them all.
#include "expr/compiler.h"

#include <algorithm>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "aftersales/options.h"
#include "common/text.h"
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

bool IsOr(const TypePtr& t, TK k) { return IsDyn(t) || t->kind() == k; }

std::string TypeList(const std::vector<TypePtr>& ts) {
  std::string s;
  for (std::size_t i = 0; i < ts.size(); ++i) {
    if (i) s += ", ";
    s += ts[i] ? ts[i]->ToString() : "dyn";
  }
  return s;
}

const Value* LiteralOf(const Expr& e) { return e.kind == Expr::Kind::kLiteral ? &e.literal : nullptr; }

// A list written with literals only (['a', 'b']), as one value.
std::optional<Value> ConstantList(const Expr& e) {
  if (e.kind != Expr::Kind::kList) return std::nullopt;
  Value::List items;
  for (const ExprPtr& x : e.args) {
    if (x->kind != Expr::Kind::kLiteral) return std::nullopt;
    items.push_back(x->literal);
  }
  return Value::ListOf(std::move(items));
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
    if (!watched_.empty() && c.node) {
      for (std::size_t i = 0; i < watched_.size(); ++i) {
        if (watched_[i] == &e) found_[i] = c.node.get();
      }
    }
    return c;
  }

  // Remembers the nodes compiled for `exprs` (the && parts of a condition):
  // found()[i] is the node of exprs[i] inside the tree Compile returns, or
  // null when it was not compiled.
  void Watch(std::vector<const Expr*> exprs) {
    watched_ = std::move(exprs);
    found_.assign(watched_.size(), nullptr);
  }
  const std::vector<const Node*>& found() const { return found_; }

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
    if (const VarDecl* d = decls_.Find(e.name)) return {VarNode(*d), d->type};
    return Undeclared(e.offset, e.name);
  }

  // A declared name's node: a slot read, or a named value's.
  static NodePtr VarNode(const VarDecl& d) {
    if (d.ref.space == kNamedValueSpace) return MakeNamed(d.ref.slot, d.name);
    return MakeVar(d.ref, d.absent);
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
        Checked c{VarNode(*d), d->type};
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
    const Builtin* b = FindBuiltin(e.name);
    if (!b) return UndeclaredFunction(e);
    switch (b->form) {
      case Form::kAnd:
      case Form::kOr: return Logic(e, *b);
      case Form::kNot: return Not(e);
      case Form::kConditional: return Conditional(e);
      case Form::kFunction:
      case Form::kOperator: break;
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
    TypePtr result = ResolveOverload(*b, e.receiver, types, &why);
    if (!result) {
      return Fail(e.offset, "expr.type",
                  why.empty() ? "no matching overload for '" + std::string(b->display) + "' applied to (" +
                                    TypeList(types) + ")"
                              : why);
    }
    CheckLiteralWords(*b, e, types);
    BuiltinData data;
    if (!Prepare(*b, e, &data)) return {nullptr, Type::Error()};
    if (NodePtr constant = WithConstantOperand(*b, e, types, &nodes)) return {std::move(constant), result};
    return {MakeCall(*b, std::move(nodes), std::move(data)), result};
  }

  Checked UndeclaredFunction(const Expr& e) {
    std::string msg = "undeclared reference to function '" + e.name + "'";
    if (auto s = DidYouMean(e.name, SuggestedNames())) msg += " (did you mean '" + *s + "'?)";
    // Still check the arguments, for their own issues.
    for (const ExprPtr& a : e.args) Compile(*a);
    return Fail(e.offset, "expr.undeclared", msg);
  }

  Checked Logic(const Expr& e, const Builtin& b) {
    Checked a = Compile(*e.args[0]);
    Checked c = Compile(*e.args[1]);
    bool ok = a.node && c.node;
    for (int i = 0; i < 2; ++i) {
      const Checked& operand = i == 0 ? a : c;
      if (operand.node && !IsOr(operand.type, TK::kBool)) {
        Fail(e.args[i]->offset, "expr.type",
             "the operands of '" + std::string(b.display) + "' must be bool, not " + operand.type->ToString());
        ok = false;
      }
    }
    if (!ok) return {nullptr, Type::Error()};
    return {b.form == Form::kAnd ? MakeAnd(std::move(a.node), std::move(c.node))
                                 : MakeOr(std::move(a.node), std::move(c.node)),
            Type::Bool()};
  }

  Checked Not(const Expr& e) {
    Checked a = Compile(*e.args[0]);
    if (!a.node) return a;
    if (!IsOr(a.type, TK::kBool)) {
      return Fail(e.offset, "expr.type", "no matching overload for '!' applied to (" + a.type->ToString() + ")");
    }
    return {MakeNot(std::move(a.node)), Type::Bool()};
  }

  Checked Conditional(const Expr& e) {
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

  // String literals compared with an enum must be its words: `case.platform
  // == 'tmall'`, `case.platform in ['tmall', 'jd']`, `'videos' in
  // issue.evidence` (the word against the list's enum).
  void CheckLiteralWords(const Builtin& b, const Expr& e, const std::vector<TypePtr>& types) {
    switch (b.literal_form) {
      case LiteralForm::kEquals:
      case LiteralForm::kNotEquals:
        CheckEnumWords(types[0], *e.args[1]);
        CheckEnumWords(types[1], *e.args[0]);
        break;
      case LiteralForm::kIn:
        if (!IsDyn(types[1]) && types[1]->kind() == TK::kList) {
          CheckEnumWords(types[0], *e.args[1]);
          if (types[1]->elem()) CheckEnumWords(types[1]->elem(), *e.args[0]);
        }
        break;
      case LiteralForm::kNone: break;
    }
  }

  // The builtin's preparation of a constant argument (a regex pattern, a
  // time zone), made once, here.
  bool Prepare(const Builtin& b, const Expr& e, BuiltinData* data) {
    const Preparation& p = b.prepare;
    if (!p.fn || p.arg < 0 || static_cast<std::size_t>(p.arg) >= e.args.size()) return true;
    const Expr& arg = *e.args[static_cast<std::size_t>(p.arg)];
    if (arg.kind != Expr::Kind::kLiteral || arg.literal.kind() != Value::Kind::kString) return true;
    PrepareContext context{*regex_pool_};
    PrepareIssue issue;
    if (p.fn(arg.literal.string_value(), context, data, &issue)) return true;
    issues.push_back({std::move(issue.code), std::move(issue.message), arg.offset});
    return false;
  }

  // Comparisons with a constant skip the general call path: null when the
  // call has no such operand.
  // An operand of an enum type is compared by word index (MakeEqConst).
  NodePtr WithConstantOperand(const Builtin& b, const Expr& e, const std::vector<TypePtr>& types,
                              std::vector<NodePtr>* nodes) {
    auto words = [&](std::size_t i) -> std::shared_ptr<const EnumType> {
      return i < types.size() && types[i] && types[i]->kind() == Type::Kind::kEnum ? types[i]->enum_type() : nullptr;
    };
    switch (b.literal_form) {
      case LiteralForm::kEquals:
      case LiteralForm::kNotEquals: {
        const bool negate = b.literal_form == LiteralForm::kNotEquals;
        if (const Value* c = LiteralOf(*e.args[1])) return MakeEqConst(std::move((*nodes)[0]), *c, negate, words(0));
        if (const Value* c = LiteralOf(*e.args[0])) return MakeEqConst(std::move((*nodes)[1]), *c, negate, words(1));
        return nullptr;
      }
      case LiteralForm::kIn:
        if (auto list = ConstantList(*e.args[1])) {
          return MakeInConstList(std::move((*nodes)[0]), std::move(*list), words(0));
        }
        return nullptr;
      case LiteralForm::kNone: return nullptr;
    }
    return nullptr;
  }

  const Declarations& decls_;
  RegexPool* regex_pool_;
  std::vector<Local> scope_;
  int depth_ = 0;
  bool too_deep_ = false;
  std::vector<const Expr*> watched_;
  std::vector<const Node*> found_;
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

// The lazy operator a call is (Form::kFunction for anything else).
Form FormOf(const Expr& e) {
  const Builtin* b = e.kind == Expr::Kind::kCall ? FindBuiltin(e.name) : nullptr;
  return b ? b->form : Form::kFunction;
}

// The nodes whose value can be the expression's value: through ?: branches.
void ResultPositions(const Expr& e, std::vector<const Expr*>* out, int depth) {
  if (depth < 1000 && FormOf(e) == Form::kConditional) {
    ResultPositions(*e.args[1], out, depth + 1);
    ResultPositions(*e.args[2], out, depth + 1);
    return;
  }
  out->push_back(&e);
}

void Conjuncts(const Expr& e, std::vector<const Expr*>* out, int depth) {
  if (depth < 1000 && FormOf(e) == Form::kAnd) {
    Conjuncts(*e.args[0], out, depth + 1);
    Conjuncts(*e.args[1], out, depth + 1);
    return;
  }
  out->push_back(&e);
}

// The free names of `e` (see ReferencedNames), skipping the names bound by
// the comprehensions around it (`bound`).
void FreeNames(const Expr& e, std::vector<std::string>* bound, std::vector<NameUse>* out, int depth) {
  if (depth > kMaxCompileDepth) return;
  switch (e.kind) {
    case Expr::Kind::kIdent:
      if (std::find(bound->begin(), bound->end(), e.name) == bound->end()) out->push_back({e.name, e.offset});
      return;
    case Expr::Kind::kComprehension:
      if (e.args.empty()) return;
      FreeNames(*e.args[0], bound, out, depth + 1);
      bound->push_back(e.var);
      for (std::size_t i = 1; i < e.args.size(); ++i) FreeNames(*e.args[i], bound, out, depth + 1);
      bound->pop_back();
      return;
    default:
      for (const ExprPtr& a : e.args) FreeNames(*a, bound, out, depth + 1);
      return;
  }
}

}  // namespace

std::vector<NameUse> ReferencedNames(std::string_view source, int max_depth) {
  std::vector<NameUse> out;
  ParseResult parsed = Parse(source, max_depth);
  if (!parsed.expr) return out;
  std::vector<std::string> bound;
  FreeNames(*parsed.expr, &bound, &out, 0);
  return out;
}

bool IsPlainName(std::string_view name) {
  if (name.empty() || name.size() > 128) return false;
  for (std::size_t i = 0; i < name.size(); ++i) {
    char c = name[i];
    bool letter = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
    if (!letter && !(i > 0 && c >= '0' && c <= '9')) return false;
  }
  return !IsReservedWord(name);
}

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
  std::optional<RegexPool> own_pool;
  RegexPool* pool = options.regex_pool;
  if (!pool) {
    const Limits defaults;
    pool = &own_pool.emplace(defaults.max_regex_memory, defaults.max_policy_regex_memory,
                             RegexPool::WhenFull::kRefuse);
  }
  // The top-level && parts, for explanations and guards: their nodes are
  // the ones inside the compiled tree (each part compiled once).
  std::vector<const Expr*> parts;
  Conjuncts(*parsed.expr, &parts, 0);
  Compiler compiler(decls, pool);
  compiler.Watch(parts);
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
  std::vector<Program::Span> conjuncts;
  std::vector<const Node*> conjunct_nodes;
  for (std::size_t i = 0; i < parts.size(); ++i) {
    const Expr* p = parts[i];
    const Node* node = compiler.found()[i];
    if (node == nullptr) {  // cannot happen: the whole compiled
      conjuncts.clear();
      conjunct_nodes.clear();
      break;
    }
    std::uint32_t start = StartOf(*p);
    std::uint32_t end = std::max<std::uint32_t>(p->end, start);
    BalanceParens(parsed.tokens, &start, &end);
    conjuncts.push_back({start, end - start});
    conjunct_nodes.push_back(node);
  }
  int locals = compiler.max_locals;
  result.program = std::make_unique<const Program>(std::move(root.node), root.type, conjuncts,
                                                   std::move(conjunct_nodes), std::string(source), locals);
  return result;
}

}  // namespace aftersales::internal
