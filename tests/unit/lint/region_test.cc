// The linter's set algebra (src/lint/region.h) against brute force: every
// operation on small random boxes, checked point by point.
#include <boost/test/unit_test.hpp>

#include <cstdint>
#include <random>
#include <vector>

#include "lint/region.h"

namespace {

using aftersales::internal::lint::Box;
using aftersales::internal::lint::CodeSet;
using aftersales::internal::lint::kAbsent;
using aftersales::internal::lint::kMaxCode;
using aftersales::internal::lint::kMinCode;
using aftersales::internal::lint::Region;

// Three atoms, each with the codes kAbsent and 0..4.
constexpr int kAtoms = 3;
const std::vector<std::int64_t> kCodes = {kAbsent, 0, 1, 2, 3, 4};

std::vector<CodeSet> Universes() {
  CodeSet u = CodeSet::Range(0, 4).Union(CodeSet::Single(kAbsent));
  return std::vector<CodeSet>(kAtoms, u);
}

CodeSet RandomSet(std::mt19937& rng) {
  CodeSet s;
  for (std::int64_t c : kCodes) {
    if (rng() % 2) s = s.Union(CodeSet::Single(c));
  }
  return s;
}

Box RandomBox(std::mt19937& rng) {
  Box b;
  for (std::uint32_t a = 0; a < kAtoms; ++a) {
    if (rng() % 3 == 0) continue;  // free
    b = b.Intersect(Box::Of(a, RandomSet(rng)));
  }
  return b;
}

bool BoxHas(const Box& b, const std::vector<std::int64_t>& p) {
  if (b.empty()) return false;
  for (std::uint32_t a = 0; a < kAtoms; ++a) {
    if (!b.SetOf(a).Contains(p[a])) return false;
  }
  return true;
}

int Count(const Region& r, const std::vector<std::int64_t>& p) {
  int n = 0;
  for (const Box& b : r.boxes()) n += BoxHas(b, p) ? 1 : 0;
  return n;
}

template <typename F>
void ForEachPoint(F&& f) {
  for (std::int64_t a : kCodes)
    for (std::int64_t b : kCodes)
      for (std::int64_t c : kCodes) f(std::vector<std::int64_t>{a, b, c});
}

}  // namespace

BOOST_AUTO_TEST_SUITE(lint_region)

BOOST_AUTO_TEST_CASE(code_sets) {
  CodeSet a = CodeSet::Range(0, 10).Union(CodeSet::Range(20, 30));
  BOOST_TEST(a.spans().size() == 2u);
  BOOST_TEST(a.Contains(25));
  BOOST_TEST(!a.Contains(15));
  CodeSet b = a.Minus(CodeSet::Range(5, 22));
  BOOST_TEST((b == CodeSet::Range(0, 4).Union(CodeSet::Range(23, 30))));
  BOOST_TEST((a.Intersect(CodeSet::Range(8, 21)) == CodeSet::Range(8, 10).Union(CodeSet::Range(20, 21))));
  // Adjacent spans merge; the extremes do not overflow.
  BOOST_TEST(CodeSet::Range(0, 4).Union(CodeSet::Range(5, 9)).spans().size() == 1u);
  CodeSet all = CodeSet::All();
  BOOST_TEST(all.Minus(CodeSet::Single(kMaxCode)).Contains(kMaxCode - 1));
  BOOST_TEST(!all.Minus(CodeSet::Single(kMaxCode)).Contains(kMaxCode));
  BOOST_TEST(all.Minus(CodeSet::Single(kAbsent)).spans().front().first == kMinCode);
  // Pick: nearest to the hint, absent only when nothing else is there.
  BOOST_TEST(CodeSet::Range(8, kMaxCode).Pick(0) == 8);
  BOOST_TEST(CodeSet::Range(kMinCode, -3).Pick(0) == -3);
  BOOST_TEST(CodeSet::Single(kAbsent).Union(CodeSet::Single(7)).Pick(0) == 7);
  BOOST_TEST(CodeSet::Single(kAbsent).Pick(0) == kAbsent);
  BOOST_TEST(CodeSet::Range(3, 2).empty());
}

BOOST_AUTO_TEST_CASE(boxes_and_regions_match_brute_force) {
  std::mt19937 rng(20261128);
  const std::vector<CodeSet> universes = Universes();
  for (int round = 0; round < 400; ++round) {
    Box a = RandomBox(rng), b = RandomBox(rng);
    Box both = a.Intersect(b);
    std::vector<Box> minus;
    a.Minus(b, universes, &minus);
    Region ra, rb;
    for (int i = 0; i < 3; ++i) {
      ra.Add(RandomBox(rng));
      rb.Add(RandomBox(rng));
    }
    std::optional<Region> diff = ra.Minus(rb, universes, 10000);
    BOOST_TEST_REQUIRE(diff.has_value());
    std::optional<Region> meet = ra.Intersect(rb, 10000);
    BOOST_TEST_REQUIRE(meet.has_value());
    ForEachPoint([&](const std::vector<std::int64_t>& p) {
      bool in_a = BoxHas(a, p), in_b = BoxHas(b, p);
      BOOST_TEST(BoxHas(both, p) == (in_a && in_b));
      int pieces = 0;
      for (const Box& m : minus) pieces += BoxHas(m, p) ? 1 : 0;
      // Disjoint pieces covering exactly a \ b.
      BOOST_TEST(pieces == ((in_a && !in_b) ? 1 : 0));
      BOOST_TEST(a.Intersects(b) == !both.empty());
      bool in_ra = Count(ra, p) > 0, in_rb = Count(rb, p) > 0;
      BOOST_TEST((Count(*diff, p) > 0) == (in_ra && !in_rb));
      BOOST_TEST((Count(*meet, p) > 0) == (in_ra && in_rb));
    });
  }
}

BOOST_AUTO_TEST_CASE(a_limit_gives_up_instead_of_growing) {
  const std::vector<CodeSet> universes = Universes();
  Region r = Region::Everything();
  // Punching single points out of every atom fragments the region.
  bool ok = true;
  for (std::uint32_t a = 0; a < kAtoms && ok; ++a) {
    for (std::int64_t c = 0; c < 5 && ok; ++c) {
      Box hole = Box::Of(a, CodeSet::Single(c)).Intersect(Box::Of((a + 1) % kAtoms, CodeSet::Single(c)));
      ok = r.Subtract(hole, universes, 4);
    }
  }
  BOOST_TEST(!ok);
}

BOOST_AUTO_TEST_SUITE_END()
