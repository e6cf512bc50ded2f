// One figure file drawn by gnuplot, as SVG (for the HTML report) or PDF (for LaTeX): drawn under a
// temporary name, checked to be complete, then renamed into place. Every figure of the project goes
// through draw_figure, so each has the same font, size rules and reproducible PDF date.
#pragma once

#define GNUPLOT_ENABLE_CXX11 1
#include <gnuplot-iostream.h>

#include <filesystem>
#include <functional>

namespace superpos {

enum class FigureFormat { svg, pdf };

struct Canvas {
  double width_in;  // inches; SVG uses 100 px per inch
  double height_in;
};

// Writes `path` from the gnuplot commands `draw` sends (after the terminal and the shared styles).
// Throws std::runtime_error naming the file and gnuplot's first message when gnuplot fails.
void draw_figure(const std::filesystem::path& path, FigureFormat format, Canvas canvas,
                 const std::function<void(Gnuplot&)>& draw);

}  // namespace superpos
