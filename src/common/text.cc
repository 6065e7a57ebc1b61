#include "common/text.h"

#include <algorithm>
#include <cstdint>

namespace aftersales::internal {

namespace {
bool IsContinuation(unsigned c) { return (c & 0xC0) == 0x80; }
}  // namespace

std::size_t Utf8SequenceLength(std::string_view text, std::size_t i) {
  auto byte = [&](std::size_t k) -> unsigned {
    return k < text.size() ? static_cast<unsigned char>(text[k]) : 0u;
  };
  unsigned c = byte(i);
  if (c < 0x80) return 1;
  if (c < 0xC2) return 0;
  if (c < 0xE0) return IsContinuation(byte(i + 1)) ? 2 : 0;
  if (c < 0xF0) {
    unsigned c1 = byte(i + 1);
    if (!IsContinuation(c1) || !IsContinuation(byte(i + 2))) return 0;
    if (c == 0xE0 && c1 < 0xA0) return 0;   // overlong
    if (c == 0xED && c1 >= 0xA0) return 0;  // surrogate
    return 3;
  }
  if (c < 0xF5) {
    unsigned c1 = byte(i + 1);
    if (!IsContinuation(c1) || !IsContinuation(byte(i + 2)) ||
        !IsContinuation(byte(i + 3))) {
      return 0;
    }
    if (c == 0xF0 && c1 < 0x90) return 0;   // overlong
    if (c == 0xF4 && c1 >= 0x90) return 0;  // past U+10FFFF
    return 4;
  }
  return 0;
}

bool IsValidUtf8(std::string_view s) {
  std::size_t i = 0;
  while (i < s.size()) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    std::size_t n;
    std::uint32_t cp;
    if (c < 0x80) { ++i; continue; }
    if ((c & 0xE0) == 0xC0) { n = 1; cp = c & 0x1F; }
    else if ((c & 0xF0) == 0xE0) { n = 2; cp = c & 0x0F; }
    else if ((c & 0xF8) == 0xF0) { n = 3; cp = c & 0x07; }
    else return false;
    if (i + n >= s.size()) return false;
    for (std::size_t k = 1; k <= n; ++k) {
      unsigned char cc = static_cast<unsigned char>(s[i + k]);
      if ((cc & 0xC0) != 0x80) return false;
      cp = (cp << 6) | (cc & 0x3F);
    }
    if ((n == 1 && cp < 0x80) || (n == 2 && cp < 0x800) || (n == 3 && cp < 0x10000) || cp > 0x10FFFF ||
        (cp >= 0xD800 && cp <= 0xDFFF)) {
      return false;
    }
    i += n + 1;
  }
  return true;
}

std::size_t CodePointsBefore(std::string_view s, std::size_t byte_offset) {
  std::size_t n = 0;
  byte_offset = std::min(byte_offset, s.size());
  for (std::size_t i = 0; i < byte_offset; ++i) {
    if ((static_cast<unsigned char>(s[i]) & 0xC0) != 0x80) ++n;
  }
  return n;
}

std::size_t EditDistance(std::string_view a, std::string_view b, std::size_t cap) {
  if (a.size() > b.size() + cap || b.size() > a.size() + cap) return cap + 1;
  std::vector<std::size_t> prev(b.size() + 1), cur(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) prev[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    cur[0] = i;
    std::size_t row_min = cur[0];
    for (std::size_t j = 1; j <= b.size(); ++j) {
      std::size_t sub = prev[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1);
      cur[j] = std::min({prev[j] + 1, cur[j - 1] + 1, sub});
      row_min = std::min(row_min, cur[j]);
    }
    if (row_min > cap) return cap + 1;  // the distance only grows from here
    std::swap(prev, cur);
  }
  return std::min(prev[b.size()], cap + 1);
}

std::optional<std::string> DidYouMean(std::string_view name, const std::vector<std::string>& candidates) {
  std::size_t best = static_cast<std::size_t>(-1);
  const std::string* pick = nullptr;
  const std::size_t allowed = std::max<std::size_t>(1, std::min<std::size_t>(3, name.size() / 3));
  for (const std::string& c : candidates) {
    if (c == name) continue;
    std::size_t d = EditDistance(name, c, allowed);
    if (d <= allowed && d < best) {
      best = d;
      pick = &c;
    }
  }
  if (!pick) return std::nullopt;
  return *pick;
}

}  // namespace aftersales::internal
