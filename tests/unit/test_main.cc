// Test-only: the Boost.Test entry point shared by every unit suite.
#define BOOST_TEST_MODULE aftersales
#include <boost/test/unit_test.hpp>
