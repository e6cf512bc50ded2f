// `superpos plot RUN_DIR --out DIR`: the figures of one trained run.
#include <boost/program_options.hpp>
#include <cstring>
#include <iostream>

#include "cli/commands.hpp"
#include "io/atomic_file.hpp"
#include "io/config.hpp"
#include "io/run_results.hpp"
#include "plot/figures.hpp"

namespace po = boost::program_options;

namespace superpos::cli {

int plot_command(const std::vector<std::string>& args) {
  po::options_description options("superpos plot --run DIR --out DIR");
  options.add_options()("help,h", "show this help")("run", po::value<std::string>(), "trained run folder")(
      "out", po::value<std::string>(), "folder for the figures (SVG and PDF)")(
      "only", po::value<std::vector<std::string>>()->multitoken(),
      "draw only these figures (weights, interactions, bias, interference, loss)");
  po::variables_map vm;
  vm = parse_options(args, options);
  if (vm.count("help")) {
    std::cout << options << "\n";
    return kExitOk;
  }
  if (!vm.count("run") || !vm.count("out")) throw InputError("command line: options '--run DIR' and '--out DIR' are required");
  const RunResults run = read_run(vm["run"].as<std::string>());
  const std::filesystem::path out = vm["out"].as<std::string>();
  ensure_output_directory(out);
  const auto is_figure_file = [](const std::string& name) {
    const auto ends_with = [&](const char* end) { return name.size() >= std::strlen(end) && name.ends_with(end); };
    return name == "figures.json" || ends_with(".svg") || ends_with(".pdf");
  };
  const auto only = vm.count("only") ? vm["only"].as<std::vector<std::string>>() : std::vector<std::string>{};
  // Every figure of the run is drawn anew into a fresh folder that replaces the old one whole.
  replace_directory_atomically(out, is_figure_file,
                               [&](const std::filesystem::path& folder) { plot_run_figures(run, folder, only); });
  return kExitOk;
}

}  // namespace superpos::cli
