#include <catch2/catch.hpp>

#include "report/markdown_text.hpp"

using namespace superpos;

TEST_CASE("markdown_literal escapes every character pandoc reads as markup, and leaves numbers alone",
          "[markdown]") {
  CHECK(markdown_literal("0.7") == "0.7");
  CHECK(markdown_literal("ReLU model, sparsity 0.9") == "ReLU model, sparsity 0.9");
  CHECK(markdown_literal("Evil \\input{secret.txt}") == "Evil \\\\input\\{secret.txt\\}");
  CHECK(markdown_literal("<img src=\"s\">") == "\\<img src=\\\"s\\\"\\>");
  CHECK(markdown_literal("$x$ 50% #1 & a_b ~ ^ | @key `c` *e* [l](u) !") ==
        "\\$x\\$ 50\\% \\#1 \\& a\\_b \\~ \\^ \\| \\@key \\`c\\` \\*e\\* \\[l\\]\\(u\\) \\!");
  CHECK(markdown_literal("a\tb\nc") == "a\xEF\xBF\xBD" "b\xEF\xBF\xBD" "c");
  CHECK(markdown_literal("π ≥ 3") == "π ≥ 3");  // UTF-8 passes through
}

TEST_CASE("code_span fences its text so that no backtick inside ends it", "[markdown]") {
  CHECK(code_span("relu_09") == "`relu_09`");
  CHECK(code_span("a`b") == "``a`b``");
  CHECK(code_span("``x") == "``` ``x ```");
  CHECK(code_span("x\ny") == "`x\xEF\xBF\xBDy`");
}

TEST_CASE("link_destination wraps a path in angle brackets and refuses one it cannot hold", "[markdown]") {
  CHECK(link_destination("my dir (1)/figure") == "<my dir (1)/figure>");
  CHECK_THROWS_AS(link_destination("a>b"), std::invalid_argument);
  CHECK_THROWS_AS(link_destination("a\nb"), std::invalid_argument);
}

TEST_CASE("command_spans splits a command into one span per option, paths relative to the build folder",
          "[markdown]") {
  // One span per option: the PDF may break between them (a 150-character span ran past the margin).
  CHECK(command_spans("superpos train --config /home/a/p/c.ini --out /home/a/p/build/out/r --quiet", "/home/a/p") ==
        "`superpos train` `--config c.ini` `--out build/out/r` `--quiet`");
  // A path outside the folder, a folder that is only a prefix of a name, and no folder: unchanged.
  CHECK(command_spans("superpos train --config /etc/c.ini --out /home/a/pq/x", "/home/a/p") ==
        "`superpos train` `--config /etc/c.ini` `--out /home/a/pq/x`");
  CHECK(command_spans("superpos train --out /x/y", "") == "`superpos train` `--out /x/y`");
  // A value with spaces stays in its option's span, and a backtick cannot end a span early.
  CHECK(command_spans("superpos train --config /f/My `odd` name.ini", "/f/") == "`superpos train` ``--config My `odd` name.ini``");
}

TEST_CASE("shown_path removes the build folder from a path inside it, and only then", "[markdown]") {
  CHECK(shown_path("/w/main/build/out", "/w/main") == "build/out");
  CHECK(shown_path("/w/main", "/w/main") == "/w/main");
  CHECK(shown_path("/w/mainx/y", "/w/main") == "/w/mainx/y");
  CHECK(shown_path("relative/y", "/w/main") == "relative/y");
  CHECK(shown_path("/w/y", "/") == "/w/y");
}
