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

std::string FormatLocation(const SourceLocation& location) {
  std::string out = location.file;
  if (location.line > 0) {
    out += ":" + std::to_string(location.line);
    if (location.column > 0) out += ":" + std::to_string(location.column);
  }
  return out;
}

}  // namespace aftersales::internal
