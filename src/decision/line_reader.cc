#include "decision/line_reader.h"

namespace aftersales::internal {

bool LineReader::Next(std::string* line, bool* too_long, std::uint64_t* length) {
  line->clear();
  *too_long = false;
  *length = 0;
  bool any = false;
  while (true) {
    // istream::getline stores at most a block, stops after a '\n' (taken,
    // and counted in gcount, not stored), and waits for no more than that
    // line: a pipe's lines are decided as they come.
    in_.getline(block_, sizeof block_);
    const auto got = static_cast<std::size_t>(in_.gcount());
    if (in_.bad()) {
      bad_ = true;
      return any;
    }
    // The block filled before the line ended; else the line ended, or the
    // input did.
    const bool filled = in_.fail() && !in_.eof() && got == sizeof block_ - 1;
    if (in_.fail() && !filled) return any;  // nothing more to read
    const std::size_t stored = filled || in_.eof() ? got : got - 1;
    any = true;
    *length += stored;
    if (!*too_long && line->size() + stored > max_) {
      *too_long = true;
      line->clear();
      line->shrink_to_fit();
    }
    if (!*too_long) line->append(block_, stored);
    if (!filled) return true;
    in_.clear();  // a part of a longer line: go on
  }
}

}  // namespace aftersales::internal
