#include "expr/parser.h"

#include <algorithm>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "expr/lexer.h"

namespace aftersales::internal {
namespace {

using K = Token::Kind;

const char* const kReserved[] = {"as", "break", "const", "continue", "else", "for", "function", "if",
                                 "import", "let", "loop", "package", "namespace", "return", "var",
                                 "void", "while"};

bool IsReserved(std::string_view s) {
  for (const char* r : kReserved) {
    if (s == r) return true;
  }
  return false;
}

class Parser {
 public:
  Parser(std::vector<Token> tokens, int max_depth) : t_(std::move(tokens)), max_depth_(max_depth) {}

  ParseResult Run() {
    ParseResult r;
    ExprPtr e = Expression();
    if (ok_ && Peek().kind == K::kError) {
      Fail(Peek().offset, Peek().text);
    } else if (ok_ && Peek().kind != K::kEnd) {
      Fail(Peek().offset, "unexpected " + Describe(Peek()));
    }
    if (ok_) r.expr = std::move(e);
    r.issues = std::move(issues_);
    r.tokens = std::move(t_);
    return r;
  }

 private:
  const Token& Peek() const { return t_[i_]; }
  const Token& Take() { return t_[i_ < t_.size() - 1 ? i_++ : i_]; }
  bool Accept(K k) {
    if (Peek().kind == k) {
      Take();
      return true;
    }
    return false;
  }

  static std::string Describe(const Token& t) {
    switch (t.kind) {
      case K::kEnd: return "end of expression";
      case K::kIdent: return "'" + t.text + "'";
      case K::kInt: case K::kUint: case K::kDouble: return "number";
      case K::kString: return "string";
      case K::kRParen: return "')'";
      case K::kRBracket: return "']'";
      case K::kRBrace: return "'}'";
      case K::kComma: return "','";
      case K::kColon: return "':'";
      default: return "token";
    }
  }

  ExprPtr Fail(std::uint32_t offset, std::string message) {
    if (ok_) issues_.push_back({"expr.syntax", std::move(message), offset});
    ok_ = false;
    return nullptr;
  }

  bool Expect(K k, const char* what) {
    if (Peek().kind == k) {
      Take();
      return true;
    }
    if (Peek().kind == K::kError) {
      Fail(Peek().offset, Peek().text);
    } else {
      Fail(Peek().offset, std::string("expected ") + what + ", found " + Describe(Peek()));
    }
    return false;
  }

  static ExprPtr Node(Expr::Kind kind, std::uint32_t offset) {
    auto e = std::make_unique<Expr>();
    e->kind = kind;
    e->offset = offset;
    return e;
  }

  static ExprPtr Call(std::string fn, std::uint32_t offset, ExprPtr a, ExprPtr b = nullptr,
                      ExprPtr c = nullptr) {
    auto e = Node(Expr::Kind::kCall, offset);
    e->name = std::move(fn);
    e->end = a->end;
    e->args.push_back(std::move(a));
    if (b) {
      e->end = std::max(e->end, b->end);
      e->args.push_back(std::move(b));
    }
    if (c) {
      e->end = std::max(e->end, c->end);
      e->args.push_back(std::move(c));
    }
    return e;
  }

  struct DepthGuard {
    Parser* p;
    explicit DepthGuard(Parser* parser) : p(parser) { ++p->depth_; }
    ~DepthGuard() { --p->depth_; }
  };

  bool TooDeep() {
    if (depth_ > max_depth_) {
      Fail(Peek().offset, "expression nested too deeply (limit " + std::to_string(max_depth_) + ")");
      return true;
    }
    return false;
  }

  // The recursion above bounds parentheses and unary operators. Chains the
  // parser builds in a loop (`a + b + ...`, `a.b.c...`, `a[0][0]...`) make
  // the tree as deep without recursing here, and checking, compiling and
  // evaluating all recurse over the tree: 2,000 links took 4 MB of stack.
  // So the tree's height has the same limit (`&&` and `||` chains are
  // balanced, below, and stay shallow however long). Null stays null.
  ExprPtr Sized(ExprPtr e) {
    if (!e) return e;
    int below = 0;
    for (const ExprPtr& a : e->args) below = std::max(below, a ? a->height : 0);
    e->height = below + 1;
    if (e->height > max_depth_) {
      return Fail(e->offset, "expression nested too deeply (limit " + std::to_string(max_depth_) + ")");
    }
    return e;
  }

