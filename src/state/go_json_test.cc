#include "state/go_json.h"

#include <string>

#include "config/go_format.h"
#include "gtest/gtest.h"

namespace state {
namespace {

using Json = nlohmann::ordered_json;

// Expected values computed independently (Python: FNV-1a 32 over
// "([]uint8)[" + " ".join(decimal bytes) + "]").
TEST(KubeletChecksumTest, KnownValues) {
  EXPECT_EQ(KubeletChecksum("hello"), 3913194164u);
  EXPECT_EQ(KubeletChecksum(""), 4046067964u);
  EXPECT_EQ(KubeletChecksum("{\"checksum\":0}"), 4166374854u);
  EXPECT_EQ(KubeletChecksum("{\"checksum\":0,\"v1\":{}}"), 1083090442u);
  EXPECT_EQ(KubeletChecksum("{\"checksum\":0,\"nodeBootID\":\"abc\"}"), 2908191222u);
}

// Every byte value, against a direct FNV-1a over the decimal text.
TEST(KubeletChecksumTest, EveryByteValue) {
  std::string all;
  for (int b = 0; b < 256; ++b) all += static_cast<char>(b);
  std::string text = "([]uint8)[";
  for (int b = 0; b < 256; ++b) text += (b ? " " : "") + std::to_string(b);
  text += "]";
  uint32_t h = 2166136261u;
  for (unsigned char c : text) {
    h ^= c;
    h *= 16777619u;
  }
  EXPECT_EQ(KubeletChecksum(all), h);
}

// Plain strings are copied, everything else goes through Go's escaping:
// each ASCII character alone, as key and as value.
TEST(GoJsonMarshalTest, EveryAsciiCharacterAsKeyAndValue) {
  for (int c = 0; c < 128; ++c) {
    std::string str = std::string("k") + static_cast<char>(c) + "v";
    Json j = Json::object();
    j[str] = str;
    std::string quoted = config::GoJsonString(str);
    EXPECT_EQ(GoJsonMarshal(j), "{" + quoted + ":" + quoted + "}") << "character " << c;
  }
}

TEST(GoJsonMarshalTest, KeepsMemberOrderAndIsCompact) {
  Json j = Json::object();
  j["z"] = 1;
  j["a"] = Json::array({true, nullptr, "x"});
  j["m"] = Json::object();
  EXPECT_EQ(GoJsonMarshal(j), R"({"z":1,"a":[true,null,"x"],"m":{}})");
}

TEST(GoJsonMarshalTest, EscapesLikeGo) {
  Json j = "a<b>&c\u2028\xc3\xa9\n\"";
  EXPECT_EQ(GoJsonMarshal(j), "\"a\\u003cb\\u003e\\u0026c\\u2028\xc3\xa9\\n\\\"\"");
}

TEST(GoJsonMarshalTest, NumbersLikeGo) {
  EXPECT_EQ(GoJsonMarshal(Json(-5)), "-5");
  EXPECT_EQ(GoJsonMarshal(Json(18446744073709551615ull)), "18446744073709551615");
  EXPECT_EQ(GoJsonMarshal(Json(1.5)), "1.5");
  EXPECT_EQ(GoJsonMarshal(Json(1.0)), "1");
  EXPECT_EQ(GoJsonMarshal(Json(0.0)), "0");
  EXPECT_EQ(GoJsonMarshal(Json(1e21)), "1e+21");
  EXPECT_EQ(GoJsonMarshal(Json(1e-7)), "1e-7");
  EXPECT_EQ(GoJsonMarshal(Json(123456789.25)), "123456789.25");
}

}  // namespace
}  // namespace state
