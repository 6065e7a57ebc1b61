// Region: sets of cases as the linter sees them. A case is a point with one
// coordinate per atom (a fact, a named value or a part of a condition the
// linter cannot look into); every coordinate is an int64 code: an int's
// value, an enum word's index, 0/1 for a bool, a string's index among the
// policy's string constants (one past the last: any other string), and
// kAbsent for a fact the case leaves out (or a value that is an error).
//
// A Box constrains some coordinates to sets of codes (the others are free);
// a Region is a union of boxes. Everything here is exact set algebra over
// those codes; what the codes mean is condition.h's business.
#ifndef AFTERSALES_LINT_REGION_H_
#define AFTERSALES_LINT_REGION_H_

#include <cstddef>
#include <cstdint>
#include <limits>
#include <optional>
#include <utility>
#include <vector>

namespace aftersales::internal::lint {

inline constexpr std::int64_t kAbsent = std::numeric_limits<std::int64_t>::min();
inline constexpr std::int64_t kMinCode = kAbsent + 1;
inline constexpr std::int64_t kMaxCode = std::numeric_limits<std::int64_t>::max();

// A set of codes: sorted, disjoint, non-adjacent closed intervals.
class CodeSet {
 public:
  CodeSet() = default;
  static CodeSet Range(std::int64_t lo, std::int64_t hi);  // empty when lo > hi
  static CodeSet Single(std::int64_t v) { return Range(v, v); }
  static CodeSet All() { return Range(kAbsent, kMaxCode); }

  bool empty() const { return spans_.empty(); }
  bool Contains(std::int64_t v) const;
  bool IsSubsetOf(const CodeSet& other) const;
  CodeSet Intersect(const CodeSet& other) const;
  CodeSet Union(const CodeSet& other) const;
  CodeSet Minus(const CodeSet& other) const;
  // The member closest to `near` (ties: the smaller), kAbsent only when
  // nothing else is in the set. REQUIRES: !empty().
  std::int64_t Pick(std::int64_t near = 0) const;
  const std::vector<std::pair<std::int64_t, std::int64_t>>& spans() const { return spans_; }
  friend bool operator==(const CodeSet&, const CodeSet&) = default;

 private:
  std::vector<std::pair<std::int64_t, std::int64_t>> spans_;
};

// A product of sets: coordinate `atom` within `set` for each constraint;
// atoms not listed are free. Constraints are sorted by atom, each set is
// neither empty nor everything.
class Box {
 public:
  struct Constraint {
    std::uint32_t atom;
    CodeSet set;
  };
  // The box of every case.
  Box() = default;
  // Every case whose `atom` is in `set` (an empty set: no case, see empty()).
  static Box Of(std::uint32_t atom, CodeSet set);

  bool empty() const { return empty_; }
  const std::vector<Constraint>& constraints() const { return constraints_; }
  // The set `atom` is held to (everything when free).
  CodeSet SetOf(std::uint32_t atom) const;
  bool Intersects(const Box& other) const;
  Box Intersect(const Box& other) const;
  // Cases in this box and not in `other`, as disjoint boxes, appended.
  // `universes[atom]` is the codes an atom may take at all (everything for
  // an atom past its end): what a coordinate this box leaves free stands for.
  void Minus(const Box& other, const std::vector<CodeSet>& universes, std::vector<Box>* out) const;
  bool IsSubsetOf(const Box& other) const;

 private:
  std::vector<Constraint> constraints_;
  bool empty_ = false;
};

// A union of boxes (they may overlap). Operations that could grow it
// without bound take a limit on its boxes and give up past it.
class Region {
 public:
  Region() = default;  // no case
  static Region Everything() { return Region(Box()); }
  explicit Region(Box b);

  bool empty() const { return boxes_.empty(); }
  const std::vector<Box>& boxes() const { return boxes_; }
  void Add(Box b);
  void AddAll(const Region& r);
  // nullopt when the result would take more than `limit` boxes.
  std::optional<Region> Intersect(const Region& other, std::size_t limit) const;
  Region Intersect(const Box& box) const;
  // This region without `other` (Box::Minus says what `universes` is);
  // nullopt when it would take more than `limit` boxes.
  std::optional<Region> Minus(const Region& other, const std::vector<CodeSet>& universes,
                              std::size_t limit) const;
  std::optional<Region> Minus(const Box& other, const std::vector<CodeSet>& universes,
                              std::size_t limit) const;
  bool Intersects(const Box& box) const;
  // In place: this region without `other`. False (and the region is not
  // known any more) when it would take more than `limit` boxes.
  bool Subtract(const Box& other, const std::vector<CodeSet>& universes, std::size_t limit);
  bool Subtract(const Region& other, const std::vector<CodeSet>& universes, std::size_t limit);

 private:
  std::vector<Box> boxes_;
};

// How much set algebra a lint may do (about one unit per pair of boxes
// compared), shared by everything of one run: a policy built to make its
// regions explode ends the analysis early instead of running for hours.
class Budget {
 public:
  explicit Budget(std::int64_t units) : left_(units) {}
  // Spends `units`; false once the budget is gone (and from then on).
  bool Spend(std::int64_t units) {
    left_ -= units;
    return left_ >= 0;
  }
  bool spent() const { return left_ < 0; }

 private:
  std::int64_t left_;
};

// The pairs of boxes an operation on `a` and `b` compares.
inline std::int64_t PairCost(const Region& a, const Region& b) {
  return static_cast<std::int64_t>(a.boxes().size() + 1) * static_cast<std::int64_t>(b.boxes().size() + 1);
}

}  // namespace aftersales::internal::lint

#endif  // AFTERSALES_LINT_REGION_H_
