// 128-bit integers for exact money and time arithmetic (a GCC/Clang
// extension; marked so -Wpedantic accepts it).
#ifndef AFTERSALES_COMMON_INT128_H_
#define AFTERSALES_COMMON_INT128_H_

namespace aftersales::internal {
__extension__ typedef __int128 Int128;
}  // namespace aftersales::internal

#endif  // AFTERSALES_COMMON_INT128_H_