  // `a || b || c || d` as a balanced tree, ((a || b) || (c || d)): the same
  // value (CEL's && and || are commutative, errors included) at log depth;
  // three or fewer stay left-associative. ops[i] is the operator between
  // terms i and i + 1.
  ExprPtr Balanced(const char* op, std::vector<ExprPtr>& terms, const std::vector<std::uint32_t>& ops,
                   std::size_t lo, std::size_t hi) {
    if (lo == hi) return std::move(terms[lo]);
    std::size_t mid = (lo + hi) / 2;
    ExprPtr left = Balanced(op, terms, ops, lo, mid);
    ExprPtr right = Balanced(op, terms, ops, mid + 1, hi);
    if (!left || !right) return nullptr;
    return Sized(Call(op, ops[mid], std::move(left), std::move(right)));
  }

  ExprPtr Expression() {
    DepthGuard g(this);
    if (TooDeep()) return nullptr;
    ExprPtr cond = Or();
    if (!ok_) return nullptr;
    if (Peek().kind == K::kQuestion) {
      std::uint32_t at = Take().offset;
      ExprPtr a = Or();
      if (!ok_ || !Expect(K::kColon, "':'")) return nullptr;
      ExprPtr b = Expression();
      if (!ok_) return nullptr;
      auto e = Call("_?_:_", at, std::move(cond), std::move(a), std::move(b));
      e->offset = e->args[0]->offset;
      return Sized(std::move(e));
    }
    return cond;
  }

  ExprPtr Or() {
    std::vector<ExprPtr> terms;
    std::vector<std::uint32_t> ops;
    terms.push_back(And());
    while (ok_ && Peek().kind == K::kOrOr) {
      ops.push_back(Take().offset);
      terms.push_back(And());
    }
    if (!ok_) return nullptr;
    return Balanced("_||_", terms, ops, 0, terms.size() - 1);
  }

  ExprPtr And() {
    std::vector<ExprPtr> terms;
    std::vector<std::uint32_t> ops;
    terms.push_back(Relation());
    while (ok_ && Peek().kind == K::kAndAnd) {
      ops.push_back(Take().offset);
      terms.push_back(Relation());
    }
    if (!ok_) return nullptr;
    return Balanced("_&&_", terms, ops, 0, terms.size() - 1);
  }

  ExprPtr Relation() {
    ExprPtr left = Addition();
    while (ok_) {
      const char* op = nullptr;
      switch (Peek().kind) {
        case K::kLess: op = "_<_"; break;
        case K::kLessEq: op = "_<=_"; break;
        case K::kGreater: op = "_>_"; break;
        case K::kGreaterEq: op = "_>=_"; break;
        case K::kEqEq: op = "_==_"; break;
        case K::kNotEq: op = "_!=_"; break;
        case K::kIn: op = "@in"; break;
        default: break;
      }
      if (!op) break;
      std::uint32_t at = Take().offset;
      ExprPtr right = Addition();
      if (!ok_) return nullptr;
      left = Sized(Call(op, at, std::move(left), std::move(right)));
    }
    return left;
  }

  ExprPtr Addition() {
    ExprPtr left = Multiplication();
    while (ok_ && (Peek().kind == K::kPlus || Peek().kind == K::kMinus)) {
      const char* op = Peek().kind == K::kPlus ? "_+_" : "_-_";
      std::uint32_t at = Take().offset;
      ExprPtr right = Multiplication();
      if (!ok_) return nullptr;
      left = Sized(Call(op, at, std::move(left), std::move(right)));
    }
    return left;
  }

  ExprPtr Multiplication() {
    ExprPtr left = Unary();
    while (ok_ && (Peek().kind == K::kStar || Peek().kind == K::kSlash || Peek().kind == K::kPercent)) {
      const char* op = Peek().kind == K::kStar ? "_*_" : Peek().kind == K::kSlash ? "_/_" : "_%_";
      std::uint32_t at = Take().offset;
      ExprPtr right = Unary();
      if (!ok_) return nullptr;
      left = Sized(Call(op, at, std::move(left), std::move(right)));
    }
    return left;
  }

  ExprPtr Unary() {
    if (Peek().kind == K::kBang || Peek().kind == K::kMinus) {
      DepthGuard g(this);
      if (TooDeep()) return nullptr;
      return UnaryOperator();
    }
    return Member(Primary());
  }

