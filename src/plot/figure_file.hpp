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

// Where a figure is read: on a page (the PDF, and the HTML on a wide screen) or on a phone, where
// the HTML shows a narrower layout of it instead (legend below, fewer panels a row) so that it fits
// 390 px with its text at full size, not scaled down past reading (templates/phone_figures.lua).
enum class FigureLayout { page, phone };

// Writes STEM.svg and STEM.pdf laid out for a page and STEM.phone.svg laid out for a phone, each
// through draw_figure; `canvas` gives each layout's size and `draw` draws in the layout it is given.
void draw_page_and_phone(const std::filesystem::path& stem, const std::function<Canvas(FigureLayout)>& canvas,
                         const std::function<void(Gnuplot&, FigureLayout)>& draw);

// A title of two parts as a double-quoted gnuplot string: one line on a page, two on a phone. The
// parts are the program's own text, or names validated to letters, digits, '_', '.' and '-'.
std::string split_title(const std::string& first, const std::string& second, FigureLayout layout);

// "set xtics 0,STEP": three or four labels from 0 to `last`, STEP 1, 2 or 5 times a power of ten; a
// phone's 390 px holds no more step counts such as "10000" side by side.
std::string few_xtics(double last);

// STEM.phone.svg: where draw_page_and_phone puts the phone's layout.
std::filesystem::path phone_figure_path(const std::filesystem::path& stem);

}  // namespace superpos
