#include <catch2/catch.hpp>

#include "bench/benchmark.hpp"

using namespace superpos;

TEST_CASE("Timing takes the median, not the mean, of its repeats", "[bench]") {
  CHECK(Timing{{0.3, 0.1, 9.0}}.median() == 0.3);
  CHECK(Timing{{0.4, 0.1, 0.2, 0.3}}.median() == Approx(0.25));
  CHECK(Timing{{0.4, 0.1, 0.2}}.min() == 0.1);
  CHECK(Timing{{0.4, 0.1, 0.2}}.max() == 0.4);
}

TEST_CASE("The bench table derives speed-up, steps/s and the floor ratio from the timings", "[bench]") {
  BenchRow row;
  row.name = "relu_09";
  row.settings.steps = 10000;
  row.superpos = Timing{{0.2, 0.25, 0.2}};
  row.floor = Timing{{0.1}};
  row.superpos_peak_rss_mb = 9.5;
  row.torch = ProcessMeasure{6.0, 290.0};
  const std::string csv = bench_csv({row});
  CHECK(csv.find("relu_09,5,2,10000,1024,0.2000,0.2000,0.2500,3,6.000,30.0,50000,0.1000,2.00,9.5,290,,\n") !=
        std::string::npos);
  const std::string md = bench_markdown({row}, SeedRunsTiming{64, 7.25});
  CHECK(md.find("| relu_09 | 5 x 2 | 10000 | 0.200 | 6.000 | 30.0x | 50000 | 0.100 | 2.00 | 10 / 290 |") !=
        std::string::npos);
  CHECK(md.find("64 robustness runs, trained by `make -j2`") != std::string::npos);
  // On a cluster the line says how they were trained.
  CHECK(bench_markdown({row}, SeedRunsTiming{64, 7.25, "make -j64 CLUSTER=slurm"}).find("trained by `make -j64 CLUSTER=slurm`") !=
        std::string::npos);

  // A larger model's row also has PyTorch on every core, after the one-thread time.
  row.torch_all_threads = ProcessMeasure{4.5, 300.0};
  row.superpos_all_threads = Timing{{0.1, 0.12, 0.11}};
  CHECK(bench_csv({row}).find(",290,4.5000,0.1100\n") != std::string::npos);
  CHECK(bench_markdown({row}).find("| 0.200 / 0.110 | 6.000 / 4.500 |") != std::string::npos);
  row.torch_all_threads.reset();
  row.superpos_all_threads.reset();

  // A sweep on one thread and on two: the speed-up is the ratio of the medians.
  SweepTiming sweep{10, 100, 20, 2, Timing{{9.0, 9.2, 9.1}}, Timing{{4.6, 4.5, 4.7}}};
  CHECK(bench_markdown({row}, {}, sweep).find("9.10 s on one thread, 4.60 s on 2 threads, 1.98x faster") !=
        std::string::npos);

  row.torch.reset();  // no python3-torch: the PyTorch columns are empty, not invented
  CHECK(bench_csv({row}).find("0.2500,3,,,50000") != std::string::npos);
}

TEST_CASE("The random-number floor draws a whole run's stream", "[bench]") {
  TrainSettings settings;
  settings.steps = 20;
  const Timing floor = time_random_numbers(settings, 3);
  REQUIRE(floor.seconds.size() == 3);
  CHECK(floor.median() > 0.0);
}
