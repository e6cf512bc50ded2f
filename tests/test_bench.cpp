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

TEST_CASE("The products floor counts z whole and the other four products over their nonzero shares", "[bench]") {
  // 1,024 x 200 x 20 is 4,096,000 multiply-adds a product.
  CHECK(five_product_fmas_per_step(1024, 200, 20, {}) == 5.0 * 4'096'000);
  CHECK(five_product_fmas_per_step(1024, 200, 20, {0.05, 0.4}) == Approx((1.0 + 0.1 + 0.8) * 4'096'000));
  // From a sweep's timing.json: instance 0 counted by the large kernel, instance 1 not (null), and
  // an instance the file does not list at all: the last two are dense.
  TrainSettings settings;
  settings.batch = 1024;
  settings.features = 200;
  settings.hidden = 20;
  settings.steps = 10;
  const std::string timing = R"({"per_instance": [{"input_nonzero": 0.05, "grad_nonzero": 0.4},
                                                   {"input_nonzero": null, "grad_nonzero": null}]})";
  CHECK(sweep_product_fmas(settings, 3, timing) == Approx((1.9 + 5.0 + 5.0) * 4'096'000 * 10));

  // In the table: seconds on both cores at the measured peak, and the count; the draws floor halved
  // for instances with their own streams.
  PaperSweepRow row;
  row.name = "geometry_200x20";
  row.instances = 3;
  row.features = 200;
  row.hidden = 20;
  row.steps = 10;
  row.one_thread.seconds = {2.0};
  row.two_threads.seconds = {1.0};
  row.floor_seconds = 0.8;
  row.product_fmas = 4e12;
  const std::string md = paper_sweeps_markdown({row}, FmaPeak{1e11, "AVX-512"});
  CHECK(md.find("| 0.4 s | 20.0 s (4 T) |") != std::string::npos);
  CHECK(md.find("100.0 G multiply-adds a second a core (AVX-512, 200 GFLOP/s") != std::string::npos);
  // Without a timed peak (no AVX2) there is no products floor, rather than one made up.
  CHECK(paper_sweeps_markdown({row}, FmaPeak{}).find("| 0.4 s | — |") != std::string::npos);
}

TEST_CASE("This machine's multiply-add peak is timed, not assumed", "[bench]") {
  const FmaPeak peak = measure_fma_peak();
  INFO(peak.width << ": " << peak.per_second);
  if (peak.width == "scalar") CHECK(peak.per_second == 0.0);
  else CHECK(peak.per_second > 1e9);  // any AVX2 core does billions a second
}
