// Condition analysis for the linter: a policy's conditions as regions of
// cases (region.h). Each fact, named value or part of a condition the
// analysis cannot look into becomes an atom, a coordinate of the cases;
// a condition over atoms compared with constants (enum words, ints,
// bools, strings, `in` lists, `has`) becomes exactly the cases where it is
// true and those where it is false, with CEL's rules for absent facts: a
// comparison with an absent fact is an error, which is neither; `&&` and
// `||` absorb an error when their other side decides, and `!` keeps it.
//
// Anything else — arithmetic, functions, comprehensions, two atoms compared
// with each other — is itself an atom (a bool, or an int, enum or string
// when it is compared with a constant), named by its text: a condition
// stays exact in terms of its atoms, and the same text in two conditions is
// the same atom. What the analysis cannot tell is how atoms depend on one
// another (`days_since_delivery` on `order.delivered_at`): it treats them
// as free, so a region may hold cases no real case gives. Conclusions that
// hold for every case of a region hold for the real ones; a case shown as
// proof is always built and run for real first (witness.h).
#ifndef AFTERSALES_LINT_CONDITION_H_
#define AFTERSALES_LINT_CONDITION_H_

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "expr/ast.h"
#include "expr/declarations.h"
#include "expr/program.h"
#include "expr/type.h"
#include "lint/region.h"
#include "policy/policy_model.h"

namespace aftersales::internal::lint {

struct Atom {
  enum class Kind {
    kFact,      // a fact of the case
    kDecision,  // a decision field an earlier stage set
    kComputed,  // a named value or a part of a condition, worked out from facts
  };
  Kind kind = Kind::kFact;
  std::string text;   // the fact's name, "decision.x", or the expression as written
  TypePtr type;       // bool, int, uint, enum or string
  CodeSet universe;   // the codes a case may give it (kAbsent: absent or an error)
  bool money = false;
  std::uint32_t slot = 0;  // kFact, kDecision
  // kComputed: the expression, to work it out for a case (null when it
  // reads decision fields), and the facts it reads, by slot.
  std::shared_ptr<const Program> program;
  std::vector<std::uint32_t> facts;
};

// Every atom of one policy, and the string constants its conditions name
// (a string atom's code is the constant's index; a code past the last one
// stands for any other string).
class AtomTable {
 public:
  explicit AtomTable(const PolicyModel& model) : model_(model) {}

  const PolicyModel& model() const { return model_; }
  const std::vector<Atom>& atoms() const { return atoms_; }
  const Atom& atom(std::uint32_t i) const { return atoms_[i]; }
  // Each atom's universe, by atom (Box::Minus takes them).
  const std::vector<CodeSet>& universes() const { return universes_; }

  // The atom with `key` (a fact's name, or the text of an expression in
  // its scope), or a new one made by `make`.
  template <typename Make>
  std::uint32_t Intern(const std::string& key, Make&& make) {
    auto it = index_.find(key);
    if (it != index_.end()) return it->second;
    atoms_.push_back(make());
    universes_.push_back(atoms_.back().universe);
    std::uint32_t id = static_cast<std::uint32_t>(atoms_.size() - 1);
    index_.emplace(key, id);
    return id;
  }
  // The atom of fact or decision field `d` (a declaration in kFactSpace or
  // kDecisionSpace), its universe from the field's type and default.
  std::uint32_t FieldAtom(const VarDecl& d);
  std::int64_t StringCode(const std::string& s);
  // The string a code stands for; for a code past the constants, a string
  // that is none of them.
  std::string StringOf(std::int64_t code) const;

 private:
  const PolicyModel& model_;
  std::vector<Atom> atoms_;
  std::vector<CodeSet> universes_;
  std::unordered_map<std::string, std::uint32_t> index_;
  std::vector<std::string> strings_;
  std::unordered_map<std::string, std::int64_t> string_index_;
};

// Where a condition is true and where it is false (elsewhere it is an error).
struct Truth {
  Region t;
  Region f;
};

// Analyses the conditions of one scope: the policy's (stage "") or a
// stage's, whose named values it sees as well.
class ConditionAnalyzer {
 public:
  // `budget` (shared, may be null) bounds the work; once it is spent,
  // every condition is an atom.
  ConditionAnalyzer(AtomTable* atoms, const std::string& stage, Budget* budget = nullptr);
  ~ConditionAnalyzer();

  // `program`'s condition. Never fails: what cannot be looked into is an atom.
  Truth Analyze(const Program& program);
  // Each top-level `&&` part of `program` (Program::conjuncts), in order.
  std::vector<Truth> AnalyzeConjuncts(const Program& program);

  const Declarations& declarations() const { return decls_; }

 private:
  struct Source;
  struct Term;
  Truth Condition(const Expr& e, const Source& src, int depth);
  Term TermOf(const Expr& e, const Source& src, int depth);
  Truth Comparison(const std::string& op, const Term& l, const Term& r);
  Truth BoolAtom(std::uint32_t atom);
  Truth Opaque(const Expr& e, const Source& src);
  std::optional<std::uint32_t> ComputedAtom(const Expr& e, const Source& src, bool want_bool);
  std::optional<std::int64_t> CodeOf(const Atom& a, const Value& v);
  const VarDecl* Resolve(const Expr& e) const;
  void CollectFacts(const Expr& e, std::vector<std::uint32_t>* out, int depth) const;
  const Expr* NamedAst(std::uint32_t index);

  AtomTable* atoms_;
  std::string stage_;
  Budget* budget_;
  Declarations decls_;
  // Named values' sources, parsed once.
  std::unordered_map<std::uint32_t, std::pair<std::string, ExprPtr>> named_;
};

// The codes a value of `type` may take (absent not included).
CodeSet TypeUniverse(const Type& type, bool money, bool signed_money);

}  // namespace aftersales::internal::lint

#endif  // AFTERSALES_LINT_CONDITION_H_