  ExprPtr UnaryOperator() {
    if (Peek().kind == K::kBang) {
      std::uint32_t at = Take().offset;
      ExprPtr operand = Unary();
      if (!ok_) return nullptr;
      return Sized(Call("!_", at, std::move(operand)));
    }
    if (Peek().kind == K::kMinus) {
      std::uint32_t at = Take().offset;
      // -<int literal> is the literal itself, so -9223372036854775808 works.
      if (Peek().kind == K::kInt && !FollowedByMember()) {
        const Token& lit = Take();
        auto e = Node(Expr::Kind::kLiteral, at);
        e->end = lit.end;
        e->literal = Value::Int(static_cast<std::int64_t>(0 - lit.int_value));
        return Member(std::move(e));
      }
      ExprPtr operand = Unary();
      if (!ok_) return nullptr;
      return Sized(Call("-_", at, std::move(operand)));
    }
    return Member(Primary());
  }

  bool FollowedByMember() const {
    K k = t_[std::min(i_ + 1, t_.size() - 1)].kind;
    return k == K::kDot || k == K::kLBracket;
  }

  ExprPtr Member(ExprPtr e) {
    while (ok_ && e) {
      if (Peek().kind == K::kDot) {
        Take();
        const Token& id = Peek();
        if (id.kind != K::kIdent && id.kind != K::kIn && id.kind != K::kTrue && id.kind != K::kFalse &&
            id.kind != K::kNull) {
          Expect(K::kIdent, "a field name");
          return nullptr;
        }
        Token name = Take();
        if (Peek().kind == K::kLParen) {
          Take();
          auto call = Node(Expr::Kind::kCall, name.offset);
          call->name = name.text;
          call->receiver = true;
          call->args.push_back(std::move(e));
          if (!Args(call.get(), K::kRParen)) return nullptr;
          call->end = t_[i_ - 1].end;
          e = Sized(ExpandMacro(std::move(call)));
        } else {
          auto sel = Node(Expr::Kind::kSelect, e->offset);
          sel->name = name.text;
          sel->end = name.end;
          sel->args.push_back(std::move(e));
          e = Sized(std::move(sel));
        }
      } else if (Peek().kind == K::kLBracket) {
        std::uint32_t at = Take().offset;
        ExprPtr index = Expression();
        if (!ok_ || !Expect(K::kRBracket, "']'")) return nullptr;
        auto call = Call("_[_]", at, std::move(e), std::move(index));
        call->end = t_[i_ - 1].end;
        e = Sized(std::move(call));
      } else {
        break;
      }
    }
    return e;
  }

  bool Args(Expr* call, K close) {
    if (Accept(close)) return true;
    while (ok_) {
      ExprPtr a = Expression();
      if (!ok_) return false;
      call->args.push_back(std::move(a));
      if (Accept(K::kComma)) {
        if (close != K::kRParen && Peek().kind == close) {
          Take();
          return true;
        }
        continue;
      }
      return Expect(close, close == K::kRParen ? "')'" : "']'");
    }
    return false;
  }

  ExprPtr Primary() {
    const Token& t = Peek();
    std::uint32_t at = t.offset;
    switch (t.kind) {
      case K::kInt: {
        Token tok = Take();
        if (tok.int_value > static_cast<std::uint64_t>(INT64_MAX)) {
          return Fail(at, "integer literal out of range");
        }
        return Literal(tok, Value::Int(static_cast<std::int64_t>(tok.int_value)));
      }
      case K::kUint: {
        Token tok = Take();
        return Literal(tok, Value::Uint(tok.int_value));
      }
      case K::kDouble: {
        Token tok = Take();
        return Literal(tok, Value::Double(tok.double_value));
      }
      case K::kString: {
        Token tok = Take();
        return Literal(tok, Value::String(tok.text));
      }
      case K::kTrue: case K::kFalse: {
        Token tok = Take();
        return Literal(tok, Value::Bool(tok.kind == K::kTrue));
      }
      case K::kNull: {
        Token tok = Take();
        return Literal(tok, Value::Null());
      }
      case K::kLParen: {
        Take();
        ExprPtr e = Expression();
        if (!ok_ || !Expect(K::kRParen, "')'")) return nullptr;
        return e;
      }
      case K::kLBracket: {
        Take();
        auto list = Node(Expr::Kind::kList, at);
        if (!Args(list.get(), K::kRBracket)) return nullptr;
        list->end = t_[i_ - 1].end;
        return Sized(std::move(list));
      }
      case K::kLBrace: {
        Take();
        auto map = Node(Expr::Kind::kMap, at);
        if (!Accept(K::kRBrace)) {
          while (ok_) {
            ExprPtr k = Expression();
            if (!ok_ || !Expect(K::kColon, "':'")) return nullptr;
            ExprPtr v = Expression();
            if (!ok_) return nullptr;
            map->args.push_back(std::move(k));
            map->args.push_back(std::move(v));
            if (Accept(K::kComma)) {
              if (Accept(K::kRBrace)) break;
              continue;
            }
            if (!Expect(K::kRBrace, "'}'")) return nullptr;
            break;
          }
        }
        map->end = t_[i_ - 1].end;
        return Sized(std::move(map));
      }
      case K::kDot:
      case K::kIdent: {
        bool leading_dot = Accept(K::kDot);
        if (Peek().kind != K::kIdent) {
          Expect(K::kIdent, "an identifier");
          return nullptr;
        }
        Token id = Take();
        if (IsReserved(id.text)) return Fail(id.offset, "'" + id.text + "' is a reserved word");
        if (Peek().kind == K::kLParen) {
          Take();
          auto call = Node(Expr::Kind::kCall, id.offset);
          call->name = id.text;
          if (!Args(call.get(), K::kRParen)) return nullptr;
          call->end = t_[i_ - 1].end;
          if (call->name == kHasMacro) return ExpandHas(std::move(call));
          return Sized(std::move(call));
        }
        auto e = Node(Expr::Kind::kIdent, leading_dot ? at : id.offset);
        e->name = id.text;
        e->end = id.end;
        return e;
      }
      case K::kError:
        return Fail(t.offset, t.text);
      default:
        return Fail(t.offset, "unexpected " + Describe(t));
    }
  }

