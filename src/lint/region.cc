#include "lint/region.h"

#include <algorithm>

namespace aftersales::internal::lint {

namespace {

using Span = std::pair<std::int64_t, std::int64_t>;

// Sorted spans, merged where they touch or overlap.
std::vector<Span> Normalize(std::vector<Span> spans) {
  std::sort(spans.begin(), spans.end());
  std::vector<Span> out;
  for (const Span& s : spans) {
    if (s.first > s.second) continue;
    if (!out.empty() && (out.back().second == kMaxCode || s.first <= out.back().second + 1)) {
      out.back().second = std::max(out.back().second, s.second);
    } else {
      out.push_back(s);
    }
  }
  return out;
}

bool IsAll(const CodeSet& s) {
  return s.spans().size() == 1 && s.spans()[0].first == kAbsent && s.spans()[0].second == kMaxCode;
}

}  // namespace

CodeSet CodeSet::Range(std::int64_t lo, std::int64_t hi) {
  CodeSet s;
  if (lo <= hi) s.spans_.push_back({lo, hi});
  return s;
}

bool CodeSet::Contains(std::int64_t v) const {
  auto it = std::upper_bound(spans_.begin(), spans_.end(), v,
                             [](std::int64_t x, const Span& s) { return x < s.first; });
  if (it == spans_.begin()) return false;
  --it;
  return v <= it->second;
}

CodeSet CodeSet::Intersect(const CodeSet& other) const {
  CodeSet out;
  std::size_t i = 0, j = 0;
  while (i < spans_.size() && j < other.spans_.size()) {
    std::int64_t lo = std::max(spans_[i].first, other.spans_[j].first);
    std::int64_t hi = std::min(spans_[i].second, other.spans_[j].second);
    if (lo <= hi) out.spans_.push_back({lo, hi});
    if (spans_[i].second < other.spans_[j].second) ++i;
    else ++j;
  }
  return out;
}

CodeSet CodeSet::Union(const CodeSet& other) const {
  std::vector<Span> all = spans_;
  all.insert(all.end(), other.spans_.begin(), other.spans_.end());
  CodeSet out;
  out.spans_ = Normalize(std::move(all));
  return out;
}

CodeSet CodeSet::Minus(const CodeSet& other) const {
  CodeSet out;
  std::size_t j = 0;
  for (Span s : spans_) {
    while (j < other.spans_.size() && other.spans_[j].second < s.first) ++j;
    std::size_t k = j;
    bool alive = true;
    while (k < other.spans_.size() && other.spans_[k].first <= s.second) {
      const Span& o = other.spans_[k];
      if (o.first > s.first) out.spans_.push_back({s.first, o.first - 1});
      if (o.second >= s.second) {
        alive = false;
        break;
      }
      s.first = o.second + 1;
      ++k;
    }
    if (alive) out.spans_.push_back(s);
  }
  return out;
}

bool CodeSet::IsSubsetOf(const CodeSet& other) const { return Minus(other).empty(); }

std::int64_t CodeSet::Pick(std::int64_t near) const {
  bool found = false;
  std::int64_t best = 0;
  std::uint64_t best_distance = 0;
  for (const Span& s : spans_) {
    std::int64_t lo = s.first == kAbsent ? kMinCode : s.first;
    if (lo > s.second) continue;  // just kAbsent
    std::int64_t v = std::clamp(near, lo, s.second);
    // The distance always fits in 64 bits unsigned (wrapping is exact).
    std::uint64_t d = v >= near ? static_cast<std::uint64_t>(v) - static_cast<std::uint64_t>(near)
                                : static_cast<std::uint64_t>(near) - static_cast<std::uint64_t>(v);
    if (!found || d < best_distance) {
      found = true;
      best = v;
      best_distance = d;
    }
  }
  return found ? best : kAbsent;
}

Box Box::Of(std::uint32_t atom, CodeSet set) {
  Box b;
  if (set.empty()) {
    b.empty_ = true;
  } else if (!IsAll(set)) {
    b.constraints_.push_back({atom, std::move(set)});
  }
  return b;
}

CodeSet Box::SetOf(std::uint32_t atom) const {
  for (const Constraint& c : constraints_) {
    if (c.atom == atom) return c.set;
  }
  return CodeSet::All();
}

bool Box::Intersects(const Box& other) const {
  if (empty_ || other.empty_) return false;
  std::size_t i = 0, j = 0;
  while (i < constraints_.size() && j < other.constraints_.size()) {
    if (constraints_[i].atom < other.constraints_[j].atom) {
      ++i;
    } else if (constraints_[i].atom > other.constraints_[j].atom) {
      ++j;
    } else {
      // Disjoint span lists: walk both.
      const auto& a = constraints_[i].set.spans();
      const auto& b = other.constraints_[j].set.spans();
      std::size_t x = 0, y = 0;
      bool meet = false;
      while (x < a.size() && y < b.size()) {
        if (std::max(a[x].first, b[y].first) <= std::min(a[x].second, b[y].second)) {
          meet = true;
          break;
        }
        if (a[x].second < b[y].second) ++x;
        else ++y;
      }
      if (!meet) return false;
      ++i;
      ++j;
    }
  }
  return true;
}

Box Box::Intersect(const Box& other) const {
  Box out;
  if (empty_ || other.empty_) {
    out.empty_ = true;
    return out;
  }
  std::size_t i = 0, j = 0;
  while (i < constraints_.size() || j < other.constraints_.size()) {
    if (j == other.constraints_.size() ||
        (i < constraints_.size() && constraints_[i].atom < other.constraints_[j].atom)) {
      out.constraints_.push_back(constraints_[i++]);
    } else if (i == constraints_.size() || other.constraints_[j].atom < constraints_[i].atom) {
      out.constraints_.push_back(other.constraints_[j++]);
    } else {
      CodeSet s = constraints_[i].set.Intersect(other.constraints_[j].set);
      if (s.empty()) {
        out.constraints_.clear();
        out.empty_ = true;
        return out;
      }
      out.constraints_.push_back({constraints_[i].atom, std::move(s)});
      ++i;
      ++j;
    }
  }
  return out;
}

void Box::Minus(const Box& other, const std::vector<CodeSet>& universes, std::vector<Box>* out) const {
  if (empty_) return;
  if (!Intersects(other)) {
    out->push_back(*this);
    return;
  }
  // Peel off, one of other's constraints at a time, the part of this box
  // outside it; what is left is inside `other` and goes.
  Box rest = *this;
  for (const Constraint& c : other.constraints_) {
    CodeSet mine = rest.SetOf(c.atom);
    if (c.atom < universes.size()) mine = mine.Intersect(universes[c.atom]);
    CodeSet outside = mine.Minus(c.set);
    if (!outside.empty()) {
      Box piece = rest.Intersect(Box::Of(c.atom, outside));
      if (!piece.empty()) out->push_back(std::move(piece));
    }
    rest = rest.Intersect(Box::Of(c.atom, c.set));
    if (rest.empty()) return;
  }
}

bool Box::IsSubsetOf(const Box& other) const {
  if (empty_) return true;
  if (other.empty_) return false;
  for (const Constraint& c : other.constraints_) {
    if (!SetOf(c.atom).IsSubsetOf(c.set)) return false;
  }
  return true;
}

Region::Region(Box b) {
  if (!b.empty()) boxes_.push_back(std::move(b));
}

void Region::Add(Box b) {
  if (b.empty()) return;
  for (const Box& have : boxes_) {
    if (b.IsSubsetOf(have)) return;
  }
  boxes_.push_back(std::move(b));
}

void Region::AddAll(const Region& r) {
  for (const Box& b : r.boxes_) Add(b);
}

std::optional<Region> Region::Intersect(const Region& other, std::size_t limit) const {
  Region out;
  for (const Box& a : boxes_) {
    for (const Box& b : other.boxes_) {
      if (!a.Intersects(b)) continue;
      out.Add(a.Intersect(b));
      if (out.boxes_.size() > limit) return std::nullopt;
    }
  }
  return out;
}

Region Region::Intersect(const Box& box) const {
  Region out;
  for (const Box& a : boxes_) {
    if (a.Intersects(box)) out.Add(a.Intersect(box));
  }
  return out;
}

bool Region::Subtract(const Box& other, const std::vector<CodeSet>& universes, std::size_t limit) {
  std::vector<Box> pieces;
  std::size_t kept = 0;
  std::vector<Box> added;
  for (std::size_t i = 0; i < boxes_.size(); ++i) {
    if (!boxes_[i].Intersects(other)) {
      if (kept != i) boxes_[kept] = std::move(boxes_[i]);
      ++kept;
      continue;
    }
    pieces.clear();
    boxes_[i].Minus(other, universes, &pieces);
    for (Box& p : pieces) added.push_back(std::move(p));
    if (kept + added.size() > limit) return false;
  }
  boxes_.resize(kept);
  for (Box& p : added) boxes_.push_back(std::move(p));
  return boxes_.size() <= limit;
}

bool Region::Subtract(const Region& other, const std::vector<CodeSet>& universes, std::size_t limit) {
  for (const Box& b : other.boxes_) {
    if (boxes_.empty()) return true;
    if (!Subtract(b, universes, limit)) return false;
  }
  return true;
}

std::optional<Region> Region::Minus(const Box& other, const std::vector<CodeSet>& universes,
                                    std::size_t limit) const {
  Region out = *this;
  if (!out.Subtract(other, universes, limit)) return std::nullopt;
  return out;
}

std::optional<Region> Region::Minus(const Region& other, const std::vector<CodeSet>& universes,
                                    std::size_t limit) const {
  Region out = *this;
  if (!out.Subtract(other, universes, limit)) return std::nullopt;
  return out;
}

bool Region::Intersects(const Box& box) const {
  for (const Box& a : boxes_) {
    if (a.Intersects(box)) return true;
  }
  return false;
}

}  // namespace aftersales::internal::lint
