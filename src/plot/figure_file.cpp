// Drawing one figure file with gnuplot: the terminal, the child process, the checks that the file is
// whole, and the atomic commit. Shared by the run figures and the paper's chapters.
#include "plot/figure_file.hpp"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <ctime>
#include <fmt/format.h>
#include <fstream>
#include <sstream>

#include "io/atomic_file.hpp"
#include "plot/figures.hpp"
#include "plot/gnuplot_process.hpp"

namespace superpos {
namespace {

std::string terminal(FigureFormat format, Canvas canvas) {
  if (format == FigureFormat::svg)
    // `fixed`: the SVG states its size in pixels; the page scales it to a share of the column, and a
    // phone shows the figure's phone layout (draw_page_and_phone) at the column's width.
    return fmt::format("set terminal svg size {},{} fixed enhanced font '{},{}' background '#ffffff'\n",
                       std::lround(canvas.width_in * 100), std::lround(canvas.height_in * 100),
                       kFigureFont, kSvgFontPixels);
  return fmt::format("set terminal pdfcairo size {}in,{}in enhanced font '{},{}'\n", canvas.width_in,
                     canvas.height_in, kFigureFont, kPdfFontPoints);
}

// cairo 1.16 (Debian 12) stamps each PDF with the current time and ignores SOURCE_DATE_EPOCH. The
// stamp is overwritten in place with that epoch (or 1970), same length, so the xref offsets hold
// and two builds of the same figure are byte-identical.
void pin_pdf_creation_date(const std::filesystem::path& pdf) {
  std::string bytes;
  {
    std::ifstream in(pdf, std::ios::binary);
    std::stringstream buffer;
    buffer << in.rdbuf();
    bytes = buffer.str();
  }
  const std::string marker = "/CreationDate (D:";
  const auto at = bytes.find(marker);
  if (at == std::string::npos) return;
  const auto digits = at + marker.size();
  const auto end = bytes.find(')', digits);
  if (end == std::string::npos || end - digits != 15) return;  // not cairo's D:YYYYMMDDHHMMSSZ
  const char* epoch_text = std::getenv("SOURCE_DATE_EPOCH");
  const std::time_t epoch = epoch_text != nullptr ? static_cast<std::time_t>(std::strtoll(epoch_text, nullptr, 10)) : 0;
  std::tm utc{};
  ::gmtime_r(&epoch, &utc);
  char stamp[16];
  std::strftime(stamp, sizeof stamp, "%Y%m%d%H%M%S", &utc);
  bytes.replace(digits, 14, stamp, 14);
  std::ofstream out(pdf, std::ios::binary | std::ios::trunc);
  out << bytes;
}

// Whether gnuplot finished the file: an SVG ends with </svg>, a PDF with %%EOF. gnuplot catches
// SIGINT itself and abandons the plot in progress, even when superpos ignores the signal (a
// background make does), and then exits without a word in its log: the truncated file must not be
// taken for a figure.
bool output_is_complete(const std::filesystem::path& file, FigureFormat format) {
  std::ifstream in(file, std::ios::binary | std::ios::ate);
  if (!in) return false;
  const std::streamoff size = in.tellg();
  const std::streamoff tail_size = std::min<std::streamoff>(size, 64);
  std::string tail(static_cast<std::size_t>(tail_size), '\0');
  in.seekg(size - tail_size);
  in.read(tail.data(), tail_size);
  const std::string ending = format == FigureFormat::svg ? "</svg>" : "%%EOF";
  const auto last = tail.find_last_not_of(" \r\n");
  return last != std::string::npos && last + 1 >= ending.size() &&
         tail.compare(last + 1 - ending.size(), ending.size(), ending) == 0;
}

// gnuplot-iostream gives no exit status, so a figure is good when gnuplot printed no error and the
// file it wrote is not empty. The figure is drawn under a temporary name and renamed when good.
}  // namespace

void draw_figure(const std::filesystem::path& path, FigureFormat format, Canvas canvas,
                 const std::function<void(Gnuplot&)>& draw) {
  const std::filesystem::path temporary = temporary_path_for(path);
  const std::filesystem::path log = temporary_path_for(path.string() + ".log");
  int status = 0;
  {
    // gnuplot answers SIGINT by abandoning the plot and closing a well-formed but incomplete file,
    // which superpos, when it ignores SIGINT (as under a background make), would commit: 11 of 120
    // interrupted plots did. So gnuplot runs in a session of its own (GnuplotProcess), where Ctrl-C
    // or a signal to make's process group does not reach it; when superpos is gone, gnuplot reads
    // end of input and exits. Its output is its stdout: no path goes into the script.
    GnuplotProcess process(temporary, log);
    {
      Gnuplot gp(process.release_input());
      gp << terminal(format, canvas);
      gp << "set output\n";
      gp << "set encoding utf8\nset border lw 0.8 lc rgb '#444444'\nset tics textcolor rgb '#222222'\n";
      draw(gp);
      gp << "unset output\n";
    }
    status = process.finish();
  }
  std::ifstream log_in(log);
  std::stringstream messages;
  messages << log_in.rdbuf();
  std::error_code ec;
  std::filesystem::remove(log, ec);
  const std::string text = messages.str();
  const bool failed = status != 0 || text.find("error") != std::string::npos || text.find("not found") != std::string::npos ||
                      !std::filesystem::exists(temporary) || std::filesystem::file_size(temporary) == 0 ||
                      !output_is_complete(temporary, format);
  if (failed) {
    std::filesystem::remove(temporary, ec);
    const auto first_line = text.substr(0, text.find_first_of('\n', text.find_first_not_of('\n')));
    throw std::runtime_error(fmt::format("{}: gnuplot failed: {}", path.string(),
                                         !first_line.empty() ? first_line
                                         : status != 0 ? fmt::format("gnuplot exited with status {}", status)
                                                       : std::string("no complete output (interrupted?)")));
  }
  if (format == FigureFormat::pdf) pin_pdf_creation_date(temporary);
  commit_file(temporary, path);
}

std::string split_title(const std::string& first, const std::string& second, FigureLayout layout) {
  return fmt::format("\"{}{}{}\"", first, layout == FigureLayout::phone ? "\\n" : " ", second);
}

std::string few_xtics(double last) {
  const double raw = std::max(1.0, last / 3.0);
  const double power = std::pow(10.0, std::floor(std::log10(raw)));
  const double step = raw <= power ? power : raw <= 2 * power ? 2 * power : raw <= 5 * power ? 5 * power : 10 * power;
  return fmt::format("set xtics 0,{:g}\n", step);
}

std::filesystem::path phone_figure_path(const std::filesystem::path& stem) {
  return std::filesystem::path(stem.string() + ".phone.svg");
}

void draw_page_and_phone(const std::filesystem::path& stem, const std::function<Canvas(FigureLayout)>& canvas,
                         const std::function<void(Gnuplot&, FigureLayout)>& draw) {
  const Canvas page = canvas(FigureLayout::page), phone = canvas(FigureLayout::phone);
  const auto on_page = [&](Gnuplot& gp) { draw(gp, FigureLayout::page); };
  draw_figure(std::filesystem::path(stem.string() + ".svg"), FigureFormat::svg, page, on_page);
  draw_figure(std::filesystem::path(stem.string() + ".pdf"), FigureFormat::pdf, page, on_page);
  draw_figure(phone_figure_path(stem), FigureFormat::svg, phone, [&](Gnuplot& gp) { draw(gp, FigureLayout::phone); });
}
}  // namespace superpos
