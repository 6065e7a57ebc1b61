// ByteWriter / ByteReader: the primitive encoding of a policy snapshot
// (src/policy/snapshot.h). Integers are LEB128 varints (signed ones
// zigzag-encoded), strings a varint length and the bytes, doubles their
// 8 bytes in little-endian order.
//
// The reader never reads past its input and never allocates more than its
// input could describe: the first problem (a truncated varint, a length
// past the end, a count larger than the bytes left) marks it failed with a
// message and its byte offset; every later read returns zero or empty, so
// a decoder may read on and check failed() once, at the end of a part.
//
// Depends on nothing but the standard library.
#ifndef AFTERSALES_COMMON_BYTES_H_
#define AFTERSALES_COMMON_BYTES_H_

#include <bit>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

namespace aftersales::internal {

class ByteWriter {
 public:
  void U8(std::uint8_t v) { out_.push_back(static_cast<char>(v)); }
  void Bool(bool v) { U8(v ? 1 : 0); }
  void U64(std::uint64_t v) {
    while (v >= 0x80) {
      out_.push_back(static_cast<char>((v & 0x7f) | 0x80));
      v >>= 7;
    }
    out_.push_back(static_cast<char>(v));
  }
  void I64(std::int64_t v) {
    U64((static_cast<std::uint64_t>(v) << 1) ^ static_cast<std::uint64_t>(v >> 63));
  }
  void F64(double v) {
    const auto bits = std::bit_cast<std::uint64_t>(v);
    for (int i = 0; i < 8; ++i) out_.push_back(static_cast<char>((bits >> (8 * i)) & 0xff));
  }
  void Str(std::string_view s) {
    U64(s.size());
    out_.append(s);
  }
  void Raw(std::string_view s) { out_.append(s); }

  std::string& data() { return out_; }

 private:
  std::string out_;
};

class ByteReader {
 public:
  explicit ByteReader(std::string_view in) : in_(in) {}

  std::uint8_t U8() {
    if (!Need(1, "a byte")) return 0;
    return static_cast<std::uint8_t>(in_[pos_++]);
  }
  // The next byte without reading it; 0 at the end (or after a failure).
  std::uint8_t Peek() const { return failed_ || pos_ == in_.size() ? 0 : static_cast<std::uint8_t>(in_[pos_]); }
  bool Bool() {
    const std::uint8_t v = U8();
    if (v > 1) Fail("a flag that is neither 0 nor 1");
    return v == 1;
  }
  std::uint64_t U64() {
    std::uint64_t v = 0;
    for (int shift = 0; shift < 64; shift += 7) {
      if (!Need(1, "a number")) return 0;
      const auto b = static_cast<std::uint8_t>(in_[pos_++]);
      if (shift == 63 && b > 1) break;
      v |= static_cast<std::uint64_t>(b & 0x7f) << shift;
      if ((b & 0x80) == 0) return v;
    }
    Fail("a number longer than 64 bits");
    return 0;
  }
  std::int64_t I64() {
    const std::uint64_t z = U64();
    return static_cast<std::int64_t>((z >> 1) ^ (~(z & 1) + 1));
  }
  // A number that must be at most `max` (a slot, an index, a kind).
  std::uint64_t Below(std::uint64_t max_plus_one, const char* what) {
    const std::uint64_t v = U64();
    if (!failed_ && v >= max_plus_one) {
      Fail(std::string(what) + " out of range (" + std::to_string(v) + ")");
      return 0;
    }
    return v;
  }
  // A count of items that take at least `min_bytes` each: never more than
  // the bytes left could hold, so a damaged count cannot make a decoder
  // reserve gigabytes.
  std::size_t Count(std::size_t min_bytes = 1) {
    const std::uint64_t n = U64();
    if (failed_) return 0;
    if (min_bytes == 0) min_bytes = 1;
    if (n > (in_.size() - pos_) / min_bytes) {
      Fail("a count (" + std::to_string(n) + ") larger than the bytes left");
      return 0;
    }
    return static_cast<std::size_t>(n);
  }
  double F64() {
    if (!Need(8, "a number")) return 0;
    std::uint64_t bits = 0;
    for (int i = 0; i < 8; ++i) bits |= static_cast<std::uint64_t>(static_cast<std::uint8_t>(in_[pos_ + i])) << (8 * i);
    pos_ += 8;
    return std::bit_cast<double>(bits);
  }
  std::string Str() { return std::string(View()); }
  std::string_view View() {
    const std::uint64_t n = U64();
    if (failed_) return {};
    if (n > in_.size() - pos_) {
      Fail("a text longer than the bytes left");
      return {};
    }
    std::string_view s = in_.substr(pos_, static_cast<std::size_t>(n));
    pos_ += static_cast<std::size_t>(n);
    return s;
  }

  // Marks the reader failed (the first message and offset are kept).
  void Fail(std::string message) {
    if (failed_) return;
    failed_ = true;
    message_ = std::move(message);
    fail_offset_ = pos_;
  }
  bool failed() const { return failed_; }
  const std::string& message() const { return message_; }
  std::size_t fail_offset() const { return fail_offset_; }
  bool at_end() const { return pos_ == in_.size(); }
  std::size_t offset() const { return pos_; }

 private:
  bool Need(std::size_t n, const char* what) {
    if (failed_) return false;
    if (in_.size() - pos_ < n) {
      Fail(std::string("the data ends inside ") + what);
      return false;
    }
    return true;
  }

  std::string_view in_;
  std::size_t pos_ = 0;
  bool failed_ = false;
  std::string message_;
  std::size_t fail_offset_ = 0;
};

}  // namespace aftersales::internal

#endif  // AFTERSALES_COMMON_BYTES_H_
