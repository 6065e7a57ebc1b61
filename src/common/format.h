// Small formatting shared by the layers: money as scripts, reports and
// error messages show it.
#ifndef AFTERSALES_COMMON_FORMAT_H_
#define AFTERSALES_COMMON_FORMAT_H_

#include <cstdint>
#include <string>

namespace aftersales::internal {

// Minor units as major ones with two decimals: 29900 -> "299.00", -1250 ->
// "-12.50"; the most negative int64 too.
std::string FormatMoney(std::int64_t cents);

}  // namespace aftersales::internal

#endif  // AFTERSALES_COMMON_FORMAT_H_