  ExprPtr Literal(const Token& tok, Value v) {
    auto e = Node(Expr::Kind::kLiteral, tok.offset);
    e->end = tok.end;
    e->literal = std::move(v);
    return e;
  }

  ExprPtr ExpandHas(ExprPtr call) {
    if (call->args.size() != 1 || call->args[0]->kind != Expr::Kind::kSelect) {
      return Fail(call->offset, "has() takes one field selection, such as has(order.delivered_at)");
    }
    ExprPtr sel = std::move(call->args[0]);
    sel->test_only = true;
    sel->offset = call->offset;
    sel->end = call->end;
    return sel;
  }

  ExprPtr ExpandMacro(ExprPtr call) {
    Expr::Macro m = Expr::Macro::kNone;
    std::size_t want = 3;
    const std::string& n = call->name;
    for (const ComprehensionMacro& c : kComprehensionMacros) {
      if (n == c.name) m = c.macro;
    }
    if (m == Expr::Macro::kNone) return call;
    std::size_t got = call->args.size();
    if (!(got == want || (m == Expr::Macro::kMap && got == 4))) {
      return Fail(call->offset, n + "() takes a variable and an expression");
    }
    if (call->args[1]->kind != Expr::Kind::kIdent) {
      return Fail(call->args[1]->offset, n + "(): the first argument must be a variable name");
    }
    auto comp = Node(Expr::Kind::kComprehension, call->offset);
    comp->macro = m;
    comp->var = call->args[1]->name;
    comp->end = call->end;
    comp->args.push_back(std::move(call->args[0]));
    for (std::size_t i = 2; i < got; ++i) comp->args.push_back(std::move(call->args[i]));
    return comp;
  }

  std::vector<Token> t_;
  std::size_t i_ = 0;
  int depth_ = 0;
  int max_depth_;
  bool ok_ = true;
  std::vector<ExprIssue> issues_;
};

void Dump(const Expr& e, std::string* out) {
  switch (e.kind) {
    case Expr::Kind::kLiteral: *out += FormatCelLiteral(e.literal); return;
    case Expr::Kind::kIdent: *out += e.name; return;
    case Expr::Kind::kSelect:
      *out += e.test_only ? "has(" : "(";
      Dump(*e.args[0], out);
      *out += "." + e.name + ")";
      return;
    case Expr::Kind::kCall:
    case Expr::Kind::kList:
    case Expr::Kind::kMap:
    case Expr::Kind::kComprehension: {
      *out += "(";
      if (e.kind == Expr::Kind::kList) *out += "list";
      else if (e.kind == Expr::Kind::kMap) *out += "map";
      else if (e.kind == Expr::Kind::kComprehension) *out += "macro:" + e.var;
      else *out += (e.receiver ? "." : "") + e.name;
      for (const auto& a : e.args) {
        *out += " ";
        Dump(*a, out);
      }
      *out += ")";
      return;
    }
  }
}

}  // namespace

std::string DumpExpr(const Expr& e) {
  std::string out;
  Dump(e, &out);
  return out;
}

bool IsReservedWord(std::string_view word) {
  return word == "true" || word == "false" || word == "null" || word == "in" || IsReserved(word);
}

ParseResult Parse(std::string_view source, int max_depth) {
  return Parser(Lex(source), max_depth).Run();
}

}  // namespace aftersales::internal
