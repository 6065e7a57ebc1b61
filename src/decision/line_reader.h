// LineReader: the lines of a JSON Lines stream, for the batch pipelines
// (batch.cc, diff.cc), read through a fixed 64 KiB buffer so that memory
// stays flat whatever the input: a line longer than the limit is counted,
// not kept, however long it is (an endless line included).
//
// Not thread-safe; one reader per stream, on the reading thread.
#ifndef AFTERSALES_DECISION_LINE_READER_H_
#define AFTERSALES_DECISION_LINE_READER_H_

#include <cstddef>
#include <cstdint>
#include <istream>
#include <string>

namespace aftersales::internal {

class LineReader {
 public:
  // `in` must outlive the reader. Lines of more than `max_bytes` bytes
  // (without the '\n') are too long.
  LineReader(std::istream& in, std::size_t max_bytes) : in_(in), max_(max_bytes) {}

  // The next line into *line, without its '\n' (a '\r' before it stays);
  // false at the end of the input (a last line without '\n' is a line).
  // When the line is longer than `max_bytes`, *too_long is set and *line
  // is empty. *length is the line's length either way.
  bool Next(std::string* line, bool* too_long, std::uint64_t* length);

  // The stream failed while reading (not its end).
  bool bad() const { return bad_; }

 private:
  std::istream& in_;
  std::size_t max_;
  char block_[64 << 10];
  bool bad_ = false;
};

}  // namespace aftersales::internal

#endif  // AFTERSALES_DECISION_LINE_READER_H_
