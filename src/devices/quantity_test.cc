#include "devices/quantity.h"

#include "gtest/gtest.h"

namespace devices {
namespace {

TEST(QuantityTest, BinaryUsesLargestExactSuffix) {
  EXPECT_EQ(Quantity::Binary(85520809984).ToString(), "81559Mi");  // H100 80GB
  EXPECT_EQ(Quantity::Binary(42949672960).ToString(), "40Gi");     // A100 40GB
  EXPECT_EQ(Quantity::Binary(4864LL * 1024 * 1024).ToString(), "4864Mi");
  EXPECT_EQ(Quantity::Binary(1024).ToString(), "1Ki");
  EXPECT_EQ(Quantity::Binary(1LL << 60).ToString(), "1Ei");
}

TEST(QuantityTest, SmallOrInexactBinaryAmountsHaveNoBinarySuffix) {
  EXPECT_EQ(Quantity::Binary(1).ToString(), "1");
  EXPECT_EQ(Quantity::Binary(1000).ToString(), "1k");  // < 1024: DecimalSI
  EXPECT_EQ(Quantity::Binary(2000).ToString(), "2000");
  EXPECT_EQ(Quantity::Binary(0).ToString(), "0");
}

TEST(QuantityTest, DecimalUsesPowersOfThousand) {
  EXPECT_EQ(Quantity::Decimal(132).ToString(), "132");
  EXPECT_EQ(Quantity::Decimal(2000).ToString(), "2k");
  EXPECT_EQ(Quantity::Decimal(1500).ToString(), "1500");
  EXPECT_EQ(Quantity::Decimal(3000000).ToString(), "3M");
  EXPECT_EQ(Quantity::Decimal(0).ToString(), "0");
}

}  // namespace
}  // namespace devices
