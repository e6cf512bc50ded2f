#include <catch2/catch.hpp>

#include "analysis/geometry.hpp"

using namespace superpos;

TEST_CASE("Norms, W W^T, interference and angles of a hand-made W", "[geometry]") {
  Weights w(3, 2);
  w << 1, 0,   //
      0, 2,    //
      -1, 1;
  const Geometry g = analyse(w);
  CHECK(g.norms[1] == Approx(2.0));
  CHECK(g.interactions(0, 2) == Approx(-1.0));
  CHECK(g.interactions(1, 2) == Approx(2.0));
  CHECK(g.interference[0] == Approx(0.0 + -1.0));
  CHECK(g.interference[2] == Approx(-1.0 + 2.0));
  CHECK(g.angles_degrees(0, 1) == Approx(90.0));
  CHECK(g.angles_degrees(0, 2) == Approx(135.0));
  CHECK(g.angles_degrees(1, 2) == Approx(45.0));
}

TEST_CASE("A zero row reads as 90 degrees from everything, as torch's cosine_similarity gives", "[geometry]") {
  Weights w(2, 2);
  w << 1, 0, 0, 0;
  CHECK(angle_degrees(w, 0, 1) == Approx(90.0));
}
