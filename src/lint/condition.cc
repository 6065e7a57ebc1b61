#include "lint/condition.h"

#include <algorithm>
#include <utility>

#include "expr/compiler.h"
#include "expr/parser.h"

namespace aftersales::internal::lint {

namespace {

using TK = Type::Kind;

// Past this many boxes a part of a condition is taken as one atom instead.
constexpr std::size_t kRegionLimit = 512;
// Named values inlined into one another, at most (the loader bounds them too).
constexpr int kMaxDepth = 64;

// `a.b.c` for an identifier with selects on it (none test-only).
std::optional<std::string> ChainName(const Expr& e);

bool IsCodedType(const Type& t) {
  switch (t.kind()) {
    case TK::kBool:
    case TK::kInt:
    case TK::kUint:
    case TK::kString:
    case TK::kEnum:
      return true;
    default:
      return false;
  }
}

}  // namespace

CodeSet TypeUniverse(const Type& type, bool money, bool signed_money) {
  switch (type.kind()) {
    case TK::kBool:
      return CodeSet::Range(0, 1);
    case TK::kInt:
      return (money && !signed_money) ? CodeSet::Range(0, kMaxCode) : CodeSet::Range(kMinCode, kMaxCode);
    case TK::kUint:
    case TK::kString:
      return CodeSet::Range(0, kMaxCode);
    case TK::kEnum:
      return CodeSet::Range(0, static_cast<std::int64_t>(type.enum_type()->values.size()) - 1);
    default:
      return CodeSet::Range(kMinCode, kMaxCode);
  }
}

std::int64_t AtomTable::StringCode(const std::string& s) {
  auto it = string_index_.find(s);
  if (it != string_index_.end()) return it->second;
  std::int64_t code = static_cast<std::int64_t>(strings_.size());
  strings_.push_back(s);
  string_index_.emplace(s, code);
  return code;
}

std::string AtomTable::StringOf(std::int64_t code) const {
  if (code >= 0 && code < static_cast<std::int64_t>(strings_.size())) return strings_[code];
  // Any string the policy does not name.
  std::string s = "other";
  for (int n = 2; string_index_.count(s); ++n) s = "other" + std::to_string(n);
  return s;
}

struct ConditionAnalyzer::Source {
  std::string_view text;
  std::string scope_key;  // prefixes computed atoms' keys (named values differ by stage)
};

// A side of a comparison: an atom, a constant, or neither.
struct ConditionAnalyzer::Term {
  enum class Kind { kAtom, kConst, kOther } kind = Kind::kOther;
  std::uint32_t atom = 0;
  Value constant;
};

ConditionAnalyzer::ConditionAnalyzer(AtomTable* atoms, const std::string& stage, Budget* budget)
    : atoms_(atoms), stage_(stage), budget_(budget), decls_(atoms->model().schema.declarations) {
  const PolicyModel& m = atoms->model();
  for (std::uint32_t i = 0; i < m.named_values.size(); ++i) {
    const NamedValue& nv = m.named_values[i];
    if (!nv.stage.empty() && nv.stage != stage) continue;
    decls_.Add(nv.name, nv.program ? nv.program->type() : Type::Dyn(), VarRef{kNamedValueSpace, i});
  }
}

ConditionAnalyzer::~ConditionAnalyzer() = default;

Truth ConditionAnalyzer::Analyze(const Program& program) {
  ParseResult parsed = Parse(program.source(), Limits{}.max_expression_depth);
  Source src{program.source(), stage_};
  if (!parsed.expr) {
    // Compiled, so it parses; a bool atom all the same if it ever did not.
    std::uint32_t a = atoms_->Intern(stage_ + "|" + program.source(), [&] {
      Atom atom;
      atom.kind = Atom::Kind::kComputed;
      atom.text = program.source();
      atom.type = Type::Bool();
      atom.universe = CodeSet::Range(0, 1).Union(CodeSet::Single(kAbsent));
      return atom;
    });
    return BoolAtom(a);
  }
  return Condition(*parsed.expr, src, 0);
}

std::vector<Truth> ConditionAnalyzer::AnalyzeConjuncts(const Program& program) {
  std::vector<Truth> out;
  ParseResult parsed = Parse(program.source(), Limits{}.max_expression_depth);
  if (!parsed.expr) return out;
  Source src{program.source(), stage_};
  // The top-level && chain, left to right.
  std::vector<const Expr*> parts;
  std::vector<const Expr*> todo{parsed.expr.get()};
  while (!todo.empty()) {
    const Expr* e = todo.back();
    todo.pop_back();
    if (e->kind == Expr::Kind::kCall && e->name == "_&&_" && e->args.size() == 2) {
      todo.push_back(e->args[1].get());
      todo.push_back(e->args[0].get());
    } else {
      parts.push_back(e);
    }
  }
  for (const Expr* e : parts) out.push_back(Condition(*e, src, 0));
  return out;
}

namespace {
std::optional<std::string> ChainName(const Expr& e) {
  std::vector<const Expr*> chain;
  const Expr* cur = &e;
  while (cur->kind == Expr::Kind::kSelect && !cur->test_only) {
    chain.push_back(cur);
    cur = cur->args[0].get();
  }
  if (cur->kind != Expr::Kind::kIdent) return std::nullopt;
  std::string name = cur->name;
  for (auto it = chain.rbegin(); it != chain.rend(); ++it) name += "." + (*it)->name;
  return name;
}
}  // namespace

const VarDecl* ConditionAnalyzer::Resolve(const Expr& e) const {
  std::optional<std::string> name = ChainName(e);
  return name ? decls_.Find(*name) : nullptr;
}

std::uint32_t AtomTable::FieldAtom(const VarDecl& d) {
  return Intern(d.name, [&] {
    Atom a;
    a.type = d.type;
    a.slot = d.ref.slot;
    const bool fact = d.ref.space == kFactSpace;
    const FieldDecl& f = fact ? model_.schema.facts[d.ref.slot] : model_.schema.decisions[d.ref.slot];
    a.kind = fact ? Atom::Kind::kFact : Atom::Kind::kDecision;
    a.text = d.name;
    a.money = f.money;
    a.universe = TypeUniverse(*d.type, f.money, f.signed_money);
    if (f.default_value.is_absent()) a.universe = a.universe.Union(CodeSet::Single(kAbsent));
    return a;
  });
}

const Expr* ConditionAnalyzer::NamedAst(std::uint32_t index) {
  auto it = named_.find(index);
  if (it == named_.end()) {
    const NamedValue& nv = atoms_->model().named_values[index];
    std::string text = nv.program ? nv.program->source() : std::string();
    ParseResult parsed = Parse(text, Limits{}.max_expression_depth);
    it = named_.emplace(index, std::make_pair(std::move(text), std::move(parsed.expr))).first;
  }
  return it->second.second.get();
}

void ConditionAnalyzer::CollectFacts(const Expr& e, std::vector<std::uint32_t>* out, int depth) const {
  if (depth > kMaxDepth) return;
  if (const VarDecl* d = Resolve(e)) {
    if (d->ref.space == kFactSpace) {
      out->push_back(d->ref.slot);
    } else if (d->ref.space == kNamedValueSpace) {
      auto it = named_.find(d->ref.slot);
      if (it != named_.end() && it->second.second) CollectFacts(*it->second.second, out, depth + 1);
    }
    return;
  }
  for (const auto& a : e.args) CollectFacts(*a, out, depth + 1);
}

std::optional<std::uint32_t> ConditionAnalyzer::ComputedAtom(const Expr& e, const Source& src,
                                                             bool want_bool) {
  if (e.end > src.text.size() || e.offset > e.end) return std::nullopt;
  std::string text(src.text.substr(e.offset, e.end - e.offset));
  std::string key = src.scope_key + "|" + DumpExpr(e);
  // Compiling it tells its type, and gives what works it out for a case.
  CompileResult compiled = CompileExpression(text, decls_);
  if (!compiled.program) {
    if (!want_bool) return std::nullopt;
  } else if (!IsCodedType(*compiled.program->type())) {
    return std::nullopt;
  } else if (want_bool && compiled.program->type()->kind() != TK::kBool) {
    return std::nullopt;
  }
  // The named values it reads, parsed (so that their facts count), and
  // whether it reads a decision field (then no case can set it).
  bool reads_decisions = false;
  std::vector<const Expr*> todo{&e};
  while (!todo.empty()) {
    const Expr* x = todo.back();
    todo.pop_back();
    if (const VarDecl* d = Resolve(*x)) {
      if (d->ref.space == kNamedValueSpace) {
        if (const Expr* n = NamedAst(d->ref.slot)) todo.push_back(n);
      }
      reads_decisions |= d->ref.space == kDecisionSpace;
      continue;
    }
    for (const auto& a : x->args) todo.push_back(a.get());
  }
  return atoms_->Intern(key, [&] {
    Atom a;
    a.kind = Atom::Kind::kComputed;
    a.text = text;
    a.type = compiled.program ? compiled.program->type() : Type::Bool();
    a.universe = TypeUniverse(*a.type, false, false).Union(CodeSet::Single(kAbsent));
    if (compiled.program && !reads_decisions) a.program = std::move(compiled.program);
    CollectFacts(e, &a.facts, 0);
    std::sort(a.facts.begin(), a.facts.end());
    a.facts.erase(std::unique(a.facts.begin(), a.facts.end()), a.facts.end());
    return a;
  });
}

Truth ConditionAnalyzer::BoolAtom(std::uint32_t atom) {
  return {Region(Box::Of(atom, CodeSet::Single(1))), Region(Box::Of(atom, CodeSet::Single(0)))};
}

Truth ConditionAnalyzer::Opaque(const Expr& e, const Source& src) {
  if (std::optional<std::uint32_t> a = ComputedAtom(e, src, /*want_bool=*/true)) return BoolAtom(*a);
  // Not even that (it did not compile on its own): true and false anywhere,
  // as far as the analysis knows — so nothing is claimed about it.
  std::uint32_t a = atoms_->Intern(src.scope_key + "|?" + DumpExpr(e), [&] {
    Atom atom;
    atom.kind = Atom::Kind::kComputed;
    atom.text = std::string(src.text.substr(std::min<std::size_t>(e.offset, src.text.size()),
                                            e.end > e.offset ? e.end - e.offset : 0));
    atom.type = Type::Bool();
    atom.universe = CodeSet::Range(0, 1).Union(CodeSet::Single(kAbsent));
    return atom;
  });
  return BoolAtom(a);
}

std::optional<std::int64_t> ConditionAnalyzer::CodeOf(const Atom& a, const Value& v) {
  switch (a.type->kind()) {
    case TK::kBool:
      if (v.kind() == Value::Kind::kBool) return v.bool_value() ? 1 : 0;
      return std::nullopt;
    case TK::kInt:
    case TK::kUint:
      if (v.kind() == Value::Kind::kInt) {
        if (v.int_value() == kAbsent) return std::nullopt;
        return v.int_value();
      }
      if (v.kind() == Value::Kind::kUint && v.uint_value() <= static_cast<std::uint64_t>(kMaxCode)) {
        return static_cast<std::int64_t>(v.uint_value());
      }
      return std::nullopt;
    case TK::kEnum:
      if (v.kind() == Value::Kind::kString) {
        int i = a.type->enum_type()->IndexOf(v.string_value());
        if (i >= 0) return i;
      }
      return std::nullopt;
    case TK::kString:
      if (v.kind() == Value::Kind::kString) return atoms_->StringCode(v.string_value());
      return std::nullopt;
    default:
      return std::nullopt;
  }
}

ConditionAnalyzer::Term ConditionAnalyzer::TermOf(const Expr& e, const Source& src, int depth) {
  Term t;
  if (e.kind == Expr::Kind::kLiteral) {
    t.kind = Term::Kind::kConst;
    t.constant = e.literal;
    return t;
  }
  if (e.kind == Expr::Kind::kCall && e.name == "-_" && e.args.size() == 1 &&
      e.args[0]->kind == Expr::Kind::kLiteral && e.args[0]->literal.kind() == Value::Kind::kInt &&
      e.args[0]->literal.int_value() != kAbsent) {
    t.kind = Term::Kind::kConst;
    t.constant = Value::Int(-e.args[0]->literal.int_value());
    return t;
  }
  if (const VarDecl* d = Resolve(e)) {
    if (IsDyn(d->type) || !IsCodedType(*d->type)) return t;
    if (d->ref.space == kNamedValueSpace) {
      // A named value that is a fact or a constant under another name is
      // that; any other is an atom of its own.
      if (depth < kMaxDepth) {
        if (const Expr* n = NamedAst(d->ref.slot)) {
          const auto& text = named_.at(d->ref.slot).first;
          Source inner{text, src.scope_key};
          Term u = TermOf(*n, inner, depth + 1);
          if (u.kind != Term::Kind::kOther) return u;
          if (std::optional<std::uint32_t> a = ComputedAtom(*n, inner, false)) {
            t.kind = Term::Kind::kAtom;
            t.atom = *a;
          }
        }
      }
      return t;
    }
    t.kind = Term::Kind::kAtom;
    t.atom = atoms_->FieldAtom(*d);
    return t;
  }
  if (e.kind == Expr::Kind::kCall || e.kind == Expr::Kind::kSelect) {
    if (std::optional<std::uint32_t> a = ComputedAtom(e, src, false)) {
      t.kind = Term::Kind::kAtom;
      t.atom = *a;
    }
  }
  return t;
}

Truth ConditionAnalyzer::Comparison(const std::string& op, const Term& l, const Term& r) {
  // atom OP constant; a constant on the left turns the operator round.
  std::string o = op;
  const Term* atom_side = &l;
  const Term* const_side = &r;
  if (l.kind == Term::Kind::kConst && r.kind == Term::Kind::kAtom) {
    atom_side = &r;
    const_side = &l;
    if (o == "_<_") o = "_>_";
    else if (o == "_>_") o = "_<_";
    else if (o == "_<=_") o = "_>=_";
    else if (o == "_>=_") o = "_<=_";
  }
  Truth none;
  if (atom_side->kind != Term::Kind::kAtom || const_side->kind != Term::Kind::kConst) {
    none.t = Region::Everything();  // unknown: the caller makes it an atom
    return none;
  }
  const Atom& a = atoms_->atom(atom_side->atom);
  std::optional<std::int64_t> c = CodeOf(a, const_side->constant);
  bool ordered = a.type->kind() == TK::kInt || a.type->kind() == TK::kUint;
  if (!c || (!ordered && o != "_==_" && o != "_!=_")) {
    none.t = Region::Everything();
    return none;
  }
  CodeSet holds;
  std::int64_t v = *c;
  if (o == "_==_") holds = CodeSet::Single(v);
  else if (o == "_!=_") holds = CodeSet::Range(kMinCode, kMaxCode).Minus(CodeSet::Single(v));
  else if (o == "_<_") holds = v == kMinCode ? CodeSet() : CodeSet::Range(kMinCode, v - 1);
  else if (o == "_<=_") holds = CodeSet::Range(kMinCode, v);
  else if (o == "_>_") holds = v == kMaxCode ? CodeSet() : CodeSet::Range(v + 1, kMaxCode);
  else if (o == "_>=_") holds = CodeSet::Range(v, kMaxCode);
  CodeSet present = a.universe.Minus(CodeSet::Single(kAbsent));
  return {Region(Box::Of(atom_side->atom, present.Intersect(holds))),
          Region(Box::Of(atom_side->atom, present.Minus(holds)))};
}

Truth ConditionAnalyzer::Condition(const Expr& e, const Source& src, int depth) {
  if (depth > kMaxDepth || (budget_ && budget_->spent())) return Opaque(e, src);
  if (e.kind == Expr::Kind::kLiteral && e.literal.kind() == Value::Kind::kBool) {
    return e.literal.bool_value() ? Truth{Region::Everything(), Region()} : Truth{Region(), Region::Everything()};
  }
  if (e.kind == Expr::Kind::kSelect && e.test_only) {
    // has(fact): never an error.
    std::optional<std::string> operand = ChainName(*e.args[0]);
    const VarDecl* d = operand ? decls_.Find(*operand + "." + e.name) : nullptr;
    if (d) {
      if (d->ref.space == kFactSpace) {
        std::uint32_t a = atoms_->FieldAtom(*d);
        const CodeSet& u = atoms_->atom(a).universe;
        return {Region(Box::Of(a, u.Minus(CodeSet::Single(kAbsent)))),
                Region(Box::Of(a, u.Intersect(CodeSet::Single(kAbsent))))};
      }
    }
    return Opaque(e, src);
  }
  if (const VarDecl* d = Resolve(e)) {
    if (d->type && d->type->kind() == TK::kBool) {
      if (d->ref.space == kNamedValueSpace) {
        const Expr* n = NamedAst(d->ref.slot);
        if (!n) return Opaque(e, src);
        const auto& text = named_.at(d->ref.slot).first;
        return Condition(*n, Source{text, src.scope_key}, depth + 1);
      }
      return BoolAtom(atoms_->FieldAtom(*d));
    }
    return Opaque(e, src);
  }
  if (e.kind != Expr::Kind::kCall) return Opaque(e, src);
  const std::string& f = e.name;
  if ((f == "_&&_" || f == "_||_") && e.args.size() == 2) {
    Truth a = Condition(*e.args[0], src, depth + 1);
    Truth b = Condition(*e.args[1], src, depth + 1);
    Truth out;
    if (budget_ && !budget_->Spend(PairCost(a.t, b.t) + PairCost(a.f, b.f))) return Opaque(e, src);
    if (f == "_&&_") {
      std::optional<Region> t = a.t.Intersect(b.t, kRegionLimit);
      if (!t) return Opaque(e, src);
      out.t = std::move(*t);
      out.f = a.f;
      out.f.AddAll(b.f);
    } else {
      std::optional<Region> fr = a.f.Intersect(b.f, kRegionLimit);
      if (!fr) return Opaque(e, src);
      out.f = std::move(*fr);
      out.t = a.t;
      out.t.AddAll(b.t);
    }
    if (out.t.boxes().size() > kRegionLimit || out.f.boxes().size() > kRegionLimit) return Opaque(e, src);
    return out;
  }
  if (f == "!_" && e.args.size() == 1) {
    Truth a = Condition(*e.args[0], src, depth + 1);
    return {std::move(a.f), std::move(a.t)};
  }
  if (f == "_?_:_" && e.args.size() == 3) {
    Truth c = Condition(*e.args[0], src, depth + 1);
    Truth x = Condition(*e.args[1], src, depth + 1);
    Truth y = Condition(*e.args[2], src, depth + 1);
    if (budget_ && !budget_->Spend(PairCost(c.t, x.t) + PairCost(c.f, y.t) + PairCost(c.t, x.f) + PairCost(c.f, y.f))) {
      return Opaque(e, src);
    }
    auto ct_xt = c.t.Intersect(x.t, kRegionLimit), cf_yt = c.f.Intersect(y.t, kRegionLimit);
    auto ct_xf = c.t.Intersect(x.f, kRegionLimit), cf_yf = c.f.Intersect(y.f, kRegionLimit);
    if (!ct_xt || !cf_yt || !ct_xf || !cf_yf) return Opaque(e, src);
    Truth out{std::move(*ct_xt), std::move(*ct_xf)};
    out.t.AddAll(*cf_yt);
    out.f.AddAll(*cf_yf);
    return out;
  }
  if ((f == "_==_" || f == "_!=_" || f == "_<_" || f == "_<=_" || f == "_>_" || f == "_>=_") &&
      e.args.size() == 2) {
    Term l = TermOf(*e.args[0], src, depth + 1);
    Term r = TermOf(*e.args[1], src, depth + 1);
    // bool_atom == true is the atom itself.
    Truth t = Comparison(f, l, r);
    if (!t.t.empty() && t.t.boxes().size() == 1 && t.t.boxes()[0].constraints().empty() && t.f.empty()) {
      return Opaque(e, src);
    }
    return t;
  }
  if (f == "@in" && e.args.size() == 2 && e.args[1]->kind == Expr::Kind::kList) {
    Term l = TermOf(*e.args[0], src, depth + 1);
    if (l.kind != Term::Kind::kAtom) return Opaque(e, src);
    const Atom& a = atoms_->atom(l.atom);
    CodeSet holds;
    for (const auto& item : e.args[1]->args) {
      Term c = TermOf(*item, src, depth + 1);
      if (c.kind != Term::Kind::kConst) return Opaque(e, src);
      std::optional<std::int64_t> code = CodeOf(a, c.constant);
      if (!code) return Opaque(e, src);
      holds = holds.Union(CodeSet::Single(*code));
    }
    CodeSet present = a.universe.Minus(CodeSet::Single(kAbsent));
    return {Region(Box::Of(l.atom, present.Intersect(holds))), Region(Box::Of(l.atom, present.Minus(holds)))};
  }
  return Opaque(e, src);
}

}  // namespace aftersales::internal::lint
