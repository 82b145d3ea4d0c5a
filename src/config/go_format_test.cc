// go_format_test.cc: strconv.Quote and encoding/json string escaping.
#include "config/go_format.h"

#include <string>

#include "gtest/gtest.h"

namespace config {
namespace {

TEST(GoFormatTest, QuoteMatchesStrconvQuote) {
  EXPECT_EQ(GoQuote("gpu-0"), "\"gpu-0\"");
  EXPECT_EQ(GoQuote(""), "\"\"");
  EXPECT_EQ(GoQuote("a\"b\\c"), "\"a\\\"b\\\\c\"");
  EXPECT_EQ(GoQuote("\a\b\f\n\r\t\v"), "\"\\a\\b\\f\\n\\r\\t\\v\"");
  EXPECT_EQ(GoQuote(std::string("\x01\x7f", 2)), "\"\\x01\\x7f\"");
  EXPECT_EQ(GoQuote("\xff"), "\"\\xff\"");
  EXPECT_EQ(GoQuote("é€"), "\"é€\"");
  EXPECT_EQ(GoQuote("\xE2\x80\xA8"), "\"\\u2028\"");
  EXPECT_EQ(GoQuote("\xC0\x80"), "\"\\xc0\\x80\"");  // overlong
}

TEST(GoFormatTest, JsonStringMatchesEncodingJson) {
  EXPECT_EQ(GoJsonString("a<b>&c"), "\"a\\u003cb\\u003e\\u0026c\"");
  EXPECT_EQ(GoJsonString("\"\\\n\r\t"), "\"\\\"\\\\\\n\\r\\t\"");
  EXPECT_EQ(GoJsonString(std::string("\x01\x1f", 2)), "\"\\u0001\\u001f\"");
  EXPECT_EQ(GoJsonString("\xff"), "\"\\ufffd\"");
  EXPECT_EQ(GoJsonString("\xE2\x80\xA9 é"), "\"\\u2029 é\"");
}

}  // namespace
}  // namespace config
