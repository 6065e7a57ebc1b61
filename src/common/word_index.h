// WordIndex: finds a short string among a few dozen (a group's keys, an
// enum's words) by hashing its length and first 8 bytes into a small open
// table, then comparing the rest: a handful of instructions per lookup
// instead of a comparison with every candidate.
//
// Depends on nothing but the standard library.
#ifndef AFTERSALES_COMMON_WORD_INDEX_H_
#define AFTERSALES_COMMON_WORD_INDEX_H_

#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>
#include <vector>

namespace aftersales::internal {

class WordIndex {
 public:
  // Adds `word` with the next index (0, 1, ...). A word added twice keeps
  // its first index.
  void Add(std::string_view word) {
    entries_.push_back({Head(word), word.size()});
    words_.emplace_back(word);
    Rehash();
  }

  // The index of `word`, or -1.
  int Find(std::string_view word) const {
    if (table_.empty()) return -1;
    const std::uint64_t head = Head(word);
    const std::size_t mask = table_.size() - 1;
    for (std::size_t at = Slot(head, word.size()) & mask;; at = (at + 1) & mask) {
      const std::int32_t i = table_[at];
      if (i < 0) return -1;
      const Entry& e = entries_[static_cast<std::size_t>(i)];
      if (e.head == head && e.size == word.size() &&
          (word.size() <= 8 || std::memcmp(words_[static_cast<std::size_t>(i)].data() + 8, word.data() + 8,
                                           word.size() - 8) == 0)) {
        return i;
      }
    }
  }

  std::size_t size() const { return words_.size(); }

 private:
  struct Entry {
    std::uint64_t head;  // the first 8 bytes, zero-padded
    std::size_t size;
  };

  static std::uint64_t Head(std::string_view w) {
    std::uint64_t h = 0;
    if (w.size() >= 8) {
      std::memcpy(&h, w.data(), 8);  // one load
    } else {
      for (std::size_t i = 0; i < w.size(); ++i) h |= std::uint64_t{static_cast<unsigned char>(w[i])} << (8 * i);
    }
    return h;
  }
  static std::size_t Slot(std::uint64_t head, std::size_t size) {
    return static_cast<std::size_t>(((head ^ size) * 0x9E3779B97F4A7C15ull) >> 40);
  }

  // A table at least twice the words, so probes stay short and end at an
  // empty slot.
  void Rehash() {
    std::size_t n = 4;
    while (n < 2 * words_.size()) n *= 2;
    table_.assign(n, -1);
    for (std::size_t i = 0; i < words_.size(); ++i) {
      if (Find(words_[i]) >= 0) continue;  // a repeat keeps the first index
      for (std::size_t at = Slot(entries_[i].head, entries_[i].size) & (n - 1);; at = (at + 1) & (n - 1)) {
        if (table_[at] < 0) {
          table_[at] = static_cast<std::int32_t>(i);
          break;
        }
      }
    }
  }

  std::vector<Entry> entries_;
  std::vector<std::string> words_;
  std::vector<std::int32_t> table_;  // entry index, or -1 for empty
};

}  // namespace aftersales::internal

#endif  // AFTERSALES_COMMON_WORD_INDEX_H_
