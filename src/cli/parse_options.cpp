#include <boost/program_options/parsers.hpp>
#include <fmt/format.h>

#include "cli/commands.hpp"
#include "io/config.hpp"

namespace po = boost::program_options;

namespace superpos::cli {

po::variables_map parse_options(const std::vector<std::string>& args, const po::options_description& options) {
  const po::parsed_options parsed = po::command_line_parser(args).options(options).run();
  for (const po::option& option : parsed.options)
    if (option.position_key >= 0 && !option.value.empty())
      throw InputError(fmt::format("command line: unexpected argument '{}' (options are written --key value)",
                                   option.value.front()));
  po::variables_map vm;
  po::store(parsed, vm);
  return vm;
}

}  // namespace superpos::cli
