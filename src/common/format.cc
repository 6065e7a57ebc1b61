#include "common/format.h"

namespace aftersales::internal {

std::string FormatMoney(std::int64_t cents) {
  // Unsigned magnitude, so that the most negative int64 prints too.
  const std::uint64_t magnitude = cents < 0 ? 0 - static_cast<std::uint64_t>(cents) : static_cast<std::uint64_t>(cents);
  std::string s = cents < 0 ? "-" : "";
  s += std::to_string(magnitude / 100);
  s.push_back('.');
  const std::uint64_t frac = magnitude % 100;
  s.push_back(static_cast<char>('0' + frac / 10));
  s.push_back(static_cast<char>('0' + frac % 10));
  return s;
}

}  // namespace aftersales::internal
