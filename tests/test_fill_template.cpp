#include <catch2/catch.hpp>

#include "io/config.hpp"
#include "report/fill_template.hpp"

using namespace superpos;

namespace {

// Verbs: `num X` -> [X]; conditions: `yes` is true, `no` false; anything else is unknown.
TemplateResolver test_resolver() {
  TemplateResolver r;
  r.check = [](const std::vector<std::string>& words) {
    if (words[0] != "num") throw std::runtime_error("unknown verb '" + words[0] + "'");
  };
  r.resolve = [](const std::vector<std::string>& words) { return "[" + words.at(1) + "]"; };
  r.condition = [](const std::vector<std::string>& words) {
    if (words[0] == "chapter") return words.at(1) == "present";
    if (words[0] != "yes" && words[0] != "no") throw std::runtime_error("unknown condition '" + words[0] + "'");
    return words[0] == "yes";
  };
  return r;
}

std::string fill(const std::string& text) { return fill_template(text, "t.md", test_resolver()); }

}  // namespace

TEST_CASE("Placeholders are replaced by what the resolver returns", "[template]") {
  CHECK(fill("a {{num x}} b {{ num  y }}\n") == "a [x] b [y]\n");
  CHECK(fill("no placeholders") == "no placeholders");
}

TEST_CASE("Conditional text keeps the branch its condition selects", "[template]") {
  CHECK(fill("a {{if yes}}kept {{num x}}{{else}}dropped{{end}} b") == "a kept [x] b");
  CHECK(fill("a {{if no}}dropped{{else}}kept{{end}} b") == "a kept b");
  CHECK(fill("{{if no}}dropped{{end}}") == "");
  CHECK(fill("{{if yes}}1{{if no}}2{{else}}3{{if yes}}4{{end}}{{end}}5{{end}}6") == "13456");
  CHECK(fill("{{chapter present}}in{{end}}|{{chapter absent}}out{{end}}") == "in|");
}

TEST_CASE("A bad placeholder is an error naming file and line, even in a branch not taken", "[template]") {
  CHECK_THROWS_WITH(fill("line one\nline {{bad}}\n"), "t.md:2: placeholder '{{bad}}': unknown verb 'bad'");
  CHECK_THROWS_WITH(fill("{{if no}}\n{{bad}}{{end}}"), "t.md:2: placeholder '{{bad}}': unknown verb 'bad'");
  CHECK_THROWS_WITH(fill("{{open"), "t.md:1: '{{' is never closed by '}}'");
  CHECK_THROWS_WITH(fill("x\n{{if yes}}never closed"), "t.md:2: '{{if yes}}' is never closed by '{{end}}'");
  CHECK_THROWS_WITH(fill("{{end}}"), "t.md:1: '{{end}}' has no '{{if ...}}' to close");
  CHECK_THROWS_WITH(fill("{{if maybe}}x{{end}}"), "t.md:1: placeholder '{{if maybe}}': unknown condition 'maybe'");
  CHECK_THROWS_WITH(fill("{{if yes}}a{{else}}b{{else}}c{{end}}"), "t.md:1: '{{if yes}}' is never closed by '{{end}}'");
}

