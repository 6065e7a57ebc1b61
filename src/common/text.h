// Text helpers shared by the layers: UTF-8 checks and columns, and the
// "did you mean" suggestion for misspelt names.
#ifndef AFTERSALES_COMMON_TEXT_H_
#define AFTERSALES_COMMON_TEXT_H_

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace aftersales::internal {

// True when `s` is well-formed UTF-8.
bool IsValidUtf8(std::string_view s);
// Length of the UTF-8 sequence starting at s[i], or 0 when it is not
// well-formed (a stray continuation byte, a cut sequence, an overlong form,
// a surrogate, a code point past U+10FFFF). REQUIRES: i < s.size().
std::size_t Utf8SequenceLength(std::string_view s, std::size_t i);
// Number of code points in s[0, byte_offset).
std::size_t CodePointsBefore(std::string_view s, std::size_t byte_offset);
// Levenshtein distance in bytes, capped at `cap` + 1 for speed.
std::size_t EditDistance(std::string_view a, std::string_view b, std::size_t cap = 64);
// The candidate closest to `name`, when close enough to be a likely typo.
std::optional<std::string> DidYouMean(std::string_view name, const std::vector<std::string>& candidates);

}  // namespace aftersales::internal

#endif  // AFTERSALES_COMMON_TEXT_H_
