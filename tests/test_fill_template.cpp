#include <catch2/catch.hpp>

#include "io/config.hpp"
#include "report/fill_template.hpp"

using namespace superpos;

TEST_CASE("Placeholders are replaced by what the resolver returns", "[template]") {
  const auto resolve = [](const std::vector<std::string>& words) {
    return words[0] == "num" ? "[" + words.at(1) + "]" : std::string("?");
  };
  CHECK(fill_template("a {{num x}} b {{ num  y }}\n", "t.md", resolve) == "a [x] b [y]\n");
  CHECK(fill_template("no placeholders", "t.md", resolve) == "no placeholders");
}

TEST_CASE("A placeholder the resolver rejects is an error naming file and line", "[template]") {
  const auto resolve = [](const std::vector<std::string>&) -> std::string { throw std::runtime_error("unknown verb"); };
  CHECK_THROWS_WITH(fill_template("line one\nline {{bad}}\n", "t.md", resolve),
                    "t.md:2: placeholder '{{bad}}': unknown verb");
  CHECK_THROWS_WITH(fill_template("{{open", "t.md", resolve), "t.md:1: '{{' is never closed by '}}'");
}
